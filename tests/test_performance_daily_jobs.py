"""The daily jobs cost the same number of queries for a few records as for many: promises, agreements, notary
protests and holds, each run as its cron's user on the day it has work."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.tests import tagged

from .common import NOON, TODAY
from .common_negotiation import NegotiationCase
from .common_performance import JobQueryCountMixin
from .common_protest import ProtestCase
from .common_run import RunCase

PROMISES_CRON = "collections_addon.ir_cron_collections_promises"
PROTESTS_CRON = "collections_addon.ir_cron_collections_protests"
HOLDS_CRON = "collections_addon.ir_cron_collections_holds"


def on(moment, function):
    """``function`` run at ``moment`` (the job's day), whatever the clock of the test."""

    def run():
        with freeze_time(moment):
            function()

    return run


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPromiseAndAgreementJobsQueryCount(JobQueryCountMixin, NegotiationCase):
    """Promises and agreements recorded by the collector; the daily job keeps, fulfils or breaks them."""

    def customer_with_invoices(self, name):
        customer = self.make_customer(name)
        return customer, self.make_invoice(customer, 600, 40) | self.make_invoice(customer, 400, 20)

    def test_promises_job(self):
        """Half the promises kept (paid), half broken (unpaid past the grace days) on Monday the 23rd."""
        job = self.as_job(PROMISES_CRON, "collections.promise", counted_tasks=True)._cron_check_promises

        def make(count, prefix):
            promises = self.env["collections.promise"]
            for index in range(count):
                customer, invoices = self.customer_with_invoices(f"{prefix} {index}")
                promises |= self.promise(partner_id=customer.id, move_ids=[Command.set(invoices[:1].ids)])
                if index % 2:
                    self.pay(invoices[:1].line_ids.filtered("debit"), 600)
            return promises

        _few, many = self.assert_job_constant(on("2026-03-23 12:00:00", job), make)
        self.assertEqual(sorted(many.mapped("state")), ["broken"] * 6 + ["kept"] * 6)
        broken = many.filtered(lambda promise: promise.state == "broken")
        self.assertEqual(len(broken.partner_id.activity_ids), 6, "a task for each broken promise")

    def test_agreements_job(self):
        """Accepted agreements whose first instalment (Monday the 23rd) is unpaid past the grace days: broken."""
        job = self.as_job(PROMISES_CRON, "collections.negotiation", counted_tasks=True)._cron_check_agreements

        def make(count, prefix):
            negotiations = self.env["collections.negotiation"]
            for index in range(count):
                customer, invoices = self.customer_with_invoices(f"{prefix} {index}")
                negotiation = self.negotiation(partner_id=customer.id, move_ids=[Command.set(invoices.ids)])
                negotiation.action_propose()
                negotiation.action_accept()
                negotiations |= negotiation
            return negotiations

        _few, many = self.assert_job_constant(on("2026-03-30 12:00:00", job), make)
        self.assertEqual(set(many.mapped("state")), {"broken"})
        self.assertEqual(len(many.activity_ids), 12, "a task for each broken agreement")


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestProtestJobQueryCount(JobQueryCountMixin, ProtestCase):
    def test_protest_job(self):
        """Protests protocolled today: on their last day to pay, a task each; paid outside the notary, another."""
        job = self.as_job(PROTESTS_CRON, "collections.protest", counted_tasks=True)

        def make(count, prefix):
            protests = self.env["collections.protest"]
            for index in range(count):
                customer = self.make_customer(f"{prefix} {index}", vat="123.456.789-09")
                protest = self.new_protest(self.make_invoice(customer, 1000, 70))
                self.send(protest, TODAY)
                self.step(protest, "protocol", TODAY, protocol_number=f"PROT-{prefix}-{index}")
                if index % 2:
                    self.pay_invoice(protest.move_id)
                protests |= protest
            return protests

        _few, many = self.assert_job_constant(on("2026-03-19 12:00:00", job._cron_protest_followup), make)
        self.assertEqual(len(many.activity_ids), 18, "the last day for each, and a withdrawal for the paid ones")
        self.assertEqual(set(many.mapped("deadline_reminder_date")), {date(2026, 3, 19)})


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestHoldsJobQueryCount(JobQueryCountMixin, RunCase):
    def test_holds_job(self):
        """On Monday the 23rd: pauses until Saturday end (with a task), pauses until Monday get a review task."""
        hold_job = self.as_job(HOLDS_CRON, "collections.hold", counted_tasks=True)

        def make(count, prefix):
            customers = self.env["res.partner"]
            for index in range(count):
                customer = self.make_customer(f"{prefix} {index}")
                self.make_invoice(customer, 500, 8)
                customer.with_company(self.company).collections_responsible_id = self.collector
                until = date(2026, 3, 21) if index % 2 else date(2026, 3, 23)
                customer.with_user(self.collector).with_company(self.company).write(
                    {"collections_paused_until": until, "collections_pause_reason": "On holiday"}
                )
                customers |= customer
            return customers

        job = on("2026-03-23 12:00:00", lambda: hold_job._cron_holds(commit=False))
        _few, many = self.assert_job_constant(job, make)
        holds = self.env["collections.hold"].search([("partner_id", "in", many.ids)])
        self.assertEqual(sorted(holds.mapped("state")), ["active"] * 6 + ["ended"] * 6)
        tasks = self.env["mail.activity"].search([("res_model", "=", "res.partner"), ("res_id", "in", many.ids)])
        summaries = ["Hold ended: On holiday"] * 6 + ["Hold ends: On holiday"] * 6
        self.assertEqual(sorted(tasks.mapped("summary")), summaries)
