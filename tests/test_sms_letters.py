import io
import json
from unittest.mock import patch

from freezegun import freeze_time

import odoo.modules.module
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged
from odoo.tools import format_amount
from odoo.tools.pdf import PdfFileReader

from .common import TODAY
from .common_run import RunCase
from .iap_sms_server import LocalIapSmsServer

try:
    import phonenumbers
except ImportError:
    phonenumbers = None

# Everything happens on the fixed day of the test plan, HTTP parts (delivery reports, wkhtmltopdf) included.
RUN_DAY = "2026-03-16 10:00:00"
PHONE = "+55 11 91234-5678"


class _RunMixin:
    def run_on_test_day(self, **kwargs):
        with freeze_time(RUN_DAY):
            return self.run_followup(**kwargs)

    def tasks_of(self, partner, summary):
        return self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id), ("summary", "=", summary)]
        )


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestSms(RunCase, HttpCase, _RunMixin):
    """SMS go through Odoo's real SMS queue to a real IAP-speaking server on 127.0.0.1;
    delivery reports come back through Odoo's real /sms/status route.

    The follow-up and the delivery follow-up run as their jobs do; a manager changes the script,
    a collector corrects the customer's number."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sms_script = cls.make_script("sms", "Hello, {{ customer }}. {{ amount }} is open since {{ month }}.")
        # The 'First' step texts only: its e-mail would add a channel these tests are not about.
        cls.level_first.write({"send_email": False, "send_sms": True, "sms_script_id": cls.sms_script.id})
        cls.env["iap.account"].create(
            {"service_id": cls.env.ref("sms.iap_service_sms").id, "account_token": "collections-test-token"}
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def expected_number(self, partner):
        if phonenumbers:
            self.assertEqual(partner.phone_sanitized, "+5511912345678")
        # Without the phonenumbers library Odoo keeps the number as typed.
        return partner.phone_sanitized

    def outgoing_sms(self, partner):
        return self.env["sms.sms"].search([("partner_id", "=", partner.id)])

    def send_queue(self, server):
        """Send the queued SMS with Odoo's own sending code, to the local IAP server."""
        self.env["ir.config_parameter"].sudo().set_param("sms.endpoint", server.endpoint)
        outgoing = self.env["sms.sms"].search([("state", "=", "outgoing"), ("to_delete", "!=", True)])
        # iap_jsonrpc refuses to talk to any server while a test runs (odoo.modules.module.current_test).
        # Only that harness flag is lifted, and only around the send: the server is real and local.
        # (It must stay set during url_open and the rest of the test, which rely on it.)
        with patch.object(odoo.modules.module, "current_test", False):
            outgoing._send(unlink_failed=False, unlink_sent=True, raise_exception=True)
        return outgoing

    def deliver_report(self, status, uuids):
        """A delivery report as IAP posts it, through Odoo's public JSON-RPC route."""
        self.env.flush_all()
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {"message_statuses": [{"sms_status": status, "uuids": uuids}]},
        }
        response = self.url_open("/sms/status", data=json.dumps(payload), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json().get("result"), "OK", response.text)
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_sms_is_queued_sent_and_delivered(self):
        customer = self.make_customer("Sms Customer", phone=PHONE)
        invoice = self.make_invoice(customer, 120, 8)
        number = self.expected_number(customer)
        self.run_on_test_day()

        event = self.events_of(customer)
        self.assertEqual(len(event), 1)
        self.assertEqual((event.channel, event.state, event.level_id), ("sms", "queued", self.level_first))
        amount = format_amount(self.env, 120, self.company.currency_id)
        expected_body = f"Hello, Sms Customer. {amount} is open since March 2026."
        self.assertEqual(event.body, expected_body)
        self.assertEqual(event.recipient, number)
        self.assertEqual(event.move_ids, invoice)
        self.assertTrue(event.message_id)

        sms = self.outgoing_sms(customer)
        self.assertEqual(len(sms), 1)
        self.assertEqual((sms.number, sms.body, sms.state), (number, expected_body, "outgoing"))
        self.assertEqual(sms.mail_message_id, event.message_id)
        chatter = customer.message_ids.filtered(lambda message: message.message_type == "sms")
        self.assertEqual(chatter, event.message_id, "the SMS is in the customer's chatter")
        self.assertIn("Hello, Sms Customer.", chatter.body)

        with LocalIapSmsServer() as server:
            self.send_queue(server)
        self.assertEqual(len(server.requests), 1)
        request = server.requests[0]
        self.assertEqual(request["account_token"], "collections-test-token")
        self.assertTrue(request["webhook_url"].endswith("/sms/status"))
        self.assertEqual(
            [(sent_number, content) for sent_number, content, _uuid in server.sent], [(number, expected_body)]
        )
        uuid = server.sent[0][2]
        self.assertEqual(uuid, sms.uuid)
        self.assertEqual(event.state, "sent", "handed to the provider")
        notification = event.message_id.notification_ids.filtered(lambda n: n.notification_type == "sms")
        self.assertEqual(notification.notification_status, "pending")
        self.assertFalse(event.delivered_at)

        self.deliver_report("delivered", [uuid])
        self.assertEqual(event.state, "delivered")
        self.assertTrue(event.delivered_at)
        self.assertEqual(notification.notification_status, "sent")
        self.assertFalse(self.tasks_of(customer, "Reminder SMS not delivered"))

        # A second run the same day sends nothing again.
        self.run_on_test_day()
        self.assertEqual(self.events_of(customer), event)
        self.assertEqual(len(self.env["sms.sms"].search([("partner_id", "=", customer.id)])), 1)
        self.assertEqual(len(customer.message_ids.filtered(lambda message: message.message_type == "sms")), 1)

    def test_sms_text_is_sent_as_rendered(self):
        script = self.make_script("sms", "Hello, {{ customer }}.\nPlease pay {{ amount }}.")
        self.as_manager(self.level_first).sms_script_id = script
        customer = self.make_customer("Ana & <Filhos>", phone=PHONE)
        self.make_invoice(customer, 75, 8)
        self.run_on_test_day()
        event = self.events_of(customer)
        amount = format_amount(self.env, 75, self.company.currency_id)
        self.assertEqual(event.body, f"Hello, Ana & <Filhos>.\nPlease pay {amount}.")
        self.assertEqual(self.outgoing_sms(customer).body, event.body, "the provider gets the text as rendered")
        self.assertIn("Ana &amp; &lt;Filhos&gt;", event.message_id.body, "the chatter shows it as text")
        self.assertNotIn("<Filhos>", event.message_id.body)

    def test_provider_error_puts_the_customer_back_on_the_worklist(self):
        customer = self.make_customer("Wrong Format", phone=PHONE)
        self.make_invoice(customer, 150, 8)
        number = self.expected_number(customer)
        self.run_on_test_day()
        event = self.events_of(customer)
        self.assertEqual(event.state, "queued")
        with LocalIapSmsServer(states={number: "wrong_number_format"}) as server:
            self.send_queue(server)
        self.assertEqual([sent[0] for sent in server.sent], [number])
        self.assertEqual(event.state, "failed")
        self.assertIn("number format", event.error.lower())
        self.assertIn(number, event.error, "the error names the number to fix")
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "to_contact")
        self.assertEqual(partner.collections_due_level_id, self.level_first)
        task = self.tasks_of(customer, "Reminder SMS not delivered")
        self.assertEqual(len(task), 1)
        self.assertEqual(task.activity_type_id, self.env.ref("mail.mail_activity_data_todo"))
        self.assertIn("number format", task.note.lower())

    def test_bounce_report_puts_the_customer_back_on_the_worklist(self):
        customer = self.make_customer("Bounced", phone=PHONE)
        self.make_invoice(customer, 150, 8)
        number = self.expected_number(customer)
        self.run_on_test_day()
        event = self.events_of(customer)
        with LocalIapSmsServer() as server:
            self.send_queue(server)
        self.assertEqual(event.state, "sent")
        # The operator reports the number unreachable after accepting the message.
        self.deliver_report("invalid_destination", [server.sent[0][2]])
        self.assertEqual(event.state, "failed")
        self.assertIn(number, event.error)
        self.assertIn("Invalid Destination", event.error)
        self.assertFalse(event.delivered_at)
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")
        task = self.tasks_of(customer, "Reminder SMS not delivered")
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, event.user_id, "the task goes to the customer's collector")

    def test_customer_without_phone_gets_a_failed_event_and_a_task(self):
        customer = self.make_customer("No Phone")
        self.make_invoice(customer, 90, 8)
        self.run_on_test_day()
        event = self.events_of(customer)
        self.assertEqual((event.channel, event.state), ("sms", "failed"))
        self.assertIn("country code", event.error)
        self.assertIn("No Phone", event.error)
        self.assertFalse(event.message_id)
        self.assertFalse(self.outgoing_sms(customer))
        task = self.tasks_of(customer, "SMS not sent: fix the mobile number")
        self.assertEqual(len(task), 1)
        self.assertEqual(event.activity_id, task)
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")
        # The next run (same day) does not pile up tasks or events.
        self.run_on_test_day()
        self.assertEqual(self.events_of(customer), event)
        self.assertEqual(len(self.tasks_of(customer, "SMS not sent: fix the mobile number")), 1)
        # Once the collector enters the number, the retry goes out and the task is done.
        customer.with_user(self.collector).phone = PHONE
        self.run_on_test_day()
        self.assertEqual((event.state, event.activity_id), ("queued", self.env["mail.activity"]))
        self.assertFalse(task.active, "the 'fix the number' task is marked done")

    def test_blacklisted_number_cancels_the_sms(self):
        customer = self.make_customer("Opted Out", phone=PHONE)
        self.make_invoice(customer, 90, 8)
        self.env["phone.blacklist"].sudo()._add([customer.phone_sanitized])
        customer.invalidate_recordset(["phone_sanitized_blacklisted"])
        self.assertTrue(customer.phone_sanitized_blacklisted)
        self.run_on_test_day()
        event = self.events_of(customer)
        self.assertEqual((event.channel, event.state), ("sms", "cancelled"))
        self.assertIn("blacklist", event.error)
        self.assertFalse(self.outgoing_sms(customer))
        self.assertFalse(self.tasks_of(customer, "SMS not sent: fix the mobile number"), "the number is right")
        self.assertEqual(len(self.tasks_of(customer, "Customer opted out of text messages: use another channel")), 1)

    def test_number_reported_wrong_blocks_the_sms_until_corrected(self):
        customer = self.make_customer("Wrong Number", phone=PHONE)
        self.make_invoice(customer, 90, 8)
        customer.collections_phone_invalid = True
        self.run_on_test_day()
        event = self.events_of(customer)
        self.assertEqual((event.channel, event.state), ("sms", "failed"))
        self.assertIn("reported wrong", event.error)
        self.assertFalse(self.outgoing_sms(customer))
        customer.with_user(self.collector).phone = "+55 11 97777-6666"
        self.assertFalse(customer.collections_phone_invalid, "a corrected number clears the flag")
        # The next run sends the message to the corrected number, reusing the day's event.
        self.run_on_test_day()
        self.assertEqual(self.events_of(customer), event)
        self.assertEqual(event.state, "queued")
        self.assertFalse(event.error)
        self.assertEqual(event.recipient, customer.phone_sanitized)
        self.assertEqual(self.outgoing_sms(customer).number, customer.phone_sanitized)

    def test_hourly_sync_catches_changes_outside_the_tracker(self):
        customer = self.make_customer("Out Of Credit", phone=PHONE)
        self.make_invoice(customer, 90, 8)
        self.run_on_test_day()
        event = self.events_of(customer)
        notification = event.message_id.notification_ids.filtered(lambda n: n.notification_type == "sms")
        self.assertEqual(notification.notification_status, "ready")
        # Written directly (as Odoo's own "cancel"/resend tools do), so the tracker hook never runs.
        notification.sudo().write({"notification_status": "exception", "failure_type": "sms_credit"})
        self.assertEqual(event.state, "queued")
        # Months later the hourly job no longer looks at it (providers may never report).
        with freeze_time("2026-05-18 10:00:00"):
            self.sync_delivery()
        self.assertEqual(event.state, "queued")
        with freeze_time(RUN_DAY):
            self.sync_delivery()
        self.assertEqual(event.state, "failed")
        self.assertIn("credit", event.error.lower())
        self.assertEqual(len(self.tasks_of(customer, "Reminder SMS not delivered")), 1)
        # Once failed, a later sync does not flag it again.
        with freeze_time(RUN_DAY):
            self.sync_delivery()
        self.assertEqual(len(self.tasks_of(customer, "Reminder SMS not delivered")), 1)


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestLetters(RunCase, HttpCase, _RunMixin):
    """wkhtmltopdf fetches the report assets over HTTP: only an HttpCase serves them during tests.

    The follow-up queues the letters as its job does; a collector prints them."""

    PARAGRAPH = "We have not yet received the payment of {{ invoices }} ({{ amount }})."

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.letter_script = cls.make_script("letter", cls.PARAGRAPH)
        cls.level_first.write({"send_email": False, "send_letter": True, "letter_script_id": cls.letter_script.id})
        cls.collector2 = cls.make_user("collector2", "collections_addon.group_collections_user")

    def print_letters(self, letters):
        """'Print' on the letters to print, as the collector does."""
        return letters.with_user(self.collector).with_context(force_report_rendering=True).action_print_letters()

    def queue_letters(self):
        plain = self.make_customer("Letter Customer")
        bold = self.make_customer("<b>Bold & Co</b>", email=False)
        invoices = {plain: self.make_invoice(plain, 321, 8), bold: self.make_invoice(bold, 654, 9)}
        self.run_on_test_day()
        letters = self.env["collections.event"].search(
            [("partner_id", "in", (plain | bold).ids), ("channel", "=", "letter")]
        )
        return plain, bold, invoices, letters

    def paragraph(self, invoice, amount):
        return (
            f"We have not yet received the payment of {invoice.name} "
            f"({format_amount(self.env, amount, self.company.currency_id)})."
        )

    def test_letters_print_as_one_pdf(self):
        plain, bold, invoices, letters = self.queue_letters()
        self.assertEqual(len(letters), 2)
        self.assertEqual(set(letters.mapped("state")), {"queued"})
        self.assertEqual(letters.partner_id, plain | bold)

        action = self.print_letters(letters)
        self.assertEqual(action["type"], "ir.actions.report")
        attachment = letters.letter_attachment_id
        self.assertEqual(len(attachment), 1, "one PDF for all the letters")
        self.assertEqual(action["data"], {"collections_printed_letters_attachment_id": attachment.id})
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        pages = PdfFileReader(io.BytesIO(attachment.raw)).pages
        self.assertEqual(len(pages), 2, "one page per letter")
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertTrue(all(letters.mapped("printed_at")))
        # wkhtmltopdf draws the report's web fonts as outlines: the PDF has no extractable text,
        # so the wording is checked on the HTML the PDF is printed from (same template and values).
        report = self.env.ref("collections_addon.action_report_collections_letter")
        html = self.env["ir.actions.report"]._render_qweb_html(report, letters.ids)[0].decode()
        for partner, amount in ((plain, 321), (bold, 654)):
            self.assertIn(self.paragraph(invoices[partner], amount), html)
        # Printing again (a lost sheet) keeps the letters sent, with a new PDF.
        first_pdf = attachment
        self.print_letters(letters)
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertNotEqual(letters.letter_attachment_id, first_pdf)
        self.assertEqual(len(letters.letter_attachment_id), 1)

    def test_printing_uses_what_is_open_now_and_skips_paid_letters(self):
        plain, bold, invoices, letters = self.queue_letters()
        # A partial payment of the plain customer's invoice, full payment of the other one.
        for invoice, amount in ((invoices[plain], 21), (invoices[bold], 654)):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"amount": amount, "payment_date": TODAY})._create_payments()
        action = self.print_letters(letters)
        self.assertEqual(action["type"], "ir.actions.report")
        plain_letter = letters.filtered(lambda event: event.partner_id == plain)
        bold_letter = letters - plain_letter
        self.assertEqual(plain_letter.state, "sent")
        self.assertEqual(plain_letter.body, self.paragraph(invoices[plain], 300))
        self.assertEqual(bold_letter.state, "cancelled")
        self.assertIn("paid in the meantime", bold_letter.error)
        self.assertFalse(bold_letter.printed_at)
        # Only paid letters left: nothing printed, a warning instead of an error, the cancellation kept.
        more = self.make_customer("Paid Later")
        invoice = self.make_invoice(more, 50, 8)
        self.run_on_test_day()
        letter = self.events_of(more, channel="letter")
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": TODAY}
        )._create_payments()
        action = self.print_letters(letter)
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.act_window_close"}, "the list reloads")
        self.assertEqual(letter.state, "cancelled")

    def test_letter_html_escapes_customer_data(self):
        self.letter_script.body = "Dear {{ customer }},\n" + self.PARAGRAPH
        plain, bold, invoices, letters = self.queue_letters()
        report = self.env.ref("collections_addon.action_report_collections_letter")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(report, letters.ids)
        html = html.decode()
        for partner in (plain, bold):
            self.assertIn(invoices[partner].name, html, "the invoice table")
        self.assertIn(self.paragraph(invoices[plain], 321), html)
        self.assertIn(self.paragraph(invoices[bold], 654), html)
        self.assertIn("Dear Letter Customer,", html)
        # The name is escaped in the address block and in the paragraph alike.
        self.assertEqual(html.count("&lt;b&gt;Bold &amp; Co&lt;/b&gt;"), 2, html)
        self.assertNotIn("<b>Bold", html)

    def test_printing_needs_letters_that_are_not_cancelled(self):
        plain, _bold, _invoices, letters = self.queue_letters()
        letter = letters.filtered(lambda event: event.partner_id == plain)
        letter.state = "cancelled"
        with self.assertRaisesRegex(UserError, "cancelled"):
            self.print_letters(letter)
        email = self.env["collections.event"].create(
            {"partner_id": plain.id, "channel": "email", "state": "sent", "manual": True}
        )
        with self.assertRaisesRegex(UserError, "letter"):
            self.print_letters(email)
        self.assertFalse(letter.printed_at)
        self.assertFalse(email.letter_attachment_id)

    def test_collector_prints_but_cannot_write_events(self):
        _plain, _bold, _invoices, letters = self.queue_letters()
        as_collector = letters.with_user(self.collector2).with_context(force_report_rendering=True)
        action = as_collector.action_print_letters()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(set(letters.mapped("state")), {"sent"})
        self.assertTrue(letters.letter_attachment_id)
        # The collector downloads the PDF it printed; colleagues who see the letters can open it too.
        attachment = letters.letter_attachment_id
        for user in (self.collector2, self.collector, self.manager):
            self.env.invalidate_all()
            self.assertTrue(attachment.with_user(user).read(["raw"])[0]["raw"].startswith(b"%PDF"), user.login)
        with self.assertRaises(AccessError):
            as_collector.write({"state": "queued"})
        with self.assertRaises(AccessError):
            as_collector.write({"printed_at": False})
