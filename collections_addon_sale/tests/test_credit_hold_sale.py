"""Credit hold on sales, as the people who meet it: a salesperson confirming an order of a customer on hold is
refused, a user with the Release Credit Hold right releases that one order with a reason, invoicing goes on."""

from odoo.addons.collections_addon.tests.common import NOON
from odoo.addons.collections_addon.tests.common_run import RunCase
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged

SALESMAN = "sales_team.group_sale_salesman"
RELEASE = "collections_addon.group_collections_credit_release"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestCreditHoldSale(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Retida Comercio Ltda", is_company=True)
        cls.contact = cls.env["res.partner"].create({"name": "Buyer at Retida", "parent_id": cls.customer.id})
        cls.invoice = cls.make_invoice(cls.customer, 800, 10)  # the first reminder is due
        # A salesperson, and a sales manager who was given the right without being a collector.
        cls.salesman = cls.make_user("hold_salesman", SALESMAN, name="Sam Salesman")
        cls.releaser = cls.make_user("hold_releaser", f"sales_team.group_sale_manager,{RELEASE}", name="Rita Release")
        cls.salesman_b = cls.make_user("hold_salesman_b", SALESMAN, company=cls.company_2)
        cls.policy.with_user(cls.manager).credit_hold_level_id = cls.level_first

    def put_on_hold(self):
        self.run_followup()
        self.assertTrue(self.customer.with_company(self.company).collections_credit_hold)

    def quotation(self, user=None, partner=None, company=None):
        """The salesperson's new quotation: the customer (or one of its contacts) and a product line."""
        Order = self.env["sale.order"].with_user(user or self.salesman)
        if company:
            Order = Order.with_company(company)
        with Form(Order) as form:
            form.partner_id = partner or self.contact
            with form.order_line.new() as line:
                line.product_id = self.product_a
        return form.record

    def release(self, order, reason, user=None):
        user = user or self.releaser
        action = order.with_user(user).action_collections_release_credit_hold()
        wizard = Form(self.env[action["res_model"]].with_user(user).with_context(**action["context"]))
        wizard.reason = reason
        return wizard.save().action_release()

    def test_a_salesperson_cannot_confirm_an_order_of_a_customer_on_hold(self):
        self.put_on_hold()
        order = self.quotation()
        self.assertTrue(order.collections_credit_hold)
        with self.assertRaisesRegex(UserError, "Retida Comercio Ltda is on credit hold") as refusal:
            order.with_user(self.salesman).action_confirm()
        self.assertIn("Release Credit Hold", str(refusal.exception))
        self.assertIn("level", str(refusal.exception))
        self.assertEqual(order.state, "draft")

    def test_the_salesperson_sees_the_banner_but_not_the_release_button(self):
        self.put_on_hold()
        order = self.quotation()
        arch = order.with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("collections_credit_hold_alert", arch)
        self.assertNotIn('name="action_collections_release_credit_hold"', arch)
        arch = order.with_user(self.releaser).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_collections_release_credit_hold"', arch)
        self.assertIn("level", order.with_user(self.salesman).collections_credit_hold_reason)

    def test_a_user_with_the_right_releases_the_order_with_a_reason(self):
        self.put_on_hold()
        order = self.quotation()
        self.release(order, "Paid in advance by wire transfer")
        self.assertEqual(order.collections_credit_hold_released_by, self.releaser)
        self.assertIn("Paid in advance by wire transfer", order.message_ids[:1].body)
        self.assertIn("Paid in advance by wire transfer", self.customer.message_ids[:1].body)
        self.assertEqual(self.customer.message_ids[:1].author_id, self.releaser.partner_id)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")
        # The release was for that order: the customer's next one is checked again.
        with self.assertRaisesRegex(UserError, "on credit hold"):
            self.quotation().with_user(self.salesman).action_confirm()

    def test_the_release_needs_a_reason(self):
        self.put_on_hold()
        order = self.quotation()
        action = order.with_user(self.releaser).action_collections_release_credit_hold()
        wizard = Form(self.env[action["res_model"]].with_user(self.releaser).with_context(**action["context"]))
        with self.assertRaises(AssertionError):
            wizard.save()
        self.assertFalse(order.collections_credit_hold_released_by)

    def test_a_salesperson_cannot_release(self):
        self.put_on_hold()
        order = self.quotation()
        with self.assertRaises(AccessError):
            self.release(order, "I say so", user=self.salesman)
        with self.assertRaises(AccessError):
            order.with_user(self.salesman).write({"collections_credit_hold_release_reason": "I say so"})
        with self.assertRaises(AccessError):
            order.with_user(self.salesman)._collections_release_credit_hold("I say so")
        self.assertFalse(order.collections_credit_hold_released_by)

    def test_another_customer_on_the_order_is_checked_again(self):
        self.put_on_hold()
        order = self.quotation()
        self.release(order, "Approved for this order")
        other = self.make_customer("Outra Retida Ltda")
        self.make_invoice(other, 300, 10)
        self.run_followup()
        with Form(order.with_user(self.salesman)) as form:
            form.partner_id = other
        self.assertFalse(order.collections_credit_hold_released_by)
        with self.assertRaisesRegex(UserError, "Outra Retida Ltda is on credit hold"):
            order.with_user(self.salesman).action_confirm()

    def test_paying_the_debt_lifts_the_hold(self):
        self.put_on_hold()
        order = self.quotation()
        self.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=self.invoice.ids
        ).create({"amount": 800})._create_payments()
        self.run_followup()
        order.invalidate_recordset(["collections_credit_hold"])
        self.assertFalse(order.collections_credit_hold)
        order.with_user(self.salesman).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_a_hold_in_one_company_does_not_block_orders_in_another(self):
        self.put_on_hold()
        order = self.quotation(user=self.salesman_b, partner=self.customer, company=self.company_2)
        self.assertEqual(order.company_id, self.company_2)
        self.assertFalse(order.collections_credit_hold)
        order.with_user(self.salesman_b).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_invoicing_goes_on_for_a_customer_on_hold(self):
        self.put_on_hold()
        order = self.quotation()
        self.release(order, "Delivery already promised")
        order.with_user(self.salesman).action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        # An invoice made in Invoicing, not from an order, posts too.
        self.assertEqual(self.make_invoice(self.customer, 90, -30).state, "posted")
        self.assertTrue(self.customer.with_company(self.company).collections_credit_hold)
