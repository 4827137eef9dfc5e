"""DSO and CEI report: per company, month (the last 12 and the current one to date), collector and plan, the
receivables at the start and end of the month, the month's credit sales and the part of the end receivables not yet
due; DSO and CEI counted by the engine (``engine.recovery.dso`` and ``cei``). One SELECT gathers the amounts, one
INSERT ... VALUES stores the rows.

A ratio is not a sum: when the pivot or graph groups rows of one month (a company's month, all collectors), the
DSO and CEI shown are counted again by the engine from the group's summed amounts (``_read_group``), so they are the
company's (or the plan's) true figures; a group spanning several months shows the plain average of its months.
"""

from datetime import timedelta
from itertools import pairwise

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.aging import REPORT_MONTHS, month_ends_before
from ..engine.recovery import cei, dso

# The amounts of a row, in the order of the SELECT: begin, end, current at end, credit sales.
_AMOUNTS = ("amount_begin", "amount_end", "amount_current", "amount_sales")
_RATIOS = ("dso:avg", "cei:avg")
_EXTRA = (*(f"{name}:sum" for name in _AMOUNTS), "month_start:count_distinct", "period_days:max")


class CollectionsReportDso(models.Model):
    _name = "collections.report.dso"
    _inherit = "collections.report.receivable.mixin"
    _description = "DSO and Collection Effectiveness"
    _order = "month_start desc, company_id"
    _rec_name = "month_start"

    month_start = fields.Date(string="Month", readonly=True, index=True)
    period_end = fields.Date(string="Period End", readonly=True, help="The month's last day, or today this month.")
    period_days = fields.Integer(string="Days in Period", readonly=True, aggregator="max")
    current_month = fields.Boolean(string="Current Month", readonly=True, help="The month to date.")
    amount_begin = fields.Monetary(string="Receivables at Start", readonly=True)
    amount_end = fields.Monetary(string="Receivables at End", readonly=True)
    amount_current = fields.Monetary(
        string="Not Due at End", readonly=True, help="The part of the receivables at the end not yet due."
    )
    amount_sales = fields.Monetary(
        string="Credit Sales", readonly=True, help="Customer invoices posted in the period, less credit notes."
    )
    amount_collected = fields.Monetary(
        string="Collected", readonly=True, help="Receivables at start + credit sales - receivables at end."
    )
    dso = fields.Float(
        string="DSO (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Days sales outstanding: receivables at end / credit sales x days in the period. Empty: no sales.",
    )
    cei = fields.Float(
        string="CEI (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 2),
        help="Collection effectiveness: (start + sales - end) / (start + sales - not due at end) x 100. "
        "Empty: nothing was collectible.",
    )

    @api.model
    def _refresh_report(self, companies):
        """Replace the rows of ``companies`` by their last 12 months and the current month to date."""
        for company in companies:
            today = company._collections_today()
            ends = [*month_ends_before(today, REPORT_MONTHS + 1), today]
            periods = [(end + timedelta(days=1), stop) for end, stop in pairwise(ends)]
            rows = self._report_execute(self._dso_select_sql(company, ends, periods))
            values = [self._dso_row_sql(company, today, row) for row in rows]
            insert = SQL("SELECT 1")
            if values:
                insert = SQL(
                    """
                    INSERT INTO collections_report_dso
                           (create_uid, create_date, write_uid, write_date, company_id, currency_id, month_start,
                            period_end, period_days, current_month, policy_id, collector_id, amount_begin, amount_end,
                            amount_current, amount_sales, amount_collected, dso, cei)
                    VALUES %s
                    """,
                    SQL(", ").join(values),
                )
            self._report_replace(company, insert)

    @api.model
    def _dso_row_sql(self, company, today, row):
        start, stop, policy, collector, begin, end, current, sales = row
        days = (stop - start).days + 1
        ratio_dso, ratio_cei = dso(end, sales, days), cei(begin, sales, end, current)
        return SQL(
            "(%s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC', %s, %s, %s, %s, %s, %s, %s, %s, "
            "%s, %s, %s, %s, %s, %s, %s)",
            self.env.uid,
            self.env.uid,
            company.id,
            company.currency_id.id,
            start,
            stop,
            days,
            stop == today,
            policy,
            collector,
            begin,
            end,
            current,
            sales,
            begin + sales - end,
            None if ratio_dso is None else float(ratio_dso),
            None if ratio_cei is None else float(ratio_cei),
        )

    @api.model
    def _dso_select_sql(self, company, ends, periods):
        """Rows (month start, period end, plan, collector, begin, end, current at end, sales) of ``company``."""
        months = SQL(", ").join(SQL("(%s::date, %s::date)", start, stop) for start, stop in periods)
        return SQL(
            """
            WITH %(balances)s,
            period(start, stop) AS (VALUES %(months)s),
            balance AS (
                SELECT residual.day, receivable.partner_id, SUM(residual.amount) AS total,
                       COALESCE(SUM(residual.amount) FILTER (WHERE receivable.due >= residual.day), 0) AS current
                  FROM residual JOIN receivable ON receivable.id = residual.line_id
                 GROUP BY residual.day, receivable.partner_id
            ),
            fact(start, stop, partner_id, begin_amount, end_amount, current_amount, sales) AS (
                SELECT period.start, period.stop, balance.partner_id, balance.total, 0, 0, 0
                  FROM period JOIN balance ON balance.day = period.start - 1
                UNION ALL
                SELECT period.start, period.stop, balance.partner_id, 0, balance.total, balance.current, 0
                  FROM period JOIN balance ON balance.day = period.stop
                UNION ALL
                SELECT period.start, period.stop, customer.commercial_partner_id, 0, 0, 0, line.balance
                  FROM account_move_line AS line
                  JOIN account_move AS move ON move.id = line.move_id
                  JOIN account_account AS account ON account.id = line.account_id
                  LEFT JOIN res_partner AS customer ON customer.id = line.partner_id
                  JOIN period ON line.date BETWEEN period.start AND period.stop
                 WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND move.move_type IN ('out_invoice', 'out_refund')
            )
            SELECT fact.start, fact.stop, COALESCE(own_plan.id, default_plan_of.plan_id), collector.id,
                   SUM(fact.begin_amount), SUM(fact.end_amount), SUM(fact.current_amount), SUM(fact.sales)
              FROM fact
              LEFT JOIN res_partner AS customer ON customer.id = fact.partner_id
              %(owner)s
             GROUP BY fact.start, fact.stop, COALESCE(own_plan.id, default_plan_of.plan_id), collector.id
            """,
            balances=self._report_balances_sql(company, ends),
            months=months,
            company=company.id,
            owner=self._report_owner_joins(company, SQL("%s", company.id), SQL("customer")),
        )

    @api.model
    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """DSO and CEI of a group of one month counted from its summed amounts (module docstring)."""
        if not self._dso_recounts(aggregates, order) or having:
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, [*aggregates, *_EXTRA], having, offset, limit, order)
        return self._dso_recount(len(groupby), aggregates, rows)

    @api.model
    def _read_grouping_sets(self, domain, grouping_sets, aggregates=(), order=None):
        """The pivot's groups: DSO and CEI recounted as in ``_read_group``."""
        if not self._dso_recounts(aggregates, order):
            return super()._read_grouping_sets(domain, grouping_sets, aggregates, order)
        sets = super()._read_grouping_sets(domain, grouping_sets, [*aggregates, *_EXTRA], order)
        return [
            self._dso_recount(len(groupby), aggregates, rows) for groupby, rows in zip(grouping_sets, sets, strict=True)
        ]

    @api.model
    def _dso_recounts(self, aggregates, order):
        return any(aggregate in _RATIOS for aggregate in aggregates) and not (
            order and ("dso" in order or "cei" in order)
        )

    @api.model
    def _dso_recount(self, width, aggregates, rows):
        """``rows`` (groups, then ``aggregates``, then ``_EXTRA``) with the ratios of one-month groups recounted."""
        end_of_asked = width + len(aggregates)
        result = []
        for group in rows:
            row = list(group)
            begin, end, current, sales = (value or 0 for value in row[end_of_asked : end_of_asked + 4])
            months, days = row[end_of_asked + 4 :]
            if months == 1:
                for index, aggregate in enumerate(aggregates):
                    if aggregate in _RATIOS:
                        ratio = dso(end, sales, days) if aggregate == "dso:avg" else cei(begin, sales, end, current)
                        row[width + index] = None if ratio is None else float(ratio)
            result.append(tuple(row[:end_of_asked]))
        return result

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """DSO and CEI of ``company`` as the current user sees them (record rules apply: a collector's own).

        Keys: ``last_month`` (ISO date of the last complete month's first day), ``last_month_dso``,
        ``last_month_cei``, ``current_month`` (ISO date), ``current_month_dso``, ``current_month_cei`` (floats,
        None when there were no sales or nothing collectible, or before the first refresh). ``date_from`` and
        ``date_to`` are not used: the months are the refresh day's.
        """
        groups = self._read_group(
            [("company_id", "=", company.id)], ["month_start:month", "current_month"], list(_RATIOS)
        )
        months = sorted((month, current, dso_, cei_) for month, current, dso_, cei_ in groups)
        current = [row for row in months if row[1]]
        complete = [row for row in months if not row[1]]
        figures = {}
        for key, rows in (("current_month", current), ("last_month", complete)):
            month, _current, dso_, cei_ = rows[-1] if rows else (None, None, None, None)
            figures[key] = fields.Date.to_string(month) if month else None
            figures[f"{key}_dso"] = dso_ if dso_ is not False else None
            figures[f"{key}_cei"] = cei_ if cei_ is not False else None
        return figures
