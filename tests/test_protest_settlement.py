"""Notary protests after the notary: the payment at the notary, the costs and their re-billing, the release
letter and the daily job."""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import format_date

from .common import TODAY
from .common_protest import PROTESTED, PROTOCOL, ProtestCase, at


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestPaidAtNotary(ProtestCase):
    def test_payment_at_the_notary_with_retained_fees(self):
        protest = self.protest_until("notified")
        with self.assertRaisesRegex(UserError, "Check the amounts"):
            self.step(protest, "pay", date(2026, 3, 9), amount_received=900, retained_costs=50)
        self.company.collections_protest_cost_account_id = False
        with self.assertRaisesRegex(UserError, "no account for protest costs"), self.env.cr.savepoint():
            self.step(protest, "pay", date(2026, 3, 9), amount_received=950, retained_costs=50)
        self.assertEqual(protest.state, "notified")
        self.assertFalse(protest.payment_id)
        self.assertFalse(protest.cost_ids)
        self.company.collections_protest_cost_account_id = self.cost_account

        self.step(protest, "pay", date(2026, 3, 9), amount_received=950, retained_costs=50)
        self.assertEqual((protest.state, protest.paid_date), ("paid", date(2026, 3, 9)))
        payment = protest.payment_id
        self.assertTrue(payment)
        self.assertEqual((payment.amount, payment.date, payment.journal_id), (950, date(2026, 3, 9), self.bank_journal))
        self.assertIn(self.invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(self.invoice.amount_residual, 0)
        fee_line = payment.move_id.line_ids.filtered(lambda line: line.account_id == self.cost_account)
        self.assertEqual(fee_line.balance, 50, "the retained fees are a cost")
        retained = protest.cost_ids.filtered("retained")
        self.assertEqual((retained.amount, retained.paid_by, retained.date), (50, "creditor", date(2026, 3, 9)))
        with self.assertRaisesRegex(UserError, "retained out of the payment"):
            retained.with_user(self.collector).unlink()
        self.assertEqual(protest.recovered_amount, 1000)

    def test_payment_at_the_notary_without_fees(self):
        protest = self.protest_until("protocolled")
        self.step(protest, "pay", date(2026, 3, 6), retained_costs=0)
        self.assertEqual(protest.state, "paid")
        self.assertEqual(protest.payment_id.amount, 1000)
        self.assertEqual(self.invoice.amount_residual, 0)
        self.assertFalse(protest.cost_ids)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestCosts(ProtestCase):
    def add_cost(self, protest, name, amount, paid_by="creditor"):
        return (
            self.env["collections.protest.cost"]
            .with_user(self.collector)
            .create({"protest_id": protest.id, "name": name, "amount": amount, "paid_by": paid_by})
        )

    def test_creditor_costs_are_rebilled_once(self):
        protest = self.protest_until("protocolled")
        fees = self.add_cost(protest, "Notary fees", 30)
        distribution = self.add_cost(protest, "Distribution", 20.5)
        debtor_fee = self.add_cost(protest, "Notification", 15, paid_by="debtor")
        self.assertEqual((protest.cost_creditor, protest.cost_debtor, protest.cost_to_rebill), (50.5, 15, 50.5))
        self.assertIn("Notary fees", self.bodies(protest))

        protest.with_user(self.collector).action_rebill_costs()
        rebill = (fees | distribution).rebill_move_id
        self.assertEqual(len(rebill), 1)
        self.assertEqual((rebill.move_type, rebill.state, rebill.partner_id), ("out_invoice", "draft", self.customer))
        self.assertEqual(rebill.amount_total, 50.5)
        self.assertEqual(len(rebill.invoice_line_ids), 2)
        self.assertFalse(debtor_fee.rebill_move_id, "the debtor paid that fee himself")
        self.assertEqual(protest.cost_to_rebill, 0)

        with self.assertRaisesRegex(UserError, "no cost paid by us left to re-bill"):
            protest.with_user(self.collector).action_rebill_costs()
        with self.assertRaisesRegex(UserError, "already re-billed"):
            fees.with_user(self.collector).write({"amount": 35})
        with self.assertRaisesRegex(UserError, "re-billed to the customer"):
            fees.with_user(self.collector).unlink()

        # Deleting the draft re-billing invoice frees the costs.
        rebill.unlink()
        self.assertFalse((fees | distribution).rebill_move_id)
        fees.with_user(self.collector).write({"amount": 35})
        protest.with_user(self.collector).action_rebill_costs()
        self.assertEqual(fees.rebill_move_id, distribution.rebill_move_id)
        self.assertEqual(fees.rebill_move_id.amount_total, 55.5)
        self.assertEqual(protest.cost_to_rebill, 0)

    def test_deleting_the_rebill_invoice_puts_the_costs_back_to_rebill(self):
        protest = self.protest_until("protocolled")
        fees = self.add_cost(protest, "Notary fees", 30)
        protest.with_user(self.collector).action_rebill_costs()
        self.assertEqual(protest.cost_to_rebill, 0)
        fees.rebill_move_id.unlink()
        self.assertFalse(fees.rebill_move_id)
        # The stored total must follow: the database's ON DELETE SET NULL bypasses the ORM's recomputation.
        self.assertEqual(protest.cost_to_rebill, 30, "the costs are to re-bill again")
        self.assertEqual(
            self.env["collections.protest"].search([("id", "=", protest.id), ("cost_to_rebill", ">", 0)]), protest
        )

    def test_cancelling_the_rebill_invoice_frees_the_costs(self):
        # The refusal to change a re-billed cost says "cancel or delete that invoice first, then change the cost".
        protest = self.protest_until("protocolled")
        fees = self.add_cost(protest, "Notary fees", 30)
        protest.with_user(self.collector).action_rebill_costs()
        rebill = fees.rebill_move_id
        rebill.button_cancel()
        self.assertEqual(rebill.state, "cancel")
        fees.with_user(self.collector).write({"amount": 35})
        self.assertEqual(fees.amount, 35)
        protest.with_user(self.collector).action_rebill_costs()
        self.assertNotEqual(fees.rebill_move_id, rebill)
        self.assertEqual(fees.rebill_move_id.amount_total, 35)

    def test_cost_of_nothing_is_refused(self):
        protest = self.protest_until("protocolled")
        with self.assertRaisesRegex(ValidationError, r"^Amount must be above 0 .*delete the line instead"):
            self.add_cost(protest, "Nothing", 0)
        self.assertFalse(protest.cost_ids)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestReleaseLetter(ProtestCase):
    report = "collections_addon.action_report_protest_release_letter"

    def test_letter_is_printed_only_after_settlement(self):
        protest = self.protest_until("protested")
        with self.assertRaisesRegex(UserError, "only for a settled protest"):
            self.env["ir.actions.report"]._render_qweb_html(self.report, protest.ids)
        with self.assertRaisesRegex(UserError, "settle the protest first"):
            protest.with_user(self.collector).action_issue_release_letter()

    def test_letter_names_everything_the_notary_needs(self):
        protest = self.protest_until("settled")
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(self.report, protest.ids)
        html = html.decode()
        for text in (
            self.company.name,
            "12.345.678/0001-95",
            self.customer.name,
            "123.456.789-09",
            self.invoice.name,
            "1,000.00",
            format_date(self.env, self.invoice.invoice_date_due),
            "PROT-2026-0042",
            format_date(self.env, PROTOCOL),
            format_date(self.env, PROTESTED),
            self.notary.name,
        ):
            self.assertIn(text, html)

    def test_issue_by_email_then_cancel_at_the_notary(self):
        protest = self.protest_until("settled")
        with self.assertRaisesRegex(UserError, "issue it first"):
            self.step(protest, "cancel", TODAY)
        self.customer.email = False
        with self.assertRaisesRegex(UserError, "has no e-mail address: add one on the customer"):
            protest.with_user(self.collector).action_issue_release_letter()
        self.customer.email = "financeiro@devedora.example"
        self.company.vat = False
        with self.assertRaisesRegex(UserError, "tax ID \\(CNPJ\\)"):
            protest.with_user(self.collector).action_issue_release_letter()
        self.company.vat = "12.345.678/0001-95"
        self.assertFalse(protest.release_letter_date)

        protest.with_user(self.collector).action_issue_release_letter()
        letter = protest.release_letter_attachment_id
        self.assertEqual(letter.mimetype, "application/pdf")
        self.assertTrue(letter.name.endswith(".pdf"))
        self.assertEqual((letter.res_model, letter.res_id), ("collections.protest", protest.id))
        self.assertEqual((protest.release_letter_date, protest.release_letter_user_id), (TODAY, self.collector))
        mails = self.env["mail.mail"].search([("model", "=", "collections.protest"), ("res_id", "=", protest.id)])
        to_customer = mails.filtered(lambda mail: self.customer in mail.recipient_ids)
        self.assertEqual(len(to_customer), 1)
        self.assertIn(letter, to_customer.attachment_ids)
        self.assertIn("release letter", to_customer.subject)

        with self.assertRaisesRegex(UserError, "was issued on"):
            protest.with_user(self.collector).action_issue_release_letter()
        self.step(protest, "cancel", TODAY)
        self.assertEqual((protest.state, protest.cancel_date), ("cancelled", TODAY))

    def test_issue_for_printing_needs_no_email(self):
        protest = self.protest_until("settled")
        self.customer.email = False
        protest.with_user(self.collector).action_issue_release_letter_print()
        letter = protest.release_letter_attachment_id
        self.assertEqual(letter.mimetype, "application/pdf")
        self.assertIn("Release letter issued for printing.", self.bodies(protest))
        mails = self.env["mail.mail"].search([("model", "=", "collections.protest"), ("res_id", "=", protest.id)])
        self.assertFalse(mails.filtered(lambda mail: self.customer in mail.recipient_ids))
        action = protest.with_user(self.collector).action_download_release_letter()
        self.assertEqual(action["url"], f"/web/content/{letter.id}?download=true")


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestDailyJob(ProtestCase):
    def cron(self):
        self.env["collections.protest"]._cron_protest_followup()

    def protocolled_today(self, invoice=None):
        protest = self.new_protest(invoice)
        self.send(protest, TODAY)
        self.step(protest, "protocol", TODAY, protocol_number="PROT-77")
        self.assertEqual(protest.deadline_date, date(2026, 3, 19))  # Tuesday, Wednesday, Thursday
        return protest

    def test_last_day_to_pay_gives_one_task(self):
        protest = self.protocolled_today()
        with at(date(2026, 3, 18)):
            self.cron()
        self.assertFalse(protest.activity_ids)
        with at(date(2026, 3, 19)):
            self.cron()
            self.cron()
        task = self.todo(protest, "Last day to pay")
        self.assertEqual(len(task), 1)
        self.assertEqual(len(protest.activity_ids), 1)
        self.assertEqual((task.user_id, task.date_deadline), (self.collector, date(2026, 3, 19)))

    def test_after_the_last_day_a_task_asks_for_the_outcome(self):
        protest = self.protocolled_today()
        with at(date(2026, 3, 20)):
            self.cron()
            self.cron()
        task = self.todo(protest, "record the notary's outcome")
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.collector)
        self.assertEqual(len(protest.activity_ids), 1)

    def test_the_day_after_the_last_day_asks_for_the_outcome_once(self):
        protest = self.protocolled_today()
        with at(date(2026, 3, 19)):
            self.cron()
        with at(date(2026, 3, 20)):
            self.cron()
        with at(date(2026, 3, 23)):
            self.cron()
        self.assertEqual(len(self.todo(protest, "Last day to pay")), 1)
        self.assertEqual(len(self.todo(protest, "record the notary's outcome")), 1)
        self.assertEqual(len(protest.activity_ids), 2)

    def test_invoice_paid_at_the_notary_stage_asks_to_withdraw(self):
        protest = self.protocolled_today()
        self.pay_invoice(self.invoice)
        self.cron()
        self.cron()
        task = self.todo(protest, "withdraw protest")
        self.assertEqual(len(task), 1)
        self.assertEqual(task.date_deadline, date(2026, 3, 19))
        self.assertEqual(protest.state, "protocolled", "only the collector withdraws")
        self.step(protest, "withdraw", TODAY)
        self.assertFalse(protest.activity_ids, "the withdrawal answers the task")

    def test_protested_invoice_paid_since_is_settled_by_the_job(self):
        protest = self.protest_until("protested")
        self.assertTrue(self.customer.collections_protested)
        self.pay_invoice(self.invoice, date(2026, 3, 13))
        self.cron()
        self.assertEqual((protest.state, protest.settlement_date), ("settled", date(2026, 3, 13)))
        self.assertFalse(self.customer.collections_protested)
        self.assertIn("settled by the daily check", self.bodies(protest))

    def test_missing_release_letter_gives_one_task_after_the_days(self):
        self.assertEqual(self.company.collections_release_letter_days, 5)
        protest = self.protest_until("protested")
        self.pay_invoice(self.invoice)
        self.step(protest, "settle", TODAY)
        with at(date(2026, 3, 20)):
            self.cron()
        self.assertFalse(self.todo(protest, "release letter"))
        with at(date(2026, 3, 21)):
            self.cron()
        with at(date(2026, 3, 22)):
            self.cron()
        task = self.todo(protest, "Issue the release letter")
        self.assertEqual(len(task), 1)
        self.assertEqual(task.user_id, self.collector)
