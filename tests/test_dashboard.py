from datetime import timedelta

from odoo import sql_db
from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, freeze_time, tagged

from .common import NOON, CollectionsCase
from .test_tour import TOUR_NOW


class DashboardScenario(CollectionsCase):
    """One overdue customer of the manager's company: 2,100 due 40 days ago, reminded 10 days ago, 600 paid 5 days
    ago. Overdue today: 2,100 - 600 = 1,500, all in 31-60 days. Recovered within 30 days of the reminder: 600.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Dashboard Customer")
        cls.customer.with_company(cls.company).collections_responsible_id = cls.collector
        cls.invoice = cls.make_invoice(cls.customer, 2100, 40)

    def set_up_history(self):
        self.make_event(
            self.customer,
            "email",
            "sent",
            moves=self.invoice,
            date=self.today() - timedelta(days=10),
            user_id=self.collector.id,
            amount_due=2100,
        )
        self.pay(600, self.today() - timedelta(days=5))

    def pay(self, amount, day=None):
        """The customer's payment of ``amount`` on ``day`` (default: today), reconciled with the invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": amount,
                "date": day or self.today(),
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        (payment.move_id.line_ids | self.invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestDashboard(DashboardScenario):
    def dashboard(self, user, **kwargs):
        return self.env["collections.dashboard"].with_user(user).with_company(self.company).get_dashboard_data(**kwargs)

    def card(self, data, key):
        return next(card for card in data["cards"] if card["key"] == key)

    def test_manager_refreshes_and_reads_the_figures(self):
        self.set_up_history()
        before = self.dashboard(self.manager)
        self.assertFalse(before["refreshed_at"], "nothing computed yet")
        self.assertTrue(before["can_refresh"])
        self.env["collections.dashboard"].with_user(self.manager).with_company(self.company).action_refresh_reports()
        data = self.dashboard(self.manager)
        self.assertTrue(data["refreshed_at"])
        self.assertIn("1,500.00", self.card(data, "aging")["value"])
        self.assertIn("600.00", self.card(data, "recovery")["value"])
        self.assertEqual(
            [card["action"] for card in data["cards"]],
            [
                "collections_addon.collections_report_aging_action",
                "collections_addon.collections_report_recovery_action",
                "collections_addon.collections_report_forecast_action",
                "collections_addon.collections_report_dso_action",
                "collections_addon.collections_report_promise_action",
                "collections_addon.collections_report_activity_action",
            ],
        )
        for card in data["cards"]:
            self.env.ref(card["action"])  # every card opens a report that exists

    def test_collector_sees_own_customers_and_cannot_refresh(self):
        self.set_up_history()
        self.env["collections.dashboard"].with_user(self.manager).with_company(self.company).action_refresh_reports()
        data = self.dashboard(self.collector)
        self.assertFalse(data["can_refresh"])
        self.assertIn("1,500.00", self.card(data, "aging")["value"])
        # Another collector's customer is not in this collector's figures.
        self.customer.with_company(self.company).collections_responsible_id = self.manager
        self.env["collections.dashboard"].with_user(self.manager).with_company(self.company).action_refresh_reports()
        data = self.dashboard(self.collector)
        self.assertNotIn("1,500.00", self.card(data, "aging")["value"])
        with self.assertRaises(AccessError):
            self.env["collections.dashboard"].with_user(self.collector).action_refresh_reports()

    def test_other_company_figures_stay_apart(self):
        self.set_up_history()
        self.env["collections.dashboard"].with_user(self.manager).with_company(self.company).action_refresh_reports()
        other = (
            self.env["collections.dashboard"].with_user(self.manager).with_company(self.company_2).get_dashboard_data()
        )
        self.assertNotIn("1,500.00", self.card(other, "aging")["value"])

    def test_one_refresh_at_a_time(self):
        """Two refreshes at once would both insert a company's first rows: the second one waits its turn."""
        self.set_up_history()
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            # Another manager's refresh (or the nightly job) is computing this company's reports.
            other.execute("SELECT pg_advisory_lock(4278, %s)", [self.company.id])
            dashboard = self.env["collections.dashboard"].with_user(self.manager).with_company(self.company)
            with self.assertRaisesRegex(UserError, "being computed right now"):
                dashboard.action_refresh_reports()
            self.assertFalse(self.company.collections_reports_refreshed_at)
            # The nightly job leaves it to that refresh and does the other companies.
            cron = self.env.ref("collections_addon.ir_cron_collections_reports")
            self.env["collections.dashboard"].with_user(cron.user_id)._cron_refresh_reports(commit=False)
            self.assertFalse(self.company.collections_reports_refreshed_at)
            self.assertTrue(self.company_2.collections_reports_refreshed_at)
        finally:
            other.execute("SELECT pg_advisory_unlock(4278, %s)", [self.company.id])
            other.close()
        dashboard.action_refresh_reports()
        self.assertIn("1,500.00", self.card(self.dashboard(self.manager), "aging")["value"])

    def test_users_outside_collections_are_refused(self):
        outsider = self.make_user("outsider", "account.group_account_invoice")
        with self.assertRaises(AccessError):
            self.dashboard(outsider)

    def test_unknown_period_falls_back_to_the_default(self):
        data = self.dashboard(self.manager, period_days=7)
        self.assertEqual(data["period_days"], 30)
        self.assertEqual(data["date_from"], "02/15/2026")

    def test_daily_cron_refreshes_every_company(self):
        self.set_up_history()
        # As the scheduled job runs it: as its user (OdooBot), over every company.
        cron = self.env.ref("collections_addon.ir_cron_collections_reports")
        as_cron = self.env["collections.dashboard"].with_user(cron.user_id)
        as_cron._cron_refresh_reports(commit=False)
        refreshed = (self.company | self.company_2).mapped("collections_reports_refreshed_at")
        self.assertTrue(all(refreshed), "every company's reports are computed")
        self.assertIn("1,500.00", self.card(self.dashboard(self.manager), "aging")["value"])
        # Called again the same day (the job had more work, or ran twice): what is done is not recounted...
        self.pay(100)
        as_cron._cron_refresh_reports(commit=False)
        self.assertIn("1,500.00", self.card(self.dashboard(self.manager), "aging")["value"])
        # ... until a manager asks for it.
        self.env["collections.dashboard"].with_user(self.manager).with_company(self.company).action_refresh_reports()
        self.assertIn("1,400.00", self.card(self.dashboard(self.manager), "aging")["value"])


@tagged("post_install", "-at_install")
@freeze_time(TOUR_NOW)
class TestDashboardTour(DashboardScenario, HttpCase):
    def test_manager_lands_on_the_dashboard(self):
        self.set_up_history()
        self.start_tour("/odoo", "collections_dashboard_tour", login=self.manager.login)
        self.assertTrue(self.company.collections_reports_refreshed_at, "the tour's Refresh computed the reports")
