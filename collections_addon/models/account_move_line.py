from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Tracked per receivable line: a payment term splits an invoice into lines with their own due dates.
    collections_level_id = fields.Many2one(
        "collections.level", string="Follow-up Level Reached", copy=False, index="btree_not_null", ondelete="set null"
    )
