from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    # Tracked per receivable line: a payment term splits an invoice into lines with their own due dates.
    collections_level_id = fields.Many2one(
        "collections.level", string="Follow-up Level Reached", compute="_compute_collections_level_id"
    )

    def _compute_collections_level_id(self):
        saved_ids = [line_id for line_id in self._origin.ids if line_id]
        # sudo: a line's follow-up level is shown to whoever sees the line, as the invoice's own level is.
        rows = (
            self.env["collections.line.level"]
            .sudo()
            .search_fetch([("line_id", "in", saved_ids)], ["line_id", "level_id"])
        )
        levels = {row.line_id.id: row.level_id.id for row in rows}
        for line in self:
            line.collections_level_id = levels.get(line._origin.id, False)
