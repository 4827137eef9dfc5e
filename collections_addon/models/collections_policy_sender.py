"""The plan's default sender of its e-mails (a level may name the customer's collector or another person)."""

from odoo import fields, models


class CollectionsPolicy(models.Model):
    _inherit = "collections.policy"

    sender_user_id = fields.Many2one(
        "res.users",
        string="Default Sender",
        domain="[('share', '=', False)]",
        help="Who signs the plan's e-mails (author and From address) unless a level says otherwise. Empty: the "
        "company (its e-mail address). Replies still come back to the customer's chatter.",
    )
