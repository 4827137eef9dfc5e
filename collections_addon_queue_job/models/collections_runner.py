"""The daily follow-up spread over the Odoo workers of queue_job.

With queue_job installed, the daily job (``_cron_followup``) only coordinates: per company it enqueues one job
per batch of customers (the run's batch size) on the channel ``root.collections``, whose capacity says how many
batches run at once, on as many Odoo servers as share the database. Each job is one transaction:

- its identity key (company, day, first and last customer of the batch) keeps a second run of the daily job
  from enqueuing the same batch again while it waits;
- it claims its batch (a transaction-level advisory lock on the company and the batch's first customer): two
  workers run different batches of one company at once, never the same batch; the claim also holds the
  company's run lock in shared mode, so that a classic full run of the company ('Run now' of every customer)
  never overlaps the jobs;
- it reviews only the customers not reviewed yet today: a job run twice sends nothing twice, and the
  event's unique key (customer, level, channel, day) forbids a second contact whatever happens;
- a job that fails (a lost connection, a crash mid-batch, a batch claimed by another worker) rolls its whole
  batch back and is tried again (``RetryableJobError``): nothing is lost.
"""

import json
import logging
from collections import Counter

from odoo import api, models
from odoo.addons.collections_addon.collections_addon.models.collections_runner import _RUN_LOCK_KEY, _Progress
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

CHANNEL = "root.collections"
IDENTITY_PREFIX = "collections.followup"
# Seconds before a batch claimed by another worker (or held by a classic full run) is tried again.
BUSY_RETRY_SECONDS = 10


def identity_key(company_id, day, partner_ids):
    return f"{IDENTITY_PREFIX}:{company_id}:{day}:{partner_ids[0]}-{partner_ids[-1]}"


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    @api.model
    def _cron_followup(self):
        """The daily job as a coordinator: one queue job per batch of customers still to review today."""
        self.env["collections.event"]._cron_sync_mail_states()
        for company in self.env["res.company"].search([]):
            try:
                # A savepoint, not a rollback: the jobs of the companies before stay enqueued.
                with self.env.cr.savepoint():
                    self.with_company(company)._enqueue_followup(company)
            except Exception:
                # One company's broken configuration must not stop the follow-up of the others.
                _logger.exception("Collections: the follow-up jobs of %s were not enqueued", company.name)
                self.env.invalidate_all()

    @api.model
    def _enqueue_followup(self, company, batch_size=None):
        """Enqueue the batches of ``company`` still to review today; returns the jobs (an existing job
        waiting with the same identity key is returned instead of a new one)."""
        day = str(company._collections_today())
        partner_ids = self._partners_to_review(company, pending_only=True)
        batch_size = batch_size or self._batch_size
        jobs = []
        for start in range(0, len(partner_ids), batch_size):
            batch = partner_ids[start : start + batch_size]
            delayed = self.with_delay(
                channel=CHANNEL,
                identity_key=identity_key(company.id, day, batch),
                description=self.env._(
                    "Collections follow-up of %(company)s, %(day)s: customers %(first)s to %(last)s",
                    company=company.name,
                    day=day,
                    first=batch[0],
                    last=batch[-1],
                ),
            )
            jobs.append(delayed._followup_batch_job(company.id, batch, day))
        report = self._followup_report(company, day)
        _logger.info(
            "Collections: %s customer(s) of %s enqueued in %s job(s); today so far: %s",
            len(partner_ids),
            company.name,
            len(jobs),
            report,
        )
        return jobs

    @api.model
    def _followup_batch_job(self, company_id, partner_ids, day):
        """One batch of the daily follow-up (a queue job); returns its counts (JSON, the job's result)."""
        company = self.env["res.company"].browse(company_id)
        runner = self.with_company(company)
        if str(company._collections_today()) != day:
            # The day is over: today's run enqueues whoever this batch did not review.
            return json.dumps({"stale": True})
        if not runner._claim_batch(company, partner_ids):
            # Not a failure: waiting for the other worker does not use up the job's tries.
            raise RetryableJobError(
                "Collections: this batch is being followed up by another worker",
                seconds=BUSY_RETRY_SECONDS,
                ignore_retry=True,
            )
        pending = runner._not_reviewed_today(company, partner_ids)
        try:
            result = runner._run(
                company,
                self.env["res.partner"].browse(pending),
                exclusive=False,
                progress=_Progress(remaining=len(pending)),
            )
        except Exception as error:
            # The savepoint queue_job runs the job in is rolled back: the whole batch is tried again.
            raise RetryableJobError(f"Collections: the batch failed and is tried again: {error}") from error
        return json.dumps(
            {
                "reviewed": result.reviewed,
                "contacted": result.contacted,
                "skipped": result.skipped,
                "failed": result.failed,
            }
        )

    def _claim_batch(self, company, partner_ids):
        """The batch's claim for this transaction: False when another worker holds it, or a classic full run
        of the company is at work (its lock is exclusive, the jobs' share it)."""
        shared = SQL("SELECT pg_try_advisory_xact_lock_shared(%s, %s)", _RUN_LOCK_KEY, company.id)
        if not self.env.execute_query(shared)[0][0]:
            return False
        # One 64-bit key: the company in the high half, the batch's first customer in the low one.
        claim = SQL("SELECT pg_try_advisory_xact_lock(%s)", (company.id << 32) | partner_ids[0])
        return self.env.execute_query(claim)[0][0]

    def _not_reviewed_today(self, company, partner_ids):
        self.env["res.partner"].flush_model(["collections_review_date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM res_partner
                 WHERE id = ANY(%(ids)s)
                   AND (collections_review_date->>%(key)s) IS DISTINCT FROM %(today)s
                 ORDER BY id
                """,
                ids=list(partner_ids),
                key=str(company.id),
                today=str(company._collections_today()),
            )
        )
        return [row[0] for row in rows]

    @api.model
    def _followup_report(self, company, day=None):
        """The day's run of ``company`` over its jobs: jobs by state, customers still to review in the jobs
        not done, and what the jobs done reviewed, contacted, skipped and failed."""
        day = day or str(company._collections_today())
        # sudo: the follow-up's own jobs, read for the run's report whoever asks (queue.job is admin-only).
        jobs = (
            self.env["queue.job"].sudo().search([("identity_key", "=like", f"{IDENTITY_PREFIX}:{company.id}:{day}:%")])
        )
        report = Counter({"jobs": len(jobs), "remaining": 0})
        for job in jobs:
            report[f"jobs_{job.state}"] += 1
            if job.state != "done":
                report["remaining"] += len(job.args[1]) if job.args and len(job.args) > 1 else 0
                continue
            try:
                counts = json.loads(job.result or "{}")
            except ValueError:
                counts = {}
            for key in ("reviewed", "contacted", "skipped", "failed"):
                report[key] += counts.get(key, 0)
        return dict(report)
