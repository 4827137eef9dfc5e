"""Shared set-up of the payment QR code and link tests: a charges profile, a bank account, a payment provider."""

from urllib.parse import parse_qs, urlsplit


class PayNowMixin:
    """Mixed into a CollectionsCase: what a company needs for its reminders to carry a way to pay."""

    @classmethod
    def setup_pay_now(cls, company, collect=True, bank_values=None, provider=True):
        """A 2 % fine + 1 % a month profile as ``company``'s default, its bank account in a bank journal, Odoo's QR
        codes on, and (``provider``) a payment provider in test mode so that invoices can be paid online."""
        cls.charges_profile = cls.env["collections.charges.profile"].create(
            {
                "name": "Two percent and one a month",
                "company_id": company.id,
                "fine_percent": 2,
                "interest_mode": "contract",
                "monthly_rate": 1,
                "charges_in_payment": "collect" if collect else "inform",
            }
        )
        cls.charges_profile.is_company_default = True
        cls.pay_bank = cls.env["res.partner.bank"].create(
            {"acc_number": "0001-123456-7", "partner_id": company.partner_id.id, **(bank_values or {})}
        )
        journal = cls.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], order="sequence, id", limit=1
        )
        journal.bank_account_id = cls.pay_bank
        company.qr_code = True
        if provider:
            cls.env["payment.provider"].create({"name": "Test cards", "company_id": company.id, "state": "test"})

    @staticmethod
    def link_query(link):
        """The path and query parameters of a payment link."""
        parts = urlsplit(link)
        return parts.path, {name: values[0] for name, values in parse_qs(parts.query).items()}
