"""Acting on the SMS, WhatsApp and call channels of a follow-up step.

The runner decides who gets which step; this model turns a step into an SMS in
Odoo's SMS queue, a WhatsApp message in the gateway's queue, or a call task
planned inside the plan's call windows.
"""

import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command
from odoo.tools import plaintext2html

from ..engine import call_priority, next_call_slot, on_hold

# Calls already made are looked up this far back (longer than any sensible call period).
_CALL_HISTORY_DAYS = 62


class CollectionsChannel(models.AbstractModel):
    _name = "collections.channel"
    _description = "Collections Channels"

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    @api.model
    def _phone_problem(self, company, decision, channel):
        partner = decision.partner
        level = self.env["collections.level"].browse(decision.engine.level.id)
        if channel == "whatsapp":
            problem = self.env["collections.whatsapp"]._config_problem(company)
            if problem:
                return {"state": "failed", "error": problem}
        if partner.phone_sanitized and partner.phone_sanitized_blacklisted:
            return {
                "state": "cancelled",
                "error": self.env._(
                    "%(number)s opted out of text messages (blacklisted): contact the customer on another channel, "
                    "or remove the number from the phone blacklist if the customer agrees.",
                    number=partner.phone_sanitized,
                ),
            }
        if partner.collections_phone_invalid:
            return {
                "state": "failed",
                "error": self.env._(
                    "The phone number of %(customer)s was reported wrong on a call: correct it on the customer "
                    "(this clears the flag); the next run sends the message.",
                    customer=partner.display_name,
                ),
            }
        if not partner.phone_sanitized:
            return {
                "state": "failed",
                "error": self.env._(
                    "%(customer)s has no valid mobile number (%(number)s): enter it with the country code, "
                    "e.g. +55 11 91234-5678; the next run sends the message.",
                    customer=partner.display_name,
                    number=partner.phone or self.env._("empty"),
                ),
            }
        script = level.sms_script_id if channel == "sms" else level.whatsapp_script_id
        if script.tone_state == "blocked":
            return {
                "state": "failed",
                "error": self.env._(
                    "The script '%(script)s' is blocked by the tone check: rephrase it or have a manager accept it.",
                    script=script.display_name,
                ),
            }
        return None

    @api.model
    def _call_problem(self, company, decision):
        partner = decision.partner
        if partner.collections_phone_invalid:
            return {
                "state": "failed",
                "error": self.env._(
                    "The phone number of %(customer)s was reported wrong on a call: correct it on the customer "
                    "(this clears the flag); the next run plans the call.",
                    customer=partner.display_name,
                ),
            }
        if not partner.phone:
            return {
                "state": "failed",
                "error": self.env._(
                    "%(customer)s has no phone number: add one to the customer; the next run plans the call.",
                    customer=partner.display_name,
                ),
            }
        return None

    @api.model
    def _on_hold(self, partner, company):
        """Whether the customer is paused or excluded in ``company`` today: queued contacts wait."""
        partner = partner.commercial_partner_id.with_company(company)
        return on_hold(
            self.env["collections.runner"]._today(company),
            partner.collections_paused_until or None,
            partner.collections_excluded,
            partner.collections_excluded_until or None,
        )

    @api.model
    def _all_paid(self, event):
        moves = event.move_ids
        return bool(moves) and all(move.payment_state in ("paid", "in_payment", "reversed") for move in moves)

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    @api.model
    def _values_by_partner(self, company, decisions):
        Script = self.env["collections.script"]
        all_moves = self.env["account.move"].browse({move_id for d in decisions for move_id in d.engine.move_ids})
        all_moves.fetch(["name", "invoice_date", "invoice_date_due", "date", "access_token"])
        Script._ensure_access_tokens(all_moves)
        values = {}
        for decision in decisions:
            # What the message claims: the overdue invoices and total, as the customer form counts them
            # (before the due date, what comes due). Shared prefetch: a link or a name is read once.
            moves = all_moves.browse(decision.engine.claimed_move_ids).with_prefetch(all_moves._prefetch_ids)
            collector = decision.partner.collections_responsible_id or decision.policy.responsible_id or self.env.user
            values[decision.partner.id] = Script._placeholder_values(
                decision.partner, company, moves, decision.engine.claimed_company, collector
            )
        return values

    @api.model
    def _by_script(self, decisions, field_name):
        grouped = {}
        for decision in decisions:
            script = self.env["collections.level"].browse(decision.engine.level.id)[field_name]
            grouped.setdefault(script, []).append(decision)
        return grouped

    # ------------------------------------------------------------------
    # SMS
    # ------------------------------------------------------------------

    @api.model
    def _queue_sms(self, company, decisions, event_vals):
        """Queue one SMS per customer in Odoo's SMS queue, posted in its chatter; returns event values."""
        if not decisions:
            return []
        values = self._values_by_partner(company, decisions)
        to_send, sent_decisions = [], []
        for script, script_decisions in self._by_script(decisions, "sms_script_id").items():
            bodies = script._render_body({d.partner.id: values[d.partner.id] for d in script_decisions})
            for decision in script_decisions:
                to_send.append((decision.partner, bodies[decision.partner.id]))
                sent_decisions.append(decision)
        messages = self._post_sms(company, to_send)
        return [
            event_vals(
                decision,
                "sms",
                state="queued",
                message_id=message.id,
                body=body,
                recipient=decision.partner.phone_sanitized,
            )
            for decision, (_partner, body), message in zip(sent_decisions, to_send, messages, strict=True)
        ]

    @api.model
    def _post_sms(self, company, partner_bodies):
        """Post SMS on customers and queue them, for a whole batch at once.

        What ``_message_sms`` does for one record (a chatter message of type SMS, the
        ``sms.sms`` to send, its notification and delivery tracker), in three creates
        for the batch instead of a message_post per customer. The message carries the
        company, so Odoo sends through that company's SMS account.
        """
        if not partner_bodies:
            return self.env["mail.message"]
        # From the webhook the user is the public one: the company's bot posts instead.
        author = self.env.ref("base.partner_root") if self.env.user._is_public() else self.env.user.partner_id
        note = self.env.ref("mail.mt_note")
        # sudo: the run posts the SMS as the company; the SMS queue and notifications are technical.
        messages = (
            self.env["mail.message"]
            .sudo()
            .create(
                [
                    {
                        "model": "res.partner",
                        "res_id": partner.id,
                        "record_name": partner.display_name,
                        "record_company_id": company.id,
                        "message_type": "sms",
                        "subtype_id": note.id,
                        "author_id": author.id,
                        # Set here: mail.message would compute both one message at a time.
                        "email_from": author.sudo().email_formatted,
                        "reply_to": False,
                        "body": plaintext2html(body),
                        "partner_ids": [Command.link(partner.id)],
                    }
                    for partner, body in partner_bodies
                ]
            )
        )
        sms_records = (
            self.env["sms.sms"]
            .sudo()
            .create(
                [
                    {
                        "body": body,
                        "mail_message_id": message.id,
                        "partner_id": partner.id,
                        "number": partner.phone_sanitized,
                        "state": "outgoing",
                    }
                    for (partner, body), message in zip(partner_bodies, messages, strict=True)
                ]
            )
        )
        self.env["mail.notification"].sudo().create(
            [
                {
                    "author_id": author.id,
                    "mail_message_id": sms.mail_message_id.id,
                    "res_partner_id": sms.partner_id.id,
                    "sms_number": sms.number,
                    "notification_type": "sms",
                    "sms_id_int": sms.id,
                    "sms_tracker_ids": [Command.create({"sms_uuid": sms.uuid})],
                    "is_read": True,
                    "notification_status": "ready",
                }
                for sms in sms_records
            ]
        )
        self._trigger_cron("sms.ir_cron_sms_scheduler_action")
        return messages

    # ------------------------------------------------------------------
    # WhatsApp
    # ------------------------------------------------------------------

    @api.model
    def _queue_whatsapp(self, company, decisions, event_vals):
        """Render the approved template's parameters and queue the message for the gateway's cron."""
        if not decisions:
            return []
        values = self._values_by_partner(company, decisions)
        result = []
        for script, script_decisions in self._by_script(decisions, "whatsapp_script_id").items():
            partner_values = {d.partner.id: values[d.partner.id] for d in script_decisions}
            bodies = script._render_body(partner_values)
            parameters = script._render_whatsapp_parameters(partner_values)
            for decision in script_decisions:
                partner = decision.partner
                payload = {
                    "template": script.whatsapp_template_name,
                    "language": script.whatsapp_language or partner.lang or "en_US",
                    "parameters": parameters[partner.id],
                }
                result.append(
                    event_vals(
                        decision,
                        "whatsapp",
                        state="queued",
                        body=bodies[partner.id],
                        recipient=partner.phone_sanitized,
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
    def _after_whatsapp_queued(self, events):
        if events.filtered(lambda event: event.state == "queued"):
            self._trigger_cron("collections_addon.ir_cron_collections_whatsapp")

    @api.model
    def _trigger_cron(self, xmlid):
        cron = self.env.ref(xmlid, raise_if_not_found=False)
        if cron:
            # sudo: the queue's cron is technical; any collector's action may wake it up.
            cron.sudo()._trigger()

    # ------------------------------------------------------------------
    # Calls
    # ------------------------------------------------------------------

    @api.model
    def _partner_tz(self, partner, company):
        return partner.tz or company.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _call_history(self, partners, company):
        """{partner id: [called_at, …]} of the calls made in the last weeks, oldest first."""
        since = fields.Datetime.now() - timedelta(days=_CALL_HISTORY_DAYS)
        # sudo: the caps count every collector's calls, including those of calls the user cannot see.
        events = (
            self.env["collections.event"]
            .sudo()
            .search_fetch(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    ("channel", "=", "call"),
                    ("called_at", ">=", since),
                ],
                ["partner_id", "called_at"],
                order="called_at",
            )
        )
        history = {partner.id: [] for partner in partners}
        for event in events:
            history[event.partner_id.id].append(event.called_at)
        return history

    @api.model
    def _call_rules(self, policy):
        today = fields.Date.context_today(self)
        return policy._call_rules(today - timedelta(days=7), today + timedelta(days=120))

    @api.model
    def _next_slot(self, partner, company, policy, after=None, history=None):
        """The next moment the plan allows calling the customer (naive UTC), or None."""
        history = history if history is not None else self._call_history(partner, company)[partner.id]
        return next_call_slot(
            after or fields.Datetime.now(),
            self._call_rules(policy),
            history,
            tz=self._partner_tz(partner, company),
        )

    @api.model
    def _local_day(self, moment, partner, company):
        tz = self._partner_tz(partner, company)
        return fields.Datetime.context_timestamp(self.with_context(tz=tz), moment).date()

    @api.model
    def _plan_calls(self, company, decisions, event_vals):
        """Call events planned in the next allowed slot, each with its task note and priority.

        The script is not rendered here: 'Log Call' renders it when the collector calls, with
        what is open then (an invoice paid, disputed or promised since is not quoted).
        """
        if not decisions:
            return []
        partners = self.env["res.partner"].browse([decision.partner.id for decision in decisions])
        history = self._call_history(partners, company)
        # One call at a time per customer: the new step's call replaces one still waiting.
        self.env["collections.event"]._cancel_pending(
            partners, company, self.env._("Replaced by the call of a later follow-up step."), channels=("call",)
        )
        rules_by_policy = {}
        pointers = {}
        result = []
        for decision in decisions:
            partner = decision.partner
            policy = decision.policy
            level = self.env["collections.level"].browse(decision.engine.level.id)
            if level not in pointers:
                pointers[level] = self._call_script_pointer(level)
            if policy.id not in rules_by_policy:
                rules_by_policy[policy.id] = self._call_rules(policy)
            slot = next_call_slot(
                fields.Datetime.now(),
                rules_by_policy[policy.id],
                history[partner.id],
                tz=self._partner_tz(partner, company),
            )
            vals = event_vals(
                decision,
                "call",
                state="queued",
                call_planned_at=slot or False,
                priority=call_priority(decision.engine.total_company, decision.engine.max_days_late),
                recipient=partner.phone or False,
            )
            vals["_call_note"] = self._call_note(pointers[level], slot is None)
            if slot:
                vals["_call_day"] = self._local_day(slot, partner, company)
            result.append(vals)
        return result

    @api.model
    def _call_script_pointer(self, level):
        """The task's note about the script: where to read it, rendered when the call is made."""
        script = level.call_script_id
        if not script:
            return Markup()
        return Markup("<p>%s</p>") % self.env._(
            "Call script: %(script)s. Use 'Log Call' on this task to read it with the invoices open when you call.",
            script=script.display_name,
        )

    @api.model
    def _call_note(self, pointer, no_slot):
        parts = []
        if no_slot:
            parts.append(
                Markup("<p><b>%s</b></p>")
                % self.env._(
                    "No allowed call slot in the coming weeks (call windows, holidays or the call limit): "
                    "check the plan's call settings."
                )
            )
        if pointer:
            parts.append(pointer)
        return Markup().join(parts) or False

    @api.model
    def _plan_call_after_read(self, event):
        """A call task for a customer who read the WhatsApp reminder and still has not paid."""
        partner = event.partner_id.with_company(event.company_id)
        policy = event.level_id.policy_id
        slot = self._next_slot(partner, event.company_id, policy)
        note = self.env["collections.whatsapp"]._read_note(event) + self._call_script_pointer(event.level_id)
        return self._create_call(event, slot, note, self.env._("Call: WhatsApp read, not paid"))

    @api.model
    def _create_call(self, source_event, slot, note, summary):
        partner = source_event.partner_id
        company = source_event.company_id
        day = self._local_day(slot, partner, company) if slot else fields.Date.context_today(self)
        # sudo: escalations run from the webhook and the mail cron, for the customer's collector.
        activity = (
            self.env["mail.activity"]
            .sudo()
            .create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                    "summary": summary,
                    "note": note,
                    "user_id": source_event.user_id.id or self.env.user.id,
                    "date_deadline": day,
                }
            )
        )
        return (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "level_id": source_event.level_id.id,
                    "channel": "call",
                    "state": "queued",
                    "manual": True,
                    "date": fields.Date.context_today(self),
                    "move_ids": [Command.set(source_event.move_ids.ids)],
                    "amount_due": source_event.amount_due,
                    "user_id": source_event.user_id.id,
                    "activity_id": activity.id,
                    "call_planned_at": slot or False,
                    "priority": call_priority(
                        source_event.amount_due, partner.with_company(company).collections_days_late
                    ),
                    "recipient": partner.phone or False,
                }
            )
        )

    # ------------------------------------------------------------------
    # Fallback when WhatsApp fails
    # ------------------------------------------------------------------

    @api.model
    def _queue_fallback(self, event, channel):
        """Replace a failed WhatsApp message by an SMS or a letter; False when that is impossible."""
        Event = self.env["collections.event"].sudo()
        partner = event.partner_id.with_company(event.company_id)
        today = fields.Date.context_today(self)
        already = Event.search_count(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", event.company_id.id),
                ("level_id", "=", event.level_id.id),
                ("channel", "=", channel),
                ("state", "not in", ("failed", "cancelled")),
                ("date", ">=", event.date),
            ]
        )
        if already or self._on_hold(partner, event.company_id):
            # Nothing to replace: done already, or the customer is paused or excluded.
            return True
        base = {
            "partner_id": partner.id,
            "company_id": event.company_id.id,
            "level_id": event.level_id.id,
            "channel": channel,
            "date": today,
            "move_ids": [Command.set(event.move_ids.ids)],
            "amount_due": event.amount_due,
            "user_id": event.user_id.id,
            "manual": True,
        }
        if channel == "letter":
            Event.create({**base, "state": "queued"})
            return True
        script = event.level_id.sms_script_id
        if (
            not script
            or not partner.phone_sanitized
            or partner.phone_sanitized_blacklisted
            or partner.collections_phone_invalid
            or script.tone_state == "blocked"
        ):
            return False
        values = self.env["collections.script"]._placeholder_values(
            partner, event.company_id, event.move_ids, event.amount_due, event.user_id
        )
        body = script._render_body({partner.id: values})[partner.id]
        message = self._post_sms(event.company_id, [(partner, body)])
        Event.create(
            {**base, "state": "queued", "message_id": message.id, "body": body, "recipient": partner.phone_sanitized}
        )
        return True
