from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import DAY_HOURS, DEFAULT_WINDOWS, CallWindow, hours_label, window_problem
from ..engine.calls import WEEKDAY_NAMES

# The engine's weekdays (0 = Monday), as the selection's keys.
WEEKDAYS = [(str(weekday), name) for weekday, name in enumerate(WEEKDAY_NAMES)]
# A new window starts as the usual weekday window.
_USUAL_WINDOW = DEFAULT_WINDOWS[0]


class CollectionsCallWindow(models.Model):
    _name = "collections.call.window"
    _inherit = ["collections.input.mixin"]
    _description = "Collections Call Window"
    _order = "policy_id, weekday, hour_from"

    policy_id = fields.Many2one("collections.policy", string="Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    weekday = fields.Selection(WEEKDAYS, required=True, default="0")
    hour_from = fields.Float(string="From", required=True, default=_USUAL_WINDOW.start, help="Customer's local time.")
    hour_to = fields.Float(
        string="To", required=True, default=_USUAL_WINDOW.end, help="Customer's local time (exclusive)."
    )

    def _collections_input_rules(self):
        fix = self.env._("enter a time from 00:00 to 24:00, in the customer's local time.")
        return {"hour_from": (DAY_HOURS, fix), "hour_to": (DAY_HOURS, fix)}

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for window in self:
            if window_problem(window.hour_from, window.hour_to):
                raise ValidationError(
                    self.env._(
                        "The call window of %(day)s must start before it ends, between 00:00 and 24:00 "
                        "(it is %(start)s to %(end)s): fix its hours.",
                        day=dict(self._fields["weekday"]._description_selection(self.env)).get(window.weekday, ""),
                        start=hours_label(window.hour_from),
                        end=hours_label(window.hour_to),
                    )
                )

    def _engine_window(self):
        self.ensure_one()
        return CallWindow(weekday=int(self.weekday), start=self.hour_from, end=self.hour_to)
