import re
from dataclasses import replace

from odoo import api, fields, models

# Booked and not settled: the instalments are receivables the customer pays one by one.
PAYABLE_AGREEMENT_STATES = ("active", "broken")
# What an instalment's payment carries: "<agreement>/<instalment number>", and for an online payment the
# transaction's reference, which Odoo suffixes with "-<n>" when the customer tries again ("AGR/2026/0001/2-1").
PAYMENT_REFERENCE = re.compile(r"^(?P<agreement>.+)/(?P<sequence>\d+)(?:-\d+)?$")


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

    def _payment_reference(self):
        """What the payment of this instalment carries: the agreement's name and the instalment's number."""
        self.ensure_one()
        return f"{self.negotiation_id.name}/{self.sequence}"

    def _is_payable(self):
        """Still owed on a booked agreement (running, or broken: its instalments stay receivables)."""
        self.ensure_one()
        return bool(
            self.negotiation_id.move_id
            and self.negotiation_id.state in PAYABLE_AGREEMENT_STATES
            and self.payment_state != "paid"
            and self.currency_id.compare_amounts(self.amount_residual, 0) > 0
        )

    def _pay_nows(self):
        """{instalment id: PayNow} of each instalment still owed of a booked agreement: the company's payment QR
        code and its text form ("copia e cola") at what the instalment still owes, referenced by the agreement's
        name and the instalment's number, and where the company takes payments online, the link of Odoo's payment
        page for that amount (its transaction is matched back to the instalment by that reference)."""
        PayNow = self.env["collections.pay.now"]
        pays = {}
        links = {}
        for installment in self:
            if not installment._is_payable():
                continue
            agreement = installment.negotiation_id
            company = agreement.company_id
            reference = installment._payment_reference()
            amount = installment.currency_id.round(installment.amount_residual)
            pay = PayNow._pay_now_for_amount(company, agreement.partner_id, amount, installment.currency_id, reference)
            if company.id not in links:
                links[company.id] = PayNow._link_enabled(company)
            if links[company.id]:
                link = PayNow._amount_payment_link(
                    company, agreement.partner_id, amount, installment.currency_id, reference
                )
                pay = replace(pay, link=link, link_amount=amount)
            pays[installment.id] = pay
        return pays

    @api.model
    def _from_payment_reference(self, reference, partner, currency):
        """The instalment an online payment's ``reference`` pays (see ``PAYMENT_REFERENCE``), provided ``partner``
        owes it in ``currency`` and it is still owed; else an empty recordset."""
        match = PAYMENT_REFERENCE.match(reference or "")
        if not match or not partner:
            return self.browse()
        # sudo: the transaction is created by the customer's payment (public route); the reference, checked against
        # the paying customer below, is what finds the instalment.
        installment = self.sudo().search(
            [("negotiation_id.name", "=", match["agreement"]), ("sequence", "=", int(match["sequence"]))], limit=1
        )
        if (
            not installment
            or installment.negotiation_id.partner_id.commercial_partner_id != partner.commercial_partner_id
            or installment.currency_id != currency
            or not installment._is_payable()
            or not installment.move_line_id
        ):
            return self.browse()
        return installment.with_env(self.env)
