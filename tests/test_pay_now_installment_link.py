"""An agreement's instalment paid online: its "Pay online" link on the agreement's portal page is Odoo's own payment
page (``/payment/pay``) signed for the instalment's amount, and the payment of that link's transaction, once done,
is reconciled with the instalment's receivable line."""

import html
import re

from odoo.tests import freeze_time, tagged

from .common import NOON, text_of
from .test_pay_now_pages import PayNowPagesCase

LINK = re.compile(r'href="([^"]*/payment/pay\?[^"]*)"')


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestPayNowInstallmentLink(PayNowPagesCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider = cls.env["payment.provider"].search([("company_id", "=", cls.company.id)], limit=1)
        # What a real provider gets from Odoo when it is set up: its payment method on a bank journal, with the
        # outstanding receipts account its payments are booked on.
        outstanding = (
            cls.env["account.account"]
            .with_company(cls.company)
            .create(
                {"name": "Outstanding receipts", "code": "OUTREC", "account_type": "asset_current", "reconcile": True}
            )
        )
        cls.env["account.payment.method.line"].create(
            {
                "journal_id": cls.provider.journal_id.id,
                "payment_method_id": cls.env.ref("account.account_payment_method_manual_in").id,
                "payment_provider_id": cls.provider.id,
                "payment_account_id": outstanding.id,
                "name": "Test cards",
            }
        )

    def page_links(self, agreement):
        response = self.url_open(agreement.get_portal_url())
        self.assertEqual(response.status_code, 200)
        return response, [html.unescape(link) for link in LINK.findall(response.text)]

    def test_each_open_instalment_has_its_own_signed_payment_link(self):
        agreement = self.booked_agreement(self.older)
        installments = agreement.installment_ids.sorted("sequence")
        response, links = self.page_links(agreement)
        self.assertEqual(len(links), 2, "one link per open instalment")
        self.assertEqual(response.text.count("Pay online"), 2)
        for installment, link in zip(installments, links, strict=True):
            path, query = self.link_query(link)
            self.assertEqual(path, "/payment/pay")
            self.assertEqual(float(query["amount"]), installment.amount_residual)
            self.assertEqual(query["reference"], f"{agreement.name}/{installment.sequence}")
            self.assertEqual(int(query["partner_id"]), agreement.partner_id.id)
            self.assertEqual(int(query["currency_id"]), installment.currency_id.id)
            self.assertEqual(int(query["company_id"]), self.company.id)
            # Odoo's payment page accepts the signature and asks the instalment's amount...
            page = self.url_open(link)
            self.assertEqual(page.status_code, 200)
            self.assertIn(f"{installment.amount_residual:,.2f}", text_of(page.text))
            # ... and refuses the link once its amount is changed.
            tampered = link.replace(f"amount={query['amount']}", "amount=1.0")
            self.assertNotEqual(tampered, link)
            self.assertEqual(self.url_open(tampered).status_code, 404)

    def test_a_paid_instalment_has_no_link(self):
        agreement = self.booked_agreement(self.older)
        first = agreement.installment_ids.sorted("sequence")[0]
        self.pay_online(agreement, 0)
        self.assertEqual(first.payment_state, "paid")
        _response, links = self.page_links(agreement)
        self.assertEqual(len(links), 1, "the second instalment only")
        self.assertIn(f"{agreement.name}/2", self.link_query(links[0])[1]["reference"])

    def test_no_link_when_online_payment_is_off(self):
        self.env["ir.config_parameter"].sudo().set_param("account_payment.enable_portal_payment", "False")
        agreement = self.booked_agreement(self.older)
        _response, links = self.page_links(agreement)
        self.assertEqual(links, [])

    def pay_online(self, agreement, index):
        """The customer pays the ``index``-th link of the page through Odoo's payment route; the provider (test
        mode) confirms the transaction and Odoo post-processes it, as account_payment's own tests do."""
        _response, links = self.page_links(agreement)
        _path, query = self.link_query(links[index])
        self.make_jsonrpc_request(
            "/payment/transaction",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "token_id": None,
                "amount": float(query["amount"]),
                "currency_id": int(query["currency_id"]),
                "partner_id": int(query["partner_id"]),
                "access_token": query["access_token"],
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/payment/confirmation",
                "reference_prefix": query["reference"],
                "is_validation": False,
            },
        )
        tx = self.env["payment.transaction"].search([("reference", "=like", f"{query['reference']}%")], limit=1)
        self.assertTrue(tx, "the route created the transaction")
        tx._set_done()
        tx._post_process()
        return tx

    def test_the_payment_of_the_link_pays_its_instalment(self):
        agreement = self.booked_agreement(self.older)
        first, second = agreement.installment_ids.sorted("sequence")
        tx = self.pay_online(agreement, 0)
        self.assertEqual(tx.collections_installment_id, first, "the reference traces the transaction back")
        self.assertEqual(tx.amount, first.amount)
        payment = tx.payment_id
        self.assertEqual(payment.move_id.state, "posted")
        self.assertTrue(first.move_line_id.reconciled)
        self.assertIn(first.move_line_id, payment.move_id.line_ids.matched_debit_ids.debit_move_id)
        self.assertEqual((first.amount_residual, first.payment_state), (0, "paid"))
        self.assertEqual((second.amount_residual, second.payment_state), (second.amount, "open"))
        agreement.invalidate_recordset()
        self.assertEqual(agreement.state, "active", "the instalment is paid: the agreement runs on")
        self.assertIn("Instalment 1 paid online", text_of(agreement.message_ids[0].body))

    def test_another_customers_payment_with_the_reference_is_not_matched(self):
        agreement = self.booked_agreement(self.older)
        first = agreement.installment_ids.sorted("sequence")[0]
        stranger = self.make_customer("Stranger")
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "reference": f"{agreement.name}/{first.sequence}",
                "amount": first.amount,
                "currency_id": first.currency_id.id,
                "partner_id": stranger.id,
                "operation": "online_direct",
            }
        )
        self.assertFalse(tx.collections_installment_id)
        tx._set_done()
        tx._post_process()
        self.assertTrue(tx.payment_id, "Odoo's payment, left for the accountant to match")
        self.assertEqual(first.payment_state, "open")
