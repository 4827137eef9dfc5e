"""Pay now on the customer's documents: the statement (screen and PDF), the invoice's portal page and the agreement's
portal page. Without a QR method for the company's bank account (this database has no localization that gives one),
the pages show the charges and no QR code; the Pix code is checked in ``test_pay_now_pix_pages.py``."""

import re
from datetime import timedelta
from decimal import Decimal

from odoo import Command, fields
from odoo.tests import HttpCase, freeze_time, tagged
from odoo.tools import format_amount

from .common import NOON, CollectionsCase, text_of
from .common_pay_now import PayNowMixin

STATEMENT = "collections_addon.action_report_collections_statement_html"
STATEMENT_PDF = "collections_addon.action_report_collections_statement"


class PayNowPagesCase(PayNowMixin, CollectionsCase, HttpCase):
    """A customer with two overdue invoices (charges 30.00 and 11.67), one not yet due, and the company's charges
    profile (2 % fine, 1 % a month) collected in the payment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_pay_now(cls.company)
        cls.company.collections_negotiation_journal_id = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.customer = cls.make_customer("Paying Customer", is_company=True)
        cls.older = cls.make_invoice(cls.customer, 1000, 30)  # fine 20.00 + interest 10.00
        cls.newer = cls.make_invoice(cls.customer, 500, 10)  # fine 10.00 + interest 1.67
        cls.not_due = cls.make_invoice(cls.customer, 40, -5)

    def setUp(self):
        super().setUp()
        # The customer follows the link of an e-mail: no login.
        self.authenticate(None, None)

    def booked_agreement(self, invoice):
        """An agreement on ``invoice`` in two monthly instalments, accepted: its instalments are receivables."""
        agreement = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": invoice.partner_id.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "installment_count": 2,
                    "interval": "monthly",
                    "first_date": fields.Date.today() + timedelta(days=30),
                }
            )
        )
        agreement.action_propose()
        agreement.action_accept()
        self.assertEqual(agreement.state, "active")
        return agreement.with_env(self.env)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayNowPages(PayNowPagesCase):
    def test_the_statement_itemises_the_amount_due_now_for_the_collector(self):
        html = self.render_html(STATEMENT, self.customer, user=self.collector)
        text = text_of(html)
        self.assertIn("How to pay", text)
        for label in ("Charges", "Principal", "Late payment fine", "Interest", "Updated amount"):
            self.assertIn(label, text)
        self.assertIn("30.00", text, "the older invoice's charges")
        self.assertIn("11.67", text, "the newer invoice's charges")
        self.assertIn("1,500.00", text, "the principal of what is overdue, not of the invoice coming due")
        self.assertIn("1,541.67", text, "the updated amount, asked now")
        self.assertEqual(html.count('class="text-end o_collections_line_charges"'), 3, "one cell per line")
        self.assertNotIn("Payment QR code", html, "no QR method for this company's bank account")

    def test_the_statement_shows_the_charges_for_information(self):
        self.charges_profile.charges_in_payment = "inform"
        text = text_of(self.render_html(STATEMENT, self.customer, user=self.collector))
        self.assertIn("1,541.67", text)
        self.assertIn("The charges are shown for information", text)

    def test_the_statement_without_charges_is_unchanged(self):
        self.charges_profile.charges_in_payment = "hide"
        html = self.render_html(STATEMENT, self.customer, user=self.collector)
        self.assertNotIn("o_collections_line_charges", html)
        self.assertNotIn("Late payment fine", html)
        self.assertIn(self.older.name, html)

    def test_an_accountant_prints_the_statement_of_several_customers(self):
        accountant = self.make_user("accountant_only", "account.group_account_invoice")
        other = self.make_customer("Other Payer")
        self.make_invoice(other, 200, 15)  # fine 4.00 + interest 1.00
        customers = self.customer | other
        html = self.render_html(STATEMENT, customers, user=accountant)
        self.assertEqual(html.count("How to pay"), 2, "one block per customer")
        self.assertIn("205.00", text_of(html))
        pdf_html = self.render_html(STATEMENT_PDF, customers, user=accountant, data={"report_type": "pdf"})
        self.assertIn("1,541.67", text_of(pdf_html))

    def test_the_invoice_page_shows_its_charges_and_no_qr_code(self):
        response = self.url_open(self.older.get_portal_url())
        self.assertEqual(response.status_code, 200)
        text = text_of(response.text)
        self.assertIn("How to pay", text)
        self.assertIn("Late payment fine", text)
        self.assertIn("1,030.00", text, "its own updated amount, not the customer's")
        self.assertNotIn("1,541.67", text)
        self.assertNotIn("Payment QR code", response.text)
        block = response.text.split('id="collections_invoice_pay"')[1].split('id="collections_invoice_answer"')[0]
        self.assertNotIn("Pay online", block, "Odoo's own Pay now button is the online payment")

    def test_a_paid_invoice_page_shows_no_way_to_pay(self):
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.newer.ids
        ).create({})._create_payments()
        response = self.url_open(self.newer.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("o_collections_invoice_pay", response.text)

    def test_a_late_instalment_is_asked_alone_with_its_charges(self):
        """An agreement's entry has no residual of its own (Odoo counts it for invoices only): its late instalment
        lines are what is due now, each charged from its own due date."""
        payer = self.make_customer("Agreement Payer")
        agreement = self.booked_agreement(self.make_invoice(payer, 1000, 30))
        first = agreement.installment_ids.sorted("sequence")[0]
        with freeze_time(NOON + timedelta(days=40)):
            self.assertEqual((first.date - fields.Date.today()).days, -10, "the first instalment is 10 days late")
            pay = self.env["collections.pay.now"]._pay_now(self.company, {1: agreement.move_id})[1]
        # The instalments carry the invoice's agreed charges (20.00 fine + 10.00 interest): 1,030.00 in two.
        self.assertEqual(first.amount, 515)
        self.assertEqual(
            (pay.amount.principal, pay.amount.fine, pay.amount.interest, pay.amount.asked),
            (515, Decimal("10.30"), Decimal("1.72"), Decimal("527.02")),
            "the late instalment only, with its fine and 10 days of interest (515 x 1 % x 10/30); not the next one",
        )
        before = self.env["collections.pay.now"]._pay_now(self.company, {1: agreement.move_id})[1]
        self.assertEqual((before.amount.principal, before.amount.charges), (1030, 0), "none late: what comes due")

    def test_a_late_instalment_is_reminded_with_its_amount_due_now(self):
        payer = self.make_customer("Instalment Payer")
        agreement = self.booked_agreement(self.make_invoice(payer, 1000, 30))
        with freeze_time(NOON + timedelta(days=38)):  # the first instalment (515.00) is 8 days late
            self.run_followup()
        mail = self.mails_of(payer)
        self.assertEqual(len(mail), 1, "an instalment is chased like an invoice")
        body = text_of(mail.body_html)
        self.assertIn(agreement.move_id.name, body)
        # 515.00 + 2 % fine (10.30) + 1 % a month for 8 days (1.37); the next instalment is not due yet.
        amount = text_of(format_amount(self.env, 526.67, self.company.currency_id))
        self.assertIn(f"Amount to pay now: {amount}", body)
        # Its Pay online button is Odoo's payment page for that instalment, matched back to it by the reference.
        path, query = self.link_query(
            re.search(r'href="([^"]*/payment/pay\?[^"]*)"', mail.body_html)[1].replace("&amp;", "&")
        )
        first = agreement.installment_ids.sorted("sequence")[0]
        self.assertEqual(path, "/payment/pay")
        self.assertEqual((float(query["amount"]), query["reference"]), (526.67, first._payment_reference()))

    def test_the_agreement_page_without_a_qr_method_shows_the_schedule_only(self):
        # Nor online payment (its "Pay online" links are checked in test_pay_now_installment_link.py).
        self.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", "False")
        agreement = self.booked_agreement(self.older)
        response = self.url_open(agreement.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.text.count('class="o_collections_installment"'), 2)
        self.assertNotIn("o_collections_installment_pay", response.text)
        self.assertEqual(len(agreement.installment_ids._pay_nows()), 2, "both instalments are owed")
