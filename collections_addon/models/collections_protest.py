"""A notary protest of one receivable: its fields, the guard on writing them, its onchanges and constraints.

The model spans several files, one concern each (``_inherit = "collections.protest"``):
``collections_protest_title`` (which receivable, whether it may be protested), ``collections_protest_steps``
(the lifecycle through the engine's table), ``collections_protest_payment`` (payment at the notary, costs),
``collections_protest_release`` (the release letter), ``collections_protest_daily`` (proposals, the daily job)
and ``collections_protest_board`` (names, urgency, the board).
"""

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_list

from ..engine import POSITIVE_AMOUNT, days_to_settlement
from ..engine.protest import OPEN_STATES, PROTEST_STATES, SEND_MEANS
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE, open_invoice_domain_text

# Follow the invoice: never written by hand.
_DERIVED_FIELDS = {"partner_id", "company_id", "currency_id"}

# The codes are the engine's (engine/protest.py); only their labels live here.
_STATE_LABELS = {
    "draft": "Draft",
    "sent": "Sent to the Notary",
    "protocolled": "Protocolled",
    "notified": "Debtor Notified",
    "paid": "Paid at the Notary",
    "withdrawn": "Withdrawn",
    "suspended": "Suspended by Court Order",
    "protested": "Protested",
    "settled": "Settled",
    "cancelled": "Cancelled",
}
PROTEST_STATE_SELECTION = [(state, _STATE_LABELS[state]) for state in PROTEST_STATES]
_SEND_MEANS_LABELS = {
    "bank": "Bank instruction",
    "center": "Protest center (CRA/CENPROT)",
    "in_person": "In person",
}
# Also the step wizard's.
SEND_MEANS_SELECTION = [(means, _SEND_MEANS_LABELS[means]) for means in SEND_MEANS]
# A receivable is protested once at a time: a second protest waits until the first ends.
_OPEN_STATES_SQL = ", ".join(f"'{state}'" for state in PROTEST_STATES if state in OPEN_STATES)

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

# What a new protest's stored computes would give at its creation (its title's company, customer and currency;
# no costs; nothing recovered): inserted with the protest, not computed and written again after the insert. The
# amounts are left empty, which Odoo reads, searches and sums as zero: each amount given would cost a lookup of
# the currency per protest, and the run proposes thousands.
_TITLE_COMPUTES = ("company_id", "partner_id", "currency_id")
_COST_COMPUTES = ("cost_creditor", "cost_debtor", "cost_to_rebill")
_RECOVERY_COMPUTES = ("recovered_amount", "days_to_settlement")
_RECOVERY_DATES = ("paid_date", "settlement_date", "protest_date")


class CollectionsProtest(models.Model):
    _name = "collections.protest"
    _inherit = ["collections.guarded.mixin", "mail.thread", "mail.activity.mixin", "collections.input.mixin"]
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
        domain=open_invoice_domain_text(prefix="('move_type', '=', 'out_invoice')"),
    )
    # Not required in the database: when an invoice is reset to draft and its terms change, Odoo recreates
    # its receivable lines; a protest that never reached the notary (or a closed one) keeps its history.
    move_line_id = fields.Many2one(
        "account.move.line",
        string="Instalment",
        index=True,
        ondelete="set null",
        check_company=True,
        domain=f"[('move_id', '=', move_id), ('account_type', '=', '{RECEIVABLE_ACCOUNT_TYPE}'), "
        "('reconciled', '=', False)]",
        help="The receivable of the invoice that is protested: each instalment of an invoice is its own title.",
    )
    # Not precomputed: a run proposes thousands of protests, and the related values are then computed for all
    # of them at once after the insert instead of on a new record each.
    company_id = fields.Many2one(related="move_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(related="move_id.commercial_partner_id", string="Customer", store=True, index=True)
    currency_id = fields.Many2one(related="move_id.currency_id", store=True)
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
        SEND_MEANS_SELECTION,
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
        f"(move_line_id) WHERE state IN ({_OPEN_STATES_SQL})",
        "This invoice already has a protest in progress: a receivable is protested once at a time.",
    )
    _amount_positive = models.Constraint(
        "CHECK(amount > 0)", "The protested amount must be above zero: only an open invoice can be protested."
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------

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
        protests = super().create(vals_list)
        # Computed again after the insert, these would cost an UPDATE of every protest the run proposes; the
        # values were completed in place by _guarded_complete_create.
        created = list(zip(protests, vals_list, strict=True))
        settled = {
            _TITLE_COMPUTES: [protest.id for protest, vals in created if "currency_id" in vals],
            _COST_COMPUTES: [protest.id for protest, vals in created if not vals.get("cost_ids")],
            _RECOVERY_COMPUTES: [protest.id for protest, vals in created if "days_to_settlement" in vals],
        }
        for names, ids in settled.items():
            for name in names:
                self.env.remove_to_compute(self._fields[name], protests.browse(ids))
        return protests

    # ------------------------------------------------------------------
    # The write guard (collections.guarded.mixin): steps' fields, and what follows the invoice
    # ------------------------------------------------------------------

    _guarded_fields = frozenset(_STEP_FIELDS | _DERIVED_FIELDS | {"amount"})
    _guarded_create_free = frozenset({"proposed_level_id"})
    _guarded_initial = {"state": "draft"}
    _guarded_frozen_fields = frozenset(_TITLE_FIELDS)
    _guarded_editable_states = ("draft",)

    @api.model
    def _guarded_create_error(self, names):
        return self.env._(
            "A new protest starts as a draft: %(fields)s cannot be given when it is created (its steps "
            "record them, or they follow the invoice).",
            fields=self._field_labels(names),
        )

    def _guarded_write_error(self, names):
        return self.env._(
            "%(fields)s cannot be changed by hand: the protest's steps record them (use the buttons at the "
            "top of the protest), or they follow the invoice.",
            fields=self._field_labels(names),
        )

    def _guarded_frozen_error(self, names):
        return self.env._("The invoice, amount, title number and notary of a protest sent to the notary cannot change.")

    @api.model
    def _guarded_complete_create(self, vals_list):
        """The title of each new protest: its receivable, open amount, due date, number and responsible."""
        super()._guarded_complete_create(vals_list)
        if any(not vals.get("move_id") and not vals.get("move_line_id") for vals in vals_list):
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
        unnumbered = [vals["move_line_id"] for vals in vals_list if "title_number" not in vals]
        numbers = self._title_numbers(self.env["account.move.line"].browse(unnumbered)) if unnumbered else {}
        for vals in vals_list:
            line = line_of[vals["move_line_id"]]
            move = line.move_id
            # The invoice's company, customer and currency, given rather than computed after the insert: the
            # amount's currency would be computed record by record there (the run proposes thousands at once).
            vals.update(
                company_id=move.company_id.id, partner_id=move.commercial_partner_id.id, currency_id=move.currency_id.id
            )
            if not any(vals.get(name) for name in _RECOVERY_DATES):
                vals["days_to_settlement"] = 0
            vals["amount"] = line.amount_residual_currency
            vals["due_date"] = line.date_maturity
            if "title_number" not in vals:
                vals["title_number"] = numbers[line.id]
            if "user_id" not in vals:
                vals["user_id"] = self._default_responsible(line.move_id).id

    def _guarded_complete_write(self, vals):
        """A new invoice or instalment is a new title: its open amount, due date and (unless given) number."""
        vals = super()._guarded_complete_write(vals)
        if vals.get("move_id") and not vals.get("move_line_id") and self.move_id.id == vals["move_id"]:
            vals = {key: value for key, value in vals.items() if key != "move_id"}  # same invoice, same instalment
        if vals.get("move_id") or vals.get("move_line_id"):
            move = self.env["account.move"].browse(vals.get("move_id"))
            line = self.env["account.move.line"].browse(vals.get("move_line_id")) or self._default_line(move)
            self._check_line_of_move(line, move)
            self._raise_if_ineligible(line, exclude=self)
            vals = {
                "title_number": self._title_number(line),
                **vals,
                "move_id": line.move_id.id,
                "move_line_id": line.id,
                "amount": line.amount_residual_currency,
                "due_date": line.date_maturity,
            }
        return vals

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
