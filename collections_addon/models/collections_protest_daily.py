"""Protests the follow-up proposes, and the daily job: the tasks of the last day to pay, an invoice paid
outside the notary, a missing release letter; a protested invoice paid since is settled."""

from odoo import api, models
from odoo.tools import format_date

from ..engine import deadline_reminder, release_letter_overdue
from ..engine.protest import DAILY_STATES, DEADLINE_STATES, WINDOW_STATES, auto_settlement_date


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"

    # ------------------------------------------------------------------
    # Proposals from the follow-up
    # ------------------------------------------------------------------

    @api.model
    def _propose_for_level(self, level, lines, responsible_of=None):
        """Draft protests of the receivables ``lines`` reached by ``level``, once each, for a manager to review.

        A receivable that ever had a protest (a discarded proposal included) is not proposed again.
        ``responsible_of`` maps line ids to the collector the run already knows.
        """
        responsible_of = responsible_of or {}
        if not lines:
            return self.browse()
        # sudo: the run proposes for every collector's customers, whoever runs it; see _eligibility_problems.
        known = set(self.sudo().search_fetch([("move_line_id", "in", lines.ids)], ["move_line_id"]).move_line_id.ids)
        candidates = lines.filtered(lambda line: line.id not in known)
        problems = self._eligibility_problems(candidates)
        eligible = candidates.filtered(lambda line: line.id not in problems)
        if not eligible:
            return self.browse()
        return (
            self.with_context(mail_create_nolog=True, tracking_disable=True)
            .sudo()
            .create(
                [
                    {
                        "move_line_id": line.id,
                        "proposed_level_id": level.id,
                        "user_id": responsible_of[line.id].id
                        if line.id in responsible_of
                        else self._default_responsible(line.move_id).id,
                    }
                    for line in eligible
                ]
            )
            .sudo(False)
        )

    # ------------------------------------------------------------------
    # Daily job
    # ------------------------------------------------------------------

    @api.model
    def _cron_protest_followup(self):
        """Tasks on the last day to pay, for invoices paid outside the notary and for missing release letters;
        protested invoices paid since are settled. Each protest is handled once per fact, so a second run adds
        nothing."""
        protests = self.search(
            [
                "|",
                ("state", "in", tuple(sorted(DAILY_STATES))),
                "&",
                ("state", "=", "settled"),
                ("release_letter_date", "=", False),
            ]
        )
        self.env["collections.batch"]._in_savepoints(protests, self._daily_checks, "the daily check of protests")

    @api.model
    def _daily_checks(self, protests):
        """The daily check of ``protests``; their tasks and notes created at the end, in bulk."""
        work = {"tasks": [], "notes": []}
        for protest in protests:
            lang = protest.user_id.lang or protest.company_id.partner_id.lang
            # The tasks are read by the responsible: in their language, not the job's.
            protest.with_context(lang=lang)._daily_check(work)
        Batch = self.env["collections.batch"]
        Batch._schedule_activities(work["tasks"])
        Batch._log_notes(work["notes"])

    def _daily_check(self, work):
        """The day's facts of this protest; its tasks and notes go to ``work`` ({"tasks": [], "notes": []})."""
        self.ensure_one()
        today = self.company_id._collections_today()
        paid = self._is_paid()
        # In this order: a protest settled by the check is then looked at for its release letter.
        self._daily_remind_paid_outside(paid, today, work)
        self._daily_remind_deadline(today, work)
        self._daily_settle_if_paid(paid, today, work)
        self._daily_remind_release_letter(today, work)

    def _daily_remind_paid_outside(self, paid, today, work):
        if self.state in WINDOW_STATES and paid and not self.paid_reminder_done:
            self._remind(
                work,
                self.env._(
                    "%(invoice)s is paid: withdraw protest %(protest)s",
                    invoice=self.title_number or self.move_id.name,
                    protest=self.name,
                ),
                self.env._(
                    "The invoice was paid outside the notary. Withdraw the protest before the notary closes on "
                    "%(deadline)s, or the customer is protested for a paid debt.",
                    deadline=format_date(self.env, self.deadline_date) if self.deadline_date else "-",
                ),
                self.deadline_date or today,
            )
            self._internal_write({"paid_reminder_done": True})

    def _daily_remind_deadline(self, today, work):
        if self.state not in DEADLINE_STATES:
            return
        reminder = deadline_reminder(self.deadline_date or None, today, self.deadline_reminder_date or None)
        if reminder == "last_day":
            self._remind(
                work,
                self.env._("Last day to pay at the notary: %(protest)s", protest=self.name),
                self.env._("The debtor may pay until the notary closes today; a withdrawal is possible until then."),
                today,
            )
        elif reminder == "outcome":
            self._remind(
                work,
                self.env._("Protest %(protest)s: record the notary's outcome", protest=self.name),
                self.env._(
                    "The last day to pay was %(deadline)s: record whether the debtor paid at the notary or the "
                    "protest was registered.",
                    deadline=format_date(self.env, self.deadline_date),
                ),
                today,
            )
        if reminder:
            self._internal_write({"deadline_reminder_date": today})

    def _daily_settle_if_paid(self, paid, today, work):
        if self.state == "protested" and paid:
            self._do_step("settle", auto_settlement_date(self._last_payment_date(), self.protest_date or None, today))
            work["notes"].append((self, self.env._("The invoice is paid: protest settled by the daily check.")))

    def _daily_remind_release_letter(self, today, work):
        if self.state != "settled" or self.release_reminder_done:
            return
        days = self.company_id.collections_release_letter_days
        if release_letter_overdue(self.settlement_date, bool(self.release_letter_date), days, today):
            self._remind(
                work,
                self.env._("Issue the release letter of %(protest)s", protest=self.name),
                self.env._(
                    "The debt was settled on %(date)s: the customer needs the release letter to cancel the "
                    "protest at the notary.",
                    date=format_date(self.env, self.settlement_date),
                ),
                today,
            )
            self._internal_write({"release_reminder_done": True})

    def _own_tasks(self):
        protest_type = self.env.ref("collections_addon.mail_activity_type_protest")
        return self.activity_ids.filtered(lambda activity: activity.activity_type_id == protest_type)

    def _remind(self, work, summary, note, deadline):
        """A protest task for the responsible, created with the batch's others (``work``)."""
        values = {"date_deadline": deadline, "summary": summary, "note": note, "user_id": self._reminder_user().id}
        work["tasks"].append((self, "collections_addon.mail_activity_type_protest", values))

    def _reminder_user(self):
        """The responsible, else a collections manager of the company: never the job's own user."""
        if self.user_id.active:
            return self.user_id
        managers = self.env.ref("collections_addon.group_collections_manager").sudo().user_ids
        manager = managers.filtered(
            lambda user: (
                user.active and not user.share and not user._is_superuser() and self.company_id in user.company_ids
            )
        )[:1]
        return manager or self.env.user
