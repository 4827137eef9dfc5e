"""The demo's Brazilian company: its customers' stories, each told by one builder (see collections_demo.py)."""

from datetime import datetime, time, timedelta

from odoo import Command, api, models


class CollectionsDemo(models.AbstractModel):
    _inherit = "collections.demo"

    @api.model
    def _populate_brazil(self, company):
        env = self.env(context=dict(self.env.context, allowed_company_ids=[company.id]))
        # Every record of this part belongs to the Brazilian company.
        demo = self.with_env(env)
        today = company._collections_today()
        carla = demo.env.ref("collections_addon.user_carla_collector")
        demo._demo_payments(company)
        demo._demo_reminders(company, today)
        demo._demo_planned_call(company, today)
        demo._demo_letter(company, today)
        demo._demo_agreements(company, today, carla)
        demo._demo_promises(company, today, carla)
        demo._demo_dispute(company, carla)
        # Horizonte's titles at several steps of a notary protest in Rio de Janeiro.
        demo._populate_protests(company)

    def _demo_payments(self, company):
        """Aurora charges 2 % and 1 % a month, asked in payments; with the Brazilian localization installed
        (``./dev.sh demo`` installs it) its bank account has a Pix key, so every reminder, the statement and the
        portal carry a Pix QR code and its "copia e cola" at the updated amount. With Odoo's demo payment
        provider installed, invoices can also be paid online from the reminder's link."""
        profile = self.env["collections.charges.profile"].create(
            {
                "name": "Multa 2 % e juros 1 % a.m.",
                "company_id": company.id,
                "fine_percent": 2,
                "interest_mode": "contract",
                "monthly_rate": 1,
                "correction_mode": "ipca",
                "charges_in_payment": "collect",
                "account_id": self.env["account.account"]
                .search(
                    [("company_ids", "in", company.id), ("account_type", "=", "income_other")], order="code", limit=1
                )
                .id,
            }
        )
        profile.is_company_default = True
        bank_values = {"acc_number": "0001 12345-6", "partner_id": company.partner_id.id}
        Bank = self.env["res.partner.bank"]
        proxy_types = Bank._fields["proxy_type"].get_values(self.env) if "proxy_type" in Bank._fields else []
        if "br_random" in proxy_types:  # the Brazilian localization's Pix keys
            bank_values.update(proxy_type="br_random", proxy_value="5c3a9d2e-8f41-4b6a-9e07-1d2c3b4a5f60")
        bank = Bank.create(bank_values)
        self.env["account.journal"].search(
            [("company_id", "=", company.id), ("type", "=", "bank")], order="sequence, id", limit=1
        ).bank_account_id = bank
        company.qr_code = True
        provider = self.env.ref("payment.payment_provider_demo", raise_if_not_found=False)
        if provider and provider.module_state == "installed":
            provider.copy({"company_id": company.id, "state": "test"})

    def _demo_reminders(self, company, today):
        """Ana's reminder before the due date; João's failed for want of an e-mail address."""
        ref = self.env.ref
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

    def _demo_planned_call(self, company, today):
        """Emily: reminders, then a call planned in the next window."""
        ref = self.env.ref
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

    def _demo_letter(self, company, today):
        """Lucas: a partial payment, several channels, then a letter to print."""
        ref = self.env.ref
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

    def _demo_agreements(self, company, today, carla):
        """Padaria's agreement under way; Mercado's waiting for a manager."""
        ref = self.env.ref
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

    def _demo_promises(self, company, today, carla):
        """A promise kept, one broken and one open."""
        ref = self.env.ref
        # Oficina kept its promise; Marcos broke his and is back on the worklist; Beatriz promised last week.
        oficina = ref("collections_addon.demo_partner_oficina")
        oficina_invoice = self._invoice(company, oficina, [("Revisão completa da frota (3 veículos)", 3, 640.0)], 20)
        kept = self._promise(company, carla, oficina_invoice, today + timedelta(days=2))
        self._pay(company, oficina_invoice, oficina_invoice.amount_residual, today)
        self._backdate_promise(kept, today - timedelta(days=3))
        marcos = ref("collections_addon.demo_partner_marcos")
        marcos_invoice = self._invoice(company, marcos, [("Instalação de ar-condicionado split", 1, 1390.0)], 30)
        self._event(company, marcos, marcos_invoice, 25, "email", "sent")
        broken = self._promise(company, carla, marcos_invoice, today + timedelta(days=2))
        self._backdate_promise(broken, today - timedelta(days=8))
        beatriz = ref("collections_addon.demo_partner_beatriz")
        beatriz_invoice = self._invoice(
            company, beatriz, [("Consultoria nutricional, pacote trimestral", 1, 870.0)], 12
        )
        self._event(company, beatriz, beatriz_invoice, 7, "email", "sent")
        self._promise(company, carla, beatriz_invoice, today + timedelta(days=9), source="call")
        self.env["collections.promise"].with_company(company)._cron_check_promises()

    def _promise(self, company, collector, invoice, day, **values):
        """The collector records the customer's promise to pay ``invoice`` in full on ``day``."""
        return (
            self.env["collections.promise"]
            .with_user(collector)
            .with_company(company)
            .create(
                {
                    "partner_id": invoice.partner_id.id,
                    "move_ids": [Command.set(invoice.ids)],
                    "amount": invoice.amount_residual,
                    "date": day,
                    **values,
                }
            )
        )

    def _demo_dispute(self, company, carla):
        """Clínica's disputed invoice."""
        ref = self.env.ref
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

    def _populate_protests(self, company):
        ref = self.env.ref
        today = company._collections_today()
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
