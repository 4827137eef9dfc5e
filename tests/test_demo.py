from datetime import date, datetime

from odoo.tests import TransactionCase, freeze_time, tagged
from odoo.tools import convert_file
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
@freeze_time(datetime(2026, 12, 13, 15, 0))  # a Sunday afternoon
class TestDemo(TransactionCase):
    """``./dev.sh demo`` shows a collections team's day whatever the day it is built."""

    def load_demo(self):
        convert_file(self.env, "collections_addon", "demo/collections_demo.xml", {}, mode="init", kind="demo")

    def action_records(self, xmlid, user, company):
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        model = self.env[action["res_model"]].with_user(user).with_company(company)
        return model.search(safe_eval(action.get("domain") or "[]", {"uid": user.id}))

    def test_built_on_a_sunday_every_screen_has_work(self):
        self.load_demo()
        carla = self.env.ref("collections_addon.user_carla_collector")
        brazil = self.env.ref("collections_addon.demo_company_br")
        main = self.env.ref("base.main_company")
        self.assertEqual((brazil.currency_id.name, carla.company_id), ("BRL", brazil))
        self.assertEqual(self.env.ref("collections_addon.demo_partner_ana").lang, "pt_BR")
        self.assertTrue(brazil.collections_negotiation_journal_id, "accounting settings are filled")
        self.assertTrue(brazil.collections_protest_journal_id)

        worklist = self.action_records("collections_addon.collections_worklist_action", carla, brazil)
        self.assertGreaterEqual(len(worklist), 3, "a failed e-mail, a planned call, a broken promise")
        self.assertTrue(all(partner.collections_status_note for partner in worklist), "each says why")
        self.assertTrue(self.action_records("collections_addon.collections_worklist_action", carla, main))

        statuses = set(
            self.action_records("collections_addon.collections_overdue_action", carla, brazil).mapped(
                "collections_status"
            )
        )
        self.assertTrue({"to_contact", "promised", "agreement", "disputed", "notary"} <= statuses, statuses)

        Event = self.env["collections.event"].with_user(carla).with_company(brazil)
        states = set(Event.search([("company_id", "=", brazil.id)]).mapped("state"))
        self.assertTrue({"queued", "sent", "delivered", "read", "failed", "cancelled"} <= states, states)
        letters = self.action_records("collections_addon.collections_event_action_letters", carla, brazil)
        self.assertTrue(letters, "letters to print")
        self.assertTrue(Event.search([("channel", "=", "call"), ("state", "=", "queued")]), "a call planned")

        Agreement = self.env["collections.negotiation"].with_user(carla).with_company(brazil)
        self.assertEqual(set(Agreement.search([]).mapped("state")), {"active", "to_approve"})
        active = Agreement.search([("state", "=", "active")])
        self.assertEqual(active.installment_ids.sorted("sequence")[:1].payment_state, "paid")
        Promise = self.env["collections.promise"].with_user(carla).with_company(brazil)
        self.assertEqual(set(Promise.search([]).mapped("state")), {"open", "kept", "broken"})
        Protest = self.env["collections.protest"].with_user(carla).with_company(brazil)
        self.assertTrue({"draft", "protocolled", "protested"} <= set(Protest.search([]).mapped("state")))
        Dispute = self.env["collections.dispute"].with_user(carla).with_company(brazil)
        self.assertEqual(Dispute.search([]).state, "open")

        # The dashboard has figures from the first login: a year of history behind every card.
        admin = self.env.ref("base.user_admin")
        cards = {
            card["key"]: card
            for card in self.env["collections.dashboard"]
            .with_user(admin)
            .with_company(brazil)
            .get_dashboard_data(period_days=365)["cards"]
        }
        Recovery = self.env["collections.report.recovery"].with_user(admin).with_company(brazil)
        self.assertGreater(Recovery._dashboard_figures(brazil, date(2025, 12, 13), date(2026, 12, 13))["contacts"], 20)
        Dso = self.env["collections.report.dso"].with_user(admin).with_company(brazil)
        self.assertIsNotNone(Dso._dashboard_figures(brazil, None, None)["last_month_dso"])
        Aging = self.env["collections.report.aging"].with_user(admin).with_company(brazil)
        self.assertEqual(len(Aging._read_group([], ["snapshot_date:day"])), 13, "today and 12 month ends")
        Forecast = self.env["collections.report.forecast"].with_user(admin).with_company(brazil)
        self.assertGreater(Forecast._dashboard_figures(brazil, None, None)["total"], 0)
        self.assertEqual(len(cards), 6)


@tagged("-standard", "collections_l10n_br", "post_install", "-at_install")
@freeze_time(datetime(2026, 12, 13, 15, 0))
class TestDemoPix(TransactionCase):
    """With the Brazilian localization (``./dev.sh demo`` installs it), Aurora's reminders carry a Pix code."""

    load_demo = TestDemo.load_demo

    def test_aurora_asks_for_the_updated_amount_by_pix(self):
        self.load_demo()
        brazil = self.env.ref("collections_addon.demo_company_br")
        lucas = self.env.ref("collections_addon.demo_partner_lucas")
        carla = self.env.ref("collections_addon.user_carla_collector")
        invoices = self.env["account.move"].search(
            [
                ("partner_id", "=", lucas.id),
                ("company_id", "=", brazil.id),
                ("payment_state", "in", ("not_paid", "partial")),
            ]
        )
        PayNow = self.env["collections.pay.now"].with_user(carla).with_company(brazil)
        pay = PayNow._pay_now(brazil, {lucas.id: invoices.with_user(carla)})[lucas.id]
        self.assertGreater(pay.amount.charges, 0)
        self.assertEqual(pay.amount.asked, pay.amount.total)
        self.assertIn("br.gov.bcb.pix", pay.qr_text)
        self.assertIn(f"54{len(f'{pay.amount.asked:.2f}'):02d}{pay.amount.asked:.2f}", pay.qr_text)
