"""The steps a person does in the follow-up: their tasks, and protest proposals.

A step without automatic channels (a negotiation, a protest) gives the collector a
task once, recorded in the history as a 'task' event; 'Send now' marks it done.
Receivables reaching a step that escalates to a protest get a draft protest for a
manager to review.
"""

import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import models

_logger = logging.getLogger(__name__)


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    def _schedule_manual_steps(self, company, today, decisions):
        """A step the collector does by hand gets a task once, when the customer first reaches it.

        The history records it as a 'task' event (queued until the collector does the step):
        a negotiation or protest step has no channel, and would otherwise leave no trace.
        """
        new = [
            decision for decision in decisions if decision.partner.collections_level_id.id != decision.engine.level.id
        ]
        if not new:
            return
        # A task already given for this step (e.g. a second run after the level was reset) is not given twice.
        given = self._task_events(company, today, new)
        new = [decision for decision in new if (decision.partner.id, decision.engine.level.id) not in given]
        if not new:
            return
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        # A task names its customer: read every name in one go, not once per task.
        self.env["res.partner"].sudo().browse([decision.partner.id for decision in new]).mapped("display_name")
        # sudo: the task goes to the customer's collector, who may not be the user running the job.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": decision.partner.id,
                        "activity_type_id": todo_type.id,
                        "summary": self.env._(
                            "Collections step due: %(level)s",
                            level=self.env["collections.level"].browse(decision.engine.level.id).name,
                        ),
                        "note": self._manual_step_note(decision),
                        "user_id": self._collector(decision).id,
                        "date_deadline": today,
                    }
                    for decision in new
                ]
            )
        )
        self._upsert_events(
            company,
            today,
            [
                self._event_vals(decision, "task", state="queued", activity_id=activity.id)
                for decision, activity in zip(new, activities, strict=True)
            ],
        )

    def _schedule_reconcile_tasks(self, company, today, decisions):
        """Customers held back by an unmatched incoming payment: their collector gets a task to reconcile it.

        One open task per customer: while it is open, later runs add none (the worklist's Why says it too).
        """
        held = [decision for decision in decisions if decision.engine.reason == "unmatched_payment"]
        if not held:
            return
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        # A task names its customer: read every name in one go, not once per task.
        self.env["res.partner"].sudo().browse([decision.partner.id for decision in held]).mapped("display_name")
        summaries = {
            decision.partner.id: self.env._(
                "Reconcile the payment of %(customer)s before reminding", customer=decision.partner.display_name
            )
            for decision in held
        }
        # sudo: the tasks go to each customer's collector, who may not be the user running the job; whether one
        # is still open is read across collectors so that nobody gets a second one.
        Activity = self.env["mail.activity"].sudo()
        open_tasks = {
            (activity.res_id, activity.summary)
            for activity in Activity.search_fetch(
                [("res_model", "=", "res.partner"), ("res_id", "in", list(summaries))], ["res_id", "summary"]
            )
        }
        new = [decision for decision in held if (decision.partner.id, summaries[decision.partner.id]) not in open_tasks]
        if not new:
            return
        model_id = self.env["ir.model"]._get_id("res.partner")
        note = self.env._(
            "The customer has an incoming payment that is not matched to any invoice: the reminder waits. "
            "Match it to the invoices it pays (Accounting > Customers > Payments or the bank reconciliation); "
            "the next run reminds only what is still open."
        )
        # sudo: the task goes to the customer's collector, who may not be the user running the job.
        Activity.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": decision.partner.id,
                    "activity_type_id": todo_type.id,
                    "summary": summaries[decision.partner.id],
                    "note": Markup("<p>%s</p>") % note,
                    "user_id": self._collector(decision).id,
                    "date_deadline": today,
                }
                for decision in new
            ]
        )

    def _task_events(self, company, today, decisions):
        """{(partner id, level id): event} of the tasks given for these steps: still open, or given today."""
        # sudo: the event log is written by the follow-up only; collectors run it with 'Send now'.
        events = (
            self.env["collections.event"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("channel", "=", "task"),
                    ("partner_id", "in", [decision.partner.id for decision in decisions]),
                    ("level_id", "in", list({decision.engine.level.id for decision in decisions})),
                    "|",
                    ("state", "=", "queued"),
                    ("date", "=", today),
                ],
                ["partner_id", "level_id", "state"],
            )
        )
        return {(event.partner_id.id, event.level_id.id): event for event in events}

    def _record_steps_done(self, company, today, decisions):
        """The collector did the step by hand ('Send now'): its task event is done; a step without a
        channel that had no task gets one, so that the history shows every step."""
        given = self._task_events(company, today, decisions)
        done = self.env["collections.event"].sudo()
        to_create = []
        for decision in decisions:
            event = given.get((decision.partner.id, decision.engine.level.id))
            if event:
                done |= event
            elif not decision.engine.channels:
                to_create.append(self._event_vals(decision, "task", state="sent"))
        done.filtered(lambda event: event.state == "queued").write({"state": "sent"})
        self._upsert_events(company, today, to_create)

    def _propose_protests(self, decisions):
        """Receivables that reach a step escalating to a protest get a draft protest for a manager to review."""
        lines_by_level = defaultdict(set)
        responsible_of = {}
        for decision in decisions:
            level = decision.engine.level
            if decision.engine.action != "contact" or not level:
                continue
            # Each receivable is a title of its own: an instalment reaches the level on its own due date.
            line_ids = {
                item.line_id for item in decision.lines if decision.engine.item_levels.get(item.key) == level.id
            }
            lines_by_level[level.id].update(line_ids)
            # The customer's collector, else the plan's: never the user the job runs as.
            collector = decision.partner.collections_responsible_id or decision.policy.responsible_id
            responsible_of.update(dict.fromkeys(line_ids, collector))
        levels = (
            self.env["collections.level"]
            .browse(list(lines_by_level))
            .filtered(lambda level: level.escalation == "protest")
        )
        for level in levels:
            try:
                with self.env.cr.savepoint():
                    self.env["collections.protest"]._propose_for_level(
                        level, self.env["account.move.line"].browse(sorted(lines_by_level[level.id])), responsible_of
                    )
            except Exception:
                # A proposal is a convenience: the follow-up itself must go on.
                _logger.exception("Collections: proposing protests for level %s failed", level.id)

    def _manual_step_note(self, decision):
        level = self.env["collections.level"].browse(decision.engine.level.id)
        escalation = dict(level._fields["escalation"]._description_selection(self.env)).get(level.escalation)
        lines = [self.env._("The customer reached the step '%(level)s'.", level=level.name)]
        if level.escalation != "none":
            lines.append(self.env._("Proposed escalation: %(escalation)s.", escalation=escalation))
        if level.escalation == "negotiation":
            lines.append(self.env._("Use 'Propose agreement' on the customer to offer instalments or a discount."))
        if level.escalation == "protest":
            lines.append(
                self.env._(
                    "The overdue invoices that can be protested are proposed under Collections > Notary Protests "
                    "for a manager to review."
                )
            )
        lines.append(self.env._("Use 'Send reminder now' on the customer once you have decided."))
        return Markup("<br/>").join(lines)
