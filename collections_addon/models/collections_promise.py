from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from ..engine import (
    AGREEMENT_PENDING_STATES,
    DEFAULT_PROMISE_GRACE_DAYS,
    DISPUTE_PAUSING_STATES,
    GRACE_DAYS,
    POSITIVE_AMOUNT,
    PROMISE_DATE,
    PROMISE_PAUSING_STATES,
    PROMISE_RECORD_STATES,
    PROMISE_STEPS,
    pause_until,
    promise_status,
    to_decimal,
)
from .collections_case_mixin import ANSWER_SOURCE_SELECTION, OPEN_INVOICES_OF_THE_CUSTOMER

_STATE_LABELS = {"open": "Open", "kept": "Kept", "broken": "Broken", "cancelled": "Cancelled"}


class CollectionsPromise(models.Model):
    _name = "collections.promise"
    _inherit = ["collections.guarded.mixin", "collections.case.mixin", "mail.thread", "collections.input.mixin"]
    _description = "Promise to Pay"
    _order = "date desc, id desc"
    _check_company_auto = True

    # Set when the promise is made, then only by the daily job: a promise is cancelled and made again, not edited.
    _guarded_fields = frozenset(
        {"partner_id", "company_id", "move_ids", "amount", "date", "grace_days", "residual_at_promise", "state"}
    )
    _guarded_create_free = _guarded_fields - {"state"}
    _guarded_initial = {"state": "open"}

    move_ids = fields.Many2many(
        relation="collections_promise_move_rel",
        column1="promise_id",
        column2="move_id",
        domain=OPEN_INVOICES_OF_THE_CUSTOMER,
    )
    amount = fields.Monetary(required=True, tracking=True)
    date = fields.Date(string="Promised Date", required=True, tracking=True)
    grace_days = fields.Integer(
        string="Grace Days",
        default=lambda self: self._default_grace_days(),
        help="Days after the date before the promise counts as broken.",
    )
    pause_until = fields.Date(
        compute="_compute_pause_until",
        store=True,
        index=True,
        help="The follow-up of these invoices waits until this day.",
    )
    state = fields.Selection(
        [(code, _STATE_LABELS[code]) for code in PROMISE_RECORD_STATES],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    source = fields.Selection(
        ANSWER_SOURCE_SELECTION,
        default="collector",
        required=True,
    )
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user)
    residual_at_promise = fields.Monetary(readonly=True, help="What the invoices still owed when the promise was made.")
    amount_paid = fields.Monetary(string="Paid Since", compute="_compute_amount_paid")
    note = fields.Text()

    _amount_positive = models.Constraint("CHECK(amount > 0)", "A promise to pay needs an amount above zero.")
    _grace_days_positive = models.Constraint("CHECK(grace_days >= 0)", "The grace days cannot be negative.")

    def _collections_input_rules(self):
        return {
            "amount": (POSITIVE_AMOUNT, self.env._("enter the amount the customer promised to pay.")),
            "date": (
                PROMISE_DATE,
                self.env._("enter the day the customer will pay, at most a year ahead (later: propose an agreement)."),
            ),
            "grace_days": (
                GRACE_DAYS,
                self.env._("enter the days the promise may stay unpaid after its date (0: none)."),
            ),
        }

    def _default_grace_days(self):
        partner = self.env["res.partner"].browse(self.env.context.get("default_partner_id"))
        return self._grace_days_for(partner, self.env.company)

    @api.model
    def _grace_days_for(self, partner, company):
        """The grace days of a promise of ``partner`` in ``company``: its plan's, else the engine's default."""
        policy = partner.commercial_partner_id._collections_policy(company) if partner else False
        return policy.promise_grace_days if policy else DEFAULT_PROMISE_GRACE_DAYS

    @api.onchange("move_ids")
    def _onchange_move_ids(self):
        # The customer promises what the chosen invoices owe, unless the collector types less.
        if not self._origin.id:
            self.amount = sum(self.move_ids.mapped("amount_residual_signed"))

    @api.depends("date", "grace_days")
    def _compute_pause_until(self):
        for promise in self:
            promise.pause_until = promise.date and pause_until(promise.date, max(promise.grace_days or 0, 0))

    @api.depends("move_ids.amount_residual", "residual_at_promise")
    def _compute_amount_paid(self):
        for promise in self:
            promise.amount_paid = max(
                promise.residual_at_promise - sum(promise.move_ids.mapped("amount_residual_signed")), 0
            )

    @api.depends("partner_id", "amount", "date")
    def _compute_display_name(self):
        for promise in self:
            promise.display_name = self.env._(
                "%(customer)s: %(amount)s on %(date)s",
                customer=promise.partner_id.display_name or "",
                amount=promise.currency_id.format(promise.amount or 0) if promise.currency_id else promise.amount,
                date=promise.date or "",
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("grace_days") and "grace_days" not in vals and vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"])
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                vals["grace_days"] = self._grace_days_for(partner, company)
        promises = super().create(vals_list)
        for promise in promises:
            promise._check_consistency()
            promise._internal_write({"residual_at_promise": sum(promise.move_ids.mapped("amount_residual_signed"))})
            promise.partner_id.message_post(
                body=self.env._(
                    "Promise to pay %(amount)s by %(date)s.",
                    amount=promise.currency_id.format(promise.amount),
                    date=promise.date,
                )
            )
            self.env["collections.event"]._cancel_pending(
                promise.partner_id.commercial_partner_id,
                promise.company_id,
                self.env._("Cancelled: the customer promised to pay."),
                moves=promise.move_ids,
            )
        self.env["collections.runner"]._refresh_for(promises)
        return promises

    def _guarded_create_error(self, names):
        return self.env._("A promise to pay starts open: the daily job marks it kept or broken.")

    def _guarded_write_error(self, names):
        return self.env._(
            "A promise to pay cannot be changed (%(fields)s): cancel it and record a new one.",
            fields=", ".join(names),
        )

    def _case_foreign_error(self, foreign):
        return self.env._("A promise covers invoices of its own customer only.")

    @api.model
    def _moves_not_promisable(self, moves):
        """Of ``moves``, those a promise may not cover: disputed, or in an agreement under way."""
        disputed = (
            self.env["collections.dispute"]
            .sudo()
            .search([("state", "in", DISPUTE_PAUSING_STATES), ("move_ids", "in", moves.ids)])
            .move_ids
        )
        in_agreement = (
            self.env["collections.negotiation"]
            .sudo()
            .search([("state", "in", AGREEMENT_PENDING_STATES), ("move_ids", "in", moves.ids)])
            .move_ids
        )
        return moves & (disputed | in_agreement)

    def _check_consistency(self):
        for promise in self:
            if not promise.move_ids:
                raise ValidationError(self.env._("Select the invoices the customer promises to pay."))
            # Another customer's invoices: refused by the case's constraint (_check_case_customer).
            if promise.date < promise.company_id._collections_today():
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is in the past: enter the day the customer will pay.",
                        date=promise.date,
                    )
                )
            overlapping = self.search(
                [
                    ("id", "!=", promise.id),
                    ("state", "in", PROMISE_PAUSING_STATES),
                    ("move_ids", "in", promise.move_ids.ids),
                ],
                limit=1,
            )
            if overlapping:
                raise ValidationError(
                    self.env._(
                        "These invoices already have an open promise (%(promise)s): cancel it first, so that each "
                        "payment counts for one promise.",
                        promise=overlapping.display_name,
                    )
                )
            # sudo in _moves_not_promisable: whether an invoice is disputed or in an agreement, not their details.
            blocked = self._moves_not_promisable(promise.move_ids)
            if blocked:
                raise ValidationError(
                    self.env._(
                        "%(invoices)s cannot be promised: a disputed invoice is settled by resolving the dispute, "
                        "and an invoice in an agreement under way by the agreement. Remove them from the promise.",
                        invoices=", ".join(blocked.mapped("name")),
                    )
                )
            open_amount = sum(promise.move_ids.mapped("amount_residual_signed"))
            if promise.currency_id.compare_amounts(promise.amount, open_amount) > 0:
                raise ValidationError(
                    self.env._(
                        "The promised amount %(amount)s is more than the invoices still owe (%(open)s): enter at most "
                        "what is open.",
                        amount=promise.currency_id.format(promise.amount),
                        open=promise.currency_id.format(open_amount),
                    )
                )

    def action_cancel(self):
        self.filtered(lambda promise: PROMISE_STEPS.allows("cancel", promise.state))._internal_write(
            {"state": PROMISE_STEPS.target("cancel", "open")}
        )
        return True

    @api.model
    def _cron_check_promises(self):
        """Kept once paid, broken once the grace days passed unpaid: on each promise's company business day.

        In bulk: the kept promises, their notes, the broken ones and their tasks, a few queries for any number."""
        promises = self.search([("state", "in", PROMISE_STEPS.sources("keep"))])
        today = {company: company._collections_today() for company in promises.company_id}
        states = {
            promise: promise_status(
                to_decimal(promise.amount),
                promise.date,
                promise.grace_days,
                to_decimal(promise.amount_paid),
                today[promise.company_id],
            ).state
            for promise in promises
        }
        kept = promises.filtered(lambda promise: states[promise] == "kept")
        for state, group in kept.grouped("state").items():
            group._internal_write({"state": PROMISE_STEPS.target("keep", state)})
        self.env["collections.batch"]._log_notes(
            [
                (promise.partner_id, self.env._("Promise to pay kept: %(promise)s.", promise=promise.display_name))
                for promise in kept
            ]
        )
        promises.filtered(lambda promise: states[promise] == "broken")._mark_broken()

    def _mark_broken(self):
        """Broken: a note and a task for the collector each, and the customers back on the worklist at once."""
        if not self:
            return
        for state, group in self.grouped("state").items():
            group._internal_write({"state": PROMISE_STEPS.target("break", state)})
        messages = {
            promise: self.env._(
                "Promise to pay broken: %(promise)s (paid %(paid)s). The follow-up of these invoices resumes.",
                promise=promise.display_name,
                paid=promise.currency_id.format(promise.amount_paid),
            )
            for promise in self
        }
        Batch = self.env["collections.batch"]
        Batch._log_notes([(promise.partner_id.commercial_partner_id, messages[promise]) for promise in self])
        levels = {}
        for company, promises in self.grouped("company_id").items():
            for partner in promises.partner_id.commercial_partner_id.with_company(company):
                levels[partner.id, company.id] = partner.collections_level_id.id
        # sudo: the event log is written by the follow-up only; a broken promise is one of its steps.
        events = (
            self.env["collections.event"]
            .sudo()
            .create([promise._broken_event_values(levels, messages[promise]) for promise in self])
        )
        # sudo: the task goes to the collector, whoever runs the daily job.
        tasks = Batch._schedule_activities(
            [
                (
                    promise.partner_id.commercial_partner_id,
                    "mail.mail_activity_data_todo",
                    {
                        "summary": self.env._("Promise to pay broken"),
                        "note": messages[promise],
                        "user_id": promise.user_id.id or self.env.user.id,
                    },
                )
                for promise in self
            ],
            sudo=True,
        )
        for event, task in zip(events, tasks, strict=True):
            event.activity_id = task
        # Back on the worklist at once, with the reason.
        for company, promises in self.grouped("company_id").items():
            self.env["collections.runner"]._refresh_partners(promises.partner_id.commercial_partner_id, company)

    def _broken_event_values(self, levels, message):
        partner = self.partner_id.commercial_partner_id
        return {
            "partner_id": partner.id,
            "company_id": self.company_id.id,
            "level_id": levels.get((partner.id, self.company_id.id)) or False,
            "channel": "promise",
            "state": "failed",
            "manual": True,
            "move_ids": [Command.set(self.move_ids.ids)],
            "amount_due": sum(self.move_ids.mapped("amount_residual_signed")),
            "user_id": self.user_id.id,
            "error": message,
        }
