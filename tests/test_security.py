from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import RUN_DAY, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestSecurity(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.invoicing_user = cls.make_user("billing_clerk", "account.group_account_invoice")
        cls.customer = cls.make_customer("Secured Customer")
        cls.invoice = cls.make_invoice(cls.customer, 100, 8)

    def read_form(self, record, user):
        """Read every field the user's form view shows, as the web client does."""
        record = record.with_user(user)
        views = record.get_views([(False, "form")])
        fields = list(views["models"][record._name]["fields"])
        return record.read(fields)

    def test_plain_invoicing_user_keeps_working(self):
        self.run_followup()
        self.read_form(self.customer, self.invoicing_user)
        self.read_form(self.invoice, self.invoicing_user)
        view = self.customer.with_user(self.invoicing_user).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("collections_status", view, "the Collections tab is for collectors")
        with self.assertRaises(AccessError):
            self.env["collections.event"].with_user(self.invoicing_user).search([])
        with self.assertRaises(AccessError):
            self.customer.with_user(self.invoicing_user).action_collections_send_now()

    def test_invoicing_user_prints_and_sends_the_statement(self):
        self.run_followup()  # the statement then carries a reminder history the clerk may not browse
        # The reminder left the mail queue: the customer received it, so the statement tells of it.
        self.env["collections.event"].search([("partner_id", "=", self.customer.id)]).sudo().state = "sent"
        html = self.render_html(
            "collections_addon.action_report_collections_statement", self.customer, user=self.invoicing_user
        )
        self.assertIn(self.invoice.name, html)
        self.assertIn("Reminder History", html)
        # Posting on a contact needs Odoo's "Contact Creation" right, which internal users usually have.
        self.invoicing_user.group_ids += self.env.ref("base.group_partner_manager")
        action = self.customer.with_user(self.invoicing_user).action_collections_send_statement()
        composer = (
            self.env["mail.compose.message"].with_user(self.invoicing_user).with_context(action["context"]).create({})
        )
        composer._action_send_mail()
        self.assertTrue(self.customer.message_ids.filtered(lambda m: "statement" in (m.subject or "")))

    def test_collector_works_the_worklist_but_cannot_configure(self):
        self.read_form(self.customer, self.collector)
        self.read_form(self.invoice, self.collector)
        view = self.customer.with_user(self.collector).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("collections_status", view)
        self.send_now(self.customer)
        event = self.env["collections.event"].with_user(self.collector).search([("partner_id", "=", self.customer.id)])
        self.assertEqual(event.channel, "email")
        self.assertEqual(self.invoice.collections_level_id, self.level_first, "bookkeeping written for the collector")
        with self.assertRaises(AccessError):
            self.level_first.with_user(self.collector).write({"days": 6})
        with self.assertRaises(AccessError):
            self.env["collections.policy"].with_user(self.collector).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["collections.preview"].with_user(self.collector)._action_run_now()
        with self.assertRaises(AccessError):
            event.with_user(self.collector).unlink()
        with self.assertRaises(AccessError):
            event.with_user(self.collector).write({"state": "sent"})
        with self.assertRaises(AccessError):
            self.customer.with_user(self.invoicing_user).write({"collections_excluded": True})

    def test_manager_configures_and_runs(self):
        level = (
            self.env["collections.level"]
            .with_user(self.manager)
            .create({"policy_id": self.policy.id, "name": "Late letter", "days": 45, "send_letter": True})
        )
        self.assertEqual(level.company_id, self.company)
        action = self.env["collections.preview"].with_user(self.manager)._action_run_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertTrue(self.events_of(self.customer))

    def test_other_company_sees_nothing(self):
        other = self.setup_other_company(name="Other Co")["company"]
        stranger = self.make_user("stranger", "collections_addon.group_collections_manager", company=other)
        self.run_followup()
        self.assertFalse(self.env["collections.event"].with_user(stranger).search([]))
        self.assertFalse(self.env["collections.policy"].with_user(stranger).search([("id", "=", self.policy.id)]))
        with self.assertRaises(AccessError):
            self.events_of(self.customer).with_user(stranger).read(["state"])
        with self.assertRaises(AccessError):
            self.policy.with_user(stranger).read(["name"])


@tagged("post_install", "-at_install")
@freeze_time(RUN_DAY)
class TestMultiCompany(CollectionsCase):
    def test_companies_follow_up_separately(self):
        other_data = self.setup_other_company(name="Second Co")
        other = other_data["company"]
        other.email = "billing@second.example"
        shared = self.make_customer("Shared Customer", phone="+55 11 91234-5678")
        invoice_a = self.make_invoice(shared, 100, 8)
        invoice_b = self.make_invoice(shared, 700, 30, company=other)
        # The second company got the shipped plans on creation: its own follow-up works out of the box.
        self.assertTrue(
            self.env["collections.policy"].search([("company_id", "=", other.id), ("is_default", "=", True)])
        )

        result_a = self.run_followup(self.company)
        self.assertEqual(result_a.contacted, 1)
        event_a = self.events_of(shared)
        self.assertEqual(event_a.company_id, self.company)
        self.assertEqual(event_a.move_ids, invoice_a, "company A's reminder lists only A's invoices")
        self.assertNotIn("700.00", self.mails_of(shared).body_html)
        self.assertFalse(invoice_b.collections_level_id)

        shared_a = shared.with_company(self.company)
        shared_b = shared.with_company(other)
        self.assertEqual(shared_a.collections_level_id, self.level_first)
        self.assertFalse(shared_b.collections_level_id, "levels are per company")
        self.assertEqual(shared_a.collections_overdue_amount, 100.0)
        self.assertEqual(shared_b.collections_overdue_amount, 700.0)

        self.run_followup(other)
        event_b = self.events_of(shared).filtered(lambda event: event.company_id == other)
        self.assertEqual(event_b.move_ids, invoice_b)
        self.assertEqual(event_b.level_id.policy_id.company_id, other)
        self.assertTrue(shared_b.collections_level_id)
        # Company B's run left company A's bookkeeping of the shared customer alone.
        self.assertEqual(shared_a.collections_level_id, self.level_first)
        self.assertEqual(str(shared_a.collections_last_date), "2026-03-16")
        self.assertEqual(invoice_a.collections_level_id, self.level_first)
        # Each receivable records the level it reached in its own company; a collector reads their companies' only.
        receivable_a, receivable_b = (
            invoice.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
            for invoice in (invoice_a, invoice_b)
        )
        self.assertEqual(receivable_a.with_user(self.collector).collections_level_id, self.level_first)
        self.assertEqual(receivable_b.collections_level_id, event_b.level_id)
        line_levels = self.env["collections.line.level"].with_user(self.collector).search([])
        self.assertEqual(line_levels.line_id, receivable_a, "the other company's bookkeeping stays out of sight")
        move_levels = self.env["collections.move.level"].with_user(self.collector).search([])
        self.assertEqual(move_levels.move_id, invoice_a)

    def test_invoices_filter_sort_and_group_by_their_follow_up_level(self):
        other = self.setup_other_company(name="Second Co")["company"]
        other.email = "billing@second.example"
        customer = self.make_customer("Shared Customer", phone="+55 11 91234-5678")
        invoice_a = self.make_invoice(customer, 100, 8)
        invoice_b = self.make_invoice(customer, 700, 30, company=other)
        not_reached = self.make_invoice(customer, 50, -5)
        self.run_followup(self.company)
        self.run_followup(other)
        level_b = invoice_b.collections_level_id
        self.assertTrue(level_b)
        invoices = invoice_a | invoice_b | not_reached
        Invoices = self.env["account.move"].with_context(allowed_company_ids=(self.company | other).ids)
        in_test = [("id", "in", invoices.ids)]

        self.assertEqual(Invoices.search([*in_test, ("collections_level_id", "=", self.level_first.id)]), invoice_a)
        self.assertEqual(Invoices.search([*in_test, ("collections_level_id", "=", False)]), not_reached)
        self.assertEqual(Invoices.search([*in_test, ("collections_level_id", "in", level_b.ids)]), invoice_b)
        self.assertEqual(
            Invoices.search([*in_test, ("collections_last_date", "=", "2026-03-16")]), invoice_a | invoice_b
        )
        by_level = dict(Invoices._read_group(in_test, ["collections_level_id"], ["__count"]))
        self.assertEqual(by_level, {self.level_first: 1, level_b: 1, Invoices.env["collections.level"]: 1})
        ordered = Invoices.search(in_test, order="collections_last_date, id")
        self.assertEqual(ordered[-1], not_reached, "an invoice never reminded sorts after the reminded ones")
        self.assertEqual(
            Invoices.search([*in_test, ("collections_level_id.name", "=", self.level_first.name)]).filtered(
                lambda move: move.company_id == self.company
            ),
            invoice_a,
        )
        self.assertEqual(Invoices.search([*in_test, ("collections_last_date", "=", False)]), not_reached)
        self.assertEqual(
            Invoices.search([*in_test, ("collections_level_id", "not in", level_b.ids)]), invoice_a | not_reached
        )
        self.assertEqual(invoices.filtered_domain([("collections_level_id", "!=", False)]), invoice_a | invoice_b)
        attributes = ["groupable", "sortable", "searchable"]
        described = Invoices.fields_get(["collections_level_id", "collections_last_date"], attributes)
        self.assertEqual([[field[name] for name in attributes] for field in described.values()], [[True] * 3] * 2)

        # A collector of the first company finds its invoices by level, and nothing of the second's.
        mine = (
            self.env["account.move"].with_user(self.collector).search([*in_test, ("collections_level_id", "!=", False)])
        )
        self.assertEqual(mine, invoice_a)
