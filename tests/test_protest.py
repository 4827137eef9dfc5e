"""Notary protests: which invoices may be protested, the proposals of the follow-up, the lifecycle at the
notary and the guards on a protest's own fields."""

import base64
from datetime import date, datetime, time

from freezegun import freeze_time

from odoo import SUPERUSER_ID, Command
from odoo.addons.collections_addon.collections_addon.engine import (
    BOARD_STATES,
    PROTEST_ACTIONS,
    PROTEST_STATES,
    SEND_MEANS,
    START_EVENTS,
    URGENCY_CODES,
)
from odoo.addons.collections_addon.collections_addon.engine.protest import COST_PAYERS
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import format_date

from .common import TODAY
from .common_protest import DEADLINE, HOLIDAY, NOTIFIED, PROTOCOL, SENT, ProtestCase, at


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestEligibility(ProtestCase):
    def assert_refused(self, invoice, message):
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self.new_protest(invoice)
        self.assertFalse(self.env["collections.protest"].search([("move_id", "=", invoice.id)]))

    def test_paid_draft_not_due_and_credit_notes_cannot_be_protested(self):
        paid = self.make_invoice(self.customer, 100, 70)
        self.pay_invoice(paid)
        self.assert_refused(paid, "is paid: there is nothing to protest")
        self.assert_refused(self.make_invoice(self.customer, 100, 70, post=False), "is not posted")
        self.assert_refused(self.make_invoice(self.customer, 100, -5), "is not overdue")
        self.assert_refused(self.make_invoice(self.customer, 100, 0), "is not overdue")
        refund = self.make_invoice(self.customer, 100, 10, move_type="out_refund")
        self.assert_refused(refund, "is not a customer invoice")

    def test_disputed_invoice_cannot_be_protested(self):
        self.env["collections.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice.ids)], "reason": "Never delivered"}
        )
        self.assert_refused(self.invoice, "disputes")

    def test_invoice_in_a_proposed_or_active_agreement_cannot_be_protested(self):
        self.company.collections_negotiation_journal_id = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        negotiation = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "installment_count": 2,
                    "first_date": date(2026, 3, 23),
                    "interval": "monthly",
                }
            )
        )
        # A draft agreement is only an idea: it holds nothing.
        draft_protest = self.new_protest()
        draft_protest.with_user(self.manager).unlink()
        negotiation.action_propose()
        self.assertIn(negotiation.state, ("proposed", "to_approve"))
        self.assert_refused(self.invoice, f"part of agreement {negotiation.name}")
        negotiation.action_accept()
        self.assertEqual(negotiation.state, "active")
        # The agreement's entry settles the invoice: there is nothing left to protest on it.
        self.assert_refused(self.invoice, "paid|agreement")

    def test_invoice_with_an_open_promise_cannot_be_protested(self):
        self.env["collections.promise"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "amount": 1000,
                "date": date(2026, 3, 20),
            }
        )
        self.assert_refused(self.invoice, "promised to pay")

    def test_one_open_protest_per_invoice_but_a_withdrawn_one_does_not_block(self):
        first = self.new_protest()
        with self.assertRaisesRegex(UserError, "already has protest"), self.env.cr.savepoint():
            self.new_protest()
        self.send(first)
        with self.assertRaisesRegex(UserError, f"already has protest {first.name}"), self.env.cr.savepoint():
            self.new_protest()
        self.step(first, "withdraw", date(2026, 3, 5))
        self.assertEqual(first.state, "withdrawn")
        second = self.new_protest()
        self.assertEqual((second.state, second.move_id), ("draft", self.invoice))
        self.assertEqual(second.amount, 1000)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestProposals(ProtestCase):
    def test_follow_up_run_proposes_eligible_invoices_once(self):
        customer = self.make_customer("Atrasada Ltda", vat="987.654.321-00")
        late = self.make_invoice(customer, 500, 70)
        disputed = self.make_invoice(customer, 300, 75)
        younger = self.make_invoice(customer, 200, 30)
        self.env["collections.dispute"].create(
            {"partner_id": customer.id, "move_ids": [Command.set(disputed.ids)], "reason": "Wrong goods"}
        )
        self.run_followup()
        protests = self.env["collections.protest"].search([("partner_id", "=", customer.id)])
        self.assertEqual(protests.move_id, late, "neither the disputed nor the younger invoice")
        self.assertEqual(
            (protests.state, protests.proposed_level_id, protests.amount), ("draft", self.level_protest, 500)
        )
        self.assertFalse(self.env["collections.protest"].search([("move_id", "in", (disputed | younger).ids)]))

        self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("partner_id", "=", customer.id)]), protests)

    def test_proposal_goes_to_the_collector_of_the_customer_or_of_the_plan(self):
        # The plan's "Default Collector receives the call and follow-up tasks of customers without a collector of
        # their own"; the protest's responsible "gets the tasks of this protest".
        self.policy.responsible_id = self.collector
        other_collector = self.make_user("protest_collector_2", "collections_addon.group_collections_user")
        assigned = self.make_customer("Com Cobrador Ltda", vat="111.222.333-44")
        assigned.with_company(self.company).collections_responsible_id = other_collector
        assigned_invoice = self.make_invoice(assigned, 100, 70)
        # As the daily job runs it: as the cron's user, OdooBot.
        self.runner.with_user(SUPERUSER_ID)._run(self.company)
        Protest = self.env["collections.protest"]
        self.assertEqual(Protest.search([("move_id", "=", assigned_invoice.id)]).user_id, other_collector)
        step_task = self.customer.activity_ids.filtered(lambda activity: "Collections step due" in activity.summary)
        self.assertEqual(step_task.user_id, self.collector)
        self.assertEqual(
            Protest.search([("move_id", "=", self.invoice.id)]).user_id,
            self.collector,
            "the plan's default collector, not whoever ran the follow-up",
        )

    def test_discarded_proposal_is_not_proposed_again(self):
        self.run_followup()
        proposal = self.env["collections.protest"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual(len(proposal), 1)
        with self.assertRaisesRegex(AccessError, "manager"):
            proposal.with_user(self.collector).action_discard()
        proposal.with_user(self.manager).action_discard()
        self.assertEqual(proposal.state, "cancelled")
        self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("move_id", "=", self.invoice.id)]), proposal)
        with at(date(2026, 3, 23)):
            self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("move_id", "=", self.invoice.id)]), proposal)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestLifecycle(ProtestCase):
    def test_whole_lifecycle_with_dates(self):
        protest = self.new_protest()
        self.assertEqual((protest.state, protest.amount, protest.title_number), ("draft", 1000, self.invoice.name))
        self.assertEqual(protest.user_id, self.collector)

        # Only a manager sends a title to the notary.
        with self.assertRaisesRegex(AccessError, "Only a collections manager"):
            self.step(protest, "send", SENT, send_means="bank")
        self.assertEqual(protest.state, "draft")
        self.send(protest)
        self.assertEqual((protest.state, protest.sent_date, protest.send_means), ("sent", SENT, "bank"))
        self.assertTrue(protest.name.startswith("PRT/"), protest.name)
        self.assertEqual(protest.rule_id, self.rule)

        # Protocol: a number, not before the sending, not in the future.
        with self.assertRaisesRegex(UserError, "protocol number"):
            self.step(protest, "protocol", PROTOCOL)
        with self.assertRaisesRegex(UserError, "before the protest was sent to the notary"):
            self.step(protest, "protocol", date(2026, 3, 3), protocol_number="PROT-1")
        with self.assertRaisesRegex(UserError, "in the future"):
            self.step(protest, "protocol", date(2026, 3, 17), protocol_number="PROT-1")
        self.assertEqual(protest.state, "sent")
        self.step(protest, "protocol", PROTOCOL, protocol_number=" PROT-2026-0042 ")
        self.assertEqual(protest.state, "protocolled")
        self.assertEqual(protest.protocol_number, "PROT-2026-0042")
        # Thursday the 5th: Friday, Monday, (Tuesday is a bank holiday), Wednesday.
        self.assertEqual(protest.deadline_date, DEADLINE)

        self.step(protest, "notify", NOTIFIED)
        self.assertEqual(
            (protest.state, protest.notification_date, protest.deadline_date), ("notified", NOTIFIED, DEADLINE)
        )

        # The notary registers the protest only once the last day to pay is over.
        with self.assertRaisesRegex(UserError, "may pay until"):
            self.step(protest, "protest", HOLIDAY)
        self.step(protest, "protest", DEADLINE)
        self.assertEqual((protest.state, protest.protest_date), ("protested", DEADLINE))
        self.assertTrue(self.customer.collections_protested)
        self.assertEqual(self.customer.collections_protested_since, DEADLINE)
        new_invoice = (
            self.env["account.move"]
            .with_user(self.collector)
            .create({"move_type": "out_invoice", "partner_id": self.customer.id})
        )
        self.assertIn(format_date(self.env, DEADLINE), new_invoice.collections_protest_warning)
        self.assertIn(self.customer.name, new_invoice.collections_protest_warning)

        # Settled only once the invoice is paid.
        with self.assertRaisesRegex(UserError, "still has .* open"):
            self.step(protest, "settle", TODAY)
        self.assertEqual(protest.state, "protested")
        self.pay_invoice(self.invoice, date(2026, 3, 13))
        self.step(protest, "settle", TODAY)
        self.assertEqual((protest.state, protest.settlement_date), ("settled", TODAY))
        self.assertFalse(self.customer.collections_protested)
        self.assertFalse(self.customer.collections_protested_since)
        new_invoice.invalidate_recordset(["collections_protest_warning"])
        self.assertFalse(new_invoice.collections_protest_warning)

        bodies = self.bodies(protest)
        for label, day in (
            ("Send to the notary", SENT),
            ("Protocol", PROTOCOL),
            ("Debtor notified", NOTIFIED),
            ("Protested", DEADLINE),
            ("Settle", TODAY),
        ):
            self.assertIn(f"{label}: {format_date(self.env, day)}.", bodies)
        self.assertIn(f"The debtor may pay until {format_date(self.env, DEADLINE)}", bodies)

    def test_recovery_figures_are_computed_in_every_state(self):
        protest = self.new_protest()
        self.env.flush_all()  # the stored figures of the new protest are computed when it is saved
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (0, 0))
        protest = self.protest_until("protested", self.make_invoice(self.customer, 300, 70))
        self.env.flush_all()
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (0, 0))
        self.pay_invoice(protest.move_id)
        self.step(protest, "settle", TODAY)
        self.env.flush_all()
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (300, 5))

    def test_shipped_rule_counts_the_brazilian_bank_holidays(self):
        rule = self.env.ref("collections_addon.collections_protest_rule_default").sudo()
        self.assertEqual(
            (rule.company_id, rule.days, rule.start_event), (self.env.ref("base.main_company"), 3, "protocol")
        )
        # Friday before Tiradentes (Tuesday 21): Monday, Wednesday, Thursday.
        self.assertEqual(rule._deadline(date(2026, 4, 17), False), date(2026, 4, 23))
        # Friday before Carnival: Monday, Tuesday and Ash Wednesday are not bank days.
        self.assertEqual(rule._deadline(date(2026, 2, 13), False), date(2026, 2, 23))
        # Over the year end: no bank service on 31 December nor on New Year's Day.
        self.assertEqual(rule._deadline(date(2026, 12, 29), False), date(2027, 1, 5))

    def test_sending_checks_the_notary_the_customer_and_the_rule(self):
        protest = self.new_protest(notary_id=False)
        with self.assertRaisesRegex(UserError, "Choose the notary office"):
            self.send(protest)
        stranger = self.env["res.partner"].create({"name": "Not A Notary", "state_id": self.state_sp.id})
        protest.notary_id = stranger
        with self.assertRaisesRegex(UserError, "not flagged as a notary office"):
            self.send(protest)
        protest.notary_id = self.notary
        self.customer.vat = False
        with self.assertRaisesRegex(UserError, "no tax ID"):
            self.send(protest)
        self.customer.vat = "123.456.789-09"
        self.rule.active = False
        with self.assertRaisesRegex(UserError, "has no protest rule for São Paulo"):
            self.send(protest)
        self.assertEqual((protest.state, protest.sent_date), ("draft", False))
        self.rule.active = True
        self.send(protest)
        self.assertEqual(protest.state, "sent")

    def test_window_from_the_notification(self):
        self.rule.start_event = "notification"
        protest = self.protest_until("protocolled")
        self.assertFalse(protest.deadline_date, "the window has not started")
        self.step(protest, "notify", NOTIFIED)
        # Friday the 6th: Monday, (Tuesday holiday), Wednesday, Thursday.
        self.assertEqual(protest.deadline_date, date(2026, 3, 12))
        self.assertIn(f"Last day to pay: {format_date(self.env, date(2026, 3, 12))}.", self.bodies(protest))

    def test_calendar_days_ending_on_a_weekend_move_to_monday(self):
        self.rule.business_days = False
        protest = self.new_protest()
        self.send(protest, date(2026, 3, 3))
        self.step(protest, "protocol", date(2026, 3, 4), protocol_number="P-1")  # Wednesday + 3 = Saturday
        self.assertEqual(protest.deadline_date, date(2026, 3, 9))
        other = self.new_protest(self.make_invoice(self.customer, 100, 70))
        self.send(other, date(2026, 3, 3))
        self.step(other, "protocol", date(2026, 3, 7), protocol_number="P-2")  # + 3 = the Tuesday holiday
        self.assertEqual(other.deadline_date, date(2026, 3, 11))

    def test_rule_of_the_notary_state_wins(self):
        state_rule = (
            self.env["collections.protest.rule"]
            .with_user(self.manager)
            .create(
                {
                    "company_id": self.company.id,
                    "state_id": self.state_sp.id,
                    "days": 5,
                    "calendar_id": self.calendar.id,
                }
            )
        )
        protest = self.protest_until("protocolled")
        self.assertEqual(protest.rule_id, state_rule)
        # Friday 6, Monday 9, (holiday), Wednesday 11, Thursday 12, Friday 13.
        self.assertEqual(protest.deadline_date, date(2026, 3, 13))
        # A notary of another state falls back on the company's rule for every state.
        other_notary = self.notary.copy({"name": "Tabelionato do Rio", "state_id": self.env.ref("base.state_br_rj").id})
        other = self.new_protest(self.make_invoice(self.customer, 100, 70), notary_id=other_notary.id)
        self.send(other)
        self.assertEqual(other.rule_id, self.rule)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestWithdrawAndSuspend(ProtestCase):
    def test_withdraw_until_the_last_day(self):
        protest = self.protest_until("notified")
        self.step(protest, "withdraw", DEADLINE)
        self.assertEqual((protest.state, protest.withdrawal_date), ("withdrawn", DEADLINE))
        self.assertIn(f"Withdraw: {format_date(self.env, DEADLINE)}.", self.bodies(protest))

    def test_withdraw_after_the_last_day_is_refused(self):
        protest = self.protest_until("notified")
        with self.assertRaisesRegex(UserError, "window to withdraw closed"):
            self.step(protest, "withdraw", date(2026, 3, 12))
        self.assertEqual(protest.state, "notified")

    def test_suspension_needs_the_court_order_then_allows_a_late_withdrawal(self):
        protest = self.protest_until("notified")
        with self.assertRaisesRegex(UserError, "court order"):
            self.step(protest, "suspend", HOLIDAY, court_order_reference="1012345-67.2026.8.26.0100")
        document = base64.b64encode(b"%PDF-1.4 court order")
        with self.assertRaisesRegex(UserError, "court order"):
            self.step(protest, "suspend", HOLIDAY, court_order_file=document)
        self.assertEqual(protest.state, "notified")
        self.step(
            protest,
            "suspend",
            HOLIDAY,
            court_order_reference="1012345-67.2026.8.26.0100",
            court_order_file=document,
            court_order_filename="liminar.pdf",
        )
        self.assertEqual((protest.state, protest.suspension_date), ("suspended", HOLIDAY))
        self.assertEqual(protest.court_order_reference, "1012345-67.2026.8.26.0100")
        attachment = protest.court_order_attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("collections.protest", protest.id))
        self.assertEqual(attachment.raw, b"%PDF-1.4 court order")
        # The court suspended it: the withdrawal is possible after the last day.
        self.step(protest, "withdraw", TODAY)
        self.assertEqual((protest.state, protest.withdrawal_date), ("withdrawn", TODAY))


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestIntegrity(ProtestCase):
    def selection_keys(self, model, field):
        return [key for key, _label in self.env[model]._fields[field]._description_selection(self.env)]

    def test_selections_are_the_engine_codes(self):
        # One source for the codes: the engine's; the models only give them labels.
        self.assertEqual(self.selection_keys("collections.protest", "state"), list(PROTEST_STATES))
        self.assertEqual(self.selection_keys("collections.protest", "send_means"), list(SEND_MEANS))
        self.assertEqual(self.selection_keys("collections.protest", "deadline_urgency"), list(URGENCY_CODES))
        self.assertEqual(self.selection_keys("collections.protest.step", "action"), list(PROTEST_ACTIONS))
        self.assertEqual(self.selection_keys("collections.protest.step", "send_means"), list(SEND_MEANS))
        self.assertEqual(self.selection_keys("collections.protest.rule", "start_event"), list(START_EVENTS))
        self.assertEqual(self.selection_keys("collections.protest.cost", "paid_by"), list(COST_PAYERS))
        self.assertLessEqual(set(BOARD_STATES), set(PROTEST_STATES))

    def test_every_engine_step_has_its_method_and_label(self):
        Protest = self.env["collections.protest"]
        for action in PROTEST_ACTIONS:
            self.assertTrue(callable(getattr(Protest, f"_step_{action}", None)), action)
            self.assertTrue(Protest._action_label(action), action)
            self.assertTrue(callable(getattr(Protest, f"action_{action}", None)), action)

    def test_steps_cannot_be_written_directly(self):
        protest = self.new_protest()
        for values in ({"state": "protested"}, {"protest_date": TODAY}, {"amount": 1}, {"deadline_date": TODAY}):
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.collector).write(values)
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.manager).write(values)
        with self.assertRaisesRegex(UserError, "starts as a draft"), self.env.cr.savepoint():
            self.new_protest(self.make_invoice(self.customer, 100, 70), state="protested")
        self.assertEqual((protest.state, protest.amount), ("draft", 1000))

    def test_title_is_fixed_once_sent(self):
        protest = self.new_protest()
        other_invoice = self.make_invoice(self.customer, 400, 70)
        protest.with_user(self.collector).write({"move_id": other_invoice.id})
        self.assertEqual(protest.amount, 400, "a draft follows its new invoice")
        protest.with_user(self.collector).write({"move_id": self.invoice.id})
        self.send(protest)
        other_notary = self.notary.copy({"name": "Segundo Tabelionato"})
        for values in ({"move_id": other_invoice.id}, {"notary_id": other_notary.id}, {"title_number": "X"}):
            with self.assertRaisesRegex(UserError, "cannot change"):
                protest.with_user(self.manager).write(values)
        self.assertEqual((protest.move_id, protest.notary_id), (self.invoice, self.notary))
        # What does not go to the notary may change.
        protest.with_user(self.collector).write({"user_id": self.manager.id})

    def test_amount_is_the_open_amount_when_sent(self):
        protest = self.new_protest()
        self.assertEqual(protest.amount, 1000)
        self.pay_invoice(self.invoice, amount=400)
        self.send(protest)
        self.assertEqual(protest.amount, 600)

    def test_only_drafts_are_deleted(self):
        draft = self.new_protest(self.make_invoice(self.customer, 100, 70))
        sent = self.protest_until("sent")
        with self.assertRaises(AccessError):
            draft.with_user(self.collector).unlink()
        with self.assertRaisesRegex(UserError, "Only a draft protest can be deleted"):
            sent.with_user(self.manager).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())
        self.assertTrue(sent.exists())
