"""What a reminder asks the customer to pay now, and how: the amount with its charges, QR code and link.

This database has no localization with a payment QR code (no Pix, no EPC): reminders carry no QR code and
nothing fails; ``test_pay_now_pix.py`` runs on a database with the Brazilian localization.
"""

from decimal import Decimal

from odoo.tests import HttpCase, freeze_time, tagged

from .common import NOON, CollectionsCase
from .common_pay_now import PayNowMixin


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayNow(PayNowMixin, CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_pay_now(cls.company)
        cls.customer = cls.make_customer("Pedro Payer", is_company=True)
        # 30 and 10 days late: fine 2 % on both, interest 1 % a month pro rata per day.
        cls.older = cls.make_invoice(cls.customer, 1000, 30)
        cls.newer = cls.make_invoice(cls.customer, 500, 10)

    def pay_now(self, user=None, moves=None):
        PayNow = self.env["collections.pay.now"].with_user(user or self.collector)
        moves = (moves or self.older | self.newer).with_user(user or self.collector)
        return PayNow._pay_now(self.company, {self.customer.id: moves})[self.customer.id]

    def test_the_amount_due_now_is_itemised_and_asked_with_the_charges(self):
        pay = self.pay_now()
        amount = pay.amount
        self.assertEqual(amount.principal, Decimal("1500.00"))
        self.assertEqual(amount.fine, Decimal("30.00"))
        self.assertEqual(amount.interest, Decimal("11.67"))  # 1000 x 1 % x 30/30 + 500 x 1 % x 10/30
        self.assertEqual(amount.total, Decimal("1541.67"))
        self.assertEqual(amount.asked, amount.total)
        self.assertTrue(amount.show_charges)
        self.assertEqual(pay.currency, self.company.currency_id)

    def test_a_credit_note_is_deducted_and_never_charged(self):
        refund = self.make_invoice(self.customer, 200, 5, move_type="out_refund")
        amount = self.pay_now(moves=self.older | self.newer | refund).amount
        self.assertEqual((amount.principal, amount.charges), (Decimal("1300.00"), Decimal("41.67")))

    def test_informed_charges_leave_the_principal_asked(self):
        self.charges_profile.charges_in_payment = "inform"
        amount = self.pay_now().amount
        self.assertEqual((amount.asked, amount.charges), (Decimal("1500.00"), Decimal("41.67")))
        self.assertTrue(amount.show_charges)
        self.charges_profile.charges_in_payment = "hide"
        self.assertFalse(self.pay_now().amount.show_charges)

    def test_without_a_qr_method_there_is_no_qr_code_and_no_error(self):
        pay = self.pay_now()
        self.assertEqual((pay.qr_url, pay.qr_text), ("", ""))
        self.assertEqual(pay.text_code(1000), pay.link)

    def test_the_link_pays_the_oldest_invoice_with_its_charges_online(self):
        pay = self.pay_now()
        self.assertEqual(pay.link_move, self.older)
        self.assertEqual(pay.link_amount, 1030.0)  # 1000 + 2 % fine + 1 % for a month
        path, query = self.link_query(pay.link)
        self.assertEqual(path, f"/my/invoices/{self.older.id}")
        self.assertEqual(query["access_token"], self.older.sudo().access_token)
        self.assertEqual(float(query["amount"]), 1030.0)

    def test_no_link_without_a_payment_provider_or_when_online_payment_is_off(self):
        self.env["payment.provider"].search([("company_id", "=", self.company.id)]).state = "disabled"
        self.assertEqual(self.pay_now().link, "")
        self.env["payment.provider"].search([("company_id", "=", self.company.id)], limit=1).state = "enabled"
        self.assertTrue(self.pay_now().link)
        self.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", "False")
        self.assertEqual(self.pay_now().link, "")

    def test_a_refused_profile_shows_the_principal_and_the_problem(self):
        # A gap in the legal rate table: the charges cannot be computed, the principal is still asked.
        self.charges_profile.write({"interest_mode": "legal"})
        self.env.ref("collections_addon.collections_rate_index_taxa_legal").value_ids.filtered(
            lambda value: value.month.month == 2 and value.month.year == 2026
        ).unlink()
        pay = self.pay_now()
        self.assertEqual((pay.amount.asked, pay.amount.charges), (Decimal("1500.00"), Decimal("0")))
        self.assertIn("cannot be computed", pay.problem)
        self.assertIn("2026-02", pay.problem)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayNowLinkOpens(PayNowMixin, CollectionsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_pay_now(cls.company)
        cls.customer = cls.make_customer("Pedro Payer", is_company=True)
        cls.invoice = cls.make_invoice(cls.customer, 1000, 30)

    def test_the_customer_opens_the_payment_form_of_the_updated_amount_without_a_login(self):
        pay = self.env["collections.pay.now"]._pay_now(self.company, {self.customer.id: self.invoice})[self.customer.id]
        response = self.url_open(pay.link)
        # Odoo's portal checks the signed amount (payment.utils.check_access_token) and redirects to /my if wrong.
        self.assertEqual(response.status_code, 200)
        self.assertIn(f"/my/invoices/{self.invoice.id}", response.url)
        self.assertIn("1,030.00", response.text)
        path, query = self.link_query(pay.link)
        query["amount"] = "1.0"
        tampered = self.url_open(f"{path}?{'&'.join(f'{name}={value}' for name, value in query.items())}")
        self.assertNotIn(f"/my/invoices/{self.invoice.id}", tampered.url)
