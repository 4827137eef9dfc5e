"""A/B tests of a level's e-mail template: the manager sets up two variants, the run shares the customers out.

The manager configures the variants on the level form and promotes the winner; the follow-up runs as its job
does; the accountant of the test company reconciles the payments the figures are read from.
"""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from ..collections_addon.engine.ab_test import assign_variant, wilson_interval
from .common_run import RunCase

SUBJECT_B = "Variant B reminder"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestAbVariants(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_b = cls.template_first.copy({"name": "First reminder (B)", "subject": SUBJECT_B})
        cls.customers = [cls.make_customer(f"Ab Customer {number}") for number in range(16)]
        cls.invoices = {customer: cls.make_invoice(customer, 100, 8) for customer in cls.customers}

    def set_up_variants(self):
        """The manager adds two 50/50 variants to the 'First' level on its form."""
        with Form(self.as_manager(self.level_first)) as level:
            with level.variant_ids.new() as variant:
                variant.name = "A"
                variant.weight = 50
            with level.variant_ids.new() as variant:
                variant.name = "B"
                variant.weight = 50
                variant.mail_template_id = self.template_b
        return self.level_first.variant_ids.sorted("name")

    def pay(self, invoice, amount, day):
        """The customer's payment on ``day``, reconciled with the invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.partner_id.id,
                "amount": amount,
                "date": day,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()

    def split(self, *variants):
        """{variant: customers} as the events of the run recorded them."""
        events = self.env["collections.event"].search([("partner_id", "in", [c.id for c in self.customers])])
        return {variant: events.filtered(lambda e, v=variant: e.variant_id == v).partner_id for variant in variants}

    def test_customers_are_split_stably_and_each_mail_uses_its_variant(self):
        variant_a, variant_b = self.set_up_variants()
        self.assertEqual(variant_a.mail_template_id.id, False, "A keeps the level's template")
        self.run_followup()
        split = self.split(variant_a, variant_b)
        self.assertEqual(len(split[variant_a]) + len(split[variant_b]), 16, "every contact records its variant")
        self.assertTrue(split[variant_a] and split[variant_b], "both variants get customers")
        for customer in self.customers:
            mail = self.mails_of(customer)
            self.assertEqual(len(mail), 1)
            if customer in split[variant_b]:
                self.assertEqual(mail.subject, SUBJECT_B, "B's customers get B's template")
            else:
                self.assertNotEqual(mail.subject, SUBJECT_B, "A's customers get the level's template")
        # A new invoice of each customer reaches the step a few days later: the same customer, the same variant.
        for customer in self.customers:
            self.make_invoice(customer, 50, 8)
        with freeze_time("2026-03-20 10:00:00"):
            self.run_followup()
        later = self.env["collections.event"].search(
            [("partner_id", "in", [c.id for c in self.customers]), ("date", "=", date(2026, 3, 20))]
        )
        self.assertEqual(len(later), 16, "the new invoices are reminded")
        for event in later:
            expected = variant_b if event.partner_id in split[variant_b] else variant_a
            self.assertEqual(event.variant_id, expected, "a customer keeps its variant from run to run")

    def test_a_level_without_variants_is_unchanged(self):
        self.run_followup()
        events = self.env["collections.event"].search([("partner_id", "in", [c.id for c in self.customers])])
        self.assertEqual(len(events), 16)
        self.assertFalse(events.variant_id)
        self.assertNotIn(SUBJECT_B, self.env["mail.mail"].search([]).mapped("subject"))

    def test_figures_count_the_customers_who_paid_within_30_days_and_promote_ends_the_test(self):
        variant_a, variant_b = self.set_up_variants()
        self.run_followup()
        split = self.split(variant_a, variant_b)
        customers_a, customers_b = split[variant_a], split[variant_b]
        self.assertGreaterEqual(min(len(customers_a), len(customers_b)), 2)
        invoice = {customer.id: invoice for customer, invoice in self.invoices.items()}
        # A: two customers pay in full within 30 days. B: one pays 40 within 30 days, one pays after 30 days.
        self.pay(invoice[customers_a[0].id], 100, date(2026, 3, 20))
        self.pay(invoice[customers_a[1].id], 100, date(2026, 4, 15))
        self.pay(invoice[customers_b[0].id], 40, date(2026, 3, 25))
        self.pay(invoice[customers_b[1].id], 100, date(2026, 4, 20))
        level = self.as_manager(self.level_first)
        self.env.invalidate_all()
        a, b = level.variant_ids.sorted("name")
        count_a, count_b = len(customers_a), len(customers_b)
        self.assertEqual((a.stat_contacts, a.stat_customers, a.stat_recovered_customers), (count_a, count_a, 2))
        self.assertEqual((b.stat_contacts, b.stat_customers, b.stat_recovered_customers), (count_b, count_b, 1))
        self.assertEqual(a.stat_recovered_amount, 200.0)
        self.assertEqual(b.stat_recovered_amount, 40.0, "the payment after 30 days counts for nobody")
        self.assertAlmostEqual(a.stat_rate, 100 * 2 / count_a, delta=0.05, msg="to a tenth of a percent")
        low, high = wilson_interval(1, count_b)
        self.assertEqual(b.stat_interval, f"{100 * low:.1f}% - {100 * high:.1f}%")
        self.assertIn("not significant yet", level.variant_summary)

        b.action_promote()
        self.assertEqual(self.level_first.mail_template_id, self.template_b, "the winner's template is the level's")
        self.assertFalse(self.level_first.variant_ids, "the test is over: no active variant")
        self.assertFalse(self.level_first.variant_summary)
        with freeze_time("2026-03-20 10:00:00"):
            newcomer = self.make_customer("Ab Newcomer")
            self.make_invoice(newcomer, 100, 8)
            self.run_followup()
        self.assertEqual(self.mails_of(newcomer).subject, SUBJECT_B)
        self.assertFalse(self.events_of(newcomer).variant_id)

    def test_a_collector_reads_the_variants_but_cannot_change_or_promote_them(self):
        variant_a, variant_b = self.set_up_variants()
        as_collector = variant_a.with_user(self.collector)
        self.assertEqual(as_collector.name, "A")
        with self.assertRaises(AccessError):
            as_collector.write({"weight": 10})
        with self.assertRaises(AccessError):
            variant_b.with_user(self.collector).action_promote()
        with self.assertRaises(AccessError):
            self.env["collections.level.variant"].with_user(self.collector).create(
                {"level_id": self.level_first.id, "name": "C", "weight": 10}
            )

    def test_call_variants_give_the_collector_the_variants_script(self):
        script_b = self.make_script("call", "Variant B call for {{ customer }}.", name="Call script B")
        with Form(self.as_manager(self.level_call)) as level:
            with level.variant_ids.new() as variant:
                variant.name = "A"
            with level.variant_ids.new() as variant:
                variant.name = "B"
                variant.call_script_id = script_b
        variant_a, variant_b = self.level_call.variant_ids.sorted("name")
        callers = [
            self.make_customer(f"Ab Caller {number}", phone=f"+55 11 91234-{5600 + number}") for number in range(10)
        ]
        for customer in callers:
            self.make_invoice(customer, 300, 25)
        self.run_followup(partners=self.env["res.partner"].concat(*callers))
        calls = self.env["collections.event"].search(
            [("partner_id", "in", [c.id for c in callers]), ("channel", "=", "call")]
        )
        self.assertEqual(len(calls), 10)
        self.assertEqual(calls.variant_id, variant_a | variant_b, "both variants are called")
        for call in calls:
            mail = self.events_of(call.partner_id, channel="email")
            self.assertEqual(mail.variant_id, call.variant_id, "every contact of the step records the variant")
            wizard = self.open_call_log(call.with_user(self.collector).action_log_call())
            if call.variant_id == variant_b:
                self.assertIn("Call script B", str(call.activity_id.note))
                self.assertIn("Variant B call for", str(wizard.script_text))
            else:
                self.assertNotIn("Call script B", str(call.activity_id.note))
                self.assertIn("Is everything ok", str(wizard.script_text), "A keeps the level's call script")

    def count_queries(self, function):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_acting_with_variants_does_not_grow_with_customers(self):
        variants = self.set_up_variants()
        weights = {variant.id: variant.weight for variant in variants}

        def batch(count, prefix):
            customers = self.env["res.partner"]
            for number in range(count):
                customer = self.make_customer(f"{prefix} {number}")
                self.make_invoice(customer, 100, 8)
                customers |= customer
            return customers

        few = batch(4, "Few")
        # Both variants in the small batch too: each template is rendered once per batch.
        while len({assign_variant(c.id, f"level-{self.level_first.id}", weights) for c in few}) < 2:
            few |= batch(1, f"Few more {len(few)}")
        many = batch(40, "Many")
        self.run_followup(partners=batch(2, "Warm"))  # warm caches shared by both runs
        queries_few = self.count_queries(lambda: self.run_followup(partners=few))
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            self.run_followup(partners=many)
        self.assertEqual(len(self.env["collections.event"].search([("partner_id", "in", many.ids)]).variant_id), 2)

    def test_the_send_dialog_shows_the_customers_variant(self):
        variant_a, variant_b = self.set_up_variants()
        weights = {variant_a.id: 50, variant_b.id: 50}
        key = f"level-{self.level_first.id}"
        customer_b = next(c for c in self.customers if assign_variant(c.id, key, weights) == variant_b.id)
        customer_a = next(c for c in self.customers if assign_variant(c.id, key, weights) == variant_a.id)
        for customer, expected in ((customer_b, True), (customer_a, False)):
            action = customer.with_user(self.collector).action_collections_send_now()
            dialog = self.env[action["res_model"]].with_user(self.collector).browse(action["res_id"])
            self.assertEqual(dialog.email_subject == SUBJECT_B, expected, "the dialog shows what the run sends")
            dialog.action_send()
            self.assertEqual(self.mails_of(customer).subject == SUBJECT_B, expected)
            self.assertEqual(self.events_of(customer).variant_id, variant_b if expected else variant_a)
