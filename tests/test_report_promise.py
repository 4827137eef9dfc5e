"""Collections → Reporting → Promises and Agreements: one row per promise to pay or agreement, kept or not.

Figures by hand from the scenario (tests/common_report.py), company 1, in USD:

- promises: P1 100 Bea (Carla, call, 03-02): kept; P2 250 ACME (Carla, collector, 03-02): broken; P3 200 Cora
  (the manager, portal, 03-12): open. Decided 2, kept 1: kept rate 50 %; promised 550, kept 100.
- agreements (Negotia, Carla, accepted by the collector on 03-02): N1 600 done, N2 400.01 broken; amount 1000.01.
- kept rate by channel: call 100 % (P1), collector 33.3 % (N1 kept; P2, N2 broken), portal none decided.
- kept rate by who obtained it: Carla 50 % (P1, N1 of 4 decided), the manager none decided.

Carla sees ACME, Bea and Negotia (not Cora's P3); company 2's promise (Eve, 80) is seen in company 2 only.
"""

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import NOON
from .common_report import PERIOD, ReportCase

MODEL = "collections.report.promise"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportPromise(ReportCase):
    def test_each_promise_and_agreement_is_a_row_with_its_outcome(self):
        rows = self.as_user(MODEL, self.manager).search([])
        by_record = {row.promise_id or row.negotiation_id: row for row in rows}
        self.assertEqual(len(rows), 5)
        kept, broken, open_ = (by_record[p] for p in (self.promise_kept, self.promise_broken, self.promise_open))
        self.assertEqual(
            (kept.kind, kept.outcome, kept.source, kept.amount, kept.amount_kept), ("promise", "kept", "call", 100, 100)
        )
        self.assertEqual(
            (broken.outcome, broken.amount_broken, broken.kept_rate, broken.decided_count), ("broken", 250, 0, 1)
        )
        self.assertEqual(
            (open_.outcome, open_.source, open_.user_id, open_.decided_count), ("open", "portal", self.manager, 0)
        )
        self.assertEqual((kept.date.isoformat(), kept.due_date.isoformat()), ("2026-03-02", "2026-03-04"))
        done, failed = by_record[self.agreement_done], by_record[self.agreement_broken]
        self.assertEqual((done.kind, done.state, done.outcome, done.amount), ("agreement", "done", "kept", 600))
        self.assertEqual((failed.state, failed.outcome, failed.source), ("broken", "broken", "collector"))
        self.assertEqual(
            (done.date.isoformat(), done.policy_id, done.collector_id), ("2026-03-02", self.policy, self.collector)
        )
        self.assertEqual((kept.collector_id, open_.collector_id.id), (self.collector, False))

    def test_the_day_obtained_is_the_companys_day(self):
        # P1 was made on 03-02 at 10:00 UTC: already 03-03 on Kiritimati (UTC+14), where the company now works.
        self.company.partner_id.tz = "Pacific/Kiritimati"
        row = self.as_user(MODEL, self.manager).search([("promise_id", "=", self.promise_kept.id)])
        self.assertEqual(row.date.isoformat(), "2026-03-03")

    def test_headline_figures_per_role(self):
        expected = {
            "promises": 3,
            "promises_decided": 2,
            "promises_kept": 1,
            "kept_rate": 50.0,
            "promised_amount": 550.0,
            "kept_amount": 100.0,
            "agreements": 2,
            "agreements_done": 1,
            "agreements_broken": 1,
            "agreement_amount": 1000.01,
        }
        self.assertEqual(self.as_user(MODEL, self.manager)._dashboard_figures(self.company, *PERIOD), expected)
        mine = self.as_user(MODEL, self.collector)._dashboard_figures(self.company, *PERIOD)
        self.assertEqual(mine, expected | {"promises": 2, "promised_amount": 350.0})

    def test_kept_rate_by_channel_and_by_collector(self):
        Report = self.as_user(MODEL, self.manager)
        by_source = {
            g["source"]: g["kept_rate:avg"] for g in Report.formatted_read_group([], ["source"], ["kept_rate:avg"])
        }
        self.assertEqual(by_source["call"], 100)
        self.assertAlmostEqual(by_source["collector"], 100 / 3, places=2)
        self.assertFalse(by_source["portal"], "nothing decided yet")
        by_user = {
            g["user_id"][0]: g["kept_rate:avg"] for g in Report.formatted_read_group([], ["user_id"], ["kept_rate:avg"])
        }
        self.assertEqual(by_user[self.collector.id], 50)
        self.assertFalse(by_user[self.manager.id])

    def test_access_per_role_and_company(self):
        mine = self.as_user(MODEL, self.collector).search([])
        self.assertEqual(mine.partner_id, self.acme | self.bea | self.customer)
        both = self.as_user(MODEL, self.manager, self.company | self.company_2).search([])
        self.assertEqual(both.filtered(lambda row: row.company_id == self.company_2).promise_id, self.promise_other)
        with self.assertRaises(AccessError):
            mine[:1].write({"amount": 1})

    def test_views_open_for_the_collector(self):
        Report = self.as_user(MODEL, self.collector)
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")])
        fields = views["models"][MODEL]["fields"]
        measures = [f"{name}:{fields[name]['aggregator']}" for name in fields if fields[name].get("aggregator")]
        groups = Report.formatted_read_group([], ["kind", "outcome"], measures)
        self.assertEqual(sum(group["item_count:sum"] for group in groups), 4)
