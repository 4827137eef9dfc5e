from odoo import fields, models


class CollectionsLineLevel(models.Model):
    """The follow-up level each receivable line (an invoice or one of its instalments) has reached.

    Kept beside ``account.move.line`` rather than as a column of it: the daily run records the level of every
    line it claims, thousands per batch, and each new row version of ``account_move_line`` costs every one of
    that table's twenty-odd indexes (a row here costs two). Written by the run in bulk
    (``collections_runner_state.py``), read as ``account.move.line.collections_level_id``.
    """

    _name = "collections.line.level"
    _description = "Follow-up Level of a Receivable"
    # One row per line, rewritten by the run's SQL: who wrote it and when is the run's own log (the events).
    _log_access = False

    line_id = fields.Many2one("account.move.line", string="Receivable", required=True, ondelete="cascade")
    level_id = fields.Many2one("collections.level", string="Follow-up Level", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")

    _line_unique = models.Constraint("UNIQUE(line_id)", "A receivable has one follow-up level.")
