"""One business day: every daily job counts the company's day, whoever runs it and wherever they are.

Each job is run at 23:30 and at 00:30 in the company's time zone (São Paulo, UTC-3) by a user in Tokyo (UTC+9,
already the next day at 23:30 in São Paulo; the UTC day has turned too). The promise and agreement jobs are
covered the same way in ``test_promise.TestDailyJobsOnTheCompanysDay``.
"""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SAO_PAULO, TODAY
from .common_protest import ProtestCase

TOKYO = "Asia/Tokyo"


def sao_paulo(day, hour, minute):
    """``day`` at ``hour:minute`` in São Paulo (UTC-3, no summer time since 2019), on the server's UTC clock."""
    return freeze_time(datetime.combine(day, time(hour, minute)) + timedelta(hours=3))


@tagged("post_install", "-at_install")
@freeze_time(datetime(TODAY.year, TODAY.month, TODAY.day, 15))
class TestDailyJobsAtMidnight(ProtestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = SAO_PAULO
        cls.env.user.tz = TOKYO

    def test_the_protest_job_reminds_the_last_day_to_pay_on_the_companys_day(self):
        protest = self.new_protest()
        self.send(protest, TODAY)
        self.step(protest, "protocol", TODAY, protocol_number="PROT-2359")
        last_day = protest.deadline_date
        self.assertEqual(last_day, date(2026, 3, 19))
        with sao_paulo(date(2026, 3, 18), 23, 30):  # the 19th in UTC and in Tokyo
            self.env["collections.protest"]._cron_protest_followup()
            self.assertFalse(self.todo(protest, "Last day to pay"))
        with sao_paulo(date(2026, 3, 19), 0, 30):
            self.env["collections.protest"]._cron_protest_followup()
            task = self.todo(protest, "Last day to pay")
            self.assertEqual(len(task), 1)
            self.assertEqual(task.date_deadline, last_day)
