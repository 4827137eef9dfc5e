"""Credit hold, the core part (no Sales needed): the plan's settings put a customer on hold with its status, for
the reasons the plan switched on, and paying what caused it lifts it. The Sales side is tested in the bridge
``collections_addon_sale``."""

from datetime import date, timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import NOON
from .common_negotiation import NegotiationCase
from .common_protest import PROTESTED, ProtestCase
from .common_run import RunCase

RELEASE = "collections_addon.group_collections_credit_release"


class CreditHoldMixin:
    def set_plan(self, **values):
        """The collections manager sets the plan's credit hold on its Credit Hold tab."""
        with Form(self.policy.with_user(self.manager)) as plan:
            for name, value in values.items():
                setattr(plan, name, value)

    def held(self, partner, company=None):
        partner = partner.with_company(company or self.company)
        partner.invalidate_recordset(
            ["collections_credit_hold", "collections_credit_hold_codes", "collections_credit_hold_reason"]
        )
        return partner.collections_credit_hold

    def last_note(self):
        notes = self.customer.message_ids.filtered(lambda message: "redit hold" in str(message.body))
        return str(notes[:1].body)

    def receivable(self, invoices):
        return invoices.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestCreditHold(CreditHoldMixin, RunCase, NegotiationCase):
    def test_the_level_puts_the_customer_on_hold_until_the_overdue_is_paid(self):
        self.set_plan(credit_hold_level_id=self.level_first)
        self.assertFalse(self.held(self.customer), "nothing before the follow-up reviewed the customer")
        self.run_followup()
        self.assertTrue(self.held(self.customer))
        self.assertEqual(self.customer.with_company(self.company).collections_credit_hold_codes, "level")
        self.assertIn("level", self.customer.with_company(self.company).collections_credit_hold_reason)
        self.assertIn("On credit hold in", self.last_note())
        # Nothing overdue any more: the next run lifts the hold.
        self.pay(self.receivable(self.invoice_a | self.invoice_b), 1000.01)
        self.run_followup()
        self.assertFalse(self.held(self.customer))
        self.assertIn("Credit hold lifted in", self.last_note())
        self.assertFalse(self.customer.with_company(self.company).collections_credit_hold_reason)

    def test_a_plan_without_credit_hold_settings_holds_no_one(self):
        self.run_followup()
        self.assertFalse(self.held(self.customer))

    def test_a_level_the_customer_has_not_reached_does_not_hold(self):
        self.set_plan(credit_hold_level_id=self.level_protest)
        self.run_followup()
        self.assertFalse(self.held(self.customer))

    def test_the_hold_level_must_be_a_level_of_the_plan(self):
        other = self.policy.copy({"name": "Other plan", "is_default": False})
        with self.assertRaises(ValidationError):
            self.policy.with_user(self.manager).credit_hold_level_id = other.level_ids[:1]

    def test_a_broken_promise_holds_until_its_invoices_are_paid(self):
        self.set_plan(credit_hold_broken_promise=True)
        promise = self.promise()
        with freeze_time("2026-03-23 10:00:00"):
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "broken")
            # The promise breaking refreshes the status: the hold is on at once, not after the next run.
            self.assertTrue(self.held(self.customer))
            self.assertEqual(self.customer.with_company(self.company).collections_credit_hold_codes, "broken_promise")
            self.pay(self.receivable(self.invoice_a), 600, when=date(2026, 3, 23))
            self.run_followup()
            self.assertFalse(self.held(self.customer), "invoice B is still overdue, but the plan holds by level not")

    def test_a_broken_agreement_holds_until_every_instalment_is_paid(self):
        self.set_plan(credit_hold_broken_agreement=True)
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        with freeze_time(date(2026, 3, 23) + timedelta(days=6)):
            self.env["collections.negotiation"]._cron_check_agreements()
            self.assertEqual(negotiation.state, "broken")
            self.assertTrue(self.held(self.customer))
            self.assertIn("agreement", self.customer.with_company(self.company).collections_credit_hold_reason)
            lines = negotiation.installment_ids.move_line_id
            self.pay(lines, sum(negotiation.installment_ids.mapped("amount")), when=date(2026, 3, 29))
            self.env["collections.negotiation"]._cron_check_agreements()
            self.assertEqual(negotiation.state, "done")
            self.assertFalse(self.held(self.customer))

    def test_a_hold_in_one_company_is_not_a_hold_in_another(self):
        self.set_plan(credit_hold_level_id=self.level_first)
        self.run_followup()
        self.assertTrue(self.held(self.customer))
        self.assertFalse(self.held(self.customer, self.company_2))

    def test_invoicing_a_customer_on_hold_goes_on(self):
        self.set_plan(credit_hold_level_id=self.level_first)
        self.run_followup()
        self.assertTrue(self.held(self.customer))
        invoice = self.make_invoice(self.customer, 250, -30)
        self.assertEqual(invoice.state, "posted")

    def test_sales_users_see_the_hold_and_its_reason_on_the_customer(self):
        self.set_plan(credit_hold_level_id=self.level_first)
        self.run_followup()
        clerk = self.make_user("hold_clerk", "base.group_user")
        customer = self.customer.with_user(clerk).with_company(self.company)
        self.assertTrue(customer.collections_credit_hold)
        self.assertIn("level", customer.collections_credit_hold_reason)
        arch = customer.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("collections_credit_hold_alert", arch)

    def test_the_collections_manager_may_release_a_collector_may_not(self):
        self.assertTrue(self.manager.has_group(RELEASE))
        self.assertFalse(self.collector.has_group(RELEASE))

    def test_the_worklist_shows_the_hold_and_filters_on_it(self):
        self.set_plan(credit_hold_level_id=self.level_first)
        self.run_followup()
        Partner = self.env["res.partner"].with_user(self.collector)
        held = Partner.search([("collections_credit_hold", "=", True)])
        self.assertIn(self.customer, held)
        view = self.env.ref("collections_addon.res_partner_view_list_collections")
        arch = Partner.get_views([(view.id, "list")])["views"]["list"]["arch"]
        self.assertIn("collections_credit_hold", arch)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestCreditHoldProtested(CreditHoldMixin, ProtestCase):
    def test_a_protested_title_holds_until_settled(self):
        self.set_plan(credit_hold_protested=True)
        protest = self.protest_until("notified")
        self.assertFalse(self.held(self.customer), "not protested yet")
        self.step(protest, "protest", PROTESTED)
        self.assertEqual(protest.state, "protested")
        self.assertTrue(self.held(self.customer))
        self.assertEqual(self.customer.with_company(self.company).collections_credit_hold_codes, "protested")
        self.pay_invoice(protest.move_id, date(2026, 3, 12))
        self.step(protest, "settle", date(2026, 3, 13))
        self.assertFalse(self.held(self.customer))
