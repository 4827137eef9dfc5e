"""The follow-up run: gather in bulk, decide in the engine, act in batches.

Idempotency rests on three things: a contact is a ``collections.event`` whose
unique key (customer, level, channel, day) forbids a second one; invoice levels
and the customer's state move only once every channel of the step is queued;
and batches are committed one by one, so a crash loses at most the batch in
flight, which the next run redoes.

The run is one model, ``collections.runner``, spread over files by concern:

- ``collections_runner.py``: entry points (the daily job, ``_run``), batches, the company's lock, refreshes;
- ``collections_runner_gather.py``: what a batch reads, in a few queries for all its customers;
- ``collections_runner_decide.py``: each customer's situation turned into an engine decision;
- ``collections_runner_catch_up.py``: the catch-up of old debts (the customers' recorded levels, the preview's note);
- ``collections_runner_act.py``: executing decisions, through the channels of ``collections.channel``;
- ``collections_runner_manual.py``: the steps a person does (their tasks) and protest proposals;
- ``collections_runner_state.py``: the levels of invoices and the customer's status, dates and due step.
"""

import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from odoo import api, models
from odoo.tools import SQL

from ..engine import BusinessCalendar, ContactRules

_logger = logging.getLogger(__name__)

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
    reviewed: int = 0
    reasons: dict = field(default_factory=dict)
    held_back: Counter = field(default_factory=Counter)
    # Every decision, for a run that commits nothing (a preview, a manual send, tests); a run that commits
    # batch by batch keeps none, so that its memory does not grow with the customers.
    decisions: list = field(default_factory=list)
    # Stale bank data (see res_company_bank.py): the run sends nothing automatically and says why.
    bank_warning: str | bool = False

    def bank_holds(self, engine):
        """Whether stale bank data holds back this automatic contact (the run and its preview agree on it)."""
        return bool(self.bank_warning) and engine.action == "contact" and engine.auto_execute


@dataclass
class _PolicyContext:
    policy: object
    levels: list
    rules: ContactRules
    bands: object = None  # the plan's engine ScoreBands
    catch_up: tuple = (None, None)  # the plan's catch-up mode and chosen level id (``engine.catch_up_plan``)


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
    # The customer's payer score (None: never scored) and its band's plan (engine BandPlan): the score the
    # step was decided with, refreshed by the act step before the call's priority and the expected recovery.
    score: int | None = None
    band: object = None
    # Whose number the SMS, WhatsApp message and call use: a collections contact, else the customer (None).
    phone_recipient: object = None
    # The catch-up of the customer's first step on the plan (engine CatchUp), when it applies; else None.
    catch_up: object = None


class CollectionsRunner(models.AbstractModel):
    _name = "collections.runner"
    _description = "Collections Follow-up Run"

    _batch_size = 200

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
        today = company._collections_today()
        partner_ids = partners.ids if partners is not None else self._partners_to_review(company)
        progress = progress or _Progress(remaining=len(partner_ids))
        result = RunResult(bank_warning=company._collections_bank_warning(today))
        if result.bank_warning and not dry_run and not manual:
            _logger.warning("Collections: the run of %s sends nothing: %s", company.name, result.bank_warning)
        policies = self._policy_contexts(company, today, manual)
        batch_size = batch_size or self._batch_size
        for start in range(0, len(partner_ids), batch_size):
            if exclusive and not dry_run and not self._try_lock_company(company):
                _logger.info("Collections: a follow-up run for %s is already in progress", company.name)
                result.busy = True
                break
            batch = self.env["res.partner"].browse(partner_ids[start : start + batch_size])
            decisions = self._decide_batch(company, batch, today, policies, manual)
            self._note_decisions(result, decisions, manual)
            if dry_run or not commit:
                result.decisions.extend(decisions)
            if not dry_run:
                self._act_batch(company, batch, today, decisions, policies, manual, result, email_overrides)
            progress.remaining = max(progress.remaining - len(batch), 0)
            if commit and self.env["ir.cron"]._commit_progress(len(batch), remaining=progress.remaining) <= 0:
                result.out_of_time = start + len(batch) < len(partner_ids) or bool(progress.remaining)
                break
        self._log_result(company, result, dry_run, manual)
        return result

    def _note_decisions(self, result, decisions, manual=False):
        """Why the customers of a batch were held back (in ``result.reasons``), counted for the summary."""
        result.reviewed += len(decisions)
        for decision in decisions:
            engine = decision.engine
            if engine.action == "contact" and result.bank_warning and not manual:
                result.reasons.setdefault(engine.partner_id, result.bank_warning)
            elif engine.action != "contact" and engine.reason != "no_open_items":
                result.reasons.setdefault(engine.partner_id, self._reason_label(engine.reason))
                if engine.action == "skip":
                    result.held_back[engine.reason] += 1
                    _logger.debug("Collections: customer %s held back: %s", engine.partner_id, engine.reason)

    def _log_result(self, company, result, dry_run, manual=False):
        """One summary line in the log."""
        _logger.info(
            "Collections %s for %s: %s customer(s) reviewed, %s contacted, %s failed, held back: %s",
            "preview" if dry_run else "run",
            company.name,
            result.reviewed,
            result.contacted,
            result.failed,
            dict(result.held_back) or "none",
        )

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
        today = company._collections_today()
        policies = runner._policy_contexts(company, today, manual=False)
        decisions = runner._decide_batch(company, partners, today, policies, manual=False)
        runner._write_partner_states(company, partners, decisions, executed=set(), attempted=set(), from_run=False)
        return decisions
