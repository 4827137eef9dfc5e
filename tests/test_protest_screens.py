"""Notary protests on screen: the company's day, the board, the names of drafts and the Protest button."""

from datetime import date, datetime, time, timedelta

from freezegun import freeze_time
from lxml import etree

from odoo.addons.collections_addon.collections_addon.engine import BOARD_STATES
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import SAO_PAULO, TODAY
from .common_protest import BRUSSELS, DEADLINE, LATE_EVENING, PROTOCOL, ProtestCase, at


@tagged("post_install", "-at_install")
@freeze_time(datetime.combine(TODAY, time(12, 0)))
class TestProtestScreens(ProtestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager.tz = BRUSSELS
        cls.collector.tz = SAO_PAULO

    def as_user(self, record, user):
        """``record`` as the web client sends it for ``user``: their rights, language and time zone."""
        return record.with_user(user).with_context(tz=user.tz, lang=user.lang)

    def step_form(self, protest, action, user):
        """The step wizard the button ``action_<action>`` opens for ``user``, as a form."""
        opened = getattr(self.as_user(protest, user), f"action_{action}")()
        return Form.from_action(self.as_user(self.env["collections.protest.step"], user).env, opened)

    # ------------------------------------------------------------------
    # Step dates are the company's days
    # ------------------------------------------------------------------

    def test_a_manager_abroad_sends_on_the_company_day(self):
        self.company.partner_id.tz = SAO_PAULO
        protest = self.new_protest()
        with freeze_time(LATE_EVENING):
            form = self.step_form(protest, "send", self.manager)
            # Tuesday in Brussels, where the manager is; Monday for the company in São Paulo.
            self.assertEqual(form.date, TODAY)
            form.save().action_confirm()
            self.assertEqual((protest.state, protest.sent_date), ("sent", TODAY))
            form = self.step_form(protest, "protocol", self.collector)
            self.assertEqual(form.date, TODAY)
            form.protocol_number = "PROT-EVENING"
            form.save().action_confirm()
        self.assertEqual((protest.state, protest.protocol_date), ("protocolled", TODAY))

    def test_a_collector_records_the_protocol_on_the_day_the_company_sent_it(self):
        # The company works in Brussels; its collector works from São Paulo, where it is still the day before.
        self.company.partner_id.tz = BRUSSELS
        protest = self.new_protest()
        tuesday = TODAY + timedelta(days=1)
        with freeze_time(LATE_EVENING):
            form = self.step_form(protest, "send", self.manager)
            self.assertEqual(form.date, tuesday)
            form.save().action_confirm()
            form = self.step_form(protest, "protocol", self.collector)
            self.assertEqual(form.date, tuesday, "the company's day, not the collector's Monday")
            form.protocol_number = "PROT-BXL"
            form.save().action_confirm()
        self.assertEqual((protest.sent_date, protest.protocol_date), (tuesday, tuesday))

    def test_a_company_without_time_zone_has_the_same_day_for_everybody(self):
        # No time zone on the company's contact: its working hours' time zone, never the user's.
        self.company.partner_id.tz = False
        self.company.resource_calendar_id.tz = SAO_PAULO
        protest = self.new_protest()
        with freeze_time(LATE_EVENING):
            for user in (self.manager, self.collector):
                self.assertEqual(self.as_user(self.company, user)._collections_today(), TODAY, user.tz)
            form = self.step_form(protest, "send", self.manager)
            self.assertEqual(form.date, TODAY)
            form.date = TODAY + timedelta(days=1)
            with self.assertRaisesRegex(UserError, "in the future"):
                form.save().action_confirm()
            form.date = TODAY
            form.save().action_confirm()
            form = self.step_form(protest, "protocol", self.collector)
            form.protocol_number = "PROT-NO-TZ"
            form.save().action_confirm()
        self.assertEqual((protest.state, protest.sent_date, protest.protocol_date), ("protocolled", TODAY, TODAY))

    # ------------------------------------------------------------------
    # The board
    # ------------------------------------------------------------------

    def board(self, user, domain=()):
        """What the kanban of Notary Protests loads for ``user``: its columns, opened or folded."""
        protests = self.as_user(self.env["collections.protest"], user).with_context(read_group_expand=True)
        result = protests.web_read_group(
            list(domain),
            ["state"],
            ["__count"],
            auto_unfold=True,
            unfold_read_specification={"display_name": {}, "deadline_hint": {}},
        )
        return {group["state"]: group for group in result["groups"]}, [group["state"] for group in result["groups"]]

    def test_board_shows_the_whole_lifecycle_and_folds_empty_columns_and_endings(self):
        draft = self.new_protest(self.make_invoice(self.customer, 200, 70))
        protocolled = self.protest_until("protocolled")
        withdrawn = self.protest_until("sent", self.make_invoice(self.customer, 300, 70))
        self.step(withdrawn, "withdraw", PROTOCOL)
        columns, order = self.board(self.collector)
        self.assertEqual(order, list(BOARD_STATES), "every state, the way to the notary first, the endings last")
        opened = {state for state, group in columns.items() if "__records" in group}
        self.assertEqual(opened, {"draft", "protocolled"}, "empty columns and the endings are folded")
        self.assertEqual(columns["withdrawn"]["__count"], 1, "a folded ending still counts its protests")
        self.assertEqual([record["id"] for record in columns["draft"]["__records"]], draft.ids)
        self.assertEqual([record["id"] for record in columns["protocolled"]["__records"]], protocolled.ids)

    def test_protests_action_shows_drafts_by_default(self):
        draft = self.new_protest()
        sent = self.protest_until("sent", self.make_invoice(self.customer, 300, 70))
        finished = self.protest_until("sent", self.make_invoice(self.customer, 400, 70))
        self.step(finished, "withdraw", PROTOCOL)
        action = self.env.ref("collections_addon.collections_protest_action")
        Protest = self.as_user(self.env["collections.protest"], self.collector)
        context = safe_eval(action.context)
        arch = etree.fromstring(Protest.get_view(action.search_view_id.id, "search")["arch"])
        domain = list(safe_eval(action.domain or "[]"))
        for key, value in context.items():
            if key.startswith("search_default_") and value:
                [node] = arch.xpath(f"//filter[@name='{key.removeprefix('search_default_')}']")
                domain += safe_eval(node.get("domain"), {"context_today": datetime.now, "uid": 1})
        self.assertEqual(Protest.search(domain), draft | sent)

    def test_the_last_day_to_pay_shows_how_urgent_it_is_in_the_company_days(self):
        self.company.partner_id.tz = SAO_PAULO
        protest = self.protest_until("protocolled")
        self.assertEqual(protest.deadline_date, DEADLINE)  # Wednesday 11
        Protest = self.as_user(self.env["collections.protest"], self.collector)
        cases = [
            (datetime.combine(date(2026, 3, 6), time(12, 0)), "later", "in 5 days"),
            (datetime.combine(date(2026, 3, 10), time(12, 0)), "soon", "tomorrow"),
            # 01:00 on the 11th in UTC is still the evening of the 10th in São Paulo.
            (datetime.combine(date(2026, 3, 11), time(1, 0)), "soon", "tomorrow"),
            (datetime.combine(date(2026, 3, 11), time(12, 0)), "today", "today"),
            (datetime.combine(date(2026, 3, 12), time(12, 0)), "late", "yesterday: record the notary's outcome"),
            (datetime.combine(date(2026, 3, 14), time(12, 0)), "late", "3 days ago: record the notary's outcome"),
        ]
        for moment, urgency, hint in cases:
            with self.subTest(moment=moment), freeze_time(moment):
                protest.invalidate_recordset(["deadline_urgency", "deadline_hint"])
                self.assertEqual((protest.deadline_urgency, protest.deadline_hint), (urgency, hint))
                self.assertEqual(Protest.search([("deadline_urgency", "=", urgency)]), protest)
                self.assertFalse(Protest.search([("deadline_urgency", "not in", [urgency, False])]))
        with at(DEADLINE):
            self.step(protest, "notify", DEADLINE)
            self.step(protest, "protest", DEADLINE)
            protest.invalidate_recordset(["deadline_urgency", "deadline_hint"])
            self.assertEqual((protest.deadline_urgency, protest.deadline_hint), (False, False))
            self.assertEqual(Protest.search([("deadline_urgency", "=", False)]), protest)

    # ------------------------------------------------------------------
    # Drafts are named by what they are
    # ------------------------------------------------------------------

    def test_a_draft_is_named_by_its_title_and_customer_until_it_gets_its_reference(self):
        form = Form(self.as_user(self.env["collections.protest"], self.collector))
        form.move_id = self.invoice
        self.assertEqual(form.display_name, f"Draft - {self.invoice.name} - {self.customer.name}")
        form.notary_id = self.notary
        protest = form.save()
        self.assertFalse(protest.name, "the reference comes with the sending")
        self.assertEqual(protest.display_name, f"Draft - {self.invoice.name} - {self.customer.name}")
        self.send(protest)
        self.assertTrue(protest.name.startswith("PRT/"), protest.name)
        self.assertEqual(protest.display_name, f"{protest.name} - {self.invoice.name} - {self.customer.name}")
        proposal = self.new_protest(self.make_invoice(self.customer, 300, 70))
        proposal.with_user(self.manager).action_discard()
        self.assertEqual(proposal.display_name, f"Discarded - {proposal.move_id.name} - {self.customer.name}")
        # Found by its title or customer, as a person would look for it.
        self.assertIn(protest, self.env["collections.protest"].search([("display_name", "ilike", self.customer.name)]))

    def test_the_refusal_names_the_draft_that_holds_the_invoice(self):
        self.new_protest()
        with self.assertRaisesRegex(UserError, f"already has protest Draft - {self.invoice.name} - "):
            self.new_protest()

    def test_the_protest_form_saves_from_new_and_from_the_invoice_button(self):
        # Notary Protests > New
        form = Form(self.as_user(self.env["collections.protest"], self.collector))
        form.move_id = self.invoice
        form.notary_id = self.notary
        protest = form.save()
        self.assertEqual((protest.state, protest.move_id, protest.amount), ("draft", self.invoice, 1000))
        # Protest on the invoice: the draft opens, the collector chooses the notary and saves.
        other = self.make_invoice(self.customer, 300, 70)
        opened = self.as_user(other, self.collector).action_collections_protest()
        form = Form.from_action(self.as_user(self.env["collections.protest"], self.collector).env, opened)
        self.assertEqual(form.display_name, f"Draft - {other.name} - {self.customer.name}")
        form.notary_id = self.notary
        form.title_number = f"{other.name}/A"
        drafted = form.save()
        self.assertEqual((drafted.notary_id, drafted.title_number), (self.notary, f"{other.name}/A"))

    def test_a_new_protest_takes_what_a_form_sends_and_names_what_it_refuses(self):
        Protest = self.as_user(self.env["collections.protest"], self.collector)
        protest = Protest.create(
            {
                "move_id": self.invoice.id,
                "state": "draft",
                "name": False,
                "sent_date": False,
                "amount": 0.0,
                "partner_id": False,
                "notary_id": self.notary.id,
            }
        )
        self.assertEqual((protest.state, protest.amount, protest.name), ("draft", 1000, False))
        message = "A new protest starts as a draft: Protested On and State cannot be given when it is created"
        with self.assertRaisesRegex(UserError, message), self.env.cr.savepoint():
            Protest.create(
                {"move_id": self.make_invoice(self.customer, 100, 70).id, "state": "protested", "protest_date": TODAY}
            )
        with self.assertRaisesRegex(UserError, "Reference cannot be given"), self.env.cr.savepoint():
            Protest.create({"move_id": self.make_invoice(self.customer, 100, 70).id, "name": "PRT/2026/9999"})
        with self.assertRaisesRegex(UserError, "^Last Day to Pay cannot be changed by hand"):
            protest.with_user(self.collector).write({"deadline_date": TODAY})

    # ------------------------------------------------------------------
    # The Protest button on invoices
    # ------------------------------------------------------------------

    def invoice_form(self, invoice, user):
        form = Form(self.as_user(invoice, user))
        [button] = form._view["tree"].xpath("//button[@name='action_collections_protest']")
        self.assertEqual(button.get("invisible"), "not collections_can_protest")
        return form

    def test_protest_button_only_where_a_protest_rule_applies(self):
        branch_customer = self.make_customer("Cliente da Filial Ltda", vat="222.333.444-55")
        branch_invoice = self.make_invoice(branch_customer, 500, 70, company=self.company_2)
        self.assertTrue(self.invoice_form(self.invoice, self.manager).collections_can_protest)
        self.assertFalse(
            self.invoice_form(branch_invoice, self.manager).collections_can_protest,
            "the branch has no protest rule",
        )
        with self.assertRaisesRegex(UserError, "Collections Branch does not protest at notaries"):
            self.as_user(branch_invoice, self.manager).action_collections_protest()
        self.assertFalse(self.env["collections.protest"].search([("move_id", "=", branch_invoice.id)]))
        self.env["collections.protest.rule"].with_user(self.manager).create({"company_id": self.company_2.id})
        self.assertTrue(self.invoice_form(branch_invoice, self.manager).collections_can_protest)

    def test_protest_button_only_on_overdue_open_customer_invoices(self):
        not_due = self.make_invoice(self.customer, 100, -5)
        due_today = self.make_invoice(self.customer, 100, 0)
        paid = self.make_invoice(self.customer, 100, 70)
        self.pay_invoice(paid)
        draft = self.make_invoice(self.customer, 100, 70, post=False)
        refund = self.make_invoice(self.customer, 100, 70, move_type="out_refund")
        for invoice in (not_due, due_today, paid, draft, refund):
            with self.subTest(invoice=invoice.display_name):
                self.assertFalse(self.invoice_form(invoice, self.collector).collections_can_protest)
        self.assertTrue(self.invoice_form(self.invoice, self.collector).collections_can_protest)
        # The action still explains why another invoice cannot be protested.
        with self.assertRaisesRegex(UserError, "is not overdue"):
            self.as_user(not_due, self.collector).action_collections_protest()

    def test_protest_button_is_computed_for_a_list_in_a_few_queries(self):
        def count_queries(invoices):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            invoices.with_user(self.collector).mapped("collections_can_protest")
            return self.env.cr.sql_log_count - before

        few = self.env["account.move"].concat(*(self.make_invoice(self.customer, 100, 70) for _ in range(2)))
        many = self.env["account.move"].concat(*(self.make_invoice(self.customer, 100, 70) for _ in range(20)))
        self.env.flush_all()
        count_queries(few)
        self.assertEqual(count_queries(many), count_queries(few))
