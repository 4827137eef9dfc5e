"""A living demo, built relative to the day it is loaded (``demo/collections_demo.xml`` calls it).

Every screen must show work whatever the day the database is built, a Sunday included: the
worklist rests on open tasks (a failed e-mail, a planned call, a broken promise, a step due),
which do not depend on the day; the history holds contacts of the last weeks in every state;
agreements, promises, a dispute and protests are taken through their real steps, backdated
where a real flow would have taken weeks. Used by demo data only.
"""

import logging
from datetime import timedelta

from odoo import Command, api, models

_logger = logging.getLogger(__name__)


class CollectionsDemo(models.AbstractModel):
    _name = "collections.demo"
    _description = "Collections: demo data builder"

    @api.model
    def _populate(self):
        brazil = self.env.ref("collections_addon.demo_company_br")
        self._setup_brazilian_company(brazil)
        main = self.env.ref("base.main_company")
        self._populate_brazil(brazil)
        self._populate_main(main)
        self.with_env(self.env(context=dict(self.env.context, allowed_company_ids=[brazil.id])))._populate_history(
            brazil
        )
        runner = self.env["collections.runner"]
        for company in (brazil, main):
            customers = self.env["account.move"].search([("company_id", "=", company.id)]).commercial_partner_id
            self.env["res.partner"]._collections_refresh_scores(company, customers)
            runner._refresh_company(company.id)
        # The dashboard and the reports have figures from the first login.
        self.env["collections.dashboard"]._refresh_reports(brazil | main)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _business_day_back(self, company, day, count):
        """``count`` business days (Monday to Friday, the company's holidays off) before ``day``."""
        calendar = self.env["resource.calendar"]._collections_business_calendar(
            company, day - timedelta(days=count * 2 + 10), day
        )
        while count:
            day -= timedelta(days=1)
            if calendar.is_business_day(day):
                count -= 1
        return day

    def _levels(self, company, is_company):
        policy = self.env["collections.policy"]._default_for(company, is_company)
        return policy.level_ids.sorted("days")

    def _level(self, company, partner, days_late):
        """The highest step of the customer's plan reached ``days_late`` days after the due date."""
        reached = self._levels(company, partner.is_company).filtered(lambda level: 0 <= level.days <= days_late)
        return reached[-1:] if reached else self._levels(company, partner.is_company)[:1]

    def _invoice(self, company, partner, lines, days_late, days_before=30):
        """A posted invoice of ``company`` due ``days_late`` days ago (negative: due in the future)."""
        today = company._collections_today()
        due = today - timedelta(days=days_late)
        invoice = (
            self.env["account.move"]
            .with_company(company)
            .create(
                {
                    "move_type": "out_invoice",
                    "company_id": company.id,
                    "partner_id": partner.id,
                    "invoice_date": min(due - timedelta(days=days_before), today),
                    "invoice_date_due": due,
                    "invoice_payment_term_id": False,
                    "invoice_line_ids": [
                        Command.create({"name": name, "quantity": quantity, "price_unit": price, "tax_ids": []})
                        for name, quantity, price in lines
                    ],
                }
            )
        )
        invoice.invoice_date_due = due
        invoice.action_post()
        return invoice

    def _pay(self, company, lines_or_moves, amount, when):
        model = "account.move.line" if lines_or_moves._name == "account.move.line" else "account.move"
        journal = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "bank")], limit=1)
        self.env["account.payment.register"].with_company(company).with_context(
            active_model=model, active_ids=lines_or_moves.ids
        ).create({"amount": amount, "payment_date": when, "journal_id": journal.id})._create_payments()

    def _event(self, company, partner, moves, days_ago, channel, state, **values):
        """A contact of the history, ``days_ago`` days back (the day it happened)."""
        today = company._collections_today()
        day = today - timedelta(days=days_ago)
        level = values.pop("level", None) or self._level(
            company, partner, max((day - m.invoice_date_due).days for m in moves)
        )
        return (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "level_id": level.id,
                    "channel": channel,
                    "state": state,
                    "date": day,
                    "move_ids": [Command.set(moves.ids)],
                    "amount_due": sum(moves.mapped("amount_residual_signed")),
                    "user_id": self.env.ref("collections_addon.user_carla_collector").id,
                    **values,
                }
            )
        )

    def _backdate_promise(self, promise, day):
        """A promise made weeks ago: the form refuses a past date, the demo writes what time would have."""
        promise.flush_recordset()
        self.env.cr.execute("UPDATE collections_promise SET date = %s WHERE id = %s", (day, promise.id))
        promise.invalidate_recordset(["date"])
        promise._compute_pause_until()
        promise.flush_recordset()

    def _task(self, partner, summary, note, activity_type="mail.mail_activity_data_todo", when=None):
        return (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": self.env.ref(activity_type).id,
                    "summary": summary,
                    "note": note,
                    "user_id": self.env.ref("collections_addon.user_carla_collector").id,
                    "date_deadline": when or self.env.company._collections_today(),
                }
            )
        )

    def _demo_customer_ids(self):
        names = ("ana", "joao", "emily", "lucas", "padaria", "mercado", "oficina", "marcos", "beatriz", "clinica")
        names += ("horizonte", "fenix", "maple", "nordwind")
        return [self.env.ref(f"collections_addon.demo_partner_{name}").id for name in names]

    # ------------------------------------------------------------------
    # The Brazilian company
    # ------------------------------------------------------------------

    def _setup_brazilian_company(self, company):
        company.partner_id.tz = "America/Sao_Paulo"
        if not company.chart_template:
            # The generic chart: the demo must not depend on the Brazilian localization.
            self.env["account.chart.template"]._load("generic_coa", company, install_demo=False)
            company.currency_id = self.env.ref("base.BRL")
        sale_journals = self.env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")])
        if "l10n_latam_use_documents" in sale_journals._fields:
            # With the Brazilian localization installed, a Brazilian sale journal asks for fiscal document types
            # (NF-e…): the demo's invoices on the generic chart are plain invoices.
            sale_journals.l10n_latam_use_documents = False
        brl = self.env.ref("base.BRL")
        if not brl.active:
            brl.active = True
        carla = self.env.ref("collections_addon.user_carla_collector")
        admin = self.env.ref("base.user_admin")
        for user in (carla, admin):
            user.company_ids = [Command.link(company.id)]
        carla.company_id = company
        # The collector of every demo customer, in both companies (the field is per company).
        customers = self.env["res.partner"].search([("id", "in", self._demo_customer_ids())])
        for each in (company, self.env.ref("base.main_company")):
            customers.with_company(each).collections_responsible_id = carla
        if not self.env["collections.protest.rule"].search_count([("company_id", "=", company.id)]):
            # The shipped bank calendar is the main company's: Aurora gets its own copy, holidays included.
            shipped = self.env.ref("collections_addon.collections_bank_calendar_br")
            calendar = shipped.copy({"name": shipped.name, "company_id": company.id})
            for holiday in shipped.leave_ids.filtered(lambda leave: not leave.resource_id):
                holiday.copy({"calendar_id": calendar.id, "company_id": company.id})
            self.env["collections.protest.rule"].create(
                {
                    "company_id": company.id,
                    "start_event": "protocol",
                    "days": 3,
                    "business_days": True,
                    "calendar_id": calendar.id,
                }
            )
        # The plans' defaults suit Brazil: calls in the usual legal windows, limits for agreements.
        self.env["collections.policy"].search([("company_id", "=", company.id)]).write(
            {"max_discount_percent": 10, "max_installments": 6, "min_installment_amount": 100}
        )

    # ------------------------------------------------------------------
    # The main (English-speaking) company
    # ------------------------------------------------------------------

    def _populate_main(self, company):
        ref = self.env.ref
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        self = self.with_env(env)  # noqa: PLW0642 -- every record of this part belongs to the main company
        today = company._collections_today()
        # Maple Leaf: after two e-mails, a formal letter waits to be printed.
        maple = ref("collections_addon.demo_partner_maple")
        maple_invoices = self._invoice(company, maple, [("Green coffee beans, 60 kg sack", 12, 340.0)], 50) | (
            self._invoice(company, maple, [("Sea freight Santos to Toronto", 1, 670.0)], 10)
        )
        self._event(company, maple, maple_invoices[:1], 44, "email", "sent")
        self._event(company, maple, maple_invoices[:1], 29, "email", "sent")
        self._event(company, maple, maple_invoices, 0, "letter", "queued")
        # Nordwind reached the negotiation step: its reminders go to the accounts payable mailbox.
        nordwind = ref("collections_addon.demo_partner_nordwind")
        nordwind_invoices = self._invoice(
            company, nordwind, [("Fleet tracking software, annual licence", 1, 6400.0)], 65
        ) | self._invoice(company, nordwind, [("Customs brokerage, container HLXU 4821937", 1, 3150.0)], 28)
        self._event(company, nordwind, nordwind_invoices[:1], 60, "email", "sent")
        self._event(company, nordwind, nordwind_invoices[:1], 38, "email", "sent")
        self._event(
            company,
            nordwind,
            nordwind_invoices[:1],
            31,
            "email",
            "failed",
            error=self.env._("The recipient's mail server refused the message (550 mailbox full)."),
        )
        negotiation_level = self._levels(company, True).filtered(lambda level: level.escalation == "negotiation")[:1]
        step = self._event(company, nordwind, nordwind_invoices, 0, "task", "queued", level=negotiation_level)
        step.activity_id = self._task(
            nordwind,
            self.env._("Collections step due: %(level)s", level=negotiation_level.name),
            self.env._("Use 'Propose agreement' on the customer to offer instalments or a discount."),
        )
        # A settled customer: paid after the first reminder.
        paid = self._invoice(company, nordwind, [("Driver training", 4, 250.0)], 40)
        self._event(company, nordwind, paid, 33, "email", "sent")
        self._pay(company, paid, paid.amount_residual, today - timedelta(days=30))
        _logger.info("Collections demo: populated %s", company.name)
