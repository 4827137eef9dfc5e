from decimal import Decimal

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..engine.charges import Charges, charges_for
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class ResPartner(models.Model):
    """The charges profile of a customer, and the legal charges on its open invoices (``engine/charges.py``)."""

    _inherit = "res.partner"

    # Company-dependent: a customer of two companies follows each company's profile.
    collections_charges_profile_id = fields.Many2one(
        "collections.charges.profile",
        string="Charges Profile",
        company_dependent=True,
        domain="[('company_id', '=', current_company_id)]",
        help="Fine, interest and correction on this customer's late invoices in the current company. Empty: the "
        "profile of the customer's plan, else the company's default profile.",
        groups="collections_addon.group_collections_user",
    )

    def _collections_charges_profile(self, company, default_plans=None):
        """The profile that applies to this customer in ``company``: the customer's, else its plan's, else the
        company's default (empty: no charges). ``default_plans`` caches the default plans across the customers of
        a batch (``{(company id, is company): plan}``)."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(company)
        if partner.collections_charges_profile_id:
            return partner.collections_charges_profile_id
        policy = partner.collections_policy_id
        if not policy:
            default_plans = {} if default_plans is None else default_plans
            key = (company.id, bool(partner.is_company))
            if key not in default_plans:
                default_plans[key] = self.env["collections.policy"]._default_for(company, partner.is_company)
            policy = default_plans[key]
        return policy.charges_profile_id or company.collections_charges_profile_id

    def _collections_charges(self, moves, on_date):
        """``{move id: engine Charges}`` of each open invoice in ``moves`` on ``on_date``, by its customer's
        effective profile; the rate tables are read once. A profile or a table the engine refuses is a UserError
        naming the invoice and what to fix."""
        charges, _profiles, problems = self._collections_charges_by_customer(moves, on_date)
        if problems:
            raise UserError(next(iter(problems.values())))
        return charges

    def _collections_charges_by_customer(self, moves, on_date, principals=None):
        """The charges of ``moves`` on ``on_date`` without raising: ``(charges, profiles, problems)``.

        ``principals``: ``{move id: amount}`` charged instead of the open amount of those moves (what a payment
        paid late of an invoice, for the charges it collected).

        ``charges``: ``{move id: engine Charges}``; ``profiles``: ``{(customer id, company id): profile}`` (empty
        recordset: none applies); ``problems``: ``{customer id: text}`` for customers whose charges the engine
        refuses (their invoices are left out of ``charges``). A run or a page shows the principal of such a
        customer and the problem, rather than failing for every other customer.
        """
        tables = self.env["collections.rate.index"]._collections_tables()
        principals = principals or {}
        rows = self._collections_charged_moves(moves)
        partners = self.env["res.partner"].browse({row[1] for row in rows.values()})
        # Records out of the recordset, so that what a customer's profile reads is read for all of them at once.
        partner_of = {partner.id: partner for partner in partners}
        company_of = {company.id: company for company in self.env["res.company"].browse({r[2] for r in rows.values()})}
        for company in company_of.values():
            # What a customer's profile reads, in each company (a first read would fetch every column of res.partner).
            partners.sudo().with_company(company).fetch(
                ["commercial_partner_id", "is_company", "collections_charges_profile_id", "collections_policy_id"]
            )
        is_company = {partner.id: partner.is_company for partner in partners}
        currencies = self.env["res.currency"].browse({row[4] for row in rows.values()})
        digits_of = dict(zip(currencies.ids, currencies.mapped("decimal_places"), strict=True))
        invoice_types = set(self.env["account.move"].get_invoice_types(include_receipts=True))
        profiles, engine_profiles, charges, problems = {}, {}, {}, {}
        default_plans, engine_by_profile = {}, {}
        for move_id in moves.ids:
            _id, partner_id, company_id, move_type, currency_id, residual, due, move_date, name = rows[move_id]
            key = (partner_id, company_id)
            if key not in profiles:
                # sudo: which profile applies is configuration; the charges are computed for whoever shows the amount
                # (a collector, an accountant's statement, a delivery webhook falling back to SMS).
                profile = (
                    partner_of[partner_id].sudo()._collections_charges_profile(company_of[company_id], default_plans)
                )
                if profile.id not in engine_by_profile:
                    engine_by_profile[profile.id] = profile._collections_engine_profile()
                profiles[key], engine_profiles[key] = profile, engine_by_profile[profile.id]
            if partner_id in problems or move_type in ("out_refund", "in_refund"):
                continue  # a credit note is deducted from the claim, never charged
            principal = principals.get(move_id)
            try:
                if principal is None and move_type not in invoice_types:
                    charges[move_id] = self._collections_entry_charges(
                        moves.browse(move_id), on_date, engine_profiles[key], tables
                    )
                else:
                    # An invoice counts its residual (or the principal given) from its due date.
                    charges[move_id] = charges_for(
                        abs(residual) if principal is None else principal,
                        due or move_date,
                        on_date,
                        engine_profiles[key],
                        not is_company[partner_id],
                        tables,
                        digits_of[currency_id],
                    )
            except ValueError as error:
                problems[partner_id] = self.env._(
                    "The charges of %(invoice)s cannot be computed: %(reason)s", invoice=name, reason=str(error)
                )
        if problems:
            charges = {
                move_id: item
                for move_id, item in charges.items()
                if moves.browse(move_id).commercial_partner_id.id not in problems
            }
        return charges, profiles, problems

    def _collections_charged_moves(self, moves):
        """What the charges read of ``moves``, by move id: ``(id, customer id, company id, type, currency id,
        residual, due date, date, name)``. One query for a run's batch: reading twenty thousand invoices field by
        field through the ORM costs more than computing their charges."""
        moves.check_access("read")
        columns = [
            "commercial_partner_id", "company_id", "move_type", "currency_id", "amount_residual", "invoice_date_due",
            "date", "name",
        ]  # fmt: skip
        moves.flush_recordset(columns)
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM account_move WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(column) for column in columns),
                moves.ids,
            )
        )
        return {row[0]: row for row in rows}

    def _collections_entry_charges(self, move, on_date, profile, tables):
        """The engine Charges of one open journal entry ``move`` on ``on_date`` (ValueError: the engine refuses).

        An entry (an agreement's instalments) has no residual of its own: its open receivable lines count, each
        from its own due date; the overdue ones, or every one when none is overdue (what a reminder claims:
        ``engine.claimed_items``). An invoice is charged in bulk by ``_collections_charges_by_customer``.
        """
        digits = move.currency_id.decimal_places
        individual = not move.commercial_partner_id.is_company
        lines = move.line_ids.filtered(
            lambda line: (
                line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE
                and not line.reconciled
                and not line.currency_id.is_zero(line.amount_residual_currency)
            )
        )
        lines = lines.filtered(lambda line: (line.date_maturity or move.date) < on_date) or lines
        # A credit on the receivable (rare in an entry) is deducted, never charged.
        debts = lines.filtered(lambda line: line.amount_residual_currency > 0)
        items = [
            charges_for(line.amount_residual_currency, due, on_date, profile, individual, tables, digits)
            for line, due in ((line, line.date_maturity or move.date) for line in debts)
        ]
        zero = Decimal(0).scaleb(-digits)
        credit = Decimal(f"{sum((lines - debts).mapped('amount_residual_currency')):.{digits}f}")
        return Charges(
            sum((item.principal for item in items), zero) + credit,
            sum((item.fine for item in items), zero),
            sum((item.interest for item in items), zero),
            sum((item.correction for item in items), zero),
            max((item.days_late for item in items), default=0),
        )
