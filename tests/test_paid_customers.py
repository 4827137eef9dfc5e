"""Paid customers are thanked and never chased: the daily run as its job does it, the collector's worklist.

An incoming payment registered but not matched to its invoice holds the customer's reminder back, with a
task for the collector to reconcile it; credit notes keep being netted against what is claimed.
"""

from datetime import timedelta

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common_run import RunCase

RECONCILE = "Reconcile the payment of %s before reminding"


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestUnmatchedPayments(RunCase):
    """The accountant registers payments; the cron runs the follow-up; the collector reads the worklist."""

    def receive_payment(self, customer, amount):
        """A customer payment registered in the bank journal, matched to no invoice."""
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer.id,
                "amount": amount,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def reconcile_tasks(self, customer):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", customer.id),
                ("summary", "=", RECONCILE % customer.name),
            ]
        )

    def why(self, customer):
        self.env.invalidate_all()
        return customer.with_user(self.collector).with_company(self.company).collections_status_note or ""

    def test_an_unmatched_payment_holds_the_reminder_with_one_task_until_it_is_reconciled(self):
        customer = self.make_customer("Paid Unmatched")
        invoice = self.make_invoice(customer, 100, 8)
        payment = self.receive_payment(customer, 40)
        result = self.run_followup()
        self.assertFalse(self.mails_of(customer), "no reminder to a customer whose payment waits to be matched")
        self.assertFalse(self.events_of(customer))
        self.assertIn("reconcile", result.reasons[customer.id])
        task = self.reconcile_tasks(customer)
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.cron_runner.env.user, "no collector set: the job's user")
        partner = customer.with_company(self.company)
        self.assertEqual(partner.collections_status, "to_contact", "on the collector's worklist")
        self.assertIn("Unmatched payment of", self.why(customer))
        self.assertIn("reconcile it before reminding", self.why(customer))
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.reconcile_tasks(customer)), 1, "one task, not one a day")
        self.assertFalse(self.mails_of(customer))

        receivable = (payment.move_id.line_ids | invoice.line_ids).filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        receivable.reconcile()
        self.assertNotIn("Unmatched payment", self.why(customer))
        with freeze_time("2026-03-18 10:00:00"):
            self.run_followup()
        mail = self.mails_of(customer)
        self.assertEqual(len(mail), 1, "once matched, what is still open is reminded")
        self.assertIn("60.00", mail.body_html)
        self.assertEqual(self.events_of(customer).amount_due, 60.0)

    def test_credit_notes_are_netted_and_ask_for_no_reconciliation(self):
        partly = self.make_customer("Partly Credited")
        self.make_invoice(partly, 100, 8)
        self.make_invoice(partly, 40, 2, move_type="out_refund")
        self.run_followup()
        self.assertEqual(self.events_of(partly).amount_due, 60.0)
        self.assertEqual(len(self.mails_of(partly)), 1)
        self.assertFalse(self.reconcile_tasks(partly))
        self.assertNotIn("Unmatched payment", self.why(partly))

    def test_a_payment_of_another_company_holds_nothing_back(self):
        customer = self.make_customer("Two Companies")
        self.make_invoice(customer, 100, 8)
        other_bank = self.env["account.journal"].search(
            [("company_id", "=", self.company_2.id), ("type", "=", "bank")], limit=1
        )
        payment = (
            self.env["account.payment"]
            .with_company(self.company_2)
            .create(
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": customer.id,
                    "amount": 100,
                    "journal_id": other_bank.id,
                }
            )
        )
        payment.action_post()
        self.run_followup()
        self.assertEqual(len(self.mails_of(customer)), 1, "the branch's payment says nothing of this company's debt")
        self.assertFalse(self.reconcile_tasks(customer))

    def test_a_collector_sending_by_hand_is_held_back_too(self):
        customer = self.make_customer("Paid By Hand")
        self.make_invoice(customer, 100, 8)
        self.receive_payment(customer, 100)
        with self.assertRaisesRegex(UserError, "not reconciled yet: reconcile it before reminding"):
            self.send_now(customer)
        self.assertFalse(self.mails_of(customer), "the payment is matched first: the reminder may not be due")


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestBankFreshness(RunCase):
    """The admin sets how old the bank statements may be; the cron runs; the manager previews; the collector
    reads the worklist and may still send by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bank = cls.company_data["default_journal_bank"]

    def bank_line(self, days_ago, amount=10.0):
        """A bank statement line imported for the company's bank journal, dated ``days_ago`` days ago."""
        return self.env["account.bank.statement.line"].create(
            {
                "journal_id": self.bank.id,
                "date": self.today() - timedelta(days=days_ago),
                "amount": amount,
                "payment_ref": f"Transfer {days_ago}",
            }
        )

    def set_max_age(self, days):
        settings = Form(self.env["res.config.settings"])
        settings.collections_bank_max_age_days = days
        settings.save().execute()

    def test_off_by_default_an_old_statement_holds_nothing_back(self):
        self.bank_line(90)
        customer = self.make_customer("Old Bank")
        self.make_invoice(customer, 100, 8)
        self.assertEqual(self.company.collections_bank_max_age_days, 0)
        result = self.run_followup()
        self.assertFalse(result.bank_warning)
        self.assertEqual(len(self.mails_of(customer)), 1)

    def test_stale_bank_data_holds_every_automatic_reminder_with_a_warning(self):
        self.set_max_age(3)
        self.bank_line(5)
        customer = self.make_customer("Stale Bank")
        self.make_invoice(customer, 100, 8)
        with self.assertLogs("odoo.addons.collections_addon.collections_addon.models.collections_runner", "WARNING"):
            result = self.run_followup()
        self.assertFalse(self.mails_of(customer), "nothing goes out while the bank data is stale")
        self.assertFalse(self.events_of(customer))
        self.assertIn(self.bank.name, result.bank_warning)
        self.assertIn("Import and reconcile the bank statement", result.reasons[customer.id])
        self.assertFalse(
            self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "=", customer.id)])
        )

        action = self.env["collections.preview"].with_user(self.manager)._open_for(self.company)
        preview = self.env["collections.preview"].with_user(self.manager).browse(action["res_id"])
        self.assertIn(self.bank.name, preview.bank_warning)
        line = preview.line_ids.filtered(lambda line: line.partner_id == customer)
        self.assertEqual(line.action, "skip")
        self.assertIn("bank", line.reason)

        self.env.invalidate_all()
        why = customer.with_user(self.collector).with_company(self.company).collections_status_note
        self.assertIn(f"the bank statement of {self.bank.name} is older than 3 days", why)

        self.bank_line(1)
        result = self.run_followup()
        self.assertFalse(result.bank_warning)
        self.assertEqual(len(self.mails_of(customer)), 1, "fresh statements: the reminder goes out")

    def test_a_collector_may_still_send_by_hand(self):
        self.set_max_age(3)
        self.bank_line(10)
        customer = self.make_customer("By Hand")
        self.make_invoice(customer, 100, 8)
        self.send_now(customer)
        self.assertEqual(len(self.mails_of(customer)), 1)

    def test_a_negative_age_is_refused_naming_the_field(self):
        with self.assertRaisesRegex(ValidationError, "Bank statements at most"):
            self.company.collections_bank_max_age_days = -1


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestThanks(RunCase):
    """The manager gives the plan a thank-you e-mail; the cron runs the follow-up; the accountant registers
    the payments."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.template_thanks = cls.env.ref("collections_addon.mail_template_collections_thanks")

    def choose_thanks(self, template):
        with Form(self.as_manager(self.policy)) as plan:
            plan.thanks_template_id = template

    def thanks_of(self, customer):
        return self.mails_of(customer).filtered(lambda mail: "thank you for your payment" in mail.subject)

    def reminded_then_paid(self, name, amount=100):
        customer = self.make_customer(name)
        invoice = self.make_invoice(customer, amount, 8)
        self.run_followup()
        self.assertEqual(len(self.mails_of(customer)), 1, "the reminder went out")
        letter = self.make_event(customer, "letter", "queued", moves=invoice)
        return customer, invoice, letter

    def test_a_reminded_customer_who_pays_is_thanked_once_and_pending_contacts_are_cancelled(self):
        self.choose_thanks(self.template_thanks)
        customer, invoice, letter = self.reminded_then_paid("Good Payer")
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        thanks = self.thanks_of(customer)
        self.assertEqual(len(thanks), 1)
        self.assertEqual(thanks.recipient_ids, customer)
        self.assertIn("Good Payer", thanks.body_html)
        self.assertEqual(thanks.state, "outgoing", "in the real mail queue")
        self.assertEqual(letter.state, "cancelled", "the letter waiting to be printed is not sent")
        partner = customer.with_company(self.company)
        self.assertEqual(str(partner.collections_thanked_date), "2026-03-17")
        self.assertEqual(partner.collections_status, "ok")
        with freeze_time("2026-03-18 10:00:00"):
            self.run_followup()
        self.run_followup(partners=customer)
        self.assertEqual(len(self.thanks_of(customer)), 1, "never twice for the same episode")

    def test_no_template_no_thanks_but_pending_contacts_are_cancelled(self):
        customer, invoice, letter = self.reminded_then_paid("Quiet Payer")
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        self.assertFalse(self.thanks_of(customer))
        self.assertEqual(letter.state, "cancelled")

    def test_a_partial_payment_is_not_thanked(self):
        self.choose_thanks(self.template_thanks)
        customer, invoice, letter = self.reminded_then_paid("Partial Payer", amount=300)
        self._register_payment(invoice, amount=100)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        self.assertFalse(self.thanks_of(customer))
        self.assertEqual(letter.state, "queued")

    def test_a_customer_only_reminded_before_the_due_date_is_not_thanked(self):
        self.choose_thanks(self.template_thanks)
        customer = self.make_customer("On Time")
        invoice = self.make_invoice(customer, 100, -2)
        self.run_followup()
        self.assertEqual(customer.with_company(self.company).collections_level_id, self.level_pre)
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        self.assertFalse(self.thanks_of(customer), "nothing was ever overdue: nothing to thank for")

    def test_a_template_on_another_model_is_refused(self):
        invoice_template = self.env["mail.template"].search([("model", "=", "account.move")], limit=1)
        with self.assertRaisesRegex(ValidationError, "template on Contact"):
            self.as_manager(self.policy).thanks_template_id = invoice_template

    def test_a_new_episode_is_thanked_again(self):
        self.choose_thanks(self.template_thanks)
        customer, invoice, _letter = self.reminded_then_paid("Regular Payer")
        self._register_payment(invoice)
        with freeze_time("2026-03-17 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.thanks_of(customer)), 1)
        later = self.make_invoice(customer, 50, -20)  # due 04-05: "First" on 04-10
        with freeze_time("2026-04-10 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.mails_of(customer)) - len(self.thanks_of(customer)), 2, "a new reminder")
        self._register_payment(later)
        with freeze_time("2026-04-13 10:00:00"):
            self.run_followup()
        self.assertEqual(len(self.thanks_of(customer)), 2, "a new reminder, a new thank-you")
