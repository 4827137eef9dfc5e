"""The WhatsApp channel: the level's approved template, queued for the gateway (``collections.whatsapp``).

The run only queues: the gateway's job sends, follows delivery receipts and
escalates. A message that fails falls back to the level's SMS or a letter (the
``_sms_fallback`` and ``_letter_fallback`` of their files), and one read but unpaid
becomes a call task.
"""

import json

from odoo import api, models
from odoo.fields import Command

from ..engine import FALLBACK_CHANNELS, UNSENT_STATES
from ..engine.pay_now import WHATSAPP_MAX_CHARS


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    # ------------------------------------------------------------------
    # The channel's actions (see collections_channel.py)
    # ------------------------------------------------------------------

    @api.model
    def _whatsapp_problem(self, company, decision):
        problem = self.env["collections.whatsapp"]._config_problem(company)
        if problem:
            return {"state": "failed", "error": problem}
        return self._phone_problem(decision, self._text(decision, "whatsapp_script_id"))

    @api.model
    def _whatsapp_after_queued(self, events):
        if events.filtered(lambda event: event.state == "queued"):
            self._trigger_cron("collections_addon.ir_cron_collections_whatsapp")
        # A message that cannot even be queued (no number, opted out, no settings) falls back at once.
        self.env["collections.whatsapp"]._fall_back(events.filtered(lambda event: event.state in UNSENT_STATES))

    @api.model
    def _whatsapp_fix_summary(self, state):
        if state == "cancelled":
            return self.env._("Customer opted out of text messages: use another channel")
        return self.env._("WhatsApp message not sent: check the number and the WhatsApp settings")

    @api.model
    def _whatsapp_undelivered_summary(self):
        return self.env._("WhatsApp reminder not delivered")

    # ------------------------------------------------------------------
    # Queueing, fallbacks, a call when read but unpaid
    # ------------------------------------------------------------------

    @api.model
    def _whatsapp_queue(self, company, today, decisions, overrides=None):
        """Render the approved template's parameters and queue the message for the gateway's cron."""
        if not decisions:
            return []
        runner = self.env["collections.runner"]
        # To its collections contact's number, in that contact's language, else to the customer's.
        langs = self._phone_langs(decisions)
        values = self._values_by_partner(company, decisions, langs=langs)
        result = []
        for script, script_decisions in self._by_script(decisions, "whatsapp_script_id").items():
            partner_values = {d.partner.id: values[d.partner.id] for d in script_decisions}
            bodies = script._render_body(partner_values, max_chars=WHATSAPP_MAX_CHARS, langs=langs)
            parameters = script._render_whatsapp_parameters(partner_values, langs=langs)
            for decision in script_decisions:
                partner = decision.partner
                payload = {
                    "template": script.whatsapp_template_name,
                    "language": script.whatsapp_language or langs[partner.id],
                    "parameters": parameters[partner.id],
                }
                result.append(
                    runner._event_vals(
                        decision,
                        "whatsapp",
                        state="queued",
                        body=bodies[partner.id],
                        recipient=self._phone_recipient(decision).phone_sanitized,
                        whatsapp_payload=json.dumps(payload),
                        attempts=0,
                        next_attempt=False,
                        external_id=False,
                        # A step queued again starts over: its escalations and receipts are those of the new message.
                        escalated=False,
                        sent_at=False,
                        delivered_at=False,
                        read_at=False,
                    )
                )
        return result

    @api.model
    def _queue_fallbacks(self, events):
        """Replace failed WhatsApp messages by their level's fallback (an SMS or a letter), in bulk.

        Returns the messages replaced, or with nothing to replace (done already, customer paused or excluded);
        the others could not be. One customer's messages are taken one round at a time: a fallback queued for
        the first one is the one the next finds done already."""
        events = events.filtered(lambda event: event.level_id.whatsapp_fallback in FALLBACK_CHANNELS)
        if not events:
            return events
        first_ids = {event.partner_id.id: event.id for event in reversed(events)}.values()
        first = events.filtered(lambda event: event.id in first_ids)
        done = self._fallbacks_done(first)
        handled = events.browse()
        to_queue = {}
        for event in first:
            partner = event.partner_id.with_company(event.company_id)
            fallback = event.level_id.whatsapp_fallback
            key = (partner.id, event.company_id.id, event.level_id.id, fallback)
            if any(day >= event.date for day in done.get(key, ())) or self._on_hold(partner, event.company_id):
                # Nothing to replace: done already, or the customer is paused or excluded.
                handled |= event
                continue
            values = {
                "partner_id": partner.id,
                "company_id": event.company_id.id,
                "level_id": event.level_id.id,
                "channel": fallback,
                "date": event.company_id._collections_today(),
                "move_ids": [Command.set(event.move_ids.ids)],
                "amount_due": event.amount_due,
                "user_id": event.user_id.id,
                "manual": True,
            }
            to_queue.setdefault(fallback, []).append((event, partner, values))
        for channel, items in to_queue.items():
            handled |= self._channel_fallback(channel, items)
        return handled | self._queue_fallbacks(events - first)

    @api.model
    def _fallbacks_done(self, events):
        """{(customer, company, level, channel): [dates]} of the fallbacks already sent or queued for ``events``'
        customers, in one query."""
        found = (
            self.env["collections.event"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", events.partner_id.ids),
                    ("channel", "in", list(FALLBACK_CHANNELS)),
                    ("state", "not in", UNSENT_STATES),
                    ("date", ">=", min(events.mapped("date"))),
                ],
                ["partner_id", "company_id", "level_id", "channel", "date"],
            )
        )
        done = {}
        for event in found:
            key = (event.partner_id.id, event.company_id.id, event.level_id.id, event.channel)
            done.setdefault(key, []).append(event.date)
        return done

    @api.model
    def _plan_calls_after_read(self, events):
        """A call task each for customers who read the WhatsApp reminder and still have not paid, in bulk."""
        items, rules = [], {}
        for company, company_events in events.grouped("company_id").items():
            history = self._call_history(company_events.partner_id, company)
            for event in company_events:
                partner = event.partner_id.with_company(company)
                policy = event.level_id.policy_id
                if policy not in rules:
                    rules[policy] = self._call_rules(policy)
                slot = self._next_slot(partner, company, policy, history=history[partner.id], rules=rules[policy])
                note = self.env["collections.whatsapp"]._read_note(event) + self._call_script_pointer(
                    event.level_id, event.variant_id.call_script_id or event.level_id.call_script_id
                )
                items.append((event, slot, note, self.env._("Call: WhatsApp read, not paid")))
        return self._create_calls(items)
