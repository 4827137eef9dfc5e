"""Legal charges in agreements: itemised on the form and the documents, waived within the plan's limit (above it a
manager approves), booked on the charges profile's income account when the customer accepts."""

from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, freeze_time, tagged

from .common import TODAY, text_of
from .common_negotiation import NegotiationCase


class ChargesCase(NegotiationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.max_waiver_percent = 50
        cls.income_account = cls.company._collections_charges_income_account()
        # 2 % fine and 1 % a month: invoice A (600, 40 days late) 12.00 + 8.00, B (400.01, 20 days) 8.00 + 2.67.
        cls.profile = cls.env["collections.charges.profile"].create(
            {
                "name": "Two percent and one a month",
                "company_id": cls.company.id,
                "fine_percent": 2,
                "interest_mode": "contract",
                "monthly_rate": 1,
            }
        )
        cls.profile.is_company_default = True

    def agreement_form(self, waived=0.0):
        """The collector drafts an agreement on both invoices in three instalments, as on the screen."""
        form = Form(self.env["collections.negotiation"].with_user(self.collector))
        form.partner_id = self.customer
        form.move_ids.add(self.invoice_a)
        form.move_ids.add(self.invoice_b)
        form.installment_count = 3
        form.first_date = date(2026, 3, 23)
        form.charges_waived = waived
        return form


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestAgreementCharges(ChargesCase):
    def test_the_charges_are_itemised_on_the_form_as_invoices_change(self):
        form = Form(self.env["collections.negotiation"].with_user(self.collector))
        form.partner_id = self.customer
        form.move_ids.add(self.invoice_a)
        self.assertEqual((form.charges_fine, form.charges_interest, form.charges_amount), (12.0, 8.0, 20.0))
        self.assertEqual(form.amount_net, 620.0)
        form.move_ids.add(self.invoice_b)
        self.assertEqual((form.charges_fine, form.charges_interest, form.charges_correction), (20.0, 10.67, 0.0))
        self.assertEqual((form.charges_amount, form.charges_kept), (30.67, 30.67))
        self.assertEqual(form.charges_profile_id, self.profile)
        form.charges_waived = 10.67
        self.assertEqual(form.charges_kept, 20.0)
        self.assertAlmostEqual(form.amount_net, 1000.01 + 20.0, places=2)
        form.move_ids.remove(self.invoice_b.id)
        self.assertEqual(form.charges_amount, 20.0)
        agreement = self.agreement_form(waived=10.67).save()
        self.assertEqual(agreement.charges_date, TODAY)
        agreement.action_compute_schedule()
        self.assertAlmostEqual(sum(agreement.installment_ids.mapped("amount")), 1020.01, places=2)

    def test_accepted_agreement_books_the_agreed_charges_on_the_income_account(self):
        self.assertTrue(self.income_account, "the chart's other income account is the profile's default")
        self.assertEqual(self.profile.account_id, self.income_account)
        agreement = self.agreement_form(waived=10.67).save()  # 34.79 % of the charges: within the 50 % limit
        agreement.action_propose()
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(agreement.limit_report)
        self.assertFalse(agreement.move_id, "nothing is posted before the customer accepts")
        self.assertFalse(self.env["account.move.line"].search_count([("account_id", "=", self.income_account.id)]))
        # The customer sees the charges itemised in the agreement's document.
        html = text_of(self.render_html("collections_addon.action_report_collections_agreement", agreement))
        self.assertIn("Fine $ 20.00", html)
        self.assertIn("Interest $ 10.67", html)
        self.assertIn("Charges waived - $ 10.67", html)
        agreement.action_accept()
        self.assertEqual(agreement.state, "active")
        entry = agreement.move_id
        self.assertEqual(entry.state, "posted")
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)
        charges_line = entry.line_ids.filtered(lambda line: line.account_id == self.income_account)
        self.assertEqual((charges_line.credit, charges_line.debit), (20.0, 0.0))
        self.assertIn("fine", charges_line.name)
        self.assertIn("interest", charges_line.name)
        self.assertIn("waived", charges_line.name)
        self.assertEqual(charges_line.partner_id, self.customer)
        self.assertAlmostEqual(sum(agreement.installment_ids.mapped("amount")), 1020.01, places=2)
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")), {"paid"})
        self.assertEqual(agreement.charges_kept, 20.0, "the agreed charges stay once the invoices are settled")
        agreement.action_cancel()
        self.assertEqual(set((self.invoice_a | self.invoice_b).mapped("payment_state")), {"not_paid"})

    def test_a_waiver_above_the_limit_needs_a_manager(self):
        agreement = self.agreement_form(waived=30.67).save()  # every charge: 100 % > 50 %
        agreement.action_propose()
        self.assertEqual(agreement.state, "to_approve")
        self.assertIn("100.00% of the charges waived (limit 50.00%)", agreement.limit_report)
        with self.assertRaisesRegex(UserError, "Only a proposed agreement"):
            agreement.action_accept()
        decision = Form(
            self.env["collections.negotiation.decision"]
            .with_user(self.manager)
            .with_context(default_negotiation_id=agreement.id)
        )
        decision.reason = "The customer paid on time for ten years"
        decision.save().action_approve()
        self.assertEqual(agreement.state, "proposed")
        agreement.with_user(self.collector).action_accept()
        entry = agreement.move_id
        self.assertFalse(entry.line_ids.filtered(lambda line: line.account_id == self.income_account))
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)
        self.assertAlmostEqual(sum(agreement.installment_ids.mapped("amount")), 1000.01, places=2)

    def test_an_impossible_waiver_is_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "Charges Waived"):
            self.agreement_form(waived=-1).save()
        with self.assertRaisesRegex(ValidationError, r"cannot exceed the charges of the invoices \(\$\s?30.67\)"):
            self.agreement_form(waived=30.68).save()
        agreement = self.agreement_form(waived=30.67).save()
        with self.assertRaisesRegex(ValidationError, "cannot exceed the charges"), self.env.cr.savepoint():
            agreement.write({"move_ids": [Command.unlink(self.invoice_a.id)]})
        self.assertEqual(agreement.charges_amount, 30.67)

    def test_charges_kept_without_an_income_account_are_refused(self):
        self.profile.account_id = False
        agreement = self.agreement_form(waived=5).save()
        with self.assertRaisesRegex(UserError, "has no Charges Income Account"):
            agreement.action_propose()
        self.assertEqual(agreement.state, "draft")
        # Waiving every charge needs no income account (a manager approves the waiver).
        agreement.charges_waived = 30.67
        agreement.action_propose()
        self.assertEqual(agreement.state, "to_approve")

    def test_the_charges_of_a_proposal_stay_those_the_customer_saw(self):
        agreement = self.agreement_form().save()
        agreement.action_propose()
        with freeze_time(TODAY + timedelta(days=3)):
            agreement.action_accept()
        self.assertEqual(agreement.charges_amount, 30.67)
        charges_line = agreement.move_id.line_ids.filtered(lambda line: line.account_id == self.income_account)
        self.assertEqual(charges_line.credit, 30.67)

    def test_a_draft_computed_later_counts_the_charges_on_that_day(self):
        agreement = self.agreement_form().save()
        with freeze_time(TODAY + timedelta(days=30)):
            agreement.action_compute_schedule()
        self.assertEqual(agreement.charges_date, TODAY + timedelta(days=30))
        self.assertGreater(agreement.charges_interest, 10.67)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestSettledByAgreement(ChargesCase, HttpCase):
    """An invoice an accepted agreement settled names the agreement: on its form and on the customer's pages."""

    def test_the_invoice_shows_the_agreement_that_settled_it(self):
        agreement = self.agreement_form(waived=10.67).save()
        agreement.action_propose()
        invoice = Form(self.invoice_a.with_user(self.collector))
        self.assertFalse(invoice.collections_settled_by_id, "proposed: nothing settled yet")
        # The customer reads the agreement with its charges itemised before accepting it.
        self.authenticate(None, None)
        page = text_of(self.url_open(agreement.get_portal_url()).text)
        self.assertIn("Fine $ 20.00", page)
        self.assertIn("Charges waived - $ 10.67", page)
        agreement.action_accept()
        invoice = Form(self.invoice_a.with_user(self.collector))
        self.assertEqual(invoice.collections_settled_by_id, agreement)
        self.assertEqual(invoice.payment_state, "paid")
        arch = self.env["account.move"].get_view(view_type="form")["arch"]
        self.assertIn("Settled by agreement", arch)
        page = self.url_open(self.invoice_a.get_portal_url())
        self.assertIn("o_collections_settled_by", page.text)
        self.assertIn(f"Settled by agreement {agreement.name}", text_of(page.text))
        self.assertIn(f"/my/collections/agreement/{agreement.id}?access_token=", page.text)
        # Cancelled, the agreement's entry is reversed: the invoice is open again and settled by nothing.
        agreement.action_cancel()
        self.assertFalse(Form(self.invoice_a.with_user(self.collector)).collections_settled_by_id)
        self.assertNotIn("o_collections_settled_by", self.url_open(self.invoice_a.get_portal_url()).text)

    def test_the_customer_list_of_invoices_names_the_agreement(self):
        agreement = self.agreement_form().save()
        agreement.action_propose()
        agreement.action_accept()
        portal_user = self.env["res.users"].create(
            {
                "name": "Negotia Portal",
                "login": "negotia_portal",
                "password": "negotia_portal",
                "partner_id": self.customer.id,
                "group_ids": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        self.authenticate(portal_user.login, "negotia_portal")
        page = text_of(self.url_open("/my/invoices").text)
        self.assertIn(f"Settled by agreement {agreement.name}", page)


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestDiscountCreditNote(NegotiationCase):
    """Company setting *Discounts on Taxed Invoices through a Credit Note*: the discount lowers the tax base."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.collections_discount_credit_note = True
        cls.taxed = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.customer.id,
                "invoice_date": TODAY - timedelta(days=30),
                "invoice_date_due": TODAY - timedelta(days=10),
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Consulting", "quantity": 1, "price_unit": 1000, "tax_ids": cls.tax_sale_a.ids}
                    )
                ],
            }
        )
        cls.taxed.action_post()

    def test_the_setting_is_offered_in_the_collections_settings(self):
        settings = Form(self.env["res.config.settings"])
        settings.collections_discount_credit_note = False
        settings.save().execute()
        self.assertFalse(self.company.collections_discount_credit_note)

    def test_the_discount_on_a_taxed_invoice_is_a_proportional_credit_note(self):
        total = self.taxed.amount_total  # 1000 + tax
        form = Form(self.env["collections.negotiation"].with_user(self.collector))
        form.partner_id = self.customer
        form.move_ids.add(self.taxed)
        form.move_ids.add(self.invoice_a)  # untaxed: its share of the discount stays on the discount account
        form.installment_count = 2
        form.discount_value = 10
        agreement = form.save()
        agreement.action_propose()
        self.assertFalse(agreement.discount_move_ids, "nothing is posted before the customer accepts")
        agreement.action_accept()
        credit_note = agreement.discount_move_ids
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "posted"))
        self.assertEqual(credit_note.reversed_entry_id, self.taxed)
        self.assertAlmostEqual(credit_note.amount_untaxed, 100.0, places=2)
        self.assertAlmostEqual(credit_note.amount_total, total * 0.1, places=2)
        self.assertEqual(credit_note.line_ids.tax_line_id, self.tax_sale_a)
        entry = agreement.move_id
        self.assertAlmostEqual(sum(entry.line_ids.mapped("debit")), sum(entry.line_ids.mapped("credit")), places=2)
        discount_line = entry.line_ids.filtered(lambda line: line.account_id == self.discount_account)
        self.assertAlmostEqual(discount_line.debit, 60.0, places=2)  # 10 % of the untaxed invoice A
        self.assertEqual(self.invoice_a.payment_state, "paid")
        # Odoo calls an invoice matched with a credit note and an entry "reversed": the banner says what happened.
        self.assertEqual((self.taxed.payment_state, self.taxed.amount_residual), ("reversed", 0.0))
        self.assertAlmostEqual(agreement.amount_total, total + 600, places=2)
        self.assertAlmostEqual(sum(agreement.installment_ids.mapped("amount")), (total + 600) * 0.9, places=2)
        self.assertEqual(Form(self.taxed.with_user(self.collector)).collections_settled_by_id, agreement)
        agreement.action_cancel()
        self.assertEqual(credit_note.state, "cancel")
        self.assertAlmostEqual(self.taxed.amount_residual, total, places=2)
        self.assertEqual(self.invoice_a.payment_state, "not_paid")

    def test_without_taxes_the_entry_books_the_discount_as_before(self):
        agreement = self.negotiation(discount_value=5)
        agreement.action_propose()
        agreement.action_accept()
        self.assertFalse(agreement.discount_move_ids)
        discount_line = agreement.move_id.line_ids.filtered(lambda line: line.account_id == self.discount_account)
        self.assertAlmostEqual(discount_line.debit, 50.0, places=2)
