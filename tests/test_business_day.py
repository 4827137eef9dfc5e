"""One business day: every daily job counts the company's day, whoever runs it and wherever they are.

Each job is run at 23:30 and at 00:30 in the company's time zone (São Paulo, UTC-3) by a user in Tokyo (UTC+9,
already the next day at 23:30 in São Paulo; the UTC day has turned too). The promise and agreement jobs are
covered the same way in ``test_promise.TestDailyJobsOnTheCompanysDay`` (Tokyo company, São Paulo user).
"""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from .common import SAO_PAULO, TODAY
from .common_protest import ProtestCase
from .common_run import FOLLOWUP_CRON, RunCase

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


@tagged("post_install", "-at_install")
@freeze_time(datetime(TODAY.year, TODAY.month, TODAY.day, 15))
class TestFollowupRunAtMidnight(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = SAO_PAULO
        cls.env.ref(FOLLOWUP_CRON).user_id.tz = TOKYO

    def test_a_level_is_reached_on_the_companys_day(self):
        customer = self.make_customer("Midnight Customer")
        invoice = self.make_invoice(customer, 100, 4)  # due Thursday the 12th: five days late on Tuesday the 17th
        with sao_paulo(date(2026, 3, 16), 23, 30):  # already Tuesday in UTC and in Tokyo
            self.run_followup()
            self.assertFalse(self.events_of(customer))
            self.assertFalse(invoice.collections_level_id)
        with sao_paulo(date(2026, 3, 17), 0, 30):
            self.run_followup()
            self.assertEqual(self.events_of(customer).mapped("channel"), ["email"])
            self.assertEqual(invoice.collections_level_id, self.level_first)
            self.assertEqual(str(invoice.collections_last_date), "2026-03-17")
