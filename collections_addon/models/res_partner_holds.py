"""The customer's holds (``collections.hold``): its pause and exclusion fields open and end them, and the customer
form and the worklist show them (the active ones, the first that applies, the history)."""

from collections import defaultdict

from odoo import api, fields, models

from ..engine.holds import HOLD_KINDS

# The customer's fields behind its pause and exclusion holds.
_HOLD_INPUTS = {
    "collections_paused_until",
    "collections_pause_reason",
    "collections_excluded",
    "collections_excluded_until",
    "collections_exclusion_reason",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    collections_hold_ids = fields.One2many(
        "collections.hold", "partner_id", string="Holds History", groups="collections_addon.group_collections_user"
    )
    collections_active_hold_ids = fields.Many2many(
        "collections.hold",
        string="Active Holds",
        compute="_compute_collections_holds",
        groups="collections_addon.group_collections_user",
    )
    collections_hold_count = fields.Integer(
        string="Holds", compute="_compute_collections_holds", groups="collections_addon.group_collections_user"
    )
    collections_hold_id = fields.Many2one(
        "collections.hold",
        string="On Hold",
        compute="_compute_collections_holds",
        help="What holds the follow-up of this customer today (the first of its holds that applies).",
        groups="collections_addon.group_collections_user",
    )

    @api.depends("collections_hold_ids.state", "collections_hold_ids.kind", "collections_hold_ids.date_end")
    @api.depends_context("company")
    def _compute_collections_holds(self):
        """The active holds of the customers in the current company, in one query for the whole page."""
        company = self.env.company
        today = company._collections_today()
        active = defaultdict(lambda: self.env["collections.hold"])
        customers = self.commercial_partner_id
        if customers.ids:
            for hold in self.env["collections.hold"].search_fetch(
                [("partner_id", "in", customers.ids), ("company_id", "=", company.id), ("state", "=", "active")],
                ["partner_id", "kind", "date_start", "date_end", "user_id", "move_ids", "reason", "date_lifted"],
            ):
                active[hold.partner_id.id] |= hold
        for partner in self:
            holds = active[partner.commercial_partner_id.id]
            partner.collections_active_hold_ids = holds
            partner.collections_hold_count = len(holds)
            # The engine says which holds apply today; the first in its order names the hold.
            applying = holds.filtered(lambda hold: hold._engine_hold().active_on(today))
            partner.collections_hold_id = applying.sorted(
                lambda hold: (HOLD_KINDS.index(hold.kind), hold.date_start, hold.id)
            )[:1]

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        if any(_HOLD_INPUTS & vals.keys() for vals in vals_list):
            self.env["collections.hold"]._sync_customers(partners, self.env.company)
        return partners

    def _collections_sync_holds(self, vals):
        """A pause or an exclusion set, changed or cleared: its hold opens, changes or ends."""
        if _HOLD_INPUTS & vals.keys():
            self.env["collections.hold"]._sync_customers(self, self.env.company)

    def action_collections_holds(self):
        """Every hold of the customer, the ended ones too (muted): its history of holds."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_hold_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action
