"""Reporting: the collectors' work, per user and day (stored, refreshed in one statement).

The rows are of four kinds, each counted in its own measure: a contact that went out (a row of the recovery
report, with what it recovered within 30 days), a call logged with its outcome, a promise to pay obtained, and
an open task of the follow-up (a ``mail.activity`` a step gave the collector, still to do, with its age in days
on the refresh day). The user is who made the contact, logged the call, obtained the promise or has the task.
Stored rather than a live view: the age of a task is counted from the company's day, which only the refresh
knows, and the recovered amounts come from the stored recovery report (whose refresh refreshes this one).
"""

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.calls import REACHED_OUTCOMES
from .collections_event import CALL_OUTCOME_SELECTION
from .collections_report_promise import COMPANY_TZ_JOIN, company_day

_KIND_LABELS = {"contact": "Contact", "call": "Call", "promise": "Promise to Pay", "task": "Open Task"}


class CollectionsReportActivity(models.Model):
    _name = "collections.report.activity"
    _description = "Collections Collector Activity"
    _order = "date desc, id desc"
    _log_access = False

    date = fields.Date(
        string="Date",
        readonly=True,
        index=True,
        help="The day of the contact, call or promise; for a task, the day it was given.",
    )
    company_id = fields.Many2one("res.company", string="Company", readonly=True, index=True)
    currency_id = fields.Many2one("res.currency", string="Currency", readonly=True)
    user_id = fields.Many2one("res.users", string="User", readonly=True, index=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    policy_id = fields.Many2one("collections.policy", string="Plan", readonly=True)
    kind = fields.Selection(list(_KIND_LABELS.items()), readonly=True)
    outcome = fields.Selection(CALL_OUTCOME_SELECTION, string="Call Outcome", readonly=True)
    contact_count = fields.Integer(string="Contacts", readonly=True)
    call_count = fields.Integer(string="Calls Logged", readonly=True)
    reached_count = fields.Integer(string="Calls Reaching the Customer", readonly=True)
    promise_count = fields.Integer(string="Promises Obtained", readonly=True)
    recovered_30 = fields.Monetary(
        string="Recovered (30 Days)", readonly=True, help="Paid within 30 days of the contacts (company currency)."
    )
    task_count = fields.Integer(string="Open Tasks", readonly=True)
    task_age = fields.Integer(
        string="Task Age (Days)", readonly=True, aggregator="avg", help="Days since an open task was given."
    )
    task_age_max = fields.Integer(string="Oldest Task (Days)", readonly=True, aggregator="max")

    @api.model
    def _refresh_report(self, companies):
        """Replace the rows of ``companies``: two statements (the recovery report's rows are read as stored)."""
        if not companies:
            return
        self.env.flush_all()
        cr = self.env.cr
        today = SQL(", ").join(SQL("(%s, %s::date)", company.id, company._collections_today()) for company in companies)
        cr.execute(SQL("DELETE FROM %s WHERE company_id = ANY(%s)", SQL.identifier(self._table), companies.ids))
        cr.execute(
            SQL(
                """INSERT INTO %(table)s (date, company_id, currency_id, user_id, collector_id, partner_id, policy_id,
                                          kind, outcome, contact_count, call_count, reached_count, promise_count,
                                          recovered_30, task_count, task_age, task_age_max)
                   %(contacts)s UNION ALL %(calls)s UNION ALL %(promises)s UNION ALL %(tasks)s""",
                table=SQL.identifier(self._table),
                contacts=self._contacts_query(companies),
                calls=self._calls_query(companies),
                promises=self._promises_query(companies),
                tasks=self._tasks_query(companies, today),
            )
        )
        self.invalidate_model()

    def _contacts_query(self, companies):
        return SQL(
            """SELECT date, company_id, currency_id, user_id, collector_id, partner_id, policy_id, 'contact', NULL,
                      1, 0, 0, 0, recovered_30, 0, NULL::int, NULL::int
                 FROM collections_report_recovery WHERE company_id = ANY(%s)""",
            companies.ids,
        )

    @staticmethod
    def _customer_join(partner_column, company_column):
        """Joins giving ``customer`` (the commercial partner), ``company`` and the customer's ``collector``."""
        return SQL(
            """JOIN res_company company ON company.id = %(company)s
               %(tz_join)s
               JOIN res_partner partner ON partner.id = %(partner)s
               JOIN res_partner customer ON customer.id = COALESCE(partner.commercial_partner_id, partner.id)
               CROSS JOIN LATERAL (
                   SELECT (customer.collections_responsible_id ->> company.id::text)::int AS id,
                          (customer.collections_policy_id ->> company.id::text)::int AS plan_id,
                          (customer.collections_level_id ->> company.id::text)::int AS level_id
               ) collector
               LEFT JOIN collections_level customer_level ON customer_level.id = collector.level_id""",
            company=company_column,
            partner=partner_column,
            tz_join=COMPANY_TZ_JOIN,
        )

    def _calls_query(self, companies):
        return SQL(
            """SELECT event.date, event.company_id, company.currency_id, event.user_id, collector.id, customer.id,
                      level.policy_id, 'call', event.outcome,
                      0, 1, CASE WHEN event.outcome IN %(reached)s THEN 1 ELSE 0 END, 0, 0, 0, NULL, NULL
                 FROM collections_event event
                 %(join)s
            LEFT JOIN collections_level level ON level.id = event.level_id
                WHERE event.company_id = ANY(%(companies)s) AND event.channel = 'call' AND event.outcome IS NOT NULL""",
            reached=tuple(sorted(REACHED_OUTCOMES)),
            join=self._customer_join(SQL("event.partner_id"), SQL("event.company_id")),
            companies=companies.ids,
        )

    def _promises_query(self, companies):
        return SQL(
            """SELECT %(made)s, promise.company_id, company.currency_id, promise.user_id,
                      collector.id, customer.id, COALESCE(collector.plan_id, customer_level.policy_id), 'promise',
                      NULL, 0, 0, 0, 1, 0, 0, NULL, NULL
                 FROM collections_promise promise
                 %(join)s
                WHERE promise.company_id = ANY(%(companies)s)""",
            made=company_day(SQL("promise.create_date")),
            join=self._customer_join(SQL("promise.partner_id"), SQL("promise.company_id")),
            companies=companies.ids,
        )

    def _tasks_query(self, companies, today):
        return SQL(
            """SELECT %(given)s, task.company_id, company.currency_id, task.user_id, collector.id,
                      customer.id, task.policy_id, 'task', NULL, 0, 0, 0, 0, 0, 1,
                      today.day - %(given)s, today.day - %(given)s
                 FROM (SELECT DISTINCT ON (activity.id) activity.id, activity.create_date, activity.user_id,
                              event.company_id, event.partner_id, level.policy_id
                         FROM collections_event event
                         JOIN mail_activity activity ON activity.id = event.activity_id
                    LEFT JOIN collections_level level ON level.id = event.level_id
                        WHERE event.company_id = ANY(%(companies)s) AND activity.active IS TRUE
                     ORDER BY activity.id, event.id DESC) task
                 JOIN (VALUES %(today)s) AS today(company_id, day) ON today.company_id = task.company_id
                 %(join)s""",
            companies=companies.ids,
            today=today,
            given=company_day(SQL("task.create_date")),
            join=self._customer_join(SQL("task.partner_id"), SQL("task.company_id")),
        )

    @api.model
    def _dashboard_figures(self, company, date_from, date_to):
        """Headline figures of the collectors' work in ``company`` from ``date_from`` to ``date_to``:

        ``calls`` (int: calls logged), ``calls_reached`` (int: of which reached the customer), ``contacts`` (int:
        contacts that went out), ``promises`` (int: promises to pay obtained), ``recovered_30`` (float, company
        currency: paid within 30 days of those contacts); and, whatever the period (as of the last refresh),
        ``open_tasks`` (int) and ``oldest_task_days`` (int or None: the age in days of the oldest open task).
        Read as the current user (a collector: their own customers).
        """
        base = [("company_id", "=", company.id)]
        [(calls, reached, contacts, promises, recovered)] = self._read_group(
            [*base, ("date", ">=", date_from), ("date", "<=", date_to)],
            aggregates=[
                "call_count:sum",
                "reached_count:sum",
                "contact_count:sum",
                "promise_count:sum",
                "recovered_30:sum",
            ],
        )
        [(tasks, oldest)] = self._read_group(
            [*base, ("kind", "=", "task")], aggregates=["task_count:sum", "task_age_max:max"]
        )
        return {
            "calls": calls or 0,
            "calls_reached": reached or 0,
            "contacts": contacts or 0,
            "promises": promises or 0,
            "recovered_30": float(recovered or 0.0),
            "open_tasks": tasks or 0,
            # No open task: the aggregate is empty (None or False), not zero days.
            "oldest_task_days": None if oldest is None or oldest is False else oldest,
        }
