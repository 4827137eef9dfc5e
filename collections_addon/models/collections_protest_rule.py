from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import PROTEST_WINDOW_DAYS, START_EVENTS, ProtestRule, protest_deadline
from ..engine.protest import holiday_horizon, window_start

_START_EVENT_LABELS = {"protocol": "Protocol at the notary", "notification": "Notification of the debtor"}
# The law's rule (three business days from the protocol) is the default of a new rule.
_LEGAL = ProtestRule()


class CollectionsProtestRule(models.Model):
    _name = "collections.protest.rule"
    _inherit = ["collections.input.mixin"]
    _description = "Notary Protest Rule"
    _order = "company_id, state_id, id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    state_id = fields.Many2one(
        "res.country.state",
        string="State",
        ondelete="restrict",
        help="The state of the notary office. Empty: the rule of every state without a rule of its own.",
    )
    start_event = fields.Selection(
        [(event, _START_EVENT_LABELS[event]) for event in START_EVENTS],
        string="Window Starts At",
        required=True,
        default=_LEGAL.start,
        help="The day the debtor's window to pay starts; that day itself is never counted.",
    )
    days = fields.Integer(
        string="Days to Pay", required=True, default=_LEGAL.days, help="How long the debtor may pay at the notary."
    )
    business_days = fields.Boolean(
        default=_LEGAL.business_days,
        help="Count only business days of the calendar. Unticked: calendar days, and a last day without bank "
        "hours moves to the next business day.",
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Bank Calendar",
        check_company=True,
        help="Working weekdays and bank holidays (company-wide time off) of the notary's town, in the calendar's "
        "time zone. Empty: Monday to Friday and the company-wide time off outside any calendar.",
    )
    active = fields.Boolean(default=True)

    _state_unique = models.UniqueIndex(
        "(company_id, COALESCE(state_id, 0)) WHERE active",
        "A company has one protest rule per state (and one for every other state): edit the existing rule.",
    )
    _days_range = models.Constraint(
        f"CHECK(days BETWEEN {PROTEST_WINDOW_DAYS.minimum} AND {PROTEST_WINDOW_DAYS.maximum})",
        "The days to pay at the notary must be between 1 and 30: Brazilian law gives three business days.",
    )

    @api.depends("state_id", "days", "business_days", "start_event")
    def _compute_display_name(self):
        for rule in self:
            unit = self.env._("business days") if rule.business_days else self.env._("days")
            rule.display_name = self.env._(
                "%(state)s: %(days)s %(unit)s",
                state=rule.state_id.name or self.env._("Every state"),
                days=rule.days,
                unit=unit,
            )

    def _collections_input_rules(self):
        return {
            "days": (
                PROTEST_WINDOW_DAYS,
                self.env._("enter the days the debtor has to pay at the notary (Brazil: 3 business days)."),
            )
        }

    def _collections_check_input(self, vals_list):
        """One active rule per company and state, with the rule in the way named (the unique index would only say
        'duplicate key')."""
        if self and not any({"company_id", "state_id", "active"} & vals.keys() for vals in vals_list):
            return
        wanted = set()
        for vals in vals_list:
            for rule in self or [None]:
                if not self._collections_future(vals, rule, "active", True):
                    continue
                key = (
                    self._collections_future(vals, rule, "company_id", self.env.company),
                    self._collections_future(vals, rule, "state_id", False) or False,
                )
                # sudo: the index covers the rules of every company, also those the user does not work in.
                other = self.sudo().search(
                    [("company_id", "=", key[0]), ("state_id", "=", key[1]), ("id", "not in", self.ids)], limit=1
                )
                if other or key in wanted:
                    raise ValidationError(
                        self.env._(
                            "%(company)s already has a protest rule for %(state)s: edit that rule instead.",
                            company=self.env["res.company"].sudo().browse(key[0]).name,
                            state=self.env["res.country.state"].browse(key[1]).name or self.env._("every state"),
                        )
                    )
                wanted.add(key)

    @api.constrains("calendar_id")
    def _check_calendar(self):
        for rule in self:
            if rule.calendar_id and not rule.calendar_id.attendance_ids:
                raise ValidationError(
                    self.env._(
                        "The bank calendar '%(calendar)s' has no working days: add them, or leave the calendar "
                        "empty for Monday to Friday.",
                        calendar=rule.calendar_id.display_name,
                    )
                )

    @api.model
    def _for_notary(self, company, notary):
        """The rule of the notary's state in ``company``, else the company's rule for every state."""
        rules = self.search(
            [("company_id", "=", company.id), ("state_id", "in", [False, *notary.state_id.ids])],
        )
        rule = rules.sorted(lambda rule: not rule.state_id)[:1]
        if not rule:
            raise UserError(
                self.env._(
                    "%(company)s has no protest rule for %(state)s: add one in Collections > Configuration > "
                    "Protest Rules (a rule without state applies to every state).",
                    company=company.name,
                    state=notary.state_id.name or self.env._("notaries without a state"),
                )
            )
        return rule

    def _engine_rule(self):
        self.ensure_one()
        return ProtestRule(start=self.start_event, days=self.days, business_days=self.business_days)

    def _deadline(self, protocol_date, notification_date):
        """The last day to pay (and to withdraw), or False while the window has not started."""
        self.ensure_one()
        start = window_start(self._engine_rule(), protocol_date or None, notification_date or None)
        if not start:
            return False
        # Bank holidays are days of the notary's town: the calendar's own time zone reads them.
        calendar = self.calendar_id._collections_business_calendar(
            self.company_id, start, holiday_horizon(start, self.days), tz=self.calendar_id.tz
        )
        return protest_deadline(self._engine_rule(), calendar, protocol_date or None, notification_date or None)
