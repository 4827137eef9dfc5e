"""Charges profiles and rate tables, as the manager who sets them and the collector who reads them."""

from datetime import date
from decimal import Decimal

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..collections_addon.engine.charges import CORRECTION_MODES, INTEREST_MODES, RATE_INDEXES, charges_for
from .common import NOON, CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestCharges(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Profile = cls.env["collections.charges.profile"]
        cls.contract = cls.Profile.create(
            {"name": "Contract", "fine_percent": 2, "interest_mode": "contract", "monthly_rate": 1}
        )
        cls.legal = cls.Profile.create(
            {"name": "Legal", "fine_percent": 2, "interest_mode": "legal", "correction_mode": "ipca"}
        )
        cls.customer = cls.make_customer("Paula Person")

    def test_selections_are_the_engine_codes(self):
        for model, name, codes in (
            ("collections.charges.profile", "interest_mode", INTEREST_MODES),
            ("collections.charges.profile", "correction_mode", CORRECTION_MODES),
            ("collections.rate.index", "code", RATE_INDEXES),
        ):
            self.assertEqual(tuple(code for code, _label in self.env[model]._fields[name].selection), codes)

    def test_the_manager_creates_a_profile_on_its_form(self):
        form = Form(self.Profile.with_user(self.manager))
        form.name = "Two percent and one a month"
        form.fine_percent = 2
        form.interest_mode = "contract"
        form.monthly_rate = 1
        form.grace_days = 3
        form.is_company_default = True
        form.account_id = self.company_data["default_account_revenue"]
        profile = form.save()
        self.assertEqual(self.company.collections_charges_profile_id, profile)
        self.assertEqual((profile.fine_cap_individual, profile.grace_days), (2, 3))

    def test_a_fine_above_the_cap_for_individuals_is_refused(self):
        form = Form(self.Profile.with_user(self.manager))
        form.name = "Ten percent"
        form.fine_percent = 10
        with self.assertRaisesRegex(
            ValidationError,
            r"Fine \(%\): 10 % is above the cap for individuals \(2 %\) of the profile 'Ten percent'\. "
            r"Lower the fine to 2 % or less",
        ):
            form.save()
        form.applies_to_individuals = False
        self.assertEqual(form.save().fine_percent, 10)
        with self.assertRaisesRegex(ValidationError, "Monthly Interest Rate"):
            self.contract.with_user(self.manager).monthly_rate = -1

    def test_a_stale_table_shows_its_warning(self):
        ipca = self.env.ref("collections_addon.collections_rate_index_ipca").with_user(self.manager)
        taxa = self.env.ref("collections_addon.collections_rate_index_taxa_legal").with_user(self.manager)
        self.assertFalse(Form(taxa).is_stale)
        ipca.value_ids.filtered(lambda value: value.month >= date(2026, 1, 1)).unlink()
        form = Form(ipca)
        self.assertTrue(form.is_stale)
        self.assertIn("out of date: its last month is 2025-12", form.stale_warning)
        with self.assertRaisesRegex(ValidationError, "Month: enter the first day of the month"):
            ipca.value_ids = [Command.create({"month": date(2026, 1, 15), "percent": 0.3})]

    def test_the_customer_profile_wins_then_the_plan_then_the_company(self):
        company_default = self.Profile.create({"name": "Company default", "is_company_default": True})
        partner = self.customer.with_user(self.manager)
        self.assertEqual(partner._collections_charges_profile(self.company), company_default)
        self.policy.charges_profile_id = self.legal
        self.assertEqual(partner._collections_charges_profile(self.company), self.legal)
        partner.collections_charges_profile_id = self.contract
        self.assertEqual(partner._collections_charges_profile(self.company), self.contract)
        # Company-dependent: the other company still has no profile for this customer.
        self.assertFalse(partner._collections_charges_profile(self.company_2))

    def test_the_collector_reads_profiles_but_does_not_write_them(self):
        self.assertEqual(self.contract.with_user(self.collector).monthly_rate, 1)
        with self.assertRaises(AccessError):
            self.contract.with_user(self.collector).monthly_rate = 3
        with self.assertRaises(AccessError):
            self.Profile.with_user(self.collector).create({"name": "Mine"})
        ipca = self.env.ref("collections_addon.collections_rate_index_ipca")
        with self.assertRaises(AccessError):
            ipca.value_ids[:1].with_user(self.collector).percent = 9

    def test_charges_of_two_invoices_are_the_engines(self):
        first = self.make_invoice(self.customer, 1000, 30)
        second = self.make_invoice(self.customer, 500, 45)
        self.customer.collections_charges_profile_id = self.contract
        charges = self.customer.with_user(self.collector)._collections_charges(first | second, date(2026, 3, 16))
        # 1000: fine 20, 30 days at 1 % a month 10; 500: fine 10, 45 days 7.50.
        self.assertEqual((charges[first.id].fine, charges[first.id].interest, charges[first.id].total), (20, 10, 1030))
        self.assertEqual(charges[second.id].total, Decimal("517.50"))
        self.customer.collections_charges_profile_id = self.legal
        charges = self.customer.with_user(self.collector)._collections_charges(first | second, date(2026, 3, 16))
        tables = self.env["collections.rate.index"]._collections_tables()
        expected = charges_for(
            500, second.invoice_date_due, date(2026, 3, 16), self.legal._collections_engine_profile(), True, tables
        )
        self.assertEqual(charges[second.id], expected)
        self.assertGreater(expected.correction, 0)

    def test_a_profile_for_companies_is_refused_for_an_individual(self):
        invoice = self.make_invoice(self.customer, 100, 10)
        self.customer.collections_charges_profile_id = self.Profile.create(
            {"name": "Companies only", "fine_percent": 10, "applies_to_individuals": False}
        )
        with self.assertRaisesRegex(UserError, f"The charges of {invoice.name} cannot be computed: The fine"):
            self.customer.with_user(self.collector)._collections_charges(invoice, date(2026, 3, 16))
        business = self.make_customer("Busy Company", is_company=True)
        business.collections_charges_profile_id = self.customer.collections_charges_profile_id
        other = self.make_invoice(business, 100, 10)
        self.assertEqual(business._collections_charges(other, date(2026, 3, 16))[other.id].fine, 10)

    def test_a_profile_of_another_company_is_not_visible(self):
        other = self.Profile.create({"name": "Branch profile", "company_id": self.company_2.id})
        manager = self.Profile.with_user(self.manager).with_context(allowed_company_ids=self.company.ids)
        self.assertNotIn(other, manager.search([]))
        self.assertNotIn(other, self.Profile.with_user(self.collector).search([]))
        self.assertIn(
            other, self.Profile.with_user(self.manager).with_context(allowed_company_ids=self.company_2.ids).search([])
        )
