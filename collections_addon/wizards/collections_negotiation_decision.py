from odoo import fields, models


class CollectionsNegotiationDecision(models.TransientModel):
    _name = "collections.negotiation.decision"
    _description = "Collections: approve or refuse an agreement beyond the limits"

    negotiation_id = fields.Many2one("collections.negotiation", required=True, readonly=True, ondelete="cascade")
    limit_report = fields.Text(related="negotiation_id.limit_report")
    reason = fields.Text(required=True)

    def action_approve(self):
        self.ensure_one()
        self.negotiation_id._decide(True, self.reason)
        return {"type": "ir.actions.act_window_close"}

    def action_refuse(self):
        self.ensure_one()
        self.negotiation_id._decide(False, self.reason)
        return {"type": "ir.actions.act_window_close"}
