"""The follow-up run is idempotent and robust: a second run sends nothing, the daily job resumes where
its time ran out, a failing customer or a crash mid-batch loses nothing, two full runs never overlap."""

from unittest.mock import patch

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import sql_db
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_run import RunCase


class SimulatedCrash(BaseException):
    """Stands for the process dying (OOM, kill): not an error a handler would catch."""


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestFollowupRunRobustness(RunCase):
    """The daily follow-up as its job runs it (``run_followup``: the cron's user); a manager tries 'Run now'."""

    def test_second_run_sends_nothing(self):
        customers = [self.make_customer(f"Twice {index}") for index in range(3)]
        for customer in customers:
            self.make_invoice(customer, 100, 8)
        first = self.run_followup()
        mails = self.env["mail.mail"].search([("model", "=", "res.partner")])
        events = self.env["collections.event"].search([])
        second = self.run_followup()
        self.assertEqual(first.contacted, 3)
        self.assertEqual(second.contacted, 0)
        self.assertEqual(self.env["mail.mail"].search([("model", "=", "res.partner")]), mails)
        self.assertEqual(self.env["collections.event"].search([]), events)

    def test_cron_resumes_where_its_time_ran_out(self):
        customers = [self.make_customer(f"Cron {index}") for index in range(5)]
        for customer in customers:
            self.make_invoice(customer, 100, 8)
        calls = []

        def commit_progress(cron, processed=0, remaining=None, deactivate=False):
            calls.append(remaining)
            return 0.0  # the job's time budget is spent after every batch

        with (
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress),
            patch.object(type(self.runner), "_batch_size", 2),
        ):
            # The cron runs as its user, the superuser, who sees every company.
            self.cron_runner._cron_followup()
            self.assertEqual(calls, [3], "remaining counts what is left in every company")
            self.cron_runner._cron_followup()
            self.cron_runner._cron_followup()
            self.cron_runner._cron_followup()
        self.assertEqual(calls, [3, 1, 0])
        for customer in customers:
            self.assertEqual(len(self.mails_of(customer)), 1, f"{customer.name} contacted exactly once")

    def test_unique_step_per_day_is_enforced_by_the_database(self):
        customer = self.make_customer("Unique")
        self.make_invoice(customer, 100, 8)
        self.run_followup()
        event = self.events_of(customer)
        with self.assertRaisesRegex(IntegrityError, "one_send_per_step"), mute_logger("odoo.sql_db"):
            event.copy()

    @mute_logger("odoo.addons.collections_addon.collections_addon.models.collections_runner_act")
    def test_failure_of_one_partner_rolls_back_only_that_partner(self):
        good = self.make_customer("Good")
        bad = self.make_customer("Bad")
        good_invoice = self.make_invoice(good, 100, 8)
        bad_invoice = self.make_invoice(bad, 100, 8)
        # The e-mail channel renders the invoice table (collections.channel, collections_channel_email.py).
        Channel = type(self.env["collections.channel"])
        original = Channel._invoice_sections

        def broken_sections(channel, lines, move_ids, *args):
            if bad_invoice.id in move_ids:
                raise ValueError("template engine exploded")
            return original(channel, lines, move_ids, *args)

        with patch.object(Channel, "_invoice_sections", broken_sections):
            result = self.run_followup()
        self.assertEqual(result.contacted, 1)
        self.assertEqual(result.failed, 1)
        self.assertEqual(len(self.mails_of(good)), 1)
        self.assertFalse(self.mails_of(bad), "nothing half-written for the failing customer")
        self.assertFalse(bad_invoice.collections_level_id, "its invoices did not move")
        self.assertEqual(good_invoice.collections_level_id, self.level_first)
        failed = self.events_of(bad)
        self.assertEqual(failed.state, "failed")
        self.assertIn("template engine exploded", failed.error)
        # Fixed: the next run contacts it, once, reusing today's failed step.
        result = self.run_followup()
        self.assertEqual(result.contacted, 1)
        self.assertEqual(len(self.mails_of(bad)), 1)
        self.assertEqual(len(self.mails_of(good)), 1)
        self.assertEqual(self.events_of(bad).state, "queued")

    def test_crash_mid_batch_then_rerun_contacts_everyone_exactly_once(self):
        customers = [self.make_customer(f"Batch {index}") for index in range(7)]
        for customer in customers:
            self.make_invoice(customer, 100, 8)
        committed = []
        batches = []

        def commit_progress(cron, processed=0, remaining=None, deactivate=False):
            # What ir.cron does between batches: make the work so far durable.
            self.env.flush_all()
            committed.append(self.env.cr.savepoint(flush=False))
            return float("inf")

        Channel = type(self.env["collections.channel"])
        original_queue = Channel._email_queue

        def queue_then_crash(channel, company, today, decisions, *args):
            batches.append(decisions)
            values = original_queue(channel, company, today, decisions, *args)
            if len(batches) == 3:
                raise SimulatedCrash()
            return values

        # Not assertRaises: Odoo's version rolls the whole block back, and with it the "commits".
        crashed = False
        with (
            patch.object(type(self.env["ir.cron"]), "_commit_progress", commit_progress),
            patch.object(Channel, "_email_queue", queue_then_crash),
        ):
            try:
                self.run_followup(commit=True, batch_size=2)
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        # The process died in the third batch: only what was committed survives.
        committed[-1].rollback()
        self.env.invalidate_all()
        self.assertEqual(len(self.env["mail.mail"].search([("model", "=", "res.partner")])), 4)

        self.run_followup(commit=False, batch_size=2)
        for customer in customers:
            self.assertEqual(len(self.mails_of(customer)), 1, f"{customer.name} contacted exactly once")
            self.assertEqual(len(self.events_of(customer)), 1)

    def test_a_second_full_run_of_the_company_waits_for_nothing(self):
        customer = self.make_customer("Concurrent")
        self.make_invoice(customer, 100, 8)
        # Another worker (a real second connection) is running the follow-up of this company.
        other = sql_db.db_connect(self.env.cr.dbname).cursor()
        try:
            other.execute("SELECT pg_advisory_lock(4277, %s)", [self.company.id])
            result = self.run_followup()
            self.assertTrue(result.busy)
            self.assertFalse(self.events_of(customer))
            # A manager tries 'Run now' meanwhile.
            action = self.env["collections.preview"].with_user(self.manager)._action_run_now()
            self.assertEqual(action["params"]["type"], "warning")
        finally:
            other.execute("SELECT pg_advisory_unlock(4277, %s)", [self.company.id])
            other.close()
        self.assertEqual(self.run_followup().contacted, 1, "once the other run is over")
