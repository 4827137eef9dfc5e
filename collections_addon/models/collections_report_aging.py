"""Aging report: the receivable balance of each customer in buckets of days past due, at each of the last 12 month
ends and today (the snapshot date), stored by ``_refresh_report`` in one INSERT ... SELECT per refresh."""

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.aging import REPORT_MONTHS, bucket_ranges, month_ends_before

# The measures of a row, in the order of the engine's buckets: (field, label, days past due from, to; None: open).
AGING_BUCKETS = tuple(
    (field, label, start, end)
    for (field, label), (start, end) in zip(
        (
            ("amount_not_due", "Not Due"),
            ("amount_1_30", "1-30 Days"),
            ("amount_31_60", "31-60 Days"),
            ("amount_61_90", "61-90 Days"),
            ("amount_90_plus", "Over 90 Days"),
        ),
        bucket_ranges(),
        strict=True,
    )
)


class CollectionsReportAging(models.Model):
    _name = "collections.report.aging"
    _inherit = "collections.report.receivable.mixin"
    _description = "Receivables Aging"
    _order = "snapshot_date desc, company_id, partner_id"
    _rec_name = "partner_id"

    snapshot_date = fields.Date(string="Snapshot Date", readonly=True, index=True)
    latest = fields.Boolean(string="Latest Snapshot", readonly=True, help="The snapshot of the refresh day (today).")
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    amount_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    amount_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    amount_90_plus = fields.Monetary(string="Over 90 Days", readonly=True)
    amount_overdue = fields.Monetary(string="Overdue", readonly=True, help="Everything past due: 1 day or more.")
    amount_total = fields.Monetary(string="Balance", readonly=True, help="Everything owed: not due and overdue.")

    @api.model
    def _refresh_report(self, companies):
        """Replace the rows of ``companies`` by their balances at the last 12 month ends and at today."""
        for company in companies:
            today = company._collections_today()
            self._report_replace(
                company, self._aging_insert_sql(company, [*month_ends_before(today, REPORT_MONTHS), today])
            )

    @api.model
    def _aging_insert_sql(self, company, days):
        buckets = []
        for _field, _label, start, end in AGING_BUCKETS:
            condition = SQL("TRUE")
            if start is not None:
                condition = SQL("%s AND residual.day - receivable.due >= %s", condition, start)
            if end is not None:
                condition = SQL("%s AND residual.day - receivable.due <= %s", condition, end)
            buckets.append(SQL("COALESCE(SUM(residual.amount) FILTER (WHERE %s), 0)", condition))
        columns = [field for field, *_rest in AGING_BUCKETS]
        return SQL(
            """
            WITH %(balances)s
            INSERT INTO collections_report_aging
                   (create_uid, create_date, write_uid, write_date, snapshot_date, latest, company_id, currency_id,
                    partner_id, policy_id, collector_id, %(columns)s, amount_overdue, amount_total)
            SELECT %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC', residual.day,
                   residual.day = %(today)s, receivable.company_id, %(currency)s, receivable.partner_id,
                   COALESCE(own_plan.id, default_plan_of.plan_id), collector.id, %(buckets)s,
                   COALESCE(SUM(residual.amount) FILTER (WHERE residual.day > receivable.due), 0),
                   SUM(residual.amount)
              FROM residual
              JOIN receivable ON receivable.id = residual.line_id
              LEFT JOIN res_partner AS customer ON customer.id = receivable.partner_id
              %(owner)s
             GROUP BY residual.day, receivable.company_id, receivable.partner_id,
                      COALESCE(own_plan.id, default_plan_of.plan_id), collector.id
            """,
            balances=self._report_balances_sql(company, days),
            columns=SQL(", ").join(SQL.identifier(column) for column in columns),
            uid=self.env.uid,
            today=max(days),
            currency=company.currency_id.id,
            buckets=SQL(", ").join(buckets),
            owner=self._report_owner_joins(company, SQL("receivable.company_id"), SQL("customer")),
        )

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """The latest snapshot of ``company`` as the current user sees it (record rules apply).

        Keys: ``snapshot_date`` (ISO date, None before the first refresh), ``not_due``, ``days_1_30``,
        ``days_31_60``, ``days_61_90``, ``days_90_plus``, ``overdue`` (the four past-due buckets), ``total``
        (floats, company currency). ``date_from`` and ``date_to`` are not used: the figures are today's.
        """
        names = [field for field, *_rest in AGING_BUCKETS] + ["amount_overdue", "amount_total"]
        domain = [("company_id", "=", company.id), ("latest", "=", True)]
        groups = self._read_group(domain, ["snapshot_date:day"], [f"{name}:sum" for name in names])
        keys = ["not_due", "days_1_30", "days_31_60", "days_61_90", "days_90_plus", "overdue", "total"]
        if not groups:
            return dict.fromkeys(keys, 0.0) | {"snapshot_date": None}
        day, *sums = max(groups, key=lambda group: group[0])
        return {key: float(value or 0.0) for key, value in zip(keys, sums, strict=True)} | {
            "snapshot_date": fields.Date.to_string(day)
        }
