from datetime import date, timedelta

from lxml import etree

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from ..collections_addon.engine import AGREEMENT_STATES, AGREEMENT_STEPS, DISCOUNT_TYPES, INTERVALS
from .common import TODAY
from .common_negotiation import NegotiationCase


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
        promise = self.promise()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            promise.with_user(self.collector).with_context(collections_promise_internal=True).write({"amount": 1})
        dispute = self.dispute()
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
        promise = self.promise(amount=100)
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        self.assertEqual(promise.state, "cancelled")

    def test_promises_and_disputes_are_not_rewritten(self):
        promise = self.promise(amount=100)
        self.assertEqual(promise.grace_days, 2, "the plan's grace days")
        for values in ({"grace_days": 3650}, {"state": "kept"}, {"amount": 1}, {"residual_at_promise": 0}):
            with self.assertRaisesRegex(UserError, "cannot be changed"):
                promise.with_user(self.collector).write(values)
        with self.assertRaisesRegex(UserError, "already have an open promise"):
            self.promise(amount=100, move_ids=[Command.set((self.invoice_a | self.invoice_b).ids)])
        dispute = self.dispute()
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


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAgreementTable(NegotiationCase):
    """The agreement's states are the engine's codes and every button asks the engine's table (AGREEMENT_STEPS)."""

    def test_selections_are_the_engine_codes(self):
        for field, codes in (("state", AGREEMENT_STATES), ("interval", INTERVALS), ("discount_type", DISCOUNT_TYPES)):
            with self.subTest(field=field):
                selection = self.env["collections.negotiation"]._fields[field].selection
                self.assertEqual(tuple(code for code, _label in selection), codes)

    def test_each_button_refuses_a_step_the_table_does_not_allow(self):
        draft = self.negotiation()
        for step, message in (
            (draft.action_accept, "Only a proposed agreement can be accepted"),
            (draft.action_decline, "Only a proposed agreement can be declined"),
            (draft.action_draft, "Only a proposed, waiting or cancelled agreement can go back to draft"),
            (draft.action_send, r"Send the agreement once it is proposed \(approved if beyond the limits\)"),
            (lambda: draft.with_user(self.manager)._decide(True, "Fine"), "Only an agreement waiting for approval"),
        ):
            with self.subTest(message=message), self.assertRaisesRegex(UserError, message):
                step()
        draft.action_propose()
        with self.assertRaisesRegex(UserError, "Only a draft agreement can be recomputed"):
            draft.action_compute_schedule()
        with self.assertRaisesRegex(UserError, "Only a draft agreement can be proposed"):
            draft.action_propose()
        draft.action_cancel()
        with self.assertRaisesRegex(UserError, "A settled or cancelled agreement cannot be cancelled"):
            draft.action_cancel()
        self.assertEqual(draft.state, "cancelled")

    def test_every_step_a_user_takes_has_its_refusal(self):
        agreement = self.negotiation()
        internal = {"edit_terms", "submit", "book", "fulfil", "break"}  # taken by other steps or the daily job
        for action in set(AGREEMENT_STEPS.actions) - internal:
            self.assertTrue(agreement._step_refusal(action), action)

    def test_the_guard_key_with_a_value_from_outside_opens_nothing(self):
        negotiation = self.negotiation()
        with self.assertRaisesRegex(UserError, "set by its own steps"):
            negotiation.with_context(collections_guard_open=True).write({"state": "active"})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["collections.negotiation"].with_user(self.collector).with_context(
                collections_guard_open=True
            ).create({"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_a.ids)], "state": "active"})
        self.assertEqual(negotiation.state, "draft")
