"""Shared fixtures of the agreement, promise and dispute tests: a plan with limits, its accounting set up, a customer
with two open invoices, and helpers that act as the collector who really records them."""

from datetime import date

from odoo import Command

from .common import TODAY, CollectionsCase


class NegotiationCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy.write(
            {
                "max_discount_percent": 10,
                "max_installments": 6,
                "min_installment_amount": 50,
                "installment_grace_days": 5,
                "promise_grace_days": 2,
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.discount_account = cls.env["account.account"].search(
            [("account_type", "=", "expense"), ("company_ids", "in", cls.company.id)], limit=1
        )
        cls.company.write(
            {
                "collections_negotiation_journal_id": cls.journal.id,
                "collections_discount_account_id": cls.discount_account.id,
            }
        )
        cls.customer = cls.make_customer("Negotia Ltda", phone="+55 11 91234-5678")
        cls.invoice_a = cls.make_invoice(cls.customer, 600, 40)
        cls.invoice_b = cls.make_invoice(cls.customer, 400.01, 20)

    def negotiation(self, user=None, **values):
        """A draft agreement on both invoices, created by the collector (or ``user``)."""
        return (
            self.env["collections.negotiation"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set((self.invoice_a | self.invoice_b).ids)],
                    "installment_count": 3,
                    "first_date": date(2026, 3, 21),  # a Saturday: moved to Monday the 23rd
                    "interval": "monthly",
                    **values,
                }
            )
        )

    def promise(self, user=None, **values):
        """The collector records that the customer will pay invoice A (600) on Friday the 20th."""
        return (
            self.env["collections.promise"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_a.ids)],
                    "amount": 600,
                    "date": date(2026, 3, 20),
                    **values,
                }
            )
        )

    def dispute(self, user=None, **values):
        """The collector records that the customer disputes invoice B."""
        return (
            self.env["collections.dispute"]
            .with_user(user or self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_b.ids)],
                    "reason": "Wrong price",
                    **values,
                }
            )
        )

    def pay(self, lines, amount, when=TODAY):
        self.env["account.payment.register"].with_context(
            active_model="account.move.line", active_ids=lines.ids
        ).create({"amount": amount, "payment_date": when})._create_payments()
