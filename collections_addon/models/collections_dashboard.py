"""The Collections dashboard: the figures of every report at a glance, for the current company.

The reports (``collections.report.*``) each give their headline figures (``_dashboard_figures``), read as the
current user, so record rules apply: a collector sees the figures of their own customers, a manager those of the
company. This model only lays them out as cards (a title, a main figure, a few lines, optional bars) that the
client action ``collections_addon.dashboard`` draws; each card opens its report.

Stored reports are refreshed by the daily cron, or by a manager's *Refresh*, one company at a time.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_amount, format_date

from .collections_dashboard_cards import CARD_BUILDERS, DASHBOARD_PERIODS

# First key of the advisory lock a refresh of a company's reports holds (the second key is the company id): two
# refreshes at once would each delete the rows they see and insert their own, so a first refresh would count twice.
_REFRESH_LOCK_KEY = 4278

# The stored reports, in the order they are refreshed (the recovery first: the activity report reads it).
STORED_REPORTS = (
    "collections.report.recovery",
    "collections.report.aging",
    "collections.report.dso",
    "collections.report.forecast",
)


class CollectionsDashboard(models.AbstractModel):
    _name = "collections.dashboard"
    _description = "Collections Dashboard"

    @api.model
    def get_dashboard_data(self, period_days=30):
        """Everything the dashboard shows for the current company over the last ``period_days`` days."""
        if not self.env.user.has_group("collections_addon.group_collections_user"):
            raise AccessError(self.env._("Only collections users can open the Collections dashboard."))
        if period_days not in DASHBOARD_PERIODS:
            period_days = DASHBOARD_PERIODS[0]
        company = self.env.company
        today = company._collections_today()
        date_from = today - timedelta(days=period_days - 1)
        cards = []
        for key, model_name, action, builder in CARD_BUILDERS:
            if model_name not in self.env:
                continue
            figures = self.env[model_name]._dashboard_figures(company, date_from, today)
            card = builder(self.env, self._card_formatter(company), figures)
            cards.append(dict(card, key=key, action=action))
        refreshed_at = company.collections_reports_refreshed_at
        return {
            "company": company.name,
            "today": format_date(self.env, today),
            "date_from": format_date(self.env, date_from),
            "period_days": period_days,
            "periods": list(DASHBOARD_PERIODS),
            "refreshed_at": refreshed_at
            and fields.Datetime.context_timestamp(self.with_context(tz=company._collections_tz()), refreshed_at)
            .replace(tzinfo=None)
            .strftime("%Y-%m-%d %H:%M"),
            "can_refresh": self.env.user.has_group("collections_addon.group_collections_manager"),
            "cards": cards,
        }

    def _card_formatter(self, company):
        env = self.env

        def money(value):
            return format_amount(env, value or 0.0, company.currency_id)

        return money

    @api.model
    def action_refresh_reports(self):
        """*Refresh* (managers): the stored reports of the companies the manager works in, now."""
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise AccessError(self.env._("Only collections managers can refresh the reports."))
        busy = self._refresh_reports(self.env.companies)
        if busy:
            raise UserError(
                self.env._(
                    "The reports of %(companies)s are being computed right now (by the nightly job or another "
                    "manager): wait a minute, then open the dashboard again.",
                    companies=", ".join(busy.mapped("name")),
                )
            )
        return True

    @api.model
    def _cron_refresh_reports(self, commit=True):
        """Daily: the stored reports of every company not refreshed yet on its today, one company a transaction
        (the job may stop when its time is spent; called again, it goes on with the others). ``commit``: commit
        each company through ``ir.cron._commit_progress`` (tests pass False)."""
        companies = self.env["res.company"].search([]).filtered(lambda company: not self._refreshed_today(company))
        for done, company in enumerate(companies, start=1):
            # A company being refreshed by a manager right now is left to that refresh.
            self._refresh_reports(company)
            if commit and self.env["ir.cron"]._commit_progress(1, remaining=len(companies) - done) <= 0:
                break

    def _refreshed_today(self, company):
        refreshed_at = company.collections_reports_refreshed_at
        if not refreshed_at:
            return False
        local = fields.Datetime.context_timestamp(self.with_context(tz=company._collections_tz()), refreshed_at)
        return local.date() >= company._collections_today()

    def _refresh_reports(self, companies):
        """Recount the stored reports of ``companies``; returns the companies left alone because another
        transaction is refreshing them."""
        busy = companies.browse()
        for company in companies:
            # Transaction-level lock: released at the commit or rollback, never left held by a crash.
            if not self.env.execute_query(
                SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", _REFRESH_LOCK_KEY, company.id)
            )[0][0]:
                busy |= company
        todo = companies - busy
        if todo:
            for model_name in STORED_REPORTS:
                if model_name in self.env:
                    self.env[model_name]._refresh_report(todo)
            # sudo: the refresh stamp is bookkeeping of the reports, not a company setting the user edits.
            todo.sudo().write({"collections_reports_refreshed_at": fields.Datetime.now()})
        return busy
