import hashlib
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..engine import (
    AMOUNT,
    FIRST_DUE_DATE,
    INSTALLMENTS,
    NegotiationLimits,
    build_schedule,
    check_limits,
    discount_amount,
    plan_status,
    schedule_problem,
    to_decimal,
)

# Set only by the agreement's own steps (proposal, approval, acceptance, accounting).
_PROTECTED_FIELDS = {
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
}
# The terms a customer and a manager agree to: they change only while the agreement is a draft.
_TERM_FIELDS = {
    "partner_id",
    "company_id",
    "move_ids",
    "discount_type",
    "discount_value",
    "installment_count",
    "first_date",
    "interval",
}

_logger = logging.getLogger(__name__)

NEGOTIATION_STATES = [
    ("draft", "Draft"),
    ("proposed", "Proposed"),
    ("to_approve", "To Approve"),
    ("accepted", "Accepted"),
    ("active", "Active"),
    ("done", "Done"),
    ("broken", "Broken"),
    ("cancelled", "Cancelled"),
]


class CollectionsNegotiation(models.Model):
    _name = "collections.negotiation"
    _inherit = ["mail.thread", "mail.activity.mixin", "portal.mixin", "collections.input.mixin"]
    _description = "Collections Agreement"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(readonly=True, copy=False, default=lambda self: self.env._("New"))
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
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
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'posted'), "
        "('move_type', 'in', ('out_invoice', 'out_receipt')), ('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    amount_total = fields.Monetary(
        string="Amount Due", compute="_compute_amounts", store=True, help="Open amount of the selected invoices."
    )
    discount_type = fields.Selection(
        [("percent", "Percentage"), ("amount", "Amount")], default="percent", required=True
    )
    discount_value = fields.Float(string="Discount", digits=(16, 2))
    discount_amount = fields.Monetary(compute="_compute_amounts", store=True)
    amount_net = fields.Monetary(string="Amount to Pay", compute="_compute_amounts", store=True)
    installment_count = fields.Integer(string="Instalments", default=1, required=True)
    first_date = fields.Date(
        string="First Due Date", required=True, default=fields.Date.context_today, help="Moved to a business day."
    )
    interval = fields.Selection(
        [("weekly", "Weekly"), ("biweekly", "Every two weeks"), ("monthly", "Monthly")],
        default="monthly",
        required=True,
    )
    installment_ids = fields.One2many("collections.negotiation.installment", "negotiation_id", string="Schedule")
    state = fields.Selection(NEGOTIATION_STATES, default="draft", required=True, tracking=True, index=True, copy=False)
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

    @api.depends("move_ids.amount_residual", "move_id", "discount_type", "discount_value")
    def _compute_amounts(self):
        for negotiation in self:
            # Once the agreement's own entry settles the invoices, what it settled still counts as due.
            settled = negotiation.move_id.sudo().line_ids.matched_debit_ids.filtered(
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
            negotiation.amount_net = total - float(discount)

    def _compute_access_url(self):
        super()._compute_access_url()
        for negotiation in self:
            negotiation.access_url = f"/my/collections/agreement/{negotiation.id}"

    def _digits(self):
        return (self.company_id or self.env.company).currency_id.decimal_places

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # The form sends the defaults of the fields it shows (a draft, nothing approved): only a step
            # itself may set anything else.
            for name in (_PROTECTED_FIELDS - {"name"}) & set(vals):
                if vals[name] in (False, None, "") or (name == "state" and vals[name] == "draft"):
                    del vals[name]
            forbidden = (_PROTECTED_FIELDS - {"name"}) & set(vals)
            if forbidden:
                raise UserError(
                    self.env._(
                        "A new agreement starts as a draft; these fields are set by its own steps (propose, approve, "
                        "accept): %(fields)s.",
                        fields=", ".join(self._fields[name]._description_string(self.env) for name in forbidden),
                    )
                )
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("collections.negotiation") or self.env._("New")
        return super().create(vals_list)

    def write(self, vals):
        forbidden = _PROTECTED_FIELDS & set(vals)
        if forbidden:
            raise UserError(
                self.env._(
                    "%(fields)s of an agreement are set by its own steps (propose, approve, accept, cancel): use "
                    "the buttons.",
                    fields=", ".join(sorted(forbidden)),
                )
            )
        if _TERM_FIELDS & set(vals) and self.filtered(lambda negotiation: negotiation.state != "draft"):
            raise UserError(
                self.env._(
                    "The terms of a proposed agreement cannot change: set it back to draft, change them and "
                    "propose it again."
                )
            )
        return super().write(vals)

    def _internal_write(self, vals):
        """The agreement's own steps: past the guards of ``write``, which no context key can open."""
        result = super().write(vals)
        if "state" in vals:
            self.env["collections.runner"]._refresh_for(self)
        return result

    # ------------------------------------------------------------------
    # Schedule and limits
    # ------------------------------------------------------------------

    def _check_invoices(self):
        for negotiation in self:
            if not negotiation.move_ids:
                raise UserError(self.env._("Select the invoices the agreement settles."))
            partner = negotiation.partner_id.commercial_partner_id
            foreign = negotiation.move_ids.filtered(lambda move, partner=partner: move.commercial_partner_id != partner)
            if foreign:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s belong to another customer: an agreement covers one customer's "
                        "invoices only.",
                        invoices=", ".join(foreign.mapped("name")),
                    )
                )
            closed = negotiation.move_ids.filtered(
                lambda move: move.state != "posted" or move.payment_state not in ("not_paid", "partial")
            )
            if closed:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s are not open (paid, draft or cancelled): remove them from the "
                        "agreement.",
                        invoices=", ".join(closed.mapped("name")),
                    )
                )
            other_currency = negotiation.move_ids.filtered(
                lambda move, currency=negotiation.currency_id: move.currency_id != currency
            )
            if other_currency:
                raise UserError(
                    self.env._(
                        "The invoices %(invoices)s are in another currency than %(currency)s: agreements settle "
                        "invoices in the company's currency only.",
                        invoices=", ".join(other_currency.mapped("name")),
                        currency=negotiation.currency_id.name,
                    )
                )
            receivable_accounts = negotiation.move_ids.line_ids.filtered(
                lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
            ).account_id
            if len(receivable_accounts) > 1:
                raise UserError(
                    self.env._(
                        "The invoices use several receivable accounts (%(accounts)s): make one agreement per account.",
                        accounts=", ".join(receivable_accounts.mapped("display_name")),
                    )
                )
            busy = self.search(
                [
                    ("id", "!=", negotiation.id),
                    ("move_ids", "in", negotiation.move_ids.ids),
                    ("state", "in", ("proposed", "to_approve", "accepted", "active")),
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

    def _engine_schedule(self):
        self.ensure_one()
        digits = self._digits()
        policy = self.policy_id
        calendar = policy._business_calendar(self.first_date, fields.Date.add(self.first_date, years=6))
        problem = schedule_problem(
            self.amount_total,
            self.discount_value if self.discount_type == "amount" else self.discount_amount,
            self.installment_count,
            digits,
        )
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
                    net=self.currency_id.format(self.amount_total - self.discount_amount),
                )
            )
        try:
            discount = discount_amount(self.amount_total, self.discount_type, self.discount_value or 0, digits)
            schedule = build_schedule(
                self.amount_total, discount, self.installment_count, self.first_date, self.interval, calendar, digits
            )
        except ValueError as error:
            raise UserError(self.env._("The agreement cannot be computed: %(error)s", error=error)) from None
        return discount, schedule

    def action_compute_schedule(self):
        for negotiation in self:
            if negotiation.state != "draft":
                raise UserError(self.env._("Only a draft agreement can be recomputed: reset it to draft first."))
            negotiation._check_invoices()
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
        )

    def _violations(self):
        self.ensure_one()
        discount, schedule = self._engine_schedule()
        return check_limits(self.amount_total, discount, schedule, self._limits())

    def _violation_text(self, violations):
        labels = {
            "discount": self.env._("discount of %(proposed)s%% (limit %(allowed)s%%)"),
            "installments": self.env._("%(proposed)s instalments (limit %(allowed)s)"),
            "min_installment": self.env._("an instalment of %(proposed)s (minimum %(allowed)s)"),
        }
        return "; ".join(
            labels[violation.code] % {"proposed": violation.proposed, "allowed": violation.allowed}
            for violation in violations
        )

    # ------------------------------------------------------------------
    # Workflow
    # ------------------------------------------------------------------

    def action_propose(self):
        """Within the plan's limits the agreement is proposed to the customer; beyond them a manager decides."""
        for negotiation in self:
            if negotiation.state != "draft":
                raise UserError(self.env._("Only a draft agreement can be proposed."))
            if not negotiation.policy_id:
                raise UserError(
                    self.env._(
                        "No collections plan applies to %(customer)s: choose the plan whose limits apply.",
                        customer=negotiation.partner_id.display_name,
                    )
                )
            # Proposed means it may be e-mailed and accepted online at once: the accounting must be ready for it.
            negotiation._accounting_setup()
            negotiation.action_compute_schedule()
            violations = negotiation._violations()
            if violations:
                text = negotiation._violation_text(violations)
                negotiation._internal_write({"state": "to_approve", "limit_report": text})
                negotiation._ask_approval(text)
            else:
                negotiation._internal_write({"state": "proposed", "limit_report": False})
                negotiation.message_post(body=self.env._("Agreement proposed to the customer."))
        return True

    def _ask_approval(self, text):
        # sudo: a collector asks every manager of the company, whose other companies (and their notification
        # settings) the collector may not read; the tasks only point at this agreement.
        managers = (
            self.env.ref("collections_addon.group_collections_manager")
            .sudo()
            .all_user_ids.filtered(lambda user: not user.share and user.active and self.company_id in user.company_ids)
        )
        agreement = self.sudo()
        for manager in managers:
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve agreement %(name)s", name=self.name),
                note=Markup("<p>%s</p>") % self.env._("Beyond the plan's limits: %(limits)s", limits=text),
                user_id=manager.id,
            )
        self.message_post(
            body=self.env._("Beyond the plan's limits (%(limits)s): sent to a manager for approval.", limits=text)
        )

    def _check_manager(self):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise UserError(
                self.env._("Only a collections manager can approve or refuse an agreement beyond the limits.")
            )

    def _decide(self, approve, reason):
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of your decision."))
        for negotiation in self:
            if negotiation.state != "to_approve":
                raise UserError(self.env._("Only an agreement waiting for approval can be approved or refused."))
            negotiation.activity_ids.filtered(
                lambda activity: activity.activity_type_id.category != "upload"
            ).action_feedback(feedback=reason)
            if approve:
                negotiation._internal_write(
                    {
                        "state": "proposed",
                        "decision_reason": reason.strip(),
                        "approved_by_id": self.env.user.id,
                        "approved_digest": negotiation._terms_digest(),
                    }
                )
                negotiation.message_post(body=self.env._("Approved by %(user)s.", user=self.env.user.name))
            else:
                negotiation._internal_write({"state": "cancelled", "decision_reason": reason.strip()})
                negotiation.message_post(body=self.env._("Refused by %(user)s.", user=self.env.user.name))

    def action_open_decision(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve or refuse"),
            "res_model": "collections.negotiation.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_negotiation_id": self.id},
        }

    def action_accept(self):
        """The customer agreed (by phone or in writing): the collector records it."""
        return self._accept(self.env.user.name, ip=False)

    def _accept(self, who, ip=False):
        for negotiation in self:
            if negotiation.state != "proposed":
                raise UserError(self.env._("Only a proposed agreement can be accepted."))
            negotiation._check_invoices_still_open()
            negotiation._check_terms_agreed()
            # Before any write: a missing setting must leave the agreement as it was.
            negotiation._accounting_setup()
            negotiation._internal_write(
                {
                    "state": "accepted",
                    "accepted_by": who,
                    "accepted_date": fields.Datetime.now(),
                    "accepted_ip": ip or False,
                }
            )
            negotiation.message_post(
                body=self.env._("Accepted by %(who)s%(ip)s.", who=who, ip=f" ({ip})" if ip else "")
            )
            negotiation._post_entry()
        return True

    def _terms_digest(self):
        """A fingerprint of what was approved: the invoices, the terms and the schedule."""
        self.ensure_one()
        terms = (
            tuple(sorted(self.move_ids.ids)),
            self.discount_type,
            round(self.discount_value or 0, 2),
            self.installment_count,
            str(self.first_date),
            self.interval,
            tuple((str(item.date), round(item.amount, 2)) for item in self.installment_ids.sorted("sequence")),
        )
        return hashlib.sha256(repr(terms).encode()).hexdigest()

    def _check_terms_agreed(self):
        """The schedule is the one computed from the terms, and within the limits or approved as it stands."""
        self.ensure_one()
        self._check_invoices()
        discount, schedule = self._engine_schedule()
        stored = [
            (item.date, to_decimal(item.amount, self._digits())) for item in self.installment_ids.sorted("sequence")
        ]
        if stored != [(item.due_date, item.amount) for item in schedule]:
            raise UserError(
                self.env._(
                    "The schedule no longer matches the terms: set the agreement back to draft and propose it again."
                )
            )
        if check_limits(self.amount_total, discount, schedule, self._limits()) and (
            not self.approved_by_id or self.approved_digest != self._terms_digest()
        ):
            raise UserError(
                self.env._(
                    "These terms are beyond the plan's limits and were not approved as they stand: propose the "
                    "agreement again so that a manager decides."
                )
            )

    def _check_invoices_still_open(self):
        self.ensure_one()
        total = sum(self.move_ids.mapped("amount_residual"))
        if self.currency_id.compare_amounts(total, sum(self.installment_ids.mapped("amount")) + self.discount_amount):
            raise UserError(
                self.env._(
                    "The invoices changed since the agreement was computed (a payment or a credit note): reset it "
                    "to draft and propose it again."
                )
            )

    def action_decline(self, reason=False):
        for negotiation in self:
            if negotiation.state not in ("proposed", "to_approve"):
                raise UserError(self.env._("Only a proposed agreement can be declined."))
            negotiation._internal_write({"state": "cancelled", "declined_reason": reason or False})
            negotiation.message_post(
                body=self.env._("Declined by the customer%(reason)s.", reason=f": {reason}" if reason else "")
            )
        return True

    def action_draft(self):
        for negotiation in self:
            if negotiation.state not in ("proposed", "to_approve", "cancelled"):
                raise UserError(self.env._("Only a proposed, waiting or cancelled agreement can go back to draft."))
            negotiation._internal_write(
                {"state": "draft", "limit_report": False, "approved_by_id": False, "approved_digest": False}
            )
        return True

    def action_cancel(self):
        for negotiation in self:
            if negotiation.state in ("done", "cancelled"):
                raise UserError(self.env._("A settled or cancelled agreement cannot be cancelled."))
            if negotiation.move_id:
                paid = negotiation.installment_ids.filtered(lambda installment: installment.payment_state != "open")
                if paid:
                    raise UserError(
                        self.env._(
                            "Instalments %(numbers)s already received payments: unreconcile those payments from the "
                            "instalments first, then cancel the agreement.",
                            numbers=", ".join(str(number) for number in paid.mapped("sequence")),
                        )
                    )
                negotiation._reverse_entry()
            negotiation._internal_write({"state": "cancelled"})
            negotiation.message_post(body=self.env._("Agreement cancelled."))
        return True

    # ------------------------------------------------------------------
    # Accounting
    # ------------------------------------------------------------------

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
        if account and (account.account_type in ("asset_receivable", "liability_payable") or not account.active):
            raise UserError(
                self.env._(
                    "The discount account %(account)s must be an active expense or income account, not a receivable "
                    "or payable one: choose another one in Collections > Configuration > Settings.",
                    account=account.display_name,
                )
            )
        return journal, account

    def _post_entry(self):
        """One entry settling the invoices and opening one receivable per instalment; then active."""
        self.ensure_one()
        journal, discount_account = self._accounting_setup()
        partner = self.partner_id.commercial_partner_id
        invoice_lines = self.move_ids.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        receivable_account = invoice_lines.account_id[:1]
        if len(invoice_lines.account_id) > 1:
            raise UserError(self.env._("The invoices use several receivable accounts: make one agreement per account."))
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
                }
            )
            for installment in self.installment_ids.sorted("sequence")
        ]
        if self.discount_amount:
            lines.append(
                Command.create(
                    {
                        "name": self.env._("%(agreement)s: discount", agreement=self.name),
                        "partner_id": partner.id,
                        "account_id": discount_account.id,
                        "debit": self.discount_amount,
                        "credit": 0.0,
                    }
                )
            )
        # sudo: collectors record agreements; the entry is the agreement's own bookkeeping, checked above.
        move = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": fields.Date.context_today(self),
                    "ref": self.env._("Agreement %(name)s", name=self.name),
                    "partner_id": partner.id,
                    "line_ids": lines,
                }
            )
        )
        move.action_post()
        settle_lines = move.line_ids.filtered(
            lambda line: line.credit and line.account_id.account_type == "asset_receivable"
        )
        for invoice_line, settle_line in zip(invoice_lines, settle_lines, strict=True):
            (invoice_line | settle_line).reconcile()
        installment_lines = move.line_ids.filtered(
            lambda line: line.debit and line.account_id.account_type == "asset_receivable"
        ).sorted(lambda line: (line.date_maturity, line.id))
        for installment, line in zip(self.installment_ids.sorted("sequence"), installment_lines, strict=True):
            # sudo: the schedule is the agreement's own record, written by its steps only.
            installment.sudo().move_line_id = line
        self._internal_write({"move_id": move.id, "state": "active"})
        # The agreement replaces what was promised on these invoices.
        self.env["collections.promise"].search(
            [("state", "=", "open"), ("move_ids", "in", self.move_ids.ids)]
        ).action_cancel()
        self.message_post(
            body=self.env._("Entry %(entry)s posted: the invoices are settled by the agreement.", entry=move.name)
        )

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

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_check_agreements(self):
        """Done when every instalment is paid (a broken one too), broken when one is late past the grace days."""
        runner = self.env["collections.runner"]
        for negotiation in self.search([("state", "in", ("active", "broken"))]):
            if not negotiation.installment_ids:
                continue
            try:
                with self.env.cr.savepoint():
                    status = plan_status(
                        [
                            (installment.date, to_decimal(installment.amount_residual))
                            for installment in negotiation.installment_ids
                        ],
                        runner._today(negotiation.company_id),
                        negotiation.policy_id.installment_grace_days,
                    )
                    if status == "done":
                        negotiation._internal_write({"state": "done"})
                        negotiation.message_post(body=self.env._("Every instalment is paid: agreement fulfilled."))
                    elif status == "broken" and negotiation.state == "active":
                        negotiation._mark_broken()
            except Exception:
                _logger.exception("Collections: checking agreement %s failed", negotiation.id)

    def _mark_broken(self):
        self.ensure_one()
        self._internal_write({"state": "broken"})
        self.message_post(
            body=self.env._(
                "An instalment is unpaid past the grace period: agreement broken. The follow-up goes on with what is "
                "still open."
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Agreement %(name)s broken", name=self.name),
            user_id=self.user_id.id or self.env.user.id,
        )

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------

    def action_send(self):
        self.ensure_one()
        if self.state not in ("proposed", "active"):
            raise UserError(self.env._("Send the agreement once it is proposed (approved if beyond the limits)."))
        template = self.env.ref("collections_addon.mail_template_collections_agreement")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Agreement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "force_email": True,
            },
        }

    def action_preview(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "self"}

    @api.model
    def _action_new(self, partner, moves=None):
        """The form of a new agreement for ``partner`` on ``moves`` (default: its open invoices)."""
        partner = partner.commercial_partner_id
        if moves is None:
            moves = partner.with_company(self.env.company).collections_open_move_ids.filtered(
                lambda move: move.move_type in ("out_invoice", "out_receipt")
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New agreement"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_partner_id": partner.id, "default_move_ids": [Command.set(moves.ids)]},
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Agreement %(name)s", name=self.name)

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
            "first_date": (FIRST_DUE_DATE, self.env._("enter the date the first instalment falls due.")),
        }

    @api.constrains("partner_id", "move_ids")
    def _check_invoices_of_the_customer(self):
        for negotiation in self:
            partner = negotiation.partner_id.commercial_partner_id
            foreign = negotiation.move_ids.filtered(lambda move, partner=partner: move.commercial_partner_id != partner)
            if foreign:
                raise ValidationError(
                    self.env._(
                        "The invoices %(invoices)s belong to another customer: remove them, or choose their customer.",
                        invoices=", ".join(foreign.mapped("name")),
                    )
                )
