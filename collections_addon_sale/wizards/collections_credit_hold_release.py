from odoo import fields, models


class CollectionsCreditHoldRelease(models.TransientModel):
    """Release Credit Hold: a user with the right confirms one order of a customer on hold, giving a reason."""

    _name = "collections.credit.hold.release"
    _description = "Release Credit Hold"

    order_id = fields.Many2one("sale.order", string="Order", required=True, readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(related="order_id.partner_id.commercial_partner_id", string="Customer")
    hold_reason = fields.Char(related="order_id.collections_credit_hold_reason", string="On Hold Because")
    reason = fields.Text(
        string="Reason",
        required=True,
        help="Why this order may be confirmed despite the credit hold; logged in the order's and the customer's "
        "chatter.",
    )

    def action_release(self):
        self.ensure_one()
        self.order_id._collections_release_credit_hold(self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
