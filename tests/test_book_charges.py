"""Book Late Charges: the accountant books the charges a payment collected as one posted interest invoice.

The accountant of the test company registers the customer's payments; the collections manager books the charges
from the customer's Collections tab or from the payment, on the wizard's screen.
"""

from datetime import timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

from .common import NOON, TODAY, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestBookCharges(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.income = cls.company_data["default_account_revenue"]
        cls.profile = cls.env["collections.charges.profile"].create(
            {
                "name": "Two percent and one a month",
                "fine_percent": 2,
                "interest_mode": "contract",
                "monthly_rate": 1,
                "account_id": cls.income.id,
            }
        )
        cls.profile.is_company_default = True
        cls.customer = cls.make_customer("Late Payer", is_company=True)

    def pay(self, invoice, amount, when=TODAY):
        """The accountant registers the payment on the invoice and keeps the difference open."""
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"payment_date": when, "amount": amount, "payment_difference_handling": "open"})
        )
        return wizard._create_payments()

    def open_wizard(self, customer=None):
        action = (customer or self.customer).with_user(self.manager).action_collections_book_charges()
        return Form(self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"]))

    def balance(self, customer):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "child_of", customer.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
            ]
        )
        return sum(lines.mapped("amount_residual"))

    def test_a_payment_of_principal_and_charges_books_them_in_one_interest_invoice(self):
        invoice = self.make_invoice(self.customer, 1000, 30)
        payment = self.pay(invoice, 1030)
        self.assertEqual(self.balance(self.customer), -30, "the charges wait as the payment's leftover")
        form = self.open_wizard()
        self.assertEqual(form.credit_line_id.move_id, payment.move_id)
        self.assertEqual((form.leftover, form.fine, form.interest, form.correction), (30, 20, 10, 0))
        self.assertEqual(form.amount, 30)
        self.assertEqual(form.profile_id, self.profile)
        with form.line_ids.edit(0) as line:
            self.assertEqual(line.move_id, invoice)
            self.assertEqual((line.days_late, line.principal, line.fine, line.interest), (30, 1000, 20, 10))
            self.assertTrue(line.book)
        action = form.save().action_book()
        charges_invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(charges_invoice.state, "posted")
        self.assertEqual(charges_invoice.move_type, "out_invoice")
        self.assertEqual(charges_invoice.amount_total, 30)
        self.assertFalse(charges_invoice.invoice_line_ids.tax_ids, "no taxes on charges")
        self.assertEqual(
            sorted(charges_invoice.invoice_line_ids.mapped(lambda line: (line.name, line.price_subtotal))),
            [(f"Late payment fine: {invoice.name}", 20), (f"Late payment interest: {invoice.name}", 10)],
        )
        self.assertEqual(charges_invoice.invoice_line_ids.account_id, self.income)
        self.assertEqual(sum(charges_invoice.line_ids.mapped("balance")), 0, "balanced")
        self.assertIn(charges_invoice.payment_state, ("paid", "in_payment"), "reconciled with the payment")
        self.assertEqual(charges_invoice.collections_charged_move_ids, invoice)
        self.assertEqual(self.balance(self.customer), 0)
        self.assertIn("booked by", str(charges_invoice.message_ids[:1].body))
        # Booked once: nothing is left of the payment, and the invoice's charges are booked.
        with self.assertRaisesRegex(UserError, "Nothing is left of"):
            payment.with_user(self.manager).action_collections_book_charges()
        self.pay(self.make_invoice(self.customer, 100, -5), 150)
        with self.assertRaisesRegex(UserError, "Nothing to book for Late Payer"):
            self.open_wizard()

    def test_the_payment_form_opens_the_wizard_of_that_payment(self):
        invoice = self.make_invoice(self.customer, 1000, 30)
        older = self.pay(self.make_invoice(self.customer, 500, 40), 600, TODAY - timedelta(days=2))
        payment = self.pay(invoice, 1030)
        action = payment.with_user(self.manager).action_collections_book_charges()
        wizard = self.env[action["res_model"]].with_user(self.manager).browse(action["res_id"])
        self.assertEqual(wizard.credit_line_id.move_id, payment.move_id)
        self.assertEqual(
            wizard.line_ids.filtered("book").move_id, invoice, "the invoices paid by another payment are unticked"
        )
        self.assertEqual(wizard.line_ids.move_id, invoice | older.reconciled_invoice_ids)

    def test_the_leftover_caps_the_charges_the_fine_first(self):
        invoice = self.make_invoice(self.customer, 1000, 30)
        self.pay(invoice, 1025)
        form = self.open_wizard()
        self.assertEqual((form.total, form.leftover, form.amount), (30, 25, 25))
        form.amount = 26
        with self.assertRaisesRegex(UserError, r"Amount to Book: .*26\.00 is above the payment's leftover"):
            form.save().action_book()
        form.amount = 25
        charges_invoice = self.env["account.move"].browse(form.save().action_book()["res_id"])
        self.assertEqual(
            sorted(charges_invoice.invoice_line_ids.mapped("price_subtotal")), [5, 20], "fine 20, interest 5 of 10"
        )
        self.assertEqual(self.balance(self.customer), 0)

    def test_clear_errors_no_income_account_and_nothing_to_book(self):
        on_time = self.make_customer("On Time Payer", is_company=True)
        self.pay(self.make_invoice(on_time, 100, -2), 110)
        with self.assertRaisesRegex(UserError, "Nothing to book for On Time Payer"):
            self.open_wizard(on_time)
        with self.assertRaisesRegex(UserError, "has no payment with an unreconciled leftover"):
            self.open_wizard(self.make_customer("Never Paid", is_company=True))

        self.pay(self.make_invoice(self.customer, 1000, 30), 1030)
        self.profile.account_id = False
        form = self.open_wizard()
        with self.assertRaisesRegex(UserError, "'Two percent and one a month' has no income account"):
            form.save().action_book()
        self.assertEqual(self.balance(self.customer), -30, "nothing posted")

    def test_collectors_do_not_book_charges(self):
        self.pay(self.make_invoice(self.customer, 1000, 30), 1030)
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collector).action_collections_book_charges()

    def test_another_company_books_only_its_own_payments(self):
        self.pay(self.make_invoice(self.customer, 1000, 30), 1030)
        customer = self.customer.with_user(self.manager).with_company(self.company_2)
        with self.assertRaisesRegex(UserError, "has no payment with an unreconciled leftover in Collections Branch"):
            customer.action_collections_book_charges()
