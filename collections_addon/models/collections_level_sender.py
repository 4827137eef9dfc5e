"""Who signs a level's e-mail and who is copied: the plan's sender, the customer's collector or a chosen user.

The sender becomes the e-mail's author and From; the reply-to stays Odoo's (the customer's alias or the
company's catchall), so that answers come back to the customer's chatter whoever signs.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

_SENDER_SELECTION = [
    ("plan", "The plan's sender"),
    ("collector", "The customer's collector"),
    ("user", "A chosen person"),
]


class CollectionsLevel(models.Model):
    _inherit = "collections.level"

    sender = fields.Selection(
        _SENDER_SELECTION,
        string="E-mail Sender",
        default="plan",
        required=True,
        help="Who signs this level's e-mail (its author and From address). The plan's sender: the plan's "
        "Default Sender, else the company. The customer's collector: its Collector, else the plan's sender. "
        "A chosen person: e.g. the finance manager at the last levels. Replies still come back to the "
        "customer's chatter.",
    )
    sender_user_id = fields.Many2one(
        "res.users",
        string="Sent By",
        domain="[('share', '=', False)]",
        help="The person who signs this level's e-mail.",
    )
    cc_salesperson = fields.Boolean(
        string="Copy the Salesperson",
        help="Send the e-mail in copy (Cc) to the customer's salesperson (account manager).",
    )

    @api.constrains("sender", "sender_user_id")
    def _check_sender_user(self):
        for level in self:
            if level.sender == "user" and not level.sender_user_id:
                raise ValidationError(
                    self.env._(
                        "The level '%(level)s' is sent by a chosen person: choose who in 'Sent By'.",
                        level=level.display_name,
                    )
                )

    def _collections_sender(self, partner):
        """The user who signs this level's e-mail to ``partner`` (a customer read in the run's company); an
        empty recordset: the company, as before any sender was set."""
        self.ensure_one()
        # sudo: the run reads the plan's and the customer's users as the job's user; only who signs is read.
        level = self.sudo()
        if level.sender == "user" and level.sender_user_id:
            return level.sender_user_id
        if level.sender == "collector" and partner.sudo().collections_responsible_id:
            return partner.sudo().collections_responsible_id
        return level.policy_id.sender_user_id

    def _collections_cc(self, partner):
        """The partners copied on this level's e-mail to ``partner``: its salesperson when the level says so."""
        self.ensure_one()
        if not self.sudo().cc_salesperson:
            return self.env["res.partner"]
        # sudo: the salesperson's partner is read for its address only.
        salesperson = partner.sudo().user_id.partner_id
        return salesperson.filtered("email").with_env(self.env)
