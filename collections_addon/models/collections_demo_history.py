"""A year of invoices, reminders and payments for the demo's reports (aging over time, DSO, recovery, forecast).

Each history customer has a habit: pays on time, pays a week or so after the first reminder, pays only after a
call, or has stopped paying. One invoice a month for the last twelve months and the coming one, relative to the
day the demo is built, so the reports look alive whatever the day. Used by demo data only.
"""

from datetime import timedelta

from odoo import api, models

# (name, is_company, monthly amount, habit): days late when paid (None: stops paying 3 months ago), and whether the
# payment comes after a reminder (e-mail at 3 days late) or a call (at 20 days late).
_HISTORY_CUSTOMERS = (
    ("Atacadão Serra Azul Ltda", True, 4200.0, 0, None),
    ("Construtora Vale Verde S.A.", True, 8750.0, 9, "email"),
    ("Farmácia Bem Viver Ltda", True, 1980.0, 6, "email"),
    ("Transportes Rota Sul Ltda", True, 6300.0, 27, "call"),
    ("Escola Pequeno Saber", True, 2450.0, 12, "email"),
    ("Hotel Mar Aberto Ltda", True, 5100.0, None, "call"),
)
_HISTORY_MONTHS = 12
_REMINDER_DAYS_LATE = 3
_CALL_DAYS_LATE = 20
_STOPPED_MONTHS = 3


class CollectionsDemo(models.AbstractModel):
    _inherit = "collections.demo"

    @api.model
    def _populate_history(self, company):
        today = company._collections_today()
        for name, is_company, amount, days_late, contact in _HISTORY_CUSTOMERS:
            partner = self.env["res.partner"].create(
                {
                    "name": name,
                    "is_company": is_company,
                    "email": f"financeiro@{name.split()[0].lower()}.example",
                    "lang": "pt_BR",
                    "country_id": company.country_id.id,
                }
            )
            partner.with_company(company).collections_responsible_id = self.env.ref(
                "collections_addon.user_carla_collector"
            )
            # Due about 30 days apart, the last one in 12 days (not due yet).
            for month in range(_HISTORY_MONTHS, -1, -1):
                days_since_due = month * 30 - 12
                invoice = self._invoice(company, partner, [("Fornecimento mensal", 1, amount)], days_since_due)
                self._history_of(company, partner, invoice, days_since_due, days_late, contact, month, today)

    def _history_of(self, company, partner, invoice, days_since_due, days_late, contact, month, today):
        """The reminders and the payment of one monthly invoice, as the habit says."""
        stopped = days_late is None and month <= _STOPPED_MONTHS
        if days_late is None:
            days_late = 0 if not stopped else days_since_due + 1
        if contact and days_late > _REMINDER_DAYS_LATE and days_since_due > _REMINDER_DAYS_LATE:
            self._event(company, partner, invoice, days_since_due - _REMINDER_DAYS_LATE, "email", "sent")
        if contact == "call" and days_late > _CALL_DAYS_LATE and days_since_due > _CALL_DAYS_LATE:
            days_ago = days_since_due - _CALL_DAYS_LATE
            self._event(company, partner, invoice, days_ago, "call", "delivered", outcome="will_pay")
        if stopped or days_late > days_since_due:
            return
        when = today - timedelta(days=days_since_due - days_late)
        self._pay(company, invoice, invoice.amount_residual, when)
