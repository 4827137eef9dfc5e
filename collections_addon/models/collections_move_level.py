from odoo import fields, models


class CollectionsMoveLevel(models.Model):
    """The follow-up level an invoice shows, and the day it was last part of a reminder.

    Kept beside ``account.move`` rather than as columns of it, as the lines' levels are
    (``collections.line.level``): the daily run records these for every invoice it claims, thousands per
    batch, and each new row version of ``account_move`` costs every one of that table's thirty-odd indexes
    (three of them trigram indexes); a row here costs two. Written by the run in bulk
    (``collections_runner_state.py``), read as ``account.move.collections_level_id`` and
    ``collections_last_date``, which invoices can still be searched, sorted and grouped by.
    """

    _name = "collections.move.level"
    _description = "Follow-up Level of an Invoice"
    # One row per invoice, rewritten by the run's SQL: who wrote it and when is the run's own log (the events).
    _log_access = False

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade")
    level_id = fields.Many2one("collections.level", string="Follow-up Level", ondelete="set null")
    last_date = fields.Date(string="Last Reminder")
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")

    _move_unique = models.Constraint("UNIQUE(move_id)", "An invoice has one follow-up level.")
