"""What the WhatsApp suites share: the company's WhatsApp number on a local Cloud API, Meta's payloads.

The queue posts real HTTP requests to :mod:`.whatsapp_server`; the webhook is
called through Odoo's HTTP stack with Meta's payloads and signatures.
"""

from datetime import datetime, timedelta

from odoo import fields

from .common_run import DELIVERY_CRON, WHATSAPP_CRON, RunCase
from .whatsapp_server import LocalWhatsAppServer

TOKEN = "EAAG-test-token"
PHONE_NUMBER_ID = "106540352242922"
APP_SECRET = "test-app-secret"
VERIFY_TOKEN = "test-verify-token"
CUSTOMER_PHONE = "+55 11 91234-5678"
CUSTOMER_DIGITS = "5511912345678"
WEBHOOK = "/collections/whatsapp/webhook"
FROZEN_NOW = "2026-03-16 10:00:00"


def epoch(moment):
    return int((moment - datetime(1970, 1, 1)).total_seconds())


def webhook_payload(statuses=(), messages=()):
    """A notification as Meta posts it to the webhook (field ``messages`` of a WhatsApp Business Account)."""
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550783881", "phone_number_id": PHONE_NUMBER_ID},
    }
    if statuses:
        value["statuses"] = list(statuses)
    if messages:
        value["contacts"] = [{"profile": {"name": "Customer"}, "wa_id": message["from"]} for message in messages]
        value["messages"] = list(messages)
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "102290129340398", "changes": [{"field": "messages", "value": value}]}],
    }


def status(wamid, state, moment, recipient=CUSTOMER_DIGITS, callback=None, errors=None):
    entry = {"id": wamid, "status": state, "timestamp": str(epoch(moment)), "recipient_id": recipient}
    if state in ("sent", "delivered"):
        entry["conversation"] = {"id": "CONVERSATION_ID", "origin": {"type": "utility"}}
        entry["pricing"] = {"billable": True, "pricing_model": "PMP", "category": "utility"}
    if callback:
        entry["biz_opaque_callback_data"] = callback
    if errors:
        entry["errors"] = errors
    return entry


def text_message(sender, text, moment):
    return {
        "from": sender,
        "id": f"wamid.IN{epoch(moment)}",
        "timestamp": str(epoch(moment)),
        "type": "text",
        "text": {"body": text},
    }


class WhatsappCase(RunCase):
    """The test company with its WhatsApp number on the local server and a WhatsApp step at 'First'.

    The follow-up queues, the gateway's job sends (``gateway``: its cron's user) and the delivery
    job escalates (``escalate``); a manager tunes the level and its scripts, a collector pauses."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.server = LocalWhatsAppServer(token=TOKEN, phone_number_id=PHONE_NUMBER_ID).start()
        cls.addClassCleanup(cls.server.stop)
        cls.company.write(
            {
                "collections_whatsapp_api_url": cls.server.url,
                "collections_whatsapp_phone_number_id": PHONE_NUMBER_ID,
                "collections_whatsapp_token": TOKEN,
                "collections_whatsapp_app_secret": APP_SECRET,
                "collections_whatsapp_verify_token": VERIFY_TOKEN,
            }
        )
        cls.whatsapp_script = cls.make_script(
            "whatsapp",
            "Hello, {{ customer }}. The invoices {{ invoices }} ({{ amount }}) are overdue. "
            "Could you tell us when you can pay?",
            whatsapp_template_name="collections_first",
            whatsapp_language="pt_BR",
            whatsapp_parameters="{{ customer }}\n{{ amount }}",
        )
        cls.sms_script = cls.make_script(
            "sms", "Hello, {{ customer }}. The invoices {{ invoices }} ({{ amount }}) are overdue."
        )
        cls.level_first.write(
            {
                "send_whatsapp": True,
                "whatsapp_script_id": cls.whatsapp_script.id,
                "whatsapp_fallback": "sms",
                "sms_script_id": cls.sms_script.id,
            }
        )
        cls.gateway = cls.as_cron(WHATSAPP_CRON, "collections.whatsapp")

    def setUp(self):
        super().setUp()
        self.server.reset()

    def whatsapp_customer(self, name, phone=CUSTOMER_PHONE, amount=120, days_late=8):
        customer = self.make_customer(name, phone=phone)
        invoice = self.make_invoice(customer, amount, days_late)
        return customer, invoice

    def queued_event(self, name, **kwargs):
        """A customer whose 'First' step queued a WhatsApp message (run on TODAY)."""
        customer, invoice = self.whatsapp_customer(name, **kwargs)
        self.run_followup()
        event = self.events_of(customer, channel="whatsapp")
        self.assertEqual(event.state, "queued")
        return customer, invoice, event

    def escalate(self):
        """The escalations on delivery state, as the hourly delivery job runs them."""
        return self.as_cron(DELIVERY_CRON, "collections.whatsapp")._escalate()

    def move_to_due(self, event):
        """The retry time came (the queue's cron would pick it up now)."""
        event.write({"next_attempt": fields.Datetime.now() - timedelta(seconds=1)})

    def open_tasks(self, customer, activity_xmlid="mail.mail_activity_data_todo"):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", customer.id),
                ("activity_type_id", "=", self.env.ref(activity_xmlid).id),
            ]
        )
