from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import NOON
from .common_report_cash import ReportCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportDso(ReportCase):
    """DSO and CEI of the book of common_report_cash.py, counted by hand (DSO = end / sales x days; CEI = (begin +
    sales - end) / (begin + sales - not due at end) x 100).

    Company 1, March to date (16 days): begin (2026-02-28) = Alice 1000 + Bruno 500 = 1500; sales = invoice 2 (EUR
    400 = 200) - the credit note 100 = 100; end = Alice 600 + 200 + Bruno 500 - 100 = 1200, of which 200 not due
    (invoice 2). DSO = 1200 / 100 x 16 = 192.00; CEI = (1500 + 100 - 1200) / (1500 + 100 - 200) = 400 / 1400 =
    28.57 %; collected 400 (the payment).
    February (28 days): begin 1000, sales 500, end 1500, none current: DSO 1500 / 500 x 28 = 84.00; CEI 0 / 1500 = 0.
    January (31 days): begin 0, sales 1000, end 1000: DSO 31.00; CEI 0.
    Alice alone (the collector's), March: begin 1000, sales 200, end 800, 200 current: DSO 800 / 200 x 16 = 64.00;
    CEI (1000 + 200 - 800) / (1000 + 200 - 200) = 40.00 %.
    Company 2, March: begin 0, sales 700, end 700: DSO 700 / 700 x 16 = 16.00; CEI 0.
    """

    def months(self, user, company):
        Dso = self.env["collections.report.dso"].with_user(user).with_context(allowed_company_ids=company.ids)
        groups = Dso._read_group(
            [], ["month_start:month"], ["dso:avg", "cei:avg", "amount_collected:sum", "amount_sales:sum"]
        )
        return {str(month): rest for month, *rest in groups}

    def test_months_of_the_company_and_of_a_collector(self):
        self.refresh("collections.report.dso")
        company = self.months(self.manager, self.company)
        self.assertEqual(company["2026-03-01"], [192.0, 28.57, 400.0, 100.0])
        self.assertEqual(company["2026-02-01"], [84.0, 0.0, 0.0, 500.0])
        self.assertEqual(company["2026-01-01"], [31.0, 0.0, 0.0, 1000.0])
        self.assertNotIn("2025-12-01", company, "no receivable, no sale: no row")
        mine = self.months(self.collector, self.company)
        self.assertEqual(mine["2026-03-01"], [64.0, 40.0, 400.0, 200.0])
        alice = self.env["collections.report.dso"].search(
            [("collector_id", "=", self.collector.id), ("month_start", "=", "2026-03-01")]
        )
        self.assertEqual((alice.dso, alice.cei, alice.period_days, alice.current_month), (64.0, 40.0, 16, True))
        self.assertEqual((alice.amount_begin, alice.amount_end, alice.amount_current), (1000, 800, 200))
        self.assertEqual(self.months(self.manager, self.company_2)["2026-03-01"], [16.0, 0.0, 0.0, 700.0])
        self.assertFalse(
            self.env["collections.report.dso"]
            .with_user(self.collector)
            .search([("company_id", "=", self.company_2.id)]),
            "another company's rows are not the collector's",
        )

    def test_dashboard_figures(self):
        self.refresh("collections.report.dso")
        Dso = self.env["collections.report.dso"].with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(
            Dso.with_user(self.manager)._dashboard_figures(self.company, None, None),
            {
                "last_month": "2026-02-01",
                "last_month_dso": 84.0,
                "last_month_cei": 0.0,
                "current_month": "2026-03-01",
                "current_month_dso": 192.0,
                "current_month_cei": 28.57,
            },
        )
        mine = Dso.with_user(self.collector)._dashboard_figures(self.company, None, None)
        self.assertEqual((mine["current_month_dso"], mine["current_month_cei"]), (64.0, 40.0))

    def test_views_open(self):
        self.refresh("collections.report.dso")
        groups = self.open_views("collections.report.dso", self.collector, ["month_start:month"], ["dso:avg"])
        self.assertEqual(groups[-1]["dso:avg"], 64.0)
        # The pivot asks every level at once: the total and the months.
        Dso = self.env["collections.report.dso"].with_user(self.manager)
        total, months = Dso.with_context(allowed_company_ids=self.company.ids).formatted_read_grouping_sets(
            [], [[], ["month_start:month"]], ["dso:avg", "cei:avg"]
        )
        self.assertEqual([(group["dso:avg"], group["cei:avg"]) for group in months][-1], (192.0, 28.57))
        self.assertEqual(len(total), 1)
