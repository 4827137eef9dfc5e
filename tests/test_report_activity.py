"""Collections → Reporting → Collector Activity: per user and day, calls, contacts, promises, recovery, tasks.

Figures by hand from the scenario (tests/common_report.py), company 1, TODAY 2026-03-16:

- calls logged: e2 (Bea, 03-02, reached: promise) and e5 (ACME, 03-09, wrong number), both Carla's: 2, 1 reached.
- contacts: Carla e1, e2, e6 (recovered within 30 days 1000 + 100 + 300 = 1400); the manager e3 (0).
- promises obtained: Carla P1 and P2 (03-02), the manager P3 (03-12).
- open tasks: Carla's for P2's break (ACME, given 03-08: 8 days old), the manager's on Cora (03-01: 15 days).

Carla sees her customers' rows (ACME, Bea, Dora, Negotia): 2 calls, 3 contacts, 2 promises, 1 task of 8 days.
"""

from odoo.tests import freeze_time, tagged

from .common import NOON
from .common_report import PERIOD, ReportCase

MODEL = "collections.report.activity"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportActivity(ReportCase):
    def test_headline_figures_per_role(self):
        self.assertEqual(
            self.as_user(MODEL, self.manager)._dashboard_figures(self.company, *PERIOD),
            {
                "calls": 2,
                "calls_reached": 1,
                "contacts": 4,
                "promises": 3,
                "recovered_30": 1400.0,
                "open_tasks": 2,
                "oldest_task_days": 15,
            },
        )
        self.assertEqual(
            self.as_user(MODEL, self.collector)._dashboard_figures(self.company, *PERIOD),
            {
                "calls": 2,
                "calls_reached": 1,
                "contacts": 3,
                "promises": 2,
                "recovered_30": 1400.0,
                "open_tasks": 1,
                "oldest_task_days": 8,
            },
        )

    def test_without_tasks_or_payments_the_figures_are_empty_not_zero(self):
        Recovery = self.as_user("collections.report.recovery", self.collector)
        self.assertIsNone(Recovery._dashboard_figures(self.company, PERIOD[0], PERIOD[0])["median_days"])
        self.assertIsNone(
            self.as_user(MODEL, self.collector)._dashboard_figures(self.company_2, *PERIOD)["oldest_task_days"]
        )

    def test_per_user_and_day(self):
        Report = self.as_user(MODEL, self.manager)
        groups = Report.formatted_read_group(
            [],
            ["user_id", "date:day"],
            ["call_count:sum", "contact_count:sum", "promise_count:sum", "recovered_30:sum", "task_count:sum"],
        )
        cells = {
            (group["user_id"][0], group["date:day"][0]): (
                group["call_count:sum"],
                group["contact_count:sum"],
                group["promise_count:sum"],
                group["recovered_30:sum"],
                group["task_count:sum"],
            )
            for group in groups
        }
        carla, manager = self.collector.id, self.manager.id
        self.assertEqual(cells[carla, "2026-03-02"], (1, 1, 2, 100, 0), "Bea's call and the two promises")
        self.assertEqual(cells[carla, "2026-02-20"], (0, 1, 0, 1000, 0))
        self.assertEqual(cells[carla, "2026-03-08"], (0, 0, 0, 0, 1), "the broken promise's task")
        self.assertEqual(cells[manager, "2026-03-01"], (0, 0, 0, 0, 1))
        self.assertEqual(cells[manager, "2026-03-12"], (0, 0, 1, 0, 0))
        outcomes = Report.formatted_read_group([("kind", "=", "call")], ["outcome"], ["call_count:sum"])
        self.assertEqual({g["outcome"]: g["call_count:sum"] for g in outcomes}, {"promise": 1, "wrong_number": 1})

    def test_other_companies_rows_are_invisible(self):
        Report = self.as_user(MODEL, self.manager)
        self.assertFalse(Report.search([("company_id", "=", self.company_2.id)]))
        both = self.as_user(MODEL, self.manager, self.company | self.company_2)
        other = both.search([("company_id", "=", self.company_2.id)])
        self.assertEqual(sorted(other.mapped("kind")), ["contact", "promise"])

    def test_views_open_for_the_collector(self):
        Report = self.as_user(MODEL, self.collector)
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")])
        fields = views["models"][MODEL]["fields"]
        measures = [f"{name}:{fields[name]['aggregator']}" for name in fields if fields[name].get("aggregator")]
        groups = Report.formatted_read_group([], ["user_id"], measures)
        self.assertEqual([group["user_id"][0] for group in groups], [self.collector.id])
