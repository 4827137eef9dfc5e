from datetime import date, datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import freeze_time, tagged

from ..collections_addon.engine import ANSWER_SOURCES, DISPUTE_STATES, PROMISE_RECORD_STATES
from .common import TODAY
from .common_negotiation import NegotiationCase


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestPromisesAndDisputes(NegotiationCase):
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
        dispute = self.dispute(reason="Goods arrived damaged")
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
class TestPromiseGuards(NegotiationCase):
    """One write guard for promises and disputes (collections.guarded.mixin), one customer check (case mixin)."""

    def test_selections_are_the_engine_codes(self):
        for model, field, codes in (
            ("collections.promise", "state", PROMISE_RECORD_STATES),
            ("collections.promise", "source", ANSWER_SOURCES),
            ("collections.dispute", "state", DISPUTE_STATES),
            ("collections.dispute", "source", ANSWER_SOURCES),
        ):
            with self.subTest(model=model, field=field):
                selection = self.env[model]._fields[field].selection
                self.assertEqual(tuple(code for code, _label in selection), codes)

    def test_the_guard_key_with_a_value_from_outside_opens_nothing(self):
        promise = self.promise()
        dispute = self.dispute()
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            promise.with_user(self.collector).with_context(collections_guard_open=True).write({"state": "kept"})
        with self.assertRaisesRegex(UserError, "Resolve button"):
            dispute.with_user(self.collector).with_context(collections_guard_open=True).write({"state": "resolved"})
        self.assertEqual((promise.state, dispute.state), ("open", "open"))

    def test_a_new_promise_or_dispute_starts_open(self):
        with self.assertRaisesRegex(UserError, "starts open"), self.env.cr.savepoint():
            self.promise(state="kept")
        with self.assertRaisesRegex(UserError, "Resolve button"), self.env.cr.savepoint():
            self.dispute(state="resolved")
        with self.assertRaisesRegex(UserError, "Resolve button"), self.env.cr.savepoint():
            self.dispute(resolved_date="2026-03-16")
        # What a form sends for a new record (its first state) records nothing.
        self.assertEqual((self.promise(state="open").state, self.dispute(state="open").state), ("open", "open"))

    def test_resolved_date_is_set_by_the_resolve_button_only(self):
        dispute = self.dispute()
        with self.assertRaisesRegex(UserError, "Resolve button"):
            dispute.with_user(self.collector).write({"resolved_date": "2026-03-01"})
        dispute.with_user(self.collector).write({"resolution": "Price corrected"})
        dispute.with_user(self.collector).action_resolve()
        self.assertEqual((dispute.state, dispute.resolved_date), ("resolved", TODAY))

    def test_another_customers_invoice_is_refused_with_the_models_words(self):
        stranger = self.make_customer("Stranger")
        foreign = self.make_invoice(stranger, 100, 10)
        with self.assertRaisesRegex(UserError, "A promise covers invoices of its own customer only"):
            self.promise(move_ids=[Command.set((self.invoice_a | foreign).ids)], amount=100)
        with self.assertRaisesRegex(UserError, "A dispute covers invoices of its own customer only"):
            self.dispute(move_ids=[Command.set(foreign.ids)])


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDailyJobsOnTheCompanysDay(NegotiationCase):
    """The promise and agreement jobs count the company's business day, whoever runs them and wherever they are:
    run at 23:30 and at 00:30 in the company's time zone (Tokyo), by a user in São Paulo (still the day before)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Asia/Tokyo"  # UTC+9, no summer time
        cls.env.user.tz = "America/Sao_Paulo"  # UTC-3: 12 hours behind the company

    def test_a_promise_breaks_when_the_companys_day_is_past_the_grace(self):
        promise = self.promise()  # Friday the 20th, two grace days: broken from Monday the 23rd
        with freeze_time(datetime(2026, 3, 22, 14, 30)):  # 23:30 in Tokyo on the 22nd, 11:30 in São Paulo
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "open")
        with freeze_time(datetime(2026, 3, 22, 15, 30)):  # 00:30 in Tokyo on the 23rd, still the 22nd in São Paulo
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(promise.state, "broken")

    def test_an_agreement_breaks_when_the_companys_day_is_past_the_grace(self):
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        # First instalment on Monday the 23rd, five grace days: broken from the 29th.
        with freeze_time(datetime(2026, 3, 28, 14, 30)):  # 23:30 in Tokyo on the 28th
            self.env["collections.negotiation"]._cron_check_agreements()
            self.assertEqual(negotiation.state, "active")
        with freeze_time(datetime(2026, 3, 28, 15, 30)):  # 00:30 in Tokyo on the 29th
            self.env["collections.negotiation"]._cron_check_agreements()
            self.assertEqual(negotiation.state, "broken")
