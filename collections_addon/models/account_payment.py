from odoo import models
from odoo.exceptions import UserError

from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class AccountPayment(models.Model):
    _inherit = "account.payment"

    def action_collections_book_charges(self):
        """Book the late charges this payment collected with what is left of it (Book Late Charges)."""
        self.ensure_one()
        leftover = self.move_id.line_ids.filtered(
            lambda line: (
                line.account_type == RECEIVABLE_ACCOUNT_TYPE
                and not line.reconciled
                and line.company_currency_id.compare_amounts(line.amount_residual, 0) < 0
            )
        )[:1]
        if self.partner_type != "customer" or not leftover:
            raise UserError(
                self.env._(
                    "Nothing is left of %(payment)s to book late charges with: it is fully reconciled or it is not "
                    "a customer payment.",
                    payment=self.name,
                )
            )
        return self.env["collections.book.charges"]._open_for(self.partner_id, leftover)
