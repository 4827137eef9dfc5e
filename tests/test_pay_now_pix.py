"""Pix with the Brazilian localization: the QR code and its "copia e cola" at the amount due now.

Runs only on a database with ``l10n_br`` (``./dev.sh test`` makes one; tag ``collections_l10n_br``): the module
itself never depends on the localization.
"""

from odoo.tests import freeze_time, tagged

from .common import NOON, CollectionsCase, text_of
from .common_pay_now import PayNowMixin
from .common_run import RunCase

PIX_KEY = "71d6c6e1-64ea-4a11-9560-a10870c40ca2"


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(NOON)
class TestPixPayNow(PayNowMixin, CollectionsCase):
    @classmethod
    @CollectionsCase.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.city = "São Paulo"
        cls.setup_pay_now(cls.company, bank_values={"proxy_type": "br_random", "proxy_value": PIX_KEY})
        cls.customer = cls.make_customer("Pedro Pagador", is_company=True)
        cls.older = cls.make_invoice(cls.customer, 1000, 30)
        cls.newer = cls.make_invoice(cls.customer, 500, 10)

    def pay_now(self):
        PayNow = self.env["collections.pay.now"].with_user(self.collector)
        moves = (self.older | self.newer).with_user(self.collector)
        return PayNow._pay_now(self.company, {self.customer.id: moves})[self.customer.id]

    def test_the_pix_code_asks_for_the_updated_amount(self):
        pay = self.pay_now()
        self.assertEqual(self.company.currency_id.name, "BRL")
        self.assertIn("br.gov.bcb.pix", pay.qr_text)
        self.assertIn(PIX_KEY, pay.qr_text)
        self.assertIn("54071541.67", pay.qr_text)  # tag 54, 7 characters: principal 1,500.00 + charges 41.67
        crc = self.pay_bank._get_crc16(pay.qr_text[:-4].encode())
        self.assertEqual(pay.qr_text[-4:], format(crc, "04x").upper())
        self.assertTrue(pay.qr_url.startswith(self.company.get_base_url() + "/report/barcode/?"))
        self.assertEqual(pay.text_code(459), pay.qr_text)

    def test_the_pix_code_asks_for_the_principal_when_charges_are_for_information(self):
        self.charges_profile.charges_in_payment = "inform"
        self.assertIn("54071500.00", self.pay_now().qr_text)

    def test_a_company_without_a_pix_key_has_no_qr_code(self):
        self.pay_bank.proxy_type = "none"
        pay = self.pay_now()
        self.assertEqual((pay.qr_url, pay.qr_text), ("", ""))


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(NOON)
class TestPixInMessages(PayNowMixin, RunCase):
    """The Pix QR code and its "copia e cola" in the e-mail, the text messages and the printed letter."""

    @classmethod
    @CollectionsCase.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.city = "São Paulo"
        cls.setup_pay_now(cls.company, bank_values={"proxy_type": "br_random", "proxy_value": PIX_KEY})
        cls.customer = cls.make_customer("Paula Pagadora", phone="+55 11 91234-5678")
        cls.invoice = cls.make_invoice(cls.customer, 1000, 8)  # fine 20.00 + interest 2.67

    def copia_e_cola(self):
        pay = self.env["collections.pay.now"]._pay_now(self.company, {1: self.invoice})[1]
        self.assertIn("54071022.67", pay.qr_text)
        return pay

    def test_the_e_mail_shows_the_pix_qr_code_and_its_copia_e_cola(self):
        self.run_followup()
        mail = self.mails_of(self.customer)
        pay = self.copia_e_cola()
        self.assertIn(pay.qr_text, text_of(mail.body_html))
        self.assertIn(f'src="{pay.qr_url.replace("&", "&amp;")}"', mail.body_html)
        self.assertIn("/report/barcode/?barcode_type=QR", pay.qr_url)
        self.assertIn(pay.qr_text, text_of(mail.mail_message_id.body), "the chatter keeps the code")

    def test_an_sms_carries_the_copia_e_cola_when_it_fits_else_the_link(self):
        short = self.make_script("sms", "{{ customer }}, Pix: {{ pay_code }}")
        self.level_first.write({"send_email": False, "send_sms": True, "sms_script_id": short.id})
        self.run_followup()
        pay = self.copia_e_cola()
        self.assertEqual(self.events_of(self.customer, channel="sms").body, f"Paula Pagadora, Pix: {pay.qr_text}")

    def test_an_sms_too_long_for_the_copia_e_cola_carries_the_short_link(self):
        long_text = "{{ customer }}: {{ pay_code }} " + "Obrigado. " * 30
        self.level_first.write(
            {"send_email": False, "send_sms": True, "sms_script_id": self.make_script("sms", long_text).id}
        )
        self.run_followup()
        body = self.events_of(self.customer, channel="sms").body
        self.assertNotIn(self.copia_e_cola().qr_text, body)
        short_link = f"{self.company.get_base_url()}/pay/{self.invoice.id}/"
        self.assertTrue(body.startswith(f"Paula Pagadora: {short_link}"), body)
        self.assertLessEqual(len(body), 459)

    def test_the_letter_prints_the_pix_qr_code_and_its_copia_e_cola(self):
        script = self.make_script("letter", "Please pay {{ amount_due_now }}.")
        self.level_first.write({"send_email": False, "send_letter": True, "letter_script_id": script.id})
        self.run_followup()
        letter = self.events_of(self.customer, channel="letter")
        html = self.render_html("collections_addon.action_report_collections_letter", letter, user=self.collector)
        pay = self.copia_e_cola()
        self.assertIn(pay.qr_text, text_of(html))
        self.assertIn('src="data:image/png;base64,', html, "printed: the QR image is in the page")
        self.assertIn("Please pay R$", text_of(html))
