"""A customer's reply pauses the automatic follow-up until the collector marks it handled.

Replies arrive as raw RFC 822 messages through Odoo's real mail gateway (``mail.thread.message_process``, as
the incoming mail server's job runs it) answering the reminder the run queued and Odoo's mail queue sent to a
local SMTP server; WhatsApp texts arrive through the webhook with Meta's signature (``test_whatsapp_webhook``).
"""

import ast
import json
from datetime import date, datetime
from unittest.mock import patch

from freezegun import freeze_time

from odoo.addons.collections_addon.collections_addon.engine import REPLY_KINDS
from odoo.addons.collections_addon.collections_addon.engine import whatsapp as wa
from odoo.exceptions import ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import NOON
from .common_run import RunCase
from .common_whatsapp import APP_SECRET, FROZEN_NOW, WEBHOOK, WhatsappCase, text_message, webhook_payload
from .smtp_server import LocalSMTPServer

TWO_WEEKS_LATER = "2026-03-30 12:00:00"


class ReplyCase(RunCase):
    """Customers reminded by the run, whose replies come back through the mail gateway."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.alias_domain_id = cls.env["mail.alias.domain"].create(
            {"name": "company.example", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )
        cls.gateway = cls.env["mail.thread"].with_user(cls.env.ref("base.user_root"))
        cls.sequence = 0

    def reminded(self, name, company=None):
        """A customer of the collector, 8 days late, whose 'First' reminder the run queued."""
        company = company or self.company
        customer = self.make_customer(name)
        customer.with_company(company).collections_responsible_id = self.collector
        invoice = self.make_invoice(customer, 120, 8, company=company)
        self.run_followup(company)
        event = self.events_of(customer, channel="email", company_id=company.id)
        self.assertEqual(len(event), 1)
        return customer, invoice, event

    def process_queue_through(self, server):
        """Odoo's mail queue sends through a real SMTP server on 127.0.0.1 (as in test_mail_delivery)."""
        self.env["ir.mail_server"].create(
            {"name": "Local test SMTP", "smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_encryption": "none"}
        )
        with patch.object(type(self.env["ir.mail_server"]), "_disable_send", return_value=False):
            self.env["mail.mail"].process_email_queue()

    def reply(self, answered, body, sender=None, subject="Re: Your invoices", headers=(), customer=None):
        """The raw e-mail ``sender`` sends back to ``answered`` (a Message-Id), through Odoo's mail gateway."""
        type(self).sequence += 1
        sender = sender or customer.email
        lines = [
            f"From: {sender}",
            "To: catchall@company.example",
            f"Subject: {subject}",
            f"Message-ID: <reply-{self.sequence}@customer.example>",
            f"In-Reply-To: {answered}",
            f"References: {answered}",
            "Date: Mon, 16 Mar 2026 11:00:00 +0000",
            "MIME-Version: 1.0",
            *headers,
            "Content-Type: text/plain; charset=utf-8",
            "",
            body,
        ]
        return self.gateway.message_process(None, "\r\n".join(lines))

    def holds_of(self, customer, company=None, **domain):
        return (
            self.env["collections.hold"]
            .with_user(self.collector)
            .search(
                [
                    ("partner_id", "=", customer.id),
                    ("company_id", "=", (company or self.company).id),
                    ("kind", "=", "reply"),
                    *[(key, "=", value) for key, value in domain.items()],
                ]
            )
        )

    def reply_tasks(self, customer):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("summary", "ilike", "Customer replied")]
        )

    def status(self, customer, company=None):
        partner = customer.with_company(company or self.company)
        partner.invalidate_recordset()
        return partner.collections_status

    def why(self, customer, company=None):
        partner = customer.with_company(company or self.company).with_user(self.collector)
        partner.invalidate_recordset()
        return partner.collections_status_note or ""

    def on_worklist(self, customer):
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_worklist_action")
        domain = [*ast.literal_eval(action["domain"]), ("id", "=", customer.id)]
        return bool(self.env["res.partner"].with_user(self.collector).search(domain))

    def emails(self, customer, level=None):
        return self.events_of(customer, channel="email", **({"level_id": level.id} if level else {}))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReplies(ReplyCase):
    def test_reply_through_the_gateway_holds_the_customer_until_handled(self):
        customer, _invoice, event = self.reminded("Replying Customer")
        with LocalSMTPServer() as server:
            self.process_queue_through(server)
        sent_id = server.messages[0]["message"]["Message-Id"]
        self.reply(
            sent_id,
            "Hello,\nI will pay next week.\n\nOn Mon, 16 Mar 2026, Billing wrote:\n> overdue",
            customer=customer,
        )

        hold = self.holds_of(customer)
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.state, "active")
        self.assertEqual(hold.reason, "Customer replied: Hello,")
        self.assertEqual(hold.reply_channel, "email")
        self.assertEqual(hold.date_start, date(2026, 3, 16))
        self.assertFalse(hold.date_end)
        self.assertEqual(hold.message_id.model, "res.partner")
        self.assertEqual(hold.message_id.parent_id, event.message_id, "the reply answers the reminder")
        task = self.reply_tasks(customer)
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.collector)
        self.assertEqual(task.summary, "Customer replied: Hello,")
        self.assertIn("I will pay next week.", task.note)
        self.assertNotIn("overdue", task.note, "the quoted reminder is left out")
        # The reply waits for the collector: on the worklist, saying why, until handled.
        self.assertEqual(self.status(customer), "to_contact")
        self.assertTrue(self.on_worklist(customer))
        self.assertIn("Customer replied: Hello,", self.why(customer))

        # Two weeks later the 'Call' step is due: the run sends nothing and says why.
        with freeze_time(TWO_WEEKS_LATER):
            result = self.run_followup()
            self.assertEqual(len(self.emails(customer)), 1)
            self.assertIn("the customer replied", result.reasons[customer.id])
            preview = self.env["collections.preview"].with_user(self.manager)._open_for(self.company, customer)
            line = self.env["collections.preview"].browse(preview["res_id"]).line_ids
            self.assertIn("the customer replied", line.reason)

            # The collector handles the reply: the run resumes at the step due now, once; 'First' is not resent.
            hold.with_user(self.collector).action_mark_handled()
            self.assertEqual(hold.state, "ended")
            self.assertEqual(hold.lift_note, "Handled by Carla Collector")
            self.assertEqual(hold.lifted_by_id, self.collector)
            self.assertFalse(self.reply_tasks(customer), "the task is done")
            self.assertNotIn("Customer replied", self.why(customer))
            self.run_followup()
            self.run_followup()
        self.assertEqual(len(self.emails(customer, self.level_first)), 1)
        self.assertEqual(len(self.emails(customer, self.level_call)), 1)

    def test_handling_the_same_day_sends_nothing_again(self):
        customer, _invoice, event = self.reminded("Same Day")
        self.reply(event.message_id.message_id, "Paying tomorrow", customer=customer)
        self.holds_of(customer).with_user(self.collector).action_mark_handled()
        self.run_followup()
        self.assertEqual(len(self.emails(customer)), 1, "the reminder already sent is not sent again")

    def test_the_holds_end_date_resumes_by_itself(self):
        customer, _invoice, event = self.reminded("Until Friday")
        self.reply(event.message_id.message_id, "Back to you on Friday.", customer=customer)
        with Form(self.holds_of(customer)) as hold:
            hold.date_end = date(2026, 3, 20)
        with freeze_time("2026-03-20 12:00:00"):
            self.assertIn("the customer replied", self.run_followup().reasons[customer.id])
        with freeze_time(TWO_WEEKS_LATER):
            self.run_followup()
        self.assertEqual(len(self.emails(customer, self.level_call)), 1)

    def test_the_companys_reply_days_resume_an_unhandled_reply_by_themselves(self):
        settings = Form(self.env["res.config.settings"])
        settings.collections_reply_hold_days = 7
        settings.save().execute()
        customer, _invoice, event = self.reminded("Never Answered")
        self.reply(event.message_id.message_id, "Let me check.", customer=customer)
        hold = self.holds_of(customer)
        self.assertEqual(hold.date_end, date(2026, 3, 23), "seven days after the reply")
        with freeze_time("2026-03-23 12:00:00"):
            self.assertIn("the customer replied", self.run_followup().reasons[customer.id])
        with freeze_time(TWO_WEEKS_LATER):
            self.env["collections.hold"]._cron_holds(commit=False)
            self.run_followup()
            self.run_followup()
        self.assertEqual(hold.state, "ended")
        self.assertEqual(len(self.emails(customer, self.level_first)), 1)
        self.assertEqual(len(self.emails(customer, self.level_call)), 1)
        self.assertTrue(self.reply_tasks(customer), "the collector's task stays until done")

    def test_the_reply_days_are_checked(self):
        settings = Form(self.env["res.config.settings"])
        settings.collections_reply_hold_days = -1
        with self.assertRaisesRegex(ValidationError, "0 to hold until handled"):
            settings.save().execute()

    def test_auto_replies_and_bounces_do_not_pause(self):
        customer, _invoice, event = self.reminded("On Holiday")
        status_before = self.status(customer)
        answered = event.message_id.message_id
        self.reply(
            answered,
            "I am out of the office until April.",
            subject="Automatic reply: Your invoices",
            headers=["Auto-Submitted: auto-replied"],
            customer=customer,
        )
        self.reply(answered, "I am away.", subject="Out of Office: Your invoices", customer=customer)
        bounce = "\r\n".join(
            [
                "From: MAILER-DAEMON@mx.customer.example",
                "To: bounce@company.example",
                "Subject: Undelivered Mail Returned to Sender",
                "Message-ID: <bounce-1@mx.customer.example>",
                f"In-Reply-To: {answered}",
                "MIME-Version: 1.0",
                'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
                "",
                "--b1",
                "Content-Type: text/plain",
                "",
                "The mail system could not deliver the message.",
                "--b1",
                "Content-Type: message/delivery-status",
                "",
                "Reporting-MTA: dns; mx.customer.example",
                "",
                f"Final-Recipient: rfc822; {customer.email}",
                "Action: failed",
                "Status: 5.1.1",
                "--b1--",
                "",
            ]
        )
        self.gateway.message_process(None, bounce)
        self.assertFalse(self.holds_of(customer))
        self.assertFalse(self.reply_tasks(customer))
        self.assertEqual(self.status(customer), status_before)
        self.assertNotIn("Customer replied", self.why(customer))

    def test_a_second_reply_adds_to_the_hold_and_done_task_ends_it(self):
        customer, _invoice, event = self.reminded("Twice")
        answered = event.message_id.message_id
        self.reply(answered, "Which invoice is this?", customer=customer)
        self.reply(answered, "Found it, <b>thanks</b> & sorry.", customer=customer)
        hold = self.holds_of(customer)
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.reply_count, 2)
        self.assertEqual(hold.reason, "Customer replied: Found it, <b>thanks</b> & sorry.")
        task = self.reply_tasks(customer)
        self.assertEqual(len(task), 1)
        self.assertIn("Which invoice is this?", task.note)
        self.assertIn("&lt;b&gt;thanks&lt;/b&gt; &amp; sorry.", task.note, "the reply is shown, never rendered")
        # Marking the task done is handling the reply.
        task.with_user(self.collector).action_feedback(feedback="Sent a copy")
        self.assertEqual(hold.state, "ended")
        self.assertEqual(hold.lifted_by_id, self.collector)
        self.assertNotIn("Customer replied", self.why(customer))

    def test_a_contact_replying_holds_the_customer_an_internal_user_does_not(self):
        customer, _invoice, event = self.reminded("With Contacts")
        contact = self.env["res.partner"].create(
            {"name": "Ana Payables", "parent_id": customer.id, "email": "ana.payables@elsewhere.example"}
        )
        answered = event.message_id.message_id
        self.reply(answered, "Forwarded to finance.", sender=self.collector.email, customer=customer)
        self.assertFalse(self.holds_of(customer), "a colleague's answer is not the customer's")
        self.reply(answered, "We pay on Friday.", sender=f"Ana <{contact.email}>", customer=customer)
        self.assertEqual(self.holds_of(customer).reason, "Customer replied: We pay on Friday.")

    def test_an_invoice_reply_holds_in_the_invoices_company_only(self):
        customer, _invoice, _event = self.reminded("Invoice Replier")
        other_invoice = self.make_invoice(customer, 80, 8, company=self.company_2)
        self.runner.with_company(self.company_2)._refresh_partners(customer, self.company_2)
        self.assertEqual(self.status(customer, self.company_2), "overdue")
        sent = other_invoice.message_post(body="Your invoice", message_type="comment")
        self.reply(sent.message_id, "There is a problem with this one.", customer=customer)
        hold = self.env["collections.hold"].search([("partner_id", "=", customer.id)])
        self.assertEqual(hold.company_id, self.company_2)
        self.assertEqual(hold.message_id.model, "account.move")
        self.assertEqual(self.status(customer, self.company_2), "to_contact")
        self.assertNotIn("Customer replied", self.why(customer))
        # This company's follow-up goes on: its 'Call' step goes out when due.
        with freeze_time(TWO_WEEKS_LATER):
            self.run_followup()
        self.assertEqual(len(self.emails(customer, self.level_call)), 1)

    def test_a_thank_you_for_a_fresh_invoice_holds_nothing(self):
        customer = self.make_customer("Up To Date")
        invoice = self.make_invoice(customer, 80, -20)
        sent = invoice.message_post(body="Your invoice", message_type="comment")
        self.reply(sent.message_id, "Thanks, received.", customer=customer)
        self.assertFalse(self.env["collections.hold"].search([("partner_id", "=", customer.id)]))
        self.assertFalse(self.reply_tasks(customer))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReplySuggestions(ReplyCase):
    def turn_suggestions(self, on):
        settings = Form(self.env["res.config.settings"])
        settings.collections_reply_suggestions = on
        settings.save().execute()

    def test_the_suggestions_are_the_engines(self):
        field = self.env["collections.hold"]._fields["suggestion"]
        self.assertEqual(tuple(code for code, _label in field.selection), REPLY_KINDS)

    def test_off_by_default_no_suggestion(self):
        customer, _invoice, event = self.reminded("No Guess")
        self.reply(event.message_id.message_id, "I will pay on 20/03/2026", customer=customer)
        hold = self.holds_of(customer)
        self.assertFalse(hold.suggestion)
        self.assertFalse(hold.suggestion_text)
        self.assertNotIn("Suggestion", self.reply_tasks(customer).note)

    def test_a_promise_is_suggested_and_recorded_by_the_collector(self):
        self.turn_suggestions(True)
        self.assertTrue(self.company.collections_reply_suggestions)
        customer, invoice, event = self.reminded("Promiser")
        self.reply(event.message_id.message_id, "I will pay on 20/03/2026", customer=customer)
        hold = self.holds_of(customer)
        self.assertEqual(hold.suggestion, "promise")
        self.assertEqual(hold.suggested_date, date(2026, 3, 20))
        self.assertIn("promise to pay on 03/20/2026", hold.suggestion_text)
        self.assertIn("promise to pay on 03/20/2026", self.reply_tasks(customer).note)
        self.assertFalse(self.env["collections.promise"].search([("partner_id", "=", customer.id)]))

        action = hold.with_user(self.collector).action_record_promise()
        form = Form(self.env[action["res_model"]].with_user(self.collector).with_context(action["context"]))
        self.assertEqual(form.partner_id, customer)
        self.assertEqual(form.move_ids[:], invoice)
        self.assertEqual(form.date, date(2026, 3, 20))
        self.assertEqual(form.amount, 120)
        self.assertIn("I will pay on 20/03/2026", form.note)
        promise = form.save()
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.company_id, self.company)
        self.assertEqual(hold.state, "ended", "recording the promise handled the reply")
        self.assertEqual(self.status(customer), "promised")

    def test_a_dispute_is_suggested_and_already_paid_points_at_payments(self):
        self.turn_suggestions(True)
        customer, invoice, event = self.reminded("Disputer")
        self.reply(event.message_id.message_id, "Não recebi a mercadoria.", customer=customer)
        hold = self.holds_of(customer)
        self.assertEqual(hold.suggestion, "dispute")
        action = hold.with_user(self.collector).action_record_dispute()
        form = Form(self.env[action["res_model"]].with_user(self.collector).with_context(action["context"]))
        self.assertEqual(form.move_ids[:], invoice)
        self.assertIn("Não recebi a mercadoria.", form.reason)
        # Discarded, the form changes nothing: the reply still waits.
        self.assertEqual(hold.state, "active")
        form.save()
        self.assertEqual(hold.state, "ended")
        self.assertEqual(self.status(customer), "disputed")

        payer, _invoice, event = self.reminded("Payer")
        self.reply(event.message_id.message_id, "We already paid, see the receipt.", customer=payer)
        hold = self.holds_of(payer)
        self.assertEqual(hold.suggestion, "paid")
        action = hold.with_user(self.collector).action_check_payments()
        self.assertEqual(action["res_model"], "account.payment")
        self.env[action["res_model"]].with_user(self.collector).search(action["domain"])


@tagged("post_install", "-at_install")
@freeze_time(FROZEN_NOW)
class TestWhatsappReplies(WhatsappCase, HttpCase):
    """A customer answers our WhatsApp message: Meta calls the webhook, signed."""

    def post(self, payload):
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "X-Hub-Signature-256": wa.sign(body, APP_SECRET)}
        response = self.url_open(WEBHOOK, data=body, headers=headers)
        self.env.invalidate_all()
        self.assertEqual(response.status_code, 200)
        return response

    def sent(self, name, phone):
        customer, invoice, event = self.queued_event(name, phone=phone)
        customer.with_company(self.company).collections_responsible_id = self.collector
        self.gateway._send_queued()
        self.assertEqual(event.state, "sent")
        return customer, invoice, event

    def holds_of(self, customer):
        return self.env["collections.hold"].search([("partner_id", "=", customer.id), ("kind", "=", "reply")])

    def test_a_text_holds_the_customer_once_and_stop_opts_out_without_hold(self):
        customer, _invoice, _event = self.sent("WhatsApp Replier", phone="+5511944443333")
        message = text_message("5511944443333", "Vou pagar na sexta.\nPode ser?", datetime(2026, 3, 16, 10, 5))
        self.post(webhook_payload(messages=[message]))
        self.post(webhook_payload(messages=[message]))  # Meta delivers a call again: applied once
        hold = self.holds_of(customer)
        self.assertEqual(len(hold), 1)
        self.assertEqual(hold.reply_count, 1)
        self.assertEqual(hold.reply_channel, "whatsapp")
        self.assertEqual(hold.reason, "Customer replied: Vou pagar na sexta.")
        self.assertIn("Pode ser?", hold.message_id.body)
        task = self.open_tasks(customer).filtered(lambda activity: "Customer replied" in activity.summary)
        self.assertEqual(task.user_id, self.collector)
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")

        other, _invoice, _event = self.sent("WhatsApp Stopper", phone="+5511933332222")
        self.post(webhook_payload(messages=[text_message("5511933332222", "STOP", datetime(2026, 3, 16, 10, 6))]))
        other.invalidate_recordset()
        self.assertTrue(other.phone_sanitized_blacklisted)
        self.assertFalse(self.holds_of(other))

    def test_a_text_from_an_unknown_number_holds_nobody(self):
        self.post(webhook_payload(messages=[text_message("5511900001111", "Oi", datetime(2026, 3, 16, 10, 5))]))
        self.assertFalse(self.env["collections.hold"].search([("kind", "=", "reply")]))
