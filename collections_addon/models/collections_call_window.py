from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import CallWindow

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class CollectionsCallWindow(models.Model):
    _name = "collections.call.window"
    _description = "Collections Call Window"
    _order = "policy_id, weekday, hour_from"

    policy_id = fields.Many2one("collections.policy", string="Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    weekday = fields.Selection(WEEKDAYS, required=True, default="0")
    hour_from = fields.Float(string="From", required=True, default=8.0, help="Customer's local time.")
    hour_to = fields.Float(string="To", required=True, default=20.0, help="Customer's local time (exclusive).")

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for window in self:
            if not (0 <= window.hour_from < window.hour_to <= 24):
                raise ValidationError(
                    self.env._(
                        "The call window of %(day)s must start before it ends, between 00:00 and 24:00 "
                        "(it is %(start)s to %(end)s): fix its hours.",
                        day=dict(WEEKDAYS)[window.weekday],
                        start=f"{int(window.hour_from):02d}:{round(window.hour_from % 1 * 60):02d}",
                        end=f"{int(window.hour_to):02d}:{round(window.hour_to % 1 * 60):02d}",
                    )
                )

    def _engine_window(self):
        self.ensure_one()
        return CallWindow(weekday=int(self.weekday), start=self.hour_from, end=self.hour_to)
