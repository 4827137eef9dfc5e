"""An agreement instalment paid online: the transaction of the instalment's payment link (Odoo's ``/payment/pay``
page, see ``collections.negotiation.installment._pay_nows``) finds its instalment by its reference, and the payment
Odoo creates when it is done is reconciled with the instalment's receivable line."""

from odoo import api, fields, models
from odoo.tools import format_amount


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    collections_installment_id = fields.Many2one(
        "collections.negotiation.installment",
        string="Agreement Instalment",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The agreement instalment this online payment pays (found by the reference of its payment link).",
    )

    @api.model_create_multi
    def create(self, vals_list):
        Installment = self.env["collections.negotiation.installment"]
        for vals in vals_list:
            if vals.get("collections_installment_id") or vals.get("invoice_ids") or not vals.get("reference"):
                continue
            installment = Installment._from_payment_reference(
                vals["reference"],
                self.env["res.partner"].browse(vals.get("partner_id")),
                self.env["res.currency"].browse(vals.get("currency_id")),
            )
            if installment:
                vals["collections_installment_id"] = installment.id
        return super().create(vals_list)

    def _create_payment(self, **extra_create_values):
        """Odoo's payment of the transaction, booked against the instalment's receivable account and reconciled
        with the instalment's line, so that the agreement sees the instalment paid."""
        line = self._collections_installment_line()
        if line:
            extra_create_values.setdefault("destination_account_id", line.account_id.id)
        payment = super()._create_payment(**extra_create_values)
        if line:
            self._collections_reconcile_installment(payment, line)
        return payment

    def _collections_installment_line(self):
        """The receivable line of the instalment this transaction pays, when it is still open."""
        self.ensure_one()
        # sudo: the transaction is processed by the provider's notification (public route) or a cron; the
        # instalment's receivable line is accounting the paying customer cannot read.
        line = self.collections_installment_id.sudo().move_line_id
        if self.invoice_ids or self.operation == "validation" or not line or line.reconciled:
            return line.browse()
        return line

    def _collections_reconcile_installment(self, payment, line):
        """Reconcile ``payment`` with the instalment's receivable ``line`` and say so on the agreement."""
        # sudo: as above, the paying customer (or the provider's notification) cannot write accounting entries nor
        # the agreement's chatter; the transaction is done and its instalment was checked when it was created.
        agreement = self.collections_installment_id.sudo().negotiation_id
        counterpart = payment.sudo().move_id.line_ids.filtered(
            lambda item: item.account_id == line.account_id and not item.reconciled
        )
        amount = format_amount(self.env, self.amount, self.currency_id)
        if not counterpart:
            # The provider's payment method has no outstanding account: the payment has no entry to match yet.
            agreement.message_post(
                body=self.env._(
                    "Instalment %(number)s was paid online (%(amount)s, %(reference)s): reconcile the payment with "
                    "the instalment once it is booked.",
                    number=self.collections_installment_id.sequence,
                    amount=amount,
                    reference=self.reference,
                )
            )
            return
        (counterpart + line).reconcile()
        agreement.message_post(
            body=self.env._(
                "Instalment %(number)s paid online: %(amount)s, transaction %(reference)s.",
                number=self.collections_installment_id.sequence,
                amount=amount,
                reference=self.reference,
            )
        )
