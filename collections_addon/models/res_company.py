from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import RELEASE_LETTER_DAYS

SHIPPED_PLANS = ("collections_addon.collections_policy_person", "collections_addon.collections_policy_company")
# Discounts granted and notary fees retained are costs of the company.
EXPENSE_ACCOUNT_TYPES = ("expense", "expense_other", "expense_direct_cost")
# The other (financial) income account of the charts that have one: where agreed legal charges are booked.
CHARGES_INCOME_ACCOUNTS = (
    "other_income",  # generic chart: Other Income
    "account_template_30101050105",  # Brazil: Outras Receitas Financeiras
)


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_negotiation_journal_id = fields.Many2one(
        "account.journal",
        string="Renegotiation Journal",
        domain="[('type', '=', 'general'), ('company_id', '=', id)]",
        help="Miscellaneous journal of the entries that settle renegotiated invoices into instalments.",
    )
    collections_discount_account_id = fields.Many2one(
        "account.account",
        string="Agreement Discount Account",
        domain=f"[('account_type', 'in', {EXPENSE_ACCOUNT_TYPES}), ('company_ids', 'in', id)]",
        help="Expense account debited with the discounts granted in agreements.",
    )
    collections_protest_journal_id = fields.Many2one(
        "account.journal",
        string="Notary Payments Journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', id)]",
        help="Bank journal where notaries transfer what debtors paid at the notary.",
    )
    collections_protest_cost_account_id = fields.Many2one(
        "account.account",
        string="Protest Costs Account",
        domain=f"[('account_type', 'in', {EXPENSE_ACCOUNT_TYPES}), ('company_ids', 'in', id)]",
        help="Expense account of the notary fees retained out of payments at the notary.",
    )
    collections_charges_profile_id = fields.Many2one(
        "collections.charges.profile",
        string="Default Charges Profile",
        domain="[('company_id', '=', id)]",
        help="Fine, interest and correction on late invoices, unless a plan or a customer names another profile. "
        "Empty: no charges.",
        groups="collections_addon.group_collections_user",
    )
    collections_discount_credit_note = fields.Boolean(
        string="Discounts on Taxed Invoices through a Credit Note",
        help="An accepted agreement gives its discount on invoices with taxes by a credit note of each invoice "
        "(Odoo's reversal, its lines scaled to the invoice's share of the discount), so that the tax base goes down "
        "with the price. Untaxed invoices keep the discount line on the Agreement Discount Account.",
    )
    collections_release_letter_days = fields.Integer(
        string="Release Letter Within (days)",
        default=5,
        help="A settled protest still without its release letter after this many days gives the responsible a task.",
    )
    # WhatsApp Business Cloud API of the company's number; secrets readable by administrators only.
    collections_reports_refreshed_at = fields.Datetime(
        string="Collections Reports Refreshed On",
        readonly=True,
        copy=False,
        help="When the stored Collections reports (recovery, aging, DSO, forecast) were last computed.",
    )
    collections_whatsapp_api_url = fields.Char(
        string="WhatsApp API Base URL",
        default="https://graph.facebook.com/v23.0",
        groups="base.group_system",
    )
    collections_whatsapp_phone_number_id = fields.Char(string="WhatsApp Phone Number ID", groups="base.group_system")
    collections_whatsapp_token = fields.Char(string="WhatsApp Access Token", groups="base.group_system")
    collections_whatsapp_app_secret = fields.Char(string="WhatsApp App Secret", groups="base.group_system")
    collections_whatsapp_verify_token = fields.Char(string="WhatsApp Webhook Verify Token", groups="base.group_system")

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._collections_check_settings(vals)
        companies = super().create(vals_list)
        companies._collections_install_default_plans()
        return companies

    def write(self, vals):
        self._collections_check_settings(vals)
        return super().write(vals)

    def _collections_check_settings(self, vals):
        """The numbers of the collections settings, refused with a message before the database refuses them."""
        if "collections_release_letter_days" not in vals:
            return
        self._collections_check_range(
            "collections_release_letter_days",
            vals["collections_release_letter_days"] or 0,
            RELEASE_LETTER_DAYS,
            self.env._("enter the days a settled protest may wait for its release letter (0: none)."),
        )

    def _collections_check_range(self, name, value, bound, fix):
        """A collections setting out of its engine ``bound``: the message of every typed number, naming the field
        and ``fix`` (the mixin is not inherited: its required-field check would apply to every field of
        companies)."""
        problem = bound.problem(value)
        if problem:
            raise ValidationError(
                self.env["collections.input.mixin"]._collections_range_message(
                    self._fields[name], value, bound, problem, fix
                )
            )

    def _collections_install_default_plans(self):
        """Give new companies the shipped plans, so the follow-up works there out of the box too."""
        # sudo: company creation may be done by a user without collections rights; plans are configuration.
        Policy = self.env["collections.policy"].sudo()
        for xmlid in SHIPPED_PLANS:
            template = Policy.env.ref(xmlid, raise_if_not_found=False)
            if not template:
                continue
            for company in self:
                if not Policy.search_count(
                    [("company_id", "=", company.id), ("partner_kind", "=", template.partner_kind)]
                ):
                    template.copy({"company_id": company.id})

    @api.model
    def _collections_fill_accounting_defaults(self, companies=None):
        """Journals and accounts of agreements and protests, for companies whose chart of accounts is installed.

        Only empty settings are filled: what an administrator chose is kept. Called when a chart is
        loaded and when the module is installed or updated.
        """
        if companies is None:
            companies = self.search([("chart_template", "!=", False)])
        for company in companies.sudo():
            values = {}
            journals = (
                self.env["account.journal"].sudo().search([("company_id", "=", company.id)], order="sequence, id")
            )
            if not company.collections_negotiation_journal_id:
                technical = company.currency_exchange_journal_id | company.tax_cash_basis_journal_id
                misc = journals.filtered(
                    lambda journal, technical=technical: journal.type == "general" and journal not in technical
                )
                values["collections_negotiation_journal_id"] = misc[:1].id
            if not company.collections_protest_journal_id:
                bank = journals.filtered(lambda journal: journal.type == "bank")
                values["collections_protest_journal_id"] = bank[:1].id
            expense = company.expense_account_id
            if not company.collections_discount_account_id:
                discount = company.account_journal_early_pay_discount_loss_account_id
                values["collections_discount_account_id"] = (
                    discount if discount.account_type in EXPENSE_ACCOUNT_TYPES else expense
                ).id
            if not company.collections_protest_cost_account_id:
                values["collections_protest_cost_account_id"] = expense.id
            values = {name: value for name, value in values.items() if value}
            if values:
                company.write(values)
            charges_account = company._collections_charges_income_account()
            if charges_account:
                self.env["collections.charges.profile"].sudo().with_context(active_test=False).search(
                    [("company_id", "=", company.id), ("account_id", "=", False)]
                ).account_id = charges_account

    def _collections_charges_income_account(self):
        """The chart's other income account, where agreed charges are booked by default (none: an admin sets it)."""
        self.ensure_one()
        for xmlid in CHARGES_INCOME_ACCOUNTS:
            # The chart template's records are named account.<company id>_<template xmlid>.
            account = self.env.ref(f"account.{self.id}_{xmlid}", raise_if_not_found=False)
            if account and account._name == "account.account" and account.active:
                return account
        return self.env["account.account"]

    _collections_release_letter_days_positive = models.Constraint(
        "CHECK(collections_release_letter_days >= 0)",
        "The days before a missing release letter gives a task cannot be negative: use 0 for the same day.",
    )

    def _collections_tz(self):
        # Never the user's: a user abroad would see another day than their colleagues, and record steps then.
        self.ensure_one()
        return self.partner_id.tz or self.resource_calendar_id.tz or "UTC"

    def _collections_today(self):
        """The company's business day now: the one day every job, screen and user of the company works on."""
        self.ensure_one()
        return fields.Date.context_today(self.with_context(tz=self._collections_tz()))
