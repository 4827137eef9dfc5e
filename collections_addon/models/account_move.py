from odoo import fields, models
from odoo.exceptions import UserError


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

    def action_collections_negotiate(self):
        partners = self.commercial_partner_id
        if len(partners) != 1:
            raise UserError(self.env._("Select invoices of one customer to propose an agreement."))
        return self.env["collections.negotiation"]._action_new(partners, self)
