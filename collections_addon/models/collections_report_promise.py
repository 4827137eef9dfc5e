"""Reporting: promises to pay and payment agreements, one row each (a live SQL view).

Both are commitments a collector (or the portal) obtained from a customer; the row says whether it was kept:
a promise is kept, broken, open or cancelled (``collections.promise.state``); an agreement is kept when done
(every instalment paid), broken when broken, open while accepted or active, not accepted yet while draft,
proposed or waiting for approval, or cancelled. The kept rate is over the decided ones (kept or broken).
"""

from odoo import api, fields, models
from odoo.tools import SQL, drop_view_if_exists

from .collections_case_mixin import ANSWER_SOURCE_SELECTION
from .collections_negotiation import _STATE_LABELS as _AGREEMENT_STATE_LABELS
from .collections_promise import _STATE_LABELS as _PROMISE_STATE_LABELS

_KIND_LABELS = {"promise": "Promise to Pay", "agreement": "Payment Agreement"}
_OUTCOME_LABELS = {
    "kept": "Kept",
    "broken": "Broken",
    "open": "Open",
    "pending": "Not Accepted Yet",
    "cancelled": "Cancelled",
}
_STATE_LABELS = {**_PROMISE_STATE_LABELS, **_AGREEMENT_STATE_LABELS}
# An agreement's state -> the outcome of the commitment (a promise's state is its outcome).
_AGREEMENT_OUTCOMES = {
    "draft": "pending",
    "proposed": "pending",
    "to_approve": "pending",
    "accepted": "open",
    "active": "open",
    "done": "kept",
    "broken": "broken",
    "cancelled": "cancelled",
}


def _company_value(column, company):
    """The value of a company-dependent many2one column of res.partner for the row's company."""
    return SQL("(%s ->> %s::text)::int", column, company)


# Joined after ``company`` (a res_company): what ``company_day`` needs, the company's time zone.
COMPANY_TZ_JOIN = SQL(
    """JOIN res_partner company_partner ON company_partner.id = company.partner_id
  LEFT JOIN resource_calendar company_calendar ON company_calendar.id = company.resource_calendar_id"""
)


def company_day(moment):
    """The company's day of a UTC timestamp (``res.company._collections_today``'s time zone; needs
    ``COMPANY_TZ_JOIN``)."""
    return SQL(
        "(timezone(COALESCE(NULLIF(company_partner.tz, ''), NULLIF(company_calendar.tz, ''), 'UTC'), "
        "%s AT TIME ZONE 'UTC'))::date",
        moment,
    )


class CollectionsReportPromise(models.Model):
    _name = "collections.report.promise"
    _description = "Collections Promises and Agreements Analysis"
    _auto = False
    _order = "date desc, id desc"
    # What the view reads: the ORM writes these to the database before reading the view.
    _depends = {
        "collections.promise": [
            *("partner_id", "company_id", "create_date", "date", "amount", "state", "source", "user_id"),
        ],
        "collections.negotiation": [
            *("partner_id", "company_id", "create_date", "accepted_date", "accepted_ip", "first_date"),
            *("amount_net", "state", "policy_id", "user_id"),
        ],
        "res.partner": [
            *("commercial_partner_id", "collections_responsible_id", "collections_policy_id"),
            *("collections_level_id", "tz"),
        ],
        "res.company": ["partner_id", "resource_calendar_id", "currency_id"],
        "resource.calendar": ["tz"],
        "collections.level": ["policy_id"],
    }

    kind = fields.Selection(list(_KIND_LABELS.items()), string="Kind", readonly=True)
    promise_id = fields.Many2one("collections.promise", string="Promise to Pay", readonly=True)
    negotiation_id = fields.Many2one("collections.negotiation", string="Agreement", readonly=True)
    date = fields.Date(string="Date Obtained", readonly=True, help="The day the promise or agreement was made.")
    due_date = fields.Date(
        string="Promised Date", readonly=True, help="The promised day; for an agreement, its first due date."
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    policy_id = fields.Many2one("collections.policy", string="Plan", readonly=True)
    user_id = fields.Many2one("res.users", string="Obtained by", readonly=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True)
    source = fields.Selection(
        ANSWER_SOURCE_SELECTION,
        string="Channel",
        readonly=True,
        help="Where it came from: the collector, a call, or the customer portal (an agreement accepted online).",
    )
    state = fields.Selection(list(_STATE_LABELS.items()), string="Status", readonly=True)
    outcome = fields.Selection(list(_OUTCOME_LABELS.items()), readonly=True)
    item_count = fields.Integer(string="Count", readonly=True)
    decided_count = fields.Integer(string="Decided", readonly=True, help="Kept or broken.")
    kept_count = fields.Integer(string="Kept", readonly=True)
    broken_count = fields.Integer(string="Broken", readonly=True)
    kept_rate = fields.Float(
        string="Kept Rate (%)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Kept ones among the decided ones (kept or broken), in percent.",
    )
    amount = fields.Monetary(
        string="Amount", readonly=True, help="The promised amount; for an agreement, the amount to pay."
    )
    amount_kept = fields.Monetary(string="Amount Kept", readonly=True)
    amount_broken = fields.Monetary(string="Amount Broken", readonly=True)

    def init(self):
        drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s UNION ALL %s)",
                SQL.identifier(self._table),
                self._promise_query(),
                self._agreement_query(),
            )
        )

    def _measures(self, outcome, amount):
        return SQL(
            """1 AS item_count,
               CASE WHEN %(outcome)s IN ('kept', 'broken') THEN 1 ELSE 0 END AS decided_count,
               CASE WHEN %(outcome)s = 'kept' THEN 1 ELSE 0 END AS kept_count,
               CASE WHEN %(outcome)s = 'broken' THEN 1 ELSE 0 END AS broken_count,
               CASE %(outcome)s WHEN 'kept' THEN 100.0 WHEN 'broken' THEN 0.0 END AS kept_rate,
               %(amount)s AS amount,
               CASE WHEN %(outcome)s = 'kept' THEN %(amount)s ELSE 0 END AS amount_kept,
               CASE WHEN %(outcome)s = 'broken' THEN %(amount)s ELSE 0 END AS amount_broken""",
            outcome=outcome,
            amount=amount,
        )

    def _customer_columns(self, company):
        return SQL(
            """customer.id AS partner_id,
               %(collector)s AS collector_id,
               company.currency_id AS currency_id""",
            collector=_company_value(SQL("customer.collections_responsible_id"), company),
        )

    def _promise_query(self):
        company = SQL("promise.company_id")
        return SQL(
            """SELECT promise.id * 2 AS id, 'promise' AS kind, promise.id AS promise_id, NULL::int AS negotiation_id,
                      %(made)s AS date, promise.date AS due_date, promise.company_id,
                      %(customer)s,
                      COALESCE(%(plan)s, level.policy_id) AS policy_id,
                      promise.user_id, promise.source, promise.state, promise.state AS outcome,
                      %(measures)s
                 FROM collections_promise promise
                 JOIN res_company company ON company.id = promise.company_id
                 %(tz_join)s
                 JOIN res_partner partner ON partner.id = promise.partner_id
                 JOIN res_partner customer ON customer.id = COALESCE(partner.commercial_partner_id, partner.id)
            LEFT JOIN collections_level level ON level.id = %(level)s""",
            made=company_day(SQL("promise.create_date")),
            tz_join=COMPANY_TZ_JOIN,
            customer=self._customer_columns(company),
            plan=_company_value(SQL("customer.collections_policy_id"), company),
            level=_company_value(SQL("customer.collections_level_id"), company),
            measures=self._measures(SQL("promise.state"), SQL("promise.amount")),
        )

    def _agreement_query(self):
        company = SQL("agreement.company_id")
        outcome = SQL(
            "(CASE agreement.state %s END)",
            SQL(" ").join(SQL("WHEN %s THEN %s", state, code) for state, code in _AGREEMENT_OUTCOMES.items()),
        )
        return SQL(
            """SELECT agreement.id * 2 + 1, 'agreement', NULL::int, agreement.id,
                      %(made)s, agreement.first_date,
                      agreement.company_id,
                      %(customer)s,
                      agreement.policy_id, agreement.user_id,
                      CASE WHEN agreement.accepted_ip IS NOT NULL THEN 'portal' ELSE 'collector' END,
                      agreement.state, %(outcome)s,
                      %(measures)s
                 FROM collections_negotiation agreement
                 JOIN res_company company ON company.id = agreement.company_id
                 %(tz_join)s
                 JOIN res_partner partner ON partner.id = agreement.partner_id
                 JOIN res_partner customer ON customer.id = COALESCE(partner.commercial_partner_id, partner.id)""",
            made=company_day(SQL("COALESCE(agreement.accepted_date, agreement.create_date)")),
            tz_join=COMPANY_TZ_JOIN,
            customer=self._customer_columns(company),
            outcome=outcome,
            measures=self._measures(outcome, SQL("agreement.amount_net")),
        )

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """Headline figures of the promises and agreements of ``company`` obtained from ``date_from`` to
        ``date_to``:

        ``promises`` (int: promises to pay made), ``promises_decided`` (int: kept or broken), ``promises_kept``
        (int), ``kept_rate`` (float or None: percent of the decided promises that were kept),
        ``promised_amount`` and ``kept_amount`` (floats, company currency: promised, and of the kept promises),
        ``agreements`` (int), ``agreements_done`` and ``agreements_broken`` (int), ``agreement_amount`` (float:
        the amount to pay of the agreements). Read as the current user (a collector: their own customers).
        """
        domain = [("company_id", "=", company.id), ("date", ">=", date_from), ("date", "<=", date_to)]
        rows = self._read_group(
            domain,
            groupby=["kind"],
            aggregates=[
                "item_count:sum",
                "decided_count:sum",
                "kept_count:sum",
                "broken_count:sum",
                "amount:sum",
                "amount_kept:sum",
            ],
        )
        by_kind = {kind: values for kind, *values in rows}
        count, decided, kept, _broken, amount, amount_kept = by_kind.get("promise", (0, 0, 0, 0, 0.0, 0.0))
        agreements, _decided, done, broken, agreement_amount, _kept = by_kind.get("agreement", (0, 0, 0, 0, 0.0, 0.0))
        return {
            "promises": count or 0,
            "promises_decided": decided or 0,
            "promises_kept": kept or 0,
            "kept_rate": round(100.0 * kept / decided, 1) if decided else None,
            "promised_amount": float(amount or 0.0),
            "kept_amount": float(amount_kept or 0.0),
            "agreements": agreements or 0,
            "agreements_done": done or 0,
            "agreements_broken": broken or 0,
            "agreement_amount": float(agreement_amount or 0.0),
        }
