import re
from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from .common import CollectionsCase
from .common_pay_now import PayNowMixin
from .common_performance import _query_shapes


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestQueryCount(PayNowMixin, CollectionsCase):
    """Gathering and deciding cost the same number of queries for 5 or 50 customers."""

    def customers_with_invoices(self, count, prefix, phones=False):
        customers = self.env["res.partner"]
        for index in range(count):
            phone = f"+55 11 9{len(prefix)}{index:03d}-{len(prefix) * 1000 + index:04d}" if phones else False
            customer = self.make_customer(f"{prefix} {index}", phone=phone)
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

    def test_paying_now_does_not_grow_with_customers(self):
        """Charges, payment links and the How to pay box of a batch are computed in bulk."""
        self.setup_pay_now(self.company)
        few = self.customers_with_invoices(5, "Few")
        many = self.customers_with_invoices(50, "Many")
        self.run_followup(partners=self.customers_with_invoices(2, "Warm"))  # warm caches shared by both runs
        queries_few = self.count_queries(lambda: self.run_followup(partners=few))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many)
        bodies = self.env["mail.mail"].search([("model", "=", "res.partner"), ("res_id", "in", many.ids)])
        self.assertEqual(sum("Pay online" in mail.body_html for mail in bodies), 50, "one box with a link each")

    def late_customers(self, count, prefix):
        """Customers with two invoices at a step that proposes protests."""
        customers = self.env["res.partner"]
        for index in range(count):
            customer = self.make_customer(f"{prefix} {index}")
            self.make_invoice(customer, 300 + index, 70)
            self.make_invoice(customer, 80, 65)
            customers |= customer
        return customers

    def test_proposing_protests_does_not_grow_with_customers(self):
        """Customers reaching a protest step get their draft protests in bulk, not one query each."""

        def proposals(customers):
            return self.env["collections.protest"].search_count([("partner_id", "in", customers.ids)])

        late_customers = self.late_customers
        few = late_customers(5, "Few")
        many = late_customers(50, "Many")
        self.run_followup(partners=late_customers(2, "Warm"))  # warm caches shared by both runs
        queries_few = self.count_queries(lambda: self.run_followup(partners=few))
        self.assertEqual(proposals(few), 10)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many)
        self.assertEqual(proposals(many), 100)

    def test_the_run_inserts_what_it_creates_whole_and_leaves_the_invoices_rows_alone(self):
        """Events and protests are inserted with their computed values, and the invoices' levels are written
        beside them: no UPDATE of a row the run just created, nor of account_move, whose every row version
        costs all of its indexes."""
        late = self.late_customers(6, "Late")
        reminded = self.customers_with_invoices(4, "Reminded")
        customers = late | reminded
        self.env.flush_all()
        with _query_shapes() as shapes:
            self.run_followup(partners=customers)
            self.env.flush_all()

        def statements(verb):
            pattern = rf'\s*{verb} "?(account_move|collections_(event|protest))"? '
            return sorted(shape for shape in shapes if re.match(pattern, shape))

        self.assertTrue(statements("INSERT INTO"), "the run's statements were seen")
        self.assertEqual(statements("UPDATE"), [])

        protests = self.env["collections.protest"].search([("partner_id", "in", late.ids)])
        self.assertEqual(len(protests), 12)
        for protest in protests:
            self.assertEqual(protest.company_id, self.company)
            self.assertEqual(protest.partner_id, protest.move_id.commercial_partner_id)
            self.assertEqual(protest.currency_id, protest.move_id.currency_id)
            self.assertEqual(protest.cost_creditor + protest.cost_debtor + protest.cost_to_rebill, 0.0)
            self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (0.0, 0))
        events = self.env["collections.event"].search([("partner_id", "in", customers.ids)])
        self.assertTrue(events)
        self.assertEqual(events.mapped(lambda event: event.policy_id == event.level_id.policy_id), [True] * len(events))
        first_step = reminded.invoice_ids.filtered(lambda move: move.invoice_date_due == date(2026, 3, 8))
        self.assertEqual(len(first_step), 2)
        self.assertEqual(first_step.collections_level_id, self.level_first)
        self.assertEqual(set(first_step.mapped("collections_last_date")), {date(2026, 3, 16)})
        # A cost paid to the notary is still counted on the protest once it exists.
        self.env["collections.protest.cost"].create(
            {"protest_id": protests[0].id, "name": "Notary fee", "amount": 12.5, "paid_by": "creditor"}
        )
        self.assertEqual((protests[0].cost_creditor, protests[0].cost_to_rebill), (12.5, 12.5))

    def test_acting_on_every_channel_does_not_grow_with_customers(self):
        """SMS, WhatsApp, letters and planned calls are queued in bulk too."""
        self.company.write(
            {
                "collections_whatsapp_api_url": "http://127.0.0.1:9/v23.0",
                "collections_whatsapp_phone_number_id": "1234",
                "collections_whatsapp_token": "token",
                "collections_whatsapp_app_secret": "secret",
            }
        )
        sms = self.make_script("sms", "Hello, {{ customer }}. {{ amount }} is open since {{ month }}.")
        whatsapp = self.make_script(
            "whatsapp",
            "Hello, {{ customer }}. {{ amount }} is open: {{ payment_link }}",
            whatsapp_template_name="collections_reminder",
            whatsapp_parameters="{{ customer }}\n{{ amount }}\n{{ payment_link }}",
        )
        letter = self.make_script("letter", "The invoices {{ invoices }} ({{ amount }}) are still open.")
        (self.level_first | self.level_call).write(
            {
                "send_sms": True,
                "sms_script_id": sms.id,
                "send_whatsapp": True,
                "whatsapp_script_id": whatsapp.id,
                "send_letter": True,
                "letter_script_id": letter.id,
            }
        )
        few = self.customers_with_invoices(5, "Few", phones=True)
        many = self.customers_with_invoices(50, "Many", phones=True)
        self.run_followup(partners=self.customers_with_invoices(2, "Warm", phones=True))
        queries_few = self.count_queries(lambda: self.run_followup(partners=few))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many)
        events = self.env["collections.event"].search([("partner_id", "in", many.ids)])
        self.assertEqual(len(events.filtered(lambda event: event.channel == "sms")), 50)
        self.assertEqual(len(events.filtered(lambda event: event.channel == "whatsapp")), 50)
        self.assertEqual(len(events.filtered(lambda event: event.channel == "letter")), 50)
        self.assertEqual(set(events.mapped("state")), {"queued"})
        self.assertEqual(self.env["sms.sms"].search_count([("partner_id", "in", many.ids)]), 50)
