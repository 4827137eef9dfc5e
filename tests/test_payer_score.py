"""The payer score on the customer: gathered from the accounting and the follow-up's records, explained.

The accountant posts invoices and registers payments; the collector records promises, reads the score on
the customer's form and refreshes it; the cron's follow-up refreshes the scores of its customers; the
admin tunes the weights in the company's Collections settings.
"""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from .common import NOON, TODAY
from .common_run import RunCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayerScore(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing_user = cls.make_user("score_clerk", "account.group_account_invoice")

    def pay(self, invoice, when, company=None):
        """The accountant registers the full payment of ``invoice`` on ``when``."""
        company = company or self.company
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        self.env["account.payment.register"].with_company(company).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": when, "journal_id": journal.id, "amount": invoice.amount_residual})._create_payments()

    def paid_late(self, customer, days_late, company=None, amount=100, due_days_ago=60):
        """An invoice due ``due_days_ago`` days ago, paid ``days_late`` days after its due date."""
        invoice = self.make_invoice(customer, amount, due_days_ago, company=company)
        self.pay(invoice, TODAY - timedelta(days=due_days_ago - days_late), company=company)
        return invoice

    def broken_promise(self, customer):
        """The collector records a promise on an open invoice in February; the daily job finds it broken."""
        invoice = self.make_invoice(customer, 200, 30)
        with freeze_time("2026-02-20 12:00:00"):
            promise = (
                self.env["collections.promise"]
                .with_user(self.collector)
                .create(
                    {
                        "partner_id": customer.id,
                        "move_ids": [Command.set(invoice.ids)],
                        "amount": 200,
                        "date": date(2026, 2, 25),
                    }
                )
            )
        with freeze_time("2026-03-05 12:00:00"):
            self.env["collections.promise"]._cron_check_promises()
        self.assertEqual(promise.state, "broken")
        return promise

    def late_payer(self, name="Late Payer"):
        """Three invoices of 100 paid 10, 12 and 14 days late (12 on average), and a broken promise."""
        customer = self.make_customer(name)
        for days_late, due_days_ago in ((10, 50), (12, 45), (14, 40)):
            self.paid_late(customer, days_late, due_days_ago=due_days_ago)
        self.broken_promise(customer)
        return customer

    def refresh_on_form(self, customer, user=None):
        """*Refresh Score* on the customer's form, then what the form shows."""
        customer.with_user(user or self.collector).action_collections_refresh_score()
        return Form(customer.with_user(user or self.collector))

    def test_a_late_payer_who_broke_a_promise_gets_the_score_and_reasons_counted_by_hand(self):
        customer = self.late_payer()
        form = self.refresh_on_form(customer)
        # From 100: 12 days late x 1 point; no trend (all paid in the last 90 days); no reminder; 1 promise x 10.
        self.assertEqual(form.collections_payer_score, 78)
        self.assertEqual(form.collections_payer_reasons, "Pays 12 days late on average (-12)\nBroke 1 promise (-10)")
        self.assertEqual(form.collections_score_date, str(TODAY))

    def test_paying_only_after_a_reminder_counts_its_share(self):
        customer = self.make_customer("Reminded Payer")
        self.paid_late(customer, 0, due_days_ago=20)
        reminded = self.make_invoice(customer, 100, 30)
        self.make_event(customer, "email", "sent", moves=reminded, date=TODAY - timedelta(days=25))
        self.pay(reminded, TODAY - timedelta(days=20))
        form = self.refresh_on_form(customer)
        # Half the amount paid after the reminder: 20 x 50%; 5 days late on average (0 and 10).
        self.assertEqual(form.collections_payer_score, 85)
        self.assertEqual(
            form.collections_payer_reasons,
            "50% of the amount paid only after a reminder (-10)\nPays 5 days late on average (-5)",
        )

    def test_a_customer_without_history_gets_the_neutral_score(self):
        customer = self.make_customer("New Customer")
        form = self.refresh_on_form(customer)
        self.assertEqual(form.collections_payer_score, 50)
        self.assertEqual(form.collections_payer_reasons, "No payment history yet (starts at 50)")

    def test_the_daily_run_refreshes_the_scores_of_its_customers(self):
        late = self.late_payer()
        self.make_invoice(late, 300, 8)
        newcomer = self.make_customer("Newcomer")
        self.make_invoice(newcomer, 100, 8)
        self.run_followup()
        self.assertEqual(late.with_company(self.company).collections_payer_score, 78)
        self.assertEqual(newcomer.with_company(self.company).collections_payer_score, 50)
        self.assertEqual(newcomer.with_company(self.company).collections_score_date, TODAY)

    def test_a_heavier_weight_lowers_the_score(self):
        customer = self.late_payer()
        self.assertEqual(self.refresh_on_form(customer).collections_payer_score, 78)
        self.company.write({"collections_score_promise_points": 25, "collections_score_late_day_points": 2})
        form = self.refresh_on_form(customer)
        self.assertEqual(form.collections_payer_score, 100 - 24 - 25)
        self.assertEqual(form.collections_payer_reasons, "Broke 1 promise (-25)\nPays 12 days late on average (-24)")
        # A 30-day window keeps the invoice paid 26 days ago (14 days late) and the promise of February 25th.
        self.company.collections_score_lookback_days = 30
        self.assertEqual(self.refresh_on_form(customer).collections_payer_score, 100 - 28 - 25)

    def test_invalid_weights_are_refused_naming_the_field(self):
        with self.assertRaisesRegex(ValidationError, "Points per Day Late"):
            self.company.collections_score_late_day_points = -1
        with self.assertRaisesRegex(ValidationError, "Points per Broken Promise cannot be more than 100"):
            self.company.collections_score_promise_points = 500
        with self.assertRaisesRegex(ValidationError, "Score Window"):
            self.company.collections_score_lookback_days = 10
        with self.assertRaisesRegex(ValidationError, "Score Without History"):
            self.company.collections_score_neutral = 120
        self.assertEqual(self.company.collections_score_late_day_points, 1)

    def test_the_settings_screen_tunes_the_weights(self):
        settings = Form(self.env["res.config.settings"])
        settings.collections_score_dispute_points = 8
        settings.save().execute()
        self.assertEqual(self.company._collections_score_weights().dispute_points, 8)

    def test_each_company_scores_its_own_history(self):
        customer = self.make_customer("Two Companies")
        self.paid_late(customer, 0)
        self.paid_late(customer, 30, company=self.company_2)
        self.env["res.partner"]._collections_refresh_scores(self.company, customer)
        self.env["res.partner"]._collections_refresh_scores(self.company_2, customer)
        here = customer.with_company(self.company)
        branch = customer.with_company(self.company_2)
        self.assertEqual((here.collections_payer_score, here.collections_payer_reasons), (100, "Pays on time"))
        self.assertEqual(
            (branch.collections_payer_score, branch.collections_payer_reasons),
            (70, "Pays 30 days late on average (-30)"),
        )

    def test_collectors_see_the_score_and_invoicing_users_do_not(self):
        customer = self.late_payer()
        customer.with_user(self.collector).action_collections_refresh_score()
        self.assertEqual(customer.with_user(self.collector).collections_payer_score, 78)
        with self.assertRaises(AccessError):
            customer.with_user(self.invoicing_user).read(["collections_payer_score"])
        with self.assertRaises(AccessError):
            customer.with_user(self.invoicing_user).read(["collections_payer_reasons"])
        view = customer.with_user(self.invoicing_user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("collections_payer_score", view)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayerScoreQueryCount(RunCase):
    """Scoring 5 or 50 customers costs the same number of queries."""

    def customers_with_history(self, count, prefix):
        journal = self.company_data["default_journal_bank"]
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self.make_customer(f"{prefix} {index}")
            invoice = self.make_invoice(customer, 100 + index, 40)
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": TODAY - timedelta(days=index % 20), "journal_id": journal.id})._create_payments()
            self.make_invoice(customer, 50, 8)
            customers |= customer
        return customers

    def count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_scoring_does_not_grow_with_customers(self):
        few = self.customers_with_history(5, "Few")
        many = self.customers_with_history(50, "Many")
        Partner = self.env["res.partner"]
        Partner._collections_refresh_scores(self.company, self.customers_with_history(2, "Warm"))
        queries_few = self.count_queries(lambda: Partner._collections_refresh_scores(self.company, few))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            Partner._collections_refresh_scores(self.company, many)
        scores = many.with_company(self.company).mapped("collections_payer_score")
        self.assertEqual(len(scores), 50)
        self.assertTrue(all(0 < score < 100 for score in scores), "each paid late, each scored")
