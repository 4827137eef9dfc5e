"""Cash-in forecast: the cash expected in each of the next 8 weeks by source (agreement instalments, promises to
pay, open invoices), per customer, counted by ``engine.forecast.weekly_forecast``; and what came in each week
('Received' rows), to compare a week's forecast with its cash after the fact (``engine.forecast.compare_forecast``).

Each refresh makes a forecast (its rows carry the refresh day, ``forecast_date``) that replaces the previous latest
one, except the first forecast of each week, kept: it is the forecast the week is judged against, kept as long as
one of its weeks can still be compared with the cash received (19 weeks). The 'Received' rows (the last
12 weeks and this one to date) are counted again on every refresh.
"""

from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.forecast import (
    ACTUAL_WEEKS,
    FORECAST_WEEKS,
    KEPT_FORECAST_WEEKS,
    ForecastWeek,
    Inflow,
    compare_forecast,
    week_start,
    weekly_forecast,
)
from ..engine.payer_score import predicted_pay_date, recovery_probability

FORECAST_SOURCES = [
    ("instalments", "Agreement Instalments"),
    ("promises", "Promises to Pay"),
    ("open_items", "Open Invoices"),
    ("actual", "Received"),
]
_CHUNK = 5000


class CollectionsReportForecast(models.Model):
    _name = "collections.report.forecast"
    _inherit = ["collections.report.receivable.mixin", "collections.report.forecast.sources"]
    _description = "Cash-in Forecast"
    _order = "forecast_date desc, week_start, source, company_id"
    _rec_name = "week_start"

    week_start = fields.Date(string="Week", readonly=True, index=True, help="The Monday the week starts on.")
    source = fields.Selection(FORECAST_SOURCES, string="Source", readonly=True, index=True)
    forecast_date = fields.Date(string="Forecast Made On", readonly=True, index=True)
    weeks_ahead = fields.Integer(
        string="Weeks Ahead", readonly=True, aggregator="min", help="0: the week the forecast was made in."
    )
    latest = fields.Boolean(string="Latest Forecast", readonly=True, index=True)
    kept = fields.Boolean(
        string="Week's First Forecast", readonly=True, help="The first forecast made in its week, kept to compare."
    )
    amount = fields.Monetary(string="Amount", readonly=True, help="Expected, or received for 'Received' rows.")
    amount_expected = fields.Monetary(string="Expected", readonly=True)
    amount_actual = fields.Monetary(string="Received", readonly=True)

    @api.model
    def _refresh_report(self, companies):
        """Make a forecast of ``companies`` as of today and count the cash received (module docstring)."""
        for company in companies:
            self._forecast_refresh_company(company)

    @api.model
    def _forecast_refresh_company(self, company):
        today = company._collections_today()
        monday = week_start(today)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT 1 FROM collections_report_forecast WHERE company_id = %s AND kept AND forecast_date >= %s "
                "AND forecast_date != %s LIMIT 1",
                company.id,
                monday,
                today,
            )
        )
        first_of_week = not cr.fetchone()
        values = self._forecast_values(company, today, first_of_week)
        # The previous latest forecast goes unless it is a week's first; a forecast made again the same day as the
        # week's first replaces it; the received rows are counted again.
        self._report_replace(
            company,
            SQL("UPDATE collections_report_forecast SET latest = FALSE WHERE company_id = %s AND latest", company.id),
            where=SQL("(source = 'actual' OR (latest AND NOT kept) OR forecast_date = %s)", today),
        )
        cr.execute(
            SQL(
                "DELETE FROM collections_report_forecast WHERE company_id = %s AND source != 'actual' "
                "AND forecast_date < %s",
                company.id,
                monday - timedelta(weeks=KEPT_FORECAST_WEEKS),
            )
        )
        for start in range(0, len(values), _CHUNK):
            cr.execute(
                SQL(
                    """
                    INSERT INTO collections_report_forecast
                           (create_uid, create_date, write_uid, write_date, company_id, currency_id, partner_id,
                            policy_id, collector_id, week_start, source, forecast_date, weeks_ahead, latest, kept,
                            amount, amount_expected, amount_actual)
                    VALUES %s
                    """,
                    SQL(", ").join(values[start : start + _CHUNK]),
                )
            )
        cr.execute(self._forecast_actual_sql(company, today, monday - timedelta(weeks=ACTUAL_WEEKS)))
        self.invalidate_model()

    @api.model
    def _forecast_values(self, company, today, kept):
        """The VALUES rows of the forecast of ``company`` made ``today``: one per customer, week and source."""
        inflows = self._forecast_inflows(company, today)
        owners = self._forecast_owners(company, {partner for partner, _source in inflows})
        first = week_start(today)
        currency = company.currency_id
        values = []
        for partner in sorted({partner for partner, _source in inflows}, key=lambda partner: partner or 0):
            weeks = weekly_forecast(
                today, *(inflows.get((partner, source), ()) for source, _label in FORECAST_SOURCES[:3])
            )
            policy, collector = owners.get(partner, (None, None))
            for week in weeks:
                for source, _label in FORECAST_SOURCES[:3]:
                    amount = currency.round(float(getattr(week, source)))
                    if currency.is_zero(amount):
                        continue
                    values.append(
                        SQL(
                            "(%s, NOW() AT TIME ZONE 'UTC', %s, NOW() AT TIME ZONE 'UTC', %s, %s, %s, %s, %s, %s, %s, "
                            "%s, %s, TRUE, %s, %s, %s, 0)",
                            self.env.uid,
                            self.env.uid,
                            company.id,
                            currency.id,
                            partner,
                            policy,
                            collector,
                            week.start,
                            source,
                            today,
                            (week.start - first).days // 7,
                            kept,
                            amount,
                            amount,
                        )
                    )
        return values

    @api.model
    def _forecast_inflows(self, company, today):
        """{(customer id, source): [engine Inflow]} of ``company``: amounts in its currency (module docstring)."""
        gathered = self._forecast_gather(company)
        inflows = defaultdict(list)
        for partner, day, amount, _line in gathered["instalments"]:
            inflows[partner, "instalments"].append(Inflow(day, amount))
        for partner, day, amount, probability in gathered["promises"]:
            inflows[partner, "promises"].append(Inflow(day, amount, probability))
        neutral = company._collections_score_weights().neutral_score
        for partner, due, amount, score, typical in gathered["open_items"]:
            day = predicted_pay_date(due, max(typical or 0, 0), today)
            probability = recovery_probability(neutral if score is None else score, max((today - due).days, 0))
            inflows[partner, "open_items"].append(Inflow(day, amount, Decimal(str(probability))))
        return inflows

    @api.model
    def _forecast_actual_sql(self, company, today, since):
        """INSERT of the 'Received' rows: the customers' receivable lines of ``company`` reconciled with a payment
        (a payment's or a bank statement line's entry) per week, from ``since`` to ``today``, company currency."""
        return SQL(
            """
            INSERT INTO collections_report_forecast
                   (create_uid, create_date, write_uid, write_date, company_id, currency_id, partner_id, policy_id,
                    collector_id, week_start, source, forecast_date, weeks_ahead, latest, kept, amount,
                    amount_expected, amount_actual)
            SELECT %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC', %(company)s, %(currency)s,
                   customer.id, COALESCE(own_plan.id, default_plan_of.plan_id), collector.id,
                   date_trunc('week', partial.max_date)::date, 'actual', %(today)s, 0, TRUE, FALSE,
                   SUM(partial.amount), 0, SUM(partial.amount)
              FROM account_partial_reconcile AS partial
              JOIN account_move_line AS line ON line.id = partial.debit_move_id
              JOIN account_account AS account ON account.id = line.account_id
              JOIN account_move_line AS paid_by ON paid_by.id = partial.credit_move_id
              JOIN account_move AS payment ON payment.id = paid_by.move_id
              LEFT JOIN res_partner AS partner ON partner.id = line.partner_id
              LEFT JOIN res_partner AS customer ON customer.id = partner.commercial_partner_id
              %(owner)s
             WHERE line.company_id = %(company)s AND account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted' AND paid_by.parent_state = 'posted'
               AND (payment.origin_payment_id IS NOT NULL OR payment.statement_line_id IS NOT NULL)
               AND partial.max_date BETWEEN %(since)s AND %(today)s
             GROUP BY customer.id, COALESCE(own_plan.id, default_plan_of.plan_id), collector.id,
                      date_trunc('week', partial.max_date)
            """,
            uid=self.env.uid,
            company=company.id,
            currency=company.currency_id.id,
            today=today,
            since=since,
            owner=self._report_owner_joins(company, SQL("%s", company.id), SQL("customer")),
        )

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """The latest forecast of ``company`` and last week's check, as the current user sees them.

        Keys: ``weeks`` (list of {``week_start`` ISO date, ``expected`` float} for the 8 weeks of the latest
        forecast), ``total`` (their sum), ``last_week`` (ISO date of last week's Monday), ``last_week_expected``
        (what the week's first forecast expected in that week), ``last_week_actual`` (received in it),
        ``last_week_difference`` (actual - expected), ``last_week_ratio`` (actual / expected, None when nothing was
        expected). ``date_from`` and ``date_to`` are not used: the weeks are the refresh day's.
        """
        latest = self._read_group(
            [("company_id", "=", company.id), ("latest", "=", True), ("source", "!=", "actual")],
            ["forecast_date:day", "week_start:day"],
            ["amount_expected:sum"],
        )
        made = max((day for day, _week, _amount in latest), default=None)
        monday = week_start(made or company._collections_today())
        expected_by_week = {week: amount for day, week, amount in latest if day == made}
        weeks = [monday + timedelta(weeks=index) for index in range(FORECAST_WEEKS)]
        weeks = [(week, float(expected_by_week.get(week, 0.0))) for week in weeks]
        last_week = monday - timedelta(weeks=1)
        expected = self._read_group(
            [
                ("company_id", "=", company.id),
                ("kept", "=", True),
                ("week_start", "=", last_week),
                ("weeks_ahead", "=", 0),
                ("source", "!=", "actual"),
            ],
            ["source"],
            ["amount_expected:sum"],
        )
        by_source = {source: Decimal(str(amount)) for source, amount in expected}
        received = self._read_group(
            [("company_id", "=", company.id), ("source", "=", "actual"), ("week_start", "=", last_week)],
            [],
            ["amount_actual:sum"],
        )
        forecast = ForecastWeek(
            last_week,
            by_source.get("instalments", Decimal(0)),
            by_source.get("promises", Decimal(0)),
            by_source.get("open_items", Decimal(0)),
        )
        (check,) = compare_forecast([forecast], [(last_week, Decimal(str(received[0][0] or 0)))])
        return {
            "weeks": [{"week_start": fields.Date.to_string(week), "expected": amount} for week, amount in weeks],
            "total": sum(amount for _week, amount in weeks),
            "last_week": fields.Date.to_string(last_week),
            "last_week_expected": float(check.expected),
            "last_week_actual": float(check.actual),
            "last_week_difference": float(check.difference),
            "last_week_ratio": None if check.ratio is None else float(check.ratio),
        }
