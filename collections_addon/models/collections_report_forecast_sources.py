"""What the cash-in forecast expects, gathered in a fixed number of queries per company.

- Agreement instalments: the instalments of running agreements (state Active) whose receivable line still owes,
  on their due date, probability 1 (a signed, running agreement; a broken agreement's instalments are ordinary open
  items, forecast from the payer score).
- Promises to pay: the open promises, on their promised date, for what they promised less what was paid since,
  weighted by the average of the customer's kept rate and its collector's kept rate (kept / (kept + broken) of the
  promises of the customer, of the promises the collector took, in the company); a rate without any kept or broken
  promise is unknown and left out; with neither known, the promise counts in full.
- Open invoices: every other receivable line still owed (a promise's invoices are the promise's), on its predicted
  pay date with its recovery probability from the customer's payer score in the company (``engine.payer_score``);
  a customer never scored has the neutral score and 0 typical days late; the days late are today's.
"""

from collections import defaultdict
from decimal import Decimal

from odoo import api, models
from odoo.tools import SQL

from ..engine.forecast import kept_rate, promise_probability
from ..engine.receivable import open_line_sql


class CollectionsReportForecastSources(models.AbstractModel):
    _name = "collections.report.forecast.sources"
    _description = "Cash-in Forecast Sources"

    @api.model
    def _forecast_instalments(self, company):
        """[(customer id, due date, amount still owed, receivable line id)] of the running agreements' instalments."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT customer.commercial_partner_id, installment.date, line.amount_residual, line.id
                  FROM collections_negotiation_installment AS installment
                  JOIN collections_negotiation AS agreement ON agreement.id = installment.negotiation_id
                  JOIN account_move_line AS line ON line.id = installment.move_line_id
                  JOIN res_partner AS customer ON customer.id = agreement.partner_id
                 WHERE agreement.company_id = %s AND agreement.state = 'active'
                   AND line.parent_state = 'posted' AND line.amount_residual > 0
                """,
                company.id,
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _forecast_promises(self, company):
        """([(customer id, promised date, amount, probability)], ids of the promised invoices)."""
        # sudo: the forecast covers every promise of the company, whoever refreshes it (the rows obey the rules).
        promises = (
            self.env["collections.promise"].sudo().search([("company_id", "=", company.id), ("state", "=", "open")])
        )
        customer_rates, collector_rates = self._forecast_kept_rates(company)
        customers = promises.partner_id.commercial_partner_id
        collectors = {
            partner: collector
            for partner, (_plan, collector) in self._forecast_owners(company, set(customers.ids)).items()
        }
        rows = []
        for promise in promises:
            amount = company.currency_id.round(promise.amount - promise.amount_paid)
            if company.currency_id.compare_amounts(amount, 0) <= 0:
                continue
            partner = promise.partner_id.commercial_partner_id.id
            probability = promise_probability(customer_rates.get(partner), collector_rates.get(collectors.get(partner)))
            rows.append((partner, promise.date, Decimal(str(amount)), probability))
        return rows, set(promises.move_ids.ids)

    @api.model
    def _forecast_kept_rates(self, company):
        """({customer id: kept rate}, {collector id: kept rate}) over the kept and broken promises of ``company``."""
        rates = []
        for key in (SQL("customer.commercial_partner_id"), SQL("promise.user_id")):
            self.env.cr.execute(
                SQL(
                    """
                    SELECT %s, COUNT(*) FILTER (WHERE promise.state = 'kept'), COUNT(*)
                      FROM collections_promise AS promise
                      JOIN res_partner AS customer ON customer.id = promise.partner_id
                     WHERE promise.company_id = %s AND promise.state IN ('kept', 'broken')
                     GROUP BY 1
                    """,
                    key,
                    company.id,
                )
            )
            rates.append({owner: kept_rate(kept, total) for owner, kept, total in self.env.cr.fetchall() if owner})
        return tuple(rates)

    @api.model
    def _forecast_open_lines(self, company, excluded_lines, excluded_moves):
        """[(customer id, due date, amount still owed, payer score or None, typical days late or None)]."""
        self.env.cr.execute(
            SQL(
                """
                SELECT customer.id, COALESCE(line.date_maturity, line.date), line.amount_residual,
                       (customer.collections_payer_score ->> %(key)s)::integer,
                       (customer.collections_typical_days_late ->> %(key)s)::integer
                  FROM account_move_line AS line
                  JOIN account_account AS account ON account.id = line.account_id
                  LEFT JOIN res_partner AS partner ON partner.id = line.partner_id
                  LEFT JOIN res_partner AS customer ON customer.id = partner.commercial_partner_id
                 WHERE %(open)s AND line.company_id = %(company)s AND line.amount_residual > 0
                   AND NOT line.id = ANY(%(lines)s) AND NOT line.move_id = ANY(%(moves)s)
                """,
                key=str(company.id),
                open=SQL(open_line_sql("line", "account")),
                company=company.id,
                lines=sorted(excluded_lines),
                moves=sorted(excluded_moves),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _forecast_owners(self, company, partner_ids):
        """{customer id: (plan id, collector id)} in ``company``."""
        partner_ids = [partner for partner in partner_ids if partner]
        if not partner_ids:
            return {}
        self.env.cr.execute(
            SQL(
                """
                SELECT customer.id, COALESCE(own_plan.id, default_plan_of.plan_id), collector.id
                  FROM res_partner AS customer
                  %s
                 WHERE customer.id = ANY(%s)
                """,
                self._report_owner_joins(company, SQL("%s", company.id), SQL("customer")),
                partner_ids,
            )
        )
        return {partner: (plan, collector) for partner, plan, collector in self.env.cr.fetchall()}

    @api.model
    def _forecast_gather(self, company):
        """{source: rows} of ``company``: instalments, promises and open lines (module docstring)."""
        instalments = self._forecast_instalments(company)
        promises, promised_moves = self._forecast_promises(company)
        open_lines = self._forecast_open_lines(company, {row[3] for row in instalments}, promised_moves)
        return defaultdict(list, instalments=instalments, promises=promises, open_items=open_lines)
