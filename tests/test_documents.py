"""What the customer receives: reminders, letters, the statement and the e-mails that carry them."""

import json
import re
from unittest.mock import patch
from urllib.parse import urlparse

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.http import Request
from odoo.tests import Form, HttpCase, tagged

from .common import RUN_DAY, TODAY, CollectionsCase, text_of

HAS_PATCHED_QT = "odoo.addons.collections_addon.collections_addon.models.ir_actions_report._wkhtmltopdf_has_patched_qt"


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestReminderTable(CollectionsCase):
    """The demo's bakery: $2,300 overdue and $860 due in three days, in one reminder."""

    def setUp(self):
        super().setUp()
        self.customer = self.make_customer("Padaria Teste")
        self.customer.with_company(self.company).collections_responsible_id = self.collector
        self.overdue = self.make_invoice(self.customer, 2300, 18)
        self.coming = self.make_invoice(self.customer, 860, -3)

    def send_now_as_collector(self):
        self.send_now(self.customer.with_company(self.company))
        return self.mails_of(self.customer)

    def test_the_reminder_separates_overdue_from_coming_due_and_claims_what_the_form_calls_overdue(self):
        # The dry run announces the amount the reminder will claim.
        action = self.customer.with_user(self.collector).with_company(self.company).action_collections_preview()
        self.assertEqual(self.env["collections.preview"].browse(action["res_id"]).line_ids.amount, 2300.0)
        mail = self.send_now_as_collector()
        self.assertEqual(len(mail), 1)
        body = text_of(mail.body_html)
        overdue_part, _sep, coming_part = body.partition("Coming due")
        self.assertIn("Overdue", overdue_part)
        self.assertIn(self.overdue.name, overdue_part)
        self.assertNotIn(self.coming.name, overdue_part)
        self.assertIn(self.coming.name, coming_part)
        self.assertRegex(overdue_part, r"Total overdue \$ ?2,300\.00")
        self.assertRegex(coming_part, r"Total coming due \$ ?860\.00")
        self.assertNotIn("3,160", body, "what is not due yet is never added to what is claimed")
        # The chatter copy says the same.
        message = text_of(str(mail.mail_message_id.body))
        self.assertRegex(message, r"Overdue .*Total overdue \$ ?2,300\.00 .*Coming due .*Total coming due \$ ?860\.00")
        # The amount claimed is what the customer form, as the collector sees it, calls overdue.
        event = self.events_of(self.customer, channel="email")
        with Form(self.customer.with_user(self.collector).with_company(self.company)) as form:
            self.assertEqual(form.collections_overdue_amount, 2300.0)
            self.assertEqual(event.amount_due, form.collections_overdue_amount)

    def test_the_wording_fits_one_invoice_or_several(self):
        body = text_of(self.send_now_as_collector().body_html)
        self.assertNotIn("the invoice listed below", body)
        self.assertNotIn("the invoice below", body)
        self.assertIn("the overdue amount listed below", body)

    def test_scripts_claim_the_overdue_invoices_and_total(self):
        sms = self.make_script("sms", "{{ customer }}: {{ invoices }} for {{ amount }} are open.")
        self.level_first.write({"send_sms": True, "sms_script_id": sms.id})
        self.customer.phone = "+55 11 91234-5678"
        self.send_now_as_collector()
        text = self.events_of(self.customer, channel="sms").body
        self.assertIn(f"{self.overdue.name} for $", text)
        self.assertIn("2,300.00", text)
        self.assertNotIn(self.coming.name, text)

    def test_every_overdue_invoice_is_claimed_even_under_the_first_level(self):
        # A plan starting 5 days after the due date: the invoice 2 days late is claimed with the older one.
        self.level_pre.unlink()
        young = self.make_invoice(self.customer, 100, 2)
        body = text_of(self.send_now_as_collector().body_html)
        self.assertIn(young.name, body.partition("Coming due")[0])
        self.assertRegex(body, r"Total overdue \$ ?2,400\.00")
        self.assertEqual(self.events_of(self.customer, channel="email").amount_due, 2400.0)
        self.assertFalse(young.collections_level_id, "it reaches no level of its own")


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestLetterDocument(CollectionsCase, HttpCase):
    """wkhtmltopdf fetches the report assets over HTTP: only an HttpCase serves them during tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.letter_script = cls.make_script(
            "letter", "We have not received {{ invoices }} ({{ amount }}). Pay online at {{ payment_link }}."
        )
        cls.level_first.write(
            {
                "name": "F1 internal step",
                "send_email": False,
                "send_letter": True,
                "letter_script_id": cls.letter_script.id,
            }
        )
        cls.customer = cls.make_customer("Letter Reader")
        cls.customer.with_company(cls.company).collections_responsible_id = cls.collector
        cls.overdue = cls.make_invoice(cls.customer, 300, 8)
        cls.coming = cls.make_invoice(cls.customer, 120, -2)

    def queue_letter(self):
        with freeze_time(RUN_DAY):
            self.run_followup()
        letter = self.events_of(self.customer, channel="letter")
        self.assertEqual(letter.state, "queued")
        return letter

    def letter_html(self, letter):
        with freeze_time(RUN_DAY):
            return self.render_html("collections_addon.action_report_collections_letter", letter)

    def test_the_letter_is_titled_greeted_and_signed_for_the_customer(self):
        html = self.letter_html(self.queue_letter())
        self.assertIn("Payment reminder", html, "a title for the customer")
        self.assertNotIn("F1 internal step", html, "never the internal level name")
        self.assertIn("Dear Letter Reader,", html)
        self.assertIn("Kind regards,", html)
        self.assertIn("Carla Collector", html, "signed by the customer's collector")
        self.assertIn(self.company.name, html.rpartition("Kind regards,")[2])
        # The paragraph claims what is overdue; the table lists what comes due apart.
        self.assertIn(f"We have not received {self.overdue.name} ($", html)
        self.assertIn("300.00).", html)
        words = text_of(html)
        overdue_part, _sep, coming_part = words.partition("Coming due")
        self.assertIn(self.overdue.name, overdue_part)
        self.assertIn(self.coming.name, coming_part)
        # The level's title, when given, is the letter's heading, in the customer's words.
        self.level_first.customer_title = "Formal notice"
        self.assertIn("Formal notice", self.letter_html(self.events_of(self.customer, channel="letter")))

    def test_a_paragraph_with_its_own_greeting_is_not_greeted_twice(self):
        self.letter_script.body = "Hello, {{ customer }}. We have not received {{ invoices }}."
        html = self.letter_html(self.queue_letter())
        self.assertIn("Hello, Letter Reader.", html)
        self.assertNotIn("Dear Letter Reader", html)

    def test_the_letter_has_a_short_payment_link_and_a_qr_code_not_a_raw_portal_url(self):
        html = self.letter_html(self.queue_letter())
        self.assertNotIn("access_token", html)
        links = set(re.findall(r"https?://[^\s\"<>]+/pay/\d+/[0-9a-f]+", html))
        self.assertEqual(len(links), 1, html)
        link = links.pop()
        self.assertLess(len(link), 60)
        self.assertIn(f"Pay online at {link}.", text_of(html))
        self.assertRegex(html, r'<img[^>]*alt="QR code"[^>]*src="data:image/png;base64,')
        # The link opens the oldest overdue invoice's portal page, for anyone holding the letter.
        path = urlparse(link).path
        response = self.url_open(path, allow_redirects=False)
        self.assertEqual(response.status_code, 303)
        self.assertEqual(
            urlparse(response.headers["Location"]).path + "?" + urlparse(response.headers["Location"]).query,
            self.overdue.get_portal_url(),
        )
        self.assertEqual(self.url_open(response.headers["Location"]).status_code, 200)
        # A wrong code, or the code of another invoice, opens nothing.
        move_id, code = path.split("/")[2:]
        wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
        for bad in (f"/pay/{move_id}/{wrong}", f"/pay/{self.coming.id}/{code}", f"/pay/{move_id}/{code[:-1]}"):
            response = self.url_open(bad, allow_redirects=False)
            self.assertEqual(response.status_code, 403, bad)
            self.assertIn("This link is invalid or has expired", response.text)

    def test_printing_returns_the_kept_pdf_to_download_and_the_list_reloads(self):
        letter = self.queue_letter()
        action = letter.with_user(self.collector).with_context(force_report_rendering=True).action_print_letters()
        # A report action: the web client downloads it, then reloads the list (printed letters leave it).
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_name"], "collections_addon.report_collections_letter")
        kept = letter.letter_attachment_id
        self.assertTrue(kept.raw.startswith(b"%PDF"))
        Report = self.env["ir.actions.report"]
        pdf, kind = Report.with_user(self.collector)._render_qweb_pdf(action["report_name"], data=action["data"])
        self.assertEqual((pdf, kind), (kept.raw, "pdf"), "the kept PDF, not a new print")
        # As the browser downloads it.
        self.authenticate(self.collector.login, self.collector.login)
        url = f"/report/pdf/{action['report_name']}?options={json.dumps(action['data'])}&context={{}}"
        response = self.url_open(
            "/report/download",
            data={"data": json.dumps([url, "qweb-pdf"]), "context": "{}", "csrf_token": Request.csrf_token(self)},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, kept.raw)
        # Someone who may not read these letters gets nothing.
        other = self.make_user("other_collector", "collections_addon.group_collections_user", company=self.company_2)
        with self.assertRaises(AccessError):
            Report.with_user(other)._render_qweb_pdf(action["report_name"], data=action["data"])
        kept.unlink()
        with self.assertRaisesRegex(UserError, "print them again"):
            Report._render_qweb_pdf(action["report_name"], data=action["data"])

    def test_letters_are_printed_only_through_print_letters(self):
        # The report is not in the Print menu: printing from there would leave the letters in the queue.
        report = self.env.ref("collections_addon.action_report_collections_letter")
        self.assertFalse(report.binding_model_id)
        self.assertTrue(self.env.ref("collections_addon.collections_event_action_print_letters").binding_model_id)


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestStatementDocument(CollectionsCase):
    def setUp(self):
        super().setUp()
        self.customer = self.make_customer("Statement Reader")
        self.invoice = self.make_invoice(self.customer, 480, 12)
        self.level_first.write({"name": "F1 internal step", "customer_title": "Friendly reminder"})
        self.level_call.name = "C2 internal step"

    def event(self, channel, state, level=None, **values):
        return self.make_event(self.customer, channel, state, level=level, moves=self.invoice, **values)

    def statement_html(self, user=None):
        return self.render_html("collections_addon.action_report_collections_statement", self.customer, user=user)

    def test_the_history_shows_what_the_customer_received_in_its_words(self):
        self.event("email", "sent", date=TODAY.replace(day=2))
        self.event("email", "failed", level=self.level_pre, error="SMTP refused")
        self.event("letter", "queued")
        self.event("call", "delivered", level=self.level_call, outcome="promise")
        self.event("call", "sent", level=self.level_call, outcome="no_answer", date=TODAY.replace(day=3))
        invoicing_user = self.make_user("accountant_only", "account.group_account_invoice")
        html = self.statement_html(invoicing_user)
        history = text_of(html.partition("Reminder History")[2])
        for internal in ("Queued", "Failed", "Cancelled", "F1 internal step", "C2 internal step", "SMTP"):
            self.assertNotIn(internal, history)
        self.assertIn("Friendly reminder E-mail Sent", history)
        self.assertIn("Payment reminder Phone call Answered", history, "a call that reached the customer")
        self.assertEqual(history.count("Phone call"), 1, "an unanswered call is not the customer's business")
        self.assertNotIn("Letter", history, "the letter is not printed yet")

    def test_the_pdf_carries_the_company_header_on_any_wkhtmltopdf(self):
        report = self.env.ref("collections_addon.action_report_collections_statement")
        html = self.env["ir.actions.report"]._render_qweb_html(report, self.customer.ids, data={"report_type": "pdf"})[
            0
        ]
        # wkhtmltopdf builds without patched Qt (Linux distributions) drop the separate header.
        with patch(HAS_PATCHED_QT, return_value=False):
            bodies, _ids, header, _footer, args = report._prepare_html(html, report_model=report.model)
        self.assertIn("o_collections_inline_header", bodies[0])
        self.assertIn(self.company.name, text_of(bodies[0].partition("Statement of Account")[0]))
        layout = f"o_company_{self.company.id}_layout"
        self.assertNotIn(layout, str(header))
        self.assertEqual(args["data-report-margin-top"], "12")
        # Builds with patched Qt print Odoo's own header.
        with patch(HAS_PATCHED_QT, return_value=True):
            bodies, _ids, header, _footer, args = report._prepare_html(html, report_model=report.model)
        self.assertNotIn("o_collections_inline_header", bodies[0])
        self.assertIn(layout, str(header))


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestDocumentRecipients(CollectionsCase):
    def test_send_statement_writes_to_the_customer_not_to_colleagues(self):
        customer = self.make_customer("Statement Mailbox")
        customer.with_company(self.company).collections_responsible_id = self.collector
        self.make_invoice(customer, 480, 12)
        # The customer's chatter holds a reminder written by a colleague, and the collector follows it.
        self.run_followup()
        customer.message_post(
            body="Called, will pay Friday", author_id=self.manager.partner_id.id, message_type="comment"
        )
        customer.message_subscribe(self.collector.partner_id.ids)
        accounts_payable = self.env["res.partner"].create(
            {"name": "AP Desk", "parent_id": customer.id, "type": "invoice", "email": "ap@customer.example"}
        )
        internal = self.env["res.users"].search([]).partner_id
        alone = self.make_customer("No Contacts")
        for partner, expected in ((customer, accounts_payable), (alone, alone)):
            action = partner.with_user(self.collector).action_collections_send_statement()
            composer = Form(self.env["mail.compose.message"].with_user(self.collector).with_context(action["context"]))
            self.assertEqual(composer.partner_ids[:], expected)
            self.assertFalse(composer.partner_ids[:] & internal, "no colleague is pre-filled")

    def test_the_agreement_e_mail_dialog_is_titled_and_writes_to_the_customer(self):
        self.company.collections_negotiation_journal_id = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        customer = self.make_customer("Agreement Reader")
        invoice = self.make_invoice(customer, 600, 40)
        agreement = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "installment_count": 2,
                    "interval": "monthly",
                    "first_date": TODAY.replace(day=30),
                }
            )
        )
        agreement.action_propose()
        agreement.message_post(
            body="Customer asked for two instalments", author_id=self.manager.partner_id.id, message_type="comment"
        )
        action = agreement.with_user(self.collector).action_send()
        self.assertEqual(action["name"], "Send Agreement")
        composer = Form(self.env["mail.compose.message"].with_user(self.collector).with_context(action["context"]))
        self.assertEqual(composer.partner_ids[:], customer)


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestLettersTour(CollectionsCase, HttpCase):
    @freeze_time(RUN_DAY)
    def test_collector_prints_letters_and_they_leave_the_list(self):
        self.level_first.write({"send_email": False, "send_letter": True})
        customers = self.make_customer("Tour Letter One") | self.make_customer("Tour Letter Two")
        for customer in customers:
            self.make_invoice(customer, 250, 8)
        self.run_followup()
        letters = self.env["collections.event"].search(
            [("partner_id", "in", customers.ids), ("channel", "=", "letter")]
        )
        self.assertEqual(letters.mapped("state"), ["queued", "queued"])
        self.start_tour(
            "/odoo/action-collections_addon.collections_event_action_letters",
            "collections_letters_tour",
            login=self.collector.login,
        )
        self.assertEqual(letters.mapped("state"), ["sent", "sent"])
        self.assertTrue(all(letters.mapped("printed_at")))
        self.assertEqual(len(letters.letter_attachment_id), 1, "one PDF for both letters")
