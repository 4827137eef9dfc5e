from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..collections_addon.engine import (
    AGREEMENT_RUNNING_STATES,
    CHANNELS,
    DISPUTE_HOLD_STATES,
    EVENT_STATES,
    FALLBACK_CHANNELS,
    HISTORY_CHANNELS,
    NOTARY_HOLD_STATES,
    PROMISE_HOLD_STATES,
    STATUSES,
)
from .common_run import RunCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestFollowupRun(RunCase):
    """The daily follow-up as its job runs it (``run_followup``: the cron's user); a collector sends by hand,
    pauses, excludes and previews; a manager configures the plan."""

    def test_call_step_without_phone_waits_for_a_number(self):
        customer = self.make_customer("No Phone")
        invoice = self.make_invoice(customer, 100, 30)
        self.run_followup()
        email, call = (self.events_of(customer, channel=channel) for channel in ("email", "call"))
        self.assertEqual(email.state, "queued")
        self.assertEqual(call.state, "failed")
        self.assertIn("no phone number", call.error)
        self.assertEqual(call.activity_id.summary, "Call not planned: find the customer's phone number")
        self.assertFalse(invoice.collections_level_id, "the step is complete only once the call is planned")
        customer.phone = "+55 11 91234-5678"
        self.run_followup()
        self.assertEqual(call.state, "queued")
        self.assertEqual(len(self.mails_of(customer)), 1, "the e-mail of the step is not sent twice")
        self.assertFalse(call.activity_id.activity_type_id == self.env.ref("mail.mail_activity_data_todo"))
        self.assertEqual(invoice.collections_level_id, self.level_call)

    def test_levels_reached_by_age(self):
        soon = self.make_customer("Soon Due")
        late = self.make_customer("Six Days Late")
        very_late = self.make_customer("Thirty Days Late", phone="+55 11 91234-5678")
        fresh = self.make_customer("Fresh")
        inv_soon = self.make_invoice(soon, 100, -2)
        inv_late = self.make_invoice(late, 100, 6)
        inv_very_late = self.make_invoice(very_late, 100, 30)
        self.make_invoice(fresh, 100, -10)

        self.run_followup()

        self.assertEqual(inv_soon.collections_level_id, self.level_pre, "pre-due reminder reached 3 days before")
        self.assertEqual(inv_late.collections_level_id, self.level_first)
        self.assertEqual(inv_very_late.collections_level_id, self.level_call, "skips straight to the highest level")
        self.assertFalse(self.events_of(fresh), "an invoice due in 10 days reaches no level")
        self.assertEqual(self.events_of(late).mapped("channel"), ["email"])
        self.assertEqual(sorted(self.events_of(very_late).mapped("channel")), ["call", "email"])
        call = self.events_of(very_late, channel="call")
        self.assertEqual(call.activity_id.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        # 10:00 UTC on a Monday is inside the default call windows: the call is for today.
        self.assertEqual(str(call.activity_id.date_deadline), "2026-03-16", "call due in the next call window")
        self.assertEqual(str(call.call_planned_at), "2026-03-16 10:00:00")
        # The task names the script; 'Log Call' renders it when the call is made.
        self.assertIn("Call script: Test call script", call.activity_id.note)
        self.assertEqual(very_late.with_company(self.company).collections_status, "to_contact")
        self.assertEqual(
            str(very_late.with_company(self.company).collections_next_date), "2026-03-16", "worklist today"
        )
        self.assertEqual(late.with_company(self.company).collections_status, "overdue")
        self.assertEqual(soon.with_company(self.company).collections_status, "ok")
        self.assertEqual(str(inv_late.collections_last_date), "2026-03-16")

    def test_one_message_per_partner_covering_all_invoices_by_currency(self):
        customer = self.make_customer("Many Invoices")
        eur = self.setup_other_currency("EUR")
        invoices = (
            self.make_invoice(customer, 100, 6)
            + self.make_invoice(customer, 250.5, 10)
            + self.make_invoice(customer, 40, 7, currency=eur)
        )
        self.run_followup()
        mails = self.mails_of(customer)
        self.assertEqual(len(mails), 1, "one message per customer per run")
        for invoice in invoices:
            self.assertIn(invoice.name, mails.body_html)
        self.assertIn("350.50", mails.body_html, "total of the company-currency invoices")
        self.assertIn("40.00", mails.body_html)
        self.assertEqual(mails.recipient_ids, customer)
        self.assertEqual(mails.state, "outgoing")
        event = self.events_of(customer)
        self.assertEqual(event.move_ids, invoices)
        self.assertEqual(event.message_id, mails.mail_message_id, "the reminder is in the customer's chatter")
        self.assertIn(mails.mail_message_id, customer.message_ids)

    def test_a_later_invoice_reaching_a_level_already_had_gets_its_own_reminder(self):
        customer = self.make_customer("Regular")
        first = self.make_invoice(customer, 100, 8)
        self.run_followup()
        self._register_payment(first)
        second = self.make_invoice(customer, 70, -25)  # due 04-10: reaches "First" on 04-15
        with freeze_time("2026-04-15 10:00:00"):
            result = self.run_followup()
        self.assertEqual(result.contacted, 1)
        mails = self.mails_of(customer)
        self.assertEqual(len(mails), 2, "a second occurrence of the step, for the new invoice")
        events = self.events_of(customer, level_id=self.level_first.id)
        self.assertEqual(len(events), 2)
        self.assertEqual(events.sorted("date")[-1].move_ids, second)
        self.assertIn(second.name, mails.sorted("id")[-1].body_html)

    def test_excluded_invoice_and_partner(self):
        excluded_partner = self.make_customer("Excluded")
        self.make_invoice(excluded_partner, 100, 8)
        excluded_partner.with_user(self.collector).with_company(self.company).write(
            {"collections_excluded": True, "collections_exclusion_reason": "Key account"}
        )
        self.assertEqual(excluded_partner.with_company(self.company).collections_status, "excluded")
        mixed = self.make_customer("Mixed")
        kept = self.make_invoice(mixed, 100, 8)
        skipped = self.make_invoice(mixed, 70, 9)
        skipped.no_followup = True
        result = self.run_followup()
        self.assertFalse(self.events_of(excluded_partner))
        self.assertIn("excluded", result.reasons[excluded_partner.id])
        self.assertEqual(self.events_of(mixed).move_ids, kept)
        self.assertNotIn(skipped.name, self.mails_of(mixed).body_html)
        self.assertFalse(skipped.collections_level_id)

    def test_paused_partner_waits_until_the_end_of_the_pause(self):
        customer = self.make_customer("Paused")
        self.make_invoice(customer, 100, 8)
        customer.with_user(self.collector).with_company(self.company).write(
            {"collections_paused_until": "2026-03-20", "collections_pause_reason": "Promise to pay"}
        )
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "paused")
        self.assertEqual(str(partner.collections_next_date), "2026-03-23", "first business day after the pause")
        self.run_followup()
        self.assertFalse(self.events_of(customer))

    def test_partial_payment_and_paid_customers_drop_out(self):
        customer = self.make_customer("Payer")
        invoice = self.make_invoice(customer, 300, 8)
        self._register_payment(invoice, amount=100)
        self.run_followup()
        event = self.events_of(customer)
        self.assertEqual(event.amount_due, 200.0, "only what is still open is claimed")
        self.assertIn("200.00", self.mails_of(customer).body_html)
        self._register_payment(invoice, amount=200)
        with freeze_time("2026-04-20 10:00:00"):
            result = self.run_followup()
        self.assertEqual(result.contacted, 0)
        self.assertEqual(customer.with_company(self.company).collections_status, "ok")
        self.assertFalse(customer.with_company(self.company).collections_level_id)

    def test_open_credit_notes_reduce_or_cancel_the_reminder(self):
        covered = self.make_customer("Covered")
        self.make_invoice(covered, 100, 8)
        self.make_invoice(covered, 100, 2, move_type="out_refund")
        partly = self.make_customer("Partly")
        self.make_invoice(partly, 100, 8)
        refund = self.make_invoice(partly, 40, 2, move_type="out_refund")
        result = self.run_followup()
        self.assertFalse(self.events_of(covered), "nothing is owed: no reminder")
        self.assertIn("credit", result.reasons[covered.id])
        self.assertEqual(self.events_of(partly).amount_due, 60.0)
        body = self.mails_of(partly).body_html
        self.assertIn(refund.name, body)
        self.assertIn("60.00", body)

    def test_amount_under_level_minimum_is_skipped(self):
        self.as_manager(self.level_first).min_amount = 500
        customer = self.make_customer("Small")
        self.make_invoice(customer, 499.99, 8)
        result = self.run_followup()
        self.assertFalse(self.events_of(customer))
        self.assertIn("minimum", result.reasons[customer.id])
        self.make_invoice(customer, 0.01, 9)
        self.assertEqual(self.run_followup().contacted, 1, "exactly the minimum is enough")

    def test_missing_email_fails_clearly_and_retries_once_fixed(self):
        customer = self.make_customer("No Mail", email=False)
        invoice = self.make_invoice(customer, 100, 8)
        self.run_followup()
        event = self.events_of(customer)
        self.assertEqual(event.state, "failed")
        self.assertIn("no e-mail address", event.error)
        self.assertTrue(event.activity_id, "the collector gets a task to fix the address")
        self.assertFalse(invoice.collections_level_id, "state does not move when nothing was sent")
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")
        self.assertEqual(customer.with_company(self.company).collections_due_level_id, self.level_first)
        self.assertFalse(customer.with_company(self.company).collections_level_id, "nothing was sent yet")
        with freeze_time("2026-03-17 09:00:00"):
            self.run_followup()
        tasks = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])
        self.assertEqual(len(tasks), 1, "still one task while the address is missing, not one a day")
        # A collector trying by hand sees why, and the failure stays on record.
        action = self.send_now(customer)
        self.assertEqual(action["params"]["type"], "warning")
        self.assertIn("no e-mail address", action["params"]["message"])
        customer.email = "found@customer.example"
        with freeze_time("2026-03-17 10:00:00"):
            result = self.run_followup()
        self.assertEqual(result.contacted, 1)
        self.assertEqual(len(self.mails_of(customer)), 1)
        self.assertEqual(invoice.collections_level_id, self.level_first)
        self.assertFalse(customer.with_company(self.company).collections_due_level_id, "done: off the worklist")

    def test_blacklisted_address_is_cancelled_not_sent(self):
        customer = self.make_customer("Opted Out")
        self.make_invoice(customer, 100, 8)
        self.env["mail.blacklist"].create({"email": customer.email})
        self.run_followup()
        event = self.events_of(customer)
        self.assertEqual(event.state, "cancelled")
        self.assertIn("blacklist", event.error)
        self.assertFalse(self.mails_of(customer))

    def test_cancelled_mail_in_queue_cancels_the_event(self):
        customer = self.make_customer("Cancelled")
        self.make_invoice(customer, 100, 8)
        self.run_followup()
        self.mails_of(customer).cancel()
        self.assertEqual(self.events_of(customer).state, "cancelled")
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "to_contact", "an undelivered reminder is never lost")
        self.assertEqual(partner.collections_due_level_id, self.level_first)

    def test_contact_gap_across_levels(self):
        customer = self.make_customer("Gap")
        self.make_invoice(customer, 100, -3)
        self.run_followup()
        self.make_invoice(customer, 50, 5)
        with freeze_time("2026-03-18 10:00:00"):
            result = self.run_followup()
        self.assertEqual(result.contacted, 0, "two business days after the last contact")
        self.assertIn("recently", result.reasons[customer.id])
        with freeze_time("2026-03-19 10:00:00"):
            self.assertEqual(self.run_followup().contacted, 1)

    def test_weekend_and_holiday_send_nothing(self):
        customer = self.make_customer("Weekend")
        self.make_invoice(customer, 100, 8)
        with freeze_time("2026-03-21 10:00:00"):
            self.assertEqual(self.run_followup().contacted, 0)
        calendar = self.env["resource.calendar"].create({"name": "Test calendar", "company_id": self.company.id})
        self.env["resource.calendar.leaves"].create(
            {
                "name": "Public holiday",
                "calendar_id": calendar.id,
                "company_id": self.company.id,
                "date_from": "2026-03-16 00:00:00",
                "date_to": "2026-03-16 23:59:59",
            }
        )
        self.as_manager(self.policy).calendar_id = calendar
        self.assertEqual(self.run_followup().contacted, 0)
        self.assertEqual(str(customer.with_company(self.company).collections_next_date), "2026-03-17")

    def test_manual_level_goes_to_worklist_and_send_now_acts(self):
        customer = self.make_customer("Protest Candidate")
        self.make_invoice(customer, 1000, 61)
        self.run_followup()
        partner = customer.with_company(self.company)
        # The step has no channel: the history shows the task the collector got for it.
        task_event = self.events_of(customer, level_id=self.level_protest.id)
        self.assertEqual((task_event.channel, task_event.state), ("task", "queued"))
        self.assertEqual(task_event.amount_due, 1000)
        self.assertEqual(partner.collections_status, "to_contact")
        self.assertEqual(partner.collections_level_id, self.level_protest)
        self.assertEqual(partner.collections_due_level_id, self.level_protest, "the worklist shows the step to do")
        tasks = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", customer.id), ("summary", "ilike", "Protest")]
        )
        self.assertEqual(len(tasks), 1, "the collector gets a task for the manual step")
        self.assertEqual(task_event.activity_id, tasks)
        self.run_followup()
        with freeze_time("2026-03-19 10:00:00"):
            self.run_followup()
        self.assertEqual(self.events_of(customer, level_id=self.level_protest.id), task_event, "one entry, once")
        self.assertEqual(
            len(self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])),
            1,
            "and only once",
        )
        self.send_now(customer)
        self.assertEqual(
            self.env["account.move"].search([("partner_id", "=", customer.id)]).collections_level_id, self.level_protest
        )
        self.assertEqual(task_event.state, "sent", "the step is done")

    def test_manual_step_task_in_the_history_is_not_a_contact(self):
        customer = self.make_customer("Negotiator")
        self.make_invoice(customer, 1000, 61)
        self.run_followup()
        task_event = self.events_of(customer, channel="task")
        self.assertEqual(task_event.state, "queued")
        # The collector does the step and closes the task by hand: the entry is done.
        task_event.activity_id.with_user(self.collector).action_done()
        self.assertEqual(task_event.state, "sent")
        self.send_now(customer)
        self.assertEqual(len(self.events_of(customer, channel="task")), 1)
        # The next day a new invoice reaches its first reminder: the task was no contact, no gap holds it back.
        self.make_invoice(customer, 50, 5)
        with freeze_time("2026-03-17 10:00:00"):
            self.assertEqual(self.run_followup(partners=customer).contacted, 1)
        self.assertEqual(self.events_of(customer, channel="email").level_id, self.level_first)
        # The customer's statement shows its contacts, not the collectors' tasks.
        history = self.env["report.collections_addon.report_collections_statement"]._reminder_history(
            customer, self.company
        )
        self.assertEqual(history.mapped("channel"), ["email"])

    def test_a_channel_less_step_sent_by_hand_is_recorded(self):
        customer = self.make_customer("Straight to protest")
        self.make_invoice(customer, 700, 61)
        # The collector acts before the daily run gave a task: the step still shows in the history.
        self.send_now(customer)
        event = self.events_of(customer, level_id=self.level_protest.id)
        self.assertEqual((event.channel, event.state, event.activity_id), ("task", "sent", self.env["mail.activity"]))
        self.run_followup()
        self.assertEqual(self.events_of(customer, level_id=self.level_protest.id), event)

    def test_status_refresh_keeps_automatic_steps_off_the_worklist(self):
        customer = self.make_customer("Automatic")
        self.make_invoice(customer, 100, 8)
        partner = customer.with_user(self.collector).with_company(self.company)
        partner.collections_paused_until = "2026-03-10"  # an old pause: writing it refreshes the status
        self.assertEqual(partner.collections_status, "overdue", "the run sends it by itself: not the collector's job")
        self.assertEqual(str(partner.collections_next_date), "2026-03-16")
        self.assertFalse(self.events_of(customer), "a refresh contacts no one")

    def test_preview_lists_what_the_run_would_do_without_doing_it(self):
        customer = self.make_customer("Preview")
        self.make_invoice(customer, 100, 8)
        held = self.make_customer("Held")
        self.make_invoice(held, 100, 8)
        held.with_user(self.collector).with_company(self.company).collections_paused_until = "2026-03-30"
        action = self.env["collections.preview"].with_user(self.collector)._open_for(self.company)
        preview = self.env["collections.preview"].browse(action["res_id"])
        line = preview.line_ids.filtered(lambda line: line.partner_id == customer)
        self.assertEqual(line.action, "contact")
        self.assertEqual(line.level_id, self.level_first)
        self.assertEqual(line.channels, "E-mail")
        self.assertEqual(preview.line_ids.filtered(lambda line: line.partner_id == held).action, "skip")
        self.assertFalse(self.env["collections.event"].search([]), "a preview sends nothing")
        self.assertFalse(self.mails_of(customer))
        invoices = self.env["account.move"].search([("partner_id", "in", (customer | held).ids)])
        self.assertFalse(invoices.collections_level_id, "nor moves any invoice")
        self.assertFalse(invoices.line_ids.collections_level_id)
        self.assertFalse(customer.with_company(self.company).collections_last_date)
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])
        )

    def test_customer_without_a_plan_is_explained(self):
        self.as_manager(self.policy).is_default = False
        customer = self.make_customer("Planless")
        self.make_invoice(customer, 100, 8)
        result = self.run_followup()
        self.assertIn("no collections plan", result.reasons[customer.id])

    def test_bad_configuration_is_refused(self):
        Level = self.env["collections.level"].with_user(self.manager)
        policy = self.as_manager(self.policy)
        with self.assertRaisesRegex(ValidationError, "already has a level at 5 days"):
            Level.create({"policy_id": self.policy.id, "name": "Dup", "days": 5})
        with self.assertRaisesRegex(ValidationError, r"^Minimum Amount cannot be negative \(not -1\)"):
            Level.create({"policy_id": self.policy.id, "name": "Neg", "days": 7, "min_amount": -1})
        invoice_template = self.env["mail.template"].search([("model", "=", "account.move")], limit=1)
        with self.assertRaisesRegex(ValidationError, "res.partner"), self.env.cr.savepoint():
            Level.create(
                {
                    "policy_id": self.policy.id,
                    "name": "Wrong",
                    "days": 8,
                    "send_email": True,
                    "mail_template_id": invoice_template.id,
                }
            )
        with self.assertRaisesRegex(ValidationError, "no level"), self.env.cr.savepoint():
            self.env["collections.policy"].with_user(self.manager).create(
                {"name": "Empty", "partner_kind": "person", "is_default": True}
            )
        with self.assertRaisesRegex(ValidationError, "at least one level"), self.env.cr.savepoint():
            policy.level_ids.unlink()
        empty_calendar = self.env["resource.calendar"].create({"name": "No hours", "attendance_ids": [Command.clear()]})
        with self.assertRaisesRegex(ValidationError, "no working hours"), self.env.cr.savepoint():
            policy.calendar_id = empty_calendar

    def test_shipped_plans_are_ready_for_every_company(self):
        for xmlid in ("collections_addon.collections_policy_person", "collections_addon.collections_policy_company"):
            plan = self.env.ref(xmlid).sudo()
            self.assertTrue(plan.is_default)
            self.assertGreaterEqual(len(plan.level_ids), 6)
            self.assertTrue(any(level.days < 0 for level in plan.level_ids), "a polite pre-due reminder")
            self.assertEqual(set(plan.level_ids.mapped("escalation")), {"none", "negotiation", "protest"})
        # setUpClass's company was created after install: it received its own copies.
        copies = self.env["collections.policy"].search(
            [("company_id", "=", self.company.id), ("id", "!=", self.policy.id)]
        )
        self.assertEqual(sorted(copies.mapped("partner_kind")), ["company", "person"])

    def test_every_engine_channel_acts_from_its_own_file(self):
        Channel = self.env["collections.channel"]
        self.assertEqual(sorted(Channel._channel_codes()), sorted(CHANNELS))
        with self.assertRaises(NotImplementedError):
            Channel._channel_queue("pigeon", self.company, self.today(), [])

    def test_selections_and_sql_state_lists_are_engine_codes(self):
        def keys(model, field="state"):
            return set(self.env[model]._fields[field].get_values(self.env))

        self.assertEqual(keys("collections.event"), set(EVENT_STATES))
        self.assertEqual(keys("collections.event", "channel"), set(HISTORY_CHANNELS))
        self.assertEqual(keys("res.partner", "collections_status"), set(STATUSES))
        self.assertEqual(keys("collections.level", "whatsapp_fallback") - {"none"}, set(FALLBACK_CHANNELS))
        # The states that hold an invoice out of the follow-up are states of the records holding it.
        self.assertLessEqual(set(NOTARY_HOLD_STATES), keys("collections.protest"))
        self.assertLessEqual(set(AGREEMENT_RUNNING_STATES), keys("collections.negotiation"))
        self.assertLessEqual(set(DISPUTE_HOLD_STATES), keys("collections.dispute"))
        self.assertLessEqual(set(PROMISE_HOLD_STATES), keys("collections.promise"))
