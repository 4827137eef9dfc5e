"""A living demo, built relative to the day it is loaded (``demo/collections_demo.xml`` calls it).

Every screen must show work whatever the day the database is built, a Sunday included: the
worklist rests on open tasks (a failed e-mail, a planned call, a broken promise, a step due),
which do not depend on the day; the history holds contacts of the last weeks in every state;
agreements, promises, a dispute and protests are taken through their real steps, backdated
where a real flow would have taken weeks. Used by demo data only.
"""

import logging
from datetime import datetime, time, timedelta

from odoo import Command, api, fields, models

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
        runner = self.env["collections.runner"]
        for company in (brazil, main):
            runner._refresh_company(company.id)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _today(self, company):
        return self.env["collections.runner"]._today(company)

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
        today = self._today(company)
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
        today = self._today(company)
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
                    "date_deadline": when or fields.Date.context_today(self),
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

    def _populate_brazil(self, company):
        ref = self.env.ref
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        self = self.with_env(env)  # noqa: PLW0642 -- every record of this part belongs to the Brazilian company
        today = self._today(company)
        carla = ref("collections_addon.user_carla_collector")

        # Ana: a polite reminder before the due date went out this morning.
        ana = ref("collections_addon.demo_partner_ana")
        ana_invoice = self._invoice(
            company,
            ana,
            [("Plano de internet residencial, mensalidade", 1, 129.90), ("Aluguel do roteador", 1, 50.10)],
            -2,
        )
        self._event(company, ana, ana_invoice, 0, "email", "sent")

        # João has no e-mail address: his first reminder could not go out, the collector must act.
        joao = ref("collections_addon.demo_partner_joao")
        joao_invoice = self._invoice(company, joao, [("Aulas particulares de inglês (8 horas)", 8, 90.0)], 6)
        failed = self._event(
            company,
            joao,
            joao_invoice,
            1,
            "email",
            "failed",
            error=self.env._(
                "%(customer)s has no e-mail address: add one to the customer or to an invoice address; the next "
                "run sends the reminder.",
                customer=joao.name,
            ),
        )
        failed.activity_id = self._task(
            joao, self.env._("Reminder not sent: fix the e-mail address"), failed.error, when=today - timedelta(days=1)
        )

        # Emily (English-speaking, billed in reais): reminders, then a call planned in the next window.
        emily = ref("collections_addon.demo_partner_emily")
        emily_old = self._invoice(company, emily, [("Portuguese translation of a website (16 pages)", 16, 110.0)], 28)
        emily_new = self._invoice(company, emily, [("Translation review, 12 pages", 12, 35.0)], 10)
        self._event(company, emily, emily_old, 25, "email", "sent")
        self._event(company, emily, emily_old, 13, "whatsapp", "read", recipient=emily.phone)
        moves = emily_old | emily_new
        call_level = self._levels(company, False).filtered("schedule_call")[:1]
        policy = self.env["collections.policy"]._default_for(company, False)
        slot = self.env["collections.channel"]._next_slot(emily, company, policy) or datetime.combine(
            today + timedelta(days=1), time(12, 0)
        )
        self._event(
            company,
            emily,
            moves,
            0,
            "call",
            "queued",
            level=call_level,
            call_planned_at=slot,
            priority=sum(moves.mapped("amount_residual_signed")),
            recipient=emily.phone,
            activity_id=self._task(
                emily,
                self.env._("Collections call: %(level)s", level=call_level.name),
                False,
                activity_type="mail.mail_activity_data_call",
                when=slot.date(),
            ).id,
        )

        # Lucas paid part of his invoice; after e-mails, an SMS and a WhatsApp message, a formal letter waits
        # to be printed.
        lucas = ref("collections_addon.demo_partner_lucas")
        lucas_invoice = self._invoice(
            company, lucas, [("Conserto de notebook: troca da placa-mãe", 1, 1180.0), ("Visita técnica", 2, 150.0)], 50
        )
        self._pay(company, lucas_invoice, 500.0, today - timedelta(days=35))
        self._event(company, lucas, lucas_invoice, 46, "email", "sent")
        self._event(company, lucas, lucas_invoice, 34, "email", "sent")
        self._event(company, lucas, lucas_invoice, 34, "sms", "delivered", recipient=lucas.phone)
        self._event(
            company,
            lucas,
            lucas_invoice,
            24,
            "whatsapp",
            "cancelled",
            error=self.env._("The customer answered STOP: no WhatsApp message any more."),
        )
        self._event(company, lucas, lucas_invoice, 0, "letter", "queued")

        # Padaria agreed on three monthly instalments; the first one is paid.
        padaria = ref("collections_addon.demo_partner_padaria")
        padaria_invoices = self._invoice(
            company,
            padaria,
            [("Manutenção do forno de lastro", 1, 1450.0), ("Resistências de reposição", 2, 425.0)],
            75,
        ) | self._invoice(company, padaria, [("Farinha de trigo tipo 1, saco de 25 kg", 20, 43.0)], 55)
        self._event(company, padaria, padaria_invoices, 60, "email", "sent")
        self._event(company, padaria, padaria_invoices, 40, "email", "sent")
        agreement = (
            self.env["collections.negotiation"]
            .with_user(carla)
            .with_company(company)
            .create(
                {
                    "partner_id": padaria.id,
                    "move_ids": [Command.set(padaria_invoices.ids)],
                    "installment_count": 3,
                    "interval": "monthly",
                    "first_date": today - timedelta(days=20),
                    "discount_type": "percent",
                    "discount_value": 5,
                }
            )
        )
        agreement.action_propose()
        agreement.sudo()._accept(padaria.name, ip="127.0.0.1")
        first = agreement.installment_ids.sorted("sequence")[:1]
        self._pay(company, first.move_line_id, first.amount, today - timedelta(days=19))

        # Mercado asked for a discount beyond the plan's limits: it waits for a manager.
        mercado = ref("collections_addon.demo_partner_mercado")
        mercado_invoice = self._invoice(company, mercado, [("Hortifrúti, entrega semanal (mês)", 4, 980.0)], 48)
        self._event(company, mercado, mercado_invoice, 40, "email", "sent")
        self._event(company, mercado, mercado_invoice, 26, "email", "sent")
        (
            self.env["collections.negotiation"]
            .with_user(carla)
            .with_company(company)
            .create(
                {
                    "partner_id": mercado.id,
                    "move_ids": [Command.set(mercado_invoice.ids)],
                    "installment_count": 10,
                    "interval": "monthly",
                    "first_date": today + timedelta(days=10),
                    "discount_type": "percent",
                    "discount_value": 20,
                }
            )
            .action_propose()
        )

        # Oficina kept its promise; Marcos broke his and is back on the worklist; Beatriz promised last week.
        oficina = ref("collections_addon.demo_partner_oficina")
        oficina_invoice = self._invoice(company, oficina, [("Revisão completa da frota (3 veículos)", 3, 640.0)], 20)
        kept = (
            self.env["collections.promise"]
            .with_user(carla)
            .with_company(company)
            .create(
                {
                    "partner_id": oficina.id,
                    "move_ids": [Command.set(oficina_invoice.ids)],
                    "amount": oficina_invoice.amount_residual,
                    "date": today + timedelta(days=2),
                }
            )
        )
        self._pay(company, oficina_invoice, oficina_invoice.amount_residual, today)
        self._backdate_promise(kept, today - timedelta(days=3))
        marcos = ref("collections_addon.demo_partner_marcos")
        marcos_invoice = self._invoice(company, marcos, [("Instalação de ar-condicionado split", 1, 1390.0)], 30)
        self._event(company, marcos, marcos_invoice, 25, "email", "sent")
        broken = (
            self.env["collections.promise"]
            .with_user(carla)
            .with_company(company)
            .create(
                {
                    "partner_id": marcos.id,
                    "move_ids": [Command.set(marcos_invoice.ids)],
                    "amount": marcos_invoice.amount_residual,
                    "date": today + timedelta(days=2),
                }
            )
        )
        self._backdate_promise(broken, today - timedelta(days=8))
        beatriz = ref("collections_addon.demo_partner_beatriz")
        beatriz_invoice = self._invoice(
            company, beatriz, [("Consultoria nutricional, pacote trimestral", 1, 870.0)], 12
        )
        self._event(company, beatriz, beatriz_invoice, 7, "email", "sent")
        self.env["collections.promise"].with_user(carla).with_company(company).create(
            {
                "partner_id": beatriz.id,
                "move_ids": [Command.set(beatriz_invoice.ids)],
                "amount": beatriz_invoice.amount_residual,
                "date": today + timedelta(days=9),
                "source": "call",
            }
        )
        self.env["collections.promise"].with_company(company)._cron_check_promises()

        # Clínica disputes an invoice: it leaves the follow-up until the dispute is resolved.
        clinica = ref("collections_addon.demo_partner_clinica")
        clinica_invoice = self._invoice(
            company, clinica, [("Cadeira odontológica, manutenção preventiva", 1, 2150.0)], 16
        )
        self._event(company, clinica, clinica_invoice, 11, "email", "sent")
        self.env["collections.dispute"].with_user(carla).with_company(company).create(
            {
                "partner_id": clinica.id,
                "move_ids": [Command.set(clinica_invoice.ids)],
                "reason": "A clínica diz que a manutenção não foi concluída: falta trocar o compressor.",
            }
        )

        # Horizonte's titles at several steps of a notary protest in Rio de Janeiro.
        self._populate_protests(company)

    def _populate_protests(self, company):
        ref = self.env.ref
        today = self._today(company)
        carla = ref("collections_addon.user_carla_collector")
        admin = ref("base.user_admin")
        horizonte = ref("collections_addon.demo_partner_horizonte")
        notary = ref("collections_addon.demo_notary_rio")
        Protest = self.env["collections.protest"].with_company(company)

        def invoice(days_late, amount):
            return self._invoice(
                company,
                horizonte,
                [("Locação de andaimes, 3 meses", 3, amount), ("Montagem e desmontagem", 1, 2400.0)],
                days_late,
            )

        def step(protest, action, when, user=carla, **values):
            self.env["collections.protest.step"].with_user(user).with_company(company).create(
                {"protest_id": protest.id, "action": action, "date": when, **values}
            ).action_confirm()

        fenix = ref("collections_addon.demo_partner_fenix")
        oldest, newest = invoice(130, 3200.0), invoice(95, 2600.0)
        at_notary = self._invoice(company, fenix, [("Chapas de aço galvanizado, lote 48", 12, 310.0)], 100)
        for customer, moves, days_ago in ((horizonte, oldest, 120), (horizonte, oldest, 100), (fenix, at_notary, 90)):
            self._event(company, customer, moves, days_ago, "email", "sent")
        # Protested three weeks ago, after the last day to pay went by.
        protested = Protest.with_user(carla).create({"move_id": oldest.id, "notary_id": notary.id})
        sent_day = self._business_day_back(company, today, 25)
        step(protested, "send", sent_day, user=admin, send_means="center")
        step(protested, "protocol", self._business_day_back(company, today, 24), protocol_number="2º-RJ-48211")
        step(protested, "notify", self._business_day_back(company, today, 23))
        step(protested, "protest", max(protested.deadline_date, self._business_day_back(company, today, 18)))
        # Fênix's title was protocolled the last business day: it still has days to pay at the notary.
        waiting = Protest.with_user(carla).create({"move_id": at_notary.id, "notary_id": notary.id})
        step(waiting, "send", self._business_day_back(company, today, 2), user=admin, send_means="bank")
        step(waiting, "protocol", self._business_day_back(company, today, 1), protocol_number="2º-RJ-51774")
        # The newest is proposed by the follow-up for a manager to review.
        Protest.with_user(carla).create({"move_id": newest.id, "notary_id": notary.id})

    # ------------------------------------------------------------------
    # The main (English-speaking) company
    # ------------------------------------------------------------------

    def _populate_main(self, company):
        ref = self.env.ref
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        self = self.with_env(env)  # noqa: PLW0642 -- every record of this part belongs to the main company
        today = self._today(company)
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
