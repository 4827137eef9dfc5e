"""The follow-up run: gather in bulk, decide in the engine, act in batches.

Idempotency rests on three things: a contact is a ``collections.event`` whose
unique key (customer, level, channel, day) forbids a second one; invoice levels
and the customer's state move only once every channel of the step is queued;
and batches are committed one by one, so a crash loses at most the batch in
flight, which the next run redoes.
"""

import base64
import dataclasses
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import SQL, email_normalize, format_date, formatLang

from ..engine import (
    CONTACT_CHANNELS,
    BusinessCalendar,
    ContactRules,
    OpenItem,
    PartnerSituation,
    decide_partner,
    is_excluded,
    split_by_due,
)

_logger = logging.getLogger(__name__)

# Holidays are loaded for this window around today: next dates can reach a year ahead.
_CALENDAR_PAST_DAYS = 60
_CALENDAR_FUTURE_DAYS = 400
# First key of the advisory lock that serialises full runs of a company (the second key is the company id).
_RUN_LOCK_KEY = 4277


@dataclass
class _Progress:
    remaining: int


@dataclass
class RunResult:
    busy: bool = False  # another full run of the company held the lock: the run stopped there
    out_of_time: bool = False  # the cron's time budget was spent: the next call goes on
    contacted: int = 0
    skipped: int = 0
    failed: int = 0
    reasons: dict = field(default_factory=dict)
    decisions: list = field(default_factory=list)


@dataclass
class _PolicyContext:
    policy: object
    levels: list
    rules: ContactRules


class CollectionsRunner(models.AbstractModel):
    _name = "collections.runner"
    _description = "Collections Follow-up Run"

    _batch_size = 200

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------

    @api.model
    def _cron_followup(self):
        """The daily job: resumable within the day, as ir.cron calls it again while work remains.

        Each call reviews the customers not reviewed yet today, in every company, and returns as
        soon as the job's time budget is spent; ``remaining`` is counted over all companies.
        """
        self.env["collections.event"]._cron_sync_mail_states()
        pending = {}
        for company in self.env["res.company"].search([]):
            partner_ids = self.with_company(company)._partners_to_review(company, pending_only=True)
            if partner_ids:
                pending[company] = partner_ids
        progress = _Progress(remaining=sum(len(partner_ids) for partner_ids in pending.values()))
        for company, partner_ids in pending.items():
            try:
                result = self.with_company(company)._run(
                    company,
                    self.env["res.partner"].browse(partner_ids),
                    commit=True,
                    exclusive=True,
                    progress=progress,
                )
            except Exception:
                # One company's broken configuration must not stop the follow-up of the others.
                _logger.exception("Collections: the follow-up run of %s failed", company.name)
                self.env.cr.rollback()
                continue
            if result.out_of_time or result.busy:
                return

    @api.model
    def _run(
        self,
        company,
        partners=None,
        *,
        manual=False,
        commit=False,
        dry_run=False,
        batch_size=None,
        exclusive=None,
        progress=None,
        email_overrides=None,
    ):
        """Follow up ``partners`` (default: every customer with open receivables) of ``company``.

        ``manual`` acts even on steps that are not automatic and ignores the
        contact gap and the calendar (a collector decided to contact now);
        ``dry_run`` only decides and returns the decisions; ``commit`` commits
        each batch through ``ir.cron._commit_progress`` and stops when the job's
        time is spent. ``exclusive`` (default: a full run) holds the company's
        run lock during each batch, so that two full runs never work at once.
        ``email_overrides`` ({customer id: {"subject", "body_html"}}) replaces the rendered
        e-mail of a customer by what a collector edited before sending.
        """
        self = self.with_company(company)  # noqa: PLW0642 -- company-dependent fields must read this company
        exclusive = (partners is None) if exclusive is None else exclusive
        today = self._today(company)
        partner_ids = partners.ids if partners is not None else self._partners_to_review(company)
        progress = progress or _Progress(remaining=len(partner_ids))
        result = RunResult()
        policies = self._policy_contexts(company, today, manual)
        batch_size = batch_size or self._batch_size
        for start in range(0, len(partner_ids), batch_size):
            if exclusive and not dry_run and not self._try_lock_company(company):
                _logger.info("Collections: a follow-up run for %s is already in progress", company.name)
                result.busy = True
                break
            batch = self.env["res.partner"].browse(partner_ids[start : start + batch_size])
            decisions = self._decide_batch(company, batch, today, policies, manual)
            result.decisions.extend(decisions)
            if not dry_run:
                self._act_batch(company, batch, today, decisions, policies, manual, result, email_overrides)
            progress.remaining = max(progress.remaining - len(batch), 0)
            if commit and self.env["ir.cron"]._commit_progress(len(batch), remaining=progress.remaining) <= 0:
                result.out_of_time = start + len(batch) < len(partner_ids) or bool(progress.remaining)
                break
        held_back = Counter()
        for decision in result.decisions:
            engine = decision.engine
            if engine.action != "contact" and engine.reason != "no_open_items":
                result.reasons.setdefault(engine.partner_id, self._reason_label(engine.reason))
                if engine.action == "skip":
                    held_back[engine.reason] += 1
                    _logger.debug("Collections: customer %s held back: %s", engine.partner_id, engine.reason)
        _logger.info(
            "Collections %s for %s: %s customer(s) reviewed, %s contacted, %s failed, held back: %s",
            "preview" if dry_run else "run",
            company.name,
            len(result.decisions),
            result.contacted,
            result.failed,
            dict(held_back) or "none",
        )
        return result

    @api.model
    def _flag_undelivered(self, events):
        """A reminder that was queued but never delivered goes back to the collector.

        The invoices already count the step as received: the worklist and a task make sure
        a person follows it up instead of the step being silently lost.
        """
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        activity_vals = []
        for event in events:
            partner = event.partner_id.with_company(event.company_id).with_context(collections_no_refresh=True)
            # sudo: the mail queue's user updates the follow-up bookkeeping of the customer.
            partner.sudo().write(
                {
                    "collections_status": "to_contact",
                    "collections_due_level_id": event.level_id.id,
                    "collections_next_date": self._today(event.company_id),
                }
            )
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": event.partner_id.id,
                    "activity_type_id": todo_type.id,
                    "summary": self._undelivered_summary(event.channel),
                    "note": Markup("<p>%s</p>") % (event.error or ""),
                    "user_id": event.user_id.id or self.env.user.id,
                    "date_deadline": self._today(event.company_id),
                }
            )
        # sudo: the task goes to the customer's collector, who is not the user sending the mail queue.
        activities = self.env["mail.activity"].sudo().create(activity_vals)
        # The event keeps its task: while it is open, the customer stays on the worklist with the reason.
        for event, activity in zip(events, activities, strict=True):
            event.sudo().activity_id = activity

    def _undelivered_summary(self, channel):
        return {
            "email": self.env._("Reminder e-mail not delivered"),
            "sms": self.env._("Reminder SMS not delivered"),
            "whatsapp": self.env._("WhatsApp reminder not delivered"),
        }.get(channel, self.env._("Reminder not delivered"))

    def _try_lock_company(self, company):
        # Transaction-level: released by each batch's commit or rollback, so a crash can never leave it held.
        query = SQL("SELECT pg_try_advisory_xact_lock(%s, %s)", _RUN_LOCK_KEY, company.id)
        return self.env.execute_query(query)[0][0]

    @api.model
    def _refresh_company(self, company_id):
        """Status and next date of every customer of the company, contacting no one."""
        company = self.env["res.company"].browse(company_id)
        partners = self.env["res.partner"].browse(self.with_company(company)._partners_to_review(company))
        return self._refresh_partners(partners, company)

    @api.model
    def _refresh_for(self, records):
        """Refresh the status of the customers of ``records`` (promises, disputes, agreements, protests).

        A step of one of them changes what the customer's status says (promised, in agreement, at the
        notary...): the screens show it at once, not after the next daily run.
        """
        by_company = defaultdict(lambda: self.env["res.partner"])
        for record in records:
            by_company[record.company_id] |= record.partner_id.commercial_partner_id
        for company, partners in by_company.items():
            # sudo: the status is the follow-up's own bookkeeping, whoever took the step (a portal customer too).
            self.sudo()._refresh_partners(partners, company)

    @api.model
    def _refresh_partners(self, partners, company):
        """Recompute status and next date of ``partners`` without contacting anyone."""
        runner = self.with_company(company)
        today = runner._today(company)
        policies = runner._policy_contexts(company, today, manual=False)
        decisions = runner._decide_batch(company, partners, today, policies, manual=False)
        runner._write_partner_states(company, partners, decisions, executed=set(), attempted=set(), from_run=False)
        return decisions

    # ------------------------------------------------------------------
    # Gather
    # ------------------------------------------------------------------

    @api.model
    def _today(self, company):
        return company._collections_today()

    @api.model
    def _company_tz(self, company):
        return company._collections_tz()

    @api.model
    def _partners_to_review(self, company, pending_only=False):
        """Customers with open receivables, plus those whose status must go back to 'up to date'.

        ``pending_only`` leaves out those the run already reviewed today (the cron resumes).
        """
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT line.partner_id
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.company_id = %(company)s
                   AND line.partner_id IS NOT NULL
                   AND account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND NOT line.reconciled
                   AND line.amount_residual != 0
                """,
                company=company.id,
            )
        )
        partner_ids = {row[0] for row in rows}
        stale = (
            self.env["res.partner"]
            .with_company(company)
            .search([("collections_status", "not in", [False, "ok"]), ("id", "not in", list(partner_ids))])
        )
        partner_ids = sorted(partner_ids | set(stale.ids))
        if pending_only and partner_ids:
            today = self._today(company)
            reviewed = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM res_partner
                     WHERE id = ANY(%(ids)s) AND collections_review_date->>%(key)s = %(today)s
                    """,
                    ids=partner_ids,
                    key=str(company.id),
                    today=str(today),
                )
            )
            done = {row[0] for row in reviewed}
            partner_ids = [partner_id for partner_id in partner_ids if partner_id not in done]
        return partner_ids

    @api.model
    def _policy_contexts(self, company, today, manual):
        policies = self.env["collections.policy"].search([("company_id", "=", company.id)])
        contexts = {}
        for policy in policies:
            rules = policy._engine_rules(
                today - timedelta(days=_CALENDAR_PAST_DAYS), today + timedelta(days=_CALENDAR_FUTURE_DAYS)
            )
            if manual:
                rules = ContactRules.unrestricted()
            contexts[policy.id] = _PolicyContext(policy, policy._engine_levels(), rules)
        return contexts

    @api.model
    def _open_items(self, company, partners):
        """Open receivable lines of ``partners`` in ``company``, one query for the whole batch."""
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "company_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "amount_residual_currency",
                "date_maturity",
                "currency_id",
                "no_followup",
                "collections_level_id",
                "move_id",
                "account_id",
            ]
        )
        self.env["collections.level"].flush_model(["days"])
        # Titles at the notary, agreements under way, open disputes and promises keep their invoices out of
        # the follow-up; the first that applies (the engine's HOLD_CODES order) says why.
        self.env["collections.dispute"].flush_model(["state", "move_ids"])
        self.env["collections.promise"].flush_model(["state", "pause_until", "move_ids"])
        self.env["collections.protest"].flush_model(["state", "move_line_id"])
        Negotiation = self.env["collections.negotiation"]
        Negotiation.flush_model(["state", "move_ids"])
        agreement_moves = Negotiation._fields["move_ids"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.partner_id, line.id, line.move_id,
                       COALESCE(line.date_maturity, move.invoice_date_due, line.date),
                       line.currency_id, line.amount_residual_currency, line.amount_residual,
                       CASE
                           -- At the notary the notary's notice does the talking: no reminders beside it.
                           WHEN EXISTS (
                               SELECT 1
                                 FROM collections_protest protest
                                WHERE protest.move_line_id = line.id
                                  AND protest.state IN ('sent', 'protocolled', 'notified', 'suspended')
                           ) THEN 'notary'
                           -- Proposed or waiting for approval: the customer is answering an offer.
                           WHEN EXISTS (
                               SELECT 1
                                 FROM %(agreement_rel)s rel
                                 JOIN collections_negotiation agreement ON agreement.id = rel.%(agreement_col)s
                                WHERE rel.%(agreement_move_col)s = line.move_id
                                  AND agreement.state IN ('proposed', 'to_approve', 'accepted')
                           ) THEN 'agreement'
                           WHEN EXISTS (
                               SELECT 1
                                 FROM collections_dispute_move_rel rel
                                 JOIN collections_dispute dispute ON dispute.id = rel.dispute_id
                                WHERE rel.move_id = line.move_id AND dispute.state = 'open'
                           ) THEN 'dispute'
                           WHEN EXISTS (
                               SELECT 1
                                 FROM collections_promise_move_rel rel
                                 JOIN collections_promise promise ON promise.id = rel.promise_id
                                WHERE rel.move_id = line.move_id AND promise.state = 'open'
                                  AND promise.pause_until >= %(today)s
                           ) THEN 'promise'
                           WHEN line.no_followup THEN 'no_followup'
                       END,
                       level.days
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
             LEFT JOIN collections_level level ON level.id = line.collections_level_id
                 WHERE line.company_id = %(company)s
                   AND line.partner_id = ANY(%(partners)s)
                   AND account.account_type = 'asset_receivable'
                   AND line.parent_state = 'posted'
                   AND NOT line.reconciled
                   AND line.amount_residual != 0
                 ORDER BY line.partner_id, 4, line.id
                """,
                company=company.id,
                partners=partners.ids,
                today=self._today(company),
                agreement_rel=SQL.identifier(agreement_moves.relation),
                agreement_col=SQL.identifier(agreement_moves.column1),
                agreement_move_col=SQL.identifier(agreement_moves.column2),
            )
        )
        items = defaultdict(list)
        for partner_id, line_id, move_id, due, currency_id, residual, residual_company, hold, days in rows:
            items[partner_id].append(
                OpenItem(
                    move_id=move_id,
                    line_id=line_id,
                    due_date=due,
                    currency=currency_id,
                    residual=residual,
                    residual_company=residual_company,
                    reached_days=days,
                    excluded=hold is not None,
                    hold=hold,
                )
            )
        return items

    @api.model
    def _last_contacts(self, company, partners):
        """The day of each customer's last contact, leaving out the step still in progress.

        A step that went out on one channel and failed on another is retried as soon as the
        contact point is fixed: its own e-mail must not hold the retry back for the gap.
        """
        # Due but not reached: the step was attempted and a channel is still missing.
        in_progress = {
            partner.id: partner.collections_due_level_id.id
            for partner in partners
            if partner.collections_due_level_id != partner.collections_level_id
        }
        last = {}
        for partner, level, day in self.env["collections.event"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("state", "not in", ("failed", "cancelled")),
                # A task given to the collector, or a broken promise, is not a contact with the customer.
                ("channel", "in", CONTACT_CHANNELS),
            ],
            ["partner_id", "level_id"],
            ["date:max"],
        ):
            if level.id and level.id == in_progress.get(partner.id):
                continue
            last[partner.id] = max(day, last.get(partner.id, day))
        return last

    @api.model
    def _work_in_progress(self, company, partners):
        """Customers with an agreement under way, and the open tasks of each customer (engine TASK_CODES).

        An open task is a contact event whose task is still open (a call to make, a failed reminder to
        fix, a broken promise to follow up, a manual step), or a planned call: the worklist shows them.
        """
        agreements = {
            partner.id
            for [partner] in self.env["collections.negotiation"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "in", ("proposed", "to_approve", "accepted", "active")),
                ],
                ["partner_id"],
            )
        }
        open_tasks = defaultdict(set)
        # sudo: the job may run as a user whose rules hide other collectors' tasks; only their kind is read.
        for partner, channel, state in (
            self.env["collections.event"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    "|",
                    ("activity_id.active", "=", True),
                    "&",
                    ("channel", "=", "call"),
                    ("state", "=", "queued"),
                ],
                ["partner_id", "channel", "state"],
            )
        ):
            open_tasks[partner.id].add(self._task_code(channel, state))
        return agreements, open_tasks

    @staticmethod
    def _task_code(channel, state):
        if channel == "call" and state == "queued":
            return "call"
        if channel == "promise":
            return "broken_promise"
        if channel == "task":
            return "manual_step"
        return "failed_contact"

    @api.model
    def _email_recipients(self, partners):
        """Who receives the e-mail of each customer: its invoice contacts with an address, else itself."""
        invoice_contacts = defaultdict(lambda: self.env["res.partner"])
        for contact in self.env["res.partner"].search_fetch(
            [("parent_id", "in", partners.ids), ("type", "=", "invoice"), ("email", "!=", False)],
            ["parent_id", "email", "email_normalized"],
        ):
            invoice_contacts[contact.parent_id.id] |= contact
        return {
            partner.id: invoice_contacts[partner.id] or (partner if partner.email_normalized else partner.browse())
            for partner in partners
        }

    @api.model
    def _blacklisted(self, recipients_by_partner):
        emails = {contact.email_normalized for contacts in recipients_by_partner.values() for contact in contacts} - {
            False
        }
        if not emails:
            return set()
        blacklist = self.env["mail.blacklist"].sudo().search_fetch([("email", "in", list(emails))], ["email"])
        return {email_normalize(entry.email) for entry in blacklist}

    # ------------------------------------------------------------------
    # Decide
    # ------------------------------------------------------------------

    @api.model
    def _decide_batch(self, company, partners, today, policies, manual):
        partners = partners.with_company(company)
        partners.fetch(
            [
                "is_company",
                "email",
                "email_normalized",
                "collections_policy_id",
                "collections_paused_until",
                "collections_excluded",
                "collections_excluded_until",
                "lang",
                "collections_responsible_id",
                "collections_level_id",
                "collections_last_date",
                "collections_review_date",
                "collections_due_level_id",
                "phone_sanitized",
                "phone_sanitized_blacklisted",
                "collections_phone_invalid",
            ]
        )
        items = self._open_items(company, partners)
        agreements, open_tasks = self._work_in_progress(company, partners)
        last_contacts = self._last_contacts(company, partners)
        recipients = self._email_recipients(partners)
        blacklisted = self._blacklisted(recipients)
        default_policy = {}
        digits = {currency.id: currency.decimal_places for currency in self.env["res.currency"].search([])}
        decisions = []
        for partner in partners:
            policy = partner.collections_policy_id
            if not policy:
                key = bool(partner.is_company)
                if key not in default_policy:
                    default_policy[key] = self.env["collections.policy"]._default_for(company, partner.is_company)
                policy = default_policy[key]
            context = policies.get(policy.id)
            excluded = is_excluded(today, partner.collections_excluded, partner.collections_excluded_until or None)
            contact_points = set()
            reachable = recipients[partner.id].filtered(lambda contact: contact.email_normalized not in blacklisted)
            if reachable:
                contact_points.add("email")
            contact_points.add("letter")
            if (
                partner.phone_sanitized
                and not partner.phone_sanitized_blacklisted
                and not partner.collections_phone_invalid
            ):
                contact_points.update(("sms", "whatsapp"))
            situation = PartnerSituation(
                partner_id=partner.id,
                excluded=bool(excluded),
                paused_until=partner.collections_paused_until or None,
                last_contact=last_contacts.get(partner.id),
                contact_points=frozenset(contact_points),
                agreement_running=partner.id in agreements,
                open_tasks=frozenset(open_tasks.get(partner.id, ())),
            )
            decision = decide_partner(
                today=today,
                levels=context.levels if context else [],
                items=items.get(partner.id, []),
                situation=situation,
                rules=context.rules if context else None,
                currency_digits=digits,
                company_digits=company.currency_id.decimal_places,
            )
            if context is None and decision.action == "none" and decision.reason == "nothing_due":
                # Archived plan, a plan of another company, or no default plan for this kind of customer.
                decision = dataclasses.replace(decision, reason="no_policy")
            decisions.append(
                _Decision(
                    engine=decision,
                    partner=partner,
                    policy=policy,
                    lines=items.get(partner.id, []),
                    recipients=reachable,
                    blacklisted=recipients[partner.id] - reachable,
                    engine_calendar=context.rules.calendar if context else BusinessCalendar(),
                )
            )
        return decisions

    def _reason_label(self, reason):
        labels = {
            "due": self.env._("a follow-up step is due"),
            "nothing_due": self.env._("no invoice reached a new follow-up level"),
            "no_open_items": self.env._("no open receivable"),
            "excluded": self.env._("the customer is excluded from follow-up"),
            "paused": self.env._("the follow-up is paused"),
            "not_business_day": self.env._("today is not a business day of the plan's calendar"),
            "contact_gap": self.env._("the customer was contacted too recently (minimum gap between contacts)"),
            "below_minimum": self.env._("the overdue amount is under the level's minimum amount"),
            "covered_by_credit": self.env._("open credit notes or payments cover what would be claimed"),
            "no_policy": self.env._("no collections plan applies to this customer"),
        }
        return labels.get(reason, reason)

    # ------------------------------------------------------------------
    # Act
    # ------------------------------------------------------------------

    @api.model
    def _act_batch(self, company, partners, today, decisions, policies, manual, result, email_overrides=None):
        to_act = [
            decision
            for decision in decisions
            if decision.engine.action == "contact" and (manual or decision.engine.auto_execute)
        ]
        executed = set()
        if to_act:
            try:
                with self.env.cr.savepoint():
                    executed = self._execute(company, today, to_act, email_overrides)
            except Exception:
                _logger.warning("Collections: batch failed, retrying customer by customer", exc_info=True)
                self.env.invalidate_all()
                executed = set()
                for decision in to_act:
                    try:
                        with self.env.cr.savepoint():
                            executed |= self._execute(company, today, [decision], email_overrides)
                    except Exception as error:
                        self.env.invalidate_all()
                        _logger.exception("Collections: follow-up of customer %s failed", decision.partner.id)
                        result.failed += 1
                        result.reasons[decision.partner.id] = str(error)
                        self._log_failure(company, today, decision, error)
        result.contacted += len(executed)
        result.skipped += sum(1 for decision in decisions if decision.engine.action == "skip")
        waiting = [decision for decision in decisions if decision.engine.action == "contact" and decision not in to_act]
        self._schedule_manual_steps(company, today, waiting)
        self._propose_protests(decisions)
        attempted = {decision.partner.id for decision in to_act}
        self._write_partner_states(company, partners, decisions, executed, attempted)

    def _schedule_manual_steps(self, company, today, decisions):
        """A step the collector does by hand gets a task once, when the customer first reaches it.

        The history records it as a 'task' event (queued until the collector does the step):
        a negotiation or protest step has no channel, and would otherwise leave no trace.
        """
        new = [
            decision for decision in decisions if decision.partner.collections_level_id.id != decision.engine.level.id
        ]
        if not new:
            return
        # A task already given for this step (e.g. a second run after the level was reset) is not given twice.
        given = self._task_events(company, today, new)
        new = [decision for decision in new if (decision.partner.id, decision.engine.level.id) not in given]
        if not new:
            return
        model_id = self.env["ir.model"]._get_id("res.partner")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        # A task names its customer: read every name in one go, not once per task.
        self.env["res.partner"].sudo().browse([decision.partner.id for decision in new]).mapped("display_name")
        # sudo: the task goes to the customer's collector, who may not be the user running the job.
        activities = (
            self.env["mail.activity"]
            .sudo()
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": decision.partner.id,
                        "activity_type_id": todo_type.id,
                        "summary": self.env._(
                            "Collections step due: %(level)s",
                            level=self.env["collections.level"].browse(decision.engine.level.id).name,
                        ),
                        "note": self._manual_step_note(decision),
                        "user_id": self._collector(decision).id,
                        "date_deadline": today,
                    }
                    for decision in new
                ]
            )
        )
        self._upsert_events(
            company,
            today,
            [
                self._event_vals(decision, "task", state="queued", activity_id=activity.id)
                for decision, activity in zip(new, activities, strict=True)
            ],
        )

    def _task_events(self, company, today, decisions):
        """{(partner id, level id): event} of the tasks given for these steps: still open, or given today."""
        # sudo: the event log is written by the follow-up only; collectors run it with 'Send now'.
        events = (
            self.env["collections.event"]
            .sudo()
            .search_fetch(
                [
                    ("company_id", "=", company.id),
                    ("channel", "=", "task"),
                    ("partner_id", "in", [decision.partner.id for decision in decisions]),
                    ("level_id", "in", list({decision.engine.level.id for decision in decisions})),
                    "|",
                    ("state", "=", "queued"),
                    ("date", "=", today),
                ],
                ["partner_id", "level_id", "state"],
            )
        )
        return {(event.partner_id.id, event.level_id.id): event for event in events}

    def _record_steps_done(self, company, today, decisions):
        """The collector did the step by hand ('Send now'): its task event is done; a step without a
        channel that had no task gets one, so that the history shows every step."""
        given = self._task_events(company, today, decisions)
        done = self.env["collections.event"].sudo()
        to_create = []
        for decision in decisions:
            event = given.get((decision.partner.id, decision.engine.level.id))
            if event:
                done |= event
            elif not decision.engine.channels:
                to_create.append(self._event_vals(decision, "task", state="sent"))
        done.filtered(lambda event: event.state == "queued").write({"state": "sent"})
        self._upsert_events(company, today, to_create)

    def _propose_protests(self, decisions):
        """Receivables that reach a step escalating to a protest get a draft protest for a manager to review."""
        lines_by_level = defaultdict(set)
        responsible_of = {}
        for decision in decisions:
            level = decision.engine.level
            if decision.engine.action != "contact" or not level:
                continue
            # Each receivable is a title of its own: an instalment reaches the level on its own due date.
            line_ids = {
                item.line_id for item in decision.lines if decision.engine.item_levels.get(item.key) == level.id
            }
            lines_by_level[level.id].update(line_ids)
            # The customer's collector, else the plan's: never the user the job runs as.
            collector = decision.partner.collections_responsible_id or decision.policy.responsible_id
            responsible_of.update(dict.fromkeys(line_ids, collector))
        levels = (
            self.env["collections.level"]
            .browse(list(lines_by_level))
            .filtered(lambda level: level.escalation == "protest")
        )
        for level in levels:
            try:
                with self.env.cr.savepoint():
                    self.env["collections.protest"]._propose_for_level(
                        level, self.env["account.move.line"].browse(sorted(lines_by_level[level.id])), responsible_of
                    )
            except Exception:
                # A proposal is a convenience: the follow-up itself must go on.
                _logger.exception("Collections: proposing protests for level %s failed", level.id)

    def _manual_step_note(self, decision):
        level = self.env["collections.level"].browse(decision.engine.level.id)
        escalation = dict(level._fields["escalation"]._description_selection(self.env)).get(level.escalation)
        lines = [self.env._("The customer reached the step '%(level)s'.", level=level.name)]
        if level.escalation != "none":
            lines.append(self.env._("Proposed escalation: %(escalation)s.", escalation=escalation))
        if level.escalation == "negotiation":
            lines.append(self.env._("Use 'Propose agreement' on the customer to offer instalments or a discount."))
        if level.escalation == "protest":
            lines.append(
                self.env._(
                    "The overdue invoices that can be protested are proposed under Collections > Notary Protests "
                    "for a manager to review."
                )
            )
        lines.append(self.env._("Use 'Send reminder now' on the customer once you have decided."))
        return Markup("<br/>").join(lines)

    def _log_failure(self, company, today, decision, error):
        """Record the failure on the customer's history; never let the record itself break the run."""
        try:
            with self.env.cr.savepoint():
                self._log_failure_events(company, today, decision, error)
        except Exception:
            _logger.exception("Collections: could not record the failure of customer %s", decision.partner.id)

    def _log_failure_events(self, company, today, decision, error):
        done = self._existing_events(company, [decision])
        message = self.env._("The follow-up could not be prepared: %(error)s", error=error)
        self._upsert_events(
            company,
            today,
            [
                self._event_vals(decision, channel, state="failed", error=message)
                for channel in decision.engine.channels
                if not self._step_done(done, decision, channel)
            ],
        )

    def _execute(self, company, today, decisions, email_overrides=None):
        """Queue every channel of each decision; returns the ids of customers whose step is complete."""
        existing = self._existing_events(company, decisions)
        Channel = self.env["collections.channel"]
        event_vals = []
        by_channel = defaultdict(list)
        complete = set()
        for decision in decisions:
            engine = decision.engine
            failed = False
            for channel in engine.channels:
                if self._step_done(existing, decision, channel):
                    continue
                problem = self._channel_problem(company, decision, channel)
                if problem:
                    failed = True
                    event_vals.append(self._event_vals(decision, channel, **problem))
                elif channel == "letter":
                    event_vals.append(self._event_vals(decision, channel, state="queued"))
                else:
                    by_channel[channel].append(decision)
            if not failed:
                complete.add(decision.partner.id)
        event_vals.extend(self._queue_emails(company, by_channel["email"], email_overrides))
        event_vals.extend(Channel._queue_sms(company, by_channel["sms"], self._event_vals))
        event_vals.extend(Channel._queue_whatsapp(company, by_channel["whatsapp"], self._event_vals))
        event_vals.extend(Channel._plan_calls(company, by_channel["call"], self._event_vals))
        self._schedule_tasks(today, event_vals, decisions)
        events = self._upsert_events(company, today, event_vals)
        whatsapp = events.filtered(lambda event: event.channel == "whatsapp")
        if whatsapp:
            Channel._after_whatsapp_queued(whatsapp)
            # A message that cannot even be queued (no number, opted out, no settings) falls back at once.
            self.env["collections.whatsapp"]._fall_back(
                whatsapp.filtered(lambda event: event.state in ("failed", "cancelled"))
            )
        if complete:
            completed = [d for d in decisions if d.partner.id in complete]
            self._advance_levels(company, today, completed)
            self._record_steps_done(company, today, completed)
        return complete

    def _channel_problem(self, company, decision, channel):
        """Event values of a channel that cannot go out for this customer, or None."""
        if channel == "email":
            return None if decision.recipients else self._email_problem(decision)
        if channel in ("sms", "whatsapp"):
            return self.env["collections.channel"]._phone_problem(company, decision, channel)
        if channel == "call":
            return self.env["collections.channel"]._call_problem(company, decision)
        return None

    def _event_vals(self, decision, channel, **values):
        """Values of the event recording one channel of a decision's step."""
        engine = decision.engine
        return {
            "partner_id": decision.partner.id,
            "level_id": engine.level.id,
            "channel": channel,
            "move_ids": [Command.set(list(engine.move_ids))],
            "amount_due": engine.claimed_company,
            "user_id": self._collector(decision).id,
            **values,
        }

    def _existing_events(self, company, decisions):
        """The invoices already covered by each earlier contact at these levels (any day).

        A retry of a step that partly failed must not repeat the channels that went out.
        """
        events = self.env["collections.event"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", [decision.partner.id for decision in decisions]),
                ("level_id", "in", list({decision.engine.level.id for decision in decisions})),
                ("state", "not in", ("failed", "cancelled")),
            ],
            ["partner_id", "level_id", "channel", "move_ids"],
        )
        covered = defaultdict(list)
        for event in events:
            covered[event.partner_id.id, event.level_id.id, event.channel].append(set(event.move_ids.ids))
        return covered

    def _step_done(self, existing, decision, channel):
        """Whether an earlier contact on ``channel`` already covered every invoice newly due at this level."""
        newly_due = decision.engine.newly_due_move_ids
        key = (decision.partner.id, decision.engine.level.id, channel)
        return any(newly_due <= moves for moves in existing.get(key, ()))

    def _email_problem(self, decision):
        partner = decision.partner
        if decision.blacklisted:
            return {
                "state": "cancelled",
                "error": self.env._(
                    "%(emails)s opted out of e-mails (blacklisted): contact the customer on another channel, "
                    "or remove the address from the blacklist if the customer agrees.",
                    emails=", ".join(decision.blacklisted.mapped("email")),
                ),
            }
        return {
            "state": "failed",
            "error": self.env._(
                "%(customer)s has no e-mail address: add one to the customer or to an invoice address; "
                "the next run sends the reminder.",
                customer=partner.display_name,
            ),
        }

    def _upsert_events(self, company, today, vals_list):
        """Create the events of today; a failed or cancelled one of the same step is reused, never duplicated."""
        if not vals_list:
            return self.env["collections.event"]
        # sudo: events are the audit log of the follow-up; collectors read them, only the run writes them.
        Event = self.env["collections.event"].sudo()
        keys = {(vals["partner_id"], vals["level_id"], vals["channel"]) for vals in vals_list}
        previous = Event.search(
            [
                ("company_id", "=", company.id),
                ("date", "=", today),
                ("partner_id", "in", list({key[0] for key in keys})),
                ("state", "in", ("failed", "cancelled")),
                # A call the collector logged stays as logged.
                ("manual", "=", False),
            ]
        )
        reusable = {(event.partner_id.id, event.level_id.id, event.channel): event for event in previous}
        to_create = []
        events = Event
        fixed_tasks = self.env["mail.activity"]
        for vals in vals_list:
            event = reusable.get((vals["partner_id"], vals["level_id"], vals["channel"]))
            if event:
                values = {"error": False, **vals}
                if vals.get("state") not in ("failed", "cancelled") and "activity_id" not in vals:
                    # The retry went out: the "fix the address" task of the failure is done.
                    fixed_tasks |= event.activity_id
                    values["activity_id"] = False
                event.write(values)
                events |= event
            else:
                to_create.append({**vals, "company_id": company.id, "date": today})
        fixed_tasks = fixed_tasks.sudo().exists().filtered("active")
        if fixed_tasks:
            # The run writes the statuses of its batch itself.
            fixed_tasks.with_context(collections_no_refresh=True).action_feedback(
                feedback=self.env._("The reminder went out after all.")
            )
        return events | Event.create(to_create)

    def _collector(self, decision):
        partner = decision.partner
        return partner.collections_responsible_id or decision.policy.responsible_id or self.env.user

    def _schedule_tasks(self, today, event_vals, decisions):
        """Call tasks, and 'fix the address' tasks for failed e-mails, linked into the event values.

        Created before the events so that each event is inserted with its task: linking
        afterwards costs one UPDATE per event.
        """
        by_partner = {decision.partner.id: decision for decision in decisions}
        levels = self.env["collections.level"].browse({vals["level_id"] for vals in event_vals})
        levels.fetch(["name"])
        model_id = self.env["ir.model"]._get_id("res.partner")
        call_type = self.env.ref("mail.mail_activity_data_call")
        todo_type = self.env.ref("mail.mail_activity_data_todo")
        activity_vals, task_event_vals = [], []
        for vals in event_vals:
            decision = by_partner[vals["partner_id"]]
            common = {"res_model_id": model_id, "res_id": vals["partner_id"], "user_id": vals["user_id"]}
            if vals["channel"] == "call" and vals["state"] == "queued":
                level = levels.browse(vals["level_id"])
                activity_vals.append(
                    {
                        **common,
                        "activity_type_id": call_type.id,
                        "summary": self.env._("Collections call: %(level)s", level=level.name),
                        "note": vals.pop("_call_note", False),
                        "date_deadline": vals.pop("_call_day", None)
                        or decision.engine_calendar.next_business_day(today),
                    }
                )
                task_event_vals.append(vals)
            elif vals["channel"] in ("email", "sms", "whatsapp", "call") and vals["state"] in ("failed", "cancelled"):
                activity_vals.append(
                    {
                        **common,
                        "activity_type_id": todo_type.id,
                        "summary": self._fix_contact_summary(vals["channel"], vals["state"]),
                        "note": Markup("<p>%s</p>") % vals["error"],
                        "date_deadline": today,
                    }
                )
                task_event_vals.append(vals)
        if not activity_vals:
            return
        # A customer whose address is still missing keeps its open task: no new one every day.
        Activity = self.env["mail.activity"].sudo()
        open_tasks = {
            (activity.res_id, activity.summary): activity
            for activity in Activity.search_fetch(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", [vals["res_id"] for vals in activity_vals]),
                    ("activity_type_id", "=", todo_type.id),
                ],
                ["res_id", "summary"],
            )
        }
        new_vals, new_events = [], []
        for vals, event_vals in zip(activity_vals, task_event_vals, strict=True):
            existing = open_tasks.get((vals["res_id"], vals["summary"]))
            if existing and vals["activity_type_id"] == todo_type.id:
                event_vals["activity_id"] = existing.id
            else:
                new_vals.append(vals)
                new_events.append(event_vals)
        # sudo: collectors schedule tasks for each other; activity creation checks write access on the customer.
        activities = Activity.create(new_vals)
        for vals, activity in zip(new_events, activities, strict=True):
            vals["activity_id"] = activity.id

    def _fix_contact_summary(self, channel, state="failed"):
        if state == "cancelled" and channel in ("sms", "whatsapp"):
            return self.env._("Customer opted out of text messages: use another channel")
        if state == "cancelled" and channel == "email":
            return self.env._("Customer opted out of e-mails: use another channel")
        if channel == "email":
            return self.env._("Reminder not sent: fix the e-mail address")
        if channel == "sms":
            return self.env._("SMS not sent: fix the mobile number")
        if channel == "call":
            return self.env._("Call not planned: find the customer's phone number")
        return self.env._("WhatsApp message not sent: check the number and the WhatsApp settings")

    def _render_email(self, company, decision):
        """The subject and body the e-mail of ``decision`` will have, as the run renders them."""
        level = self.env["collections.level"].browse(decision.engine.level.id)
        rendered = level.mail_template_id._generate_template([decision.partner.id], ["subject", "body_html"])[
            decision.partner.id
        ]
        table = self._invoice_tables([decision], {}, self._today(company))[decision.partner.id]
        return rendered.get("subject") or level.mail_template_id.name, (rendered.get("body_html") or Markup()) + table

    def _queue_emails(self, company, decisions, overrides=None):
        """Render the level templates in bulk and queue one e-mail per customer; returns event values."""
        if not decisions:
            return []
        by_template = defaultdict(list)
        for decision in decisions:
            level = self.env["collections.level"].browse(decision.engine.level.id)
            by_template[level.mail_template_id].append(decision)
        author = self.env.user.partner_id
        email_from_default = company.email_formatted or self.env.user.email_formatted
        comment_subtype = self.env.ref("mail.mt_comment")
        mail_vals, event_vals = [], []
        self.env["account.move"].browse(
            {move_id for decision in decisions for move_id in decision.engine.move_ids}
        ).fetch(["name", "invoice_date"])
        formats = {}
        # The thread's reply-to (catchall or alias), computed for the batch: answers come back to
        # the customer's chatter. mail.message would otherwise compute it one message at a time.
        # sudo: as in mail.message, the aliases and alias domains are not readable by every user.
        reply_to = (
            self.env["res.partner"]
            .browse([decision.partner.id for decision in decisions])
            .sudo()
            ._notify_get_reply_to(default=email_from_default or None, author_id=author.id)
        )
        today = self._today(company)
        tables = self._invoice_tables(decisions, formats, today)
        chatter_tables = self._invoice_tables(decisions, formats, today, chatter=True)
        for template, template_decisions in by_template.items():
            rendered = template._generate_template(
                [decision.partner.id for decision in template_decisions],
                ["subject", "body_html", "email_from", "reply_to", "attachment_ids", "report_template_ids"],
            )
            for decision in template_decisions:
                values = rendered[decision.partner.id]
                attachments = [Command.link(attachment_id) for attachment_id in values.get("attachment_ids", [])]
                generated = list(values.get("attachments", []))
                if self.env["collections.level"].browse(decision.engine.level.id).attach_statement:
                    generated.append(self._statement_pdf(decision.partner))
                attachments += [
                    Command.create(
                        {"name": name, "datas": data, "res_model": "res.partner", "res_id": decision.partner.id}
                    )
                    for name, data in generated
                ]
                template_body = values.get("body_html") or Markup()
                body = template_body + chatter_tables[decision.partner.id]
                body_html = template_body + tables[decision.partner.id]
                subject = values.get("subject") or template.name
                override = (overrides or {}).get(decision.partner.id) or {}
                if override.get("body_html"):
                    # The collector edited the e-mail before sending: what they saw is what goes out.
                    body = body_html = Markup(override["body_html"])
                subject = override.get("subject") or subject
                mail_vals.append(
                    {
                        "model": "res.partner",
                        "res_id": decision.partner.id,
                        "record_name": decision.partner.display_name,
                        "message_type": "comment",
                        "subtype_id": comment_subtype.id,
                        "author_id": author.id,
                        "subject": subject,
                        "body": body,
                        "body_html": body_html,
                        "partner_ids": [Command.link(recipient.id) for recipient in decision.recipients],
                        "recipient_ids": [Command.link(recipient.id) for recipient in decision.recipients],
                        "attachment_ids": attachments,
                        "is_notification": True,
                        "auto_delete": True,
                        "state": "outgoing",
                    }
                )
                email_from = values.get("email_from") or email_from_default
                if email_from:
                    mail_vals[-1]["email_from"] = email_from
                mail_vals[-1]["reply_to"] = values.get("reply_to") or reply_to[decision.partner.id]
                event_vals.append(self._event_vals(decision, "email", state="queued"))
        # sudo: the mail queue is technical; what is sent was rendered from the level's own template above.
        mails = self.env["mail.mail"].sudo().create(mail_vals)
        notification_vals = []
        for mail, vals in zip(mails, event_vals, strict=True):
            vals["mail_id"] = mail.id
            vals["message_id"] = mail.mail_message_id.id
            notification_vals.extend(
                {
                    "author_id": author.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "res_partner_id": recipient.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for recipient in mail.recipient_ids
            )
        self.env["mail.notification"].sudo().create(notification_vals)
        return event_vals

    def _invoice_sections(self, lines, move_ids, lang, today, formats=None):
        """Covered open lines formatted for the invoice table: what is overdue, then what comes due.

        Each part is split by currency; a section is ``{"kind": "overdue"|"coming", "currency",
        "entries", "total"}``. ``formats`` caches formatted dates and amounts across customers of
        a run: the same dates and currencies repeat, and formatting is most of the cost of the table.
        """
        formats = {} if formats is None else formats
        env = self.env

        def fmt_date(value):
            key = ("date", value, lang)
            if key not in formats:
                formats[key] = format_date(env, value, lang_code=lang) if value else ""
            return formats[key]

        def fmt_amount(value, currency):
            key = ("amount", value, currency.id, lang)
            if key not in formats:
                formats[key] = formatLang(env(context=dict(env.context, lang=lang)), value, currency_obj=currency)
            return formats[key]

        covered = set(move_ids)
        shown = [item for item in lines if item.move_id in covered and not item.excluded]
        sections = []
        for kind, part in zip(("overdue", "coming"), split_by_due(shown, today), strict=True):
            lines_by_currency = defaultdict(list)
            for item in part:
                lines_by_currency[item.currency].append(item)
            for currency_id, items in lines_by_currency.items():
                currency = env["res.currency"].browse(currency_id)
                entries = []
                for item in items:
                    move = env["account.move"].browse(item.move_id)
                    entries.append(
                        {
                            "name": move.name,
                            "date": fmt_date(move.invoice_date),
                            "due": fmt_date(item.due_date),
                            "amount": fmt_amount(item.residual, currency),
                        }
                    )
                total = currency.round(sum(item.residual for item in items))
                sections.append(
                    {"kind": kind, "currency": currency, "entries": entries, "total": fmt_amount(total, currency)}
                )
        return sections

    def _invoice_tables(self, decisions, formats, today, chatter=False):
        """The invoice table of each decision, rendered in one QWeb call per language.

        A QWeb render has a fixed cost that dominates a small table; the tables are cut
        apart on a comment that escaped customer data can never contain. ``chatter``
        gives the variant for the customer's chatter (styled by the web client) instead
        of the e-mail one (inline styles, as mail clients drop style sheets).
        """
        separator = Markup("<!-- collections-table -->")
        tables = {}
        by_lang = defaultdict(list)
        for decision in decisions:
            by_lang[decision.partner.lang].append(decision)
        for lang, lang_decisions in by_lang.items():
            sections = [
                self._invoice_sections(decision.lines, decision.engine.move_ids, lang, today, formats)
                for decision in lang_decisions
            ]
            html = (
                self.env["ir.qweb"]
                .with_context(lang=lang)
                ._render(
                    "collections_addon.collections_invoice_tables",
                    {"tables": sections, "separator": separator, "chatter": chatter},
                )
            )
            parts = str(html).split(str(separator))[: len(lang_decisions)]
            if len(parts) != len(lang_decisions):
                raise ValueError("The invoice table template must render exactly one table per customer.")
            for decision, part in zip(lang_decisions, parts, strict=True):
                tables[decision.partner.id] = Markup(part)
        return tables

    def _statement_pdf(self, partner):
        report = self.env.ref("collections_addon.action_report_collections_statement")
        pdf, _format = self.env["ir.actions.report"]._render_qweb_pdf(report, [partner.id])
        return (self.env._("Statement %(customer)s.pdf", customer=partner.display_name), base64.b64encode(pdf))

    def _advance_levels(self, company, today, decisions):
        """Lines record the level they received, invoices the highest of their lines and the date."""
        lines_by_level = defaultdict(list)
        moves_by_level = defaultdict(set)
        all_moves = set()
        for decision in decisions:
            item_levels = decision.engine.item_levels
            for item in decision.lines:
                level_id = item_levels.get(item.key)
                if level_id and not item.excluded:
                    lines_by_level[level_id].append(item.line_id)
                    moves_by_level[level_id].add(item.move_id)
            all_moves.update(decision.engine.move_ids)
        # Plain SQL on purpose: these are the addon's own bookkeeping columns, and an ORM write on
        # posted invoices re-synchronises every dynamic line of the move (seconds per hundred invoices).
        # It also spares collectors, who may not edit posted invoices, an access error.
        self.env["account.move.line"].flush_model(["collections_level_id"])
        self.env["account.move"].flush_model(["collections_level_id", "collections_last_date"])
        for level_id, line_ids in lines_by_level.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move_line SET collections_level_id = %s WHERE id = ANY(%s)",
                    level_id,
                    line_ids,
                )
            )
        # One UPDATE for the moves: each gets the highest level of its lines and today's date.
        level_days = dict(
            self.env["collections.level"].browse(list(moves_by_level)).mapped(lambda level: (level.id, level.days))
        )
        move_level = {}
        for level_id in sorted(moves_by_level, key=level_days.get):
            move_level.update(dict.fromkeys(moves_by_level[level_id], level_id))
        if all_moves:
            rows = SQL(", ").join(
                SQL("(%s, %s::integer)", move_id, move_level.get(move_id)) for move_id in sorted(all_moves)
            )
            self.env.cr.execute(
                SQL(
                    """
                    UPDATE account_move AS move
                       SET collections_level_id = CASE
                               WHEN batch.level_id IS NULL OR move.collections_level_id IS NULL
                                   THEN COALESCE(batch.level_id, move.collections_level_id)
                               WHEN (SELECT days FROM collections_level WHERE id = batch.level_id)
                                    >= (SELECT days FROM collections_level WHERE id = move.collections_level_id)
                                   THEN batch.level_id
                               ELSE move.collections_level_id
                           END,
                           collections_last_date = %(today)s
                      FROM (VALUES %(rows)s) AS batch(id, level_id)
                     WHERE move.id = batch.id
                    """,
                    today=today,
                    rows=rows,
                )
            )
        self.env["account.move.line"].invalidate_model(["collections_level_id"])
        self.env["account.move"].invalidate_model(["collections_level_id", "collections_last_date"])

    def _write_partner_states(self, company, partners, decisions, executed, attempted, from_run=True):
        """Status, level, next and last date of every customer of the batch, in one UPDATE."""
        today = self._today(company)
        rows = []
        for decision in decisions:
            engine = decision.engine
            partner = decision.partner
            level_id = partner.collections_level_id.id or None
            last_date = partner.collections_last_date or None
            due_level_id = None
            if partner.id in executed:
                status = engine.status_when_done
                level_id, next_date, last_date = engine.level.id, engine.next_date, today
                if status == "to_contact":
                    # A call to make: on today's worklist, whatever the next step's date.
                    due_level_id, next_date = engine.level.id, today
            elif engine.action == "contact" and partner.id in attempted:
                # Tried but not complete (a channel failed): the worklist shows it today.
                status, next_date, due_level_id = "to_contact", today, engine.level.id
            elif engine.action == "contact":
                status, next_date, due_level_id = engine.status, today, engine.level.id
                if not engine.auto_execute and from_run:
                    # The collector's step: its task was just scheduled, the level shows what to do.
                    level_id = engine.level.id
            else:
                status, next_date = engine.status, engine.next_date
                if engine.reason == "no_open_items":
                    level_id = None
                elif status == "to_contact" and engine.level and not engine.auto_execute:
                    # Waiting for a person (a weekend, the contact gap): the worklist still shows the step.
                    due_level_id = engine.level.id
            rows.append(
                SQL(
                    "(%s, %s, %s::integer, %s::date, %s::date, %s::integer, %s::date)",
                    partner.id,
                    status,
                    level_id or None,
                    next_date or None,
                    last_date,
                    due_level_id,
                    today if from_run else partner.collections_review_date or None,
                )
            )
        if not rows:
            return
        Partner = self.env["res.partner"]
        fields_written = [
            "collections_status",
            "collections_level_id",
            "collections_next_date",
            "collections_last_date",
            "collections_due_level_id",
            "collections_review_date",
        ]
        Partner.flush_model(fields_written)
        # One statement for the batch; the ORM would issue one UPDATE per distinct set of values.
        # These company-dependent columns are jsonb maps {company id: value}: only this company's key changes.
        key = str(company.id)
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET collections_status = COALESCE(partner.collections_status, '{}'::jsonb)
                                            || jsonb_build_object(%(key)s, batch.status),
                       collections_level_id = COALESCE(partner.collections_level_id, '{}'::jsonb)
                                              || jsonb_build_object(%(key)s, batch.level_id),
                       collections_next_date = COALESCE(partner.collections_next_date, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, batch.next_date),
                       collections_last_date = COALESCE(partner.collections_last_date, '{}'::jsonb)
                                               || jsonb_build_object(%(key)s, batch.last_date),
                       collections_due_level_id = COALESCE(partner.collections_due_level_id, '{}'::jsonb)
                                                  || jsonb_build_object(%(key)s, batch.due_level_id),
                       collections_review_date = COALESCE(partner.collections_review_date, '{}'::jsonb)
                                                 || jsonb_build_object(%(key)s, batch.review_date)
                  FROM (VALUES %(rows)s)
                       AS batch(id, status, level_id, next_date, last_date, due_level_id, review_date)
                 WHERE partner.id = batch.id
                """,
                key=key,
                rows=SQL(", ").join(rows),
            )
        )
        Partner.invalidate_model(fields_written)


@dataclass
class _Decision:
    """An engine decision with the records the act step needs."""

    engine: object
    partner: object
    policy: object
    lines: list
    recipients: object
    blacklisted: object
    engine_calendar: BusinessCalendar = None
