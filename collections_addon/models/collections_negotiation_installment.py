from odoo import api, fields, models


class CollectionsNegotiationInstallment(models.Model):
    _name = "collections.negotiation.installment"
    _description = "Collections Agreement Instalment"
    _order = "negotiation_id, sequence, id"

    negotiation_id = fields.Many2one(
        "collections.negotiation", string="Agreement", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="negotiation_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="negotiation_id.currency_id")
    sequence = fields.Integer(string="No.", required=True)
    date = fields.Date(string="Due Date", required=True)
    amount = fields.Monetary(required=True)
    move_line_id = fields.Many2one("account.move.line", string="Receivable Line", readonly=True, index="btree_not_null")
    amount_residual = fields.Monetary(string="Still Due", compute="_compute_amount_residual")
    payment_state = fields.Selection(
        [("open", "Open"), ("partial", "Partly paid"), ("paid", "Paid")], compute="_compute_amount_residual"
    )

    @api.depends("amount", "move_line_id.amount_residual")
    def _compute_amount_residual(self):
        for installment in self:
            residual = installment.move_line_id.amount_residual if installment.move_line_id else installment.amount
            installment.amount_residual = residual
            if installment.currency_id.is_zero(residual):
                installment.payment_state = "paid"
            elif installment.currency_id.compare_amounts(residual, installment.amount) < 0:
                installment.payment_state = "partial"
            else:
                installment.payment_state = "open"
