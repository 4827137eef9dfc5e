"""Notary protests and the rest of the house: the sales warning, the follow-up leaving protested invoices
alone, access rights, and the guards a review found open."""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tools import format_date, mute_logger

from .common import TODAY
from .common_protest import DEADLINE, NOTIFIED, PROTESTED, PROTOCOL, ProtestCase


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestSalesWarning(ProtestCase):
    """The test database installs Sales (dev.sh test) so that this runs against the real sale module."""

    def test_sales_warning_follows_the_protested_flag(self):
        self.assertIn("sale_warn_msg", self.env["res.partner"]._fields, "dev.sh test must install Sales")
        self.customer.sale_warn_msg = "Pays by wire transfer only."
        protest = self.protest_until("protested")
        warning = self.customer.sale_warn_msg
        self.assertTrue(warning.startswith("\N{SCALES} Protested at a notary since"), warning)
        self.assertIn(format_date(self.env, PROTESTED), warning)
        self.assertTrue(warning.endswith("Pays by wire transfer only."), warning)
        order = self.env["sale.order"].new({"partner_id": self.customer.id})
        self.assertIn("Protested at a notary", order.sale_warning_text)
        self.pay_invoice(protest.move_id, date(2026, 3, 12))
        self.step(protest, "settle", date(2026, 3, 13))
        self.assertEqual(self.customer.sale_warn_msg, "Pays by wire transfer only.")

    def test_sales_warning_of_a_customer_without_one_is_cleared_again(self):
        protest = self.protest_until("protested")
        self.assertIn("Protested at a notary", self.customer.sale_warn_msg)
        self.pay_invoice(protest.move_id, date(2026, 3, 12))
        self.step(protest, "settle", date(2026, 3, 13))
        self.assertFalse(self.customer.sale_warn_msg)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestFollowupExclusion(ProtestCase):
    def test_invoice_at_the_notary_gets_no_reminder(self):
        other = self.make_invoice(self.customer, 250, 8)
        protest = self.protest_until("sent")
        self.run_followup()
        events = self.events_of(self.customer)
        self.assertTrue(events, "the other overdue invoice is still followed up")
        self.assertEqual(events.move_ids, other)
        self.assertNotIn(protest.move_id, events.move_ids)
        self.assertNotIn(self.invoice.name, "".join(self.mails_of(self.customer).mapped("body_html")))


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestSecurity(ProtestCase):
    def test_invoicing_user_cannot_read_protests(self):
        self.protest_until("sent")
        clerk = self.make_user("protest_clerk", "account.group_account_invoice")
        with self.assertRaises(AccessError):
            self.env["collections.protest"].with_user(clerk).search([])
        with self.assertRaises(AccessError):
            self.env["collections.protest.rule"].with_user(clerk).search([])
        # The warning on the customer and on new invoices is public.
        self.assertFalse(self.customer.with_user(clerk).collections_protested)

    def test_other_company_sees_no_protest_nor_rule(self):
        protest = self.protest_until("sent")
        other = self.setup_other_company(name="Protest Other Co")["company"]
        stranger = self.make_user("protest_stranger", "collections_addon.group_collections_user", company=other)
        self.assertFalse(self.env["collections.protest"].with_user(stranger).search([]))
        self.assertFalse(self.env["collections.protest.rule"].with_user(stranger).search([]))
        self.assertFalse(self.env["collections.protest.cost"].with_user(stranger).search([]))
        with self.assertRaises(AccessError):
            protest.with_user(stranger).read(["state"])
        # The collector of the company sees its own.
        self.assertEqual(self.env["collections.protest"].with_user(self.collector).search([]), protest)
        self.assertIn(self.rule, self.env["collections.protest.rule"].with_user(self.collector).search([]))

    def test_protest_in_another_company_goes_to_that_company_collector(self):
        other = self.setup_other_company(name="Protest Branch Co")["company"]
        collector_b = self.make_user("protest_collector_b", "collections_addon.group_collections_user", company=other)
        self.customer.with_company(self.company).collections_responsible_id = self.collector
        self.customer.with_company(other).collections_responsible_id = collector_b
        invoice_b = self.make_invoice(self.customer, 100, 70, company=other)
        # A manager of both companies, working in the first one, protests an invoice of the second one.
        protest = (
            self.env["collections.protest"]
            .with_context(allowed_company_ids=[self.company.id, other.id])
            .create({"move_id": invoice_b.id, "notary_id": self.notary.id})
        )
        self.assertEqual(protest.company_id, other)
        self.assertEqual(protest.user_id, collector_b, "the collector of the customer in the invoice's company")

    def test_protests_created_together_keep_the_company_check(self):
        """Records created in bulk are checked for their companies together (collections.input.mixin): a notary
        of another company among them is still refused, with Odoo's message, and nothing is created."""
        other_notary = self.notary.copy({"name": "Notary of the branch", "company_id": self.company_2.id})
        second = self.make_invoice(self.customer, 500, 70)
        protests = self.env["collections.protest"].with_context(allowed_company_ids=[self.company.id])

        def vals_list(second_notary):
            return [
                {"move_id": self.invoice.id, "notary_id": self.notary.id},
                {"move_id": second.id, "notary_id": second_notary.id},
            ]

        with self.assertRaises(UserError) as caught:
            protests.create(vals_list(other_notary))
        self.assertIn("company inconsistencies", str(caught.exception))
        self.assertFalse(protests.search([("move_id", "in", (self.invoice | second).ids)]))
        self.assertEqual(len(protests.create(vals_list(self.notary))), 2)

    def test_collector_cannot_configure_rules(self):
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            self.env["collections.protest.rule"].with_user(self.collector).create(
                {"company_id": self.company.id, "state_id": self.state_sp.id}
            )
        with self.assertRaises(AccessError):
            self.rule.with_user(self.collector).write({"days": 10})
        with self.assertRaises(AccessError):
            self.rule.with_user(self.collector).unlink()
        self.assertEqual(self.rule.days, 3)
        self.env["collections.protest.rule"].with_user(self.manager).create(
            {"company_id": self.company.id, "state_id": self.state_sp.id, "days": 4}
        )


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestGuards(ProtestCase):
    """What a review found open: each test failed before its fix."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_currency = cls.setup_other_currency("EUR")

    def test_no_context_key_opens_the_step_fields(self):
        protest = self.new_protest()
        for key in ("collections_protest_internal", "collections_negotiation_internal"):
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.collector).with_context(**{key: True}).write({"state": "protested"})
        with self.assertRaisesRegex(UserError, "starts as a draft"), self.env.cr.savepoint():
            self.env["collections.protest"].with_user(self.collector).with_context(
                collections_protest_internal=True
            ).create({"move_id": self.make_invoice(self.customer, 100, 70).id, "state": "protested"})
        self.assertEqual(protest.state, "draft")

    def test_customer_and_currency_follow_the_invoice(self):
        protest = self.new_protest()
        other = self.make_customer("Innocent Bystander", vat="987.654.321-00")
        for values in ({"partner_id": other.id}, {"currency_id": self.other_currency.id}):
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.collector).write(values)
        self.assertEqual(protest.partner_id, self.customer)

    def test_title_number_follows_a_new_invoice(self):
        protest = self.new_protest()
        other_invoice = self.make_invoice(self.customer, 400, 70)
        protest.with_user(self.collector).write({"move_id": other_invoice.id})
        self.assertEqual(protest.title_number, other_invoice.name)

    def test_invoice_at_the_notary_cannot_be_reset_or_cancelled(self):
        protest = self.protest_until("protested")
        for method in ("button_draft", "button_cancel"):
            with self.assertRaisesRegex(UserError, "at a notary"):
                getattr(protest.move_id, method)()
        self.assertEqual(protest.move_id.state, "posted")
        draft = self.new_protest(self.make_invoice(self.customer, 200, 70))
        draft.move_id.button_draft()
        self.assertEqual(draft.move_id.state, "draft", "a proposal does not lock its invoice")

    def test_cost_flags_are_set_by_the_protest_only(self):
        protest = self.protest_until("protocolled")
        cost = (
            self.env["collections.protest.cost"]
            .with_user(self.collector)
            .create({"protest_id": protest.id, "name": "Notary fees", "amount": 30})
        )
        protest.with_user(self.collector).action_rebill_costs()
        for values in ({"rebill_move_id": False}, {"retained": True}):
            with self.assertRaisesRegex(UserError, "set by the protest's steps"):
                cost.with_user(self.collector).write(values)
        with self.assertRaisesRegex(UserError, "set by the protest's steps"), self.env.cr.savepoint():
            self.env["collections.protest.cost"].with_user(self.collector).create(
                {"protest_id": protest.id, "name": "Sneaky", "amount": 5, "retained": True}
            )
        with self.assertRaisesRegex(UserError, "no cost paid by us left to re-bill"):
            protest.with_user(self.collector).action_rebill_costs()

    def test_retained_fee_is_frozen(self):
        protest = self.protest_until("notified")
        self.step(protest, "pay", TODAY, retained_costs=40, amount_received=960)
        retained = protest.cost_ids.filtered("retained")
        with self.assertRaisesRegex(UserError, "in the books"):
            retained.with_user(self.collector).write({"amount": 10})

    def test_payment_at_the_notary_is_in_the_invoice_currency(self):
        journal = self.bank_journal.copy({"name": "Bank in another currency", "code": "BOC"})
        journal.currency_id = self.other_currency
        protest = self.protest_until("notified")
        self.step(protest, "pay", TODAY, retained_costs=0, amount_received=1000, journal_id=journal.id)
        self.assertEqual(protest.payment_id.currency_id, protest.currency_id)
        self.assertEqual(protest.payment_id.amount, 1000)
        self.assertTrue(protest.move_id.currency_id.is_zero(protest.move_id.amount_residual))

    def test_tasks_of_a_protest_without_responsible_go_to_a_manager(self):
        protest = self.protest_until("protocolled")
        protest._internal_write({"user_id": False})
        with freeze_time(datetime.combine(DEADLINE + timedelta(days=1), time(12, 0))):
            self.env["collections.protest"].with_user(SUPERUSER_ID)._cron_protest_followup()
        task = self.todo(protest, "record the notary's outcome")
        self.assertEqual(len(task), 1)
        self.assertTrue(task.user_id.active)
        self.assertTrue(task.user_id.has_group("collections_addon.group_collections_manager"))

    def test_the_rule_of_a_sent_protest_cannot_be_deleted(self):
        self.protest_until("sent")
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.rule.unlink()

    def test_sales_warning_reaches_the_contacts_of_the_customer(self):
        contact = self.env["res.partner"].create({"name": "João Compras", "parent_id": self.customer.id})
        protest = self.protest_until("protested")
        self.assertIn("Protested at a notary", contact.sale_warn_msg or "")
        order = self.env["sale.order"].new({"partner_id": contact.id})
        self.assertIn("Protested at a notary", order.sale_warning_text)
        self.pay_invoice(protest.move_id, date(2026, 3, 12))
        self.step(protest, "settle", date(2026, 3, 13))
        self.assertFalse(contact.sale_warn_msg)

    def test_steps_close_the_protest_tasks_only(self):
        protest = self.protest_until("protocolled")
        with freeze_time(datetime.combine(DEADLINE, time(12, 0))):
            self.env["collections.protest"]._cron_protest_followup()
        own_task = self.todo(protest, "Last day to pay")
        manual_task = protest.activity_schedule(
            "mail.mail_activity_data_todo", summary="Call the notary about the stamp", user_id=self.collector.id
        )
        self.step(protest, "notify", NOTIFIED)
        self.step(protest, "withdraw", DEADLINE)
        self.assertFalse(own_task.active, "the deadline task is answered (done) by the withdrawal")
        self.assertTrue(manual_task.active, "a task added by hand stays open")

    def test_each_instalment_is_a_title_of_its_own(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 80 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50, "nb_days": 80}),
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2026, 1, 5),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        first, second = self.env["collections.protest"]._receivable_lines(invoice)
        self.assertEqual((first.date_maturity, second.date_maturity), (date(2026, 1, 5), date(2026, 3, 26)))

        protest = self.new_protest(invoice)
        self.assertEqual(protest.move_line_id, first, "the overdue instalment, not the invoice's last due date")
        self.assertEqual((protest.amount, protest.due_date), (500, date(2026, 1, 5)))
        self.assertEqual(protest.title_number, f"{invoice.name}-1")
        with self.assertRaisesRegex(UserError, "not overdue"), self.env.cr.savepoint():
            self.new_protest(invoice, move_line_id=second.id)

        self.send(protest)
        self.step(protest, "protocol", PROTOCOL, protocol_number="PROT-INST-1")
        self.step(protest, "notify", NOTIFIED)
        self.step(protest, "pay", TODAY, retained_costs=0, amount_received=500)
        self.assertEqual(protest.state, "paid")
        self.assertTrue(first.reconciled)
        self.assertFalse(second.reconciled, "the instalment not protested stays open")
        self.assertEqual(invoice.amount_residual, 500)

    def instalment_invoice(self):
        """An invoice of 1000 in three instalments (400, 300, 300), the first due 70 days ago, then every 30 days."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Three instalments",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": percent, "nb_days": 30 * index})
                    for index, percent in enumerate((40, 30, 30))
                ],
            }
        )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.customer.id,
                "invoice_date": date(2026, 1, 5),
                "invoice_payment_term_id": term.id,
                "invoice_line_ids": [
                    Command.create({"name": "Service", "quantity": 1, "price_unit": 1000, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def test_protest_button_takes_the_next_instalment_not_at_the_notary(self):
        invoice = self.instalment_invoice()
        first, second, _third = self.env["collections.protest"]._receivable_lines(invoice)
        self.send(self.new_protest(invoice))
        action = invoice.with_user(self.collector).action_collections_protest()
        protest = self.env["collections.protest"].browse(action["res_id"])
        self.assertEqual(protest.move_line_id, second)
        self.assertEqual(protest.title_number, f"{invoice.name}-2")
        self.assertNotEqual(protest.move_line_id, first)

    def test_the_form_picks_the_instalment_of_the_invoice(self):
        invoice = self.instalment_invoice()
        first = self.env["collections.protest"]._receivable_lines(invoice)[0]
        form = Form(self.env["collections.protest"].with_user(self.collector))
        form.move_id = self.invoice
        self.assertEqual(form.title_number, self.invoice.name)
        form.move_id = invoice
        self.assertEqual(form.move_line_id, first)
        self.assertEqual(form.title_number, f"{invoice.name}-1")
        form.notary_id = self.notary
        protest = form.save()
        self.assertEqual((protest.move_line_id, protest.amount), (first, 400))

    def test_a_proposal_does_not_stop_the_invoice_from_being_corrected(self):
        invoice = self.instalment_invoice()
        proposal = self.new_protest(invoice)
        proposal.with_user(self.manager).action_discard()
        invoice.button_draft()
        invoice.invoice_payment_term_id = False
        invoice.action_post()
        self.assertFalse(proposal.move_line_id, "the instalment it named is gone")
        self.assertEqual((proposal.state, proposal.due_date), ("cancelled", date(2026, 1, 5)))
