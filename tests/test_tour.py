from datetime import date, datetime

from odoo import Command
from odoo.tests import HttpCase, freeze_time, tagged

from .common import CollectionsCase
from .test_protest import ProtestCase


@tagged("post_install", "-at_install")
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
class TestCallTour(CollectionsCase, HttpCase):
    # Monday 14:00 UTC is 11:00 in São Paulo: inside the plan's call window.
    @freeze_time("2026-03-16 14:00:00", tick=True)
    def test_collector_logs_a_call_from_calls_today(self):
        customer = self.make_customer("Tour Caller", phone="+55 11 91234-5678", tz="America/Sao_Paulo")
        invoice = self.make_invoice(customer, 450, 25)
        self.make_invoice(customer, 100, -5)  # coming due: not part of what is overdue
        self.run_followup(partners=customer)
        call = self.events_of(customer, channel="call")
        self.assertEqual(call.state, "queued")
        self.assertLess(call.call_planned_at, datetime(2026, 3, 16, 14, 5), "planned now")
        # Another customer's call is planned for tomorrow: not on today's list, one filter away.
        later = self.make_customer("Later Caller", phone="+55 11 95555-0000", tz="America/Sao_Paulo")
        self.env["collections.event"].sudo().create(
            {
                "partner_id": later.id,
                "company_id": self.company.id,
                "level_id": self.level_call.id,
                "channel": "call",
                "state": "queued",
                "move_ids": [Command.set(self.make_invoice(later, 300, 22).ids)],
                "amount_due": 300,
                "user_id": self.collector.id,
                "call_planned_at": datetime(2026, 3, 17, 12, 0),
            }
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
        self.assertEqual(promise.date, date(2026, 3, 23))
        # The promised amount was what is overdue, as the dialog proposed it.
        self.assertEqual((promise.move_ids, promise.amount, promise.source), (invoice, 450.0, "call"))
        # The chatter has the outcome and the notes of the call, not the script.
        logged = customer.message_ids.filtered(lambda message: "Will pay by Pix on Friday" in message.body)
        self.assertEqual(len(logged), 1)
        self.assertIn("Reached: promise to pay", logged.body)
        self.assertNotIn("Is everything ok", logged.body)
        self.assertNotIn("Call script", logged.body)


@tagged("post_install", "-at_install")
class TestProtestTour(ProtestCase, HttpCase):
    def test_manager_sends_a_protest_and_records_the_protocol(self):
        # Browser tests run on the real clock: a rule without calendar counts Monday to Friday.
        self.rule.calendar_id = False
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
