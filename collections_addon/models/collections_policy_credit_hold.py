"""A plan's credit hold settings: from which level on, and on which events, its customers are on credit hold.

The rule is the engine's (``engine/credit_hold.py``); the plan gives it its settings as ``CreditHoldRules``.
The customer's hold is computed with its status (``res_partner_credit_hold.py``).
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.credit_hold import CreditHoldRules


class CollectionsPolicy(models.Model):
    _inherit = "collections.policy"

    credit_hold_level_id = fields.Many2one(
        "collections.level",
        string="Credit Hold from Level",
        domain="[('policy_id', '=', id)]",
        ondelete="set null",
        help="Customers who reached this level (or a later one) are on credit hold while something is overdue: "
        "their sales orders cannot be confirmed. Empty: never by level.",
    )
    credit_hold_broken_promise = fields.Boolean(
        string="Credit Hold on a Broken Promise",
        help="A broken promise to pay puts the customer on credit hold until the invoices it covered are paid.",
    )
    credit_hold_broken_agreement = fields.Boolean(
        string="Credit Hold on a Broken Agreement",
        help="A broken agreement puts the customer on credit hold until every instalment is paid.",
    )
    credit_hold_protested = fields.Boolean(
        string="Credit Hold while Protested",
        help="A title protested at a notary puts the customer on credit hold until the protest is settled.",
    )

    @api.constrains("credit_hold_level_id", "level_ids")
    def _check_credit_hold_level(self):
        for policy in self:
            level = policy.credit_hold_level_id
            if level and level.policy_id != policy:
                raise ValidationError(
                    self.env._(
                        "Plan '%(plan)s': the credit hold level '%(level)s' is not a level of this plan.",
                        plan=policy.display_name,
                        level=level.display_name,
                    )
                )

    def _engine_credit_hold(self):
        """The plan's credit hold settings for the engine (``engine.credit_hold``)."""
        self.ensure_one()
        return CreditHoldRules(
            from_level_days=self.credit_hold_level_id.days if self.credit_hold_level_id else None,
            broken_promise=self.credit_hold_broken_promise,
            broken_agreement=self.credit_hold_broken_agreement,
            protested=self.credit_hold_protested,
        )
