from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Command

from ..engine import PROMISE_STEPS
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class CollectionsNegotiation(models.Model):
    """The agreement's bookkeeping: one entry settles the invoices into one receivable per instalment (and books
    the discount and the agreed charges); cancelling reverses it."""

    _inherit = "collections.negotiation"

    def _accounting_setup(self):
        """The journal and discount account of the company, or a clear error naming the setting."""
        self.ensure_one()
        company = self.company_id
        journal = company.collections_negotiation_journal_id
        if not journal:
            raise UserError(
                self.env._(
                    "%(company)s has no Renegotiation Journal, where accepted agreements are booked: an administrator "
                    "sets it in Collections > Configuration > Settings > Agreements before agreements are proposed.",
                    company=company.name,
                )
            )
        if journal.type != "general" or journal.company_id != company:
            raise UserError(
                self.env._(
                    "The renegotiation journal %(journal)s must be a Miscellaneous journal of %(company)s: choose "
                    "another one in Collections > Configuration > Settings.",
                    journal=journal.display_name,
                    company=company.name,
                )
            )
        account = company.collections_discount_account_id
        if self.discount_amount and not account:
            raise UserError(
                self.env._(
                    "This agreement gives a discount but %(company)s has no discount account (Agreement Discount "
                    "Account): an administrator sets it in Collections > Configuration > Settings > Agreements.",
                    company=company.name,
                )
            )
        if account and (account.account_type in (RECEIVABLE_ACCOUNT_TYPE, "liability_payable") or not account.active):
            raise UserError(
                self.env._(
                    "The discount account %(account)s must be an active expense or income account, not a receivable "
                    "or payable one: choose another one in Collections > Configuration > Settings.",
                    account=account.display_name,
                )
            )
        self._charges_account()
        return journal, account

    def _post_entry(self):
        """One entry settling the invoices and opening one receivable per instalment; then active."""
        self.ensure_one()
        journal, discount_account = self._accounting_setup()
        partner = self.partner_id.commercial_partner_id
        # On taxed invoices the discount may be given by credit notes (a company setting): what they give is
        # settled before the entry, which books the rest of the discount (untaxed invoices, rounding).
        discount = self.discount_amount - self._post_discount_credit_notes()
        invoice_lines = self._open_receivable_lines()
        if len(invoice_lines.account_id) > 1:
            raise UserError(self.env._("The invoices use several receivable accounts: make one agreement per account."))
        # sudo: collectors record agreements; the entry is the agreement's own bookkeeping, checked above.
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": self.company_id._collections_today(),
                    "ref": self.env._("Agreement %(name)s", name=self.name),
                    "partner_id": partner.id,
                    "line_ids": self._entry_lines(invoice_lines, discount_account, self._charges_account(), discount),
                }
            )
        )
        move.action_post()
        self._match_entry(move, invoice_lines)
        self._step("book", {"move_id": move.id})
        # The agreement replaces what was promised on these invoices.
        self.env["collections.promise"].search(
            [("state", "in", PROMISE_STEPS.sources("cancel")), ("move_ids", "in", self.move_ids.ids)]
        ).action_cancel()
        self.message_post(
            body=self.env._("Entry %(entry)s posted: the invoices are settled by the agreement.", entry=move.name)
        )

    def _entry_lines(self, invoice_lines, discount_account, charges_account, discount):
        """The entry's lines: one credit settling each invoice, one receivable per instalment, the discount, the
        agreed charges."""
        partner = self.partner_id.commercial_partner_id
        receivable_account = invoice_lines.account_id[:1]
        lines = [
            Command.create(
                {
                    "name": self.env._(
                        "%(agreement)s: settles %(invoice)s", agreement=self.name, invoice=line.move_id.name
                    ),
                    "partner_id": partner.id,
                    "account_id": line.account_id.id,
                    "credit": line.amount_residual,
                    "debit": 0.0,
                }
            )
            for line in invoice_lines
        ]
        lines += [
            Command.create(
                {
                    "name": self.env._(
                        "%(agreement)s: instalment %(number)s/%(count)s",
                        agreement=self.name,
                        number=installment.sequence,
                        count=len(self.installment_ids),
                    ),
                    "partner_id": partner.id,
                    "account_id": receivable_account.id,
                    "debit": installment.amount,
                    "credit": 0.0,
                    "date_maturity": installment.date,
                    # Odoo leaves the lines of a journal entry out of follow-ups; an instalment is chased
                    # like an invoice.
                    "no_followup": False,
                }
            )
            for installment in self.installment_ids.sorted("sequence")
        ]
        if not self.currency_id.is_zero(discount):
            lines.append(
                Command.create(
                    {
                        "name": self.env._("%(agreement)s: discount", agreement=self.name),
                        "partner_id": partner.id,
                        "account_id": discount_account.id,
                        "debit": max(discount, 0.0),
                        "credit": max(-discount, 0.0),
                    }
                )
            )
        if not self.currency_id.is_zero(self.charges_kept):
            lines.append(Command.create(self._charges_entry_line(charges_account)))
        return lines

    def _match_entry(self, move, invoice_lines):
        """Each invoice reconciled with the line settling it; each instalment linked to its receivable."""
        settle_lines = move.line_ids.filtered(
            lambda line: line.credit and line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE
        )
        for invoice_line, settle_line in zip(invoice_lines, settle_lines, strict=True):
            (invoice_line | settle_line).reconcile()
        installment_lines = move.line_ids.filtered(
            lambda line: line.debit and line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE
        ).sorted(lambda line: (line.date_maturity, line.id))
        for installment, line in zip(self.installment_ids.sorted("sequence"), installment_lines, strict=True):
            # sudo: the schedule is the agreement's own record, written by its steps only.
            installment.sudo().move_line_id = line

    def _reverse_entry(self):
        self.ensure_one()
        # sudo: the entry is the agreement's own (move_id is written by _post_entry only).
        move = self.move_id.sudo()
        if move.company_id != self.company_id:
            raise UserError(self.env._("The agreement's entry belongs to another company: it cannot be reversed here."))
        # Only the matches between this entry and the invoices it settled: the invoices' earlier payments stay.
        own_lines = move.line_ids
        (own_lines.matched_debit_ids | own_lines.matched_credit_ids).unlink()
        reverse = move._reverse_moves(
            [{"ref": self.env._("Cancellation of agreement %(name)s", name=self.name)}], cancel=True
        )
        self.message_post(
            body=self.env._("Entry %(entry)s reversed by %(reverse)s.", entry=move.name, reverse=reverse.name)
        )
        self._cancel_discount_credit_notes()
