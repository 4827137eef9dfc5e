"""Generated values at the create and write of plans, levels and call windows, as the managers who set them."""

import contextlib

from hypothesis import given
from hypothesis import strategies as st

from odoo import Command

from ..collections_addon.engine import (
    CALL_INTERVAL_HOURS,
    CALL_PERIOD_DAYS,
    CONTACT_GAP_DAYS,
    GRACE_DAYS,
    LEVEL_DAYS,
    MAX_AMOUNT,
    MAX_CALLS,
    WHATSAPP_HOURS,
    NegotiationLimits,
)
from .common import TODAY
from .common_input import (
    COUNTS,
    NUMBERS,
    PROPERTIES,
    TEXTS,
    InputCase,
    fields_of,
)


class TestPlanInputProperties(InputCase):
    """Plans, levels and call windows: the managers who set them."""

    # ------------------------------------------------------------------
    # Plans, levels, call windows (managers)
    # ------------------------------------------------------------------

    def level_values(self, policies):
        return st.fixed_dictionaries(
            {"name": TEXTS, "days": COUNTS},
            optional={
                **({"policy_id": st.sampled_from(policies.ids)} if policies else {}),
                "min_amount": NUMBERS,
                "auto_execute": st.booleans(),
                "send_email": st.booleans(),
                "mail_template_id": st.sampled_from([False, self.template_first.id, self.move_template.id]),
                "send_sms": st.booleans(),
                "sms_script_id": st.sampled_from([False, self.sms_script.id, self.call_script.id]),
                "schedule_call": st.booleans(),
                "call_script_id": st.sampled_from([False, self.call_script.id, self.sms_script.id]),
                "send_letter": st.booleans(),
                "whatsapp_read_call_hours": COUNTS,
                "whatsapp_undelivered_hours": COUNTS,
                "escalation": st.sampled_from(["none", "negotiation", "protest"]),
            },
        )

    def window_values(self, policies):
        return st.fixed_dictionaries(
            {},
            optional={
                **({"policy_id": st.sampled_from(policies.ids)} if policies else {}),
                "weekday": st.sampled_from(["0", "3", "5", "6", False]),
                "hour_from": NUMBERS,
                "hour_to": NUMBERS,
            },
        )

    def plan_values(self, required=()):
        children = self.env["collections.policy"]
        return fields_of(
            {
                "name": TEXTS,
                "company_id": st.sampled_from([self.company.id, self.company_2.id]),
                "partner_kind": st.sampled_from(["any", "person", "company"]),
                "is_default": st.booleans(),
                "active": st.booleans(),
                "min_contact_gap": COUNTS,
                "max_calls": COUNTS,
                "call_period_days": COUNTS,
                "min_call_interval_hours": NUMBERS,
                "max_discount_percent": NUMBERS,
                "max_installments": COUNTS,
                "min_installment_amount": NUMBERS,
                "installment_grace_days": COUNTS,
                "promise_grace_days": COUNTS,
                "calendar_id": st.sampled_from([False, self.calendar.id, self.empty_calendar.id]),
                "level_ids": st.lists(self.level_values(children).map(Command.create), max_size=3),
                "call_window_ids": st.one_of(
                    st.just([Command.clear()]),
                    st.lists(self.window_values(children).map(Command.create), max_size=2),
                ),
            },
            required,
        )

    def assert_plan(self, policy):
        policy = policy.sudo()
        self.assertTrue(policy.name.strip())
        for value, bound in [
            (policy.min_contact_gap, CONTACT_GAP_DAYS),
            (policy.max_calls, MAX_CALLS),
            (policy.call_period_days, CALL_PERIOD_DAYS),
            (policy.min_call_interval_hours, CALL_INTERVAL_HOURS),
            (policy.installment_grace_days, GRACE_DAYS),
            (policy.promise_grace_days, GRACE_DAYS),
        ]:
            self.assertIsNone(bound.problem(value), value)
        # The engine takes what was stored: the run, the call list and the agreements can use the plan.
        policy._call_rules(TODAY, TODAY)
        policy._engine_rules(TODAY, TODAY)
        NegotiationLimits(policy.max_discount_percent, policy.max_installments, policy.min_installment_amount)
        if policy.is_default and policy.active:
            self.assertTrue(policy.level_ids)
            self.assertEqual(
                policy.search_count(
                    [
                        ("company_id", "=", policy.company_id.id),
                        ("partner_kind", "=", policy.partner_kind),
                        ("is_default", "=", True),
                    ]
                ),
                1,
            )
        if policy.level_ids.filtered("schedule_call"):
            self.assertTrue(policy.call_window_ids)
        for level in policy.level_ids:
            self.assert_level(level)
        for window in policy.call_window_ids:
            self.assert_window(window)

    def assert_level(self, level):
        level = level.sudo()
        self.assertTrue(level.name.strip())
        self.assertIsNone(LEVEL_DAYS.problem(level.days))
        self.assertGreaterEqual(level.min_amount, 0)
        self.assertLessEqual(level.min_amount, MAX_AMOUNT)
        self.assertIsNone(WHATSAPP_HOURS.problem(level.whatsapp_read_call_hours))
        self.assertIsNone(WHATSAPP_HOURS.problem(level.whatsapp_undelivered_hours))
        self.assertEqual(level.search_count([("policy_id", "=", level.policy_id.id), ("days", "=", level.days)]), 1)
        if level.send_email:
            self.assertEqual(level.mail_template_id.model, "res.partner")
        if level.send_sms:
            self.assertEqual(level.sms_script_id.channel, "sms")
        if level.call_script_id:
            self.assertEqual(level.call_script_id.channel, "call")
        level._engine_level()

    def assert_window(self, window):
        window = window.sudo()
        self.assertTrue(0 <= window.hour_from < window.hour_to <= 24)
        window._engine_window()

    def test_plans(self):
        env = self.env_of(self.manager)

        @PROPERTIES
        @given(values=self.plan_values(required=("name",)))
        def create(values):
            with contextlib.closing(self.env.cr.savepoint()):
                snapshot = lambda: self.count("collections.policy", "collections.level", "collections.call.window")  # noqa: E731
                policy = self.attempt(lambda: env["collections.policy"].create(values), snapshot)
                if policy:
                    self.assert_plan(policy)

        @PROPERTIES
        @given(values=self.plan_values())
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                policy = self.policy.with_env(env)
                names = [name for name in values if name not in ("level_ids", "call_window_ids")] or ["name"]
                snapshot = lambda: (self.values_of(self.policy, names), self.count("collections.level"))  # noqa: E731
                if self.attempt(lambda: policy.write(values), snapshot):
                    self.assert_plan(self.policy)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def test_levels(self):
        env = self.env_of(self.manager)
        policies = self.policy | self.policy_2

        @PROPERTIES
        @given(values=self.level_values(policies), policy=st.sampled_from(policies.ids))
        def create(values, policy):
            with contextlib.closing(self.env.cr.savepoint()):
                values = {"policy_id": policy, **values}
                level = self.attempt(
                    lambda: env["collections.level"].create(values), lambda: self.count("collections.level")
                )
                if level:
                    self.assert_plan(level.policy_id)

        @PROPERTIES
        @given(values=self.level_values(policies))
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                level = self.level_first.with_env(env)
                snapshot = lambda: self.values_of(self.level_first, list(values))  # noqa: E731
                if self.attempt(lambda: level.write(values), snapshot):
                    self.assert_plan(self.level_first.policy_id)
                    self.assert_plan(self.policy)

        self.check_both_ways(create)
        self.check_both_ways(write)

    def test_call_windows(self):
        env = self.env_of(self.manager)
        policies = self.policy | self.policy_2

        @PROPERTIES
        @given(values=self.window_values(policies), policy=st.sampled_from(policies.ids))
        def create(values, policy):
            with contextlib.closing(self.env.cr.savepoint()):
                values = {"policy_id": policy, **values}
                window = self.attempt(
                    lambda: env["collections.call.window"].create(values), lambda: self.count("collections.call.window")
                )
                if window:
                    self.assert_window(window)

        @PROPERTIES
        @given(values=self.window_values(policies))
        def write(values):
            with contextlib.closing(self.env.cr.savepoint()):
                target = self.policy.call_window_ids[:1]
                snapshot = lambda: self.values_of(target, list(values) or ["hour_from"])  # noqa: E731
                if self.attempt(lambda: target.with_env(env).write(values), snapshot):
                    self.assert_plan(target.policy_id)

        self.check_both_ways(create)
        self.check_both_ways(write)
