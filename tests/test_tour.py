from odoo.tests import HttpCase, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
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
