"""The follow-up's bookkeeping: the level each invoice reached, and the customer's state.

The rules (which level an invoice shows, which status, dates and due step a
customer gets after a batch) are the engine's (``engine.customer_status``); this
file writes them, in one statement per batch.
"""

from collections import defaultdict

from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL

from ..engine import (
    TO_CONTACT,
    StepResult,
    customer_expected_recovery,
    customer_state,
    highest_by_days,
    step_outcome,
)

# The customer's follow-up columns the run writes (company-dependent: one jsonb map each).
_STATE_FIELDS = [
    "collections_status",
    "collections_level_id",
    "collections_next_date",
    "collections_last_date",
    "collections_due_level_id",
    "collections_review_date",
    "collections_expected_recovery",
]


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    def _advance_levels(self, company, today, decisions):
        """Lines record the level they received, invoices the highest of their lines and the date."""
        lines_by_level = defaultdict(list)
        moves_by_level = defaultdict(set)
        all_moves = set()
        for decision in decisions:
            item_levels = decision.engine.item_levels
            for item in decision.lines:
                level_id = item_levels.get(item.key)
                if level_id and not item.excluded:
                    lines_by_level[level_id].append(item.line_id)
                    moves_by_level[level_id].add(item.move_id)
            all_moves.update(decision.engine.move_ids)
        # Plain SQL on purpose: these are the addon's own bookkeeping, kept beside the invoices and their lines
        # (collections.move.level, collections.line.level) so that the run never rewrites a posted invoice.
        # That also spares collectors, who may not edit posted invoices, an access error.
        if lines_by_level:
            level_of = {line_id: level_id for level_id, ids in lines_by_level.items() for line_id in ids}
            # One statement for the batch; a line already at its level is left as it is.
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO collections_line_level (line_id, level_id, company_id)
                         SELECT line_id, level_id, %(company)s FROM unnest(%(lines)s::int[], %(levels)s::int[])
                                AS batch(line_id, level_id)
                    ON CONFLICT (line_id) DO UPDATE SET level_id = EXCLUDED.level_id
                          WHERE collections_line_level.level_id IS DISTINCT FROM EXCLUDED.level_id
                    """,
                    company=company.id,
                    lines=list(level_of),
                    levels=list(level_of.values()),
                )
            )
        if all_moves:
            self._write_move_levels(company, today, sorted(all_moves), moves_by_level)
        self.env["collections.line.level"].invalidate_model()
        self.env["collections.move.level"].invalidate_model()
        self.env["account.move.line"].invalidate_model(["collections_level_id"])
        self.env["account.move"].invalidate_model(["collections_level_id", "collections_last_date"])

    def _write_move_levels(self, company, today, move_ids, moves_by_level):
        """Each invoice shows the highest level by days among the one it had and those its lines reached."""
        days_of = dict(
            self.env["collections.level"].browse(list(moves_by_level)).mapped(lambda level: (level.id, level.days))
        )
        current = {
            move_id: (level_id, days) if level_id else None
            for move_id, level_id, days in self.env.execute_query(
                SQL(
                    """
                    SELECT move_level.move_id, level.id, level.days
                      FROM collections_move_level move_level
                 LEFT JOIN collections_level level ON level.id = move_level.level_id
                     WHERE move_level.move_id = ANY(%s)
                    """,
                    move_ids,
                )
            )
        }
        reached = defaultdict(list)
        for level_id in sorted(moves_by_level, key=days_of.get):
            for move_id in moves_by_level[level_id]:
                reached[move_id].append((level_id, days_of[level_id]))
        levels = []
        for move_id in move_ids:
            level = highest_by_days([current.get(move_id), *reached[move_id]])
            levels.append(level[0] if level else None)
        # One statement for the batch: each invoice gets its level and today's date; one already there is left.
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO collections_move_level (move_id, level_id, last_date, company_id)
                     SELECT move_id, level_id, %(today)s, %(company)s
                       FROM unnest(%(moves)s::int[], %(levels)s::int[]) AS batch(move_id, level_id)
                ON CONFLICT (move_id) DO UPDATE SET level_id = EXCLUDED.level_id, last_date = EXCLUDED.last_date
                      WHERE collections_move_level.level_id IS DISTINCT FROM EXCLUDED.level_id
                         OR collections_move_level.last_date IS DISTINCT FROM EXCLUDED.last_date
                """,
                today=today,
                company=company.id,
                moves=move_ids,
                levels=levels,
            )
        )

    def _write_partner_states(self, company, partners, decisions, executed, attempted, from_run=True):
        """Status, level, next and last date of every customer of the batch, in one UPDATE."""
        today = company._collections_today()
        rows = []
        for decision in decisions:
            engine = decision.engine
            partner = decision.partner
            state = customer_state(
                StepResult(
                    engine.action,
                    engine.reason,
                    engine.status,
                    engine.status_when_done,
                    level_id=engine.level.id if engine.level else None,
                    auto_execute=engine.auto_execute,
                    next_date=engine.next_date,
                ),
                step_outcome(engine.action, executed=partner.id in executed, attempted=partner.id in attempted),
                today,
                level_id=partner.collections_level_id.id or None,
                last_date=partner.collections_last_date or None,
                from_run=from_run,
            )
            rows.append(
                SQL(
                    "(%s, %s, %s::integer, %s::date, %s::date, %s::integer, %s::date, %s::float)",
                    partner.id,
                    state.status,
                    state.level_id or None,
                    state.next_date or None,
                    state.last_date,
                    state.due_level_id,
                    today if from_run else partner.collections_review_date or None,
                    self._expected_recovery(decision, state.next_date, today),
                )
            )
        if rows:
            self._update_partner_states(company, rows)
            # The credit hold follows the status it is computed with (sales orders read it).
            self.env["res.partner"]._collections_refresh_credit_holds(company, decisions)

    def _expected_recovery(self, decision, next_date, today):
        """The customer's expected recovery after the batch: its amount due, score, days late and next step."""
        engine = decision.engine
        days_to_next_step = (next_date - today).days if next_date else None
        return float(
            customer_expected_recovery(engine.total_company, decision.score, engine.max_days_late, days_to_next_step)
        )

    @api.model
    def _refresh_expected_recovery(self, company, partners):
        """The expected recovery of ``partners`` with their score now, their status and next step left as they are.

        Decided as the run does (amount due, days late), without contacting anyone; the next step is the one
        the customer's status already knows (``collections_next_date``).
        """
        runner = self.with_company(company)
        today = company._collections_today()
        policies = runner._policy_contexts(company, today, manual=False)
        rows = [
            SQL(
                "(%s, %s::float)",
                decision.partner.id,
                self._expected_recovery(decision, decision.partner.collections_next_date or None, today),
            )
            for decision in runner._decide_batch(company, partners, today, policies, manual=False)
        ]
        if not rows:
            return
        self.env["res.partner"].flush_model(["collections_expected_recovery"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET collections_expected_recovery = COALESCE(partner.collections_expected_recovery, '{}'::jsonb)
                                                       || jsonb_build_object(%(key)s, batch.expected_recovery)
                  FROM (VALUES %(rows)s) AS batch(id, expected_recovery)
                 WHERE partner.id = batch.id
                """,
                key=str(company.id),
                rows=SQL(", ").join(rows),
            )
        )
        self.env["res.partner"].invalidate_model(["collections_expected_recovery"])

    def _update_partner_states(self, company, rows):
        Partner = self.env["res.partner"]
        Partner.flush_model(_STATE_FIELDS)
        # One statement for the batch; the ORM would issue one UPDATE per distinct set of values.
        # These company-dependent columns are jsonb maps {company id: value}: only this company's key changes.
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET collections_status = COALESCE(partner.collections_status, '{}'::jsonb)
                                            || jsonb_build_object(%(key)s, batch.status),
                       collections_level_id = COALESCE(partner.collections_level_id, '{}'::jsonb)
                                              || jsonb_build_object(%(key)s, batch.level_id),
                       collections_next_date = COALESCE(partner.collections_next_date, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, batch.next_date),
                       collections_last_date = COALESCE(partner.collections_last_date, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, batch.last_date),
                       collections_due_level_id = COALESCE(partner.collections_due_level_id, '{}'::jsonb)
                                                  || jsonb_build_object(%(key)s, batch.due_level_id),
                       collections_review_date = COALESCE(partner.collections_review_date, '{}'::jsonb)
                                                 || jsonb_build_object(%(key)s, batch.review_date),
                       collections_expected_recovery = COALESCE(partner.collections_expected_recovery, '{}'::jsonb)
                                                       || jsonb_build_object(%(key)s, batch.expected_recovery)
                  FROM (VALUES %(rows)s)
                       AS batch(id, status, level_id, next_date, last_date, due_level_id, review_date,
                                expected_recovery)
                 WHERE partner.id = batch.id
                """,
                key=str(company.id),
                rows=SQL(", ").join(rows),
            )
        )
        Partner.invalidate_model(_STATE_FIELDS)

    @api.model
    def _flag_undelivered(self, events):
        """A reminder that was queued but never delivered goes back to the collector.

        The invoices already count the step as received: the worklist and a task make sure
        a person follows it up instead of the step being silently lost.
        """
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        Channel = self.env["collections.channel"]
        activity_vals = []
        for event in events:
            partner = event.partner_id.with_company(event.company_id).with_context(collections_no_refresh=True)
            today = event.company_id._collections_today()
            # sudo: the mail queue's user updates the follow-up bookkeeping of the customer.
            partner.sudo().write(
                {
                    "collections_status": TO_CONTACT,
                    "collections_due_level_id": event.level_id.id,
                    "collections_next_date": today,
                }
            )
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": event.partner_id.id,
                    "activity_type_id": todo_type.id,
                    "summary": Channel._channel_undelivered_summary(event.channel),
                    "note": Markup("<p>%s</p>") % (event.error or ""),
                    "user_id": event.user_id.id or self.env.user.id,
                    "date_deadline": today,
                }
            )
        # sudo: the task goes to the customer's collector, who is not the user sending the mail queue.
        activities = self.env["mail.activity"].sudo().create(activity_vals)
        # The event keeps its task: while it is open, the customer stays on the worklist with the reason.
        for event, activity in zip(events, activities, strict=True):
            event.sudo().activity_id = activity
