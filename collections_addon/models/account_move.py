from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    collections_level_id = fields.Many2one(
        "collections.level",
        string="Follow-up Level",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The last follow-up step this invoice received.",
    )
    collections_last_date = fields.Date(
        string="Last Reminder", copy=False, readonly=True, help="When this invoice was last part of a reminder."
    )
    collections_event_ids = fields.Many2many(
        "collections.event",
        string="Reminders",
        compute="_compute_collections_event_ids",
        groups="collections_addon.group_collections_user",
    )

    def _compute_collections_event_ids(self):
        events = self.env["collections.event"].search([("move_ids", "in", self.ids)])
        for move in self:
            move.collections_event_ids = events.filtered(lambda event, move=move: move in event.move_ids)
