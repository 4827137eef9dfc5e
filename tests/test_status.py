from datetime import date, datetime, time

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from .common import TODAY
from .test_negotiation import NegotiationCase
from .test_protest import ProtestCase


def at(day, hour=12):
    return freeze_time(datetime.combine(day, time(hour, 0)))


@tagged("post_install", "-at_install")
@at(TODAY)
class TestCustomerStatus(NegotiationCase):
    """Overdue debt never disappears from view: the status says what is going on."""

    def status(self, customer=None):
        customer = (customer or self.customer).with_company(self.company)
        customer.invalidate_recordset()
        return customer.with_user(self.collector).collections_status

    def overdue_customers(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_overdue_action")
        return self.env["res.partner"].with_user(self.collector).search(safe_eval(action["domain"]))

    def test_a_promise_recorded_on_screen_shows_promised_and_keeps_the_debt_visible(self):
        action = self.customer.with_user(self.collector).action_collections_promise()
        form = Form(self.env[action["res_model"]].with_user(self.collector).with_context(action["context"]))
        self.assertEqual(form.move_ids[:], self.invoice_a | self.invoice_b)
        form.date = date(2026, 3, 27)
        form.save()
        self.assertEqual(self.status(), "promised")
        customer = self.customer.with_user(self.collector).with_company(self.company)
        self.assertIn(customer, self.overdue_customers())
        self.assertAlmostEqual(customer.collections_overdue_amount, 1000.01, places=2)
        self.assertIn("Promised", customer.collections_status_note)
        self.assertIn("03/27/2026", customer.collections_status_note)

    def test_a_proposed_agreement_holds_its_invoices_and_names_the_status(self):
        self.negotiation().action_propose()
        self.assertEqual(self.status(), "agreement")
        self.assertIn(self.customer.with_user(self.collector), self.overdue_customers())
        # The letter step reached meanwhile must not go out while the customer answers the offer.
        self.level_first.send_letter = True
        self.run_followup()
        self.assertFalse(self.events_of(self.customer))
        note = self.customer.with_user(self.collector).with_company(self.company).collections_status_note
        self.assertIn("Agreement AGR/", note)

    def test_a_dispute_shows_disputed(self):
        self.env["collections.dispute"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set((self.invoice_a | self.invoice_b).ids)],
                "reason": "Never delivered",
            }
        )
        self.assertEqual(self.status(), "disputed")
        self.assertIn(self.customer.with_user(self.collector), self.overdue_customers())

    def test_what_is_still_chased_wins_over_what_is_held(self):
        self.env["collections.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_a.ids)], "reason": "Wrong price"}
        )
        self.run_followup()
        self.assertEqual(self.events_of(self.customer, channel="email").move_ids, self.invoice_b)
        self.assertIn(self.status(), ("overdue", "to_contact"))

    def test_a_promise_cannot_cover_a_disputed_invoice(self):
        self.env["collections.dispute"].with_user(self.collector).create(
            {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_b.ids)], "reason": "Damaged"}
        )
        with self.assertRaisesRegex(ValidationError, "cannot be promised"), self.env.cr.savepoint():
            self.env["collections.promise"].with_user(self.collector).create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set((self.invoice_a | self.invoice_b).ids)],
                    "amount": 500,
                    "date": date(2026, 3, 20),
                }
            )
        self.assertFalse(self.env["collections.promise"].search([("partner_id", "=", self.customer.id)]))
        # The dialog offers only what can be promised.
        action = self.customer.with_user(self.collector).action_collections_promise()
        self.assertEqual(action["context"]["default_move_ids"][0][2], self.invoice_a.ids)

    def test_a_pre_due_reminder_never_goes_out_after_the_due_date(self):
        customer = self.make_customer("Late Already")
        self.make_invoice(customer, 300, 2)
        self.run_followup()
        self.assertFalse(self.events_of(customer), "the 'before the due date' reminder is not sent two days late")
        self.assertEqual(self.status(customer), "overdue")

    def test_a_broken_promise_puts_the_customer_on_the_worklist_with_the_reason(self):
        self.env["collections.promise"].with_user(self.collector).create(
            {
                "partner_id": self.customer.id,
                "move_ids": [Command.set(self.invoice_a.ids)],
                "amount": 600,
                "date": date(2026, 3, 17),
            }
        )
        with at(date(2026, 3, 21)):  # a Saturday, past the grace days
            self.env["collections.promise"]._cron_check_promises()
            self.assertEqual(self.status(), "to_contact")
            note = self.customer.with_user(self.collector).with_company(self.company).collections_status_note
            self.assertIn("Promise to pay broken", note)
            worklist = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_worklist_action")
            self.assertIn(
                self.customer.with_user(self.collector),
                self.env["res.partner"].with_user(self.collector).search(safe_eval(worklist["domain"])),
            )

    def test_a_failed_reminder_stays_on_the_worklist_over_the_weekend(self):
        customer = self.make_customer("No Address", email=False, phone="+55 11 98765-4321")
        self.make_invoice(customer, 250, 8)
        with at(date(2026, 3, 20)):  # Friday: the reminder cannot go out
            self.run_followup()
            self.assertEqual(self.status(customer), "to_contact")
        with at(date(2026, 3, 21)):  # Saturday's run holds everyone, but the task is still open
            self.run_followup()
            self.assertEqual(self.status(customer), "to_contact")
            listed = customer.with_user(self.collector).with_company(self.company)
            self.assertIn("no e-mail address", listed.collections_status_note)
            self.assertEqual(listed.phone, "+55 11 98765-4321")

    def test_every_engine_status_has_a_label(self):
        from ..collections_addon.engine import STATUSES

        selection = dict(self.env["res.partner"]._fields["collections_status"].selection)
        self.assertEqual(tuple(selection), STATUSES)


@tagged("post_install", "-at_install")
@at(TODAY)
class TestNotaryStatus(ProtestCase):
    def test_a_title_at_the_notary_shows_at_the_notary(self):
        self.protest_until("protocolled")
        customer = self.customer.with_company(self.company).with_user(self.collector)
        customer.invalidate_recordset()
        self.assertEqual(customer.collections_status, "notary")
        self.assertIn("at the notary", customer.collections_status_note)
