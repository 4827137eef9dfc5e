from datetime import date, timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import TODAY, CollectionsCase


class NegotiationCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "max_discount_percent": 10,
                "max_installments": 6,
                "min_installment_amount": 50,
                "installment_grace_days": 5,
                "promise_grace_days": 2,
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.discount_account = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls.company.write(
            {
                "collections_negotiation_journal_id": cls.journal.id,
                "collections_discount_account_id": cls.discount_account.id,
            }
        )
        cls.customer = cls.make_customer("Negotia Ltda", phone="+55 11 91234-5678")
        cls.invoice_a = cls.make_invoice(cls.customer, 600, 40)
        cls.invoice_b = cls.make_invoice(cls.customer, 400.01, 20)

    def negotiation(self, user=None, **values):
        return (
            self.env["collections.negotiation"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set((self.invoice_a | self.invoice_b).ids)],
                    "installment_count": 3,
                    "first_date": date(2026, 3, 21),  # a Saturday: moved to Monday the 23rd
                    "interval": "monthly",
                    **values,
                }
            )
        )

    def pay(self, lines, amount, when=TODAY):
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=lines.ids
        ).create({"amount": amount, "payment_date": when})._create_payments()


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestNegotiation(NegotiationCase):
    def test_schedule_in_exact_cents_on_business_days(self):
        negotiation = self.negotiation(discount_type="amount", discount_value=0.02)
        negotiation.action_compute_schedule()
        self.assertEqual(negotiation.amount_total, 1000.01)
        self.assertEqual(negotiation.amount_net, 999.99)
        installments = negotiation.installment_ids.sorted("sequence")
        self.assertEqual(installments.mapped("amount"), [333.33, 333.33, 333.33])
        self.assertEqual(installments.mapped("date"), [date(2026, 3, 23), date(2026, 4, 21), date(2026, 5, 21)])
        self.assertAlmostEqual(sum(installments.mapped("amount")) + negotiation.discount_amount, 1000.01, places=2)

    def test_within_the_limits_the_collector_proposes(self):
        negotiation = self.negotiation(discount_value=5)
        negotiation.action_propose()
        self.assertEqual(negotiation.state, "proposed")
        self.assertFalse(negotiation.limit_report)
        self.assertTrue(negotiation.name.startswith("AGR/"))

    def test_beyond_the_limits_a_manager_decides(self):
        self.policy.min_installment_amount = 100
        negotiation = self.negotiation(discount_value=15, installment_count=12)
        negotiation.action_propose()
        self.assertEqual(negotiation.state, "to_approve")
        self.assertIn("discount of 15.00%", negotiation.limit_report)
        self.assertIn("12 instalments (limit 6)", negotiation.limit_report)
        self.assertIn("minimum 100.00", negotiation.limit_report)
        self.assertIn(self.manager, negotiation.activity_ids.user_id)
        # The collector cannot approve their own proposal beyond the limits.
        with self.assertRaisesRegex(UserError, "Only a collections manager"):
            negotiation.action_open_decision()
        with self.assertRaisesRegex(UserError, "Only a collections manager"):
            negotiation._decide(True, "I say so")
        with self.assertRaises(UserError):
            negotiation.action_accept()
        decision = (
            self.env["collections.negotiation.decision"]
            .with_user(self.manager)
            .create({"negotiation_id": negotiation.id, "reason": "Long-standing customer"})
        )
        decision.action_approve()
        self.assertEqual(negotiation.state, "proposed")
        self.assertEqual(negotiation.approved_by_id, self.manager)
        self.assertEqual(negotiation.decision_reason, "Long-standing customer")
        self.assertFalse(negotiation.activity_ids)

    def test_manager_refuses_with_a_reason(self):
        negotiation = self.negotiation(discount_value=30)
        negotiation.action_propose()
        with self.assertRaisesRegex(UserError, "reason"):
            negotiation.with_user(self.manager)._decide(False, " ")
        negotiation.with_user(self.manager)._decide(False, "Too generous")
        self.assertEqual((negotiation.state, negotiation.decision_reason), ("cancelled", "Too generous"))

    def test_acceptance_settles_the_invoices_with_a_balanced_reconciled_entry(self):
        negotiation = self.negotiation(discount_value=5)
        negotiation.action_propose()
        negotiation.action_accept()
        self.assertEqual(negotiation.state, "active")
        self.assertEqual(negotiation.accepted_by, self.collector.name)
        entry = negotiation.move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(entry.journal_id, self.journal)
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")), {"paid"})
        discount_line = entry.line_ids.filtered(lambda line: line.account_id == self.discount_account)
        self.assertAlmostEqual(discount_line.debit, 50.0, places=2)
        installments = negotiation.installment_ids.sorted("sequence")
        self.assertEqual(installments.move_line_id.move_id, entry)
        self.assertEqual(installments.mapped("move_line_id.date_maturity"), installments.mapped("date"))
        self.assertEqual(installments.mapped("amount"), [316.67, 316.67, 316.67])
        self.assertEqual(set(installments.mapped("payment_state")), {"open"})
        # The instalments are receivables of the customer, followed up like any other.
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        self.assertEqual(sorted(item.due_date for item in items), installments.mapped("date"))

    def test_partial_payments_then_done(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        first, second, third = negotiation.installment_ids.sorted("sequence")
        self.pay(first.move_line_id, 100)
        self.assertEqual(first.payment_state, "partial")
        self.assertAlmostEqual(first.amount_residual, first.amount - 100, places=2)
        self.pay(first.move_line_id, first.amount_residual)
        self.assertEqual(first.payment_state, "paid")
        self.env["collections.negotiation"]._cron_check_agreements()
        self.assertEqual(negotiation.state, "active")
        self.pay(second.move_line_id | third.move_line_id, second.amount + third.amount)
        self.env["collections.negotiation"]._cron_check_agreements()
        self.assertEqual(negotiation.state, "done")

    def test_missed_instalment_past_the_grace_breaks_the_agreement(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        with freeze_time(date(2026, 3, 23) + timedelta(days=5)):
            self.env["collections.negotiation"]._cron_check_agreements()
            self.assertEqual(negotiation.state, "active", "still within the grace days")
        with freeze_time(date(2026, 3, 23) + timedelta(days=6)):
            self.env["collections.negotiation"]._cron_check_agreements()
        self.assertEqual(negotiation.state, "broken")
        self.assertIn("broken", negotiation.activity_ids.summary)

    def test_cancelling_reverses_the_entry_and_reopens_the_invoices(self):
        negotiation = self.negotiation(discount_value=5)
        negotiation.action_propose()
        negotiation.action_accept()
        entry = negotiation.move_id
        negotiation.action_cancel()
        self.assertEqual(negotiation.state, "cancelled")
        self.assertEqual(entry.payment_state if entry.is_invoice() else entry.state, "posted")
        reversal = self.env["account.move"].search([("reversed_entry_id", "=", entry.id)])
        self.assertEqual(reversal.state, "posted")
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")), {"not_paid"})
        self.assertAlmostEqual(self.invoice_b.amount_residual, 400.01, places=2)
        self.assertTrue(all(line.reconciled for line in entry.line_ids if line.account_id.reconcile))

    def test_accounting_configuration_errors_name_the_setting(self):
        negotiation = self.negotiation(discount_value=5)
        negotiation.action_propose()
        self.company.collections_discount_account_id = False
        with self.assertRaisesRegex(UserError, "no discount account"):
            negotiation.action_accept()
        receivable = self.invoice_a.line_ids.account_id.filtered(lambda a: a.account_type == "asset_receivable")
        self.company.collections_discount_account_id = receivable
        with self.assertRaisesRegex(UserError, "not a receivable"):
            negotiation.action_accept()
        self.company.collections_discount_account_id = self.discount_account
        self.company.collections_negotiation_journal_id = False
        with self.assertRaisesRegex(UserError, "no Renegotiation Journal"):
            negotiation.action_accept()
        self.company.collections_negotiation_journal_id = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        with self.assertRaisesRegex(UserError, "Miscellaneous journal"):
            negotiation.action_accept()
        self.assertEqual(negotiation.state, "proposed", "nothing half-written")
        self.assertFalse(negotiation.move_id)

    def test_a_payment_after_the_proposal_requires_a_new_proposal(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        receivable = self.invoice_b.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.pay(receivable, 100)
        with self.assertRaisesRegex(UserError, "changed since"):
            negotiation.action_accept()

    def test_bad_input_is_refused_clearly(self):
        with self.assertRaisesRegex(UserError, "cannot exceed 100%"):
            self.negotiation(discount_value=120)
        negotiation = self.negotiation(discount_type="amount", discount_value=2000)
        with self.assertRaisesRegex(UserError, "cannot exceed the amount due"):
            negotiation.action_compute_schedule()
        other = self.make_customer("Someone Else")
        foreign = self.make_invoice(other, 100, 10)
        with self.assertRaisesRegex(UserError, "belong to another customer"):
            self.negotiation(move_ids=[Command.set(foreign.ids)])
        busy = self.negotiation()
        busy.action_propose()
        with self.assertRaisesRegex(UserError, "already in the agreement"):
            self.negotiation().action_propose()

    def test_started_from_the_customer_and_from_invoices(self):
        action = self.customer.with_user(self.collector).action_collections_negotiate()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        action = (self.invoice_a | self.invoice_b).with_user(self.collector).action_collections_negotiate()
        self.assertEqual(action["context"]["default_move_ids"][0][2], (self.invoice_a | self.invoice_b).ids)
        other = self.make_invoice(self.make_customer("Other"), 10, 5)
        with self.assertRaisesRegex(UserError, "one customer"):
            (self.invoice_a | other).action_collections_negotiate()


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPromisesAndDisputes(NegotiationCase):
    def promise(self, **values):
        return (
            self.env["collections.promise"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_a.ids)],
                    "amount": 600,
                    "date": date(2026, 3, 20),
                    **values,
                }
            )
        )

    def test_promise_keeps_its_invoices_out_of_the_follow_up(self):
        self.promise()
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        excluded = {item.move_id for item in items if item.excluded}
        self.assertEqual(excluded, set(self.invoice_a.ids))
        self.run_followup()
        self.assertEqual(self.events_of(self.customer, channel="email").move_ids, self.invoice_b)

    def test_paid_promise_is_kept(self):
        promise = self.promise()
        receivable = self.invoice_a.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.pay(receivable, 600)
        self.env["collections.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "kept")

    def test_unpaid_promise_breaks_after_the_grace_and_the_follow_up_resumes(self):
        promise = self.promise()
        with freeze_time("2026-03-22 10:00:00"):
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "open", "two grace days")
        with freeze_time("2026-03-23 10:00:00"):
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "broken")
            event = self.events_of(self.customer, channel="promise")
            self.assertEqual((event.state, event.move_ids), ("failed", self.invoice_a))
            self.assertTrue(
                self.customer.activity_ids.filtered(lambda activity: activity.summary == "Promise to pay broken")
            )
            items = self.runner._open_items(self.company, self.customer)[self.customer.id]
            self.assertFalse(any(item.excluded for item in items))

    def test_promise_input_is_checked(self):
        with self.assertRaisesRegex(UserError, "in the past"), self.env.cr.savepoint():
            self.promise(date=date(2026, 3, 1))
        with self.assertRaisesRegex(UserError, "more than the invoices still owe"), self.env.cr.savepoint():
            self.promise(amount=700)
        self.assertFalse(self.env["collections.promise"].search([("partner_id", "=", self.customer.id)]))

    def test_dispute_pauses_its_invoices_until_resolved(self):
        dispute = (
            self.env["collections.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_b.ids)],
                    "reason": "Goods arrived damaged",
                }
            )
        )
        self.assertEqual(dispute.user_id, self.collector)
        self.assertTrue(dispute.activity_ids)
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        self.assertEqual({item.move_id for item in items if item.excluded}, set(self.invoice_b.ids))
        with self.assertRaisesRegex(UserError, "how the dispute was resolved"):
            dispute.action_resolve()
        dispute.resolution = "Credit note for the damaged goods"
        dispute.action_resolve()
        self.assertEqual(dispute.state, "resolved")
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        self.assertFalse(any(item.excluded for item in items))

    def test_call_outcomes_record_a_promise_and_a_dispute(self):
        Wizard = self.env["collections.call.log"].with_user(self.collector)
        action = self.customer.with_user(self.collector).action_collections_log_call()
        wizard = Wizard.browse(action["res_id"])
        wizard.write({"outcome": "promise", "pause_until": date(2026, 3, 25), "promise_amount": 300})
        wizard.action_confirm()
        promise = self.env["collections.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.source, promise.amount, promise.date), ("call", 300, date(2026, 3, 25)))
        self.assertEqual(promise.move_ids, self.invoice_a | self.invoice_b)
        action = self.customer.with_user(self.collector).action_collections_log_call()
        wizard = Wizard.browse(action["res_id"])
        wizard.write({"outcome": "dispute", "pause_reason": "Says invoice B was never delivered"})
        wizard.action_confirm()
        dispute = self.env["collections.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((dispute.source, dispute.reason), ("call", "Says invoice B was never delivered"))

    def test_collectors_cannot_delete_promises_or_read_other_companies(self):
        promise = self.promise()
        with self.assertRaises(AccessError):
            promise.with_user(self.collector).unlink()
        other = self.setup_other_company(name="Promise Co")["company"]
        stranger = self.make_user("other_collector", "collections_addon.group_collections_user", company=other)
        self.assertFalse(self.env["collections.promise"].with_user(stranger).search([]))


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestNegotiationIntegrity(NegotiationCase):
    """What the buttons refuse, a direct write (RPC) refuses too."""

    def test_steps_cannot_be_written_directly(self):
        negotiation = self.negotiation(installment_count=12)
        negotiation.action_propose()
        self.assertEqual(negotiation.state, "to_approve")
        for values in ({"state": "proposed"}, {"approved_by_id": self.manager.id}, {"move_id": self.invoice_a.id}):
            with self.assertRaisesRegex(UserError, "set by its own steps"):
                negotiation.write(values)
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.negotiation(state="proposed")
        with self.assertRaises(AccessError):
            negotiation.installment_ids[:1].write({"amount": 0.01})

    def test_no_context_key_opens_the_protected_fields(self):
        """The steps write past the guards through private methods: an RPC caller's context cannot."""
        # On invoice B only: invoice A is promised below, and an invoice in an agreement cannot be promised.
        negotiation = self.negotiation(installment_count=12, move_ids=[Command.set(self.invoice_b.ids)])
        negotiation.action_propose()
        with self.assertRaisesRegex(UserError, "set by its own steps"):
            negotiation.with_user(self.collector).with_context(collections_negotiation_internal=True).write(
                {"state": "active"}
            )
        promise = self.env["collections.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_a.ids)],
                "amount": 600,
                "date": date(2026, 3, 20),
            }
        )
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            promise.with_user(self.collector).with_context(collections_promise_internal=True).write({"amount": 1})
        dispute = self.env["collections.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_b.ids)], "reason": "Wrong price"}
        )
        with self.assertRaisesRegex(UserError, "Resolve button"):
            dispute.with_user(self.collector).with_context(collections_dispute_internal=True).write(
                {"state": "resolved"}
            )
        self.assertEqual((negotiation.state, promise.amount, dispute.state), ("to_approve", 600, "open"))

    def test_terms_of_a_proposed_agreement_are_frozen(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        with self.assertRaisesRegex(UserError, "cannot change"):
            negotiation.write({"discount_value": 50})
        with self.assertRaisesRegex(UserError, "cannot change"):
            negotiation.write({"move_ids": [Command.set(self.invoice_a.ids)]})

    def test_going_back_to_draft_voids_the_approval(self):
        negotiation = self.negotiation(installment_count=12)
        negotiation.action_propose()
        negotiation.with_user(self.manager)._decide(True, "Fine")
        negotiation.action_draft()
        self.assertFalse(negotiation.approved_by_id)
        negotiation.installment_count = 11
        negotiation.action_propose()
        self.assertEqual(negotiation.state, "to_approve", "new terms need a new decision")

    def test_cancelling_keeps_earlier_payments_matched(self):
        # Invoice A was partly paid by a payment that also paid invoice C in full.
        invoice_c = self.make_invoice(self.customer, 100, 50)
        lines_a = self.invoice_a.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        lines_c = invoice_c.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=(lines_a | lines_c).ids
        ).create({"amount": 500, "payment_date": TODAY, "group_payment": True})._create_payments()
        self.assertEqual(invoice_c.payment_state, "paid")
        self.assertAlmostEqual(self.invoice_a.amount_residual, 200, places=2)
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        self.assertEqual(self.invoice_a.payment_state, "paid")
        negotiation.action_cancel()
        self.assertAlmostEqual(self.invoice_a.amount_residual, 200, places=2, msg="the earlier payment stays")
        self.assertEqual(invoice_c.payment_state, "paid", "an invoice outside the agreement is untouched")
        self.assertAlmostEqual(self.invoice_b.amount_residual, 400.01, places=2)

    def test_cancelling_after_an_instalment_payment_is_refused(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        self.pay(negotiation.installment_ids.sorted("sequence")[:1].move_line_id, 10)
        with self.assertRaisesRegex(UserError, "already received payments"):
            negotiation.action_cancel()
        self.assertEqual(negotiation.state, "active")

    def test_no_instalment_of_nothing(self):
        tiny_customer = self.make_customer("Tiny")
        tiny = self.make_invoice(tiny_customer, 0.02, 10)
        negotiation = self.negotiation(partner_id=tiny_customer.id, move_ids=[Command.set(tiny.ids)])
        with self.assertRaisesRegex(UserError, "instalments of nothing"):
            negotiation.action_compute_schedule()

    def test_acceptance_cancels_open_promises_on_its_invoices(self):
        promise = self.env["collections.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_a.ids)],
                "amount": 100,
                "date": date(2026, 3, 20),
            }
        )
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        self.assertEqual(promise.state, "cancelled")

    def test_promises_and_disputes_are_not_rewritten(self):
        promise = self.env["collections.promise"].create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_a.ids)],
                "amount": 100,
                "date": date(2026, 3, 20),
            }
        )
        self.assertEqual(promise.grace_days, 2, "the plan's grace days")
        for values in ({"grace_days": 3650}, {"state": "kept"}, {"amount": 1}, {"residual_at_promise": 0}):
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                promise.with_user(self.collector).write(values)
        with self.assertRaisesRegex(UserError, "already have an open promise"):
            self.env["collections.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set((self.invoice_a | self.invoice_b).ids)],
                    "amount": 100,
                    "date": date(2026, 3, 20),
                }
            )
        dispute = self.env["collections.dispute"].create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_b.ids)], "reason": "Wrong price"}
        )
        with self.assertRaisesRegex(UserError, "Resolve button"):
            dispute.with_user(self.collector).write({"state": "resolved"})


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAgreementScreens(NegotiationCase):
    """The agreement as a collector builds it on screen: the form sends its defaults, the buttons do the rest."""

    def test_collector_proposes_from_the_customer_form(self):
        action = self.customer.with_user(self.collector).action_collections_negotiate()
        form = Form(self.env[action["res_model"]].with_user(self.collector).with_context(action["context"]))
        self.assertEqual(form.state, "draft")
        self.assertEqual(form.partner_id, self.customer)
        form.installment_count = 3
        agreement = form.save()
        agreement.action_compute_schedule()
        self.assertEqual(len(agreement.installment_ids), 3)
        agreement.action_propose()
        self.assertEqual(agreement.state, "proposed")

    def test_collector_creates_one_from_the_agreements_menu(self):
        form = Form(self.env["collections.negotiation"].with_user(self.collector))
        form.partner_id = self.customer
        form.move_ids.add(self.invoice_a)
        form.first_date = date(2026, 3, 23)
        agreement = form.save()
        self.assertEqual((agreement.state, agreement.amount_total), ("draft", 600))
        self.assertTrue(agreement.name.startswith("AGR/"))

    def test_the_form_cannot_smuggle_a_step(self):
        with self.assertRaisesRegex(UserError, "set by its own steps"):
            self.negotiation(state="active")

    def test_collector_beyond_the_limits_reaches_managers_of_several_companies(self):
        # The manager works in both companies and reads notifications in Odoo: the collector only in the first.
        self.manager.notification_type = "inbox"
        form = Form(self.env["collections.negotiation"].with_user(self.collector))
        form.partner_id = self.customer
        form.move_ids.add(self.invoice_a)
        form.discount_value = 40
        agreement = form.save()
        agreement.action_propose()
        self.assertEqual(agreement.state, "to_approve")
        self.assertIn(self.manager, agreement.activity_ids.user_id)

    def test_proposing_before_accounting_is_set_up_names_the_setting(self):
        self.company.collections_negotiation_journal_id = False
        agreement = self.negotiation()
        with self.assertRaisesRegex(UserError, "Renegotiation Journal"):
            agreement.action_propose()
        self.assertEqual(agreement.state, "draft", "nothing proposed, nothing e-mailed")

    def test_a_new_chart_of_accounts_fills_the_agreement_and_protest_settings(self):
        company = self.company_2
        self.assertEqual(company.collections_negotiation_journal_id.type, "general")
        self.assertEqual(company.collections_negotiation_journal_id.company_id, company)
        self.assertEqual(company.collections_discount_account_id.account_type, "expense")
        self.assertIn(company.collections_protest_journal_id.type, ("bank", "cash"))
        self.assertEqual(company.collections_protest_cost_account_id.account_type, "expense")
        self.assertIn(company, company.collections_discount_account_id.company_ids)

    def test_settings_offer_only_journals_and_accounts_that_fit(self):
        arch = etree.fromstring(self.env["res.config.settings"].get_view(view_type="form")["arch"])

        def choices(field_name, model):
            domain = arch.find(f".//field[@name='{field_name}']").get("domain")
            return self.env[model].search(safe_eval(domain, {"company_id": self.company.id}))

        journals = choices("collections_negotiation_journal_id", "account.journal")
        self.assertTrue(journals)
        self.assertEqual(set(journals.mapped("type")), {"general"})
        self.assertEqual(journals.company_id, self.company)
        for field_name in ("collections_discount_account_id", "collections_protest_cost_account_id"):
            accounts = choices(field_name, "account.account")
            self.assertTrue(accounts)
            self.assertTrue(set(accounts.mapped("account_type")) <= {"expense", "expense_other", "expense_direct_cost"})
            self.assertTrue(all(self.company in account.company_ids for account in accounts))
        banks = choices("collections_protest_journal_id", "account.journal")
        self.assertTrue(set(banks.mapped("type")) <= {"bank", "cash"})
