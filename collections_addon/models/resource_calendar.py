from odoo import fields, models

from ..engine import BusinessCalendar


class ResourceCalendar(models.Model):
    _inherit = "resource.calendar"

    def _collections_public_holidays(self, company, date_from, date_to, tz=None):
        """Days of company-wide time off (no resource) of this calendar, or of every calendar when empty.

        The days are those of ``tz``, by default the company's time zone.
        """
        leaves = self.env["resource.calendar.leaves"].search_fetch(
            [
                ("resource_id", "=", False),
                ("calendar_id", "in", [False, *self.ids]),
                ("company_id", "in", [False, company.id]),
                ("date_from", "<=", fields.Datetime.to_datetime(date_to).replace(hour=23, minute=59)),
                ("date_to", ">=", fields.Datetime.to_datetime(date_from)),
            ],
            ["date_from", "date_to"],
        )
        tz = tz or company._collections_tz()
        days = set()
        for leave in leaves:
            start = fields.Datetime.context_timestamp(self.with_context(tz=tz), leave.date_from).date()
            end = fields.Datetime.context_timestamp(self.with_context(tz=tz), leave.date_to).date()
            day = start
            while day <= end:
                days.add(day)
                day = fields.Date.add(day, days=1)
        return days

    def _collections_business_calendar(self, company, date_from, date_to, tz=None):
        """The engine calendar: working weekdays of this calendar (Monday to Friday when empty) and its holidays."""
        holidays = self._collections_public_holidays(company, date_from, date_to, tz=tz)
        if not self:
            return BusinessCalendar(holidays=holidays)
        self.ensure_one()
        workdays = {int(attendance.dayofweek) for attendance in self.attendance_ids}
        return BusinessCalendar(workdays=workdays, holidays=holidays)
