"""The daily follow-up spread over queue jobs, as the scheduled job and the queue's workers run it.

The daily job coordinates (one job per batch, on the channel root.collections, with an identity key per company,
day and batch); each job is performed as queue_job's worker performs it. A second real database connection
plays the other worker: it holds the claim of a batch, or the company's run lock, as a worker at work does.
"""

from unittest.mock import patch

from odoo import sql_db
from odoo.addons.collections_addon.tests.common import NOON, TODAY
from odoo.addons.collections_addon.tests.common_run import RunCase
from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.exception import RetryableJobError
from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs
from odoo.tests import freeze_time, tagged
from odoo.tools import mute_logger

DAY = str(TODAY)


@tagged("post_install", "-at_install", "collections_queue_job")
@freeze_time(NOON)
class TestFollowupQueueJob(RunCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = [cls.make_customer(f"Queued {index}") for index in range(5)]
        for customer in cls.customers:
            cls.make_invoice(customer, 100, 8)  # the first reminder is due: an e-mail each
        cls.ids = sorted(customer.id for customer in cls.customers)

    def coordinate(self):
        """The daily job, as its cron runs it, in batches of two customers."""
        with patch.object(type(self.runner), "_batch_size", 2):
            self.cron_runner._cron_followup()
        return self.jobs()

    def jobs(self):
        # sudo: the queue's jobs are its managers' to see (the test plays the worker, not a user).
        return (
            self.env["queue.job"]
            .sudo()
            .search([("identity_key", "=like", f"collections.followup:{self.company.id}:%")], order="id")
        )

    def perform(self, record):
        """The job as queue_job's worker performs it (RunJobController._runjob); a retryable failure is
        postponed as the worker does (the worker's own rollback is its cursor's, not the test's)."""
        job = Job.load(self.env(su=True), record.uuid)
        try:
            with self.env.cr.savepoint():
                job.perform()
        except RetryableJobError as error:
            job.postpone(result=str(error), seconds=error.seconds)
            job.set_pending(reset_retry=False)
            job.store()
            return False
        job.set_done()
        job.store()
        return True

    def assert_each_contacted_once(self):
        for customer in self.customers:
            self.assertEqual(len(self.mails_of(customer)), 1, f"{customer.name} gets one e-mail")
            self.assertEqual(len(self.events_of(customer)), 1, f"{customer.name} has one contact")

    def test_the_daily_job_enqueues_one_job_per_batch(self):
        with trap_jobs() as trap:
            self.coordinate()
            ours = [call for call in trap.calls if call.args[0] == self.company.id]
            self.assertEqual([call.args[1] for call in ours], [self.ids[0:2], self.ids[2:4], self.ids[4:]])
            trap.assert_enqueued_job(
                self.runner._followup_batch_job,
                args=(self.company.id, self.ids[0:2], DAY),
                properties={
                    "channel": "root.collections",
                    "identity_key": f"collections.followup:{self.company.id}:{DAY}:{self.ids[0]}-{self.ids[1]}",
                },
            )
            self.assertFalse(self.mails_of(self.customers[0]), "the daily job itself contacts no one")
            trap.perform_enqueued_jobs()
        self.assert_each_contacted_once()

    @mute_logger("odoo.addons.collections_addon_queue_job.models.collections_runner")
    def test_a_broken_company_leaves_the_others_jobs_in_place(self):
        Runner = type(self.runner)
        original = Runner._partners_to_review
        broken = []

        def broken_elsewhere(runner, company, pending_only=False):
            if company != self.company:
                broken.append(company)
                raise ValueError("a broken configuration")
            return original(runner, company, pending_only=pending_only)

        with patch.object(Runner, "_partners_to_review", broken_elsewhere):
            self.assertEqual(len(self.coordinate()), 3, "the companies before and after ours failed")
        self.assertIn(self.company_2, broken)

    def test_a_second_daily_run_enqueues_no_duplicate(self):
        jobs = self.coordinate()
        self.assertEqual(len(jobs), 3)
        self.assertEqual(jobs.mapped("channel"), ["root.collections"] * 3)
        self.assertEqual(self.coordinate(), jobs, "the waiting jobs have the same identity: none is added")
        report = self.runner._followup_report(self.company, DAY)
        self.assertEqual((report["jobs"], report["remaining"]), (3, 5))
        for job in jobs:
            self.assertTrue(self.perform(job))
        self.assert_each_contacted_once()
        report = self.runner._followup_report(self.company, DAY)
        self.assertEqual(
            (report["jobs_done"], report["remaining"], report["reviewed"], report["contacted"]), (3, 0, 5, 5)
        )
        self.assertEqual(self.coordinate(), jobs, "everyone was reviewed today: nothing more to enqueue")

    def test_a_job_run_twice_sends_nothing_twice(self):
        jobs = self.coordinate()
        self.assertTrue(self.perform(jobs[0]))
        jobs[0].requeue()  # a manager requeues it by hand, or a worker dies after the commit
        self.assertTrue(self.perform(jobs[0]))
        self.assertIn('"reviewed": 0', jobs[0].result, "everyone of the batch was reviewed today already")
        for job in jobs[1:]:
            self.perform(job)
        self.assert_each_contacted_once()

    @mute_logger("odoo.addons.collections_addon.models.collections_runner_act")
    def test_a_job_that_crashes_mid_batch_is_retried_and_loses_nothing(self):
        jobs = self.coordinate()
        Runner = type(self.runner)
        original = Runner._write_partner_states

        def crash_once(runner, *args, **kwargs):
            # The e-mails of the batch are queued, then the process fails before the batch is over.
            raise RuntimeError("connection lost")

        with patch.object(Runner, "_write_partner_states", crash_once):
            self.assertFalse(self.perform(jobs[0]))
        self.assertEqual(jobs[0].state, "pending", "tried again later")
        self.assertEqual(jobs[0].retry, 1)
        self.assertFalse(self.mails_of(self.customers[0]), "the failed batch was rolled back as a whole")
        self.assertIs(Runner._write_partner_states, original)
        for job in jobs:
            self.assertTrue(self.perform(job))
        self.assert_each_contacted_once()

    def test_two_workers_run_two_batches_of_a_company_never_the_same(self):
        jobs = self.coordinate()
        # The other worker is in the middle of the second batch of this company.
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock_shared(4277, %s)", [self.company.id])
            other.execute("SELECT pg_advisory_xact_lock(%s)", [(self.company.id << 32) | self.ids[2]])
            self.assertTrue(self.perform(jobs[0]), "another batch of the same company runs meanwhile")
            self.assertFalse(self.perform(jobs[1]), "the batch the other worker holds waits")
            self.assertEqual((jobs[1].state, jobs[1].retry), ("pending", 0), "waiting is not a failed try")
            self.assertFalse(self.mails_of(self.customers[2]))
            # A manager's classic 'Run now' of every customer waits for the jobs too.
            self.assertTrue(self.run_followup().busy)
        finally:
            other.rollback()
            other.close()
        for job in jobs:
            if job.state != "done":
                self.assertTrue(self.perform(job))
        self.assert_each_contacted_once()

    def test_a_classic_full_run_holds_the_jobs_back(self):
        jobs = self.coordinate()
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_xact_lock(4277, %s)", [self.company.id])
            self.assertFalse(self.perform(jobs[0]))
        finally:
            other.rollback()
            other.close()
        self.assertTrue(self.perform(jobs[0]))

    def test_a_job_of_a_past_day_sends_nothing(self):
        jobs = self.coordinate()
        with freeze_time("2026-03-17 12:00:00"):
            self.assertTrue(self.perform(jobs[0]))
        self.assertFalse(self.mails_of(self.customers[0]), "the day's own run enqueues the batch anew")

    def test_the_worker_path_of_queue_job(self):
        """queue_job's own worker entry point (the HTTP route's body) runs a follow-up job to done."""
        jobs = self.coordinate()
        for record in jobs:
            job = Job.load(self.env(su=True), record.uuid)
            RunJobController._runjob(job.env, job)
        self.assertEqual(jobs.mapped("state"), ["done"] * 3)
        self.assert_each_contacted_once()
