"""Bad input gets a clear UserError/ValidationError naming the field and the fix, never a database error.

The regression tests pin the messages of the cases people met; the property tests (hypothesis) throw
generated values at the create and write of plans, levels, call windows, agreements, promises, disputes,
protests (with their costs and rules), as the user who does each of them, in a database with two companies:
every operation either succeeds and leaves a record that keeps the rules, or raises a UserError (a
ValidationError, an AccessError...) and leaves nothing behind. Any other exception (a psycopg2
CheckViolation, an OverflowError...) fails the test with the example that caused it.
"""

import contextlib
import math
from datetime import date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged

from ..collections_addon.engine import (
    CALL_INTERVAL_HOURS,
    CALL_PERIOD_DAYS,
    CONTACT_GAP_DAYS,
    GRACE_DAYS,
    INSTALLMENTS,
    LEVEL_DAYS,
    MAX_AMOUNT,
    MAX_CALLS,
    WHATSAPP_HOURS,
    NegotiationLimits,
)
from .common import TODAY, CollectionsCase

# Fixed examples (derandomize): the same inputs on every run and in CI; no example database.
PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
NOON = datetime.combine(TODAY, time(12, 0))

# --- values people (or scripts calling the API) may send -------------------------------------------------------


def mostly(valid, wrong):
    """Three in four values from ``valid``, one from ``wrong``: an example of many fields is then accepted often
    enough to check what was stored, and refused often enough to check the refusal."""
    return st.one_of(valid, valid, valid, wrong)


def fields_of(strategies, required=()):
    """Value dictionaries: the ``required`` fields always, each other field of ``strategies`` sometimes."""
    return st.fixed_dictionaries(
        {name: strategies[name] for name in required},
        optional={name: strategy for name, strategy in strategies.items() if name not in required},
    )


WRONG_COUNTS = st.one_of(
    st.integers(-3, 40),
    st.sampled_from([0, -1, 31, 100, 101, 120, 121, 365, 366, 720, 721, 3650, 3651, -365, -366]),
    st.sampled_from([2**31 - 1, 2**31, -(2**31) - 1, 10**12, 2.5, False, None]),
)
# Valid for every count people type: days, calls, instalments, hours, the notary's window.
COUNTS = mostly(st.integers(1, 30), WRONG_COUNTS)
WRONG_NUMBERS = st.one_of(
    st.floats(-10, 150, allow_nan=False),
    st.sampled_from([0.0, -0.0, 0.001, 0.004, 0.005, 23.99, 24.0, 24.01, 100.0, 100.001, 720.5, False, None]),
    st.sampled_from([1e13, 1e13 + 1, 1e300, -1e300, math.inf, -math.inf]),
    st.floats(allow_nan=False),
)
# Valid for every amount, percentage and hour people type here (the invoices owe 200 to 600).
NUMBERS = mostly(st.floats(0.01, 23.5).map(lambda number: round(number, 2)), WRONG_NUMBERS)
WRONG_DAYS = st.one_of(
    st.dates(TODAY - timedelta(days=800), TODAY + timedelta(days=800)),
    st.sampled_from(
        [
            TODAY - timedelta(days=1),
            TODAY + timedelta(days=366),
            TODAY + timedelta(days=367),
            TODAY - timedelta(days=366),
            TODAY - timedelta(days=367),
            date(2028, 2, 29),
            date(1, 1, 1),
            date(9999, 12, 31),
        ]
    ),
    st.dates(),
)
DAYS = mostly(st.dates(TODAY, TODAY + timedelta(days=365)), WRONG_DAYS)
# Dates come as date objects from Python and as "YYYY-MM-DD" from the web client.
DATES = st.one_of(DAYS, DAYS.map(str), st.just(False))
WRONG_TEXTS = st.one_of(
    st.sampled_from(["", " ", "\t\n", False, None]),
    # PostgreSQL text cannot hold NUL, and lone surrogates are no UTF-8: no client sends them.
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12),
)
TEXTS = mostly(st.sampled_from(["Step", "Ação de cobrança", "Fees", "Étape 2"]), WRONG_TEXTS)


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class InputCase(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(
            {
                "collections_negotiation_journal_id": cls.company_data["default_journal_misc"].id,
                "collections_discount_account_id": cls.company_data["default_account_expense"].id,
            }
        )
        cls.customer = cls.make_customer("Cliente Ltda", vat="123.456.789-09")
        cls.invoice_old = cls.make_invoice(cls.customer, 600, 40)
        cls.invoice_recent = cls.make_invoice(cls.customer, 400.01, 20)
        cls.invoice_not_due = cls.make_invoice(cls.customer, 300, -10)
        cls.other_customer = cls.make_customer("Outra Empresa")
        cls.invoice_other = cls.make_invoice(cls.other_customer, 200, 30)
        cls.customer_2 = cls.make_customer("Filial Cliente")
        cls.invoice_2 = cls.make_invoice(cls.customer_2, 500, 30, company=cls.company_2)
        cls.invoices = cls.invoice_old | cls.invoice_recent | cls.invoice_not_due | cls.invoice_other | cls.invoice_2
        cls.policy_2 = cls.env["collections.policy"].search([("company_id", "=", cls.company_2.id)], limit=1)
        cls.notary = cls.env["res.partner"].create(
            {
                "name": "Tabelionato de Protesto",
                "collections_is_notary": True,
                "state_id": cls.env.ref("base.state_br_sp").id,
            }
        )
        cls.calendar = cls.env["resource.calendar"].create({"name": "Weekdays", "company_id": False})
        cls.empty_calendar = cls.env["resource.calendar"].create(
            {"name": "No working hours", "company_id": False, "attendance_ids": [Command.clear()]}
        )
        cls.sms_script = cls.make_script("sms", "Hello, {{ customer }}: {{ amount }} is open.")
        cls.move_template = cls.env["mail.template"].search([("model", "=", "account.move")], limit=1)

    outcomes = ()

    def env_of(self, user, company=None):
        """``user``'s environment, working in ``company`` (and every other company the user has)."""
        company = company or self.company
        allowed = [company.id, *(user.company_ids - company).ids]
        return self.env(user=user, context=dict(self.env.context, allowed_company_ids=allowed))

    def attempt(self, operation, snapshot, tally=True):
        """``operation()`` succeeds (its result is returned), or raises a UserError and ``snapshot()`` is unchanged.

        Any other exception propagates and fails the test with the example that caused it.
        """
        before = snapshot()
        try:
            with self.env.cr.savepoint():
                result = operation()
                self.env.flush_all()
        except UserError as error:
            self.assertTrue(str(error.args[0]).strip(), "a refusal says why")
            self.env.invalidate_all()
            self.assertEqual(snapshot(), before, f"refused ({error.args[0]}) but something was written")
            if tally:
                self.outcomes.append("refused")
            return None
        self.env.invalidate_all()
        if tally:
            self.outcomes.append("stored")
        return result

    def check_both_ways(self, prove):
        """Run the property ``prove``: its examples must include accepted and refused values, else it proves nothing."""
        self.outcomes = []
        prove()
        self.assertIn("stored", self.outcomes, f"{prove.__name__}: no example was accepted")
        self.assertIn("refused", self.outcomes, f"{prove.__name__}: no example was refused")

    def count(self, *models):
        return tuple(self.env[model].sudo().with_context(active_test=False).search_count([]) for model in models)

    def values_of(self, record, names):
        self.env.invalidate_all()
        return record.sudo().read(names)


class TestInputValidation(InputCase):
    """The cases people met: a clear message instead of a database error, and what stays true after it."""

    def agreement(self, **values):
        return (
            self.env["collections.negotiation"]
            .with_user(self.collector)
            .create({"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_old.ids)], **values})
        )

    def test_negative_discount_on_an_agreement_names_the_field(self):
        # Before: psycopg2 CheckViolation "collections_negotiation_discount_value_positive".
        with self.assertRaisesRegex(ValidationError, r"^Discount cannot be negative \(not -5\): use 0 for no discount"):
            self.agreement(discount_value=-5)
        agreement = self.agreement(discount_value=5)
        with self.assertRaisesRegex(ValidationError, r"^Discount cannot be negative \(not -0\.5\)"):
            agreement.write({"discount_value": -0.5})
        self.assertEqual(agreement.discount_value, 5)

    def test_zero_instalments_on_an_agreement_names_the_field(self):
        # Before: psycopg2 CheckViolation "collections_negotiation_installment_count_positive".
        with self.assertRaisesRegex(ValidationError, r"^Instalments cannot be less than 1 \(not 0\): enter the number"):
            self.agreement(installment_count=0)
        agreement = self.agreement(installment_count=3)
        with self.assertRaisesRegex(ValidationError, r"^Instalments cannot be less than 1 \(not -2\)"):
            agreement.write({"installment_count": -2})
        with self.assertRaisesRegex(ValidationError, r"^Instalments cannot be more than 120 \(not 1,000\)"):
            agreement.write({"installment_count": 1000})
        self.assertEqual(agreement.installment_count, 3)
        self.assertFalse(self.env["collections.negotiation"].search([("installment_count", "<", 1)]))

    def test_agreement_invoices_and_first_due_date(self):
        with self.assertRaisesRegex(ValidationError, "belong to another customer: remove them"):
            self.agreement(move_ids=[Command.set((self.invoice_old | self.invoice_other).ids)])
        with self.assertRaisesRegex(ValidationError, r"^First Due Date \(.*\) is more than 366 days ahead"):
            self.agreement(first_date=date(2028, 1, 3))
        with self.assertRaisesRegex(ValidationError, r"^First Due Date \(.*\) is more than 366 days ago"):
            self.agreement(first_date=date(2024, 1, 3))

    def test_schedule_from_the_29th_of_february(self):
        # Before: ValueError "day is out of range for month" (the calendar's end date was the 29th, six years on).
        with freeze_time("2028-02-10 12:00:00"):
            agreement = self.agreement(first_date=date(2028, 2, 29), installment_count=2)
            agreement.action_compute_schedule()
        self.assertEqual(agreement.installment_ids.mapped("date"), [date(2028, 2, 29), date(2028, 3, 29)])

    def test_plan_limits_on_the_form(self):
        # Before: psycopg2 CheckViolation "collections_policy_max_calls_positive" (on save).
        form = Form(self.policy.with_user(self.manager))
        form.max_calls = -1
        with self.assertRaisesRegex(ValidationError, r"^Maximum Calls cannot be negative \(not -1\): enter the calls"):
            form.save()
        form.max_calls = 3
        form.call_period_days = 0
        with self.assertRaisesRegex(ValidationError, r"^Call Period \(days\) cannot be less than 1 \(not 0\)"):
            form.save()
        form.call_period_days = 7
        form.max_discount_percent = 250
        with self.assertRaisesRegex(ValidationError, r"^Maximum Discount \(%\) cannot be more than 100 \(not 250\)"):
            form.save()
        form.max_discount_percent = 12.5
        form.promise_grace_days = 100000
        with self.assertRaisesRegex(ValidationError, r"^Promise Grace Days cannot be more than 365 \(not 100,000\)"):
            form.save()
        form.promise_grace_days = 3
        form.save()
        self.assertEqual((self.policy.max_discount_percent, self.policy.promise_grace_days), (12.5, 3))

    def test_second_default_plan_and_level_days_are_refused_with_a_message(self):
        # Before: psycopg2 UniqueViolation of the unique index and of the UNIQUE(policy_id, days) constraint.
        Policy = self.env["collections.policy"].with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "only one default plan per customer kind.*'Test plan'"):
            Policy.create(
                {
                    "name": "Another default",
                    "is_default": True,
                    "level_ids": [Command.create({"name": "Only step", "days": 10})],
                }
            )
        with self.assertRaisesRegex(ValidationError, "already has a level at 5 days"):
            self.policy.with_user(self.manager).write({"level_ids": [Command.create({"name": "Twin", "days": 5})]})
        with self.assertRaisesRegex(ValidationError, "already has a level at 20 days"):
            self.level_first.with_user(self.manager).days = 20
        with self.assertRaisesRegex(ValidationError, r"^Days cannot be more than 3,650 \(not 100,000\)"):
            self.level_first.with_user(self.manager).days = 100000
        # Before: duplicating the default plan broke the unique index; the copy is an ordinary plan now.
        copy = self.policy.with_user(self.manager).copy()
        self.assertEqual((copy.is_default, self.policy.is_default, len(copy.level_ids)), (False, True, 4))
        # The plan of the second company may have a default of its own.
        plan = Policy.with_company(self.company_2).create(
            {
                "name": "Branch plan",
                "company_id": self.company_2.id,
                "partner_kind": "any",
                "is_default": True,
                "level_ids": [Command.create({"name": "Only step", "days": 10})],
            }
        )
        self.assertTrue(plan.is_default)

    def test_call_window_of_an_infinite_hour(self):
        # Before: OverflowError "cannot convert float infinity to integer" while writing the message.
        with self.assertRaisesRegex(ValidationError, r"^To must be a number from 0 to 24 \(not inf\)"):
            self.policy.with_user(self.manager).write(
                {"call_window_ids": [Command.create({"weekday": "0", "hour_from": 8, "hour_to": math.inf})]}
            )
        with self.assertRaisesRegex(ValidationError, r"must start before it ends.*\(it is 20:00 to 08:00\)"):
            self.policy.with_user(self.manager).write(
                {"call_window_ids": [Command.create({"weekday": "0", "hour_from": 20, "hour_to": 8})]}
            )

    def test_promise_far_ahead_and_dispute_without_invoices(self):
        Promise = self.env["collections.promise"].with_user(self.collector)
        values = {"partner_id": self.customer.id, "move_ids": [Command.set(self.invoice_old.ids)], "amount": 100}
        # Before: both accepted; the first then failed with a ValueError computing its pause (year 10000).
        with self.assertRaisesRegex(ValidationError, r"^Promised Date \(.*\) is more than 365 days ahead"):
            Promise.create({**values, "date": date(9999, 12, 31)})
        with self.assertRaisesRegex(ValidationError, r"^Promised Date \(.*\) is more than 365 days ahead"):
            Promise.create({**values, "date": TODAY + timedelta(days=400)})
        with self.assertRaisesRegex(ValidationError, r"^Grace Days cannot be negative \(not -1\)"):
            Promise.create({**values, "date": TODAY, "grace_days": -1})
        with self.assertRaisesRegex(ValidationError, r"^Amount must be above 0 \(not 0\)"):
            Promise.create({**values, "date": TODAY, "amount": 0.001})
        self.assertEqual(Promise.create({**values, "date": TODAY + timedelta(days=365)}).grace_days, 2)
        Dispute = self.env["collections.dispute"].with_user(self.collector)
        # Before: a dispute of no invoice was saved and paused nothing.
        with self.assertRaisesRegex(ValidationError, "Select the invoices the customer disputes"):
            Dispute.create({"partner_id": self.customer.id, "reason": "Wrong price"})
        dispute = Dispute.create(
            {
                "partner_id": self.customer.id,
                "reason": "Wrong price",
                "move_ids": [Command.set(self.invoice_recent.ids)],
            }
        )
        # Before: clearing the reason afterwards was accepted.
        with self.assertRaisesRegex(ValidationError, r"^Reason is required: fill it in"):
            dispute.reason = "  "

    def test_protest_rule_and_cost(self):
        Rule = self.env["collections.protest.rule"].with_user(self.manager)
        rule = Rule.create({"company_id": self.company.id})
        # Before: psycopg2 UniqueViolation of the one-rule-per-state index, CheckViolation of the days.
        with self.assertRaisesRegex(ValidationError, "already has a protest rule for every state"):
            Rule.create({"company_id": self.company.id, "days": 5})
        with self.assertRaisesRegex(ValidationError, r"^Days to Pay cannot be more than 30 \(not 31\)"):
            rule.days = 31
        protest = self.env["collections.protest"].with_user(self.collector).create({"move_id": self.invoice_old.id})
        Cost = self.env["collections.protest.cost"].with_user(self.collector)
        with self.assertRaisesRegex(ValidationError, r"^Amount must be above 0 \(not 0\): enter the fee"):
            Cost.create({"protest_id": protest.id, "name": "Fees", "amount": 0})
        with self.assertRaisesRegex(ValidationError, r"^Description is required: fill it in"):
            Cost.create({"protest_id": protest.id, "name": " ", "amount": 10})
        with self.assertRaisesRegex(ValidationError, r"^Title Number is empty"):
            protest.title_number = ""
        self.assertFalse(protest.cost_ids)

    def test_release_letter_days_in_the_settings(self):
        # Before: psycopg2 CheckViolation "collections_release_letter_days_positive".
        form = Form(self.env["res.config.settings"])
        form.collections_release_letter_days = -1
        with self.assertRaisesRegex(ValidationError, r"^Release Letter Within \(days\) cannot be negative \(not -1\)"):
            form.save().execute()
        self.assertEqual(self.company.collections_release_letter_days, 5)


class TestInputProperties(InputCase):
    """Generated values at the create and write of every model people type into."""

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

    # ------------------------------------------------------------------
    # Agreements, promises, disputes (collectors; a manager in the second company)
    # ------------------------------------------------------------------

    def actors(self):
        return mostly(st.just((self.collector, self.company)), st.just((self.manager, self.company_2)))

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
                agreement.amount_total,
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
