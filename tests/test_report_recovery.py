"""Collections → Reporting → Recovery: one row per contact that went out, and what its customer paid after it.

Figures by hand from the scenario (tests/common_report.py), company 1, in USD:

- e1 ACME e-mail 02-20 covers IA 1000: 400 on 02-25 (day 5), 600 on 03-10 (day 18): recovered 400 / 400 / 1000
  within 7 / 15 / 30 days; paid in part within 7 and 15, in full within 30; 5 days to the first payment.
- e2 Bea call 03-02 covers IB 200 EUR = 100 USD: paid on 03-12 (day 10): 0 / 100 / 100; 10 days.
- e6 Dora SMS 03-01 covers ID 300: paid on 03-02 (day 1): 300 / 300 / 300; 1 day.
- e3 Cora e-mail 03-05 covers IC 500: nothing paid. e4 (failed) and e5 (failed call) are no contacts.

Company 1: 4 contacts, 4 customers, 3 paid within 30 days, 1400 recovered within 30 days (700 within 7, 800
within 15), days to payment 1, 5, 10: median 5, average 5.33. Carla (ACME, Bea, Dora) sees 3 of them; the manager
all 4; company 2's contact (Eve) is seen in company 2 only.
"""

from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import NOON
from .common_report import PERIOD, ReportCase

MODEL = "collections.report.recovery"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestReportRecovery(ReportCase):
    def rows(self, user, companies=None):
        return self.as_user(MODEL, user, companies).search([])

    def test_each_contact_that_went_out_is_a_row_with_what_it_recovered(self):
        rows = {row.partner_id: row for row in self.rows(self.manager)}
        self.assertEqual(set(rows), {self.acme, self.bea, self.dora, self.cora})
        acme, bea, dora, cora = rows[self.acme], rows[self.bea], rows[self.dora], rows[self.cora]
        self.assertEqual((acme.recovered_7, acme.recovered_15, acme.recovered_30), (400, 400, 1000))
        self.assertEqual((acme.paid_part_7, acme.paid_part_15, acme.paid_full_30, acme.paid_full_15), (1, 1, 1, 0))
        self.assertEqual((acme.covered_amount, acme.days_to_payment), (1000, 5))
        self.assertEqual((bea.covered_amount, bea.recovered_7, bea.recovered_15), (100, 0, 100), "EUR at its rate")
        self.assertEqual((bea.paid_any_7, bea.paid_full_15, bea.days_to_payment), (0, 1, 10))
        self.assertEqual((dora.recovered_7, dora.days_to_payment_median), (300, 1))
        self.assertEqual((cora.recovered_30, cora.paid_any_30, cora.days_to_payment), (0, 0, 0))
        self.assertEqual((acme.customer_kind, bea.customer_kind), ("company", "individual"))
        self.assertEqual((acme.channel, bea.channel, dora.channel), ("email", "call", "sms"))
        self.assertEqual(acme.mail_template_id, self.template_first, "the level's template for e-mails")
        self.assertEqual((bea.script_id, bea.mail_template_id.id), (self.call_script, False))
        self.assertEqual((acme.level_id, acme.policy_id), (self.level_first, self.policy))
        self.assertEqual((acme.collector_id, cora.collector_id.id, cora.user_id), (self.collector, False, self.manager))

    def test_headline_figures_per_role(self):
        Report = self.as_user(MODEL, self.manager)
        self.assertEqual(
            Report._dashboard_figures(self.company, *PERIOD),
            {"contacts": 4, "customers": 4, "paid_30": 3, "recovered_30": 1400.0, "median_days": 5.0},
        )
        self.assertEqual(
            self.as_user(MODEL, self.collector)._dashboard_figures(self.company, *PERIOD),
            {"contacts": 3, "customers": 3, "paid_30": 3, "recovered_30": 1400.0, "median_days": 5.0},
        )
        march = Report._dashboard_figures(self.company, PERIOD[0].replace(month=3), PERIOD[1])
        self.assertEqual((march["contacts"], march["recovered_30"], march["median_days"]), (3, 400.0, 5.5))

    def test_the_pivot_gives_sums_the_average_and_the_median(self):
        Report = self.as_user(MODEL, self.manager)
        groups = Report.formatted_read_group(
            [],
            ["channel"],
            [
                "contact_count:sum",
                "customer_ref:count_distinct",
                "recovered_7:sum",
                "recovered_15:sum",
                "recovered_30:sum",
                "days_to_payment:avg",
                "days_to_payment_median:median",
                "currency_id:array_agg_distinct",
                "recovered_30:sum_currency",
            ],
        )
        by_channel = {group["channel"]: group for group in groups}
        email = by_channel["email"]
        self.assertEqual((email["contact_count:sum"], email["customer_ref:count_distinct"]), (2, 2))
        self.assertEqual((email["recovered_30:sum"], email["days_to_payment_median:median"]), (1000, 5))
        self.assertEqual(by_channel["call"]["recovered_15:sum"], 100)
        [total] = Report.formatted_read_group(
            [], [], ["recovered_7:sum", "recovered_15:sum", "days_to_payment:avg", "days_to_payment_median:median"]
        )
        self.assertEqual((total["recovered_7:sum"], total["recovered_15:sum"]), (700, 800))
        # Cora's unpaid contact has no days: the average and the median are over the paid ones (1, 5, 10).
        self.assertAlmostEqual(total["days_to_payment:avg"], 16 / 3, places=2)
        self.assertEqual(total["days_to_payment_median:median"], 5)

    def test_access_per_role_and_company(self):
        self.assertEqual(self.rows(self.collector).partner_id, self.acme | self.bea | self.dora)
        self.assertEqual(len(self.rows(self.manager)), 4)
        both = self.rows(self.manager, self.company | self.company_2)
        self.assertEqual(len(both), 5)
        self.assertEqual(both.filtered(lambda row: row.company_id == self.company_2).partner_id, self.eve)
        row = self.rows(self.manager)[:1]
        with self.assertRaises(AccessError):
            row.write({"recovered_30": 0})
        with self.assertRaises(AccessError):
            self.as_user(MODEL, self.collector).create({"company_id": self.company.id})
        with self.assertRaises(AccessError):
            row.with_user(self.collector).unlink()

    def test_views_open_for_the_collector(self):
        Report = self.as_user(MODEL, self.collector)
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")])
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})
        fields = views["models"][MODEL]["fields"]
        self.assertEqual(fields["days_to_payment_median"]["aggregator"], "median")
        measures = [f"{name}:{fields[name]['aggregator']}" for name in fields if fields[name].get("aggregator")]
        [total] = Report.formatted_read_group([], ["date:month"], measures)[:1]
        self.assertEqual(total["date:month"][1], "February 2026")
        action = self.env.ref("collections_addon.collections_report_recovery_action")
        self.assertEqual(action.view_mode.split(",")[0], "pivot")

    def count_refresh_statements(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.env[MODEL]._refresh_report(self.company)
        return self.env.cr.sql_log_count - before

    def test_refresh_replaces_the_rows_in_statements_that_do_not_grow_with_the_contacts(self):
        self.count_refresh_statements()  # the first one also warms up what every later one reuses
        few = self.count_refresh_statements()
        for number in range(30):
            customer = self.customer_of(f"Many {number}", self.collector)
            invoice = self.make_invoice(customer, 10 + number, 20)
            self.contact(customer, "email", "sent", PERIOD[0], invoice, self.level_first)
            self.pay_on(invoice, 5, PERIOD[1])
        self.assertEqual(self.count_refresh_statements(), few, "the same statements for 4 or 34 contacts")
        Report = self.env[MODEL]
        self.assertEqual(Report.search_count([("company_id", "=", self.company.id)]), 34, "the rows are replaced")
        self.assertEqual(Report.search_count([("company_id", "=", self.company_2.id)]), 1, "other companies kept")
