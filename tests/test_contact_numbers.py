"""Text messages and calls go to the customer's collections contact's number, in that contact's language.

The collector ticks the contact and reads the preview; the follow-up runs as its cron does; the SMS go through
Odoo's SMS queue to a local IAP server, the WhatsApp messages through the gateway's job to a local Cloud API,
and Meta calls the webhook through Odoo's HTTP stack.
"""

import json
from datetime import datetime
from unittest.mock import patch

from freezegun import freeze_time

import odoo.modules.module
from odoo.addons.collections_addon.collections_addon.engine import whatsapp as wa
from odoo.tests import Form, HttpCase, tagged

from .common_contacts import ContactsMixin
from .common_run import RunCase
from .common_whatsapp import (
    APP_SECRET,
    CUSTOMER_PHONE,
    FROZEN_NOW,
    WEBHOOK,
    WhatsappCase,
    status,
    text_message,
    webhook_payload,
)
from .iap_sms_server import LocalIapSmsServer

CONTACT_PHONE = "+55 11 98888-1111"
OTHER_PHONE = "+55 11 97777-2222"
SMS_PT = "Olá, {{ customer }}. As faturas {{ invoices }} ({{ amount }}) estão vencidas."
THANKS_PT = "Olá, {{ customer }}. Obrigado por pagar {{ invoices }}."


class _ContactsMixin(ContactsMixin):
    """Sending what the run queued, through the local servers."""

    def send_sms_queue(self, server):
        """Send the queued SMS with Odoo's own sending code, to the local IAP server (as in test_sms_letters)."""
        self.env["ir.config_parameter"].sudo().set_param("sms.endpoint", server.endpoint)
        outgoing = self.env["sms.sms"].search([("state", "=", "outgoing"), ("to_delete", "!=", True)])
        # iap_jsonrpc refuses to talk to any server while a test runs: only around the send, to a local server.
        with patch.object(odoo.modules.module, "current_test", False):
            outgoing._send(unlink_failed=False, unlink_sent=True, raise_exception=True)
        return outgoing


@tagged("post_install", "-at_install")
@freeze_time(FROZEN_NOW)
class TestContactNumbers(_ContactsMixin, WhatsappCase, HttpCase):
    """The 'First' step texts by SMS and WhatsApp (no e-mail): to the collections contact's number, else the
    customer's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_languages()
        cls.sms_script.update_field_translations("body", {"pt_BR": SMS_PT})
        cls.level_first.write({"send_email": False, "send_sms": True, "whatsapp_fallback": "none"})
        cls.env["iap.account"].create(
            {"service_id": cls.env.ref("sms.iap_service_sms").id, "account_token": "collections-test-token"}
        )

    def company_customer(self, name):
        customer = self.make_customer(name, is_company=True, lang="en_US", phone=CUSTOMER_PHONE)
        invoice = self.make_invoice(customer, 1234.56, 8)
        return customer, invoice

    def post_webhook(self, payload):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": wa.sign(body, APP_SECRET)}
        response = self.url_open(WEBHOOK, data=body, headers=headers)
        self.assertEqual(response.status_code, 200)
        self.env.invalidate_all()

    def test_sms_and_whatsapp_go_to_the_collections_contact_in_its_language_and_the_preview_says_so(self):
        customer, invoice = self.company_customer("Construtora Alfa")
        paula = self.add_contact(customer, "Paula Pereira", "pt_BR", phone=CONTACT_PHONE, collections=True)
        self.add_contact(customer, "Billing", "en_US", phone=OTHER_PHONE, collections=False, address_type="invoice")
        number = paula.phone_sanitized
        self.assertTrue(number)
        self.assertNotEqual(number, customer.phone_sanitized)

        line = self.preview_line(customer)
        self.assertIn(number, line.phone_recipient)
        self.assertIn("Paula Pereira", line.phone_recipient)
        self.assertIn("collections contact", line.phone_recipient)
        self.assertIn(self.languages["pt_BR"], line.phone_recipient)
        self.assertFalse(self.events_of(customer), "a preview sends nothing")

        self.run_followup()
        sms_event = self.events_of(customer, channel="sms")
        self.assertEqual((sms_event.state, sms_event.recipient), ("queued", number))
        self.assertIn("Olá, Construtora Alfa", sms_event.body, "in the contact's language")
        self.assertIn("1.234,56", sms_event.body, "amounts as the contact reads them")
        self.assertIn(invoice.name, sms_event.body)
        sms = self.env["sms.sms"].search([("mail_message_id", "=", sms_event.message_id.id)])
        self.assertEqual((sms.number, sms.partner_id), (number, paula))
        message = sms_event.message_id
        self.assertEqual((message.model, message.res_id), ("res.partner", customer.id), "in the customer's chatter")
        with LocalIapSmsServer() as server:
            self.send_sms_queue(server)
        self.assertEqual([sent[0] for sent in server.sent], [number])
        self.assertEqual(sms_event.state, "sent", "the SMS queue's state comes back to the customer's contact log")

        whatsapp = self.events_of(customer, channel="whatsapp")
        self.assertEqual(whatsapp.recipient, number)
        self.gateway._send_queued()
        body = self.server.requests[0]["body"]
        self.assertEqual(body["to"], number.lstrip("+"))
        self.assertIn("1.234,56", body["template"]["components"][0]["parameters"][1]["text"])

    def test_without_a_collections_contact_the_customers_own_number_is_used(self):
        customer, _invoice = self.company_customer("Beta Importadora")
        self.add_contact(customer, "Billing", "pt_BR", phone=OTHER_PHONE, collections=False, address_type="invoice")
        self.add_contact(customer, "No Number", "pt_BR", collections=True)  # a collections contact without a number
        line = self.preview_line(customer)
        self.assertIn(customer.phone_sanitized, line.phone_recipient)
        self.assertIn("the customer", line.phone_recipient)

        self.run_followup()
        sms_event = self.events_of(customer, channel="sms")
        self.assertEqual(sms_event.recipient, customer.phone_sanitized)
        self.assertIn("Hello, Beta Importadora", sms_event.body, "in the customer's language")
        sms = self.env["sms.sms"].search([("partner_id", "=", customer.id)])
        self.assertEqual(sms.number, customer.phone_sanitized)
        self.assertEqual(self.events_of(customer, channel="whatsapp").recipient, customer.phone_sanitized)

    def test_an_opt_out_from_the_contacts_number_is_recorded_for_it_and_its_customer(self):
        customer, _invoice = self.company_customer("Gama Comercio")
        paula = self.add_contact(customer, "Paula Lima", "pt_BR", phone=CONTACT_PHONE, collections=True)
        number = paula.phone_sanitized
        self.post_webhook(webhook_payload(messages=[text_message(number.lstrip("+"), "PARAR", datetime(2026, 3, 16))]))
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", number)]))
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", customer.phone_sanitized)]))
        note = customer.message_ids.filtered(lambda message: number in (message.body or ""))
        self.assertIn("opted out", str(note.body), "the collector sees it on the customer")

        line = self.preview_line(customer)
        self.assertIn(number, line.phone_recipient, "the contact's number stays chosen: it opted out")
        self.run_followup()
        sms_event = self.events_of(customer, channel="sms")
        self.assertEqual(sms_event.state, "cancelled")
        self.assertIn(number, sms_event.error)
        self.assertFalse(self.env["sms.sms"].search([("number", "=", customer.phone_sanitized)]), "nor to its own")

    def test_a_receipt_and_a_stop_from_the_contacts_number_reach_the_customers_message(self):
        customer, _invoice = self.company_customer("Delta Atacado")
        paula = self.add_contact(customer, "Paula Rocha", "pt_BR", phone=CONTACT_PHONE, collections=True)
        digits = paula.phone_sanitized.lstrip("+")
        self.run_followup()
        self.gateway._send_queued()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual(event.state, "sent")
        receipt = status(event.external_id, "delivered", datetime(2026, 3, 16, 10, 5), recipient=digits)
        self.post_webhook(webhook_payload(statuses=[receipt]))
        self.assertEqual((event.state, event.whatsapp_wa_id), ("delivered", digits))
        self.post_webhook(webhook_payload(messages=[text_message(digits, "STOP", datetime(2026, 3, 16, 10, 6))]))
        self.assertTrue(self.env["phone.blacklist"].search([("number", "=", paula.phone_sanitized)]))
        self.assertEqual(self.env["collections.whatsapp"]._customers_of_number(digits), customer)
        self.assertTrue(customer.message_ids.filtered(lambda message: "opted out" in (message.body or "")))


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestContactThanks(_ContactsMixin, RunCase):
    """The thank-you goes where the reminders went, in each recipient's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_languages()
        cls.template_thanks = cls.env.ref("collections_addon.mail_template_collections_thanks")
        cls.thanks_sms = cls.make_script("sms", "Hello, {{ customer }}. Thank you for paying {{ invoices }}.")
        cls.thanks_sms.update_field_translations("body", {"pt_BR": THANKS_PT})

    def choose_thanks(self, sms=None):
        with Form(self.policy.with_user(self.manager)) as plan:
            plan.thanks_template_id = self.template_thanks
            plan.thanks_sms_script_id = sms or self.env["collections.script"]

    def thank_you_mails(self, customer):
        return self.mails_of(customer).filtered(
            lambda mail: "thank you for your payment" in mail.subject or "obrigado pelo seu pagamento" in mail.subject
        )

    def test_the_thank_you_e_mail_goes_to_each_collections_contact_in_its_language(self):
        self.choose_thanks()
        customer = self.make_customer("Epsilon Ltda", is_company=True, lang="en_US")
        paula = self.add_contact(customer, "Paula Souza", "pt_BR", collections=True)
        john = self.add_contact(customer, "John Smith", "en_US", collections=True)
        invoice = self.make_invoice(customer, 100, 8)
        self.run_followup()
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        thanks = self.thank_you_mails(customer)
        self.assertEqual(len(thanks), 2, "one e-mail per language")
        portuguese = thanks.filtered(lambda mail: mail.recipient_ids == paula)
        english = thanks.filtered(lambda mail: mail.recipient_ids == john)
        self.assertIn("obrigado pelo seu pagamento", portuguese.subject)
        self.assertIn("thank you for your payment", english.subject)

    def test_the_thank_you_sms_goes_to_the_contacts_number_in_its_language(self):
        self.choose_thanks(sms=self.thanks_sms)
        reminder = self.make_script("sms", "Hello, {{ customer }}. {{ amount }} is overdue.")
        self.level_first.write({"send_email": False, "send_sms": True, "sms_script_id": reminder.id})
        customer = self.make_customer("Zeta Ltda", is_company=True, lang="en_US", phone=CUSTOMER_PHONE)
        paula = self.add_contact(customer, "Paula Alves", "pt_BR", phone=CONTACT_PHONE, collections=True)
        invoice = self.make_invoice(customer, 100, 8)
        self.run_followup()
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        texts = self.env["sms.sms"].search([("partner_id", "=", paula.id)])
        self.assertEqual(len(texts), 2, "the reminder and the thank-you, both to the contact")
        thanks = texts.filtered(lambda sms: "Obrigado" in sms.body)
        self.assertEqual(thanks.body, f"Olá, Zeta Ltda. Obrigado por pagar {invoice.name}.")
        self.assertEqual(thanks.number, paula.phone_sanitized)
        self.assertFalse(self.thank_you_mails(customer), "not by e-mail as well")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestContactCalls(_ContactsMixin, RunCase):
    """The 'Call' step's call goes to the collections contact's number; the collector logs it on that number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_languages()

    def log_call(self, event, outcome):
        action = event.with_user(self.collector).action_log_call()
        wizard = self.open_call_log(action)
        wizard.write({"outcome": outcome})
        wizard.action_confirm()
        return wizard

    def test_the_call_is_planned_on_the_contacts_number_and_a_wrong_number_flags_the_contact(self):
        customer = self.make_customer("Eta Industria", is_company=True, lang="en_US", phone=CUSTOMER_PHONE)
        paula = self.add_contact(customer, "Paula Nunes", "pt_BR", phone=CONTACT_PHONE, collections=True)
        self.make_invoice(customer, 900, 20)
        self.assertIn(paula.phone_sanitized, self.preview_line(customer).phone_recipient)
        self.run_followup()
        call = self.events_of(customer, channel="call", state="queued")
        self.assertEqual(call.recipient, paula.phone)

        action = call.with_user(self.collector).action_log_call()
        wizard = self.open_call_log(action)
        self.assertEqual((wizard.phone, wizard.phone_partner_id), (paula.phone, paula))
        with freeze_time("2026-03-16 12:00:00"):
            self.log_call(call, "wrong_number")
        self.assertTrue(paula.collections_phone_invalid, "the contact's number was wrong")
        self.assertFalse(customer.collections_phone_invalid, "not the customer's own")

        paula.with_user(self.collector).phone = OTHER_PHONE
        self.assertFalse(paula.collections_phone_invalid, "a corrected number clears the flag")
