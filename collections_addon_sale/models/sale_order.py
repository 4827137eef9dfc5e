"""A sales order of a customer on credit hold is not confirmed, unless a user with the right released it.

The hold is the customer's, in the order's company (``collections_addon``: ``res_partner_credit_hold.py``); the
release is the order's own: the next order of the customer is checked again.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

RELEASE_GROUP = "collections_addon.group_collections_credit_release"
# Written only by the release (the wizard, as a user with the right).
_RELEASE_FIELDS = {
    "collections_credit_hold_released_by",
    "collections_credit_hold_released_on",
    "collections_credit_hold_release_reason",
}


class SaleOrder(models.Model):
    _inherit = "sale.order"

    collections_credit_hold = fields.Boolean(
        string="Customer on Credit Hold",
        compute="_compute_collections_credit_hold",
        help="The customer is on credit hold in the order's company: the order cannot be confirmed unless a user "
        "with the Release Credit Hold right releases it.",
    )
    collections_credit_hold_reason = fields.Char(
        string="Credit Hold Reason", compute="_compute_collections_credit_hold"
    )
    collections_credit_hold_released_by = fields.Many2one(
        "res.users", string="Credit Hold Released by", readonly=True, copy=False
    )
    collections_credit_hold_released_on = fields.Datetime(string="Credit Hold Released on", readonly=True, copy=False)
    collections_credit_hold_release_reason = fields.Text(string="Credit Hold Release Reason", readonly=True, copy=False)

    @api.depends("partner_id", "company_id")
    def _compute_collections_credit_hold(self):
        for order in self:
            customer = order.partner_id.commercial_partner_id.with_company(order.company_id)
            order.collections_credit_hold = customer.collections_credit_hold
            order.collections_credit_hold_reason = (
                customer.collections_credit_hold_reason if customer.collections_credit_hold else False
            )

    def _confirmation_error_message(self):
        message = super()._confirmation_error_message()
        if message or not self.collections_credit_hold or self.collections_credit_hold_released_by:
            return message
        return self.env._(
            "%(customer)s is on credit hold (%(reason)s): the order %(order)s cannot be confirmed. Ask a user with "
            "the Release Credit Hold right to release it, or collect what is owed first.",
            customer=self.partner_id.commercial_partner_id.display_name,
            reason=self.collections_credit_hold_reason,
            order=self.name,
        )

    def write(self, vals):
        if _RELEASE_FIELDS & vals.keys() and not self.env.user.has_group(RELEASE_GROUP):
            raise AccessError(self.env._("Only a user with the Release Credit Hold right releases a credit hold."))
        if "partner_id" in vals and any(
            order.collections_credit_hold_released_by and order.partner_id.id != vals["partner_id"] for order in self
        ):
            # A release is given for one customer: another customer's hold is checked again.
            vals = {**dict.fromkeys(_RELEASE_FIELDS, False), **vals}
        return super().write(vals)

    def action_collections_release_credit_hold(self):
        """The release dialog (users with the Release Credit Hold right)."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Release Credit Hold"),
            "res_model": "collections.credit.hold.release",
            "view_mode": "form",
            "target": "new",
            "context": {"default_order_id": self.id},
        }

    def _collections_release_credit_hold(self, reason):
        """Record the release on the order, with the reason in its chatter and the customer's."""
        self.ensure_one()
        if not self.env.user.has_group(RELEASE_GROUP):
            raise AccessError(self.env._("Only a user with the Release Credit Hold right releases a credit hold."))
        self.write(
            {
                "collections_credit_hold_released_by": self.env.user.id,
                "collections_credit_hold_released_on": fields.Datetime.now(),
                "collections_credit_hold_release_reason": reason,
            }
        )
        body = self.env._(
            "Credit hold released for %(order)s by %(user)s (customer on hold: %(hold)s). Reason: %(reason)s",
            order=self.name,
            user=self.env.user.name,
            hold=self.collections_credit_hold_reason or "",
            reason=reason,
        )
        self.message_post(body=body)
        # sudo: the release is part of the customer's history, whatever the releasing user may edit on contacts;
        # the message keeps the releasing user as its author.
        self.partner_id.commercial_partner_id.sudo().message_post(body=body, author_id=self.env.user.partner_id.id)
