"""Pix with the Brazilian localization: the QR code and its "copia e cola" at the amount due now.

Runs only on a database with ``l10n_br`` (``./dev.sh test`` makes one; tag ``collections_l10n_br``): the module
itself never depends on the localization.
"""

from odoo.tests import freeze_time, tagged

from .common import NOON, CollectionsCase
from .common_pay_now import PayNowMixin

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
