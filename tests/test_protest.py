import base64
from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import SUPERUSER_ID, Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_date, mute_logger

from .common import TODAY, CollectionsCase

# The notary's calendar of these tests: Monday to Friday, and a bank holiday on Tuesday 2026-03-10.
HOLIDAY = date(2026, 3, 10)
SENT = date(2026, 3, 4)  # Wednesday
PROTOCOL = date(2026, 3, 5)  # Thursday: Friday 6, (weekend), Monday 9, (holiday), Wednesday 11
NOTIFIED = date(2026, 3, 6)  # Friday
DEADLINE = date(2026, 3, 11)  # Wednesday: three bank days after the protocol
PROTESTED = DEADLINE


def at(day):
    """Noon of ``day``: the same date in UTC and in São Paulo, whatever time zone reads it."""
    return freeze_time(datetime.combine(day, time(12, 0)))


class ProtestCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.state_sp = cls.env.ref("base.state_br_sp")
        cls.notary = cls.env["res.partner"].create(
            {
                "name": "Primeiro Tabelionato de Protesto de Letras e Titulos",
                "collections_is_notary": True,
                "street": "Rua XV de Novembro, 175",
                "city": "Sao Paulo",
                "state_id": cls.state_sp.id,
                "country_id": cls.env.ref("base.br").id,
            }
        )
        cls.bank_journal = cls.company_data["default_journal_bank"]
        cls.cost_account = cls.company_data["default_account_expense"]
        cls.company.write(
            {
                "vat": "12.345.678/0001-95",
                "collections_protest_journal_id": cls.bank_journal.id,
                "collections_protest_cost_account_id": cls.cost_account.id,
            }
        )
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "Bank days (test)",
                "company_id": cls.company.id,
                "tz": "America/Sao_Paulo",
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {"name": name, "dayofweek": str(day), "hour_from": 10, "hour_to": 16, "day_period": "full_day"}
                    )
                    for day, name in enumerate(["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"])
                ],
            }
        )
        # Midnight to midnight in São Paulo (UTC-3), like the shipped bank holidays.
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Test bank holiday",
                "calendar_id": cls.calendar.id,
                "date_from": "2026-03-10 03:00:00",
                "date_to": "2026-03-11 02:59:59",
                "time_type": "leave",
            }
        )
        cls.rule = cls.env["collections.protest.rule"].create(
            {"company_id": cls.company.id, "calendar_id": cls.calendar.id}
        )
        cls.customer = cls.make_customer("Devedora Comercial Ltda", vat="123.456.789-09")
        cls.invoice = cls.make_invoice(cls.customer, 1000, 70)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def new_protest(self, invoice=None, user=None, **values):
        return (
            self.env["collections.protest"]
            .with_user(user or self.collector)
            .create({"move_id": (invoice or self.invoice).id, "notary_id": self.notary.id, **values})
        )

    def step(self, protest, action, when, user=None, **values):
        """Record ``action`` dated ``when`` through the step wizard, as the collector unless told."""
        wizard = (
            self.env["collections.protest.step"]
            .with_user(user or self.collector)
            .create({"protest_id": protest.id, "action": action, "date": when, **values})
        )
        return wizard.action_confirm()

    def send(self, protest, when=SENT):
        return self.step(protest, "send", when, user=self.manager, send_means="bank")

    def protest_until(self, state, invoice=None):
        """A protest of ``invoice`` taken to ``state`` on the usual dates of these tests."""
        protest = self.new_protest(invoice)
        self.send(protest)
        if state == "sent":
            return protest
        self.step(protest, "protocol", PROTOCOL, protocol_number="PROT-2026-0042")
        if state == "protocolled":
            return protest
        self.step(protest, "notify", NOTIFIED)
        if state == "notified":
            return protest
        self.step(protest, "protest", PROTESTED)
        if state == "protested":
            return protest
        self.pay_invoice(protest.move_id, date(2026, 3, 12))
        self.step(protest, "settle", date(2026, 3, 13))
        self.assertEqual(state, "settled")
        return protest

    def pay_invoice(self, invoice, when=TODAY, amount=None):
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {
                "payment_date": when,
                "journal_id": self.bank_journal.id,
                "amount": amount if amount is not None else invoice.amount_residual,
            }
        )._create_payments()

    def bodies(self, record):
        return "\n".join(str(message.body) for message in record.message_ids)

    def todo(self, protest, text):
        return protest.activity_ids.filtered(lambda activity: text in (activity.summary or ""))


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestEligibility(ProtestCase):
    def assert_refused(self, invoice, message):
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            self.new_protest(invoice)
        self.assertFalse(self.env["collections.protest"].search([("move_id", "=", invoice.id)]))

    def test_paid_draft_not_due_and_credit_notes_cannot_be_protested(self):
        paid = self.make_invoice(self.customer, 100, 70)
        self.pay_invoice(paid)
        self.assert_refused(paid, "is paid: there is nothing to protest")
        self.assert_refused(self.make_invoice(self.customer, 100, 70, post=False), "is not posted")
        self.assert_refused(self.make_invoice(self.customer, 100, -5), "is not overdue")
        self.assert_refused(self.make_invoice(self.customer, 100, 0), "is not overdue")
        refund = self.make_invoice(self.customer, 100, 10, move_type="out_refund")
        self.assert_refused(refund, "is not a customer invoice")

    def test_disputed_invoice_cannot_be_protested(self):
        self.env["collections.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice.ids)], "reason": "Never delivered"}
        )
        self.assert_refused(self.invoice, "disputes")

    def test_invoice_in_a_proposed_or_active_agreement_cannot_be_protested(self):
        self.company.collections_negotiation_journal_id = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.company.id)], limit=1
        )
        negotiation = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice.ids)],
                    "installment_count": 2,
                    "first_date": date(2026, 3, 23),
                    "interval": "monthly",
                }
            )
        )
        # A draft agreement is only an idea: it holds nothing.
        draft_protest = self.new_protest()
        draft_protest.with_user(self.manager).unlink()
        negotiation.action_propose()
        self.assertIn(negotiation.state, ("proposed", "to_approve"))
        self.assert_refused(self.invoice, f"part of agreement {negotiation.name}")
        negotiation.action_accept()
        self.assertEqual(negotiation.state, "active")
        # The agreement's entry settles the invoice: there is nothing left to protest on it.
        self.assert_refused(self.invoice, "paid|agreement")

    def test_invoice_with_an_open_promise_cannot_be_protested(self):
        self.env["collections.promise"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice.ids)],
                "amount": 1000,
                "date": date(2026, 3, 20),
            }
        )
        self.assert_refused(self.invoice, "promised to pay")

    def test_one_open_protest_per_invoice_but_a_withdrawn_one_does_not_block(self):
        first = self.new_protest()
        with self.assertRaisesRegex(UserError, "already has protest"), self.env.cr.savepoint():
            self.new_protest()
        self.send(first)
        with self.assertRaisesRegex(UserError, f"already has protest {first.name}"), self.env.cr.savepoint():
            self.new_protest()
        self.step(first, "withdraw", date(2026, 3, 5))
        self.assertEqual(first.state, "withdrawn")
        second = self.new_protest()
        self.assertEqual((second.state, second.move_id), ("draft", self.invoice))
        self.assertEqual(second.amount, 1000)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestProposals(ProtestCase):
    def test_follow_up_run_proposes_eligible_invoices_once(self):
        customer = self.make_customer("Atrasada Ltda", vat="987.654.321-00")
        late = self.make_invoice(customer, 500, 70)
        disputed = self.make_invoice(customer, 300, 75)
        younger = self.make_invoice(customer, 200, 30)
        self.env["collections.dispute"].create(
            {"partner_id": customer.id, "move_ids": [Command.set(disputed.ids)], "reason": "Wrong goods"}
        )
        self.run_followup()
        protests = self.env["collections.protest"].search([("partner_id", "=", customer.id)])
        self.assertEqual(protests.move_id, late, "neither the disputed nor the younger invoice")
        self.assertEqual(
            (protests.state, protests.proposed_level_id, protests.amount), ("draft", self.level_protest, 500)
        )
        self.assertFalse(self.env["collections.protest"].search([("move_id", "in", (disputed | younger).ids)]))

        self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("partner_id", "=", customer.id)]), protests)

    def test_proposal_goes_to_the_collector_of_the_customer_or_of_the_plan(self):
        # The plan's "Default Collector receives the call and follow-up tasks of customers without a collector of
        # their own"; the protest's responsible "gets the tasks of this protest".
        self.policy.responsible_id = self.collector
        other_collector = self.make_user("protest_collector_2", "collections_addon.group_collections_user")
        assigned = self.make_customer("Com Cobrador Ltda", vat="111.222.333-44")
        assigned.with_company(self.company).collections_responsible_id = other_collector
        assigned_invoice = self.make_invoice(assigned, 100, 70)
        # As the daily job runs it: as the cron's user, OdooBot.
        self.runner.with_user(SUPERUSER_ID)._run(self.company)
        Protest = self.env["collections.protest"]
        self.assertEqual(Protest.search([("move_id", "=", assigned_invoice.id)]).user_id, other_collector)
        step_task = self.customer.activity_ids.filtered(lambda activity: "Collections step due" in activity.summary)
        self.assertEqual(step_task.user_id, self.collector)
        self.assertEqual(
            Protest.search([("move_id", "=", self.invoice.id)]).user_id,
            self.collector,
            "the plan's default collector, not whoever ran the follow-up",
        )

    def test_discarded_proposal_is_not_proposed_again(self):
        self.run_followup()
        proposal = self.env["collections.protest"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual(len(proposal), 1)
        with self.assertRaisesRegex(AccessError, "manager"):
            proposal.with_user(self.collector).action_discard()
        proposal.with_user(self.manager).action_discard()
        self.assertEqual(proposal.state, "cancelled")
        self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("move_id", "=", self.invoice.id)]), proposal)
        with at(date(2026, 3, 23)):
            self.run_followup()
        self.assertEqual(self.env["collections.protest"].search([("move_id", "=", self.invoice.id)]), proposal)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestLifecycle(ProtestCase):
    def test_whole_lifecycle_with_dates(self):
        protest = self.new_protest()
        self.assertEqual((protest.state, protest.amount, protest.title_number), ("draft", 1000, self.invoice.name))
        self.assertEqual(protest.user_id, self.collector)

        # Only a manager sends a title to the notary.
        with self.assertRaisesRegex(AccessError, "Only a collections manager"):
            self.step(protest, "send", SENT, send_means="bank")
        self.assertEqual(protest.state, "draft")
        self.send(protest)
        self.assertEqual((protest.state, protest.sent_date, protest.send_means), ("sent", SENT, "bank"))
        self.assertTrue(protest.name.startswith("PRT/"), protest.name)
        self.assertEqual(protest.rule_id, self.rule)

        # Protocol: a number, not before the sending, not in the future.
        with self.assertRaisesRegex(UserError, "protocol number"):
            self.step(protest, "protocol", PROTOCOL)
        with self.assertRaisesRegex(UserError, "before the protest was sent to the notary"):
            self.step(protest, "protocol", date(2026, 3, 3), protocol_number="PROT-1")
        with self.assertRaisesRegex(UserError, "in the future"):
            self.step(protest, "protocol", date(2026, 3, 17), protocol_number="PROT-1")
        self.assertEqual(protest.state, "sent")
        self.step(protest, "protocol", PROTOCOL, protocol_number=" PROT-2026-0042 ")
        self.assertEqual(protest.state, "protocolled")
        self.assertEqual(protest.protocol_number, "PROT-2026-0042")
        # Thursday the 5th: Friday, Monday, (Tuesday is a bank holiday), Wednesday.
        self.assertEqual(protest.deadline_date, DEADLINE)

        self.step(protest, "notify", NOTIFIED)
        self.assertEqual(
            (protest.state, protest.notification_date, protest.deadline_date), ("notified", NOTIFIED, DEADLINE)
        )

        # The notary registers the protest only once the last day to pay is over.
        with self.assertRaisesRegex(UserError, "may pay until"):
            self.step(protest, "protest", HOLIDAY)
        self.step(protest, "protest", DEADLINE)
        self.assertEqual((protest.state, protest.protest_date), ("protested", DEADLINE))
        self.assertTrue(self.customer.collections_protested)
        self.assertEqual(self.customer.collections_protested_since, DEADLINE)
        new_invoice = (
            self.env["account.move"]
            .with_user(self.collector)
            .create({"move_type": "out_invoice", "partner_id": self.customer.id})
        )
        self.assertIn(format_date(self.env, DEADLINE), new_invoice.collections_protest_warning)
        self.assertIn(self.customer.name, new_invoice.collections_protest_warning)

        # Settled only once the invoice is paid.
        with self.assertRaisesRegex(UserError, "still has .* open"):
            self.step(protest, "settle", TODAY)
        self.assertEqual(protest.state, "protested")
        self.pay_invoice(self.invoice, date(2026, 3, 13))
        self.step(protest, "settle", TODAY)
        self.assertEqual((protest.state, protest.settlement_date), ("settled", TODAY))
        self.assertFalse(self.customer.collections_protested)
        self.assertFalse(self.customer.collections_protested_since)
        new_invoice.invalidate_recordset(["collections_protest_warning"])
        self.assertFalse(new_invoice.collections_protest_warning)

        bodies = self.bodies(protest)
        for label, day in (
            ("Send to the notary", SENT),
            ("Protocol", PROTOCOL),
            ("Debtor notified", NOTIFIED),
            ("Protested", DEADLINE),
            ("Settle", TODAY),
        ):
            self.assertIn(f"{label}: {format_date(self.env, day)}.", bodies)
        self.assertIn(f"The debtor may pay until {format_date(self.env, DEADLINE)}", bodies)

    def test_recovery_figures_are_computed_in_every_state(self):
        protest = self.new_protest()
        self.env.flush_all()  # the stored figures of the new protest are computed when it is saved
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (0, 0))
        protest = self.protest_until("protested", self.make_invoice(self.customer, 300, 70))
        self.env.flush_all()
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (0, 0))
        self.pay_invoice(protest.move_id)
        self.step(protest, "settle", TODAY)
        self.env.flush_all()
        self.assertEqual((protest.recovered_amount, protest.days_to_settlement), (300, 5))

    def test_shipped_rule_counts_the_brazilian_bank_holidays(self):
        rule = self.env.ref("collections_addon.collections_protest_rule_default").sudo()
        self.assertEqual(
            (rule.company_id, rule.days, rule.start_event), (self.env.ref("base.main_company"), 3, "protocol")
        )
        # Friday before Tiradentes (Tuesday 21): Monday, Wednesday, Thursday.
        self.assertEqual(rule._deadline(date(2026, 4, 17), False), date(2026, 4, 23))
        # Friday before Carnival: Monday, Tuesday and Ash Wednesday are not bank days.
        self.assertEqual(rule._deadline(date(2026, 2, 13), False), date(2026, 2, 23))
        # Over the year end: no bank service on 31 December nor on New Year's Day.
        self.assertEqual(rule._deadline(date(2026, 12, 29), False), date(2027, 1, 5))

    def test_sending_checks_the_notary_the_customer_and_the_rule(self):
        protest = self.new_protest(notary_id=False)
        with self.assertRaisesRegex(UserError, "Choose the notary office"):
            self.send(protest)
        stranger = self.env["res.partner"].create({"name": "Not A Notary", "state_id": self.state_sp.id})
        protest.notary_id = stranger
        with self.assertRaisesRegex(UserError, "not flagged as a notary office"):
            self.send(protest)
        protest.notary_id = self.notary
        self.customer.vat = False
        with self.assertRaisesRegex(UserError, "no tax ID"):
            self.send(protest)
        self.customer.vat = "123.456.789-09"
        self.rule.active = False
        with self.assertRaisesRegex(UserError, "has no protest rule for São Paulo"):
            self.send(protest)
        self.assertEqual((protest.state, protest.sent_date), ("draft", False))
        self.rule.active = True
        self.send(protest)
        self.assertEqual(protest.state, "sent")

    def test_window_from_the_notification(self):
        self.rule.start_event = "notification"
        protest = self.protest_until("protocolled")
        self.assertFalse(protest.deadline_date, "the window has not started")
        self.step(protest, "notify", NOTIFIED)
        # Friday the 6th: Monday, (Tuesday holiday), Wednesday, Thursday.
        self.assertEqual(protest.deadline_date, date(2026, 3, 12))
        self.assertIn(f"Last day to pay: {format_date(self.env, date(2026, 3, 12))}.", self.bodies(protest))

    def test_calendar_days_ending_on_a_weekend_move_to_monday(self):
        self.rule.business_days = False
        protest = self.new_protest()
        self.send(protest, date(2026, 3, 3))
        self.step(protest, "protocol", date(2026, 3, 4), protocol_number="P-1")  # Wednesday + 3 = Saturday
        self.assertEqual(protest.deadline_date, date(2026, 3, 9))
        other = self.new_protest(self.make_invoice(self.customer, 100, 70))
        self.send(other, date(2026, 3, 3))
        self.step(other, "protocol", date(2026, 3, 7), protocol_number="P-2")  # + 3 = the Tuesday holiday
        self.assertEqual(other.deadline_date, date(2026, 3, 11))

    def test_rule_of_the_notary_state_wins(self):
        state_rule = self.env["collections.protest.rule"].create(
            {"company_id": self.company.id, "state_id": self.state_sp.id, "days": 5, "calendar_id": self.calendar.id}
        )
        protest = self.protest_until("protocolled")
        self.assertEqual(protest.rule_id, state_rule)
        # Friday 6, Monday 9, (holiday), Wednesday 11, Thursday 12, Friday 13.
        self.assertEqual(protest.deadline_date, date(2026, 3, 13))
        # A notary of another state falls back on the company's rule for every state.
        other_notary = self.notary.copy({"name": "Tabelionato do Rio", "state_id": self.env.ref("base.state_br_rj").id})
        other = self.new_protest(self.make_invoice(self.customer, 100, 70), notary_id=other_notary.id)
        self.send(other)
        self.assertEqual(other.rule_id, self.rule)


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestWithdrawAndSuspend(ProtestCase):
    def test_withdraw_until_the_last_day(self):
        protest = self.protest_until("notified")
        self.step(protest, "withdraw", DEADLINE)
        self.assertEqual((protest.state, protest.withdrawal_date), ("withdrawn", DEADLINE))
        self.assertIn(f"Withdraw: {format_date(self.env, DEADLINE)}.", self.bodies(protest))

    def test_withdraw_after_the_last_day_is_refused(self):
        protest = self.protest_until("notified")
        with self.assertRaisesRegex(UserError, "window to withdraw closed"):
            self.step(protest, "withdraw", date(2026, 3, 12))
        self.assertEqual(protest.state, "notified")

    def test_suspension_needs_the_court_order_then_allows_a_late_withdrawal(self):
        protest = self.protest_until("notified")
        with self.assertRaisesRegex(UserError, "court order"):
            self.step(protest, "suspend", HOLIDAY, court_order_reference="1012345-67.2026.8.26.0100")
        document = base64.b64encode(b"%PDF-1.4 court order")
        with self.assertRaisesRegex(UserError, "court order"):
            self.step(protest, "suspend", HOLIDAY, court_order_file=document)
        self.assertEqual(protest.state, "notified")
        self.step(
            protest,
            "suspend",
            HOLIDAY,
            court_order_reference="1012345-67.2026.8.26.0100",
            court_order_file=document,
            court_order_filename="liminar.pdf",
        )
        self.assertEqual((protest.state, protest.suspension_date), ("suspended", HOLIDAY))
        self.assertEqual(protest.court_order_reference, "1012345-67.2026.8.26.0100")
        attachment = protest.court_order_attachment_id
        self.assertEqual((attachment.res_model, attachment.res_id), ("collections.protest", protest.id))
        self.assertEqual(attachment.raw, b"%PDF-1.4 court order")
        # The court suspended it: the withdrawal is possible after the last day.
        self.step(protest, "withdraw", TODAY)
        self.assertEqual((protest.state, protest.withdrawal_date), ("withdrawn", TODAY))


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
class TestProtestIntegrity(ProtestCase):
    def test_steps_cannot_be_written_directly(self):
        protest = self.new_protest()
        for values in ({"state": "protested"}, {"protest_date": TODAY}, {"amount": 1}, {"deadline_date": TODAY}):
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.collector).write(values)
            with self.assertRaisesRegex(UserError, "cannot be changed by hand"):
                protest.with_user(self.manager).write(values)
        with self.assertRaisesRegex(UserError, "starts as a draft"), self.env.cr.savepoint():
            self.new_protest(self.make_invoice(self.customer, 100, 70), state="protested")
        self.assertEqual((protest.state, protest.amount), ("draft", 1000))

    def test_title_is_fixed_once_sent(self):
        protest = self.new_protest()
        other_invoice = self.make_invoice(self.customer, 400, 70)
        protest.with_user(self.collector).write({"move_id": other_invoice.id})
        self.assertEqual(protest.amount, 400, "a draft follows its new invoice")
        protest.with_user(self.collector).write({"move_id": self.invoice.id})
        self.send(protest)
        other_notary = self.notary.copy({"name": "Segundo Tabelionato"})
        for values in ({"move_id": other_invoice.id}, {"notary_id": other_notary.id}, {"title_number": "X"}):
            with self.assertRaisesRegex(UserError, "cannot change"):
                protest.with_user(self.manager).write(values)
        self.assertEqual((protest.move_id, protest.notary_id), (self.invoice, self.notary))
        # What does not go to the notary may change.
        protest.with_user(self.collector).write({"user_id": self.manager.id})

    def test_amount_is_the_open_amount_when_sent(self):
        protest = self.new_protest()
        self.assertEqual(protest.amount, 1000)
        self.pay_invoice(self.invoice, amount=400)
        self.send(protest)
        self.assertEqual(protest.amount, 600)

    def test_only_drafts_are_deleted(self):
        draft = self.new_protest(self.make_invoice(self.customer, 100, 70))
        sent = self.protest_until("sent")
        with self.assertRaises(AccessError):
            draft.with_user(self.collector).unlink()
        with self.assertRaisesRegex(UserError, "Only a draft protest can be deleted"):
            sent.with_user(self.manager).unlink()
        draft.with_user(self.manager).unlink()
        self.assertFalse(draft.exists())
        self.assertTrue(sent.exists())


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
