from odoo import api, fields, models

# Booked and not settled: the instalments are receivables the customer pays one by one.
PAYABLE_AGREEMENT_STATES = ("active", "broken")


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

    def _pay_nows(self):
        """{instalment id: PayNow} of each instalment still owed of a booked agreement (running, or broken: its
        instalments stay receivables): the company's payment QR code and its text form ("copia e cola") at what the
        instalment still owes, referenced by the agreement's name and the instalment's number. No payment link: Odoo's
        link pays invoices, and a generic payment would not be matched to the instalment."""
        PayNow = self.env["collections.pay.now"]
        pays = {}
        for installment in self:
            agreement = installment.negotiation_id
            if (
                not agreement.move_id
                or agreement.state not in PAYABLE_AGREEMENT_STATES
                or installment.payment_state == "paid"
                or installment.currency_id.compare_amounts(installment.amount_residual, 0) <= 0
            ):
                continue
            pays[installment.id] = PayNow._pay_now_for_amount(
                agreement.company_id,
                agreement.partner_id,
                installment.amount_residual,
                installment.currency_id,
                reference=f"{agreement.name}/{installment.sequence}",
            )
        return pays
