from datetime import date

from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import NOON
from .common_report_cash import ReportCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportAging(ReportCase):
    """The aging of the book of common_report_cash.py, counted by hand:

    Today (2026-03-16), company 1: Alice: invoice 1 owes 1000 - 400 = 600, 65 days past due (61-90); invoice 2,
    EUR 400 = 200, not due. Bruno: invoice 3, 500, 34 days (31-60); the credit note, -100, 15 days (1-30).
    At 2026-02-28 the payment of 2026-03-05 had not come in: Alice owes 1000 at 49 days (31-60); Bruno 500 at 18
    days (1-30); the credit note and invoice 2 do not exist yet. At 2026-01-31: Alice 1000 at 21 days (1-30).
    Company 2, today: Chen 700, 10 days (1-30).
    """

    def rows(self, user, **where):
        domain = [(name, "=", value) for name, value in where.items()]
        # The company switcher: the user's current company only.
        Aging = self.env["collections.report.aging"].with_user(user).with_context(allowed_company_ids=self.company.ids)
        return Aging.search(domain)

    def buckets(self, row):
        return [row.amount_not_due, row.amount_1_30, row.amount_31_60, row.amount_61_90, row.amount_90_plus]

    def test_balances_at_today_and_past_month_ends(self):
        self.refresh("collections.report.aging")
        Aging = self.env["collections.report.aging"]
        today = Aging.search([("partner_id", "=", self.alice.id), ("snapshot_date", "=", date(2026, 3, 16))])
        self.assertEqual(self.buckets(today), [200, 0, 0, 600, 0])
        self.assertEqual((today.amount_overdue, today.amount_total, today.latest), (600, 800, True))
        self.assertEqual(today.collector_id, self.collector)
        self.assertEqual(today.policy_id, self.policy, "the company's default plan")
        bruno = Aging.search([("partner_id", "=", self.bruno.id), ("latest", "=", True)])
        self.assertEqual(self.buckets(bruno), [0, -100, 500, 0, 0], "the credit note lowers its own bucket")
        self.assertEqual((bruno.amount_overdue, bruno.amount_total), (400, 400))
        february = Aging.search([("partner_id", "=", self.alice.id), ("snapshot_date", "=", date(2026, 2, 28))])
        self.assertEqual(self.buckets(february), [0, 0, 1000, 0, 0], "the March payment is not in February")
        self.assertFalse(february.latest)
        bruno_february = Aging.search([("partner_id", "=", self.bruno.id), ("snapshot_date", "=", date(2026, 2, 28))])
        self.assertEqual(self.buckets(bruno_february), [0, 500, 0, 0, 0])
        january = Aging.search([("partner_id", "=", self.alice.id), ("snapshot_date", "=", date(2026, 1, 31))])
        self.assertEqual(self.buckets(january), [0, 1000, 0, 0, 0])
        self.assertFalse(Aging.search([("partner_id", "=", self.alice.id), ("snapshot_date", "<", date(2026, 1, 31))]))
        snapshots = Aging.search([("company_id", "=", self.company.id)]).mapped("snapshot_date")
        self.assertLessEqual(len(set(snapshots)), 13)
        chen = Aging.search([("partner_id", "=", self.chen.id)])
        self.assertEqual((chen.company_id, self.buckets(chen)), (self.company_2, [0, 700, 0, 0, 0]))
        # A refresh replaces the rows: the same figures, no duplicate.
        self.refresh("collections.report.aging")
        self.assertEqual(len(Aging.search([("partner_id", "=", self.alice.id), ("latest", "=", True)])), 1)

    def test_access_per_role_and_dashboard(self):
        self.refresh("collections.report.aging")
        self.assertEqual(self.rows(self.collector).partner_id, self.alice, "a collector sees their own customers")
        self.assertEqual(self.rows(self.manager).partner_id, self.alice | self.bruno, "the manager's company only")
        branch = self.env["collections.report.aging"].with_user(self.manager)
        branch = branch.with_context(allowed_company_ids=self.company_2.ids)
        self.assertEqual(branch.search([]).partner_id, self.chen, "the other company's rows, in that company")
        # Today: Alice 200 not due, 600 at 61-90; Bruno -100 at 1-30, 500 at 31-60. The collector: Alice only.
        figures = (
            self.env["collections.report.aging"]
            .with_user(self.manager)
            ._dashboard_figures(self.company, date(2026, 3, 1), date(2026, 3, 16))
        )
        self.assertEqual(
            figures,
            {
                "snapshot_date": "2026-03-16",
                "not_due": 200.0,
                "days_1_30": -100.0,
                "days_31_60": 500.0,
                "days_61_90": 600.0,
                "days_90_plus": 0.0,
                "overdue": 1000.0,
                "total": 1200.0,
            },
        )
        mine = (
            self.env["collections.report.aging"].with_user(self.collector)._dashboard_figures(self.company, None, None)
        )
        self.assertEqual((mine["overdue"], mine["total"]), (600.0, 800.0))

    def test_views_open(self):
        self.refresh("collections.report.aging")
        groups = self.open_views(
            "collections.report.aging", self.collector, ["snapshot_date:day"], ["amount_overdue:sum", "__count"]
        )
        self.assertEqual(
            [(group["snapshot_date:day"][0], group["amount_overdue:sum"]) for group in groups][-3:],
            [("2026-01-31", 1000.0), ("2026-02-28", 1000.0), ("2026-03-16", 600.0)],
        )
