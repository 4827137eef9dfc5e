"""Agreement charges with the Brazilian chart: the profile's income account defaults to Outras Receitas Financeiras.

Runs only on a database with ``l10n_br`` (tag ``collections_l10n_br``).
"""

from odoo.tests import freeze_time, tagged

from .common import TODAY, CollectionsCase
from .common_negotiation import NegotiationCase


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(TODAY)
class TestAgreementChargesBrazil(NegotiationCase):
    @classmethod
    @CollectionsCase.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.profile = cls.env["collections.charges.profile"].create(
            {"name": "Multa 2 % e juros 1 % ao mês", "fine_percent": 2, "interest_mode": "contract", "monthly_rate": 1}
        )
        cls.profile.is_company_default = True

    def test_agreed_charges_go_to_other_financial_income(self):
        self.assertEqual(self.profile.account_id.code, "3.01.01.05.01.05")
        agreement = self.negotiation()
        agreement.action_propose()
        agreement.action_accept()
        line = agreement.move_id.line_ids.filtered(lambda line: line.account_id == self.profile.account_id)
        self.assertEqual(line.credit, agreement.charges_kept)
        self.assertGreater(line.credit, 0)
