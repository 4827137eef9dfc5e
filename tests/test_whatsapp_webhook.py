"""Meta calls the WhatsApp webhook through Odoo's HTTP stack: subscription, statuses, refused calls, opt-outs."""

import json
from datetime import datetime

from freezegun import freeze_time

from odoo.addons.collections_addon.collections_addon.engine import whatsapp as wa
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common_whatsapp import (
    APP_SECRET,
    CUSTOMER_PHONE,
    FROZEN_NOW,
    VERIFY_TOKEN,
    WEBHOOK,
    WhatsappCase,
    status,
    text_message,
    webhook_payload,
)


@tagged("post_install", "-at_install")
@freeze_time(FROZEN_NOW)
class TestWhatsappWebhook(WhatsappCase, HttpCase):
    """Meta calls the webhook through Odoo's HTTP stack, as the public user."""

    def sent_event(self, name, phone=CUSTOMER_PHONE):
        """A message the run queued and the API accepted (on TODAY)."""
        with freeze_time(FROZEN_NOW):
            customer, invoice, event = self.queued_event(name, phone=phone)
            self.gateway._send_queued()
        self.assertEqual(event.state, "sent")
        self.assertTrue(event.external_id)
        return customer, invoice, event

    def post(self, payload, secret=APP_SECRET, signature=None, raw=None):
        body = raw if raw is not None else json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature is None and secret:
            signature = wa.sign(body, secret)
        if signature:
            headers["X-Hub-Signature-256"] = signature
        response = self.url_open(WEBHOOK, data=body, headers=headers)
        self.env.invalidate_all()
        return response

    def snapshot(self, event):
        return event.read(["state", "external_id", "delivered_at", "read_at", "error", "escalated"])[0]

    # ------------------------------------------------------------------
    # Subscription
    # ------------------------------------------------------------------

    def test_subscription_echoes_the_challenge_for_our_token(self):
        response = self.url_open(
            f"{WEBHOOK}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text, "1158201444")

    def test_subscription_with_a_wrong_token_is_refused(self):
        response = self.url_open(f"{WEBHOOK}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=123")
        self.assertEqual(response.status_code, 403)
        self.assertNotIn("123", response.text)
        response = self.url_open(f"{WEBHOOK}?hub.mode=unsubscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=123")
        self.assertEqual(response.status_code, 403)

    # ------------------------------------------------------------------
    # Statuses
    # ------------------------------------------------------------------

    def test_delivered_then_read_and_a_late_delivered_changes_nothing(self):
        _customer, _invoice, event = self.sent_event("Webhook Reader")
        delivered = datetime(2026, 3, 16, 10, 5)
        read = datetime(2026, 3, 16, 11, 30)
        response = self.post(webhook_payload([status(event.external_id, "delivered", delivered)]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(event.state, "delivered")
        self.assertEqual(event.delivered_at, delivered)
        self.assertFalse(event.read_at)

        response = self.post(webhook_payload([status(event.external_id, "read", read)]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(event.state, "read")
        self.assertEqual(event.read_at, read)
        self.assertEqual(event.delivered_at, delivered)

        # Meta does not promise the order: a late "delivered" (or "sent") after "read" changes nothing.
        late = datetime(2026, 3, 16, 12, 0)
        self.post(
            webhook_payload([status(event.external_id, "delivered", late), status(event.external_id, "sent", late)])
        )
        self.assertEqual(event.state, "read")
        self.assertEqual(event.delivered_at, delivered)
        self.assertEqual(event.read_at, read)

    def test_read_alone_sets_delivered_too(self):
        _customer, _invoice, event = self.sent_event("Direct Reader")
        read = datetime(2026, 3, 16, 11, 0)
        self.post(webhook_payload([status(event.external_id, "read", read)]))
        self.assertEqual(event.state, "read")
        self.assertEqual(event.read_at, read)
        self.assertEqual(event.delivered_at, read)

    def test_statuses_of_one_call_are_applied_in_time_order(self):
        _customer, _invoice, event = self.sent_event("Out Of Order")
        delivered = datetime(2026, 3, 16, 10, 5)
        read = datetime(2026, 3, 16, 10, 6)
        self.post(
            webhook_payload(
                [status(event.external_id, "read", read), status(event.external_id, "delivered", delivered)]
            )
        )
        self.assertEqual(event.state, "read")
        self.assertEqual(event.delivered_at, delivered)
        self.assertEqual(event.read_at, read)

    def test_failed_status_fails_the_event_and_sends_the_sms(self):
        customer, _invoice, event = self.sent_event("Undeliverable")
        errors = [
            {
                "code": 131026,
                "title": "Message undeliverable",
                "message": "Message undeliverable",
                "error_data": {"details": "Message Undeliverable."},
            }
        ]
        response = self.post(
            webhook_payload([status(event.external_id, "failed", datetime(2026, 3, 16, 10, 1), errors=errors)])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(event.state, "failed")
        self.assertIn("131026", event.error)
        self.assertIn("Message undeliverable", event.error)
        self.assertTrue(event.escalated)
        sms = self.events_of(customer, channel="sms")
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "queued")
        self.assertIn("Undeliverable", sms.body)
        # Meta repeats the callback: no second SMS.
        self.post(webhook_payload([status(event.external_id, "failed", datetime(2026, 3, 16, 10, 2), errors=errors)]))
        self.assertEqual(len(self.events_of(customer, channel="sms")), 1)

    def test_failed_status_without_fallback_gives_the_collector_a_task(self):
        self.as_manager(self.level_first).whatsapp_fallback = "none"
        customer, _invoice, event = self.sent_event("Undeliverable No Fallback")
        self.post(webhook_payload([status(event.external_id, "failed", datetime(2026, 3, 16, 10, 1))]))
        self.assertEqual(event.state, "failed")
        self.assertTrue(event.error)
        task = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", customer.id),
                ("summary", "=", "WhatsApp reminder not delivered"),
            ]
        )
        self.assertEqual(len(task), 1)
        self.assertFalse(self.events_of(customer, channel="sms"))

    def test_status_of_a_lost_answer_links_the_queued_event(self):
        # The API accepted the message but its answer was lost: the event is still queued, without wamid.
        with freeze_time(FROZEN_NOW):
            _customer, _invoice, event = self.queued_event("Lost Answer")
        self.assertFalse(event.external_id)
        callback = f"collections.event:{event.id}"
        response = self.post(
            webhook_payload([status("wamid.LOST123", "sent", datetime(2026, 3, 16, 10, 1), callback=callback)])
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(event.external_id, "wamid.LOST123")
        self.assertEqual(event.state, "sent")
        self.assertFalse(event.next_attempt)
        with freeze_time(FROZEN_NOW):
            self.assertEqual(self.gateway._send_queued(), 0, "never sent twice")
        self.assertFalse(self.server.requests)
        self.post(
            webhook_payload([status("wamid.LOST123", "delivered", datetime(2026, 3, 16, 10, 2), callback=callback)])
        )
        self.assertEqual(event.state, "delivered")

    def test_unknown_message_is_ignored(self):
        _customer, _invoice, event = self.sent_event("Someone Else")
        before = self.snapshot(event)
        response = self.post(
            webhook_payload(
                [
                    status("wamid.UNKNOWN", "read", datetime(2026, 3, 16, 10, 1)),
                    status("wamid.OTHER", "read", datetime(2026, 3, 16, 10, 1), callback="collections.event:999999999"),
                ]
            )
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.snapshot(event), before)

    # ------------------------------------------------------------------
    # Refused calls
    # ------------------------------------------------------------------

    @mute_logger("odoo.addons.collections_addon.collections_addon.controllers.whatsapp")
    def test_forged_or_missing_signature_is_refused(self):
        _customer, _invoice, event = self.sent_event("Forged")
        before = self.snapshot(event)
        payload = webhook_payload([status(event.external_id, "read", datetime(2026, 3, 16, 10, 1))])
        response = self.post(payload, secret="not-the-app-secret")
        self.assertEqual(response.status_code, 403)
        response = self.post(payload, secret=None)
        self.assertEqual(response.status_code, 403)
        response = self.post(payload, signature="sha256=" + "0" * 64)
        self.assertEqual(response.status_code, 403)
        # Signed, but not this body.
        other = json.dumps(webhook_payload()).encode()
        response = self.post(payload, signature=wa.sign(other, APP_SECRET))
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.snapshot(event), before)

    @mute_logger("odoo.addons.collections_addon.collections_addon.controllers.whatsapp")
    def test_malformed_payload_is_refused(self):
        _customer, _invoice, event = self.sent_event("Malformed")
        before = self.snapshot(event)
        response = self.post(None, raw=b'{"object": "whatsapp_business_account", "entry": [')
        self.assertEqual(response.status_code, 400)
        response = self.post({"object": "page", "entry": []})
        self.assertEqual(response.status_code, 400)
        response = self.post({"object": "whatsapp_business_account", "entry": {"not": "a list"}})
        self.assertEqual(response.status_code, 400)
        # One good status and one broken one in the same call: nothing is applied.
        good = status(event.external_id, "read", datetime(2026, 3, 16, 10, 1))
        broken = {"id": event.external_id, "status": "delivered", "timestamp": "yesterday"}
        response = self.post(webhook_payload([good, broken]))
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.snapshot(event), before)

    # ------------------------------------------------------------------
    # Opt-out
    # ------------------------------------------------------------------

    def blacklisted(self, number):
        return self.env["phone.blacklist"].search([("number", "=", number)])

    def test_stop_blacklists_the_sender(self):
        response = self.post(webhook_payload(messages=[text_message("5511977776666", "STOP", datetime(2026, 3, 16))]))
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.blacklisted("+5511977776666"))
        # Said twice: still one entry, and Meta gets its 200 (else it would resend the call for days).
        response = self.post(webhook_payload(messages=[text_message("5511977776666", "stop", datetime(2026, 3, 17))]))
        self.assertEqual(response.status_code, 200)
        self.assertEqual(len(self.blacklisted("+5511977776666")), 1)

    def test_parar_blacklists_the_customer_and_stops_the_next_message(self):
        customer, _invoice, _event = self.sent_event("Parar Customer", phone="+5511966665555")
        self.assertFalse(customer.phone_sanitized_blacklisted)
        response = self.post(
            webhook_payload(messages=[text_message("5511966665555", " Parar! ", datetime(2026, 3, 16, 10, 1))])
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(self.blacklisted("+5511966665555"))
        customer.invalidate_recordset()
        self.assertTrue(customer.phone_sanitized_blacklisted)

    def test_other_text_does_not_blacklist(self):
        response = self.post(
            webhook_payload(
                messages=[text_message("5511955554444", "Please don't stop, I'll pay tomorrow", datetime(2026, 3, 16))]
            )
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(self.blacklisted("+5511955554444"))

    def test_only_the_signing_companys_events_change(self):
        _customer, _invoice, event = self.sent_event("Company Bound")
        before = self.snapshot(event)
        other = self.setup_other_company(name="Other WhatsApp Co")["company"]
        other.write({"collections_whatsapp_phone_number_id": "999", "collections_whatsapp_app_secret": "other-secret"})
        payload = webhook_payload([status(event.external_id, "read", datetime(2026, 3, 16, 10, 5))])
        payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
        response = self.post(payload, secret="other-secret")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.snapshot(event), before, "another company's app cannot touch our messages")

    def test_stop_from_a_whatsapp_id_blacklists_the_number_on_file(self):
        # Brazilian mobiles may have a WhatsApp id without the ninth digit.
        customer, _invoice, event = self.sent_event("Short Id", phone="+5511966665555")
        short_id = "551166665555"
        self.post(webhook_payload([status(event.external_id, "delivered", datetime(2026, 3, 16, 10, 1), short_id)]))
        self.assertEqual(event.whatsapp_wa_id, short_id)
        self.post(webhook_payload(messages=[text_message(short_id, "SAIR", datetime(2026, 3, 16, 10, 2))]))
        self.assertTrue(self.blacklisted("+5511966665555"))
        customer.invalidate_recordset()
        self.assertTrue(customer.phone_sanitized_blacklisted)
