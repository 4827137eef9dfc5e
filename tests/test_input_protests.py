"""Generated values at the create and write of protests, their costs and the protest rules."""

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from ..collections_addon.engine import (
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


class TestProtestInputProperties(InputCase):
    """Protests and their costs (collectors), protest rules (managers)."""

    # ------------------------------------------------------------------
    # Protests, their costs (collectors) and rules (managers)
    # ------------------------------------------------------------------

    def protest_values(self, required=()):
        return fields_of(
            {
                "move_id": mostly(
                    st.sampled_from((self.invoice_old | self.invoice_recent).ids),
                    st.sampled_from([False, *self.invoices.ids]),
                ),
                "move_line_id": st.sampled_from(
                    [
                        False,
                        *self.invoices.sudo().line_ids.filtered(lambda line: line.display_type == "payment_term").ids,
                    ]
                ),
                "notary_id": mostly(st.just(self.notary.id), st.sampled_from([False, self.customer.id])),
                "title_number": TEXTS,
                "user_id": st.sampled_from([False, self.collector.id, self.manager.id]),
            },
            required,
        )

    def assert_protest(self, protest):
        protest = protest.sudo()
        self.assertEqual(protest.state, "draft")
        self.assertGreater(protest.amount, 0)
        # A draft may lose its instalment (as when the invoice is rebuilt): sending then asks for it.
        if protest.move_line_id:
            self.assertEqual(protest.move_line_id.move_id, protest.move_id)
            self.assertAlmostEqual(protest.amount, protest.move_line_id.amount_residual_currency, places=2)
        self.assertTrue((protest.title_number or "").strip())
        if protest.move_line_id:
            self.assertEqual(
                protest.search_count([("move_line_id", "=", protest.move_line_id.id), ("state", "=", "draft")]), 1
            )

    def test_protests(self):
        @PROPERTIES
        @given(values=self.protest_values(required=("move_id",)), actor=self.actors())
        def create(values, actor):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(*actor)
                protest = self.attempt(
                    lambda: env["collections.protest"].create(values), lambda: self.count("collections.protest")
                )
                if protest:
                    self.assert_protest(protest)

        target = self.env["collections.protest"].with_user(self.collector).create({"move_id": self.invoice_old.id})

        @PROPERTIES
        @given(values=self.protest_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                env = self.env_of(self.collector)
                snapshot = lambda: self.values_of(target, [*values, "amount"])  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_protest(target)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def cost_values(self, required=()):
        return fields_of(
            {
                "name": TEXTS,
                "amount": NUMBERS,
                "date": DATES,
                "paid_by": st.sampled_from(["creditor", "debtor"]),
            },
            required,
        )

    def test_protest_costs(self):
        protest = self.env["collections.protest"].with_user(self.collector).create({"move_id": self.invoice_old.id})
        env = self.env_of(self.collector)

        def assert_cost(cost):
            cost = cost.sudo()
            self.assertGreater(cost.amount, 0)
            self.assertLessEqual(cost.amount, MAX_AMOUNT)
            self.assertTrue(cost.name.strip())
            self.assertEqual(
                protest.sudo().cost_creditor + protest.sudo().cost_debtor, sum(protest.cost_ids.mapped("amount"))
            )

        @PROPERTIES
        @given(values=self.cost_values(required=("name", "amount")))
        def create(values):
            with contextlib.closing(self.env.cr.savepoint()):
                values = {"protest_id": protest.id, **values}
                cost = self.attempt(
                    lambda: env["collections.protest.cost"].create(values),
                    lambda: self.count("collections.protest.cost"),
                )
                if cost:
                    assert_cost(cost)

        target = env["collections.protest.cost"].create({"protest_id": protest.id, "name": "Fees", "amount": 12.5})

        @PROPERTIES
        @given(values=self.cost_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                snapshot = lambda: self.values_of(target, list(values) or ["amount"])  # noqa: E731
                if self.attempt(lambda: target.write(values), snapshot):
                    assert_cost(target)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def rule_values(self):
        states = self.env.ref("base.state_br_sp") | self.env.ref("base.state_br_rj")
        return st.fixed_dictionaries(
            {},
            optional={
                "company_id": st.sampled_from([self.company.id, self.company_2.id]),
                "state_id": st.sampled_from([False, *states.ids]),
                "days": COUNTS,
                "business_days": st.booleans(),
                "start_event": st.sampled_from(["protocol", "notification"]),
                "calendar_id": st.sampled_from([False, self.calendar.id, self.empty_calendar.id]),
                "active": st.booleans(),
            },
        )

    def assert_rule(self, rule):
        rule = rule.sudo()
        self.assertTrue(1 <= rule.days <= 30)
        rule._engine_rule()
        if rule.active:
            self.assertEqual(
                rule.search_count([("company_id", "=", rule.company_id.id), ("state_id", "=", rule.state_id.id)]), 1
            )
        self.assertTrue(rule._deadline(TODAY, TODAY) > TODAY)

    def test_protest_rules(self):
        env = self.env_of(self.manager)
        target = env["collections.protest.rule"].create({"company_id": self.company.id})

        @PROPERTIES
        @given(values=self.rule_values())
        def create(values):
            with contextlib.closing(self.env.cr.savepoint()):
                rule = self.attempt(
                    lambda: env["collections.protest.rule"].create(values),
                    lambda: self.count("collections.protest.rule"),
                )
                if rule:
                    self.assert_rule(rule)

        @PROPERTIES
        @given(values=self.rule_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                snapshot = lambda: self.values_of(target, list(values) or ["days"])  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_rule(target)

        self.check_both_ways(create)
        self.check_both_ways(write)
