"""The scenario of the report tests: contacts, payments, promises, agreements and tasks in two companies.

Company 1 (currency USD; EUR at 2 EUR per USD), its customers and their collector:

- ACME (company, Carla): invoice IA 1000 due 2026-02-04. E-mail e1 on 02-20 (Carla); paid 400 on 02-25 and 600
  on 03-10; a failed call e5 on 03-09 (wrong number, Carla). Invoice IA2 250: promise P2 (Carla, by herself,
  made 03-02 for 03-05), broken on 03-08 by the daily job, which gives Carla a task (03-08).
- Bea (individual, Carla): invoice IB 200 EUR (= 100 USD). Call e2 on 03-02 (reached: promise, Carla); paid
  200 EUR on 03-12. Invoice IB2 100: promise P1 (Carla, from the call, made 03-02 for 03-04), paid 03-03: kept.
- Dora (individual, Carla): invoice ID 300. SMS e6 on 03-01 (Carla); paid 300 on 03-02.
- Cora (company, no collector): invoice IC 500. E-mail e3 on 03-05 (the manager); a failed e-mail e4 on 03-06;
  no payment. Promise P3 200 (the manager, portal, made 03-12 for 03-27): open. A task for the manager (03-01).
- Negotia (company, Carla): agreement N1 on invoice A (600, one instalment on 03-06), accepted 03-02 and paid
  03-05: done; agreement N2 on invoice B (400.01, one instalment on 03-06), accepted 03-02, unpaid: broken 03-12.

Company 2: Eve (Carla as collector there, though Carla does not work in company 2): invoice 300, e-mail e7 on
03-03, paid 03-04; promise P4 80 made 03-03.
"""

from datetime import date, datetime

from odoo import Command
from odoo.tests import freeze_time

from .common_negotiation import NegotiationCase

PERIOD = (date(2026, 2, 1), date(2026, 3, 31))


class ReportCase(NegotiationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")
        cls.acme = cls.customer_of("ACME", cls.collector, is_company=True)
        cls.bea = cls.customer_of("Bea", cls.collector)
        cls.dora = cls.customer_of("Dora", cls.collector)
        cls.cora = cls.customer_of("Cora", None, is_company=True)
        cls.customer.is_company = True
        cls.set_collector(cls.customer, cls.collector)
        cls.invoice_ia = cls.make_invoice(cls.acme, 1000, 40)
        cls.invoice_ib = cls.make_invoice(cls.bea, 200, 30, currency=cls.eur)
        cls.invoice_id = cls.make_invoice(cls.dora, 300, 30)
        cls.invoice_ic = cls.make_invoice(cls.cora, 500, 30)
        cls.build_contacts()
        cls.build_commitments()
        cls.build_other_company()
        cls.build_tasks()
        cls.env["collections.report.recovery"]._refresh_report(cls.company | cls.company_2)

    @classmethod
    def customer_of(cls, name, collector, company=None, **values):
        customer = cls.make_customer(name, **values)
        if collector:
            cls.set_collector(customer, collector, company)
        return customer

    @classmethod
    def set_collector(cls, customer, collector, company=None):
        customer.with_company(company or cls.company).collections_responsible_id = collector

    @classmethod
    def contact(cls, partner, channel, state, day, moves, level=None, user=None, company=None, **values):
        """A contact of the history as the follow-up (or the call log) writes it."""
        return (
            cls.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": (company or cls.company).id,
                    "level_id": level.id if level else False,
                    "channel": channel,
                    "state": state,
                    "date": day,
                    "move_ids": [Command.set(moves.ids)],
                    "user_id": (user or cls.collector).id,
                    **values,
                }
            )
        )

    @classmethod
    def receivable(cls, moves):
        return moves.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    @classmethod
    def pay_on(cls, moves, amount, day, company=None):
        """The customer's payment on ``day``, in the invoice's currency, reconciled with it."""
        cls.env["account.payment.register"].with_company(company or cls.company).with_context(
            active_model="account.move.line", active_ids=cls.receivable(moves).ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    @classmethod
    def backdate(cls, records, moment):
        """The database's clock is not the tests' pinned one: the day a record was made, as it happened."""
        records.flush_recordset()
        cls.env.cr.execute(f'UPDATE "{records._table}" SET create_date = %s WHERE id = ANY(%s)', [moment, records.ids])
        records.invalidate_recordset(["create_date"])

    @classmethod
    def build_contacts(cls):
        cls.contact(cls.acme, "email", "sent", date(2026, 2, 20), cls.invoice_ia, cls.level_first)
        cls.contact(cls.bea, "call", "delivered", date(2026, 3, 2), cls.invoice_ib, cls.level_call, outcome="promise")
        cls.contact(cls.cora, "email", "sent", date(2026, 3, 5), cls.invoice_ic, cls.level_first, user=cls.manager)
        cls.contact(cls.cora, "email", "failed", date(2026, 3, 6), cls.invoice_ic, cls.level_first, user=cls.manager)
        cls.contact(
            cls.acme, "call", "failed", date(2026, 3, 9), cls.invoice_ia, cls.level_call, outcome="wrong_number"
        )
        cls.contact(cls.dora, "sms", "sent", date(2026, 3, 1), cls.invoice_id, cls.level_first)
        cls.pay_on(cls.invoice_ia, 400, date(2026, 2, 25))
        cls.pay_on(cls.invoice_ia, 600, date(2026, 3, 10))
        cls.pay_on(cls.invoice_ib, 200, date(2026, 3, 12))
        cls.pay_on(cls.invoice_id, 300, date(2026, 3, 2))

    @classmethod
    def make_promise(cls, user, partner, moves, amount, day, **values):
        promise = (
            cls.env["collections.promise"]
            .with_user(user)
            .create(
                {"partner_id": partner.id, "move_ids": [Command.set(moves.ids)], "amount": amount, "date": day} | values
            )
        )
        cls.backdate(promise, datetime.now())
        return promise

    @classmethod
    def build_commitments(cls):
        Promise = cls.env["collections.promise"]
        Agreement = cls.env["collections.negotiation"]
        cls.invoice_ib2 = cls.make_invoice(cls.bea, 100, -10)
        cls.invoice_ia2 = cls.make_invoice(cls.acme, 250, -10)
        with cls.frozen("2026-03-02 10:00:00"):
            cls.promise_kept = cls.make_promise(
                cls.collector, cls.bea, cls.invoice_ib2, 100, date(2026, 3, 4), source="call"
            )
            cls.promise_broken = cls.make_promise(cls.collector, cls.acme, cls.invoice_ia2, 250, date(2026, 3, 5))
            cls.agreement_done = cls.agreement(cls.invoice_a)
            cls.agreement_broken = cls.agreement(cls.invoice_b)
        with cls.frozen("2026-03-03 10:00:00"):
            cls.pay_on(cls.invoice_ib2, 100, date(2026, 3, 3))
            Promise._cron_check_promises()
        with cls.frozen("2026-03-05 10:00:00"):
            line = cls.agreement_done.installment_ids.move_line_id
            cls.env["account.payment.register"].with_context(
                active_model="account.move.line", active_ids=line.ids
            ).create({"amount": 600, "payment_date": date(2026, 3, 5)})._create_payments()
        with cls.frozen("2026-03-06 10:00:00"):
            Agreement._cron_check_agreements()
        with cls.frozen("2026-03-08 10:00:00"):
            Promise._cron_check_promises()
            cls.broken_task = (
                cls.env["collections.event"]
                .search([("partner_id", "=", cls.acme.id), ("channel", "=", "promise")])
                .activity_id
            )
            cls.backdate(cls.broken_task, datetime.now())
        with cls.frozen("2026-03-12 10:00:00"):
            Agreement._cron_check_agreements()
            cls.promise_open = cls.make_promise(
                cls.manager, cls.cora, cls.invoice_ic, 200, date(2026, 3, 27), source="portal"
            )

    @classmethod
    def agreement(cls, invoice):
        """An agreement of Negotia on ``invoice``, one instalment on 03-06, proposed and accepted by Carla."""
        agreement = (
            cls.env["collections.negotiation"]
            .with_user(cls.collector)
            .create(
                {
                    "partner_id": cls.customer.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "installment_count": 1,
                    "first_date": date(2026, 3, 6),
                }
            )
        )
        agreement.action_propose()
        agreement.action_accept()
        return agreement

    @classmethod
    def build_other_company(cls):
        cls.eve = cls.customer_of("Eve", cls.collector, company=cls.company_2)
        invoice = cls.make_invoice(cls.eve, 300, 20, company=cls.company_2)
        cls.contact(cls.eve, "email", "sent", date(2026, 3, 3), invoice, company=cls.company_2, user=cls.manager)
        cls.pay_on(invoice, 300, date(2026, 3, 4), company=cls.company_2)
        cls.promise_other = (
            cls.env["collections.promise"]
            .with_company(cls.company_2)
            .create(
                {
                    "partner_id": cls.eve.id,
                    "company_id": cls.company_2.id,
                    "move_ids": [Command.set(cls.make_invoice(cls.eve, 80, 5, company=cls.company_2).ids)],
                    "amount": 80,
                    "date": date(2026, 3, 20),
                }
            )
        )
        cls.backdate(cls.promise_other, datetime(2026, 3, 3, 10))

    @classmethod
    def build_tasks(cls):
        task = cls.cora.activity_schedule("mail.mail_activity_data_todo", summary="Call Cora", user_id=cls.manager.id)
        cls.contact(
            cls.cora, "task", "queued", date(2026, 3, 1), cls.invoice_ic, cls.level_protest, activity_id=task.id
        )
        cls.backdate(task, datetime(2026, 3, 1, 9))

    @classmethod
    def frozen(cls, moment):
        return freeze_time(moment)

    def as_user(self, model, user, companies=None):
        """``model`` as ``user`` working in ``companies`` (default: the test company)."""
        companies = companies or self.company
        return self.env[model].with_user(user).with_context(allowed_company_ids=companies.ids)
