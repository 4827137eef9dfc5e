from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Command

from ..engine import (
    AMOUNT,
    CALL_INTERVAL_HOURS,
    CALL_PERIOD_DAYS,
    CONTACT_GAP_DAYS,
    DEFAULT_WINDOWS,
    DISCOUNT_PERCENT,
    GRACE_DAYS,
    INSTALLMENTS,
    MAX_CALLS,
    CallRules,
    ContactRules,
)
from ..engine.calls import DEFAULT_CALL_INTERVAL_HOURS, DEFAULT_CALL_PERIOD_DAYS, DEFAULT_MAX_CALLS
from ..engine.negotiation import (
    DEFAULT_INSTALLMENT_GRACE_DAYS,
    DEFAULT_MAX_DISCOUNT_PERCENT,
    DEFAULT_MAX_INSTALLMENTS,
    DEFAULT_MAX_WAIVER_PERCENT,
)
from ..engine.promise import DEFAULT_PROMISE_GRACE_DAYS


def _default_call_windows():
    return [
        Command.create({"weekday": str(window.weekday), "hour_from": window.start, "hour_to": window.end})
        for window in DEFAULT_WINDOWS
    ]


class CollectionsPolicy(models.Model):
    _name = "collections.policy"
    _inherit = ["collections.input.mixin"]
    _description = "Collections Plan"
    _order = "company_id, sequence, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_kind = fields.Selection(
        [("any", "Any customer"), ("person", "Individuals"), ("company", "Companies")],
        string="Customer Kind",
        required=True,
        default="any",
        help="Which customers get this plan by default: individuals, companies or both.",
    )
    is_default = fields.Boolean(
        string="Default Plan",
        help="Customers of this kind in this company follow this plan unless their form names another one.",
    )
    charges_profile_id = fields.Many2one(
        "collections.charges.profile",
        string="Charges Profile",
        check_company=True,
        help="Fine, interest and correction for the customers of this plan. Empty: the company's default profile.",
    )
    level_ids = fields.One2many("collections.level", "policy_id", string="Levels", copy=True)
    level_count = fields.Integer(compute="_compute_level_count")
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        help="Reminders go out only on this calendar's working days; its public holidays "
        "(time off without a resource) are days off. Empty: Monday to Friday.",
    )
    min_contact_gap = fields.Integer(
        string="Minimum Gap Between Contacts",
        default=3,
        help="At most one contact per customer every this many business days, across all channels.",
    )
    thanks_template_id = fields.Many2one(
        "mail.template",
        string="Thank-you E-mail",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
        help="Sent once when a customer who was reminded has nothing overdue anymore. Empty: no thank-you "
        "(pending calls, WhatsApp messages and letters are cancelled all the same).",
    )
    # The thank-you goes on the channel of the customer's last reminder when the plan has one for it.
    thanks_sms_script_id = fields.Many2one(
        "collections.script",
        string="Thank-you SMS",
        domain="[('channel', '=', 'sms'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
        help="Sent instead of the thank-you e-mail to customers last reminded by SMS. Empty: they are thanked by "
        "e-mail.",
    )
    thanks_whatsapp_script_id = fields.Many2one(
        "collections.script",
        string="Thank-you WhatsApp",
        domain="[('channel', '=', 'whatsapp'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
        help="An approved WhatsApp template sent instead of the thank-you e-mail to customers last reminded by "
        "WhatsApp. Empty, or without a template name: they are thanked by e-mail.",
    )
    responsible_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain="[('share', '=', False)]",
        help="Receives the call and follow-up tasks of customers without a collector of their own.",
    )
    call_window_ids = fields.One2many(
        "collections.call.window",
        "policy_id",
        string="Call Windows",
        copy=True,
        default=lambda self: _default_call_windows(),
        help="When collectors may call, in the customer's local time. Public holidays of the calendar are off.",
    )
    max_calls = fields.Integer(
        string="Maximum Calls",
        default=DEFAULT_MAX_CALLS,
        help="At most this many calls (answered or not) per customer within the call period; 0 = no limit.",
    )
    call_period_days = fields.Integer(string="Call Period (days)", default=DEFAULT_CALL_PERIOD_DAYS)
    min_call_interval_hours = fields.Float(
        string="Minimum Hours Between Calls",
        default=DEFAULT_CALL_INTERVAL_HOURS,
        help="A new call to the same customer is planned at least this many hours after the previous one.",
    )
    max_discount_percent = fields.Float(
        string="Maximum Discount (%)",
        digits=(5, 2),
        default=DEFAULT_MAX_DISCOUNT_PERCENT,
        help="Collectors may offer up to this discount on their own; above it a manager approves.",
    )
    max_waiver_percent = fields.Float(
        string="Maximum Charges Waiver (%)",
        digits=(5, 2),
        default=DEFAULT_MAX_WAIVER_PERCENT,
        help="Collectors may waive up to this share of an agreement's legal charges (fine, interest, correction) "
        "on their own; above it a manager approves.",
    )
    max_installments = fields.Integer(
        string="Maximum Instalments",
        default=DEFAULT_MAX_INSTALLMENTS,
        help="Collectors may offer up to this many instalments on their own; above it a manager approves.",
    )
    min_installment_amount = fields.Monetary(
        string="Minimum Instalment",
        currency_field="currency_id",
        help="No instalment below this amount without a manager's approval. 0: no minimum.",
    )
    installment_grace_days = fields.Integer(
        string="Instalment Grace Days",
        default=DEFAULT_INSTALLMENT_GRACE_DAYS,
        help="An agreement counts as broken when an instalment is still unpaid this many days after its due date.",
    )
    promise_grace_days = fields.Integer(
        string="Promise Grace Days",
        default=DEFAULT_PROMISE_GRACE_DAYS,
        help="A promise to pay counts as broken when it is not paid this many days after the promised date.",
    )
    note = fields.Html(translate=True)

    _min_contact_gap_positive = models.Constraint(
        "CHECK(min_contact_gap >= 0)",
        "The minimum gap between contacts cannot be negative: use 0 to allow a contact every business day.",
    )
    _max_calls_positive = models.Constraint(
        "CHECK(max_calls >= 0)",
        "The maximum number of calls cannot be negative: use 0 for no limit.",
    )
    _call_period_positive = models.Constraint(
        "CHECK(call_period_days >= 1)",
        "The call period must be at least one day.",
    )
    _call_interval_positive = models.Constraint(
        "CHECK(min_call_interval_hours >= 0)",
        "The minimum time between calls cannot be negative: use 0 for no minimum.",
    )
    _negotiation_limits_positive = models.Constraint(
        "CHECK(max_discount_percent >= 0 AND max_discount_percent <= 100 AND max_installments >= 1 "
        "AND min_installment_amount >= 0 AND installment_grace_days >= 0 AND promise_grace_days >= 0)",
        "Negotiation limits: the discount is a percentage between 0 and 100, at least one instalment, and no "
        "negative minimum or grace days.",
    )
    _max_waiver_percent_range = models.Constraint(
        "CHECK(max_waiver_percent >= 0 AND max_waiver_percent <= 100)",
        "The maximum charges waiver is a percentage of the charges between 0 and 100.",
    )
    _one_default_per_kind = models.UniqueIndex(
        "(company_id, partner_kind) WHERE is_default AND active",
        "A company can have only one default plan per customer kind: untick 'Default Plan' on the other one first.",
    )

    def _collections_input_rules(self):
        return {
            "min_contact_gap": (
                CONTACT_GAP_DAYS,
                self.env._("enter the business days between two contacts (0: any day)."),
            ),
            "max_calls": (MAX_CALLS, self.env._("enter the calls allowed in the call period (0: no limit).")),
            "call_period_days": (
                CALL_PERIOD_DAYS,
                self.env._("enter the days the maximum calls count over (7: a week)."),
            ),
            "min_call_interval_hours": (
                CALL_INTERVAL_HOURS,
                self.env._("enter the hours between two calls (0: no minimum)."),
            ),
            "max_discount_percent": (
                DISCOUNT_PERCENT,
                self.env._("enter the discount a collector may give without approval, in percent (0: none)."),
            ),
            "max_waiver_percent": (
                DISCOUNT_PERCENT,
                self.env._("enter the share of the charges a collector may waive without approval, in percent."),
            ),
            "max_installments": (
                INSTALLMENTS,
                self.env._("enter the instalments a collector may offer without approval (1: a single payment)."),
            ),
            "min_installment_amount": (
                AMOUNT,
                self.env._("enter the smallest instalment a collector may offer without approval (0: no minimum)."),
            ),
            "installment_grace_days": (
                GRACE_DAYS,
                self.env._("enter the days an instalment may stay unpaid after its due date (0: none)."),
            ),
            "promise_grace_days": (
                GRACE_DAYS,
                self.env._("enter the days a promise may stay unpaid after its date (0: none)."),
            ),
        }

    def _collections_check_input(self, vals_list):
        """One default plan per company and customer kind, with the plan in the way named (the unique index would
        only say 'duplicate key')."""
        if self and not any({"is_default", "active", "company_id", "partner_kind"} & vals.keys() for vals in vals_list):
            return
        wanted = set()
        for vals in vals_list:
            for policy in self or [None]:
                future = self._collections_future
                if not (future(vals, policy, "is_default", False) and future(vals, policy, "active", True)):
                    continue
                key = (
                    future(vals, policy, "company_id", self.env.company),
                    future(vals, policy, "partner_kind", "any"),
                )
                # sudo: the index covers the plans of every company, also those the user does not work in.
                other = self.sudo().search(
                    [
                        ("company_id", "=", key[0]),
                        ("partner_kind", "=", key[1]),
                        ("is_default", "=", True),
                        ("id", "not in", self.ids),
                    ],
                    limit=1,
                )
                if other or key in wanted:
                    raise ValidationError(
                        self.env._(
                            "A company can have only one default plan per customer kind: untick 'Default Plan' on "
                            "'%(plan)s' first.",
                            plan=other.display_name or vals.get("name") or "",
                        )
                    )
                wanted.add(key)

    def copy_data(self, default=None):
        # A duplicate in the same company starts as an ordinary plan: its company keeps one default per kind.
        vals_list = super().copy_data(default)
        for policy, vals in zip(self, vals_list, strict=True):
            if "is_default" not in (default or {}) and vals.get("company_id") == policy.company_id.id:
                vals["is_default"] = False
        return vals_list

    @api.depends("level_ids")
    def _compute_level_count(self):
        for policy in self:
            policy.level_count = len(policy.level_ids)

    @api.constrains("is_default", "level_ids", "active")
    def _check_default_has_levels(self):
        for policy in self:
            if policy.is_default and policy.active and not policy.level_ids:
                raise ValidationError(
                    self.env._(
                        "The plan '%(plan)s' is a default plan but has no level: add at least one level "
                        "or untick 'Default Plan'.",
                        plan=policy.display_name,
                    )
                )

    @api.constrains("calendar_id")
    def _check_calendar_has_working_days(self):
        for policy in self:
            if policy.calendar_id and not policy.calendar_id.attendance_ids:
                raise ValidationError(
                    self.env._(
                        "The working calendar '%(calendar)s' of plan '%(plan)s' has no working hours: add its "
                        "working days, or leave the calendar empty for Monday to Friday.",
                        calendar=policy.calendar_id.display_name,
                        plan=policy.display_name,
                    )
                )

    @api.constrains("thanks_sms_script_id", "thanks_whatsapp_script_id")
    def _check_thanks_scripts(self):
        for policy in self:
            scripts = (("sms", policy.thanks_sms_script_id), ("whatsapp", policy.thanks_whatsapp_script_id))
            for channel, script in scripts:
                if script and script.channel != channel:
                    raise ValidationError(
                        self.env._(
                            "The thank-you script '%(script)s' of plan '%(plan)s' is not a %(channel)s script: "
                            "choose one of channel %(channel)s.",
                            script=script.display_name,
                            plan=policy.display_name,
                            channel=channel,
                        )
                    )
                if script.company_id and script.company_id != policy.company_id:
                    raise ValidationError(
                        self.env._(
                            "The thank-you script '%(script)s' belongs to another company than plan '%(plan)s'.",
                            script=script.display_name,
                            plan=policy.display_name,
                        )
                    )

    @api.constrains("thanks_template_id")
    def _check_thanks_template(self):
        for policy in self:
            template = policy.thanks_template_id
            if template and template.model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The thank-you e-mail '%(template)s' of plan '%(plan)s' is for '%(model)s': choose a "
                        "template on Contact (res.partner), or leave it empty for no thank-you.",
                        template=template.display_name,
                        plan=policy.display_name,
                        model=template.model,
                    )
                )

    @api.constrains("call_window_ids", "level_ids")
    def _check_call_windows(self):
        for policy in self:
            if not policy.call_window_ids and policy.level_ids.filtered("schedule_call"):
                raise ValidationError(
                    self.env._(
                        "The plan '%(plan)s' has call steps but no call window: add the days and hours "
                        "when collectors may call.",
                        plan=policy.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Engine inputs
    # ------------------------------------------------------------------

    def _call_rules(self, date_from, date_to):
        """Call windows, caps and public holidays in [date_from, date_to]."""
        self.ensure_one()
        return CallRules(
            windows=tuple(window._engine_window() for window in self.call_window_ids) or DEFAULT_WINDOWS,
            holidays=frozenset(self.calendar_id._collections_public_holidays(self.company_id, date_from, date_to)),
            max_calls=self.max_calls,
            period_days=self.call_period_days,
            min_interval_hours=self.min_call_interval_hours,
        )

    def _engine_levels(self):
        self.ensure_one()
        return [level._engine_level() for level in self.level_ids]

    def _engine_rules(self, date_from, date_to):
        """Contact rules with the calendar's working weekdays and public holidays in [date_from, date_to]."""
        self.ensure_one()
        return ContactRules(
            min_gap_business_days=self.min_contact_gap,
            calendar=self._business_calendar(date_from, date_to),
        )

    def _business_calendar(self, date_from, date_to):
        return self.calendar_id._collections_business_calendar(self.company_id, date_from, date_to)

    @api.model
    def _default_for(self, company, is_company):
        """The default plan of ``company`` for a customer (an exact customer kind wins over 'any')."""
        kind = "company" if is_company else "person"
        policies = self.search(
            [("company_id", "=", company.id), ("is_default", "=", True), ("partner_kind", "in", (kind, "any"))]
        )
        return policies.sorted(lambda policy: (policy.partner_kind != kind, policy.sequence, policy.id))[:1]

    def action_open_levels(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Levels"),
            "res_model": "collections.level",
            "view_mode": "list,form",
            "domain": [("policy_id", "=", self.id)],
            "context": {"default_policy_id": self.id},
        }
