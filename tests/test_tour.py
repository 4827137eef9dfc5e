from datetime import date, datetime, time, timedelta

from odoo import Command
from odoo.tests import HttpCase, freeze_time, tagged

from .common import SAO_PAULO, TODAY, CollectionsCase
from .common_negotiation import NegotiationCase
from .common_protest import BRUSSELS, LATE_EVENING, ProtestCase

# Browser tests see the server at a pinned moment: the test Monday, mid-morning.
TOUR_MOMENT = datetime.combine(TODAY, time(10, 0))
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
@freeze_time(TOUR_NOW)
class TestProtestTour(ProtestCase, HttpCase):
    def test_a_protest_moves_through_its_steps_on_screen(self):
        """The manager sends a protest to the notary from Brussels; the collector in São Paulo records the
        protocol the same evening, then the notification and the protest on the last day to pay."""
        self.company.partner_id.tz = SAO_PAULO
        self.manager.tz = BRUSSELS
        self.collector.tz = SAO_PAULO
        branch_customer = self.make_customer("Cliente da Filial Ltda", vat="222.333.444-55")
        branch_invoice = self.make_invoice(branch_customer, 500, 70, company=self.company_2)
        proposed_customer = self.make_customer("Atacado Proposto Ltda", vat="333.444.555-66")
        with freeze_time(LATE_EVENING):
            proposal = self.new_protest(self.make_invoice(proposed_customer, 700, 70))
            # Tuesday 00:30 in Brussels, Monday 20:30 in São Paulo and for the company.
            self.start_tour(
                f"/odoo/action-account.action_move_out_invoice_type/{branch_invoice.id}",
                "collections_protest_send_tour",
                login=self.manager.login,
                cookies={"cids": f"{self.company.id}-{self.company_2.id}"},
            )
        self.assertFalse(self.env["collections.protest"].search([("move_id", "=", branch_invoice.id)]))
        protest = self.env["collections.protest"].search([("move_id", "=", self.invoice.id)])
        self.assertEqual((protest.state, protest.sent_date, protest.notary_id), ("sent", TODAY, self.notary))
        self.assertTrue(protest.name.startswith("PRT/"))

        with freeze_time(LATE_EVENING + timedelta(minutes=10)):
            self.start_tour(
                "/odoo/action-collections_addon.collections_protest_action",
                "collections_protest_protocol_tour",
                login=self.collector.login,
            )
        self.assertEqual((protest.state, protest.protocol_number), ("protocolled", "PROT-TOUR-7"))
        # Monday 16: Tuesday, Wednesday, Thursday.
        last_day = TODAY + timedelta(days=3)
        self.assertEqual((protest.protocol_date, protest.deadline_date), (TODAY, last_day))

        with freeze_time(datetime.combine(last_day, time(14, 0))):
            self.start_tour(
                "/odoo/action-collections_addon.collections_protest_action",
                "collections_protest_outcome_tour",
                login=self.collector.login,
            )
        self.assertEqual(
            (protest.state, protest.notification_date, protest.protest_date), ("protested", last_day, last_day)
        )
        self.assertTrue(self.customer.collections_protested)
        self.assertEqual(proposal.state, "draft")


@tagged("post_install", "-at_install")
@freeze_time(TOUR_MOMENT)
class TestAgreementTours(NegotiationCase, HttpCase):
    """Agreements on screen, each step by the person who takes it, in a database with two companies."""

    def test_collector_proposes_within_the_limits_from_the_customer(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "collections_agreement_within_limits_tour",
            login=self.collector.login,
        )
        agreement = self.env["collections.negotiation"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((agreement.state, agreement.installment_count), ("proposed", 3))
        self.assertEqual(agreement.move_ids, self.invoice_a | self.invoice_b)
        self.assertEqual(agreement.user_id, self.collector)

    def test_collector_proposes_beyond_the_limits_and_a_manager_approves(self):
        customer = self.make_customer("Generous Ltda")
        invoice = self.make_invoice(customer, 900, 45)
        self.start_tour(
            "/odoo/action-collections_addon.collections_negotiation_action",
            "collections_agreement_beyond_limits_tour",
            login=self.collector.login,
        )
        agreement = self.env["collections.negotiation"].search([("partner_id", "=", customer.id)])
        self.assertEqual((agreement.state, agreement.move_ids), ("to_approve", invoice))
        self.assertIn(self.manager, agreement.activity_ids.user_id, "the manager of both companies is asked")
        self.start_tour(
            f"/odoo/action-collections_addon.collections_negotiation_action/{agreement.id}",
            "collections_agreement_approval_tour",
            login=self.manager.login,
        )
        self.assertEqual((agreement.state, agreement.approved_by_id), ("proposed", self.manager))
        self.assertEqual(agreement.decision_reason, "Loyal customer for ten years")

    def test_customer_accepts_on_the_portal(self):
        agreement = self.negotiation(discount_value=5)
        agreement.action_propose()
        self.start_tour(
            f"{agreement.get_portal_url()}",
            "collections_agreement_portal_tour",
        )
        self.assertEqual((agreement.state, agreement.accepted_by), ("active", "Maria Cliente"))
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")), {"paid"})


@tagged("post_install", "-at_install")
@freeze_time(TOUR_MOMENT)
class TestPromiseDisputeTour(NegotiationCase, HttpCase):
    def test_collector_records_a_promise_and_a_dispute(self):
        self.start_tour(
            f"/odoo/res.partner/{self.customer.id}",
            "collections_promise_dispute_tour",
            login=self.collector.login,
        )
        promise = self.env["collections.promise"].search([("partner_id", "=", self.customer.id)])
        dispute = self.env["collections.dispute"].search([("partner_id", "=", self.customer.id)])
        self.assertEqual((promise.state, promise.date, promise.user_id), ("open", date(2026, 3, 27), self.collector))
        self.assertEqual(len(promise.move_ids), 1)
        self.assertEqual((dispute.state, dispute.reason), ("open", "The goods arrived damaged"))
        self.assertEqual(promise.move_ids | dispute.move_ids, self.invoice_a | self.invoice_b)
        self.assertFalse(promise.move_ids & dispute.move_ids)
        self.assertEqual(self.customer.with_company(self.company).collections_status, "disputed")
