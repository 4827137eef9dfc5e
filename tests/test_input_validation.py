"""Bad input gets a clear UserError/ValidationError naming the field and the fix, never a database error.

The regression tests pin the messages of the cases people met; the property tests of the same promise are in
test_input_plans.py, test_input_agreements.py and test_input_protests.py (values and case: common_input.py).
"""

import math
from datetime import date, timedelta

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time

from .common import TODAY
from .common_input import InputCase


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
