"""An agreement (debt renegotiation): its terms, schedule and limits.

The model spans several files by concern: its steps and approval (collections_negotiation_steps.py), the
customer's answer and the documents (collections_negotiation_answer.py), the accounting entry and its reversal
(collections_negotiation_accounting.py), the invoices' legal charges (collections_negotiation_charges.py), the
discount by credit notes (collections_negotiation_credit_note.py) and the daily job
(collections_negotiation_daily.py). Which step may be
taken in which state is the engine's table (``engine.AGREEMENT_STEPS``).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..engine import (
    AGREEMENT_HOLDING_STATES,
    AGREEMENT_STATES,
    AGREEMENT_STEPS,
    AMOUNT,
    DISCOUNT_TYPES,
    FIRST_DUE_DATE,
    INSTALLMENTS,
    INTERVALS,
    SCHEDULE_CALENDAR_YEARS,
    NegotiationLimits,
    build_schedule,
    check_limits,
    discount_amount,
    schedule_problem,
    to_decimal,
)
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE
from .collections_case_mixin import OPEN_CLAIMS_OF_THE_CUSTOMER

_STATE_LABELS = {
    "draft": "Draft",
    "proposed": "Proposed",
    "to_approve": "To Approve",
    "accepted": "Accepted",
    "active": "Active",
    "done": "Done",
    "broken": "Broken",
    "cancelled": "Cancelled",
}
_DISCOUNT_TYPE_LABELS = {"percent": "Percentage", "amount": "Amount"}
_INTERVAL_LABELS = {"weekly": "Weekly", "biweekly": "Every two weeks", "monthly": "Monthly"}


class CollectionsNegotiation(models.Model):
    _name = "collections.negotiation"
    _inherit = [
        "collections.guarded.mixin",
        "collections.case.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "portal.mixin",
        "collections.input.mixin",
    ]
    _description = "Collections Agreement"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # Set only by the agreement's own steps (proposal, approval, acceptance, accounting).
    _guarded_fields = frozenset(
        {
            "state",
            "move_id",
            "approved_by_id",
            "approved_digest",
            "accepted_by",
            "accepted_date",
            "accepted_ip",
            "decision_reason",
            "declined_reason",
            "limit_report",
            "name",
            "charges_date",
            "discount_move_ids",
        }
    )
    _guarded_create_free = frozenset({"name"})
    _guarded_initial = {"state": "draft"}
    # The terms a customer and a manager agree to: they change only while the agreement is a draft.
    _guarded_frozen_fields = frozenset(
        {
            "partner_id",
            "company_id",
            "move_ids",
            "discount_type",
            "discount_value",
            "installment_count",
            "first_date",
            "interval",
            "charges_waived",
        }
    )
    _guarded_editable_states = AGREEMENT_STEPS.sources("edit_terms")

    name = fields.Char(readonly=True, copy=False, default=lambda self: self.env._("New"))
    user_id = fields.Many2one(
        "res.users",
        string="Collector",
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    policy_id = fields.Many2one(
        "collections.policy",
        string="Plan",
        compute="_compute_policy_id",
        store=True,
        check_company=True,
        help="The customer's plan: its limits apply.",
    )
    move_ids = fields.Many2many(domain=OPEN_CLAIMS_OF_THE_CUSTOMER)
    amount_total = fields.Monetary(
        string="Amount Due", compute="_compute_amounts", store=True, help="Open amount of the selected invoices."
    )
    discount_type = fields.Selection(
        [(code, _DISCOUNT_TYPE_LABELS[code]) for code in DISCOUNT_TYPES], default="percent", required=True
    )
    discount_value = fields.Float(string="Discount", digits=(16, 2))
    discount_amount = fields.Monetary(compute="_compute_amounts", store=True)
    amount_net = fields.Monetary(string="Amount to Pay", compute="_compute_amounts", store=True)
    installment_count = fields.Integer(string="Instalments", default=1, required=True)
    first_date = fields.Date(
        string="First Due Date",
        required=True,
        default=lambda self: self.env.company._collections_today(),
        help="Moved to a business day.",
    )
    interval = fields.Selection(
        [(code, _INTERVAL_LABELS[code]) for code in INTERVALS], default="monthly", required=True
    )
    installment_ids = fields.One2many("collections.negotiation.installment", "negotiation_id", string="Schedule")
    state = fields.Selection(
        [(code, _STATE_LABELS[code]) for code in AGREEMENT_STATES],
        default="draft",
        required=True,
        tracking=True,
        index=True,
        copy=False,
    )
    limit_report = fields.Text(
        string="Beyond the Limits", readonly=True, copy=False, groups="collections_addon.group_collections_user"
    )
    decision_reason = fields.Text(
        string="Manager's Reason",
        readonly=True,
        copy=False,
        tracking=True,
        groups="collections_addon.group_collections_user",
    )
    approved_by_id = fields.Many2one("res.users", string="Approved by", readonly=True, copy=False)
    approved_digest = fields.Char(readonly=True, copy=False, groups="collections_addon.group_collections_user")
    accepted_by = fields.Char(string="Accepted by", readonly=True, copy=False)
    accepted_date = fields.Datetime(string="Accepted on", readonly=True, copy=False)
    accepted_ip = fields.Char(string="Accepted from IP", readonly=True, copy=False)
    declined_reason = fields.Text(string="Declined Because", readonly=True, copy=False)
    move_id = fields.Many2one("account.move", string="Agreement Entry", readonly=True, copy=False)
    note = fields.Html(string="Terms")

    _installment_count_positive = models.Constraint(
        "CHECK(installment_count >= 1)", "An agreement needs at least one instalment."
    )
    _discount_value_positive = models.Constraint(
        "CHECK(discount_value >= 0)", "The discount cannot be negative: use 0 for no discount."
    )

    @api.depends("partner_id", "company_id")
    def _compute_policy_id(self):
        for negotiation in self:
            negotiation.policy_id = (
                negotiation.partner_id.commercial_partner_id._collections_policy(negotiation.company_id)
                if negotiation.partner_id
                else False
            )

    @api.depends(
        "move_ids.amount_residual", "move_id", "discount_move_ids", "discount_type", "discount_value", "charges_kept"
    )
    def _compute_amounts(self):
        for negotiation in self:
            # Once the agreement's own entry (and discount credit notes) settle the invoices, what they settled
            # still counts as due.
            own_moves = negotiation.move_id | negotiation.discount_move_ids
            settled = own_moves.sudo().line_ids.matched_debit_ids.filtered(
                lambda partial, invoices=negotiation.move_ids: partial.debit_move_id.move_id in invoices
            )
            total = sum(negotiation.move_ids.mapped("amount_residual")) + sum(settled.mapped("amount"))
            negotiation.amount_total = total
            try:
                discount = discount_amount(
                    total or 0, negotiation.discount_type, negotiation.discount_value or 0, self._digits()
                )
            except ValueError:
                discount = 0.0
            negotiation.discount_amount = float(discount)
            # The agreed charges (fine, interest, correction less what was waived) are paid with the instalments.
            negotiation.amount_net = total - float(discount) + negotiation.charges_kept

    def _digits(self):
        return (self.company_id or self.env.company).currency_id.decimal_places

    @api.model
    def _guarded_complete_create(self, vals_list):
        super()._guarded_complete_create(vals_list)
        for vals in vals_list:
            # The agreement's date: its charges are computed on it (refreshed with the draft's schedule).
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            vals["charges_date"] = company._collections_today()
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("collections.negotiation") or self.env._("New")

    def _guarded_create_error(self, names):
        return self.env._(
            "A new agreement starts as a draft; these fields are set by its own steps (propose, approve, "
            "accept): %(fields)s.",
            fields=self._guarded_labels(names),
        )

    def _guarded_write_error(self, names):
        return self.env._(
            "%(fields)s of an agreement are set by its own steps (propose, approve, accept, cancel): use the buttons.",
            fields=", ".join(names),
        )

    def _guarded_frozen_error(self, names):
        return self.env._(
            "The terms of a proposed agreement cannot change: set it back to draft, change them and propose it again."
        )

    # ------------------------------------------------------------------
    # Schedule and limits
    # ------------------------------------------------------------------

    def _check_invoices(self):
        for negotiation in self:
            if not negotiation.move_ids:
                raise UserError(self.env._("Select the invoices the agreement settles."))
            foreign = negotiation._case_foreign_moves()
            if foreign:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s belong to another customer: an agreement covers one customer's "
                        "invoices only.",
                        invoices=", ".join(foreign.mapped("name")),
                    )
                )
            closed = negotiation._case_closed_moves()
            if closed:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s are not open (paid, draft or cancelled): remove them from the "
                        "agreement.",
                        invoices=", ".join(closed.mapped("name")),
                    )
                )
            negotiation._check_one_currency_and_account()
            busy = self.search(
                [
                    ("id", "!=", negotiation.id),
                    ("move_ids", "in", negotiation.move_ids.ids),
                    ("state", "in", AGREEMENT_HOLDING_STATES),
                ],
                limit=1,
            )
            if busy:
                raise UserError(
                    self.env._(
                        "Some of these invoices are already in the agreement %(agreement)s: cancel it first.",
                        agreement=busy.display_name,
                    )
                )

    def _check_one_currency_and_account(self):
        self.ensure_one()
        other_currency = self.move_ids.filtered(lambda move: move.currency_id != self.currency_id)
        if other_currency:
            raise UserError(
                self.env._(
                    "The invoices %(invoices)s are in another currency than %(currency)s: agreements settle "
                    "invoices in the company's currency only.",
                    invoices=", ".join(other_currency.mapped("name")),
                    currency=self.currency_id.name,
                )
            )
        receivable_accounts = self._open_receivable_lines().account_id
        if len(receivable_accounts) > 1:
            raise UserError(
                self.env._(
                    "The invoices use several receivable accounts (%(accounts)s): make one agreement per account.",
                    accounts=", ".join(receivable_accounts.mapped("display_name")),
                )
            )

    def _open_receivable_lines(self):
        """The receivable lines of the invoices still to settle."""
        return self.move_ids.line_ids.filtered(
            lambda line: line.account_id.account_type == RECEIVABLE_ACCOUNT_TYPE and not line.reconciled
        )

    def _engine_schedule(self):
        self.ensure_one()
        digits = self._digits()
        policy = self.policy_id
        calendar = policy._business_calendar(
            self.first_date, fields.Date.add(self.first_date, years=SCHEDULE_CALENDAR_YEARS)
        )
        discount_given = self.discount_value if self.discount_type == "amount" else self.discount_amount
        problem = schedule_problem(self.amount_total, discount_given, self.installment_count, digits)
        if problem in (None, "empty_instalments"):
            # The discount is on the invoices' principal; the instalments carry the agreed charges too.
            total = self.amount_total + self.charges_kept
            problem = schedule_problem(total, discount_given, self.installment_count, digits)
        if problem == "discount_exceeds":
            raise UserError(
                self.env._(
                    "The discount (%(discount)s) cannot exceed the amount due (%(due)s): lower it.",
                    discount=self.currency_id.format(self.discount_value),
                    due=self.currency_id.format(self.amount_total),
                )
            )
        if problem == "nothing_left":
            raise UserError(self.env._("Nothing is left to pay after the discount: lower the discount."))
        if problem == "empty_instalments":
            raise UserError(
                self.env._(
                    "%(count)s instalments of %(net)s would leave instalments of nothing: choose fewer instalments.",
                    count=self.installment_count,
                    net=self.currency_id.format(self.amount_net),
                )
            )
        try:
            discount = discount_amount(self.amount_total, self.discount_type, self.discount_value or 0, digits)
            schedule = build_schedule(
                to_decimal(self.amount_total, digits) + to_decimal(self.charges_kept, digits),
                discount,
                self.installment_count,
                self.first_date,
                self.interval,
                calendar,
                digits,
            )
        except ValueError as error:
            raise UserError(self.env._("The agreement cannot be computed: %(error)s", error=error)) from None
        return discount, schedule

    def action_compute_schedule(self):
        self._check_step("compute")
        for negotiation in self:
            negotiation._check_invoices()
            negotiation._refresh_charges()
            _discount, schedule = negotiation._engine_schedule()
            # sudo: instalments are read-only for collectors; only the computed schedule is written.
            negotiation.sudo().installment_ids = [Command.clear()] + [
                Command.create({"sequence": item.sequence, "date": item.due_date, "amount": float(item.amount)})
                for item in schedule
            ]
        return True

    def _limits(self):
        self.ensure_one()
        policy = self.policy_id
        return NegotiationLimits(
            max_discount_percent=to_decimal(policy.max_discount_percent),
            max_installments=max(policy.max_installments, 1),
            min_installment_amount=to_decimal(policy.min_installment_amount, self._digits()),
            max_waiver_percent=to_decimal(policy.max_waiver_percent),
        )

    def _violations(self):
        self.ensure_one()
        discount, schedule = self._engine_schedule()
        return check_limits(
            self.amount_total, discount, schedule, self._limits(), self.charges_amount, self.charges_waived
        )

    def _violation_text(self, violations):
        labels = {
            "discount": self.env._("discount of %(proposed)s%% (limit %(allowed)s%%)"),
            "installments": self.env._("%(proposed)s instalments (limit %(allowed)s)"),
            "min_installment": self.env._("an instalment of %(proposed)s (minimum %(allowed)s)"),
            "waiver": self.env._("%(proposed)s%% of the charges waived (limit %(allowed)s%%)"),
        }
        return "; ".join(
            labels[violation.code] % {"proposed": violation.proposed, "allowed": violation.allowed}
            for violation in violations
        )

    @api.constrains("discount_value", "discount_type")
    def _check_discount(self):
        for negotiation in self:
            if negotiation.discount_type == "percent" and negotiation.discount_value > 100:
                raise ValidationError(
                    self.env._("A discount cannot exceed 100%: enter a percentage between 0 and 100.")
                )

    # ------------------------------------------------------------------
    # Input checks (before anything is written; see collections.input.mixin)
    # ------------------------------------------------------------------

    def _collections_input_rules(self):
        return {
            "installment_count": (INSTALLMENTS, self.env._("enter the number of instalments (1: a single payment).")),
            "discount_value": (AMOUNT, self.env._("use 0 for no discount.")),
            "charges_waived": (AMOUNT, self.env._("use 0 to keep every charge.")),
            "first_date": (FIRST_DUE_DATE, self.env._("enter the date the first instalment falls due.")),
        }
