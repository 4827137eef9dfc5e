"""A notary protest of one receivable, from the proposal to the cancellation at the notary."""

import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Command
from odoo.tools import format_date, format_list

from ..engine import (
    POSITIVE_AMOUNT,
    ProtestDates,
    days_to_settlement,
    deadline_reminder,
    eligibility_problem,
    release_letter_overdue,
    step_problem,
    target_state,
)

_logger = logging.getLogger(__name__)

# Follow the invoice: never written by hand.
_DERIVED_FIELDS = {"partner_id", "company_id", "currency_id"}

PROTEST_STATE_SELECTION = [
    ("draft", "Draft"),
    ("sent", "Sent to the Notary"),
    ("protocolled", "Protocolled"),
    ("notified", "Debtor Notified"),
    ("paid", "Paid at the Notary"),
    ("withdrawn", "Withdrawn"),
    ("suspended", "Suspended by Court Order"),
    ("protested", "Protested"),
    ("settled", "Settled"),
    ("cancelled", "Cancelled"),
]
# A receivable is protested once at a time: a second protest waits until the first ends.
_OPEN_STATES = ("draft", "sent", "protocolled", "notified", "suspended", "protested", "settled")
_WINDOW_STATES = ("sent", "protocolled", "notified")
# Agreements in these states hold their invoices: no protest beside them.
_NEGOTIATING_STATES = ("proposed", "to_approve", "accepted", "active")

# Set only by the protest's own steps (the step wizard, the daily job, the release letter).
_STEP_FIELDS = {
    "state",
    "name",
    "rule_id",
    "sent_date",
    "send_means",
    "protocol_number",
    "protocol_date",
    "notification_date",
    "deadline_date",
    "paid_date",
    "payment_id",
    "withdrawal_date",
    "suspension_date",
    "court_order_reference",
    "court_order_attachment_id",
    "protest_date",
    "settlement_date",
    "cancel_date",
    "release_letter_attachment_id",
    "release_letter_date",
    "release_letter_user_id",
    "proposed_level_id",
    "deadline_reminder_date",
    "paid_reminder_done",
    "release_reminder_done",
}
# What went to the notary: fixed once the title left.
_TITLE_FIELDS = {"move_id", "move_line_id", "amount", "title_number", "notary_id"}


class CollectionsProtest(models.Model):
    _name = "collections.protest"
    _inherit = ["mail.thread", "mail.activity.mixin", "collections.input.mixin"]
    _description = "Notary Protest"
    _order = "create_date desc, id desc"
    _check_company_auto = True
    _mail_post_access = "read"

    name = fields.Char(
        string="Reference",
        readonly=True,
        copy=False,
        help="The protest's reference, given when it is sent to the notary; a draft is named by its title.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        index=True,
        check_company=True,
        tracking=True,
        domain="[('move_type', '=', 'out_invoice'), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
    )
    # Not required in the database: when an invoice is reset to draft and its terms change, Odoo recreates
    # its receivable lines; a protest that never reached the notary (or a closed one) keeps its history.
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Instalment",
        index=True,
        ondelete="set null",
        check_company=True,
        domain="[('move_id', '=', move_id), ('account_type', '=', 'asset_receivable'), ('reconciled', '=', False)]",
        help="The receivable of the invoice that is protested: each instalment of an invoice is its own title.",
    )
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True, precompute=True)
    partner_id = fields.Many2one(
        related="move_id.commercial_partner_id", string="Customer", store=True, index=True, precompute=True
    )
    currency_id = fields.Many2one(related="move_id.currency_id", store=True, precompute=True)
    due_date = fields.Date(
        string="Due Date", readonly=True, help="The due date of the protested instalment, as sent to the notary."
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        tracking=True,
        help="What the notary collects: the open amount of the invoice when the protest was created or sent.",
    )
    title_number = fields.Char(
        help="The number on the title the notary protests; by default the invoice number.", tracking=True
    )
    notary_id = fields.Many2one(
        "res.partner",
        string="Notary Office",
        domain="[('collections_is_notary', '=', True)]",
        tracking=True,
        index="btree_not_null",
        check_company=True,
    )
    notary_state_id = fields.Many2one(related="notary_id.state_id", string="Notary State")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        domain="[('share', '=', False)]",
        tracking=True,
        help="Gets the tasks of this protest: the last day to pay, the release letter.",
    )
    state = fields.Selection(
        PROTEST_STATE_SELECTION,
        default="draft",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
        group_expand="_group_expand_states",
    )
    rule_id = fields.Many2one(
        "collections.protest.rule", string="Rule", readonly=True, check_company=True, ondelete="restrict"
    )
    proposed_level_id = fields.Many2one(
        "collections.level",
        string="Proposed By",
        readonly=True,
        ondelete="set null",
        help="The follow-up step that proposed this protest for a manager's review.",
    )
    sent_date = fields.Date(string="Sent On", readonly=True, tracking=True)
    send_means = fields.Selection(
        [("bank", "Bank instruction"), ("center", "Protest center (CRA/CENPROT)"), ("in_person", "In person")],
        string="Sent Through",
        readonly=True,
        tracking=True,
    )
    protocol_number = fields.Char(readonly=True, tracking=True)
    protocol_date = fields.Date(string="Protocolled On", readonly=True, tracking=True)
    notification_date = fields.Date(string="Debtor Notified On", readonly=True, tracking=True)
    deadline_date = fields.Date(
        string="Last Day to Pay",
        readonly=True,
        tracking=True,
        help="The debtor may pay at the notary, and we may withdraw the protest, until the notary closes on this day.",
    )
    paid_date = fields.Date(string="Paid at the Notary On", readonly=True, tracking=True)
    payment_id = fields.Many2one("account.payment", string="Payment", readonly=True, copy=False)
    withdrawal_date = fields.Date(string="Withdrawn On", readonly=True, tracking=True)
    suspension_date = fields.Date(string="Suspended On", readonly=True, tracking=True)
    court_order_reference = fields.Char(readonly=True, tracking=True)
    court_order_attachment_id = fields.Many2one("ir.attachment", string="Court Order", readonly=True, copy=False)
    protest_date = fields.Date(string="Protested On", readonly=True, tracking=True)
    settlement_date = fields.Date(string="Settled On", readonly=True, tracking=True)
    cancel_date = fields.Date(string="Cancelled On", readonly=True, tracking=True)
    release_letter_attachment_id = fields.Many2one("ir.attachment", string="Release Letter", readonly=True, copy=False)
    release_letter_date = fields.Date(string="Release Letter Issued On", readonly=True, tracking=True)
    release_letter_user_id = fields.Many2one("res.users", string="Release Letter Signed By", readonly=True)
    cost_ids = fields.One2many("collections.protest.cost", "protest_id", string="Costs")
    cost_creditor = fields.Monetary(
        string="Costs Paid by Us", compute="_compute_costs", store=True, currency_field="currency_id"
    )
    cost_debtor = fields.Monetary(
        string="Costs Paid by the Debtor", compute="_compute_costs", store=True, currency_field="currency_id"
    )
    cost_to_rebill = fields.Monetary(
        string="Costs to Re-bill", compute="_compute_costs", store=True, currency_field="currency_id"
    )
    recovered_amount = fields.Monetary(
        compute="_compute_recovery",
        store=True,
        currency_field="currency_id",
        help="The amount collected: paid at the notary or settled after the protest.",
    )
    days_to_settlement = fields.Integer(
        compute="_compute_recovery",
        store=True,
        aggregator="avg",
        help="Days from the registered protest to the settlement of the debt.",
    )
    deadline_reminder_date = fields.Date(readonly=True, copy=False)
    paid_reminder_done = fields.Boolean(readonly=True, copy=False)
    release_reminder_done = fields.Boolean(readonly=True, copy=False)

    _one_open_protest_per_invoice = models.UniqueIndex(
        "(move_line_id) WHERE state IN ('draft', 'sent', 'protocolled', 'notified', 'suspended', 'protested', "
        "'settled')",
        "This invoice already has a protest in progress: a receivable is protested once at a time.",
    )
    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "The protested amount must be above zero: only an open invoice can be protested."
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

    @api.depends("cost_ids.amount", "cost_ids.paid_by", "cost_ids.rebill_move_id.state")
    def _compute_costs(self):
        for protest in self:
            creditor = protest.cost_ids.filtered(lambda cost: cost.paid_by == "creditor")
            protest.cost_creditor = sum(creditor.mapped("amount"))
            protest.cost_debtor = sum((protest.cost_ids - creditor).mapped("amount"))
            protest.cost_to_rebill = sum(creditor.filtered(lambda cost: not cost._is_rebilled()).mapped("amount"))

    @api.depends("amount", "paid_date", "settlement_date", "protest_date")
    def _compute_recovery(self):
        for protest in self:
            recovered = bool(protest.paid_date or protest.settlement_date)
            protest.recovered_amount = protest.amount if recovered else 0.0
            protest.days_to_settlement = (
                days_to_settlement(protest.protest_date or None, protest.settlement_date or None) or 0
            )

    # ------------------------------------------------------------------
    # Create and write
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A form sends what a new record holds: the draft state and empty fields. They record nothing.
            for field in (_STEP_FIELDS | _DERIVED_FIELDS | {"amount"}) & set(vals):
                if not vals[field] or (field == "state" and vals[field] == "draft"):
                    del vals[field]
            forbidden = (_STEP_FIELDS - {"proposed_level_id"} | _DERIVED_FIELDS | {"amount"}) & set(vals)
            if forbidden:
                raise UserError(
                    self.env._(
                        "A new protest starts as a draft: %(fields)s cannot be given when it is created (its steps "
                        "record them, or they follow the invoice).",
                        fields=self._field_labels(forbidden),
                    )
                )
            if not vals.get("move_id") and not vals.get("move_line_id"):
                raise UserError(self.env._("Choose the overdue invoice to protest."))
        # Records of one recordset share their prefetch: one read for every invoice, not one each.
        moves = self.env["account.move"].browse([vals["move_id"] for vals in vals_list if vals.get("move_id")])
        given_lines = self.env["account.move.line"].browse(
            [vals["move_line_id"] for vals in vals_list if vals.get("move_line_id")]
        )
        move_of = {move.id: move for move in moves}
        line_of = {line.id: line for line in given_lines}
        for vals in vals_list:
            line = (
                line_of[vals["move_line_id"]]
                if vals.get("move_line_id")
                else self._default_line(move_of[vals["move_id"]])
            )
            self._check_line_of_move(line, move_of.get(vals.get("move_id")))
            vals["move_line_id"] = line.id
            vals["move_id"] = line.move_id.id
        line_ids = [vals["move_line_id"] for vals in vals_list]
        if len(set(line_ids)) < len(line_ids):
            raise UserError(self.env._("An invoice is protested once at a time: choose each invoice once."))
        lines = self.env["account.move.line"].browse(line_ids)
        self._raise_if_ineligible(lines)
        line_of = {line.id: line for line in lines}
        for vals in vals_list:
            line = line_of[vals["move_line_id"]]
            vals["amount"] = line.amount_residual_currency
            vals["due_date"] = line.date_maturity
            vals.setdefault("title_number", self._title_number(line))
            if "user_id" not in vals:
                vals["user_id"] = self._default_responsible(line.move_id).id
        return super().create(vals_list)

    def write(self, vals):
        forbidden = (_STEP_FIELDS | _DERIVED_FIELDS | {"amount"}) & set(vals)
        if forbidden:
            raise UserError(
                self.env._(
                    "%(fields)s cannot be changed by hand: the protest's steps record them (use the buttons at the "
                    "top of the protest), or they follow the invoice.",
                    fields=self._field_labels(forbidden),
                )
            )
        if _TITLE_FIELDS & set(vals) and self.filtered(lambda protest: protest.state != "draft"):
            raise UserError(
                self.env._(
                    "The invoice, amount, title number and notary of a protest sent to the notary cannot change."
                )
            )
        if vals.get("move_id") and not vals.get("move_line_id") and self.move_id.id == vals["move_id"]:
            vals = {key: value for key, value in vals.items() if key != "move_id"}  # same invoice, same instalment
        if vals.get("move_id") or vals.get("move_line_id"):
            move = self.env["account.move"].browse(vals.get("move_id"))
            line = self.env["account.move.line"].browse(vals.get("move_line_id")) or self._default_line(move)
            self._check_line_of_move(line, move)
            self._raise_if_ineligible(line, exclude=self)
            # The title is the new receivable: its open amount and, unless given, its number.
            vals = {
                "title_number": self._title_number(line),
                **vals,
                "move_id": line.move_id.id,
                "move_line_id": line.id,
                "amount": line.amount_residual_currency,
                "due_date": line.date_maturity,
            }
        return super().write(vals)

    @api.model
    def _field_labels(self, names):
        labels = sorted(self._fields[name]._description_string(self.env) for name in names)
        return format_list(self.env, labels)

    @api.onchange("move_id")
    def _onchange_move_id(self):
        if self.move_id and self.move_line_id.move_id != self.move_id:
            self.move_line_id = self._default_line(self.move_id)
        self._onchange_move_line_id()

    @api.onchange("move_line_id")
    def _onchange_move_line_id(self):
        line = self.move_line_id
        if line:
            self.title_number = self._title_number(line)
            self.amount = line.amount_residual_currency
            self.due_date = line.date_maturity

    @api.model
    def _receivable_lines(self, move):
        return move.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable").sorted(
            lambda line: (line.date_maturity or fields.Date.today(), line.id)
        )

    @api.model
    def _default_line(self, move):
        """The title of ``move`` to protest: its oldest overdue open receivable not at the notary yet (the only
        receivable, for most invoices)."""
        receivables = self._receivable_lines(move)
        open_lines = receivables.filtered(lambda line: not line.reconciled)
        # sudo: a protest of another collector still takes its instalment.
        taken = self.sudo().search([("move_line_id", "in", open_lines.ids), ("state", "in", _OPEN_STATES)]).move_line_id
        free = open_lines - taken
        today = self.env["collections.runner"]._today(move.company_id) if move else fields.Date.today()
        overdue = free.filtered(lambda line: line.date_maturity and line.date_maturity < today)
        return (overdue or free or open_lines or receivables)[:1]

    @api.model
    def _title_number(self, line):
        """The invoice number, with the instalment's position when the invoice has several."""
        receivables = self._receivable_lines(line.move_id)
        if len(receivables) < 2:
            return line.move_id.name
        return f"{line.move_id.name}-{list(receivables).index(line) + 1}"

    @api.model
    def _check_line_of_move(self, line, move):
        if not line or line.account_id.account_type != "asset_receivable" or (move and line.move_id != move):
            raise UserError(
                self.env._("Choose a receivable (an instalment) of the invoice to protest: this line is not one.")
            )

    @api.model
    def _default_responsible(self, move):
        """The customer's collector in the invoice's company, else its plan's collector, else the current user."""
        partner = move.commercial_partner_id.with_company(move.company_id)
        user = partner.collections_responsible_id or partner._collections_policy(move.company_id).responsible_id
        if not user and not self.env.user._is_superuser() and not self.env.user._is_public():
            user = self.env.user
        return user

    def _internal_write(self, vals):
        """The steps' own writes: past the guards of ``write``, which no context key can open."""
        result = super().write(vals)
        if "state" in vals:
            self.env["collections.runner"]._refresh_for(self)
        return result

    def _collections_input_rules(self):
        return {
            "amount": (
                POSITIVE_AMOUNT,
                self.env._("only an open receivable can be protested: choose another invoice or instalment."),
            )
        }

    @api.constrains("title_number")
    def _check_title_number(self):
        if self.filtered(lambda protest: not (protest.title_number or "").strip()):
            raise ValidationError(
                self.env._(
                    "Title Number is empty: enter the number on the title the notary protests (by default the "
                    "invoice number)."
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_drafts(self):
        if self.filtered(lambda protest: protest.state != "draft"):
            raise UserError(
                self.env._("Only a draft protest can be deleted; a protest that went to the notary stays on record.")
            )

    # ------------------------------------------------------------------
    # Eligibility
    # ------------------------------------------------------------------

    def _raise_if_ineligible(self, lines, exclude=None):
        problems = self._eligibility_problems(lines, exclude=exclude)
        if problems:
            raise UserError("\n".join(problems.values()))

    @api.model
    def _eligibility_problems(self, lines, exclude=None):
        """Why each receivable cannot be protested, by line id (texts); receivables that can are left out.

        A few queries for any number of receivables: the daily run proposes protests in bulk.
        """
        if not lines:
            return {}
        moves = lines.move_id
        exclude = exclude or self.browse()
        runner = self.env["collections.runner"]
        today_of = {company: runner._today(company) for company in moves.company_id}
        # sudo: the checks must see every dispute, agreement, promise and protest of these invoices, also those
        # of records the user may not open, or the guard would let a second protest through.
        disputes = (
            self.env["collections.dispute"]
            .sudo()
            .search_fetch([("move_ids", "in", moves.ids), ("state", "=", "open")], ["move_ids"])
        )
        negotiations = (
            self.env["collections.negotiation"]
            .sudo()
            .search_fetch([("move_ids", "in", moves.ids), ("state", "in", _NEGOTIATING_STATES)], ["move_ids", "name"])
        )
        promises = (
            self.env["collections.promise"]
            .sudo()
            .search_fetch([("move_ids", "in", moves.ids), ("state", "=", "open")], ["move_ids", "date"])
        )
        protests = self.sudo().search_fetch(
            [("move_line_id", "in", lines.ids), ("state", "in", _OPEN_STATES), ("id", "not in", exclude.ids)],
            ["move_line_id", "name"],
        )
        disputed = set(disputes.move_ids.ids)
        negotiation_of = {move.id: negotiation for negotiation in negotiations for move in negotiation.move_ids}
        promise_of = {move.id: promise for promise in promises for move in promise.move_ids}
        protest_of = {protest.move_line_id.id: protest for protest in protests}
        problems = {}
        for line in lines:
            move = line.move_id
            code = eligibility_problem(
                is_customer_invoice=move.move_type == "out_invoice",
                posted=move.state == "posted",
                residual=0.0 if line.reconciled else line.amount_residual_currency,
                due_date=line.date_maturity or None,
                today=today_of[move.company_id],
                disputed=move.id in disputed,
                negotiating=move.id in negotiation_of,
                promised=move.id in promise_of,
                open_protest=line.id in protest_of,
            )
            if code:
                problems[line.id] = self._eligibility_text(
                    code, line, negotiation_of.get(move.id), promise_of.get(move.id), protest_of.get(line.id)
                )
        return problems

    def _eligibility_text(self, code, line, negotiation, promise, protest):
        move = line.move_id
        invoice = move.name or move.display_name
        texts = {
            "not_invoice": self.env._(
                "%(invoice)s is not a customer invoice: only customer invoices can be protested.", invoice=invoice
            ),
            "draft": self.env._("%(invoice)s is not posted: confirm it before protesting it.", invoice=invoice),
            "negotiation": self.env._(
                "%(invoice)s is part of agreement %(agreement)s: cancel the agreement, or wait until it is broken, "
                "before protesting.",
                invoice=invoice,
                agreement=negotiation and negotiation.name,
            ),
            "paid": self.env._("%(invoice)s is paid: there is nothing to protest.", invoice=invoice),
            "not_due": self.env._(
                "%(invoice)s is not overdue (due %(date)s): a title is protested only after its due date.",
                invoice=invoice,
                date=format_date(self.env, line.date_maturity) if line.date_maturity else "-",
            ),
            "disputed": self.env._(
                "The customer disputes %(invoice)s: resolve the dispute before protesting.", invoice=invoice
            ),
            "promise": self.env._(
                "The customer promised to pay %(invoice)s by %(date)s: wait until the promise is kept or broken.",
                invoice=invoice,
                date=promise and format_date(self.env, promise.date),
            ),
            "open_protest": self.env._(
                "%(invoice)s already has protest %(protest)s in progress: a receivable is protested once at a time.",
                invoice=invoice,
                protest=protest and protest.display_name,
            ),
        }
        return texts[code]

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _dates(self):
        return ProtestDates(
            sent=self.sent_date or None,
            protocol=self.protocol_date or None,
            notification=self.notification_date or None,
            protest=self.protest_date or None,
            settlement=self.settlement_date or None,
            release_letter=self.release_letter_date or None,
        )

    def _today(self):
        return self.env["collections.runner"]._today(self.company_id)

    def _do_step(self, action, when=None, values=None):
        """Apply one lifecycle step dated ``when``; every guard runs before anything is written."""
        self.ensure_one()
        values = values or {}
        problem = step_problem(
            action,
            self.state,
            when or None,
            today=self._today(),
            dates=self._dates(),
            deadline=self.deadline_date or None,
        )
        if problem:
            raise UserError(self._step_problem_text(action, problem, when))
        vals = getattr(self, f"_step_{action}")(when, values)
        vals["state"] = target_state(action)
        self._internal_write(vals)
        note = (values.get("note") or "").strip()
        self.message_post(body=self._step_message(action, when, note))
        if vals["state"] in ("protested", "settled", "cancelled"):
            self.partner_id._collections_sync_protest_warning()
        if vals["state"] in ("paid", "withdrawn", "cancelled", "settled", "protested"):
            # The tasks of the previous step (deadline, paid invoice) are answered by this one.
            self._own_tasks().action_feedback(feedback=self._step_message(action, when, note))
        return True

    def _step_problem_text(self, action, problem, when):
        label = self._action_label(action)
        state = dict(self._fields["state"]._description_selection(self.env)).get(self.state, self.state)
        dates = {
            "before_sent": (self.env._("sent to the notary"), self.sent_date),
            "before_protocol": (self.env._("protocolled"), self.protocol_date),
            "before_notification": (self.env._("notified"), self.notification_date),
            "before_deadline": (self.env._("the last day to pay"), self.deadline_date),
            "before_protest": (self.env._("protested"), self.protest_date),
            "before_settlement": (self.env._("settled"), self.settlement_date),
            "before_release_letter": (self.env._("given its release letter"), self.release_letter_date),
        }
        if problem == "state":
            return self.env._(
                "%(step)s is not possible for a protest that is '%(state)s'.",
                step=label,
                state=state,
            )
        if problem == "missing":
            return self.env._("Give the date of the step '%(step)s'.", step=label)
        if problem == "future":
            return self.env._(
                "The date of '%(step)s' (%(date)s) is in the future: record a step once it happened.",
                step=label,
                date=format_date(self.env, when),
            )
        if problem == "window_closed":
            return self.env._(
                "The window to withdraw closed on %(deadline)s: after the last day the notary registers the "
                "protest. Record what the notary did (protested), or suspend it with a court order.",
                deadline=format_date(self.env, self.deadline_date),
            )
        if problem == "no_release_letter":
            return self.env._(
                "The notary cancels a protest with the release letter: issue it first ('Send Release Letter' or "
                "'Issue for Printing')."
            )
        if problem == "before_deadline":
            return self.env._(
                "The debtor may pay until %(deadline)s: the notary registers the protest only when that day is "
                "over. If the notary's date is right, check the bank holidays of rule %(rule)s.",
                deadline=format_date(self.env, self.deadline_date),
                rule=self.rule_id.display_name or "-",
            )
        what, earliest = dates[problem]
        return self.env._(
            "The date of '%(step)s' (%(date)s) is before the protest was %(what)s (%(earliest)s): check the date.",
            step=label,
            date=format_date(self.env, when),
            what=what,
            earliest=format_date(self.env, earliest),
        )

    def _action_label(self, action):
        return {
            "send": self.env._("Send to the notary"),
            "protocol": self.env._("Protocol"),
            "notify": self.env._("Debtor notified"),
            "pay": self.env._("Paid at the notary"),
            "withdraw": self.env._("Withdraw"),
            "suspend": self.env._("Suspend by court order"),
            "protest": self.env._("Protested"),
            "settle": self.env._("Settle"),
            "cancel": self.env._("Cancel"),
        }[action]

    def _step_message(self, action, when, note):
        lines = [
            self.env._(
                "%(step)s: %(date)s.",
                step=self._action_label(action),
                date=format_date(self.env, when) if when else self.env._("proposal discarded"),
            )
        ]
        if action == "protocol" and self.deadline_date:
            lines.append(
                self.env._(
                    "The debtor may pay until %(deadline)s (rule %(rule)s).",
                    deadline=format_date(self.env, self.deadline_date),
                    rule=self.rule_id.display_name,
                )
            )
        if action == "notify" and self.deadline_date:
            lines.append(
                self.env._("Last day to pay: %(deadline)s.", deadline=format_date(self.env, self.deadline_date))
            )
        if note:
            lines.append(note)
        return Markup("<br/>").join(lines)

    def _check_manager(self, what):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can %(what)s.", what=what))

    def _step_send(self, when, values):
        self._check_manager(self.env._("send a protest to the notary"))
        if not values.get("send_means"):
            raise UserError(self.env._("Say how the title goes to the notary: bank, protest center or in person."))
        if not self.move_line_id:
            raise UserError(
                self.env._("The instalments of the invoice changed since this draft: choose the instalment to protest.")
            )
        self._raise_if_ineligible(self.move_line_id, exclude=self)
        notary = self.notary_id
        if not notary:
            raise UserError(self.env._("Choose the notary office before sending the protest."))
        if not notary.collections_is_notary:
            raise UserError(
                self.env._(
                    "%(partner)s is not flagged as a notary office: tick 'Notary Office' on the contact.",
                    partner=notary.display_name,
                )
            )
        if not self.partner_id.vat:
            raise UserError(
                self.env._(
                    "%(customer)s has no tax ID (CPF/CNPJ); the notary needs it: fill it in on the customer.",
                    customer=self.partner_id.display_name,
                )
            )
        rule = self.env["collections.protest.rule"]._for_notary(self.company_id, notary)
        return {
            "user_id": self.user_id.id or self.env.uid,
            "sent_date": when,
            "send_means": values["send_means"],
            "rule_id": rule.id,
            "amount": self.move_line_id.amount_residual_currency,
            "name": self.env["ir.sequence"].with_company(self.company_id).next_by_code("collections.protest")
            or self.name,
        }

    def _rule(self):
        if not self.rule_id:
            raise UserError(self.env._("This protest has no rule (it was deleted): it cannot compute the last day."))
        return self.rule_id

    def _step_protocol(self, when, values):
        number = (values.get("protocol_number") or "").strip()
        if not number:
            raise UserError(self.env._("Enter the protocol number the notary gave the title."))
        return {
            "protocol_number": number,
            "protocol_date": when,
            "deadline_date": self._rule()._deadline(when, self.notification_date),
        }

    def _step_notify(self, when, values):
        return {
            "notification_date": when,
            "deadline_date": self._rule()._deadline(self.protocol_date, when) or self.deadline_date,
        }

    def _step_pay(self, when, values):
        received = values.get("amount_received") or 0.0
        retained = values.get("retained_costs") or 0.0
        currency = self.currency_id
        if currency.compare_amounts(received, 0) <= 0 or currency.compare_amounts(retained, 0) < 0:
            raise UserError(
                self.env._(
                    "Enter the amount the notary passed on (above zero) and the fees it retained (zero or more)."
                )
            )
        residual = self._open_amount()
        if currency.compare_amounts(received + retained, residual):
            raise UserError(
                self.env._(
                    "The notary passed on %(received)s and retained %(retained)s, together %(total)s, but %(invoice)s "
                    "has %(residual)s open: the debtor pays the whole title at the notary. Check the amounts.",
                    received=currency.format(received),
                    retained=currency.format(retained),
                    total=currency.format(received + retained),
                    invoice=self.title_number or self.move_id.name,
                    residual=currency.format(residual),
                )
            )
        payment = self._register_notary_payment(when, received, retained, values.get("journal_id"))
        if currency.compare_amounts(retained, 0) > 0:
            self.env["collections.protest.cost"]._internal_create(
                {
                    "protest_id": self.id,
                    "date": when,
                    "name": self.env._("Fees retained by the notary"),
                    "amount": retained,
                    "paid_by": "creditor",
                    "retained": True,
                }
            )
        return {"paid_date": when, "payment_id": payment.id}

    def _register_notary_payment(self, when, received, retained, journal_id):
        """Pay the invoice with what the notary passed on; its retained fees close the rest as a cost."""
        journal = self.env["account.journal"].browse(journal_id) or self.company_id.collections_protest_journal_id
        if not journal or journal.type not in ("bank", "cash") or journal.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "Choose the bank or cash journal of %(company)s where the notary's transfer arrived (default in "
                    "Collections > Configuration > Settings > Notary protest).",
                    company=self.company_id.name,
                )
            )
        write_off = {}
        if self.currency_id.compare_amounts(retained, 0) > 0:
            account = self.company_id.collections_protest_cost_account_id
            if not account:
                raise UserError(
                    self.env._(
                        "The notary retained fees but %(company)s has no account for protest costs: set it in "
                        "Collections > Configuration > Settings > Notary protest.",
                        company=self.company_id.name,
                    )
                )
            write_off = {
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": account.id,
                "writeoff_label": self.env._("Notary fees retained: %(protest)s", protest=self.name),
            }
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=self.move_line_id.ids)
            .create(
                {
                    "payment_date": when,
                    "journal_id": journal.id,
                    # The amounts are the invoice's: a journal in another currency must not reread them.
                    "currency_id": self.currency_id.id,
                    "amount": received,
                    "communication": self.env._(
                        "Paid at the notary: %(protest)s, protocol %(protocol)s",
                        protest=self.name,
                        protocol=self.protocol_number,
                    ),
                    **write_off,
                }
            )
        )
        return wizard._create_payments()

    def _step_withdraw(self, when, values):
        return {"withdrawal_date": when}

    def _step_suspend(self, when, values):
        reference = (values.get("court_order_reference") or "").strip()
        document = values.get("court_order_file")
        if not reference or not document:
            raise UserError(
                self.env._("A suspension needs the court order: enter its case number and attach the document.")
            )
        attachment = self.env["ir.attachment"].create(
            {
                "name": values.get("court_order_filename") or self.env._("Court order %(case)s", case=reference),
                "datas": document,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "suspension_date": when,
            "court_order_reference": reference,
            "court_order_attachment_id": attachment.id,
        }

    def _step_protest(self, when, values):
        return {"protest_date": when}

    def _open_amount(self):
        """What the protested receivable still owes, in the invoice's currency."""
        line = self.move_line_id
        return 0.0 if line.reconciled else line.amount_residual_currency

    def _is_paid(self):
        # A protest whose receivable is gone (its invoice was reset and rebuilt) is not "paid".
        return bool(self.move_line_id) and self.currency_id.is_zero(self._open_amount())

    def _step_settle(self, when, values):
        if not self._is_paid():
            raise UserError(
                self.env._(
                    "%(title)s still has %(residual)s open: register the customer's payment on the invoice first, "
                    "then settle the protest.",
                    title=self.title_number or self.move_id.name,
                    residual=self.currency_id.format(self._open_amount()),
                )
            )
        return {"settlement_date": when}

    def _step_cancel(self, when, values):
        return {"cancel_date": when or self._today()}

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _open_step(self, action):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self._action_label(action),
            "res_model": "collections.protest.step",
            "view_mode": "form",
            "target": "new",
            "context": {"default_protest_id": self.id, "default_action": action},
        }

    def action_send(self):
        return self._open_step("send")

    def action_protocol(self):
        return self._open_step("protocol")

    def action_notify(self):
        return self._open_step("notify")

    def action_pay(self):
        return self._open_step("pay")

    def action_withdraw(self):
        return self._open_step("withdraw")

    def action_suspend(self):
        return self._open_step("suspend")

    def action_protest(self):
        return self._open_step("protest")

    def action_settle(self):
        return self._open_step("settle")

    def action_cancel(self):
        return self._open_step("cancel")

    def action_discard(self):
        """Drop proposals that will not go to the notary; the daily run does not propose them again."""
        if self.filtered("proposed_level_id"):
            self._check_manager(self.env._("discard a protest proposed by the follow-up"))
        for protest in self:
            protest._do_step("cancel")
        return True

    # ------------------------------------------------------------------
    # Costs
    # ------------------------------------------------------------------

    def _log_costs(self, costs, title):
        for protest in self:
            lines = [
                self.env._(
                    "%(description)s: %(amount)s, paid by %(who)s",
                    description=cost.name,
                    amount=cost.currency_id.format(cost.amount),
                    who=dict(cost._fields["paid_by"]._description_selection(self.env)).get(cost.paid_by),
                )
                for cost in costs.filtered(lambda cost, protest=protest: cost.protest_id == protest)
            ]
            if lines:
                protest.message_post(body=Markup("<br/>").join([title, *lines]))

    def action_rebill_costs(self):
        """A draft customer invoice for the fees we paid and did not re-bill yet."""
        self.ensure_one()
        costs = self.cost_ids.filtered(lambda cost: cost.paid_by == "creditor" and not cost._is_rebilled())
        if not costs:
            raise UserError(
                self.env._("There is no cost paid by us left to re-bill: add the notary's fees under Costs first.")
            )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "invoice_origin": self.name or self.title_number,
                "ref": self.env._("Protest costs %(protest)s", protest=self.name or self.display_name),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "%(description)s (protest %(protest)s of %(invoice)s)",
                                description=cost.name,
                                protest=self.name or self.env._("draft"),
                                invoice=self.move_id.name,
                            ),
                            "quantity": 1,
                            "price_unit": cost.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for cost in costs
                ],
            }
        )
        costs._internal_write({"rebill_move_id": invoice.id})
        self.message_post(
            body=self.env._(
                "Costs of %(amount)s re-billed to the customer on draft invoice %(invoice)s.",
                amount=self.currency_id.format(sum(costs.mapped("amount"))),
                invoice=invoice.display_name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    # ------------------------------------------------------------------
    # Release letter
    # ------------------------------------------------------------------

    def action_issue_release_letter(self):
        return self._issue_release_letter(send_email=True)

    def action_issue_release_letter_print(self):
        return self._issue_release_letter(send_email=False)

    def _check_release_letter_data(self):
        missing = []
        if not self.company_id.vat:
            missing.append(self.env._("the tax ID (CNPJ) of %(company)s", company=self.company_id.name))
        if not self.partner_id.vat:
            missing.append(self.env._("the tax ID (CPF/CNPJ) of %(customer)s", customer=self.partner_id.name))
        if missing:
            raise UserError(
                self.env._(
                    "The release letter needs %(missing)s: fill it in, then issue the letter.",
                    missing=format_list(self.env, missing),
                )
            )

    def _issue_release_letter(self, send_email):
        self.ensure_one()
        if self.state != "settled":
            raise UserError(
                self.env._("A release letter is issued once the debt is settled: settle the protest first.")
            )
        if self.release_letter_attachment_id:
            raise UserError(
                self.env._(
                    "The release letter was issued on %(date)s; it is attached to the protest.",
                    date=format_date(self.env, self.release_letter_date),
                )
            )
        self._check_release_letter_data()
        if send_email and not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(customer)s has no e-mail address: add one on the customer, or use 'Issue for Printing' and "
                    "hand the letter over.",
                    customer=self.partner_id.display_name,
                )
            )
        self._internal_write({"release_letter_date": self._today(), "release_letter_user_id": self.env.uid})
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "collections_addon.action_report_protest_release_letter", self.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Release letter %(protest)s.pdf", protest=self.name.replace("/", "-")),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self._internal_write({"release_letter_attachment_id": attachment.id})
        self._own_tasks().action_feedback(feedback=self.env._("Release letter issued."))
        if send_email:
            self.message_post_with_source(
                "collections_addon.mail_template_collections_protest_release",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[attachment.id],
            )
        else:
            self.message_post(body=self.env._("Release letter issued for printing."), attachment_ids=[attachment.id])
        return True

    def action_send_release_letter(self):
        """Send the issued letter (again) through the composer, e.g. after issuing it for printing."""
        self.ensure_one()
        if not self.release_letter_attachment_id:
            raise UserError(self.env._("The release letter is not issued yet."))
        template = self.env.ref("collections_addon.mail_template_collections_protest_release")
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment",
                "default_attachment_ids": [Command.set(self.release_letter_attachment_id.ids)],
                "force_email": True,
            },
        }

    def action_download_release_letter(self):
        self.ensure_one()
        if not self.release_letter_attachment_id:
            raise UserError(self.env._("The release letter is not issued yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.release_letter_attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Proposals from the follow-up
    # ------------------------------------------------------------------

    @api.model
    def _propose_for_level(self, level, lines, responsible_of=None):
        """Draft protests of the receivables ``lines`` reached by ``level``, once each, for a manager to review.

        A receivable that ever had a protest (a discarded proposal included) is not proposed again.
        ``responsible_of`` maps line ids to the collector the run already knows.
        """
        responsible_of = responsible_of or {}
        if not lines:
            return self.browse()
        # sudo: the run proposes for every collector's customers, whoever runs it; see _eligibility_problems.
        known = set(self.sudo().search_fetch([("move_line_id", "in", lines.ids)], ["move_line_id"]).move_line_id.ids)
        candidates = lines.filtered(lambda line: line.id not in known)
        problems = self._eligibility_problems(candidates)
        eligible = candidates.filtered(lambda line: line.id not in problems)
        if not eligible:
            return self.browse()
        return (
            self.with_context(mail_create_nolog=True, tracking_disable=True)
            .sudo()
            .create(
                [
                    {
                        "move_line_id": line.id,
                        "proposed_level_id": level.id,
                        "user_id": responsible_of[line.id].id
                        if line.id in responsible_of
                        else self._default_responsible(line.move_id).id,
                    }
                    for line in eligible
                ]
            )
            .sudo(False)
        )

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_protest_followup(self):
        """Tasks on the last day to pay, for invoices paid outside the notary and for missing release letters;
        protested invoices paid since are settled. Each protest is handled once per fact, so a second run adds
        nothing."""
        protests = self.search(
            [
                "|",
                ("state", "in", (*_WINDOW_STATES, "protested")),
                "&",
                ("state", "=", "settled"),
                ("release_letter_date", "=", False),
            ]
        )
        for protest in protests:
            lang = protest.user_id.lang or protest.company_id.partner_id.lang
            try:
                with self.env.cr.savepoint():
                    # The tasks are read by the responsible: in their language, not the job's.
                    protest.with_context(lang=lang)._daily_check()
            except Exception:
                _logger.exception("Collections: the daily check of protest %s failed", protest.id)

    def _daily_check(self):
        self.ensure_one()
        today = self._today()
        move = self.move_id
        paid = self._is_paid()
        if self.state in _WINDOW_STATES and paid and not self.paid_reminder_done:
            self._remind(
                self.env._(
                    "%(invoice)s is paid: withdraw protest %(protest)s",
                    invoice=self.title_number or move.name,
                    protest=self.name,
                ),
                self.env._(
                    "The invoice was paid outside the notary. Withdraw the protest before the notary closes on "
                    "%(deadline)s, or the customer is protested for a paid debt.",
                    deadline=format_date(self.env, self.deadline_date) if self.deadline_date else "-",
                ),
                self.deadline_date or today,
            )
            self._internal_write({"paid_reminder_done": True})
        if self.state in ("protocolled", "notified"):
            reminder = deadline_reminder(self.deadline_date or None, today, self.deadline_reminder_date or None)
            if reminder == "last_day":
                self._remind(
                    self.env._("Last day to pay at the notary: %(protest)s", protest=self.name),
                    self.env._(
                        "The debtor may pay until the notary closes today; a withdrawal is possible until then."
                    ),
                    today,
                )
            elif reminder == "outcome":
                self._remind(
                    self.env._("Protest %(protest)s: record the notary's outcome", protest=self.name),
                    self.env._(
                        "The last day to pay was %(deadline)s: record whether the debtor paid at the notary or the "
                        "protest was registered.",
                        deadline=format_date(self.env, self.deadline_date),
                    ),
                    today,
                )
            if reminder:
                self._internal_write({"deadline_reminder_date": today})
        if self.state == "protested" and paid:
            settled_on = max(self._last_payment_date() or today, self.protest_date or today)
            self._do_step("settle", min(settled_on, today))
            self.message_post(body=self.env._("The invoice is paid: protest settled by the daily check."))
        if self.state == "settled" and not self.release_reminder_done:
            days = self.company_id.collections_release_letter_days
            if release_letter_overdue(self.settlement_date, bool(self.release_letter_date), days, today):
                self._remind(
                    self.env._("Issue the release letter of %(protest)s", protest=self.name),
                    self.env._(
                        "The debt was settled on %(date)s: the customer needs the release letter to cancel the "
                        "protest at the notary.",
                        date=format_date(self.env, self.settlement_date),
                    ),
                    today,
                )
                self._internal_write({"release_reminder_done": True})

    def _own_tasks(self):
        protest_type = self.env.ref("collections_addon.mail_activity_type_protest")
        return self.activity_ids.filtered(lambda activity: activity.activity_type_id == protest_type)

    def _remind(self, summary, note, deadline):
        self.activity_schedule(
            "collections_addon.mail_activity_type_protest",
            date_deadline=deadline,
            summary=summary,
            note=note,
            user_id=self._reminder_user().id,
        )

    def _reminder_user(self):
        """The responsible, else a collections manager of the company: never the job's own user."""
        if self.user_id.active:
            return self.user_id
        managers = self.env.ref("collections_addon.group_collections_manager").sudo().user_ids
        manager = managers.filtered(
            lambda user: (
                user.active and not user.share and not user._is_superuser() and self.company_id in user.company_ids
            )
        )[:1]
        return manager or self.env.user

    def _last_payment_date(self):
        partials = self.move_line_id.matched_credit_ids
        dates = [partial.max_date for partial in partials if partial.max_date]
        return max(dates) if dates else None

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Release letter %(protest)s", protest=self.name)

    def _release_letter_values(self):
        """What the notary needs to find the protest and cancel it."""
        self.ensure_one()
        return {
            "creditor": self.company_id.partner_id,
            "debtor": self.partner_id,
            "notary": self.notary_id,
            "signer": self.release_letter_user_id or self.env.user,
        }
