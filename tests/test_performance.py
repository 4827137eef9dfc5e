from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestQueryCount(CollectionsCase):
    """Gathering and deciding cost the same number of queries for 5 or 50 customers."""

    def customers_with_invoices(self, count, prefix):
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self.make_customer(f"{prefix} {index}")
            # Both sets reach the same two levels (e-mail; e-mail and call) and a pre-due reminder.
            self.make_invoice(customer, 100 + index, (8, 25)[index % 2])
            self.make_invoice(customer, 50, -2)
            customers |= customer
        return customers

    def count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_gather_and_decide_do_not_grow_with_customers(self):
        few = self.customers_with_invoices(5, "Few")
        many = self.customers_with_invoices(50, "Many")
        self.run_followup(partners=few, dry_run=True)  # warm caches shared by both runs
        queries_few = self.count_queries(lambda: self.run_followup(partners=few, dry_run=True))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many, dry_run=True)

    def test_acting_does_not_grow_with_customers(self):
        few = self.customers_with_invoices(5, "Few")
        many = self.customers_with_invoices(50, "Many")
        self.run_followup(partners=self.customers_with_invoices(2, "Warm"))  # warm caches shared by both runs
        queries_few = self.count_queries(lambda: self.run_followup(partners=few))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many)
        self.assertEqual(len(self.env["mail.mail"].search([("model", "=", "res.partner")])), 57)
