from datetime import date

from odoo.tests import tagged
from odoo.tests.common import freeze_time

from .common import NOON
from .common_negotiation import NegotiationCase
from .common_report_cash import ReportCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportForecast(ReportCase):
    """The cash-in forecast of the book of common_report_cash.py, counted by hand. Today is Monday 2026-03-16: week 0
    starts today, week 1 on 2026-03-23. Nobody was ever scored: the neutral score 50 and 0 typical days late, so the
    base probability is 0.05 + 0.95 x 50 / 100 = 0.525, times 90 / (90 + days late).

    - Alice's invoice 1: 600 still owed, 65 days late: paid today (week 0) with 0.525 x 90 / 155 = 0.3048:
      182.88. Invoice 2: 200, not due: on its due date 2026-03-26 (week 1) with 0.525: 105.00.
    - Bruno's invoice 3 is promised: 300 on 2026-03-25 (week 1), weighted by the mean of his kept rate (1 kept, 1
      broken: 1/2) and his collector's (the manager took 2 kept and 1 broken: 2/3): 7/12 x 300 = 175.00. His
      credit note is not cash in.
    - Company 2: Chen's 700, 10 days late, this week, with 0.525 x 90 / 100 = 0.4725: 330.75.
    - Received: Alice's 400 of 2026-03-05, in the week of 2026-03-02.
    """

    def sums(self, user, company, domain):
        Forecast = self.env["collections.report.forecast"].with_user(user)
        groups = Forecast.with_context(allowed_company_ids=company.ids)._read_group(
            domain, ["week_start:day", "source"], ["amount:sum"]
        )
        return {(str(week), source): amount for week, source, amount in groups}

    def test_forecast_by_week_and_source(self):
        self.refresh("collections.report.forecast")
        latest = [("latest", "=", True), ("source", "!=", "actual")]
        self.assertEqual(
            self.sums(self.manager, self.company, latest),
            {
                ("2026-03-16", "open_items"): 182.88,
                ("2026-03-23", "open_items"): 105.0,
                ("2026-03-23", "promises"): 175.0,
            },
        )
        self.assertEqual(
            self.sums(self.collector, self.company, latest),
            {("2026-03-16", "open_items"): 182.88, ("2026-03-23", "open_items"): 105.0},
            "a collector's own customers",
        )
        self.assertEqual(self.sums(self.manager, self.company_2, latest), {("2026-03-16", "open_items"): 330.75})
        received = self.sums(self.manager, self.company, [("source", "=", "actual")])
        self.assertEqual(received, {("2026-03-02", "actual"): 400.0})
        figures = self.env["collections.report.forecast"].with_user(self.manager)
        figures = figures.with_context(allowed_company_ids=self.company.ids)._dashboard_figures(
            self.company, None, None
        )
        self.assertEqual(
            figures["weeks"][:3],
            [
                {"week_start": "2026-03-16", "expected": 182.88},
                {"week_start": "2026-03-23", "expected": 280.0},
                {"week_start": "2026-03-30", "expected": 0.0},
            ],
        )
        self.assertEqual((len(figures["weeks"]), figures["total"]), (8, 462.88))

    def test_weekly_snapshots_and_expected_vs_received(self):
        """The first forecast of the week is kept; later ones replace each other; last week is judged against it.

        Alice pays 100 of invoice 1 on Wednesday 2026-03-18. On Monday 2026-03-23 last week's check: its first
        forecast expected 182.88 in it (Alice's invoice 1, made on 2026-03-16); 100 came in: -82.88, ratio
        100 / 182.88 = 0.55."""
        Forecast = self.env["collections.report.forecast"]
        self.refresh("collections.report.forecast")
        self.refresh("collections.report.forecast")
        with freeze_time("2026-03-18 12:00:00"):
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=self.invoice_1.ids
            ).create({"amount": 100, "payment_date": date(2026, 3, 18)})._create_payments()
            self.refresh("collections.report.forecast")
        with freeze_time("2026-03-19 12:00:00"):
            self.refresh("collections.report.forecast")
        made = Forecast.search([("company_id", "=", self.company.id), ("source", "!=", "actual")])
        self.assertEqual(
            {(str(row.forecast_date), row.kept, row.latest) for row in made},
            {("2026-03-16", True, False), ("2026-03-19", False, True)},
            "the week's first forecast and the latest; the one of the 18th was replaced",
        )
        with freeze_time("2026-03-23 12:00:00"):
            self.refresh("collections.report.forecast")
            figures = Forecast.with_user(self.manager).with_context(allowed_company_ids=self.company.ids)
            figures = figures._dashboard_figures(self.company, None, None)
        self.assertEqual(
            {key: value for key, value in figures.items() if key.startswith("last_week")},
            {
                "last_week": "2026-03-16",
                "last_week_expected": 182.88,
                "last_week_actual": 100.0,
                "last_week_difference": -82.88,
                "last_week_ratio": 0.55,
            },
        )
        days = set(Forecast.search([("source", "!=", "actual")]).mapped("forecast_date"))
        self.assertEqual({str(day) for day in days}, {"2026-03-16", "2026-03-23"})

    def test_old_forecasts_are_deleted_once_nothing_can_be_compared(self):
        """Made on Monday 2026-03-16, a forecast's last week starts on 2026-05-04 (7 weeks later). On Sunday
        2026-08-02 the cash received is kept from the Monday 12 weeks before this week's, 2026-05-04: it can still be
        compared, it stays. On Monday 2026-08-03 the cash starts on 2026-05-11, after its last week: it goes."""
        Forecast = self.env["collections.report.forecast"]
        self.refresh("collections.report.forecast")
        march = [("company_id", "=", self.company.id), ("forecast_date", "=", date(2026, 3, 16))]
        with freeze_time("2026-08-02 12:00:00"):
            self.refresh("collections.report.forecast")
        self.assertTrue(Forecast.search(march), "its last week is still compared")
        with freeze_time("2026-08-03 12:00:00"):
            self.refresh("collections.report.forecast")
        self.assertFalse(Forecast.search(march), "nothing of it can be compared any more")
        self.assertTrue(Forecast.search([("company_id", "=", self.company.id), ("kept", "=", True)]))

    def test_views_open(self):
        self.refresh("collections.report.forecast")
        Forecast = self.env["collections.report.forecast"].with_user(self.collector)
        views = Forecast.get_views([(False, "graph"), (False, "list"), (False, "pivot"), (False, "search")])
        self.assertIn('stacked="1"', views["views"]["graph"]["arch"])
        groups = Forecast.formatted_read_group([("latest", "=", True)], ["week_start:week", "source"], ["amount:sum"])
        self.assertEqual(round(sum(group["amount:sum"] for group in groups), 2), 182.88 + 105.0 + 400.0)
        action = self.env.ref("collections_addon.collections_report_forecast_action")
        self.assertTrue(action.view_mode.startswith("graph,list"))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportForecastAgreement(NegotiationCase):
    def test_instalments_of_an_active_agreement_on_their_due_dates(self):
        """Negotia's invoices (600 and 400.01) become 3 monthly instalments from Monday 2026-03-23: the first two
        fall in the 8 weeks (weeks of 2026-03-23 and 2026-04-20), in full; the third (late May) is beyond them.
        The settled invoices and the instalment lines are not open invoices too, and the agreement's entry is no
        cash received."""
        negotiation = self.negotiation()
        negotiation.action_propose()
        negotiation.action_accept()
        self.assertEqual(negotiation.state, "active")
        first, second, _third = negotiation.installment_ids.sorted("sequence")
        self.env["collections.report.forecast"]._refresh_report(self.company)
        groups = self.env["collections.report.forecast"]._read_group(
            [("partner_id", "=", self.customer.id)], ["week_start:day", "source"], ["amount:sum"]
        )
        self.assertEqual(
            {(str(week), source): amount for week, source, amount in groups},
            {("2026-03-23", "instalments"): first.amount, ("2026-04-20", "instalments"): second.amount},
        )
