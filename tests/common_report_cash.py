"""A small receivable book whose report figures are counted by hand in each report's tests.

TODAY = Monday 2026-03-16. EUR is worth half a dollar (``setup_other_currency``: 2 EUR for 1 company dollar).

Company 1 (USD):
- Alice (collector: Carla Collector): invoice 1 of 1000, dated and due 2026-01-10, paid 400 on 2026-03-05;
  invoice 2 of EUR 400 (= 200), dated 2026-03-16, due 2026-03-26.
- Bruno (collector: the manager): invoice 3 of 500, dated and due 2026-02-10, promised: 300 on 2026-03-25;
  a credit note of 100 dated 2026-03-01, not matched. His promise history: one kept, one broken; the manager took
  them and a kept one of Dora's.
- Dora (no collector, no invoice): a kept promise.
Company 2 (the branch): Chen, invoice 4 of 700 dated and due 2026-03-06.
"""

from datetime import date

from odoo import Command

from .common import CollectionsCase


class ReportCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.eur = cls.setup_other_currency("EUR")
        cls.alice = cls.make_customer("Alice Report")
        cls.bruno = cls.make_customer("Bruno Report")
        cls.dora = cls.make_customer("Dora Report")
        cls.chen = cls.make_customer("Chen Report")
        cls.alice.with_company(cls.company).collections_responsible_id = cls.collector
        cls.bruno.with_company(cls.company).collections_responsible_id = cls.manager
        cls.invoice_1 = cls.make_invoice(cls.alice, 1000, (date(2026, 3, 16) - date(2026, 1, 10)).days)
        cls.invoice_2 = cls.make_invoice(cls.alice, 400, -10, currency=cls.eur)
        cls.invoice_3 = cls.make_invoice(cls.bruno, 500, (date(2026, 3, 16) - date(2026, 2, 10)).days)
        cls.refund = cls.make_invoice(cls.bruno, 100, 15, move_type="out_refund")
        cls.invoice_4 = cls.make_invoice(cls.chen, 700, 10, company=cls.company_2)
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.invoice_1.ids
        ).create({"amount": 400, "payment_date": date(2026, 3, 5)})._create_payments()
        Promise = cls.env["collections.promise"].sudo()
        history = [
            (cls.bruno, "kept", date(2025, 11, 10)),
            (cls.bruno, "broken", date(2025, 12, 10)),
            (cls.dora, "kept", date(2026, 1, 10)),
        ]
        # Settled promises as the daily job leaves them (how they get there: test_promise.py); written directly, as
        # a promise is made only on invoices still open.
        for partner, state, day in history:
            cls.env.cr.execute(
                "INSERT INTO collections_promise (partner_id, company_id, state, source, date, amount, user_id) "
                "VALUES (%s, %s, %s, 'collector', %s, 50, %s)",
                (partner.id, cls.company.id, state, day, cls.manager.id),
            )
        Promise.create(
            {
                "partner_id": cls.bruno.id,
                "company_id": cls.company.id,
                "amount": 300,
                "date": date(2026, 3, 25),
                "user_id": cls.manager.id,
                "move_ids": [Command.set(cls.invoice_3.ids)],
            }
        )
        Promise.invalidate_model()

    def refresh(self, model):
        self.env[model]._refresh_report(self.company | self.company_2)

    def open_views(self, model, user, groupby, measures):
        """What the web client does on opening the report as ``user``: the views, then the pivot's groups."""
        Report = self.env[model].with_user(user)
        views = Report.get_views([(False, "pivot"), (False, "graph"), (False, "list"), (False, "search")])
        self.assertEqual(set(views["views"]), {"pivot", "graph", "list", "search"})
        return Report.formatted_read_group([], groupby, measures)
