"""The delivery jobs cost the same number of queries for a few contacts as for many: the hourly delivery follow-up
(e-mail and SMS states), the WhatsApp queue and its escalations, and printing the queued letters."""

from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import tagged

from .common import RUN_DAY
from .common_performance import JobQueryCountMixin
from .common_whatsapp import WhatsappCase

SMS_SCRIPT = "Hello, {{ customer }}. {{ amount }} is open since {{ month }}."
LETTER_SCRIPT = "We have not yet received the payment of {{ invoices }} ({{ amount }})."


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestDeliveryJobsQueryCount(JobQueryCountMixin, WhatsappCase):
    """Contacts queued by the follow-up on TODAY, then followed, sent or printed by their jobs as their cron's user
    (the letters by the collector who prints them)."""

    def customers(self, count, prefix):
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self.make_customer(f"{prefix} {index}", phone=f"+55 11 9{len(prefix)}{index:03d}-{index:04d}")
            self.make_invoice(customer, 100 + index, 8)
            customers |= customer
        return customers

    def queued(self, count, prefix, channel):
        customers = self.customers(count, prefix)
        self.run_followup(partners=customers)
        events = self.env["collections.event"].search([("partner_id", "in", customers.ids), ("channel", "=", channel)])
        self.assertEqual(len(events), count)
        return events

    def use_channel(self, **values):
        self.level_first.write({"send_email": False, "send_whatsapp": False, **values})

    def test_email_delivery_follow_up(self):
        """Mails sent or failed in the queue: their contacts follow, the failed ones go back to the collector."""
        self.level_first.send_whatsapp = False

        def make(count, prefix):
            events = self.queued(count, prefix, "email")
            for index, mail in enumerate(events.mail_id.sorted("id")):
                if index % 2:
                    mail.write({"state": "exception", "failure_reason": "550 mailbox unavailable"})
                else:
                    mail.write({"state": "sent"})
            return events

        _few, many = self.assert_job_constant(self.sync_delivery, make)
        self.assertEqual(sorted(many.mapped("state")), ["failed"] * 6 + ["sent"] * 6)
        self.assertEqual(len(many.filtered("activity_id")), 6, "a task for each failed e-mail")

    def test_sms_delivery_follow_up(self):
        """SMS reported delivered or failed by the provider: their contacts follow."""
        self.use_channel(send_sms=True, sms_script_id=self.make_script("sms", SMS_SCRIPT).id)

        def make(count, prefix):
            events = self.queued(count, prefix, "sms")
            notifications = self.env["mail.notification"].search(
                [("mail_message_id", "in", events.message_id.ids), ("notification_type", "=", "sms")], order="id"
            )
            self.assertEqual(len(notifications), count)
            for index, notification in enumerate(notifications):
                if index % 2:
                    notification.sudo().write({"notification_status": "exception", "failure_type": "sms_number_format"})
                else:
                    notification.sudo().write({"notification_status": "sent"})
            return events

        _few, many = self.assert_job_constant(self.sync_delivery, make)
        self.assertEqual(sorted(many.mapped("state")), ["delivered"] * 6 + ["failed"] * 6)
        self.assertEqual(len(many.filtered("activity_id")), 6, "a task for each failed SMS")

    def test_whatsapp_queue(self):
        """Queued WhatsApp messages handed to the (local) Cloud API, one request each, in one batch of queries."""
        self.use_channel(send_whatsapp=True)

        def make(count, prefix):
            return self.queued(count, prefix, "whatsapp")

        _few, many = self.assert_job_constant(self.gateway._send_queued, make)
        self.assertEqual(set(many.mapped("state")), {"sent"})
        self.assertEqual(len(set(many.mapped("external_id"))), 12)
        self.assertEqual(len(self.server.message_ids), 18)

    def test_whatsapp_escalations(self):
        """Read and unpaid: a call each; sent and never delivered: failed, with the level's SMS instead."""
        self.use_channel(send_whatsapp=True, whatsapp_read_call_hours=24, whatsapp_undelivered_hours=48)

        def make(count, prefix):
            events = self.queued(count, prefix, "whatsapp")
            self.gateway._send_queued()
            now = fields.Datetime.now()
            for index, event in enumerate(events.sorted("id")):
                if index % 2:
                    event.write({"state": "sent", "sent_at": now - timedelta(hours=49)})
                else:
                    event.write({"state": "read", "read_at": now - timedelta(hours=25)})
            return events

        _few, many = self.assert_job_constant(self.escalate, make)
        self.assertTrue(all(many.mapped("escalated")))
        self.assertEqual(sorted(many.mapped("state")), ["failed"] * 6 + ["read"] * 6)
        customers = many.partner_id
        calls = self.env["collections.event"].search([("partner_id", "in", customers.ids), ("channel", "=", "call")])
        sms = self.env["collections.event"].search([("partner_id", "in", customers.ids), ("channel", "=", "sms")])
        self.assertEqual((len(calls), len(sms)), (6, 6))

    def test_printing_letters(self):
        """The collector prints the queued letters: one PDF, the letters sent, in one batch of queries."""
        self.use_channel(send_letter=True, letter_script_id=self.make_script("letter", LETTER_SCRIPT).id)
        batches = []

        def make(count, prefix):
            batches.append(self.queued(count, prefix, "letter"))
            return batches[-1]

        def print_letters():
            batches[-1].with_user(self.collector).action_print_letters()

        _few, many = self.assert_job_constant(print_letters, make)
        self.assertEqual(set(many.mapped("state")), {"sent"})
        self.assertEqual(len(many.letter_attachment_id), 1)
        self.assertTrue(all(many.mapped("body")))
