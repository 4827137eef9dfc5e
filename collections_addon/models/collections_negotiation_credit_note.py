from odoo import fields, models
from odoo.fields import Command

from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class CollectionsNegotiation(models.Model):
    """The discount on taxed invoices through credit notes (company setting *Discounts on Taxed Invoices through a
    Credit Note*): Odoo's reversal of each taxed invoice, its lines scaled to the invoice's share of the discount,
    so that the tax base goes down with the price; the rest of the discount (untaxed invoices, rounding) stays on
    the discount account of the agreement's entry."""

    _inherit = "collections.negotiation"

    discount_move_ids = fields.Many2many(
        "account.move",
        "collections_negotiation_discount_move_rel",
        "negotiation_id",
        "move_id",
        string="Discount Credit Notes",
        readonly=True,
        copy=False,
        help="Credit notes giving the agreement's discount on taxed invoices, posted when the customer accepted.",
    )

    def _discount_shares(self):
        """``{invoice: share of the discount}`` by open amount, over the invoices still owing (exact to the cent)."""
        self.ensure_one()
        currency = self.currency_id
        invoices = self.move_ids.filtered(lambda move: move.move_type == "out_invoice" and move.amount_residual > 0)
        total = sum(invoices.mapped("amount_residual"))
        shares, left = {}, self.discount_amount
        for position, invoice in enumerate(invoices.sorted("id"), start=1):
            share = (
                left
                if position == len(invoices)
                else currency.round(self.discount_amount * invoice.amount_residual / total)
            )
            shares[invoice] = share
            left -= share
        return shares

    def _post_discount_credit_notes(self):
        """The credit notes of the discount on taxed invoices, posted and matched with them: their total."""
        self.ensure_one()
        company = self.company_id
        if not company.collections_discount_credit_note or self.currency_id.is_zero(self.discount_amount):
            return 0.0
        credit_notes = self.env["account.move"]
        for invoice, share in self._discount_shares().items():
            if not invoice.amount_tax or self.currency_id.is_zero(share):
                continue
            credit_notes |= self._discount_credit_note(invoice.sudo(), share / invoice.amount_total)
        if not credit_notes:
            return 0.0
        self._internal_write({"discount_move_ids": [Command.set(credit_notes.ids)]})
        return sum(credit_notes.mapped("amount_total"))

    def _discount_credit_note(self, invoice, factor):
        """Odoo's reversal of ``invoice`` with every line's price scaled by ``factor``, posted and matched."""
        # sudo (caller): collectors record agreements; the credit note is the agreement's own bookkeeping.
        credit_note = invoice._reverse_moves(
            [
                {
                    "ref": self.env._("Discount of agreement %(name)s", name=self.name),
                    "invoice_date": self.company_id._collections_today(),
                    "date": self.company_id._collections_today(),
                }
            ]
        )
        credit_note.write(
            {
                "invoice_line_ids": [
                    Command.update(line.id, {"price_unit": line.price_unit * factor})
                    for line in credit_note.invoice_line_ids
                    if line.display_type == "product"
                ]
            }
        )
        credit_note.action_post()
        receivables = (invoice | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE and not line.reconciled
        )
        receivables.reconcile()
        credit_note.message_post(
            body=self.env._("Discount of agreement %(name)s on %(invoice)s.", name=self.name, invoice=invoice.name)
        )
        return credit_note

    def _cancel_discount_credit_notes(self):
        """The agreement is cancelled: its credit notes are unmatched and cancelled, the invoices owe it again."""
        # sudo: the credit notes are the agreement's own (written by _post_discount_credit_notes only).
        credit_notes = self.discount_move_ids.sudo().filtered(lambda move: move.state == "posted")
        if not credit_notes:
            return
        credit_notes.line_ids.remove_move_reconcile()
        credit_notes.button_draft()
        credit_notes.button_cancel()
        self.message_post(
            body=self.env._("Discount credit notes %(names)s cancelled.", names=", ".join(credit_notes.mapped("name")))
        )
