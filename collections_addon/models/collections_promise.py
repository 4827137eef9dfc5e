from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Command

from ..engine import GRACE_DAYS, POSITIVE_AMOUNT, PROMISE_DATE, pause_until, promise_status, to_decimal

# Set when the promise is made, then only by the daily job: a promise is cancelled and made again, not edited.
_LOCKED_FIELDS = {
    "partner_id",
    "company_id",
    "move_ids",
    "amount",
    "date",
    "grace_days",
    "residual_at_promise",
    "state",
}


class CollectionsPromise(models.Model):
    _name = "collections.promise"
    _inherit = ["mail.thread", "collections.input.mixin"]
    _description = "Promise to Pay"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        "collections_promise_move_rel",
        "promise_id",
        "move_id",
        string="Invoices",
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'posted'), "
        "('payment_state', 'in', ('not_paid', 'partial'))]",
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
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    source = fields.Selection(
        [("collector", "Collector"), ("call", "Call"), ("portal", "Customer portal")],
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
        policy = partner.commercial_partner_id._collections_policy(self.env.company) if partner else False
        return policy.promise_grace_days if policy else 2

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
            if "state" in vals and vals["state"] != "open":
                raise UserError(self.env._("A promise to pay starts open: the daily job marks it kept or broken."))
            if not vals.get("grace_days") and "grace_days" not in vals and vals.get("partner_id"):
                partner = self.env["res.partner"].browse(vals["partner_id"]).commercial_partner_id
                company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
                policy = partner._collections_policy(company)
                vals["grace_days"] = policy.promise_grace_days if policy else 2
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

    def write(self, vals):
        locked = _LOCKED_FIELDS & set(vals)
        if locked:
            raise UserError(
                self.env._(
                    "A promise to pay cannot be changed (%(fields)s): cancel it and record a new one.",
                    fields=", ".join(sorted(locked)),
                )
            )
        return super().write(vals)

    def _internal_write(self, vals):
        """The promise's own steps (kept, broken, cancelled): past the guards of ``write``, which no context key
        can open."""
        result = super().write(vals)
        if "state" in vals:
            self.env["collections.runner"]._refresh_for(self)
        return result

    @api.model
    def _moves_not_promisable(self, moves):
        """Of ``moves``, those a promise may not cover: disputed, or in an agreement under way."""
        disputed = (
            self.env["collections.dispute"]
            .sudo()
            .search([("state", "=", "open"), ("move_ids", "in", moves.ids)])
            .move_ids
        )
        in_agreement = (
            self.env["collections.negotiation"]
            .sudo()
            .search([("state", "in", ("proposed", "to_approve", "accepted")), ("move_ids", "in", moves.ids)])
            .move_ids
        )
        return moves & (disputed | in_agreement)

    def _check_consistency(self):
        today = fields.Date.context_today(self)
        for promise in self:
            if not promise.move_ids:
                raise ValidationError(self.env._("Select the invoices the customer promises to pay."))
            partner = promise.partner_id.commercial_partner_id
            if promise.move_ids.filtered(lambda move, partner=partner: move.commercial_partner_id != partner):
                raise ValidationError(self.env._("A promise covers invoices of its own customer only."))
            if promise.date < today:
                raise ValidationError(
                    self.env._(
                        "The promised date %(date)s is in the past: enter the day the customer will pay.",
                        date=promise.date,
                    )
                )
            overlapping = self.search(
                [("id", "!=", promise.id), ("state", "=", "open"), ("move_ids", "in", promise.move_ids.ids)], limit=1
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
        self.filtered(lambda promise: promise.state == "open")._internal_write({"state": "cancelled"})
        return True

    @api.model
    def _cron_check_promises(self):
        today = fields.Date.context_today(self)
        for promise in self.search([("state", "=", "open")]):
            status = promise_status(
                to_decimal(promise.amount), promise.date, promise.grace_days, to_decimal(promise.amount_paid), today
            )
            if status.state == "kept":
                promise._internal_write({"state": "kept"})
                promise.partner_id.message_post(
                    body=self.env._("Promise to pay kept: %(promise)s.", promise=promise.display_name)
                )
            elif status.state == "broken":
                promise._mark_broken()

    def _mark_broken(self):
        self.ensure_one()
        self._internal_write({"state": "broken"})
        partner = self.partner_id.commercial_partner_id
        message = self.env._(
            "Promise to pay broken: %(promise)s (paid %(paid)s). The follow-up of these invoices resumes.",
            promise=self.display_name,
            paid=self.currency_id.format(self.amount_paid),
        )
        partner.message_post(body=message)
        # sudo: the event log is written by the follow-up only; a broken promise is one of its steps.
        event = (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "level_id": partner.with_company(self.company_id).collections_level_id.id,
                    "channel": "promise",
                    "state": "failed",
                    "manual": True,
                    "move_ids": [Command.set(self.move_ids.ids)],
                    "amount_due": sum(self.move_ids.mapped("amount_residual_signed")),
                    "user_id": self.user_id.id,
                    "error": message,
                }
            )
        )
        # sudo: the task goes to the collector, whoever runs the daily job.
        event.activity_id = partner.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Promise to pay broken"),
            note=message,
            user_id=self.user_id.id or self.env.user.id,
        )
        # Back on the worklist at once, with the reason.
        self.env["collections.runner"]._refresh_partners(partner, self.company_id)
