"""What the stored receivable reports share: the row's company, customer, plan and collector, and the SQL of
the receivable balance at past dates.

The balance of a receivable line at a date is what Odoo's aged receivable shows for it: the line counts when it is
dated on or before that day, less its reconciliations (``account.partial.reconcile``) whose ``max_date`` (the
later of the two matched lines' dates: the day the matching took effect) is on or before that day, on either side.
So a credit note or a payment not matched yet is a negative balance of its own, in the bucket of its own due date
(its date for a payment), and lowers the customer's total as in Odoo. All amounts are in the company's currency
(``balance`` and the partial's ``amount``): a foreign-currency invoice counts at its own rate, exchange differences
being entries of their own.
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE


class CollectionsReportReceivableMixin(models.AbstractModel):
    _name = "collections.report.receivable.mixin"
    _description = "Collections Report: Receivable Rows"

    company_id = fields.Many2one("res.company", string="Company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True, index=True)
    policy_id = fields.Many2one("collections.policy", string="Collections Plan", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True, index=True)

    @api.model
    def _report_default_plans_sql(self, companies):
        """VALUES (company id, default plan for companies, default plan for persons) of ``companies``."""
        Policy = self.env["collections.policy"].sudo()  # sudo: the defaults are read for every company refreshed
        rows = [
            SQL(
                "(%s, %s::integer, %s::integer)",
                company.id,
                Policy.with_company(company)._default_for(company, True).id or None,
                Policy.with_company(company)._default_for(company, False).id or None,
            )
            for company in companies
        ]
        return SQL("(VALUES %s) AS default_plan(company_id, company_plan, person_plan)", SQL(", ").join(rows))

    @api.model
    def _report_owner_joins(self, companies, company, partner):
        """Joins giving the customer ``partner`` (SQL alias of a res_partner) in ``company`` (SQL expression of a
        company id) its plan, ``COALESCE(own_plan.id, default_plan_of.plan_id)`` (its own in the company: a
        company-dependent jsonb column, else the company's default for its kind) and its collector, ``collector.id``
        (kept only if the user exists)."""
        return SQL(
            """
            LEFT JOIN collections_policy AS own_plan
                   ON own_plan.id = (%(partner)s.collections_policy_id ->> (%(company)s)::text)::integer
            LEFT JOIN LATERAL (
                SELECT CASE WHEN %(partner)s.is_company THEN default_plan.company_plan
                            ELSE default_plan.person_plan END AS plan_id
                  FROM %(defaults)s
                 WHERE default_plan.company_id = %(company)s
            ) AS default_plan_of ON TRUE
            LEFT JOIN res_users AS collector
                   ON collector.id = (%(partner)s.collections_responsible_id ->> (%(company)s)::text)::integer
            """,
            partner=partner,
            company=company,
            defaults=self._report_default_plans_sql(companies),
        )

    @api.model
    def _report_balances_sql(self, companies, days):
        """The CTEs ``snapshot(day)``, ``receivable`` (the receivable lines of ``companies``: id, company_id,
        partner_id = commercial partner, due) and ``residual(day, line_id, amount)``: each line's balance at each of
        ``days`` (dates), lines with nothing owed that day left out (module docstring)."""
        self.env.flush_all()
        first, last = min(days), max(days)
        return SQL(
            """
            snapshot(day) AS (SELECT unnest(%(days)s::date[])),
            receivable AS (
                SELECT line.id, line.company_id, line.date, line.balance,
                       COALESCE(line.date_maturity, line.date) AS due,
                       customer.commercial_partner_id AS partner_id
                  FROM account_move_line AS line
                  JOIN account_account AS account ON account.id = line.account_id
                  LEFT JOIN res_partner AS customer ON customer.id = line.partner_id
                 WHERE account.account_type = %(receivable)s
                   AND line.parent_state = 'posted'
                   AND line.company_id = ANY(%(companies)s)
                   AND line.date <= %(last)s
                   -- settled before the first day: nothing at any of the days
                   AND NOT (line.reconciled AND line.date < %(first)s AND NOT EXISTS (
                        SELECT 1 FROM account_partial_reconcile AS late
                         WHERE (late.debit_move_id = line.id OR late.credit_move_id = line.id)
                           AND late.max_date >= %(first)s))
            ),
            movement(line_id, day, amount) AS (
                SELECT id, date, balance FROM receivable
                UNION ALL
                SELECT partial.debit_move_id, partial.max_date, -partial.amount
                  FROM account_partial_reconcile AS partial JOIN receivable ON receivable.id = partial.debit_move_id
                UNION ALL
                SELECT partial.credit_move_id, partial.max_date, partial.amount
                  FROM account_partial_reconcile AS partial JOIN receivable ON receivable.id = partial.credit_move_id
            ),
            residual AS (
                SELECT snapshot.day, movement.line_id, SUM(movement.amount) AS amount
                  FROM snapshot JOIN movement ON movement.day <= snapshot.day
                 GROUP BY snapshot.day, movement.line_id
                HAVING SUM(movement.amount) != 0
            )
            """,
            days=sorted(days),
            receivable=RECEIVABLE_ACCOUNT_TYPE,
            companies=companies.ids,
            first=first,
            last=last,
        )

    @api.model
    def _report_replace(self, companies, statement, where=None):
        """Delete the rows of ``companies`` (those matching ``where`` if given), then run ``statement`` (the INSERT
        ... SELECT of the new rows, or any statement to run after the delete)."""
        self.env.flush_all()
        condition = SQL("company_id = ANY(%s)", companies.ids)
        if where:
            condition = SQL("%s AND %s", condition, where)
        self.env.cr.execute(SQL("DELETE FROM %s WHERE %s", SQL.identifier(self._table), condition))
        self._report_execute(statement)
        self.invalidate_model()

    @api.model
    def _report_execute(self, statement):
        """Run ``statement`` without PostgreSQL's JIT compilation: on these few-second statements over a few
        hundred thousand rows, compiling took longer than running (1.7 s of 2.6 s on 20,000 invoices). Returns the
        rows of a SELECT (None for other statements)."""
        cr = self.env.cr
        cr.execute("SET LOCAL jit = off")
        try:
            cr.execute(statement)
            return cr.fetchall() if cr.description else None
        finally:
            cr.execute("RESET jit")
