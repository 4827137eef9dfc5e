from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, freeze_time, tagged

from .common import TODAY, CollectionsCase
from .test_protest import ProtestCase

# Monday of the test plan, 13:00 UTC: a business day, inside the default call windows.
TOUR_NOW = "2026-03-16 13:00:00"


@tagged("post_install", "-at_install")
@freeze_time(TOUR_NOW)
class TestWorklistTour(CollectionsCase, HttpCase):
    def test_collector_sends_a_reminder_from_the_worklist(self):
        customer = self.make_customer("Tour Customer")
        self.make_invoice(customer, 900, 61)
        # The protest step is manual: the run puts the customer on the worklist.
        self.runner._refresh_partners(customer, self.company)
        self.assertEqual(customer.with_company(self.company).collections_status, "to_contact")
        self.start_tour(
            "/odoo/action-collections_addon.collections_worklist_action",
            "collections_worklist_tour",
            login=self.collector.login,
        )
        self.assertEqual(
            self.env["account.move"].search([("partner_id", "=", customer.id)]).collections_level_id,
            self.level_protest,
        )


@tagged("post_install", "-at_install")
@freeze_time(TOUR_NOW)
class TestCallTour(CollectionsCase, HttpCase):
    def test_collector_logs_a_call_from_calls_today(self):
        customer = self.make_customer("Tour Caller", phone="+55 11 91234-5678")
        invoice = self.make_invoice(customer, 450, 25)
        call = (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": customer.id,
                    "company_id": self.company.id,
                    "level_id": self.level_call.id,
                    "channel": "call",
                    "state": "queued",
                    "move_ids": [Command.set(invoice.ids)],
                    "amount_due": 450,
                    "user_id": self.collector.id,
                    "call_planned_at": fields.Datetime.now() - timedelta(hours=1),
                }
            )
        )
        self.start_tour(
            "/odoo/action-collections_addon.collections_event_action_calls_today",
            "collections_call_tour",
            login=self.collector.login,
        )
        self.assertEqual((call.state, call.outcome), ("delivered", "promise"))
        self.assertEqual(call.notes, "Will pay by Pix on Friday")
        self.assertEqual(call.user_id, self.collector)
        promise = self.env["collections.promise"].search([("partner_id", "=", customer.id)])
        self.assertEqual(promise.date, TODAY + timedelta(days=7))
        self.assertEqual((promise.move_ids, promise.amount, promise.source), (invoice, 450.0, "call"))


@tagged("post_install", "-at_install")
@freeze_time(TOUR_NOW)
class TestProtestTour(ProtestCase, HttpCase):
    def test_manager_sends_a_protest_and_records_the_protocol(self):
        protest = self.new_protest()
        self.start_tour(
            f"/odoo/action-collections_addon.collections_protest_action/{protest.id}",
            "collections_protest_tour",
            login=self.manager.login,
        )
        self.assertEqual((protest.state, protest.protocol_number), ("protocolled", "PROT-TOUR-7"))
        self.assertEqual(protest.send_means, "bank")
        self.assertTrue(protest.name.startswith("PRT/"))
        self.assertGreater(protest.deadline_date, protest.protocol_date)
        self.assertLess(protest.deadline_date.weekday(), 5, "the last day to pay is a business day")
