from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import POSITIVE_AMOUNT
from ..engine.protest import COST_PAYERS

# What cannot change once the cost is on a standing re-billing invoice: the invoice is the record.
_FROZEN_WHEN_REBILLED = {"amount", "paid_by", "protest_id", "date", "name"}
# Set only by the protest: the re-billing and the payment at the notary.
_SYSTEM_FIELDS = {"rebill_move_id", "retained"}
_PAYER_LABELS = {"creditor": "Creditor (us)", "debtor": "Debtor"}


class CollectionsProtestCost(models.Model):
    _name = "collections.protest.cost"
    _inherit = ["collections.input.mixin"]
    _description = "Notary Protest Cost"
    _order = "date, id"
    _check_company_auto = True

    protest_id = fields.Many2one("collections.protest", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="protest_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="protest_id.currency_id")
    date = fields.Date(required=True, default=lambda self: self.env.company._collections_today())
    name = fields.Char(string="Description", required=True, help="E.g. notary fees, distribution, notification.")
    amount = fields.Monetary(required=True, currency_field="currency_id")
    paid_by = fields.Selection(
        [(payer, _PAYER_LABELS[payer]) for payer in COST_PAYERS],
        required=True,
        default="creditor",
        help="Who paid this fee to the notary. Fees we paid can be re-billed to the customer.",
    )
    retained = fields.Boolean(
        string="Retained by the Notary",
        readonly=True,
        help="The notary kept this fee out of the amount it passed on to us.",
    )
    rebill_move_id = fields.Many2one(
        "account.move", string="Re-billed On", readonly=True, copy=False, ondelete="set null", index="btree_not_null"
    )

    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "A protest cost must be above zero: delete the line instead of entering 0."
    )

    def _collections_input_rules(self):
        return {"amount": (POSITIVE_AMOUNT, self.env._("enter the fee; delete the line instead of entering 0."))}

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if _SYSTEM_FIELDS & set(vals):
                raise UserError(self.env._("Whether a cost is retained or re-billed is set by the protest's steps."))
        return self._create_logged(vals_list)

    @api.model
    def _internal_create(self, vals_list):
        """The protest's own costs (fees retained at the notary), past the guards of ``create``."""
        return self._create_logged(vals_list)

    def _create_logged(self, vals_list):
        costs = super().create(vals_list)
        costs.protest_id._log_costs(costs, self.env._("Cost added"))
        return costs

    def _is_rebilled(self):
        """On a re-billing invoice that still stands (a cancelled one frees the cost)."""
        self.ensure_one()
        return bool(self.rebill_move_id) and self.rebill_move_id.state != "cancel"

    def write(self, vals):
        if _SYSTEM_FIELDS & set(vals):
            raise UserError(self.env._("Whether a cost is retained or re-billed is set by the protest's steps."))
        if self.filtered("retained"):
            raise UserError(
                self.env._("A fee retained out of the payment at the notary is in the books and cannot change.")
            )
        rebilled = self.filtered(lambda cost: cost._is_rebilled())
        if _FROZEN_WHEN_REBILLED & set(vals) and rebilled:
            raise UserError(
                self.env._(
                    "This cost is already re-billed to the customer on %(invoice)s: cancel or delete that invoice "
                    "first, then change the cost.",
                    invoice=", ".join(rebilled.rebill_move_id.mapped("display_name")),
                )
            )
        return super().write(vals)

    def _internal_write(self, vals):
        """The protest's own writes (re-billing), past the guards of ``write``."""
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_rebilled_or_retained(self):
        for cost in self:
            if cost._is_rebilled():
                raise UserError(
                    self.env._(
                        "This cost is re-billed to the customer on %(invoice)s: cancel or delete that invoice first.",
                        invoice=cost.rebill_move_id.display_name,
                    )
                )
            if cost.retained:
                raise UserError(
                    self.env._("This fee was retained out of the payment at the notary and is in the books.")
                )
