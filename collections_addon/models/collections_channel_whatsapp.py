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
    def _queue_fallback(self, event, channel):
        """Replace a failed WhatsApp message by ``channel`` (an SMS or a letter); False when that is impossible."""
        if channel not in FALLBACK_CHANNELS:
            return False
        partner = event.partner_id.with_company(event.company_id)
        already = (
            self.env["collections.event"]
            .sudo()
            .search_count(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", event.company_id.id),
                    ("level_id", "=", event.level_id.id),
                    ("channel", "=", channel),
                    ("state", "not in", UNSENT_STATES),
                    ("date", ">=", event.date),
                ]
            )
        )
        if already or self._on_hold(partner, event.company_id):
            # Nothing to replace: done already, or the customer is paused or excluded.
            return True
        values = {
            "partner_id": partner.id,
            "company_id": event.company_id.id,
            "level_id": event.level_id.id,
            "channel": channel,
            "date": event.company_id._collections_today(),
            "move_ids": [Command.set(event.move_ids.ids)],
            "amount_due": event.amount_due,
            "user_id": event.user_id.id,
            "manual": True,
        }
        return self._channel_fallback(channel, event, partner, values)

    @api.model
    def _plan_call_after_read(self, event):
        """A call task for a customer who read the WhatsApp reminder and still has not paid."""
        partner = event.partner_id.with_company(event.company_id)
        policy = event.level_id.policy_id
        slot = self._next_slot(partner, event.company_id, policy)
        note = self.env["collections.whatsapp"]._read_note(event) + self._call_script_pointer(
            event.level_id, event.variant_id.call_script_id or event.level_id.call_script_id
        )
        return self._create_call(event, slot, note, self.env._("Call: WhatsApp read, not paid"))
