"""Shared fixtures of the notary protest tests: a notary in São Paulo, its bank calendar and rule, an overdue
invoice, and helpers that take a protest through its steps as the people who do them (the collector records the
notary's steps, the manager sends to the notary and configures the rules)."""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo import Command

from .common import TODAY, CollectionsCase

# The notary's calendar of these tests: Monday to Friday, and a bank holiday on Tuesday 2026-03-10.
HOLIDAY = date(2026, 3, 10)
SENT = date(2026, 3, 4)  # Wednesday
PROTOCOL = date(2026, 3, 5)  # Thursday: Friday 6, (weekend), Monday 9, (holiday), Wednesday 11
NOTIFIED = date(2026, 3, 6)  # Friday
DEADLINE = date(2026, 3, 11)  # Wednesday: three bank days after the protocol
PROTESTED = DEADLINE
# Where the people of the screen and tour tests work.
BRUSSELS = "Europe/Brussels"
# 23:30 in UTC: already Tuesday 17 in Brussels (00:30), still Monday 16 in São Paulo (20:30).
LATE_EVENING = datetime.combine(TODAY, time(23, 30))


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
        # Managers configure the rules.
        cls.rule = (
            cls.env["collections.protest.rule"]
            .with_user(cls.manager)
            .create({"company_id": cls.company.id, "calendar_id": cls.calendar.id})
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
