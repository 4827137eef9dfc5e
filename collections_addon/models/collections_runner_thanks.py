"""Thanking paid customers in the follow-up run: once the last overdue item of a reminded customer is paid.

The rule is the engine's (``engine.thanks_due``): a customer who reached a follow-up level and has nothing
overdue anymore is thanked once per episode (``collections_thanked_date`` on or after its last contact says
it was). The thank-you goes on the channel of the customer's last reminder (``engine.thanks_channel``): by SMS
(Odoo's SMS queue) or WhatsApp (the gateway's queue) when the plan has a thank-you script for it and the customer
can receive it, else by the plan's thank-you e-mail. The contacts still waiting (calls, WhatsApp messages,
letters) are cancelled in any case.
"""

import json
from collections import defaultdict

from odoo import Command, models

from ..engine import CONTACT_CHANNELS, UNSENT_STATES, thanks_channel, thanks_due
from ..engine.pay_now import SMS_MAX_CHARS, WHATSAPP_MAX_CHARS


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    def _thank_paid_customers(self, company, today, decisions):
        """Thank the customers of the batch who paid what they were reminded of; returns them."""
        paid = self.env["res.partner"]
        to_thank = []
        # What the check reads, for the batch at once (a first read would fetch every column of res.partner).
        paid.union(*(decision.partner for decision in decisions)).fetch(
            ["collections_level_id", "collections_last_date", "collections_thanked_date"]
        )
        for decision in decisions:
            partner = decision.partner
            level = partner.collections_level_id
            if thanks_due(
                today,
                decision.lines,
                reminded_days=level.days if level else None,
                last_contact=partner.collections_last_date or None,
                thanked=partner.collections_thanked_date or None,
                # An agreement under way replaced the invoices: its customer did not pay them.
                agreement_running=decision.engine.resting_status == "agreement",
            ):
                paid |= partner
                policy = decision.policy
                if policy.thanks_template_id or policy.thanks_sms_script_id or policy.thanks_whatsapp_script_id:
                    to_thank.append(decision)
        if not paid:
            return paid
        self.env["collections.event"]._cancel_pending(
            paid, company, self.env._("The customer paid what was overdue: this contact is no longer needed.")
        )
        by_channel = defaultdict(list)
        last_reminders = self._last_reminders(company, paid)
        for decision in to_thank:
            last = last_reminders.get(decision.partner.id, self.env["collections.event"])
            channel = thanks_channel(last.mapped("channel"), self._thanks_ready(company, decision))
            if channel:
                by_channel[channel].append((decision, last))
        self._thank_by_email(company, [decision for decision, _last in by_channel["email"]])
        self._thank_by_sms(company, by_channel["sms"])
        self._thank_by_whatsapp(company, by_channel["whatsapp"])
        # sudo: the follow-up's own bookkeeping on the customer.
        paid.sudo().with_company(company).write({"collections_thanked_date": today})
        return paid

    def _thank_by_email(self, company, decisions):
        """The plan's thank-you e-mail to the recipients the reminders went to (its collections contacts, else
        invoice addresses, else itself, without those that opted out): one e-mail per language they read,
        grouped as the reminders are (``collections.channel._email_groups``)."""
        for decision, lang, recipients in self.env["collections.channel"]._email_groups(decisions):
            # sudo: the job's user may not read mail templates; the plan chose this one.
            decision.policy.thanks_template_id.sudo().with_company(company).with_context(
                template_preview_lang=lang
            ).send_mail(decision.partner.id, email_values={"recipient_ids": [Command.set(recipients.ids)]})

    def _last_reminders(self, company, partners):
        """{customer id: the contacts of its last reminder step that went out (collections.event, latest first)}:
        the channels it may be thanked on."""
        # sudo: the event log is the follow-up's own.
        events = (
            self.env["collections.event"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("level_id", "!=", False),
                    ("is_thanks", "=", False),
                    ("channel", "in", CONTACT_CHANNELS),
                    ("state", "not in", UNSENT_STATES),
                    ("date", ">=", min(day for day in partners.mapped("collections_last_date") if day)),
                ],
                order="date desc, id desc",
            )
        )
        last = {}
        for event in events:
            step = last.setdefault(event.partner_id.id, event)
            if event != step[:1] and event.date == step[:1].date:
                last[event.partner_id.id] = step | event
        return last

    def _thanks_ready(self, company, decision):
        """The channels the plan has a thank-you for and the customer can receive it on."""
        policy = decision.policy
        # The number of its collections contact, else its own, as the reminders went.
        phone = self.env["collections.channel"]._phone_recipient(decision)
        phone_ok = bool(phone.phone_sanitized) and not (
            phone.phone_sanitized_blacklisted or phone.collections_phone_invalid
        )
        ready = set()
        if policy.thanks_template_id and decision.recipients:
            ready.add("email")
        sms, whatsapp = policy.thanks_sms_script_id, policy.thanks_whatsapp_script_id
        if phone_ok and sms and sms.tone_state != "blocked":
            ready.add("sms")
        if (
            phone_ok
            and whatsapp.whatsapp_template_name
            and whatsapp.tone_state != "blocked"
            and not self.env["collections.whatsapp"]._config_problem(company)
        ):
            ready.add("whatsapp")
        return ready

    def _thanks_values(self, company, script, pairs, max_chars):
        """{customer id: placeholder values} (the invoices and amount of the last reminder, no way to pay: they
        are paid) and the rendered bodies of ``script`` for ``pairs`` of (decision, last reminder), in the language
        of the number's owner (``collections.channel._phone_langs``)."""
        Script = self.env["collections.script"]
        langs = self.env["collections.channel"]._phone_langs([decision for decision, _last in pairs])
        values = {}
        for decision, last in pairs:
            partner = decision.partner
            collector = partner.collections_responsible_id or decision.policy.responsible_id or self.env.user
            moves, amount = last[:1].move_ids, last[:1].amount_due
            values[partner.id] = Script._placeholder_values(
                partner, company, moves, amount, collector, pay_now=False, lang=langs[partner.id]
            )
        return values, script._render_body(values, max_chars=max_chars, langs=langs), langs

    def _thank_by_sms(self, company, pairs):
        Channel = self.env["collections.channel"]
        by_script = defaultdict(list)
        for decision, last in pairs:
            by_script[decision.policy.thanks_sms_script_id].append((decision, last))
        to_send = []
        for script, script_pairs in by_script.items():
            _values, bodies, _langs = self._thanks_values(company, script, script_pairs, SMS_MAX_CHARS)
            to_send += [
                (decision.partner, bodies[decision.partner.id], Channel._phone_recipient(decision))
                for decision, _last in script_pairs
            ]
        Channel._post_sms(company, to_send)

    def _thank_by_whatsapp(self, company, pairs):
        """Queue the thank-you for the WhatsApp gateway as a contact without a level (not a reminder step) nor
        invoices (paid ones would cancel it), never escalated nor replaced by a fallback."""
        by_script = defaultdict(list)
        for decision, last in pairs:
            by_script[decision.policy.thanks_whatsapp_script_id].append((decision, last))
        events = []
        for script, script_pairs in by_script.items():
            values, bodies, langs = self._thanks_values(company, script, script_pairs, WHATSAPP_MAX_CHARS)
            parameters = script._render_whatsapp_parameters(values, langs=langs)
            for decision, _last in script_pairs:
                partner = decision.partner
                payload = {
                    "template": script.whatsapp_template_name,
                    "language": script.whatsapp_language or langs[partner.id],
                    "parameters": parameters[partner.id],
                }
                events.append(
                    {
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "channel": "whatsapp",
                        "state": "queued",
                        "date": company._collections_today(),
                        "body": bodies[partner.id],
                        "recipient": self.env["collections.channel"]._phone_recipient(decision).phone_sanitized,
                        "whatsapp_payload": json.dumps(payload),
                        "escalated": True,
                        "is_thanks": True,
                    }
                )
        if events:
            # sudo: the event log is the follow-up's own.
            self.env["collections.event"].sudo().create(events)
            self.env["collections.channel"]._trigger_cron("collections_addon.ir_cron_collections_whatsapp")
