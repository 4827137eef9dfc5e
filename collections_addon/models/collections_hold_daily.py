"""The holds' daily job: a hold past its end date ends by itself and the follow-up resumes; a person is asked to
review a hold on its end date, and an exclusion or pause without one every N days (Settings > Collections).

The dates are the engine's (``engine/holds.review_date``, ``expiring``), on the company's business days: a pause
ending on a Saturday is reviewed, and ended, on the Monday.
"""

import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..engine.bounds import HOLD_REVIEW_DAYS
from ..engine.holds import DEFAULT_HOLD_REVIEW_DAYS, REVIEWED_HOLD_KINDS, review_date

_logger = logging.getLogger(__name__)

# The holidays read around today: far enough for a review a year ahead and an end date set long ago.
_CALENDAR_BACK_DAYS = 400
_CALENDAR_AHEAD_DAYS = 800


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_hold_review_days = fields.Integer(
        string="Review holds without an end date every (days)",
        default=DEFAULT_HOLD_REVIEW_DAYS,
        help="An exclusion or a pause without an end date comes back to its collector as a review task every this "
        "many days, so that none is forgotten.",
    )

    @api.constrains("collections_hold_review_days")
    def _check_collections_hold_review_days(self):
        fix = self.env._("enter how many days pass between two reviews of a hold without an end date.")
        for company in self:
            company._collections_check_range(
                "collections_hold_review_days", company.collections_hold_review_days, HOLD_REVIEW_DAYS, fix
            )


class CollectionsHold(models.Model):
    _inherit = "collections.hold"

    @api.model
    def _hold_calendar(self, company, today):
        """The company's business calendar: the working days of its default plan (Monday to Friday when it has
        none) and its public holidays, as the follow-up reads them."""
        plan = self.env["collections.policy"].sudo()._default_for(company, True)
        return plan.calendar_id._collections_business_calendar(
            company, today - timedelta(days=_CALENDAR_BACK_DAYS), today + timedelta(days=_CALENDAR_AHEAD_DAYS)
        )

    def _schedule_reviews(self):
        """Set the next review date of these holds: the engine's, from their end date or the last review."""
        for company, holds in self.grouped("company_id").items():
            today = company._collections_today()
            calendar = self._hold_calendar(company, today)
            every = company.collections_hold_review_days or DEFAULT_HOLD_REVIEW_DAYS
            for hold in holds:
                day = False
                if hold.state == "active" and hold.kind in REVIEWED_HOLD_KINDS:
                    engine_hold = hold._engine_hold()
                    reviewed = hold.date_reviewed or None
                    day = review_date(engine_hold, every, calendar, reviewed=reviewed) or False
                    if day and engine_hold.until is not None and reviewed and reviewed >= day:
                        day = False  # its end date was reviewed already: it resumes by itself
                if hold.date_review != day:
                    hold.date_review = day

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_holds(self, commit=True):
        """Daily, on each company's business day: review tasks due, holds past their end date ended. A second
        run the same day does nothing. ``commit``: one company a transaction (tests pass False)."""
        companies = self.env["res.company"].search([])
        for done, company in enumerate(companies, start=1):
            try:
                with self.env.cr.savepoint():
                    self.with_company(company)._daily_holds(company)
            except Exception:
                _logger.exception("Collections: the daily holds job of %s failed", company.name)
            if commit and self.env["ir.cron"]._commit_progress(1, remaining=len(companies) - done) <= 0:
                break

    @api.model
    def _daily_holds(self, company):
        today = company._collections_today()
        calendar = self._hold_calendar(company, today)
        if not calendar.is_business_day(today):
            return
        # sudo: the job reviews every collector's holds, whoever it runs as.
        holds = self.sudo()
        reviewed = holds.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "active"),
                ("kind", "in", REVIEWED_HOLD_KINDS),
            ]
        )
        reviewed._schedule_reviews()
        due = reviewed.filtered(
            lambda hold: (
                hold.date_review
                and hold.date_review <= today
                and not (hold.review_activity_id and hold.review_activity_id.active)
            )
        )
        # sudo: the task goes to the collector, whoever runs the job.
        tasks = self.env["collections.batch"]._schedule_activities(
            [hold._review_task(today) for hold in due], sudo=True
        )
        for hold, task in zip(due, tasks, strict=True):
            hold.review_activity_id = task
        # The end date is included: the day after, the hold no longer applies. Holds of a record (a promise)
        # end with their record, whose own job follows it up.
        expired = holds.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "active"),
                ("date_end", "<", today),
                *[(name, "=", False) for name in ("promise_id", "dispute_id", "negotiation_id", "protest_id")],
            ]
        )
        for hold in expired:
            hold._end(
                self.env._("Ended on %(date)s", date=format_date(self.env, hold.date_end)),
                day=hold.date_end + timedelta(days=1),
            )
        if expired:
            self.env["collections.runner"]._refresh_partners(expired.partner_id, company)

    def _review_task(self, today):
        """The To-Do on the customer for its collector (else whoever put the hold), due on the review day:
        ``(customer, activity type xmlid, values)`` for ``collections.batch._schedule_activities``."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        user = partner.collections_responsible_id or self.user_id or self.env.user
        lang = user.lang or self.company_id.partner_id.lang
        hold = self.with_context(lang=lang)
        env = hold.env
        reason = hold.reason or dict(hold._fields["kind"]._description_selection(env))[hold.kind]
        if hold.date_end and hold.date_end < today:
            summary = env._("Hold ended: %(reason)s", reason=reason)
            note = env._("The follow-up resumes. Put the customer on hold again if it still needs to wait.")
        elif hold.date_end:
            summary = env._("Hold ends: %(reason)s", reason=reason)
            note = env._("The follow-up resumes after %(date)s.", date=format_date(env, hold.date_end))
        else:
            summary = env._("Review hold: %(reason)s", reason=reason)
            note = env._(
                "On hold since %(date)s. Lift it on the customer if it is no longer needed; marking this task done "
                "keeps it, and asks again in %(days)s days.",
                date=format_date(env, hold.date_start),
                days=hold.company_id.collections_hold_review_days,
            )
        return (
            partner,
            "mail.mail_activity_data_todo",
            {"date_deadline": self.date_review or today, "summary": summary, "note": note, "user_id": user.id},
        )

    def _mark_reviewed(self):
        """The review task is done: reviewed today, the next review follows (none for a hold with an end date)."""
        for hold in self:
            hold.write({"date_reviewed": hold.company_id._collections_today(), "review_activity_id": False})
        self.filtered(lambda hold: hold.state == "active")._schedule_reviews()
