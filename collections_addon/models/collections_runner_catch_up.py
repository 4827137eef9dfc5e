"""The catch-up of old debts in the follow-up run: the first step of a customer new to a plan.

The rule is the engine's (``engine/catch_up.py``): the decide step asks ``catch_up_plan`` on the band's levels
with the levels already recorded for the customer's open items (gathered here, one query per batch), and gives
its start to ``decide_partner``. The act step records the catch-up on the contact log; the e-mail channel sends
the plan's statement e-mail for the statement mode; the preview shows the note written here.
"""

from collections import defaultdict

from odoo import models
from odoo.tools import SQL

from ..engine import CONTACT_CHANNELS, UNSENT_STATES
from ..engine.catch_up import catch_up_levels, catch_up_plan


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    def _catch_up_history(self, company, items, policies):
        """{customer id: {level id}}: the levels recorded for each customer's open items, one query for the batch.

        A level counts when a contact of the customer at that level covered one of its open invoices (the
        contact went out or is queued: a failed or cancelled one never reached the customer), or when an open
        invoice shows it. Only read when a plan of the company has a catch-up.
        """
        if not any(context.catch_up[0] for context in policies.values()):
            return {}
        partner_of_move = {
            item.move_id: partner_id
            for partner_id, partner_items in items.items()
            for item in partner_items
            if item.residual > 0
        }
        if not partner_of_move:
            return {}
        self.env["collections.event"].flush_model(
            ["company_id", "partner_id", "level_id", "state", "channel", "move_ids"]
        )
        event_moves = self.env["collections.event"]._fields["move_ids"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT event.partner_id, NULL::integer, event.level_id
                  FROM collections_event event
                 WHERE event.company_id = %(company)s
                   AND event.partner_id = ANY(%(partners)s)
                   AND event.level_id IS NOT NULL
                   AND event.state NOT IN %(unsent)s
                   AND event.channel IN %(channels)s
                   AND EXISTS (SELECT 1 FROM %(rel)s rel
                                WHERE rel.%(event_col)s = event.id AND rel.%(move_col)s = ANY(%(moves)s))
                 UNION
                SELECT NULL, move_level.move_id, move_level.level_id
                  FROM collections_move_level move_level
                 WHERE move_level.move_id = ANY(%(moves)s) AND move_level.level_id IS NOT NULL
                """,
                company=company.id,
                partners=list(set(partner_of_move.values())),
                unsent=UNSENT_STATES,
                channels=CONTACT_CHANNELS,
                rel=SQL.identifier(event_moves.relation),
                event_col=SQL.identifier(event_moves.column1),
                move_col=SQL.identifier(event_moves.column2),
                moves=list(partner_of_move),
            )
        )
        history = defaultdict(set)
        for partner_id, move_id, level_id in rows:
            history[partner_id or partner_of_move[move_id]].add(level_id)
        return history

    def _catch_up(self, context, band, items, history, today):
        """(engine CatchUp or None, the levels for ``decide_partner``, its ``catch_up_level``)."""
        levels = band.levels if band else ()
        mode, chosen_level_id = context.catch_up if context else (None, None)
        if not mode or not levels:
            return None, levels, None
        plan_level_ids = {level.id for level in context.levels}
        catch_up = catch_up_plan(levels, items, history & plan_level_ids, mode, chosen_level_id, today)
        levels, cap = catch_up_levels(levels, catch_up)
        return (catch_up if catch_up.applies else None), levels, cap

    def _catch_up_code(self, decision):
        """The contact log's catch-up code of the decision's step (``collections.event.catch_up``), or False."""
        catch_up = decision.catch_up
        if not catch_up:
            return False
        if catch_up.statement:
            return "statement"
        return "level" if catch_up.reason_code == "level" else "highest"

    def _catch_up_reason_labels(self):
        """The engine's catch-up reasons (``CATCH_UP_REASONS``), translated."""
        return {
            "off": self.env._("the plan has no catch-up rule"),
            "followed": self.env._("the customer is already followed on this plan"),
            "nothing_missed": self.env._("fewer than two levels are past for the oldest invoice"),
            "highest": self.env._("starts at the highest level reached"),
            "level": self.env._("starts at the plan's chosen level"),
            "level_not_reached": self.env._("the chosen level is not reached yet: starts at the highest level reached"),
            "level_not_in_plan": self.env._(
                "the chosen level is not among the customer's levels: starts at the highest level reached"
            ),
            "statement": self.env._("a statement asking the customer to contact us instead of the missed levels"),
        }

    def _catch_up_note(self, decision):
        """What the preview says of the customer's catch-up (``engine.describe_catch_up``, translated), or ''."""
        catch_up = decision.catch_up
        if not catch_up:
            return ""
        count = len(catch_up.skipped_levels)
        if catch_up.statement:
            if count == 1:
                return self.env._("catch-up: a statement asking the customer to contact us, instead of 1 missed level")
            return self.env._(
                "catch-up: a statement asking the customer to contact us, instead of %(count)s missed levels",
                count=count,
            )
        name = self.env["collections.level"].browse(catch_up.start_level.id).name
        if not count:
            note = self.env._("catch-up: starts at %(level)s", level=name)
        elif count == 1:
            note = self.env._("catch-up: starts at %(level)s, skipping 1 level", level=name)
        else:
            note = self.env._("catch-up: starts at %(level)s, skipping %(count)s levels", level=name, count=count)
        if catch_up.reason_code not in ("highest", "level"):
            # The chosen level could not be the start: say why.
            note = f"{note} ({self._catch_up_reason_labels()[catch_up.reason_code]})"
        return note
