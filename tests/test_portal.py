from datetime import timedelta

from odoo import Command, fields
from odoo.http import Request
from odoo.tests import HttpCase, freeze_time, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestPortal(CollectionsCase, HttpCase):
    """The customer's side: agreement page, accept/decline, promise and dispute from the invoice page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write({"max_installments": 6, "max_discount_percent": 10})
        cls.company.collections_negotiation_journal_id = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.customer = cls.make_customer("Portal Customer")
        cls.other_customer = cls.make_customer("Other Customer")

    def setUp(self):
        super().setUp()
        # A visitor with a session of their own, as when the customer opens the link from the e-mail.
        self.authenticate(None, None)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def make_agreement(self, partner, invoices, propose=True, **values):
        """The agreement the collector records and proposes (read back as the test's user)."""
        agreement = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": partner.id,
                    "move_ids": [Command.set(invoices.ids)],
                    "installment_count": 2,
                    "interval": "monthly",
                    "first_date": fields.Date.today() + timedelta(days=30),
                    **values,
                }
            )
        )
        if propose:
            agreement.action_propose()
        return agreement.with_env(self.env)

    def post(self, url, follow=True, **data):
        """A form post as the browser sends it; ``follow``: land on the page the answer redirects to."""
        return self.url_open(url, data={"csrf_token": Request.csrf_token(self), **data}, allow_redirects=follow)

    def assert_refused(self, response, *secrets):
        """The "invalid or expired link" page, showing none of ``secrets``."""
        self.assertEqual(response.status_code, 403)
        self.assertIn("This link is invalid or has expired", response.text)
        for secret in secrets:
            self.assertNotIn(secret, response.text)

    def get(self, url):
        return self.url_open(url, allow_redirects=False)

    # ------------------------------------------------------------------
    # Agreement page
    # ------------------------------------------------------------------

    def test_agreement_page_with_token_shows_the_schedule(self):
        invoice = self.make_invoice(self.customer, 1000, 20)
        agreement = self.make_agreement(self.customer, invoice)
        self.assertEqual(agreement.state, "proposed")
        response = self.get(agreement.get_portal_url())
        self.assertEqual(response.status_code, 200)
        html = response.text
        self.assertIn(agreement.name, html)
        self.assertIn(invoice.name, html)
        self.assertIn(self.company.name, html)
        self.assertIn("Portal Customer", html)
        self.assertIn("Proposed", html)
        self.assertEqual(html.count('class="o_collections_installment"'), 2)
        self.assertIn("500.00", html)
        for installment in agreement.installment_ids:
            self.assertIn(installment.date.strftime("%m/%d/%Y"), html)
        self.assertIn(f"/my/collections/agreement/{agreement.id}/accept", html)
        self.assertIn(f"/my/collections/agreement/{agreement.id}/decline", html)
        self.assertIn("report_type=pdf", html)

        pdf = self.get(agreement.get_portal_url(report_type="pdf", download=True))
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertIn("attachment", pdf.headers["Content-Disposition"])

    def test_agreement_page_refuses_missing_or_foreign_token(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20))
        foreign = self.make_agreement(self.other_customer, self.make_invoice(self.other_customer, 800, 20))
        foreign_token = foreign._portal_ensure_token()
        agreement._portal_ensure_token()
        base = f"/my/collections/agreement/{agreement.id}"
        for url in (
            base,
            f"{base}?access_token=",
            f"{base}?access_token={foreign_token}",
            f"{base}?access_token={foreign_token}&report_type=pdf&download=true",
            f"/my/collections/agreement/{agreement.id + 1000}?access_token={agreement.access_token}",
        ):
            with self.subTest(url=url):
                self.assert_refused(self.get(url), agreement.name, "500.00")
        # Regression (issue 10): a wrong link used to land on the login page with no word of explanation.
        page = self.url_open(f"{base}?access_token={foreign_token}")
        self.assertIn("/web/login", page.text, "a customer with an account can still sign in")
        self.assertNotIn(agreement.name, page.text)

        # Answers with a foreign token are refused too, and change nothing.
        self.assert_refused(self.post(f"{base}/accept", access_token=foreign_token, name="Intruder", follow=False))
        self.assert_refused(self.post(f"{base}/decline", access_token=foreign_token, reason="no", follow=False))
        self.assert_refused(self.post(f"{base}/accept", name="Intruder", follow=False))
        self.assertEqual(agreement.state, "proposed")
        self.assertFalse(agreement.accepted_by)

    def test_portal_users_see_their_own_agreements_only(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20))
        contact = self.env["res.partner"].create({"name": "Jane Buyer", "parent_id": self.customer.id})
        own_user = self.make_user("own_portal", "base.group_portal", partner_id=contact.id, name="Jane Buyer")
        other_user = self.make_user("other_portal", "base.group_portal", partner_id=self.other_customer.id)

        # The customer's own portal user needs no token.
        self.authenticate(own_user.login, own_user.login)
        page = self.get(f"/my/collections/agreement/{agreement.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn(agreement.name, page.text)
        response = self.post(f"/my/collections/agreement/{agreement.id}/accept", name="")
        self.assertIn("Your acceptance has been recorded", response.text)
        self.env.invalidate_all()
        self.assertEqual((agreement.state, agreement.accepted_by), ("active", "Jane Buyer"))

        self.authenticate(other_user.login, other_user.login)
        self.assert_refused(self.get(f"/my/collections/agreement/{agreement.id}"), agreement.name)

    def test_draft_agreement_is_never_shown(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20), propose=False)
        self.assertEqual(agreement.state, "draft")
        self.assert_refused(self.get(agreement.get_portal_url()), agreement.name)
        self.assert_refused(self.get(agreement.get_portal_url(report_type="pdf")), agreement.name)
        self.assert_refused(
            self.post(
                f"/my/collections/agreement/{agreement.id}/accept", follow=False, access_token=agreement.access_token
            )
        )
        self.assertEqual(agreement.state, "draft")

    def test_customer_accepts_the_agreement(self):
        invoice = self.make_invoice(self.customer, 1000, 20)
        agreement = self.make_agreement(self.customer, invoice)
        token = agreement._portal_ensure_token()
        response = self.post(
            f"/my/collections/agreement/{agreement.id}/accept", access_token=token, name="  Jane <b>Buyer</b> "
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your acceptance has been recorded", response.text)
        self.assertIn("Jane &lt;b&gt;Buyer&lt;/b&gt;", response.text, "the typed name is escaped")
        self.assertNotIn("<b>Buyer</b>", response.text)
        self.assertNotIn(f"/my/collections/agreement/{agreement.id}/accept", response.text, "no second answer")
        self.env.invalidate_all()
        self.assertEqual(agreement.state, "active")
        self.assertEqual(agreement.accepted_by, "Jane <b>Buyer</b>")
        self.assertEqual(agreement.accepted_ip, "127.0.0.1")
        self.assertTrue(agreement.accepted_date)
        self.assertEqual(agreement.move_id.state, "posted")
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual), "settled by the agreement")
        self.assertEqual(agreement.installment_ids.move_line_id.move_id, agreement.move_id)
        self.assertEqual((agreement.amount_total, agreement.amount_net), (1000, 1000), "the agreed amounts stay")

        # Answering again changes nothing and says so.
        again = self.post(f"/my/collections/agreement/{agreement.id}/accept", access_token=token, name="Someone")
        self.assertIn("no longer waiting for your answer", again.text)
        self.env.invalidate_all()
        self.assertEqual(agreement.accepted_by, "Jane <b>Buyer</b>")

    def test_accept_without_a_name_records_the_customer(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 600, 20))
        self.post(f"/my/collections/agreement/{agreement.id}/accept", access_token=agreement._portal_ensure_token())
        self.env.invalidate_all()
        self.assertEqual((agreement.state, agreement.accepted_by), ("active", "Portal Customer"))

    def test_customer_declines_the_agreement(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20))
        response = self.post(
            f"/my/collections/agreement/{agreement.id}/decline",
            access_token=agreement._portal_ensure_token(),
            reason="Two instalments are too few",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("You declined this agreement", response.text)
        self.env.invalidate_all()
        self.assertEqual(agreement.state, "cancelled")
        self.assertEqual(agreement.declined_reason, "Two instalments are too few")
        self.assertFalse(agreement.move_id)

    def test_answer_on_an_agreement_not_proposed_changes_nothing(self):
        # Ten instalments are beyond the plan's six: a manager must approve first.
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20), installment_count=10)
        self.assertEqual(agreement.state, "to_approve")
        token = agreement._portal_ensure_token()
        # Waiting for a manager is internal: the customer does not see it, even with the link.
        page = self.get(agreement.get_portal_url())
        self.assertNotIn(agreement.name, page.text)
        self.assertNotIn(f"/my/collections/agreement/{agreement.id}/accept", page.text)
        for action in ("accept", "decline"):
            with self.subTest(action=action):
                response = self.post(f"/my/collections/agreement/{agreement.id}/{action}", access_token=token)
                self.assertNotIn(agreement.name, response.text)
        self.env.invalidate_all()
        self.assertEqual(agreement.state, "to_approve")
        self.assertFalse(agreement.accepted_by or agreement.declined_reason or agreement.move_id)

    def test_failed_acceptance_is_explained_and_reported(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20))
        self.company.collections_negotiation_journal_id = False
        response = self.post(
            f"/my/collections/agreement/{agreement.id}/accept",
            access_token=agreement._portal_ensure_token(),
            name="Jane",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("could not be recorded online", response.text)
        self.env.invalidate_all()
        self.assertEqual(agreement.state, "proposed", "nothing half-written")
        self.assertFalse(agreement.accepted_by)
        self.assertTrue(agreement.activity_ids.filtered(lambda activity: activity.user_id == agreement.user_id))

    # ------------------------------------------------------------------
    # Promise to pay and dispute from the invoice page
    # ------------------------------------------------------------------

    def test_invoice_page_offers_promise_and_dispute(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        page = self.get(invoice.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"/my/collections/invoice/{invoice.id}/promise", page.text)
        self.assertIn(f"/my/collections/invoice/{invoice.id}/dispute", page.text)
        paid = self.make_invoice(self.customer, 300, 10)
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=paid.ids).create(
            {}
        )._create_payments()
        page = self.get(paid.get_portal_url())
        self.assertEqual(page.status_code, 200)
        self.assertNotIn(f"/my/collections/invoice/{paid.id}/promise", page.text)

    def test_customer_promises_to_pay_from_the_invoice_page(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        promised = fields.Date.today() + timedelta(days=7)
        response = self.post(
            f"/my/collections/invoice/{invoice.id}/promise",
            access_token=invoice._portal_ensure_token(),
            date=fields.Date.to_string(promised),
            amount="120.50",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your promise to pay has been recorded", response.text)
        self.assertIn("You promised to pay", response.text)
        self.env.invalidate_all()
        promise = self.env["collections.promise"].search([("move_ids", "in", invoice.ids)])
        self.assertEqual(len(promise), 1)
        self.assertEqual(
            (promise.source, promise.date, promise.amount, promise.state, promise.partner_id),
            ("portal", promised, 120.5, "open", self.customer),
        )
        self.assertEqual(promise.company_id, self.company)
        self.assertFalse(promise.user_id.share)
        # The invoice leaves the follow-up until the promised date.
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        self.assertTrue(items)
        self.assertTrue(all(item.excluded for item in items))
        self.run_followup(partners=self.customer)
        self.assertFalse(self.events_of(self.customer).filtered(lambda event: event.state != "cancelled"))

        # A second promise on the same invoice is refused.
        again = self.post(
            f"/my/collections/invoice/{invoice.id}/promise",
            access_token=invoice.access_token,
            date=fields.Date.to_string(promised),
            amount="10",
        )
        self.assertIn("You already promised to pay this invoice", again.text)
        self.assertEqual(self.env["collections.promise"].search_count([("move_ids", "in", invoice.ids)]), 1)

        # Broken: a new promise goes through the collector for a while, not the portal.
        promise._mark_broken()
        self.env.flush_all()
        again = self.post(
            f"/my/collections/invoice/{invoice.id}/promise",
            access_token=invoice.access_token,
            date=fields.Date.to_string(promised),
            amount="10",
        )
        self.assertIn("An earlier promise on this invoice was not kept", again.text)
        self.assertEqual(self.env["collections.promise"].search_count([("move_ids", "in", invoice.ids)]), 1)

    def test_promise_with_bad_input_is_refused(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        token = invoice._portal_ensure_token()
        today = fields.Date.today()
        cases = [
            ({"date": fields.Date.to_string(today - timedelta(days=2)), "amount": "100"}, "cannot be in the past"),
            ({"date": fields.Date.to_string(today + timedelta(days=5)), "amount": "300.01"}, "at most what is still"),
            ({"date": fields.Date.to_string(today + timedelta(days=5)), "amount": "0"}, "above zero"),
            ({"date": fields.Date.to_string(today + timedelta(days=5)), "amount": "-5"}, "above zero"),
            ({"date": fields.Date.to_string(today + timedelta(days=5)), "amount": "nan"}, "above zero"),
            ({"date": fields.Date.to_string(today + timedelta(days=5)), "amount": "abc"}, "above zero"),
            ({"date": "2026-13-45", "amount": "100"}, "Enter the date you will pay"),
            ({"date": "", "amount": "100"}, "Enter the date you will pay"),
            ({"date": fields.Date.to_string(today + timedelta(days=400)), "amount": "100"}, "must be within"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post(f"/my/collections/invoice/{invoice.id}/promise", access_token=token, **data)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertFalse(self.env["collections.promise"].search([("move_ids", "in", invoice.ids)]))

    def test_customer_disputes_the_invoice(self):
        self.customer.with_company(self.company).collections_responsible_id = self.collector
        invoice = self.make_invoice(self.customer, 300, 10)
        response = self.post(
            f"/my/collections/invoice/{invoice.id}/dispute",
            access_token=invoice._portal_ensure_token(),
            reason="The service was <b>never</b> delivered",
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your dispute has been recorded", response.text)
        self.assertNotIn(f"/my/collections/invoice/{invoice.id}/promise", response.text, "no promise while disputed")
        self.env.invalidate_all()
        dispute = self.env["collections.dispute"].search([("move_ids", "in", invoice.ids)])
        self.assertEqual(
            (dispute.state, dispute.source, dispute.user_id, dispute.partner_id),
            ("open", "portal", self.collector, self.customer),
        )
        self.assertEqual(dispute.reason, "The service was <b>never</b> delivered")
        self.assertTrue(dispute.activity_ids.filtered(lambda activity: activity.user_id == self.collector))
        items = self.runner._open_items(self.company, self.customer)[self.customer.id]
        self.assertTrue(all(item.excluded for item in items))

    def test_dispute_owner_falls_back_to_the_salesperson(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        invoice.invoice_user_id = self.manager
        self.post(
            f"/my/collections/invoice/{invoice.id}/dispute",
            access_token=invoice._portal_ensure_token(),
            reason="Wrong price",
        )
        self.env.invalidate_all()
        self.assertEqual(
            self.env["collections.dispute"].search([("move_ids", "in", invoice.ids)]).user_id, self.manager
        )

    def test_dispute_without_reason_is_refused(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        response = self.post(
            f"/my/collections/invoice/{invoice.id}/dispute", access_token=invoice._portal_ensure_token(), reason="   "
        )
        self.assertIn("Tell us why you dispute this invoice", response.text)
        self.assertFalse(self.env["collections.dispute"].search([("move_ids", "in", invoice.ids)]))

    def test_promise_and_dispute_need_the_invoice_token(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        other_invoice = self.make_invoice(self.other_customer, 300, 10)
        invoice._portal_ensure_token()
        date = fields.Date.to_string(fields.Date.today() + timedelta(days=3))
        for token in (None, "", "not-a-token", other_invoice._portal_ensure_token()):
            with self.subTest(token=token):
                data = {} if token is None else {"access_token": token}
                self.assert_refused(
                    self.post(
                        f"/my/collections/invoice/{invoice.id}/promise", follow=False, date=date, amount="10", **data
                    )
                )
                self.assert_refused(
                    self.post(f"/my/collections/invoice/{invoice.id}/dispute", reason="No", **data, follow=False)
                )
        self.assertFalse(self.env["collections.promise"].search([("move_ids", "in", invoice.ids)]))
        self.assertFalse(self.env["collections.dispute"].search([("move_ids", "in", invoice.ids)]))

    def test_the_reminder_link_with_a_wrong_token_explains_itself(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        token = invoice._portal_ensure_token()
        self.assertEqual(self.get(f"/my/invoices/{invoice.id}?access_token={token}").status_code, 200)
        for url in (
            f"/my/invoices/{invoice.id}?access_token=expired",
            f"/my/invoices/{invoice.id + 1000}?access_token={token}",
        ):
            with self.subTest(url=url):
                self.assert_refused(self.get(url), invoice.name)

    def test_an_invoice_in_an_agreement_is_not_promised_again_online(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        self.make_agreement(self.customer, invoice)
        token = invoice._portal_ensure_token()
        page = self.get(f"/my/invoices/{invoice.id}?access_token={token}")
        self.assertIn("part of a payment agreement", page.text)
        self.assertNotIn("o_collections_promise_form", page.text)
        date = fields.Date.to_string(fields.Date.today() + timedelta(days=3))
        self.post(f"/my/collections/invoice/{invoice.id}/promise", access_token=token, date=date, amount="10")
        self.assertFalse(self.env["collections.promise"].search([("move_ids", "in", invoice.ids)]))

    def test_a_promise_beyond_the_portal_window_is_explained_on_the_page(self):
        invoice = self.make_invoice(self.customer, 300, 10)
        page = self.get(f"/my/invoices/{invoice.id}?access_token={invoice._portal_ensure_token()}")
        self.assertIn("up to 60 days ahead", page.text)
        self.assertIn("For a later date, please contact us", page.text)

    def test_agreement_is_sent_by_e_mail_with_the_pdf_and_the_link(self):
        agreement = self.make_agreement(self.customer, self.make_invoice(self.customer, 1000, 20))
        action = agreement.with_context(force_report_rendering=True).action_send()
        composer = (
            self.env["mail.compose.message"].with_context(**action["context"], force_report_rendering=True).create({})
        )
        composer._action_send_mail()
        message = agreement.message_ids.filtered(lambda message: message.attachment_ids)[:1]
        self.assertIn(self.customer, message.partner_ids)
        self.assertIn(agreement.get_portal_url(), message.body)
        attachment = message.attachment_ids
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertTrue(attachment.raw.startswith(b"%PDF"))
        self.assertIn(agreement.name.replace("/", "_"), attachment.name.replace("/", "_"))
