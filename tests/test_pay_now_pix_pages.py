"""The Pix QR code and its "copia e cola" on the statement, the invoice's portal page and the agreement's portal page
(a database with ``l10n_br``: tag ``collections_l10n_br``)."""

import re
from datetime import timedelta

from odoo.tests import freeze_time, tagged

from .common import NOON, CollectionsCase, text_of
from .test_pay_now_pages import STATEMENT, STATEMENT_PDF, PayNowPagesCase
from .test_pay_now_pix import PIX_KEY


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(NOON)
class TestPixPages(PayNowPagesCase):
    @classmethod
    @CollectionsCase.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.city = "São Paulo"
        cls.pay_bank.write({"proxy_type": "br_random", "proxy_value": PIX_KEY})

    def copia_e_cola(self, moves):
        pay = self.env["collections.pay.now"]._pay_now(self.company, {1: moves})[1]
        self.assertIn(PIX_KEY, pay.qr_text)
        return pay

    def test_the_statement_carries_the_pix_code_of_the_amount_due_now(self):
        pay = self.copia_e_cola(self.older | self.newer)
        self.assertIn("54071541.67", pay.qr_text, "principal 1,500.00 + charges 41.67; not the invoice not yet due")
        html = self.render_html(STATEMENT, self.customer, user=self.collector)
        self.assertIn(pay.qr_text, text_of(html))
        self.assertIn(f'src="{pay.qr_url.replace("&", "&amp;")}"', html, "on screen: Odoo's barcode route")
        pdf_html = self.render_html(STATEMENT_PDF, self.customer, user=self.collector, data={"report_type": "pdf"})
        self.assertIn(pay.qr_text, text_of(pdf_html))
        self.assertIn('src="data:image/png;base64,', pdf_html, "printed: the QR image is in the page")

    def test_the_invoice_page_carries_the_pix_code_of_its_amount_due_now(self):
        pay = self.copia_e_cola(self.older)
        self.assertIn("54071030.00", pay.qr_text)
        response = self.url_open(self.older.get_portal_url())
        self.assertEqual(response.status_code, 200)
        self.assertIn(pay.qr_text, text_of(response.text))
        self.assertIn("Payment QR code", response.text)

    def test_each_open_instalment_has_its_own_pix_code(self):
        self.pay_bank.include_reference = True  # the bank account's "Include Reference" setting
        agreement = self.booked_agreement(self.older)
        # 1,000.00 with its agreed charges (20.00 fine + 10.00 interest), in two.
        self.assertEqual(agreement.installment_ids.mapped("amount"), [515.0, 515.0])
        response = self.url_open(agreement.get_portal_url())
        self.assertEqual(response.status_code, 200)
        text = text_of(response.text)
        pays = agreement.installment_ids._pay_nows()
        self.assertEqual(len(pays), 2)
        for installment in agreement.installment_ids:
            code = pays[installment.id].qr_text
            self.assertIn("5406515.00", code)
            # The reference, as Pix keeps it (letters and digits): the agreement's name and the instalment's number.
            self.assertIn(re.sub(r"[^A-Za-z0-9]", "", f"{agreement.name}/{installment.sequence}"), code)
            self.assertIn(code, text)
            self.assertIn("/payment/pay?", pays[installment.id].link, "and its own payment link")
        self.assertIn("Instalment 2", text)
        self.assertEqual(response.text.count("Pay online"), 2, "a Pay online button beside each Pix code")

    def test_a_late_instalment_reminder_asks_with_the_instalment_reference(self):
        self.pay_bank.include_reference = True
        payer = self.make_customer("Instalment Pagador")
        agreement = self.booked_agreement(self.make_invoice(payer, 1000, 30))
        first = agreement.installment_ids.sorted("sequence")[0]
        with freeze_time(NOON + timedelta(days=38)):  # the first instalment is 8 days late
            self.run_followup()
            pay = self.copia_e_cola(agreement.move_id)
        self.assertIn(re.sub(r"[^A-Za-z0-9]", "", first._payment_reference()), pay.qr_text, "as on the portal page")
        self.assertIn(pay.qr_text, text_of(self.mails_of(payer).body_html))
