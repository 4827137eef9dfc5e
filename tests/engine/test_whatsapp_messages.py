"""The WhatsApp Cloud API's messages (``engine.whatsapp``): the request body we send, what Meta answers."""

import json

import pytest

from collections_addon.engine import (
    build_template_message,
    error_text,
    response_message_id,
)

# --- build_template_message -------------------------------------------------------------------------------------


def test_template_message_body():
    assert build_template_message("+55 (11) 99999-0000", "invoice_due", "pt_BR", ["Maria", "R$ 1.234,56"]) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "5511999990000",
        "type": "template",
        "template": {
            "name": "invoice_due",
            "language": {"code": "pt_BR"},
            "components": [
                {
                    "type": "body",
                    "parameters": [{"type": "text", "text": "Maria"}, {"type": "text", "text": "R$ 1.234,56"}],
                }
            ],
        },
    }


def test_template_message_without_parameters_has_no_components():
    message = build_template_message("5511999990000", "hello_world", "en_US", [])
    assert "components" not in message["template"]
    assert message["template"] == {"name": "hello_world", "language": {"code": "en_US"}}
    assert "components" not in build_template_message("5511999990000", "hello_world", "en_US", ())["template"]


def test_callback_data_is_added_when_given():
    message = build_template_message("5511999990000", "t", "en", [], callback_data="collections.event:7")
    assert message["biz_opaque_callback_data"] == "collections.event:7"
    assert "biz_opaque_callback_data" not in build_template_message("5511999990000", "t", "en", [])
    assert "biz_opaque_callback_data" not in build_template_message("5511999990000", "t", "en", [], "")


def test_template_message_is_json_serialisable():
    message = build_template_message("5511999990000", "t", "en", ["a", "b"], "cb")
    assert json.loads(json.dumps(message)) == message


@pytest.mark.parametrize(
    ("to", "digits"),
    [
        ("+32 470 12 34 56", "32470123456"),
        ("(11) 9999-0000", "1199990000"),
        ("12345678", "12345678"),
        ("  +1-650-555-1234 ", "16505551234"),
        ("+55.11.99999.0000", "5511999990000"),
        ("123456789012345", "123456789012345"),
    ],
)
def test_phone_number_keeps_only_digits(to, digits):
    assert build_template_message(to, "t", "en", [])["to"] == digits


@pytest.mark.parametrize(
    "to", ["", None, "1234567", "+1 234 567", "abc", "+55 11 9999x0000", "0800-CALL-NOW", "1234567890123456"]
)
def test_bad_phone_number_raises(to):
    with pytest.raises(ValueError):
        build_template_message(to, "t", "en", [])


@pytest.mark.parametrize(("name", "language"), [("", "en"), ("  ", "en"), ("t", ""), ("t", " "), (None, "en")])
def test_empty_template_name_or_language_raises(name, language):
    with pytest.raises(ValueError):
        build_template_message("5511999990000", name, language, [])


def test_template_name_and_language_are_trimmed():
    template = build_template_message("5511999990000", " invoice_due ", " pt_BR ", [])["template"]
    assert template == {"name": "invoice_due", "language": {"code": "pt_BR"}}


def test_parameters_with_line_breaks_or_long_spaces_are_flattened():
    message = build_template_message("5511999990000", "t", "en", ["line one\nline two", "a\t\tb", "x      y"])
    texts = [parameter["text"] for parameter in message["template"]["components"][0]["parameters"]]
    assert texts == ["line one line two", "a b", "x    y"]


def test_non_text_parameters_are_written_as_text():
    message = build_template_message("5511999990000", "t", "en", [12, 3.5])
    assert [p["text"] for p in message["template"]["components"][0]["parameters"]] == ["12", "3.5"]


@pytest.mark.parametrize("parameters", [[""], ["ok", "  "], ["ok", None], ["\n"]])
def test_empty_parameter_raises_naming_its_position(parameters):
    with pytest.raises(ValueError, match=f"parameter {len(parameters)}"):
        build_template_message("5511999990000", "t", "en", parameters)


def test_a_single_string_as_parameters_raises():
    with pytest.raises(ValueError):
        build_template_message("5511999990000", "t", "en", "Maria")


# --- response_message_id ----------------------------------------------------------------------------------------


def test_message_id_of_a_success_response():
    response = {
        "messaging_product": "whatsapp",
        "contacts": [{"input": "+5511999990000", "wa_id": "5511999990000"}],
        "messages": [
            {"id": "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", "message_status": "accepted"}
        ],
    }
    assert response_message_id(response) == "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA"


@pytest.mark.parametrize(
    "response",
    [
        None,
        "wamid.X",
        [],
        {},
        {"messages": []},
        {"messages": {}},
        {"messages": ["wamid.X"]},
        {"messages": [{}]},
        {"messages": [{"id": ""}]},
        {"messages": [{"id": 12}]},
        {"error": {"message": "x"}},
    ],
)
def test_missing_message_id_raises(response):
    with pytest.raises(ValueError):
        response_message_id(response)


# --- error_text -------------------------------------------------------------------------------------------------


def test_error_text_of_a_graph_error():
    response = {
        "error": {
            "message": "(#131030) Recipient phone number not in allowed list",
            "type": "OAuthException",
            "code": 131030,
            "error_data": {
                "messaging_product": "whatsapp",
                "details": "Recipient phone number not in allowed list: Add recipient phone number to recipient "
                "list and try again.",
            },
            "fbtrace_id": "AI5Ob2z72R0JAUB5zOF-nao",
        }
    }
    assert error_text(response, 400) == (
        "(#131030) Recipient phone number not in allowed list: Add recipient phone number to recipient list "
        "and try again."
    )


def test_error_text_with_message_and_different_details():
    response = {"error": {"message": "Invalid parameter", "code": 100, "error_data": {"details": "Bad language"}}}
    assert error_text(response, 400) == "(#100) Invalid parameter: Bad language"


def test_error_text_with_only_a_message():
    assert error_text({"error": {"message": "Invalid OAuth access token.", "code": 190}}) == (
        "(#190) Invalid OAuth access token."
    )
    assert error_text({"error": {"message": "Something"}}, 500) == "Something"


def test_error_text_with_only_details_or_type():
    assert error_text({"error": {"error_data": {"details": "D"}}}) == "D"
    assert error_text({"error": {"type": "OAuthException", "code": 190}}) == "(#190) OAuthException"


def test_error_text_with_only_a_code():
    assert error_text({"error": {"code": 4}}, 429) == "(#4) HTTP 429"


def test_error_text_with_a_plain_string_error():
    assert error_text({"error": "  Rate limited  "}, 429) == "Rate limited"


@pytest.mark.parametrize(
    ("response", "status_code", "text"),
    [
        (None, 502, "HTTP 502"),
        (None, None, "no response"),
        ({}, 500, "HTTP 500"),
        ("<html>Bad gateway</html>", 502, "HTTP 502"),
        ({"error": None}, 400, "HTTP 400"),
        ({"error": {}}, 400, "HTTP 400"),
        ({"error": ""}, 400, "HTTP 400"),
        ({"error": {"message": None, "code": None}}, 400, "HTTP 400"),
        ({"error": {"message": 12, "error_data": "x", "code": True}}, 400, "HTTP 400"),
        ([1, 2], None, "no response"),
        (b"bytes", 503, "HTTP 503"),
    ],
)
def test_error_text_falls_back(response, status_code, text):
    assert error_text(response, status_code) == text


def test_error_text_never_raises():
    for response in (object(), {"error": object()}, {"error": {"error_data": {"details": object()}}}, 3.5):
        assert isinstance(error_text(response, 400), str)
