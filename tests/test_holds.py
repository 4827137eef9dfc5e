"""One hold model: pauses, exclusions, promises, disputes, agreements and protests each open a hold on the customer,
visible on its form and in the worklist, ended as history; the daily job ends a hold past its date on the company's
business day and asks the collector to review it."""

from datetime import date

from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import NOON, TODAY
from .common_negotiation import NegotiationCase
from .common_protest import PROTESTED, ProtestCase
from .common_run import RunCase

HOLDS_CRON = "collections_addon.ir_cron_collections_holds"
SATURDAY = date(2026, 3, 21)


class HoldsMixin:
    def holds_of(self, customer, user=None, company=None, **domain):
        Hold = self.env["collections.hold"].with_user(user or self.collector)
        if company:
            Hold = Hold.with_context(allowed_company_ids=company.ids)
        return Hold.search([("partner_id", "=", customer.id), *[(key, "=", value) for key, value in domain.items()]])

    def on_customer(self, customer, user=None, company=None):
        """The customer as ``user`` sees its form (default: the collector in the test company)."""
        return customer.with_user(user or self.collector).with_company(company or self.company)

    def tasks_of(self, customer):
        return self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])

    def run_holds_job(self):
        """The daily holds job as its cron runs it, without committing."""
        return self.env["collections.hold"].with_user(self.env.ref(HOLDS_CRON).sudo().user_id)._cron_holds(commit=False)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestHoldsOnTheCustomer(HoldsMixin, RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Holiday Ltda")
        cls.invoice = cls.make_invoice(cls.customer, 500, 8)

    def pause(self, until, reason="On holiday", user=None):
        with Form(self.on_customer(self.customer, user)) as form:
            form.collections_paused_until = until
            form.collections_pause_reason = reason

    def test_a_pause_is_a_hold_on_the_customer_and_in_the_worklist_then_history(self):
        self.pause(date(2026, 3, 20))
        form = Form(self.on_customer(self.customer))
        self.assertEqual(form.collections_hold_count, 1)
        hold = self.on_customer(self.customer).collections_active_hold_ids
        self.assertEqual(
            (hold.kind, hold.reason, hold.user_id, hold.date_start, hold.date_end),
            ("pause", "On holiday", self.collector, TODAY, date(2026, 3, 20)),
        )
        self.assertEqual(hold.date_review, date(2026, 3, 20), "reviewed on its end date, a Friday")
        # The worklist (Overdue Customers) names the hold.
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_overdue_action")
        listed = self.env["res.partner"].with_user(self.collector).search(safe_eval(action["domain"]))
        self.assertIn(self.customer, listed)
        row = listed.filtered(lambda partner: partner == self.customer)
        self.assertEqual(row.collections_hold_id.display_name, "Pause: On holiday")
        self.assertIn("Paused until", row.collections_status_note)
        # A later date changes the same hold.
        self.pause(date(2026, 3, 27), reason="Longer holiday")
        self.assertEqual(hold.date_end, date(2026, 3, 27))
        self.assertEqual(hold.reason, "Longer holiday")
        self.assertEqual(len(self.holds_of(self.customer)), 1)
        # Unpaused: the hold ends and stays in the history of the smart button.
        with Form(self.on_customer(self.customer)) as form:
            form.collections_paused_until = False
        self.assertEqual(hold.state, "ended")
        self.assertEqual(hold.lift_note, "Resumed by Carla Collector")
        self.assertEqual((hold.date_lifted, hold.lifted_by_id), (TODAY, self.collector))
        partner = self.on_customer(self.customer)
        self.assertEqual(partner.collections_hold_count, 0)
        self.assertFalse(partner.collections_hold_id)
        history = partner.action_collections_holds()
        self.assertEqual(self.env["collections.hold"].with_user(self.collector).search(history["domain"]), hold)
        self.assertNotEqual(partner.collections_status, "paused")

    def test_lifting_an_exclusion_resumes_the_follow_up(self):
        with Form(self.on_customer(self.customer)) as form:
            form.collections_excluded = True
            form.collections_exclusion_reason = "In court"
        partner = self.on_customer(self.customer)
        self.assertEqual(partner.collections_status, "excluded")
        hold = partner.collections_active_hold_ids
        self.assertEqual((hold.kind, hold.reason, hold.date_end), ("exclusion", "In court", False))
        self.assertEqual(hold.date_review, date(2026, 6, 15), "90 days later is a Sunday: the Monday after")
        hold.action_lift()
        self.assertEqual((hold.state, hold.lift_note), ("ended", "Lifted by Carla Collector"))
        self.assertFalse(partner.collections_excluded, "the customer's exclusion is cleared")
        self.assertFalse(partner.collections_exclusion_reason)
        self.assertNotEqual(partner.collections_status, "excluded")
        with self.assertRaisesRegex(UserError, "already ended"):
            hold.action_lift()

    def test_a_customer_reply_is_named_in_the_why(self):
        self.env["collections.hold"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "kind": "reply",
                "reason": "Customer replied: paying on Friday",
                "user_id": False,
            }
        )
        partner = self.on_customer(self.customer)
        self.assertIn("Customer replied: paying on Friday", partner.collections_status_note)
        self.assertEqual(partner.collections_hold_id.kind, "reply")

    def test_holds_of_another_company_stay_there(self):
        self.on_customer(self.customer, self.manager, self.company_2).write(
            {"collections_paused_until": date(2026, 3, 27), "collections_pause_reason": "Branch pause"}
        )
        branch = self.holds_of(self.customer, self.manager, self.company_2)
        self.assertEqual((branch.company_id, branch.reason), (self.company_2, "Branch pause"))
        self.assertFalse(self.holds_of(self.customer), "the collector of the test company does not see it")
        self.assertFalse(self.holds_of(self.customer, self.manager, self.company))
        self.assertEqual(self.on_customer(self.customer, self.manager).collections_hold_count, 0)
        self.assertFalse(self.on_customer(self.customer, self.manager).collections_hold_id)
        self.assertEqual(self.on_customer(self.customer, self.manager, self.company_2).collections_hold_count, 1)

    def test_existing_pauses_get_their_hold_once(self):
        self.pause(date(2026, 3, 20))
        self.holds_of(self.customer).sudo().unlink()
        Hold = self.env["collections.hold"]
        Hold._sync_existing()
        Hold._sync_existing()
        hold = self.holds_of(self.customer)
        self.assertEqual((len(hold), hold.kind, hold.state), (1, "pause", "active"))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestHoldReviews(HoldsMixin, RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Review Ltda")
        cls.invoice = cls.make_invoice(cls.customer, 500, 8)
        cls.customer.with_company(cls.company).collections_responsible_id = cls.collector

    def test_a_pause_ending_on_saturday_ends_on_monday_with_one_review_task(self):
        self.on_customer(self.customer).write(
            {"collections_paused_until": SATURDAY, "collections_pause_reason": "On holiday"}
        )
        hold = self.holds_of(self.customer)
        with freeze_time("2026-03-21 12:00:00"):
            self.run_holds_job()
            self.assertEqual(hold.state, "active", "Saturday: still paused, and no business day")
            self.assertFalse(self.tasks_of(self.customer))
        with freeze_time("2026-03-23 12:00:00"):
            self.run_holds_job()
            self.run_holds_job()
            self.assertEqual(hold.state, "ended")
            self.assertEqual(hold.lift_note, "Ended on 03/21/2026")
            self.assertEqual(hold.date_lifted, date(2026, 3, 22))
            task = self.tasks_of(self.customer)
            self.assertEqual(len(task), 1, "one review task, whatever the number of runs")
            self.assertEqual(
                (task.summary, task.user_id, task.date_deadline),
                ("Hold ended: On holiday", self.collector, date(2026, 3, 23)),
            )
            self.assertNotEqual(self.on_customer(self.customer).collections_status, "paused")

    def test_a_public_holiday_moves_the_end_of_a_hold_to_the_next_business_day(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Company holiday",
                "company_id": self.company.id,
                "date_from": "2026-03-23 00:00:00",
                "date_to": "2026-03-23 23:59:59",
                "time_type": "leave",
            }
        )
        self.on_customer(self.customer).write({"collections_paused_until": SATURDAY})
        hold = self.holds_of(self.customer)
        self.assertEqual(hold.date_review, date(2026, 3, 24), "Monday is a holiday: reviewed on Tuesday")
        with freeze_time("2026-03-23 12:00:00"):
            self.run_holds_job()
            self.assertEqual(hold.state, "active")
            self.assertFalse(self.tasks_of(self.customer))
        with freeze_time("2026-03-24 12:00:00"):
            self.run_holds_job()
            self.assertEqual(hold.state, "ended")
            self.assertEqual(self.tasks_of(self.customer).summary, "Hold ended: Paused")

    def test_an_exclusion_without_end_date_is_reviewed_every_n_days(self):
        settings = Form(self.env["res.config.settings"])
        settings.collections_hold_review_days = 30
        settings.save().execute()
        self.on_customer(self.customer).write(
            {"collections_excluded": True, "collections_exclusion_reason": "In court"}
        )
        hold = self.holds_of(self.customer)
        self.assertEqual(hold.date_review, date(2026, 4, 15))
        with freeze_time("2026-04-14 12:00:00"):
            self.run_holds_job()
            self.assertFalse(self.tasks_of(self.customer))
        with freeze_time("2026-04-15 12:00:00"):
            self.run_holds_job()
            self.run_holds_job()
            task = self.tasks_of(self.customer)
            self.assertEqual((len(task), task.summary), (1, "Review hold: In court"))
            self.assertEqual(task.date_deadline, date(2026, 4, 15))
            task.with_user(self.collector).action_feedback(feedback="Still in court")
            self.assertEqual(hold.date_reviewed, date(2026, 4, 15))
            self.assertEqual(hold.date_review, date(2026, 5, 15), "the next review, 30 days on")
            self.run_holds_job()
            self.assertFalse(self.tasks_of(self.customer), "no new task before the next review")
        with freeze_time("2026-05-15 12:00:00"):
            self.run_holds_job()
            self.assertEqual(len(self.tasks_of(self.customer)), 1)
        self.assertEqual(hold.state, "active", "an exclusion without an end date holds until lifted")

    def test_the_run_after_a_hold_resumes_without_sending_the_step_again(self):
        self.run_followup()
        self.assertEqual(self.events_of(self.customer).level_id, self.level_first)
        self.on_customer(self.customer).write(
            {"collections_paused_until": date(2026, 3, 28), "collections_pause_reason": "On holiday"}
        )
        with freeze_time("2026-03-25 12:00:00"):
            self.run_followup()
            self.assertEqual(self.events_of(self.customer).level_id, self.level_first, "held: nothing sent")
        with freeze_time("2026-03-30 12:00:00"):
            self.run_holds_job()
            self.assertEqual(self.holds_of(self.customer).state, "ended")
            self.run_followup()
        events = self.events_of(self.customer)
        self.assertEqual(len(events.filtered(lambda event: event.level_id == self.level_first)), 1)
        self.assertTrue(events.filtered(lambda event: event.level_id == self.level_call), "the step reached since")


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestHoldsOfRecords(HoldsMixin, NegotiationCase):
    def test_a_promise_holds_its_invoices_until_cancelled(self):
        promise = self.promise()
        hold = self.holds_of(self.customer)
        self.assertEqual(
            (hold.kind, hold.promise_id, hold.move_ids, hold.user_id, hold.date_end),
            ("promise", promise, self.invoice_a, self.collector, promise.pause_until),
        )
        self.assertIn("Promised", hold.reason)
        self.assertEqual(self.on_customer(self.customer).collections_hold_id, hold)
        with self.assertRaisesRegex(UserError, "close it on its own form"):
            hold.action_lift()
        promise.with_user(self.collector).action_cancel()
        self.assertEqual(hold.state, "ended")
        self.assertIn("Cancelled", hold.lift_note)
        self.assertFalse(self.on_customer(self.customer).collections_hold_id)

    def test_a_promise_kept_ends_its_hold(self):
        promise = self.promise()
        hold = self.holds_of(self.customer)
        self.pay(self.invoice_a.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable"), 600)
        cron_user = self.env.ref("collections_addon.ir_cron_collections_promises").sudo().user_id
        self.env["collections.promise"].with_user(cron_user)._cron_check_promises()
        self.assertEqual(promise.state, "kept")
        self.assertEqual(hold.state, "ended")
        self.assertIn("Kept", hold.lift_note)
        self.assertFalse(hold.lifted_by_id, "ended by the daily job")

    def test_a_dispute_holds_until_resolved_and_comes_first(self):
        self.promise()
        dispute = self.dispute()
        hold = self.holds_of(self.customer, kind="dispute")
        self.assertEqual((hold.dispute_id, hold.move_ids, hold.reason), (dispute, self.invoice_b, "Wrong price"))
        self.assertEqual(self.on_customer(self.customer).collections_hold_id, hold, "a dispute before a promise")
        self.assertEqual(self.on_customer(self.customer).collections_hold_count, 2)
        dispute.with_user(self.collector).write({"resolution": "Price corrected"})
        dispute.with_user(self.collector).action_resolve()
        self.assertEqual(hold.state, "ended")
        self.assertIn("Resolved", hold.lift_note)

    def test_an_agreement_holds_while_the_customer_answers(self):
        agreement = self.negotiation()
        self.assertFalse(self.holds_of(self.customer), "a draft holds nothing")
        agreement.action_propose()
        hold = self.holds_of(self.customer)
        self.assertEqual((hold.kind, hold.negotiation_id), ("agreement", agreement))
        self.assertEqual(hold.move_ids, self.invoice_a | self.invoice_b)
        agreement.with_user(self.collector).action_cancel()
        self.assertEqual(hold.state, "ended")
        self.assertFalse(self.holds_of(self.customer, state="active"))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestHoldsOfProtests(HoldsMixin, ProtestCase):
    def test_a_protest_holds_while_the_title_is_at_the_notary(self):
        protest = self.new_protest()
        self.assertFalse(self.holds_of(self.customer), "a draft protest holds nothing")
        self.send(protest)
        hold = self.holds_of(self.customer)
        self.assertEqual((hold.kind, hold.protest_id, hold.move_ids), ("protest", protest, self.invoice))
        self.step(protest, "protocol", date(2026, 3, 5), protocol_number="PROT-1")
        self.step(protest, "notify", date(2026, 3, 6))
        self.assertEqual(len(self.holds_of(self.customer)), 1, "one hold through the notary's steps")
        self.assertIn("Debtor Notified", hold.reason)
        self.step(protest, "protest", PROTESTED)
        self.assertEqual(hold.state, "ended")
        self.assertIn("Protested", hold.lift_note)
