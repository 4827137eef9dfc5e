"""A gentle start for old debts: the plan's catch-up rule in the preview and the run.

The manager sets the catch-up on the plan's form; a customer assigned to the plan with an invoice 70 days late
(levels at 5, 15, 30 and 60 days) gets one first step, as the collector's preview says and the cron's run does;
later runs follow the plan's usual rule and never send a skipped level.
"""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..collections_addon.engine.catch_up import CATCH_UP_MODES, CATCH_UP_REASONS
from .common import NOON, SAO_PAULO
from .common_run import RunCase

STATEMENT_SUBJECT = "your statement of account, please contact us"


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestCatchUp(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        second = cls.env.ref("collections_addon.mail_template_collections_second_reminder")
        final = cls.env.ref("collections_addon.mail_template_collections_final_notice")

        def level(name, days, template, **values):
            return Command.create(
                {"name": name, "days": days, "send_email": True, "mail_template_id": template.id, **values}
            )

        cls.plan = cls.env["collections.policy"].create(
            {
                "name": "Catch-up plan",
                "company_id": cls.company.id,
                "min_contact_gap": 3,
                "level_ids": [
                    level("Before due", -3, cls.template_pre_due),
                    level("First", 5, cls.template_first),
                    level("Second", 15, second),
                    level("Firm", 30, final),
                    level("Final", 60, final, schedule_call=True, call_script_id=cls.call_script.id),
                ],
            }
        )
        cls.plan_pre, cls.plan_first, cls.plan_second, cls.plan_firm, cls.plan_final = cls.plan.level_ids.sorted("days")
        cls.statement_template = cls.env.ref("collections_addon.mail_template_collections_catch_up")

    def set_mode(self, mode, level=None):
        """The manager sets the plan's catch-up on its form."""
        with Form(self.plan.with_user(self.manager)) as form:
            form.catch_up_mode = mode
            if level:
                form.catch_up_level_id = level

    def old_debtor(self, name="Old Debtor", company=None):
        """A customer assigned to the plan with an invoice 70 days late."""
        company = company or self.company
        # A mobile number: the plan's last level plans a call.
        customer = self.make_customer(name, phone="+55 11 91234-5678", tz=SAO_PAULO)
        if company == self.company:
            customer.with_company(company).collections_policy_id = self.plan
        invoice = self.make_invoice(customer, 700, 70, company=company)
        return customer, invoice

    def preview_line(self, customer):
        """The collector's preview of the next run: the customer's line."""
        action = self.env["collections.preview"].with_user(self.collector)._open_for(self.company)
        lines = self.env["collections.preview"].with_user(self.collector).browse(action["res_id"]).line_ids
        return lines.filtered(lambda line: line.partner_id == customer)

    def contacts(self, customer):
        return self.events_of(customer).filtered(lambda event: event.channel != "task")

    # ------------------------------------------------------------------
    # The plan
    # ------------------------------------------------------------------

    def test_the_manager_sets_each_mode_on_the_plan_form(self):
        with Form(self.env["collections.policy"].with_user(self.manager)) as form:
            form.name = "New plan"
            # The default: the highest level reached, what the run always did, now shown in the preview.
            self.assertEqual(form.catch_up_mode, "highest")
            self.assertEqual(form.catch_up_template_id, self.statement_template)
        for xmlid in ("collections_policy_person", "collections_policy_company"):
            self.assertEqual(self.env.ref(f"collections_addon.{xmlid}").sudo().catch_up_mode, "highest")
        self.set_mode("level", self.plan_second)
        self.assertEqual(self.plan._engine_catch_up(), ("level", self.plan_second.id))
        self.set_mode("statement")
        self.assertEqual(self.plan.catch_up_template_id, self.statement_template)
        self.assertEqual(self.plan._engine_catch_up(), ("statement", None))
        self.set_mode("off")
        self.assertEqual(self.plan._engine_catch_up(), (None, None))
        self.set_mode("highest")
        self.assertEqual(self.plan._engine_catch_up(), ("highest", None))

    def test_the_plan_refuses_a_catch_up_that_cannot_work(self):
        plan = self.plan.with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "choose the level in 'Catch-up Starts at'"):
            plan.catch_up_mode = "level"
        with self.assertRaisesRegex(ValidationError, "reminder before the due date"):
            plan.write({"catch_up_mode": "level", "catch_up_level_id": self.plan_pre.id})
        with self.assertRaisesRegex(ValidationError, "not a level of this plan"):
            plan.write({"catch_up_mode": "level", "catch_up_level_id": self.level_first.id})
        with self.assertRaisesRegex(ValidationError, "choose its e-mail"):
            plan.write({"catch_up_mode": "statement", "catch_up_template_id": False})
        invoice_template = self.env.ref("account.email_template_edi_invoice")
        with self.assertRaisesRegex(ValidationError, "choose a template on Contact"):
            plan.write({"catch_up_mode": "statement", "catch_up_template_id": invoice_template.id})

    def test_a_copy_of_the_plan_starts_at_its_own_level(self):
        self.set_mode("level", self.plan_second)
        copy = self.plan.with_user(self.manager).copy()
        self.assertEqual(copy.catch_up_mode, "level")
        self.assertEqual(copy.catch_up_level_id.policy_id, copy)
        self.assertEqual(copy.catch_up_level_id.days, 15)
        # A new company gets the shipped plans as they are set, each with its own levels.
        # (the shipped plans belong to the database's first company: the administrator sets them.)
        shipped = self.env.ref("collections_addon.collections_policy_person").sudo()
        second = shipped.level_ids.filtered(lambda level: level.days == 15)
        shipped.write({"catch_up_mode": "level", "catch_up_level_id": second.id})
        branch = self.env["res.company"].sudo().create({"name": "Catch-up Branch"})
        plan = (
            self.env["collections.policy"]
            .sudo()
            .search([("company_id", "=", branch.id), ("partner_kind", "=", "person")])
        )
        self.assertEqual((plan.catch_up_mode, plan.catch_up_level_id.policy_id), ("level", plan))

    def test_every_code_has_its_label(self):
        modes = tuple(code for code, _label in self.plan._fields["catch_up_mode"].selection)
        self.assertEqual(modes, ("off", *CATCH_UP_MODES))
        events = tuple(code for code, _label in self.env["collections.event"]._fields["catch_up"].selection)
        self.assertEqual(events, CATCH_UP_MODES)
        self.assertEqual(set(self.runner._catch_up_reason_labels()), set(CATCH_UP_REASONS))

    # ------------------------------------------------------------------
    # The modes, in the preview and the run
    # ------------------------------------------------------------------

    def test_highest_sends_only_the_highest_level_once(self):
        self.set_mode("highest")
        customer, invoice = self.old_debtor()
        line = self.preview_line(customer)
        self.assertEqual((line.level_id, line.action), (self.plan_final, "contact"))
        self.assertEqual(line.catch_up, "catch-up: starts at Final, skipping 3 levels")
        self.assertFalse(self.mails_of(customer), "a preview sends nothing")
        self.run_followup()
        contacts = self.contacts(customer)
        self.assertEqual(set(contacts.mapped("level_id")), {self.plan_final})
        self.assertEqual(set(contacts.mapped("channel")), {"email", "call"})
        self.assertEqual(set(contacts.mapped("catch_up")), {"highest"})
        self.assertEqual(len(self.mails_of(customer)), 1)
        self.assertEqual(invoice.collections_level_id, self.plan_final)
        with freeze_time("2026-03-17 12:00:00"):
            self.assertFalse(self.preview_line(customer).catch_up, "the customer is followed now")
            self.run_followup()
        with freeze_time("2026-03-25 12:00:00"):
            self.run_followup()
        self.assertEqual(self.contacts(customer), contacts, "nothing is sent twice, no skipped level comes back")
        self.assertEqual(len(self.mails_of(customer)), 1)

    def test_level_starts_at_the_chosen_level_then_the_plan_goes_on(self):
        self.set_mode("level", self.plan_second)
        customer, invoice = self.old_debtor()
        line = self.preview_line(customer)
        self.assertEqual(line.level_id, self.plan_second)
        self.assertEqual(line.catch_up, "catch-up: starts at Second, skipping 1 level")
        self.run_followup()
        first = self.contacts(customer)
        self.assertEqual((first.level_id, first.channel, first.catch_up), (self.plan_second, "email", "level"))
        self.assertEqual(invoice.collections_level_id, self.plan_second)
        with freeze_time("2026-03-17 12:00:00"):
            line = self.preview_line(customer)
            self.assertEqual(line.action, "skip")
            self.assertFalse(line.catch_up)
            self.run_followup()
        self.assertEqual(self.contacts(customer), first, "the next day sends nothing (the contact gap)")
        # After the contact gap, the plan's usual rule: the highest level reached by then, never a skipped one.
        with freeze_time("2026-03-19 12:00:00"):
            self.run_followup()
        later = self.contacts(customer) - first
        self.assertEqual(set(later.mapped("level_id")), {self.plan_final})
        self.assertFalse(any(later.mapped("catch_up")))
        self.assertEqual(invoice.collections_level_id, self.plan_final)
        self.assertEqual(len(self.mails_of(customer)), 2)

    def test_statement_sends_the_statement_and_records_the_levels(self):
        self.set_mode("statement")
        customer, invoice = self.old_debtor()
        younger = self.make_invoice(customer, 200, 20)
        line = self.preview_line(customer)
        self.assertEqual((line.level_id, line.channels), (self.plan_final, "E-mail"))
        self.assertEqual(
            line.catch_up, "catch-up: a statement asking the customer to contact us, instead of 4 missed levels"
        )
        self.run_followup()
        event = self.contacts(customer)
        self.assertEqual((event.channel, event.catch_up, event.level_id), ("email", "statement", self.plan_final))
        self.assertEqual(event.move_ids, invoice | younger)
        mail = self.mails_of(customer)
        self.assertEqual(len(mail), 1)
        self.assertIn(STATEMENT_SUBJECT, mail.subject)
        self.assertIn("Please contact us", mail.body_html)
        self.assertIn(invoice.name, mail.body_html, "the invoice table is below the text")
        self.assertEqual(len(mail.attachment_ids), 1, "the statement of account is attached")
        self.assertEqual(event.mail_id, mail)
        # The invoices count the levels they reached: none of the missed ones is sent later.
        self.assertEqual(
            (invoice.collections_level_id, younger.collections_level_id), (self.plan_final, self.plan_second)
        )
        with freeze_time("2026-03-17 12:00:00"):
            self.run_followup()
        with freeze_time("2026-03-25 12:00:00"):
            self.run_followup()
        self.assertEqual(self.contacts(customer), event, "nothing is sent twice")
        # The younger invoice goes on with the plan's usual rule when it reaches the next level.
        with freeze_time("2026-03-27 12:00:00"):
            self.run_followup()
        later = self.contacts(customer) - event
        self.assertEqual((later.level_id, later.channel, later.catch_up), (self.plan_firm, "email", False))
        self.assertNotIn(STATEMENT_SUBJECT, self.mails_of(customer).sorted("id")[-1].subject)

    def test_the_statement_uses_the_plans_own_email_and_attaches_the_statement(self):
        thanks = self.env.ref("collections_addon.mail_template_collections_thanks")
        self.plan.with_user(self.manager).write({"catch_up_mode": "statement", "catch_up_template_id": thanks.id})
        customer, _invoice = self.old_debtor()
        self.run_followup()
        mail = self.mails_of(customer)
        self.assertIn("thank you for your payment", mail.subject)
        self.assertEqual(len(mail.attachment_ids), 1, "the run attaches the statement the template does not")

    def test_the_collectors_send_dialog_shows_the_statement(self):
        self.set_mode("statement")
        customer, invoice = self.old_debtor()
        action = customer.with_user(self.collector).action_collections_send_now()
        dialog = Form(self.env["collections.send"].with_user(self.collector).browse(action["res_id"]))
        self.assertIn(STATEMENT_SUBJECT, dialog.email_subject)
        self.assertIn(invoice.name, dialog.email_body)
        dialog.save().action_send()
        event = self.contacts(customer)
        self.assertEqual((event.channel, event.catch_up, event.level_id), ("email", "statement", self.plan_final))
        self.assertIn(STATEMENT_SUBJECT, self.mails_of(customer).subject)

    # ------------------------------------------------------------------
    # Who is caught up
    # ------------------------------------------------------------------

    def test_a_customer_already_followed_is_not_caught_up(self):
        self.set_mode("level", self.plan_second)
        customer, invoice = self.old_debtor()
        self.make_event(customer, "email", "sent", level=self.plan_first, moves=invoice, date="2026-02-01")
        line = self.preview_line(customer)
        self.assertEqual(line.level_id, self.plan_final)
        self.assertFalse(line.catch_up)
        self.run_followup()
        self.assertEqual(
            self.contacts(customer).filtered(lambda event: event.date == self.today()).level_id, self.plan_final
        )

    def test_a_failed_contact_is_no_follow_up(self):
        self.set_mode("level", self.plan_second)
        customer, invoice = self.old_debtor()
        self.make_event(customer, "email", "failed", level=self.plan_first, moves=invoice, date="2026-02-01")
        self.assertEqual(self.preview_line(customer).level_id, self.plan_second)

    def test_one_debt_passing_a_single_level_is_no_catch_up(self):
        self.set_mode("statement")
        customer = self.make_customer("Recent Debtor")
        customer.with_company(self.company).collections_policy_id = self.plan
        self.make_invoice(customer, 100, 8)
        line = self.preview_line(customer)
        self.assertEqual(line.level_id, self.plan_first)
        self.assertFalse(line.catch_up)

    def test_each_company_follows_its_own_plan(self):
        self.set_mode("statement")
        customer, _invoice = self.old_debtor()
        self.make_invoice(customer, 300, 70, company=self.company_2)
        self.run_followup()
        self.run_followup(self.company_2)
        here = self.events_of(customer).filtered(lambda event: event.company_id == self.company)
        there = self.events_of(customer) - here
        self.assertEqual(set(here.mapped("catch_up")), {"statement"})
        # The branch's own plan (a copy of the shipped one: the highest level reached, there a step the collector
        # does by hand) and its own levels.
        self.assertEqual(there.level_id.policy_id.company_id, self.company_2)
        self.assertEqual(there.level_id.days, 55)
        self.assertEqual(set(there.mapped("catch_up")), {"highest"})
        subjects = self.mails_of(customer).mapped("subject")
        self.assertEqual(sum(STATEMENT_SUBJECT in subject for subject in subjects), 1)
