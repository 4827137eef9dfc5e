from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import CHARGE_PERCENT, GRACE_DAYS
from ..engine.charges import CORRECTION_MODES, DEFAULT_FINE_CAP_INDIVIDUAL, INTEREST_MODES, NO_CHARGES, ChargesProfile
from ..engine.pay_now import CHARGES_IN_PAYMENT, DEFAULT_CHARGES_IN_PAYMENT

_INTEREST_LABELS = {
    "none": "No interest",
    "contract": "Contractual monthly rate",
    "legal": "Legal rate table (Taxa Legal)",
}
_CORRECTION_LABELS = {"none": "No correction", "ipca": "IPCA index table"}
_CHARGES_IN_PAYMENT_LABELS = {
    "collect": "Shown and asked in the payment QR code and link",
    "inform": "Shown for information; the QR code and link ask for the principal",
    "hide": "Not shown",
}
# Charges are income of the company when collected or agreed.
INCOME_ACCOUNT_TYPES = ("income", "income_other")


class CollectionsChargesProfile(models.Model):
    """What a company charges on late receivables: fine, interest and monetary correction (``engine/charges.py``).

    One profile per company is its default (``res.company.collections_charges_profile_id``); a plan and a customer
    may name another; ``res.partner._collections_charges_profile`` resolves which applies.
    """

    _name = "collections.charges.profile"
    _inherit = ["collections.input.mixin"]
    _description = "Collections Charges Profile"
    _order = "company_id, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    is_company_default = fields.Boolean(
        string="Company Default",
        compute="_compute_is_company_default",
        inverse="_inverse_is_company_default",
        help="Customers follow this profile unless their plan or their own form names another one.",
    )
    no_charges = fields.Boolean(
        help="Charge nothing: no fine, no interest, no correction, whatever the fields below say.",
    )
    fine_percent = fields.Float(
        string="Fine (%)", digits=(16, 4), help="Charged once on the principal after the due date and grace days."
    )
    applies_to_individuals = fields.Boolean(
        string="Applies to Individuals",
        default=True,
        help="Consumers (customers that are not companies) may follow this profile: its fine must stay within "
        "the cap for individuals.",
    )
    fine_cap_individual = fields.Float(
        string="Fine Cap for Individuals (%)",
        digits=(16, 4),
        default=float(DEFAULT_FINE_CAP_INDIVIDUAL),
        help="The highest fine an individual may be charged (Brazil, consumer code art. 52: 2 %).",
    )
    interest_mode = fields.Selection(
        [(mode, _INTEREST_LABELS[mode]) for mode in INTEREST_MODES],
        string="Interest",
        required=True,
        default="none",
        help="Simple interest on the principal, pro rata per day late. Contractual: the monthly rate / 30 per day. "
        "Legal: the Taxa Legal table month by month (Brazil, Lei 14.905/2024, when the contract sets no rate).",
    )
    monthly_rate = fields.Float(string="Monthly Interest Rate (%)", digits=(16, 4))
    correction_mode = fields.Selection(
        [(mode, _CORRECTION_LABELS[mode]) for mode in CORRECTION_MODES],
        string="Monetary Correction",
        required=True,
        default="none",
        help="Correction by the IPCA table, month by month, the partial month pro rata; never below the principal.",
    )
    grace_days = fields.Integer(
        help="Days after the due date without any charge; once they have passed, charges count from the due date.",
    )
    charges_in_payment = fields.Selection(
        [(code, _CHARGES_IN_PAYMENT_LABELS[code]) for code in CHARGES_IN_PAYMENT],
        string="Charges in Reminders",
        required=True,
        default=DEFAULT_CHARGES_IN_PAYMENT,
        help="What reminders, the statement and the portal do with the charges. Asked: the payment QR code and link "
        "ask for the updated amount (principal plus charges). For information: the charges are listed, the QR code "
        "and link ask for the principal. Not shown: only the principal appears.",
    )
    account_id = fields.Many2one(
        "account.account",
        string="Charges Income Account",
        check_company=True,
        domain=f"[('account_type', 'in', {INCOME_ACCOUNT_TYPES}), ('company_ids', 'in', company_id)]",
        help="Income account of the charges when they are collected or agreed (an accepted agreement books its "
        "agreed charges here). Empty when saved: the chart's other income account.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("account_id"):
                # The chart's other income account (as the company's agreement settings get theirs).
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["account_id"] = company.sudo()._collections_charges_income_account().id
        return super().create(vals_list)

    def _collections_input_rules(self):
        percent_fix = self.env._("enter a percent from 0 to 100 (Brazil: 2 % fine, 1 % interest a month).")
        return {
            "fine_percent": (CHARGE_PERCENT, percent_fix),
            "fine_cap_individual": (CHARGE_PERCENT, percent_fix),
            "monthly_rate": (CHARGE_PERCENT, percent_fix),
            "grace_days": (GRACE_DAYS, self.env._("enter the days without charges after the due date.")),
        }

    @api.constrains("fine_percent", "fine_cap_individual", "applies_to_individuals")
    def _check_fine_cap(self):
        for profile in self:
            if profile.applies_to_individuals and profile.fine_percent > profile.fine_cap_individual:
                raise ValidationError(
                    self.env._(
                        "Fine (%%): %(fine)s %% is above the cap for individuals (%(cap)s %%) of the profile "
                        "'%(profile)s'. Lower the fine to %(cap)s %% or less, or untick 'Applies to "
                        "Individuals' if only companies follow this profile.",
                        fine=f"{profile.fine_percent:g}",
                        cap=f"{profile.fine_cap_individual:g}",
                        profile=profile.name,
                    )
                )

    @api.depends("company_id.collections_charges_profile_id")
    def _compute_is_company_default(self):
        for profile in self:
            profile.is_company_default = profile.company_id.collections_charges_profile_id == profile

    def _inverse_is_company_default(self):
        for profile in self:
            company = profile.company_id.sudo()  # a collections manager sets the default without company rights
            if profile.is_company_default:
                company.collections_charges_profile_id = profile
            elif company.collections_charges_profile_id == profile:
                company.collections_charges_profile_id = False

    def _collections_engine_profile(self):
        """The engine's value of this profile (no profile: no charges)."""
        if not self:
            return NO_CHARGES
        self.ensure_one()
        return ChargesProfile(
            fine_percent=self.fine_percent,
            fine_cap_individual=self.fine_cap_individual,
            interest_mode=self.interest_mode,
            monthly_rate=self.monthly_rate,
            correction_mode=self.correction_mode,
            grace_days=self.grace_days,
            no_charges=self.no_charges,
        )
