"""Credit hold without Sales: the second test database (``collections_test_br``: collections_addon and the
Brazilian localization, no Sales) proves the hold is computed and shown on the customer, invoicing goes on, and
nothing of the Sales bridge is there."""

from odoo.tests import freeze_time, tagged

from .common import NOON, CollectionsCase
from .common_run import FOLLOWUP_CRON


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(NOON)
class TestCreditHoldWithoutSales(CollectionsCase):
    @classmethod
    @CollectionsCase.setup_country("br")
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.make_customer("Sem Vendas Ltda")
        cls.invoice = cls.make_invoice(cls.customer, 500, 10)

    def test_the_hold_is_computed_without_sales_and_invoices_still_post(self):
        self.assertNotIn("sale.order", self.env.registry, "this database must not have Sales")
        self.assertNotIn("collections.credit.hold.release", self.env.registry)
        self.policy.with_user(self.manager).credit_hold_level_id = self.level_first
        cron_user = self.env.ref(FOLLOWUP_CRON).sudo().user_id
        self.runner.with_user(cron_user)._run(self.company)
        customer = self.customer.with_company(self.company)
        self.assertTrue(customer.collections_credit_hold)
        self.assertIn("level", customer.collections_credit_hold_reason)
        invoice = self.make_invoice(self.customer, 120, -10)
        self.assertEqual(invoice.state, "posted")
