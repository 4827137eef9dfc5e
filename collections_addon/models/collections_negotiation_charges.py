from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import AGREEMENT_STEPS
from .collections_charges_profile import INCOME_ACCOUNT_TYPES

# The itemised charges of an agreement, computed from its invoices while it is a draft.
_CHARGES_PARTS = ("charges_fine", "charges_interest", "charges_correction")
_CHARGES_FIELDS = ("charges_profile_id", *_CHARGES_PARTS, "charges_amount")


class CollectionsNegotiation(models.Model):
    """The legal charges of the invoices an agreement settles (fine, interest, correction, by the customer's
    charges profile on the agreement's date): an itemised part of the amount to pay, of which the collector may
    waive some within the plan's limit, booked on the profile's income account when the customer accepts."""

    _inherit = "collections.negotiation"

    charges_date = fields.Date(
        string="Charges On",
        readonly=True,
        copy=False,
        help="The day the charges are computed on: the day the draft's schedule was last computed (or created).",
    )
    charges_profile_id = fields.Many2one(
        "collections.charges.profile",
        string="Charges Profile",
        compute="_compute_charges",
        store=True,
        help="The customer's charges profile: what it charges on late invoices and where the charges are booked.",
    )
    charges_fine = fields.Monetary(string="Fine", compute="_compute_charges", store=True)
    charges_interest = fields.Monetary(string="Interest", compute="_compute_charges", store=True)
    charges_correction = fields.Monetary(string="Monetary Correction", compute="_compute_charges", store=True)
    charges_amount = fields.Monetary(
        string="Charges",
        compute="_compute_charges",
        store=True,
        help="Fine, interest and correction of the invoices on the charges date, by the customer's charges profile.",
    )
    charges_waived = fields.Monetary(
        string="Charges Waived",
        default=0.0,
        help="The part of the charges the customer does not pay. Up to the plan's Maximum Charges Waiver a "
        "collector decides; above it a manager approves.",
    )
    charges_kept = fields.Monetary(
        string="Charges Agreed",
        compute="_compute_charges_kept",
        store=True,
        help="Charges the customer pays with the instalments, booked as income when the agreement is accepted.",
    )

    _charges_waived_positive = models.Constraint(
        "CHECK(charges_waived >= 0)", "The charges waived cannot be negative: use 0 to keep every charge."
    )

    @api.depends("move_ids", "partner_id", "company_id", "charges_date")
    def _compute_charges(self):
        for negotiation in self:
            if negotiation.state not in AGREEMENT_STEPS.sources("edit_terms"):
                # Terms proposed or agreed: the charges stay those the customer saw (its entry settled the invoices).
                if not negotiation.id:
                    negotiation.update({name: negotiation._origin[name] for name in _CHARGES_FIELDS})
                continue
            negotiation.update(negotiation._charges_values())

    def _charges_values(self):
        """The charges of the agreement's invoices on its charges date (no invoice or customer yet: none)."""
        company = self.company_id or self.env.company
        partner = self.partner_id.commercial_partner_id
        values = dict.fromkeys(_CHARGES_FIELDS[1:], 0.0)
        values["charges_profile_id"] = (
            partner._collections_charges_profile(company) if partner else self.env["collections.charges.profile"]
        )
        moves = self.move_ids._origin.filtered(
            lambda move: move.commercial_partner_id == partner and move.company_id == company
        )
        if not moves:
            return values
        on_date = self.charges_date or company._collections_today()
        charges, _profiles, _problems = self.env["res.partner"]._collections_charges_by_customer(moves, on_date)
        parts = {"charges_fine": "fine", "charges_interest": "interest", "charges_correction": "correction"}
        for name, part in parts.items():
            values[name] = float(sum((getattr(item, part) for item in charges.values()), Decimal(0)))
        values["charges_amount"] = sum(values[name] for name in _CHARGES_PARTS)
        return values

    @api.depends("charges_amount", "charges_waived")
    def _compute_charges_kept(self):
        for negotiation in self:
            negotiation.charges_kept = negotiation.charges_amount - negotiation.charges_waived

    @api.constrains("charges_waived", "move_ids", "charges_date")
    def _check_charges_waived(self):
        for negotiation in self.filtered(lambda record: record.state in AGREEMENT_STEPS.sources("edit_terms")):
            if negotiation.currency_id.compare_amounts(negotiation.charges_waived, negotiation.charges_amount) > 0:
                raise ValidationError(negotiation._waiver_error())

    def _waiver_error(self):
        return self.env._(
            "The charges waived (%(waived)s) cannot exceed the charges of the invoices (%(charges)s): lower the "
            "waiver (at most %(charges)s; 0 keeps every charge).",
            waived=self.currency_id.format(self.charges_waived),
            charges=self.currency_id.format(self.charges_amount),
        )

    def _refresh_charges(self):
        """The charges on today's date, checked: an invoice whose charges cannot be computed, or a waiver above
        the charges, stops the schedule with the reason."""
        self.ensure_one()
        today = self.company_id._collections_today()
        if self.charges_date != today:
            self._internal_write({"charges_date": today})
        partner = self.partner_id.commercial_partner_id
        # Raises the reason (a profile or a rate table the engine refuses), naming the invoice.
        partner._collections_charges(self.move_ids, today)
        if self.currency_id.compare_amounts(self.charges_waived, self.charges_amount) > 0:
            raise UserError(self._waiver_error())

    def _charges_account(self):
        """The income account of the agreed charges (none needed when every charge is waived)."""
        self.ensure_one()
        account = self.charges_profile_id.account_id
        if self.currency_id.is_zero(self.charges_kept):
            return account
        if not account:
            raise UserError(
                self.env._(
                    "The charges profile %(profile)s has no Charges Income Account, where the agreed charges "
                    "(%(charges)s) are booked: a collections manager sets it in Collections > Configuration > "
                    "Charges Profiles, or waive the charges.",
                    profile=self.charges_profile_id.display_name,
                    charges=self.currency_id.format(self.charges_kept),
                )
            )
        if account.account_type not in INCOME_ACCOUNT_TYPES or not account.active:
            raise UserError(
                self.env._(
                    "The Charges Income Account %(account)s of the charges profile %(profile)s must be an active "
                    "income account: choose another one in Collections > Configuration > Charges Profiles.",
                    account=account.display_name,
                    profile=self.charges_profile_id.display_name,
                )
            )
        return account

    def _charges_entry_line(self, account):
        """The entry's credit of the agreed charges on the profile's income account, its label itemised."""
        currency = self.currency_id
        parts = [
            (self.env._("fine"), self.charges_fine),
            (self.env._("interest"), self.charges_interest),
            (self.env._("correction"), self.charges_correction),
        ]
        text = ", ".join(f"{label} {currency.format(amount)}" for label, amount in parts if amount)
        if not currency.is_zero(self.charges_waived):
            text += self.env._(", less %(waived)s waived", waived=currency.format(self.charges_waived))
        return {
            "name": self.env._("%(agreement)s: charges (%(parts)s)", agreement=self.name, parts=text),
            "partner_id": self.partner_id.commercial_partner_id.id,
            "account_id": account.id,
            "credit": self.charges_kept,
            "debit": 0.0,
        }

    def _charges_terms(self):
        """What the customer agrees to about the charges, for the approval's fingerprint (nothing when none)."""
        digits = self.currency_id.decimal_places
        if self.currency_id.is_zero(self.charges_amount) and self.currency_id.is_zero(self.charges_waived):
            return ()
        return (
            str(self.charges_date),
            tuple(round(self[name], digits) for name in (*_CHARGES_PARTS, "charges_waived")),
        )
