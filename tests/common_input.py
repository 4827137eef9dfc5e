"""What the input tests share: generated values people (or scripts calling the API) may send, and a case
that tries them as the user who does each operation, in a database with two companies.

The property tests (hypothesis) throw these values at the create and write of plans, levels, call windows,
agreements, promises, disputes, protests (with their costs and rules): every operation either succeeds and
leaves a record that keeps the rules, or raises a UserError (a ValidationError, an AccessError...) and leaves
nothing behind. Any other exception (a psycopg2 CheckViolation, an OverflowError...) fails the test with the
example that caused it.
"""

import math
from datetime import date, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import freeze_time, tagged

from .common import NOON, TODAY, CollectionsCase

# Fixed examples (derandomize): the same inputs on every run and in CI; no example database.
PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)

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

    def actors(self):
        """Mostly a collector of the test company, else a manager working in the second company."""
        return mostly(st.just((self.collector, self.company)), st.just((self.manager, self.company_2)))
