from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_run import RunCase
from .smtp_server import LocalSMTPServer


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestMailDelivery(RunCase):
    """The reminder goes through Odoo's real mail queue to a real SMTP server on 127.0.0.1.

    The follow-up and the delivery follow-up run as their jobs do (their cron's user)."""

    def process_queue_through(self, server):
        self.env["ir.mail_server"].create(
            {"name": "Local test SMTP", "smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_encryption": "none"}
        )
        # Odoo never opens SMTP connections in tests unless told to: here the server is real and local.
        with patch.object(type(self.env["ir.mail_server"]), "_disable_send", return_value=False):
            self.env["mail.mail"].process_email_queue()

    def test_reminder_is_delivered_and_the_event_follows(self):
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "company.example", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        customer = self.make_customer("Delivered")
        invoice = self.make_invoice(customer, 120, 8)
        self.run_followup()
        event = self.events_of(customer)
        message = event.message_id
        with LocalSMTPServer() as server:
            self.process_queue_through(server)
        self.assertEqual(len(server.messages), 1)
        received = server.messages[0]
        self.assertEqual(received["to"], [customer.email])
        body = received["message"].get_body(("html",)).get_content()
        self.assertIn(invoice.name, body)
        self.assertIn("is everything ok", received["message"]["Subject"].lower())
        self.assertEqual(event.state, "sent")
        self.assertFalse(event.mail_id, "the sent mail left the queue")
        self.assertNotIn(customer.with_company(self.company).collections_status, ("to_contact",))
        self.assertIn("catchall@company.example", received["message"]["Reply-To"], "replies come back to Odoo")
        self.assertTrue(message.exists(), "the chatter keeps the reminder")
        # A late sync finds the same answer from the notification.
        self.sync_delivery()
        self.assertEqual(event.state, "sent")

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_rejected_recipient_marks_the_event_failed(self):
        customer = self.make_customer("Rejected")
        self.make_invoice(customer, 120, 8)
        self.run_followup()
        event = self.events_of(customer)
        with LocalSMTPServer(reject={customer.email}) as server:
            self.process_queue_through(server)
        self.assertFalse(server.messages)
        self.assertEqual(event.state, "failed")
        self.assertTrue(event.error)
        # The invoices count the step as received: the collector gets it back, with a task.
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "to_contact")
        self.assertEqual(partner.collections_due_level_id, self.level_first)
        task = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("summary", "ilike", "not delivered")]
        )
        self.assertEqual(len(task), 1)
        self.assertIn("550", task.note)
