"""Generated values at the create and write of agreements, promises and disputes, as the collectors who record them."""

import contextlib
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from odoo import Command

from ..collections_addon.engine import (
    GRACE_DAYS,
    INSTALLMENTS,
    MAX_AMOUNT,
)
from .common import TODAY
from .common_input import (
    COUNTS,
    DATES,
    NUMBERS,
    PROPERTIES,
    TEXTS,
    InputCase,
    fields_of,
    mostly,
)


class TestAgreementInputProperties(InputCase):
    """Agreements, promises and disputes: collectors, and a manager in the second company."""

    # ------------------------------------------------------------------
    # Agreements, promises, disputes (collectors; a manager in the second company)
    # ------------------------------------------------------------------

    def partners(self):
        return mostly(st.just(self.customer.id), st.sampled_from((self.other_customer | self.customer_2).ids))

    def invoice_sets(self):
        """Mostly open invoices of the customer, else any invoices: of another customer, of the other company."""
        own = (self.invoice_old | self.invoice_recent | self.invoice_not_due).ids
        return mostly(
            st.lists(st.sampled_from(own), min_size=1, max_size=2, unique=True),
            st.lists(st.sampled_from(self.invoices.ids), max_size=3, unique=True),
        ).map(lambda ids: [Command.set(ids)])

    def agreement_values(self):
        return st.fixed_dictionaries(
            {},
            optional={
                "partner_id": self.partners(),
                "move_ids": self.invoice_sets(),
                "discount_type": st.sampled_from(["percent", "amount"]),
                "discount_value": NUMBERS,
                "charges_waived": NUMBERS,
                "installment_count": COUNTS,
                "first_date": DATES,
                "interval": st.sampled_from(["weekly", "biweekly", "monthly"]),
                "note": TEXTS,
            },
        )

    def assert_agreement(self, agreement, env):
        agreement = agreement.sudo()
        self.assertEqual(agreement.state, "draft")
        self.assertIsNone(INSTALLMENTS.problem(agreement.installment_count))
        self.assertGreaterEqual(agreement.discount_value, 0)
        self.assertLessEqual(agreement.discount_value, MAX_AMOUNT)
        if agreement.discount_type == "percent":
            self.assertLessEqual(agreement.discount_value, 100)
        self.assertGreaterEqual(agreement.charges_waived, 0)
        self.assertLessEqual(agreement.charges_waived, agreement.charges_amount)
        partner = agreement.partner_id.commercial_partner_id
        self.assertEqual(agreement.move_ids.commercial_partner_id, partner if agreement.move_ids else partner.browse())
        # The screen's next step either computes the schedule or says why not.
        schedule = self.attempt(
            lambda: agreement.with_env(env).action_compute_schedule(),
            lambda: self.count("collections.negotiation.installment"),
            tally=False,
        )
        if schedule:
            self.assertAlmostEqual(
                sum(agreement.installment_ids.mapped("amount")) + agreement.discount_amount,
                agreement.amount_total + agreement.charges_kept,
                places=2,
            )
            self.assertEqual(len(agreement.installment_ids), agreement.installment_count)

    def test_agreements(self):
        @PROPERTIES
        @given(values=self.agreement_values(), actor=self.actors())
        def create(values, actor):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(*actor)
                values = {"partner_id": self.customer.id, **values}
                snapshot = lambda: self.count("collections.negotiation", "collections.negotiation.installment")  # noqa: E731
                agreement = self.attempt(lambda: env["collections.negotiation"].create(values), snapshot)
                if agreement:
                    self.assert_agreement(agreement, env)

        target = (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_old.ids)]})
        )

        @PROPERTIES
        @given(values=self.agreement_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(self.collector)
                snapshot = lambda: self.values_of(target, list(values) or ["state"])  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_agreement(target, env)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def promise_values(self):
        return st.fixed_dictionaries(
            {
                "partner_id": self.partners(),
                "move_ids": self.invoice_sets(),
                "amount": NUMBERS,
                "date": DATES,
            },
            optional={
                "grace_days": COUNTS,
                "note": TEXTS,
                "source": st.sampled_from(["collector", "call", "portal"]),
            },
        )

    def assert_promise(self, promise):
        promise = promise.sudo()
        self.assertEqual(promise.state, "open")
        self.assertGreater(promise.amount, 0)
        self.assertLessEqual(promise.amount, promise.residual_at_promise + 0.005)
        self.assertTrue(TODAY <= promise.date <= TODAY + timedelta(days=365))
        self.assertIsNone(GRACE_DAYS.problem(promise.grace_days))
        self.assertEqual(promise.pause_until, promise.date + timedelta(days=promise.grace_days))
        self.assertTrue(promise.move_ids)
        self.assertEqual(promise.move_ids.commercial_partner_id, promise.partner_id.commercial_partner_id)
        overlapping = promise.search(
            [("id", "!=", promise.id), ("state", "=", "open"), ("move_ids", "in", promise.move_ids.ids)]
        )
        self.assertFalse(overlapping)

    def test_promises(self):
        @PROPERTIES
        @given(values=self.promise_values(), actor=self.actors())
        def create(values, actor):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(*actor)
                promise = self.attempt(
                    lambda: env["collections.promise"].create(values), lambda: self.count("collections.promise")
                )
                if promise:
                    self.assert_promise(promise)

        target = (
            self.env["collections.promise"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_recent.ids)],
                    "amount": 100,
                    "date": TODAY + timedelta(days=7),
                }
            )
        )

        @PROPERTIES
        @given(values=self.promise_values().flatmap(lambda values: st.sampled_from([{}, values, {"note": "x"}])))
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(self.collector)
                snapshot = lambda: self.values_of(target, list(values) or ["state"])  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_promise(target)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def dispute_values(self, required=()):
        return fields_of(
            {
                "reason": TEXTS,
                "partner_id": self.partners(),
                "move_ids": self.invoice_sets(),
                "user_id": st.sampled_from([self.collector.id, self.manager.id]),
                "resolution": TEXTS,
                "source": st.sampled_from(["collector", "call", "portal"]),
            },
            required,
        )

    def assert_dispute(self, dispute):
        dispute = dispute.sudo()
        self.assertEqual(dispute.state, "open")
        self.assertTrue(dispute.reason.strip())
        self.assertTrue(dispute.move_ids)
        self.assertEqual(dispute.move_ids.commercial_partner_id, dispute.partner_id.commercial_partner_id)

    def test_disputes(self):
        @PROPERTIES
        @given(values=self.dispute_values(required=("reason", "move_ids")), actor=self.actors())
        def create(values, actor):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(*actor)
                values = {"partner_id": self.customer.id, **values}
                dispute = self.attempt(
                    lambda: env["collections.dispute"].create(values),
                    lambda: self.count("collections.dispute", "mail.activity"),
                )
                if dispute:
                    self.assert_dispute(dispute)

        target = (
            self.env["collections.dispute"]
            .with_user(self.collector)
            .create(
                {
                    "partner_id": self.customer.id,
                    "move_ids": [Command.set(self.invoice_not_due.ids)],
                    "reason": "Wrong quantity",
                }
            )
        )

        @PROPERTIES
        @given(values=self.dispute_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(self.collector)
                snapshot = lambda: self.values_of(target, list(values))  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_dispute(target)

        self.check_both_ways(create)
        self.check_both_ways(write)
