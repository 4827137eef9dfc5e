"""Acting in the follow-up run: executing the decisions of a batch and recording them.

Each channel of a step is checked and queued by ``collections.channel`` (one file
per channel); the run records every channel of every step as a
``collections.event``, gives the collector a task where a person must act, and
moves levels and statuses once a step is complete.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models

from ..engine import CHANNELS, UNSENT_STATES

_logger = logging.getLogger(__name__)


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    @api.model
    def _act_batch(self, company, partners, today, decisions, policies, manual, result, email_overrides=None):
        self._refresh_scores(company, partners, decisions)
        # Stale bank data: nothing goes out automatically (a collector's own 'Send now' still does).
        to_act = [
            decision
            for decision in decisions
            if decision.engine.action == "contact"
            and (manual or (decision.engine.auto_execute and not result.bank_holds(decision.engine)))
        ]
        executed = self._execute_isolated(company, today, to_act, result, email_overrides) if to_act else set()
        result.contacted += len(executed)
        result.skipped += sum(1 for decision in decisions if decision.engine.action == "skip")
        waiting = [
            decision
            for decision in decisions
            if decision.engine.action == "contact" and decision not in to_act and not decision.engine.auto_execute
        ]
        self._schedule_manual_steps(company, today, waiting)
        self._schedule_reconcile_tasks(company, today, decisions)
        self._thank_paid_customers(company, today, decisions)
        self._propose_protests(decisions)
        attempted = {decision.partner.id for decision in to_act}
        self._write_partner_states(company, partners, decisions, executed, attempted)

    def _refresh_scores(self, company, partners, decisions):
        """The payer score follows the day's history (payments, promises, disputes, protests) of the batch.

        Refreshed before acting: the calls' priority and the customers' expected recovery read the new
        score (the step itself was decided, as its preview, with the score stored). A score that cannot be
        counted is logged and left as it was: it never holds back the reminders.
        """
        try:
            with self.env.cr.savepoint():
                scores = self.env["res.partner"]._collections_refresh_scores(company, partners)
        except Exception:
            _logger.exception("Collections: the payer scores of a batch of %s were not refreshed", company.name)
            return
        for decision in decisions:
            if decision.partner.id in scores:
                decision.score = scores[decision.partner.id].score

    def _execute_isolated(self, company, today, decisions, result, email_overrides=None):
        """Execute the batch in one savepoint; when it fails, customer by customer, each in its own."""
        try:
            with self.env.cr.savepoint():
                return self._execute(company, today, decisions, email_overrides)
        except Exception:
            _logger.warning("Collections: batch failed, retrying customer by customer", exc_info=True)
            self.env.invalidate_all()
        executed = set()
        for decision in decisions:
            try:
                with self.env.cr.savepoint():
                    executed |= self._execute(company, today, [decision], email_overrides)
            except Exception as error:
                self.env.invalidate_all()
                _logger.exception("Collections: follow-up of customer %s failed", decision.partner.id)
                result.failed += 1
                result.reasons[decision.partner.id] = str(error)
                self._log_failure(company, today, decision, error)
        return executed

    def _execute(self, company, today, decisions, email_overrides=None):
        """Queue every channel of each decision; returns the ids of customers whose step is complete."""
        # The way each customer pays is shared by the channels of its step (see _pay_nows).
        Channel = self.env["collections.channel"].with_context(collections_pay_nows={})
        existing = self._existing_events(company, decisions)
        event_vals = []
        by_channel = defaultdict(list)
        complete = set()
        for decision in decisions:
            failed = False
            for channel in decision.engine.channels:
                if self._step_done(existing, decision, channel):
                    continue
                problem = Channel._channel_problem(channel, company, decision)
                if problem:
                    failed = True
                    event_vals.append(self._event_vals(decision, channel, **problem))
                else:
                    by_channel[channel].append(decision)
            if not failed:
                complete.add(decision.partner.id)
        for channel in CHANNELS:
            if by_channel[channel]:
                event_vals.extend(
                    Channel._channel_queue(channel, company, today, by_channel[channel], overrides=email_overrides)
                )
        self._schedule_tasks(today, event_vals, decisions)
        events = self._upsert_events(company, today, event_vals)
        for channel in CHANNELS:
            channel_events = events.filtered(lambda event, channel=channel: event.channel == channel)
            if channel_events:
                Channel._channel_after_queued(channel, channel_events)
        if complete:
            completed = [d for d in decisions if d.partner.id in complete]
            self._advance_levels(company, today, completed)
            self._record_steps_done(company, today, completed)
        return complete

    def _log_failure(self, company, today, decision, error):
        """Record the failure on the customer's history; never let the record itself break the run."""
        try:
            with self.env.cr.savepoint():
                self._log_failure_events(company, today, decision, error)
        except Exception:
            _logger.exception("Collections: could not record the failure of customer %s", decision.partner.id)

    def _log_failure_events(self, company, today, decision, error):
        done = self._existing_events(company, [decision])
        message = self.env._("The follow-up could not be prepared: %(error)s", error=error)
        self._upsert_events(
            company,
            today,
            [
                self._event_vals(decision, channel, state="failed", error=message)
                for channel in decision.engine.channels
                if not self._step_done(done, decision, channel)
            ],
        )

    def _event_vals(self, decision, channel, **values):
        """Values of the event recording one channel of a decision's step."""
        engine = decision.engine
        return {
            "partner_id": decision.partner.id,
            "level_id": engine.level.id,
            "channel": channel,
            "move_ids": [Command.set(list(engine.move_ids))],
            "amount_due": engine.claimed_company,
            "user_id": self._collector(decision).id,
            "variant_id": self.env["collections.channel"]._variant(decision).id,
            "catch_up": self._catch_up_code(decision),
            **values,
        }

    def _collector(self, decision):
        partner = decision.partner
        return partner.collections_responsible_id or decision.policy.responsible_id or self.env.user

    def _existing_events(self, company, decisions):
        """The invoices already covered by each earlier contact at these levels (any day).

        A retry of a step that partly failed must not repeat the channels that went out.
        """
        events = self.env["collections.event"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", [decision.partner.id for decision in decisions]),
                ("level_id", "in", list({decision.engine.level.id for decision in decisions})),
                ("state", "not in", UNSENT_STATES),
            ],
            ["partner_id", "level_id", "channel", "move_ids"],
        )
        covered = defaultdict(list)
        for event in events:
            covered[event.partner_id.id, event.level_id.id, event.channel].append(set(event.move_ids.ids))
        return covered

    def _step_done(self, existing, decision, channel):
        """Whether an earlier contact on ``channel`` already covered every invoice newly due at this level."""
        newly_due = decision.engine.newly_due_move_ids
        key = (decision.partner.id, decision.engine.level.id, channel)
        return any(newly_due <= moves for moves in existing.get(key, ()))

    def _upsert_events(self, company, today, vals_list):
        """Create the events of today; a failed or cancelled one of the same step is reused, never duplicated."""
        if not vals_list:
            return self.env["collections.event"]
        # sudo: events are the audit log of the follow-up; collectors read them, only the run writes them.
        Event = self.env["collections.event"].sudo()
        previous = Event.search(
            [
                ("company_id", "=", company.id),
                ("date", "=", today),
                ("partner_id", "in", list({vals["partner_id"] for vals in vals_list})),
                ("state", "in", UNSENT_STATES),
                # A call the collector logged stays as logged.
                ("manual", "=", False),
            ]
        )
        reusable = {(event.partner_id.id, event.level_id.id, event.channel): event for event in previous}
        to_create = []
        events = Event
        fixed_tasks = self.env["mail.activity"]
        for vals in vals_list:
            event = reusable.get((vals["partner_id"], vals["level_id"], vals["channel"]))
            if event:
                values = {"error": False, **vals}
                if vals.get("state") not in UNSENT_STATES and "activity_id" not in vals:
                    # The retry went out: the "fix the address" task of the failure is done.
                    fixed_tasks |= event.activity_id
                    values["activity_id"] = False
                event.write(values)
                events |= event
            else:
                to_create.append({**vals, "company_id": company.id, "date": today})
        fixed_tasks = fixed_tasks.sudo().exists().filtered("active")
        if fixed_tasks:
            # The run writes the statuses of its batch itself.
            fixed_tasks.with_context(collections_no_refresh=True).action_feedback(
                feedback=self.env._("The reminder went out after all.")
            )
        return events | Event.create(to_create)

    def _schedule_tasks(self, today, event_vals, decisions):
        """The tasks of the channels (a call to make), and 'fix the address' tasks for what could not go out,
        linked into the event values.

        Created before the events so that each event is inserted with its task: linking
        afterwards costs one UPDATE per event.
        """
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        activity_vals, task_event_vals = self._task_values(today, event_vals, decisions, todo_type)
        if not activity_vals:
            return
        # A customer whose address is still missing keeps its open task: no new one every day.
        Activity = self.env["mail.activity"].sudo()
        open_tasks = {
            (activity.res_id, activity.summary): activity
            for activity in Activity.search_fetch(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [vals["res_id"] for vals in activity_vals]),
                    ("activity_type_id", "=", todo_type.id),
                ],
                ["res_id", "summary"],
            )
        }
        new_vals, new_events = [], []
        for vals, event_vals in zip(activity_vals, task_event_vals, strict=True):
            existing = open_tasks.get((vals["res_id"], vals["summary"]))
            if existing and vals["activity_type_id"] == todo_type.id:
                event_vals["activity_id"] = existing.id
            else:
                new_vals.append(vals)
                new_events.append(event_vals)
        # sudo: collectors schedule tasks for each other; activity creation checks write access on the customer.
        activities = Activity.create(new_vals)
        for vals, activity in zip(new_events, activities, strict=True):
            vals["activity_id"] = activity.id

    def _task_values(self, today, event_vals, decisions, todo_type):
        """([activity values], [their event values]) of the events that need a task."""
        Channel = self.env["collections.channel"]
        by_partner = {decision.partner.id: decision for decision in decisions}
        # Channels name the level in their tasks: read every name in one go.
        self.env["collections.level"].browse({vals["level_id"] for vals in event_vals}).fetch(["name"])
        tasks = []
        queued = defaultdict(list)
        for vals in event_vals:
            if vals["state"] in UNSENT_STATES:
                fix = {
                    "activity_type_id": todo_type.id,
                    "summary": Channel._channel_fix_summary(vals["channel"], vals["state"]),
                    "note": Markup("<p>%s</p>") % vals["error"],
                    "date_deadline": today,
                }
                tasks.append((vals, fix))
            else:
                queued[vals["channel"]].append(vals)
        for channel in CHANNELS:
            if queued[channel]:
                tasks.extend(Channel._channel_tasks(channel, queued[channel], by_partner, today))
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_vals = [
            {"res_model_id": model_id, "res_id": vals["partner_id"], "user_id": vals["user_id"], **task}
            for vals, task in tasks
        ]
        return activity_vals, [vals for vals, _task in tasks]
