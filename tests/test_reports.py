import io

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import RUN_DAY, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestReports(CollectionsCase):
    def test_statement_lists_open_invoices_aging_and_history(self):
        customer = self.make_customer("Statement <Customer>", email=False)
        customer.email = "statement@customer.example"
        recent = self.make_invoice(customer, 100, 8)
        old = self.make_invoice(customer, 250, 45)
        not_due = self.make_invoice(customer, 40, -5)
        self.run_followup()
        event = self.events_of(customer, channel="email")
        self.assertEqual(event.state, "queued")
        html = self.render_html("collections_addon.action_report_collections_statement", customer)
        for invoice in (recent, old, not_due):
            self.assertIn(invoice.name, html)
        for label in ("Not due", "1-30", "31-60", "61-90", "+90"):
            self.assertIn(label, html)
        self.assertNotIn("Reminder History", html, "a reminder still in the mail queue did not reach the customer")
        event.sudo().state = "sent"
        html = self.render_html("collections_addon.action_report_collections_statement", customer)
        self.assertIn("Reminder History", html)
        self.assertIn("Sent", html)
        self.assertIn("Statement &lt;Customer&gt;", html, "customer data is escaped")
        self.assertNotIn("Statement <Customer>", html)

    def test_letter_event_prints_the_letter(self):
        self.level_first.send_letter = True
        customer = self.make_customer("Letter Customer")
        invoice = self.make_invoice(customer, 321, 8)
        self.run_followup()
        letter = self.events_of(customer, channel="letter")
        self.assertEqual(letter.state, "queued", "waiting to be printed")
        html = self.render_html("collections_addon.action_report_collections_letter", letter)
        self.assertIn(invoice.name, html)
        self.assertIn("321.00", html)
        self.assertIn("We were unable to identify your payment", html)

    def test_email_body_escapes_customer_data(self):
        customer = self.make_customer("Evil")
        invoice = self.make_invoice(customer, 100, 8)
        invoice.name = "<script>alert(1)</script>"
        self.run_followup()
        body = self.mails_of(customer).body_html
        self.assertNotIn("<script>alert(1)</script>", body)
        self.assertIn("&lt;script&gt;", body)


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestStatementPdf(CollectionsCase, HttpCase):
    """wkhtmltopdf fetches the report assets over HTTP: only an HttpCase serves them during tests."""

    def test_statement_pdf_renders_for_many_customers(self):
        customers = self.make_customer("Pdf One") | self.make_customer("Pdf Two")
        for customer in customers:
            self.make_invoice(customer, 100, 8)
        report = self.env.ref("collections_addon.action_report_collections_statement")
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, customers.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # One statement per customer, whatever wkhtmltopdf build the server has.
        self.assertEqual(len(PdfFileReader(io.BytesIO(pdf)).pages), 2)


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestSendStatement(CollectionsCase):
    def test_accountant_sends_the_statement_through_the_composer(self):
        customer = self.make_customer("Statement By Mail")
        invoice = self.make_invoice(customer, 480, 12)
        action = customer.action_collections_send_statement()
        composer = self.env["mail.compose.message"].with_context(action["context"]).create({})
        self.assertEqual(composer.template_id, self.env.ref("collections_addon.mail_template_collections_statement"))
        composer._action_send_mail()
        message = customer.message_ids.filtered(lambda message: "statement of account" in (message.subject or ""))
        self.assertEqual(len(message), 1, "posted in the customer's chatter")
        self.assertEqual(message.partner_ids, customer)
        self.assertEqual(len(message.attachment_ids), 1, "the statement is attached")
        self.assertIn(invoice.name.encode(), message.attachment_ids.raw)
