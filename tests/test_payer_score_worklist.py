"""What the payer score changes on the collectors' screens and in the plan.

The predicted pay date of open invoices, the worklist and Calls Today ordered by expected recovery (the
collector), and a plan's score bands (the manager sets them; the preview and the cron's run follow them).
"""

import re
from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools.safe_eval import safe_eval

from ..collections_addon.engine import BandRule, ScoreBands, customer_expected_recovery
from .common import NOON, SAO_PAULO, TODAY
from .common_run import RunCase


class ScoreSceneMixin:
    def pay(self, invoice, when, company=None):
        """The accountant registers the full payment of ``invoice`` on ``when``."""
        company = company or self.company
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        self.env["account.payment.register"].with_company(company).with_context(
            active_model="account.move", active_ids=invoice.ids
        ).create({"payment_date": when, "journal_id": journal.id, "amount": invoice.amount_residual})._create_payments()

    def paid_late(self, customer, days_late, due_days_ago=60, company=None):
        """An invoice of 100 due ``due_days_ago`` days ago, paid ``days_late`` days after its due date."""
        invoice = self.make_invoice(customer, 100, due_days_ago, company=company)
        self.pay(invoice, TODAY - timedelta(days=due_days_ago - days_late), company=company)
        return invoice

    def refresh_score(self, *customers):
        """*Refresh Score* on each customer's Collections tab, as the collector."""
        for customer in customers:
            customer.with_user(self.collector).action_collections_refresh_score()


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestExpectedRecovery(ScoreSceneMixin, RunCase):
    def setUp(self):
        super().setUp()
        # A good payer owing less than a newcomer: both reach the call level today (21 days late).
        self.good = self.make_customer("Good Payer", phone="+55 11 91234-5678", tz=SAO_PAULO)
        self.paid_late(self.good, 0)
        self.make_invoice(self.good, 500, 21)
        self.newcomer = self.make_customer("Newcomer", phone="+55 11 92345-6789", tz=SAO_PAULO)
        self.make_invoice(self.newcomer, 800, 21)

    def expected(self, amount, score, days_late=21, days_to_next_step=0):
        return float(customer_expected_recovery(amount, score, days_late, days_to_next_step))

    def test_the_worklist_and_calls_today_list_the_most_expected_recovery_first(self):
        self.run_followup()
        good, newcomer = self.good.with_user(self.collector), self.newcomer.with_user(self.collector)
        # The call is today's step (x2); the good payer scores 100, the newcomer the neutral 50.
        self.assertEqual(good.collections_expected_recovery, self.expected(500, 100))
        self.assertEqual(newcomer.collections_expected_recovery, self.expected(800, 50))
        self.assertGreater(newcomer.collections_overdue_amount, good.collections_overdue_amount)

        action = (
            self.env["ir.actions.act_window"]
            .with_user(self.collector)
            ._for_xml_id("collections_addon.collections_worklist_action")
        )
        list_view = self.env.ref("collections_addon.res_partner_view_list_collections")
        arch = self.env["res.partner"].with_user(self.collector).get_views([(list_view.id, "list")])
        arch = arch["views"]["list"]["arch"]
        self.assertIn('name="collections_expected_recovery"', arch)
        order = re.search(r'default_order="([^"]+)"', arch).group(1)
        worklist = (
            self.env["res.partner"]
            .with_user(self.collector)
            .search([*safe_eval(action["domain"]), ("id", "in", (good | newcomer).ids)], order=order)
        )
        self.assertEqual(worklist.mapped("name"), ["Good Payer", "Newcomer"])

        Event = self.env["collections.event"].with_user(self.collector)
        calls_action = Event.action_calls_today()
        calls = Event.search([*calls_action["domain"], ("call_now", "=", True)], order="priority desc, id")
        self.assertEqual(calls.partner_id.mapped("name"), ["Good Payer", "Newcomer"])
        self.assertEqual(calls.mapped("priority"), [self.expected(500, 100), self.expected(800, 50)])

    def test_refresh_score_refreshes_the_expected_recovery_and_leaves_the_status(self):
        self.run_followup()
        self.assertEqual(self.newcomer.with_user(self.collector).collections_expected_recovery, self.expected(800, 50))
        self.paid_late(self.newcomer, 0, due_days_ago=40)  # an older invoice, paid on time
        self.refresh_score(self.newcomer)
        form = Form(self.newcomer.with_user(self.collector))
        self.assertEqual(form.collections_payer_score, 100)
        self.assertEqual(form.collections_expected_recovery, self.expected(800, 100))
        self.assertEqual((form.collections_status, form.collections_next_date), ("to_contact", str(TODAY)))

    def test_the_predicted_pay_date_of_open_invoices(self):
        late = self.make_customer("Late Payer")
        self.paid_late(late, 12, due_days_ago=50)
        soon_due = self.make_invoice(late, 100, 5)
        long_due = self.make_invoice(late, 100, 30)
        not_due = self.make_invoice(late, 100, -10)
        paid = self.paid_late(late, 12, due_days_ago=20)
        self.refresh_score(late)
        self.assertEqual(late.with_user(self.collector).collections_typical_days_late, 12)
        form = Form(soon_due.with_user(self.collector))
        self.assertEqual(form.collections_predicted_pay_date, str(TODAY + timedelta(days=7)))
        invoices = (long_due | not_due | paid).with_user(self.collector)
        self.assertEqual(invoices.mapped("collections_predicted_pay_date"), [TODAY, TODAY + timedelta(days=22), False])
        # The customer's Collections tab lists the open invoices with their predicted date.
        open_moves = late.with_user(self.collector).collections_open_move_ids
        self.assertEqual(
            {move: move.collections_predicted_pay_date for move in open_moves},
            {long_due: TODAY, soon_due: TODAY + timedelta(days=7), not_due: TODAY + timedelta(days=22)},
        )
        partner_form = self.env.ref("base.view_partner_form")
        arch = self.env["res.partner"].with_user(self.collector).get_views([(partner_form.id, "form")])
        self.assertIn("collections_predicted_pay_date", arch["views"]["form"]["arch"])

    def test_a_list_of_invoices_reads_the_customers_at_once(self):
        def invoices(count, prefix):
            moves = self.env["account.move"]
            for index in range(count):
                customer = self.make_customer(f"{prefix} {index}")
                moves |= self.make_invoice(customer, 100, index)
                moves |= self.make_invoice(customer, 50, 2, company=self.company_2)
            return moves

        few, many = invoices(3, "Few"), invoices(20, "Many")

        def read(moves):
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            moves.mapped("collections_predicted_pay_date")
            return self.env.cr.sql_log_count - before

        read(few)  # warm caches shared by both lists
        queries_few = read(few)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_few):
            many.mapped("collections_predicted_pay_date")

    def test_the_predicted_pay_date_reads_the_invoices_company(self):
        customer = self.make_customer("Branch Customer")
        self.paid_late(customer, 30, company=self.company_2)
        self.env["res.partner"]._collections_refresh_scores(self.company_2, customer)
        here = self.make_invoice(customer, 100, 5)
        branch = self.make_invoice(customer, 100, 5, company=self.company_2)
        self.assertEqual(here.collections_predicted_pay_date, TODAY)
        self.assertEqual(branch.collections_predicted_pay_date, TODAY + timedelta(days=25))


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestScoreBands(ScoreSceneMixin, RunCase):
    def preview_lines(self, customers):
        action = self.env["collections.preview"].with_user(self.collector)._open_for(self.company)
        lines = self.env["collections.preview"].browse(action["res_id"]).line_ids
        return {
            customer: lines.filtered(lambda line, customer=customer: line.partner_id == customer)
            for customer in customers
        }

    def test_the_manager_sets_the_bands_on_the_plan(self):
        form = Form(self.policy.with_user(self.manager))
        self.assertEqual((form.score_good_from, form.score_poor_below), (80, 40))
        form.score_poor_below = 30
        form.poor_start_level_id = self.level_call
        form.good_email_only = True
        form.save()
        self.assertEqual(
            self.policy._engine_bands(),
            ScoreBands(80, 30, good=BandRule(None, True), poor=BandRule(self.level_call.id, False)),
        )
        policy = self.policy.with_user(self.manager)
        with self.assertRaisesRegex(ValidationError, "must not be above the good payers'"):
            policy.score_good_from = 20
        with self.assertRaisesRegex(ValidationError, "Good Payers from Score"):
            policy.score_good_from = 120
        other = self.env["collections.policy"].with_user(self.manager).create({"name": "Other plan"})
        other_level = (
            self.env["collections.level"]
            .with_user(self.manager)
            .create(
                {
                    "policy_id": other.id,
                    "name": "Elsewhere",
                    "days": 3,
                    "send_email": True,
                    "mail_template_id": self.template_first.id,
                }
            )
        )
        with self.assertRaisesRegex(ValidationError, "not a level of this plan"):
            policy.good_start_level_id = other_level

    def test_a_poor_payer_starts_at_the_call_level_in_the_preview_and_the_run(self):
        self.company.collections_score_neutral = 20  # a customer without history scores 20: a poor payer
        self.policy.with_user(self.manager).poor_start_level_id = self.level_call
        poor = self.make_customer("Poor Payer", phone="+55 11 91234-5678", tz=SAO_PAULO)
        poor_invoice = self.make_invoice(poor, 300, 6)
        middle = self.make_customer("Middle Payer")
        self.paid_late(middle, 50)  # 40 points for lateness: 60, in no band
        middle_invoice = self.make_invoice(middle, 300, 6)
        self.refresh_score(poor, middle)
        self.assertEqual(poor.with_company(self.company).collections_payer_score, 20)
        self.assertEqual(middle.with_company(self.company).collections_payer_score, 60)

        lines = self.preview_lines([poor, middle])
        self.assertEqual((lines[poor].level_id, lines[poor].action), (self.level_call, "contact"))
        self.assertEqual(lines[poor].reason, "poor payer: starts at Call")
        self.assertEqual(lines[middle].level_id, self.level_first)
        self.assertFalse(lines[middle].reason)

        self.run_followup()
        self.assertEqual(set(self.events_of(poor).mapped("channel")), {"email", "call"})
        self.assertEqual(self.events_of(poor).level_id, self.level_call)
        self.assertEqual(poor_invoice.collections_level_id, self.level_call)
        self.assertEqual(self.events_of(middle).mapped("channel"), ["email"])
        self.assertEqual(middle_invoice.collections_level_id, self.level_first)

    def test_good_payers_get_only_e_mails(self):
        self.policy.with_user(self.manager).good_email_only = True
        good = self.make_customer("Good Payer")
        self.paid_late(good, 0)
        invoice = self.make_invoice(good, 400, 21)
        self.refresh_score(good)
        line = self.preview_lines([good])[good]
        self.assertEqual((line.level_id, line.channels), (self.level_call, "E-mail"))
        self.assertEqual(line.reason, "good payer: e-mail only")
        self.run_followup()
        self.assertEqual(self.events_of(good).mapped("channel"), ["email"])
        self.assertEqual(invoice.collections_level_id, self.level_call)

    def test_customers_without_a_score_are_in_no_band(self):
        self.company.collections_score_neutral = 20
        self.policy.with_user(self.manager).poor_start_level_id = self.level_call
        unscored = self.make_customer("Unscored")
        self.make_invoice(unscored, 300, 6)
        line = self.preview_lines([unscored])[unscored]
        self.assertEqual(line.level_id, self.level_first)
        self.assertFalse(line.reason)
        self.run_followup()
        self.assertEqual(self.events_of(unscored).level_id, self.level_first)
