from datetime import date, datetime, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..collections_addon.engine import customer_expected_recovery
from .common import SAO_PAULO, TODAY, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestCalls(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"max_calls": 2, "call_period_days": 7, "min_call_interval_hours": 4})
        cls.customer = cls.make_customer("Paula Pereira", phone="+55 11 91234-5678", tz=SAO_PAULO)
        cls.invoice = cls.make_invoice(cls.customer, 900.0, days_late=20)

    def planned_call(self, partner=None):
        return self.events_of(partner or self.customer, channel="call", state="queued")

    def log_call(self, event, outcome, user=None, **values):
        action = event.with_user(user or self.collector).action_log_call()
        wizard = self.open_call_log(action, user)
        wizard.write({"outcome": outcome, **values})
        return wizard.action_confirm()

    def test_run_plans_the_call_in_the_next_window_of_the_customers_time_zone(self):
        # Monday 00:00 UTC is Sunday 21:00 in São Paulo: the first window is Monday 08:00 local.
        self.run_followup()
        call = self.planned_call()
        self.assertEqual(len(call), 1)
        self.assertEqual(call.call_planned_at, datetime(2026, 3, 16, 11, 0))
        # The customer's expected recovery with the call due now: a new customer scores the neutral 50.
        self.assertEqual(call.priority, float(customer_expected_recovery(900.0, 50, 20, 0)))
        self.assertEqual(call.priority, self.customer.with_company(self.company).collections_expected_recovery)
        self.assertEqual(call.activity_id.date_deadline, date(2026, 3, 16))
        self.assertEqual(call.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertIn(self.call_script.name, call.activity_id.note)
        wizard = self.env["collections.call.log"].browse(call.action_log_call()["res_id"])
        self.assertIn("Paula Pereira", wizard.script_text)
        self.assertIn(self.invoice.name, wizard.script_text)

    def test_public_holiday_moves_the_call_to_the_next_day(self):
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                # Midday UTC: the 16th in the company's time zone, whichever the test database has.
                "date_from": datetime(2026, 3, 16, 12, 0),
                "date_to": datetime(2026, 3, 16, 13, 0),
                "resource_id": False,
                "calendar_id": False,
                "company_id": self.company.id,
            }
        )
        self.run_followup(manual=True)
        call = self.planned_call()
        self.assertEqual(call.call_planned_at, datetime(2026, 3, 17, 11, 0))
        self.assertEqual(call.activity_id.date_deadline, date(2026, 3, 17))

    def test_customer_already_in_a_window_is_called_now(self):
        customer = self.make_customer("Kenji", phone="+81 90 1234 5678", tz="Asia/Tokyo")
        self.make_invoice(customer, 100.0, days_late=20)
        self.run_followup()
        # 00:00 UTC is 09:00 in Tokyo.
        self.assertEqual(self.planned_call(customer).call_planned_at, datetime(2026, 3, 16, 0, 0))

    def test_no_answer_plans_the_next_attempt_within_interval_and_cap(self):
        self.run_followup()
        first = self.planned_call()
        with freeze_time("2026-03-16 12:00:00"):
            self.log_call(first, "no_answer", duration=0.5)
        self.assertEqual(first.state, "sent")
        self.assertEqual(first.outcome, "no_answer")
        self.assertEqual(first.called_at, datetime(2026, 3, 16, 12, 0))
        self.assertFalse(first.activity_id.active, "the planned task is done")
        second = self.planned_call()
        self.assertEqual(len(second), 1)
        # Four hours later: 16:00 UTC = 13:00 in São Paulo, inside the window.
        self.assertEqual(second.call_planned_at, datetime(2026, 3, 16, 16, 0))
        self.assertEqual(second.activity_id.date_deadline, date(2026, 3, 16))

        with freeze_time("2026-03-16 16:30:00"):
            self.log_call(second, "voicemail")
        third = self.planned_call()
        # Two calls in seven days is the cap: the next one waits until the first leaves the period.
        self.assertEqual(third.call_planned_at, datetime(2026, 3, 23, 12, 0))
        self.assertIn("Voicemail", third.activity_id.note)

    def test_wrong_number_flags_the_phone_until_it_is_corrected(self):
        self.run_followup()
        with freeze_time("2026-03-16 12:00:00"):
            self.log_call(self.planned_call(), "wrong_number")
        self.assertTrue(self.customer.collections_phone_invalid)
        self.assertFalse(self.planned_call())
        task = self.customer.activity_ids.filtered(lambda a: "Wrong phone number" in (a.summary or ""))
        self.assertEqual(len(task), 1)
        self.assertEqual(self.events_of(self.customer, channel="call").state, "failed")

        self.customer.phone = "+55 11 99999-0000"
        self.assertFalse(self.customer.collections_phone_invalid)

    def test_promise_records_a_promise_on_the_call_invoices(self):
        self.run_followup()
        with freeze_time("2026-03-16 13:00:00"):
            with self.assertRaisesRegex(UserError, "not after today"):
                self.log_call(self.planned_call(), "promise", pause_until=date(2026, 3, 16))
            self.log_call(
                self.planned_call(), "promise", pause_until=date(2026, 3, 25), pause_reason="Pays by Pix on the 25th"
            )
        promise = self.env["collections.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.date, promise.amount, promise.source), (date(2026, 3, 25), 900.0, "call"))
        self.assertEqual(promise.move_ids, self.invoice)
        self.assertEqual(promise.note, "Pays by Pix on the 25th")
        call = self.events_of(self.customer, channel="call")
        self.assertEqual((call.state, call.outcome), ("delivered", "promise"))
        self.assertIn("promise to pay", self.customer.message_ids[0].body.lower())

    def test_dispute_records_a_dispute(self):
        self.run_followup()
        with freeze_time("2026-03-16 13:00:00"):
            wizard_action = self.planned_call().with_user(self.collector).action_log_call()
            wizard = Form(self.open_call_log(wizard_action))
            wizard.outcome = "dispute"
            self.assertFalse(wizard.pause_until)
            wizard.save().action_confirm()
        dispute = self.env["collections.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual(
            (dispute.reason, dispute.move_ids, dispute.state), ("Disputed on a call.", self.invoice, "open")
        )

    def test_manual_call_without_a_planned_step(self):
        customer = self.make_customer("Walk-in", phone="+55 11 98888-7777", tz=SAO_PAULO)
        self.make_invoice(customer, 70.0, days_late=2)
        action = customer.with_user(self.collector).action_collections_log_call()
        wizard = self.open_call_log(action)
        with freeze_time("2026-03-16 14:00:00"):
            wizard.write({"outcome": "will_pay", "notes": "Pays tomorrow", "duration": 3})
            wizard.action_confirm()
            # A second call on the same day is fine: logged calls are not the run's one-per-day steps.
            action = customer.with_user(self.collector).action_collections_log_call()
            self.open_call_log(action).write({"outcome": "will_pay"})
            self.open_call_log(action).action_confirm()
        calls = self.events_of(customer, channel="call")
        self.assertEqual(len(calls), 2)
        self.assertTrue(all(calls.mapped("manual")))
        self.assertEqual(calls.user_id, self.collector)
        self.assertIn("Pays tomorrow", calls.mapped("notes"))

    def test_log_call_from_the_activity(self):
        self.run_followup()
        call = self.planned_call()
        action = call.activity_id.with_user(self.collector).action_collections_log_call()
        wizard = self.open_call_log(action)
        self.assertEqual(wizard.event_id, call)
        self.assertIn("Paula Pereira", wizard.script_text)
        wizard.write({"outcome": "will_pay"})
        with freeze_time("2026-03-16 13:00:00"):
            wizard.action_confirm()
        self.assertEqual(call.state, "delivered")

    def test_script_text_is_escaped(self):
        customer = self.make_customer("<img src=x onerror=alert(1)>", phone="+55 11 97777-6666", tz=SAO_PAULO)
        self.make_invoice(customer, 80.0, days_late=20)
        self.run_followup()
        wizard_action = self.planned_call(customer).action_log_call()
        wizard = self.env["collections.call.log"].browse(wizard_action["res_id"])
        self.assertNotIn("<img", wizard.script_text)
        self.assertIn("&lt;img", wizard.script_text)

    def test_calls_today_respects_windows_caps_and_priority(self):
        small = self.make_customer("Small", phone="+55 11 96666-5555", tz=SAO_PAULO)
        self.make_invoice(small, 100.0, days_late=21)
        night = self.make_customer("Night owl", phone="+1 212 555 0100", tz="America/Los_Angeles")
        self.make_invoice(night, 5000.0, days_late=21)
        self.run_followup()
        with freeze_time("2026-03-16 14:00:00"):  # 11:00 in São Paulo, 07:00 in Los Angeles
            action = self.env["collections.event"].with_user(self.collector).action_calls_today()
            listed = self.env["collections.event"].search(
                [*action["domain"], ("call_now", "=", True)], order="priority desc, id"
            )
            self.assertEqual(listed.partner_id.mapped("name"), ["Paula Pereira", "Small"])
            self.log_call(self.planned_call(small), "no_answer")
        with freeze_time("2026-03-16 16:00:00"):  # 13:00 in São Paulo, 09:00 in Los Angeles
            ids = self.env["collections.event"]._callable_now_ids()
            names = self.env["collections.event"].browse(ids).partner_id.mapped("name")
            # Small was called two hours ago: the four-hour interval keeps it off the list.
            self.assertEqual(names, ["Night owl", "Paula Pereira"])

    def test_call_window_and_limit_validation(self):
        with self.assertRaisesRegex(ValidationError, "must start before it ends"):
            self.policy.write({"call_window_ids": [Command.create({"weekday": "0", "hour_from": 20, "hour_to": 8})]})
        with self.assertRaisesRegex(ValidationError, "no call window"):
            self.policy.write({"call_window_ids": [Command.clear()]})
        with self.assertRaisesRegex(ValidationError, r"^Maximum Calls cannot be negative \(not -1\)"):
            self.policy.write({"max_calls": -1})

    def test_new_plan_gets_the_usual_call_windows(self):
        plan = self.env["collections.policy"].create({"name": "New plan"})
        windows = {(w.weekday, w.hour_from, w.hour_to) for w in plan.call_window_ids}
        self.assertIn(("0", 8.0, 20.0), windows)
        self.assertIn(("5", 8.0, 14.0), windows)
        self.assertNotIn("6", {w.weekday for w in plan.call_window_ids})
        self.assertEqual(len(windows), 6)
        self.assertEqual(plan._call_rules(TODAY, TODAY + timedelta(days=30)).max_calls, 3)

    def test_blocked_call_script_still_plans_the_call(self):
        self.call_script.body = "LAST WARNING!!! We will expose your name, {{ customer }}."
        self.assertEqual(self.call_script.tone_state, "blocked")
        self.run_followup()
        call = self.planned_call()
        self.assertEqual(len(call), 1, "the call is planned without the blocked script")
        self.assertNotIn("WARNING", call.activity_id.note or "")
        self.assertEqual(self.events_of(self.customer, channel="email").state, "queued")

    def test_pause_cancels_the_queued_call_and_its_task(self):
        self.run_followup()
        call = self.planned_call()
        task = call.activity_id
        self.customer.with_company(self.company).with_user(self.collector).write(
            {"collections_paused_until": date(2026, 4, 1), "collections_pause_reason": "Promise by e-mail"}
        )
        self.assertEqual(call.state, "cancelled")
        self.assertIn("paused", call.error)
        self.assertFalse(task.active)
        self.assertFalse(self.env["collections.event"]._callable_now_ids(datetime(2026, 3, 16, 14, 0)))

    def test_wrong_number_stops_planning_calls(self):
        self.customer.collections_phone_invalid = True
        self.run_followup()
        call = self.events_of(self.customer, channel="call")
        self.assertEqual(call.state, "failed")
        self.assertIn("reported wrong", call.error)

    def test_a_later_step_replaces_the_waiting_call(self):
        self.run_followup()
        first = self.planned_call()
        later = self.policy.level_ids.create(
            {"policy_id": self.policy.id, "name": "Second call", "days": 40, "schedule_call": True}
        )
        with freeze_time("2026-04-06 10:00:00"):
            self.run_followup()
        self.assertEqual(first.state, "cancelled")
        self.assertFalse(first.activity_id.active)
        self.assertEqual(self.planned_call().level_id, later)

    def test_the_wizard_refuses_records_of_others(self):
        self.run_followup()
        call = self.planned_call()
        email = self.events_of(self.customer, channel="email")
        stranger = self.make_customer("Stranger")
        foreign_task = stranger.activity_schedule("mail.mail_activity_data_todo", summary="Not yours")
        Wizard = self.env["collections.call.log"].with_user(self.collector)
        for values in (
            {"event_id": email.id},
            {"activity_id": foreign_task.id},
            {"event_id": call.id, "partner_id": stranger.id},
        ):
            wizard = Wizard.create({"partner_id": self.customer.id, "outcome": "will_pay", **values})
            with self.assertRaises(UserError):
                wizard.action_confirm()
        self.assertEqual(email.state, "queued")
        self.assertTrue(foreign_task.active)
        with self.assertRaisesRegex(UserError, "Only call events"):
            email.action_log_call()

    def test_a_call_is_logged_once(self):
        self.run_followup()
        action = self.planned_call().with_user(self.collector).action_log_call()
        wizard = self.open_call_log(action)
        wizard.outcome = "will_pay"
        with freeze_time("2026-03-16 13:00:00"):
            wizard.action_confirm()
            with self.assertRaisesRegex(UserError, "already logged"):
                wizard.action_confirm()
        self.assertEqual(len(self.events_of(self.customer, channel="call")), 1)

    def test_customer_without_plan_gets_a_clear_error(self):
        self.policy.is_default = False
        customer = self.make_customer("Planless", phone="+55 11 95555-4444")
        action = customer.with_user(self.collector).action_collections_log_call()
        wizard = self.open_call_log(action)
        wizard.outcome = "no_answer"
        with self.assertRaisesRegex(UserError, "No collections plan applies"):
            wizard.action_confirm()

    def test_two_calls_logged_in_the_same_second_count_as_two(self):
        self.run_followup()
        with freeze_time("2026-03-16 12:00:00"):
            # A manager and the collector both log a call to the customer in the same second.
            self.log_call(self.planned_call(), "no_answer", user=self.manager)
            retry = self.planned_call()
            self.assertEqual(retry.call_planned_at, datetime(2026, 3, 16, 16, 0))
            self.log_call(retry, "no_answer")
        calls = self.events_of(self.customer, channel="call").filtered("called_at")
        self.assertEqual(calls.mapped("called_at"), [datetime(2026, 3, 16, 12, 0)] * 2)
        # Two calls in seven days is the cap: the next attempt waits a week, not four hours.
        self.assertEqual(self.planned_call().call_planned_at, datetime(2026, 3, 23, 12, 0))

    def test_calls_today_explains_itself_when_empty_and_shows_upcoming_calls(self):
        # Monday 02:00 UTC is Sunday 23:00 in São Paulo: the call is planned for Monday 08:00 local.
        with freeze_time("2026-03-16 02:00:00"):
            self.run_followup()
            action = self.env["collections.event"].with_user(self.collector).action_calls_today()
            Event = self.env["collections.event"].with_user(self.collector)
            self.assertEqual(action["context"].get("search_default_call_now"), 1)
            self.assertFalse(Event.search([*action["domain"], ("call_now", "=", True)]))
            self.assertIn("No call to make now", action["help"])
            self.assertIn("call window", action["help"])
            self.assertIn("Paula Pereira", action["help"], "the next planned call is named")
            later = Event.search([*action["domain"], ("call_now", "=", False)])
            self.assertEqual(later, self.planned_call())
            self.assertEqual(later.call_wait_reason, "planned")
            self.assertEqual(later.call_next_at, datetime(2026, 3, 16, 11, 0))
        with freeze_time("2026-03-16 11:30:00"):
            self.env.invalidate_all()  # what can be called is computed anew on each screen
            Event = self.env["collections.event"].with_user(self.collector)
            self.assertEqual(Event.search([*action["domain"], ("call_now", "=", True)]), self.planned_call())
            self.assertFalse(self.planned_call().call_wait_reason)
        # Without any planned call, the help says so.
        self.planned_call().sudo().state = "cancelled"
        self.assertIn("No call is planned for later", Event.action_calls_today()["help"])

    def test_the_call_log_renders_the_script_when_shown_without_invoices_disputed_since(self):
        disputed = self.make_invoice(self.customer, 250.0, days_late=21)
        self.run_followup()
        call = self.planned_call()
        self.assertEqual(call.move_ids, self.invoice | disputed)
        # The task points to the script instead of keeping a text that may be stale when the call is made.
        self.assertNotIn(disputed.name, call.activity_id.note or "")
        self.assertIn(self.call_script.name, call.activity_id.note)
        self.assertFalse(call.body)
        with freeze_time("2026-03-17 13:00:00"):
            self.env["collections.dispute"].create(
                {"partner_id": self.customer.id, "move_ids": [Command.set(disputed.ids)], "reason": "Not delivered"}
            )
            self.assertEqual(call.state, "queued", "the call is still about the other invoice")
            wizard = Form(self.open_call_log(call.with_user(self.collector).action_log_call()))
            self.assertIn(self.invoice.name, wizard.script_text)
            self.assertNotIn(disputed.name, wizard.script_text)
            self.assertEqual(wizard.overdue_amount, 900.0)
            wizard.outcome = "promise"
            wizard.save().action_confirm()
        promise = self.env["collections.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.move_ids, promise.amount), (self.invoice, 900.0))
        self.assertIn(self.invoice.name, call.body, "the event keeps the script as it was shown")
        self.assertNotIn(disputed.name, call.body)

    def test_promised_amount_defaults_to_the_overdue_amount_and_the_chatter_gets_outcome_and_notes(self):
        self.make_invoice(self.customer, 300.0, days_late=-5)  # coming due: not part of what is overdue
        self.run_followup()
        call = self.planned_call()
        with freeze_time("2026-03-16 13:00:00"):
            action = call.with_user(self.collector).action_log_call()
            wizard = Form(self.open_call_log(action))
            self.assertEqual(wizard.promise_amount, 900.0)
            wizard.outcome = "promise"
            self.assertEqual(wizard.promise_amount, 900.0)
            wizard.notes = "Pays on Friday by Pix"
            wizard.duration = 4
            wizard.save().action_confirm()
        promise = self.env["collections.promise"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.amount, promise.move_ids), (900.0, self.invoice))
        done = self.customer.message_ids.filtered(lambda message: "Pays on Friday by Pix" in message.body)
        self.assertEqual(len(done), 1)
        self.assertIn("Reached: promise to pay", done.body)
        self.assertIn("4.0 min", done.body)
        self.assertNotIn("Is everything ok", done.body, "the script is not copied into the chatter")
        self.assertNotIn("Call script", done.body)

    def test_a_promise_then_an_agreement_from_the_same_call(self):
        self.run_followup()
        with freeze_time("2026-03-16 13:00:00"):
            action = self.planned_call().with_user(self.collector).action_log_call()
            wizard = Form(self.open_call_log(action))
            wizard.outcome = "promise"
            record = wizard.save()
            self.assertEqual(record.move_ids, self.invoice)
            result = record.action_confirm_and_negotiate()
        # The promise holds the invoice now: the agreement is still about the invoice the call was about.
        self.assertEqual(result["res_model"], "collections.negotiation")
        self.assertEqual(result["context"]["default_move_ids"], [Command.set(self.invoice.ids)])
