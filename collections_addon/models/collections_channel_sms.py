"""The SMS channel: the level's SMS script, posted in the customer's chatter and queued in Odoo's SMS queue.

It also replaces a WhatsApp message that failed, when the level falls back to SMS.
"""

from odoo import api, models
from odoo.fields import Command
from odoo.tools import plaintext2html

from ..engine.pay_now import SMS_MAX_CHARS


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    @api.model
    def _sms_problem(self, company, decision):
        return self._phone_problem(decision, self._text(decision, "sms_script_id"))

    @api.model
    def _sms_fix_summary(self, state):
        if state == "cancelled":
            return self.env._("Customer opted out of text messages: use another channel")
        return self.env._("SMS not sent: fix the mobile number")

    @api.model
    def _sms_undelivered_summary(self):
        return self.env._("Reminder SMS not delivered")

    @api.model
    def _sms_fallback(self, items):
        """The level's SMS in place of failed WhatsApp messages ``[(event, customer, event values)]`` (one per
        customer), in bulk; returns the events replaced (not those without a script or a number that can
        receive it)."""
        replaced = self.env["collections.event"]
        for company, company_items in self._by_company(items).items():
            # In the customers' environment: the webhook's fallback reads the recipients as superuser.
            partners = company_items[0][1].union(*(partner for _event, partner, _values in company_items))
            # The number of its collections contact, else the customer's own (``_phone_recipients``).
            recipients = self.env["collections.runner"]._phone_recipients(partners)
            ready = []
            for event, partner, values in company_items:
                script = event.variant_id.sms_script_id or event.level_id.sms_script_id
                recipient = recipients[partner.id]
                if (
                    script
                    and recipient.phone_sanitized
                    and not recipient.phone_sanitized_blacklisted
                    and not recipient.collections_phone_invalid
                    and script.tone_state != "blocked"
                ):
                    ready.append((event, partner, values, script, recipient))
            if ready:
                replaced |= self._sms_fallback_queue(company, ready)
        return replaced

    @api.model
    def _sms_fallback_queue(self, company, ready):
        """Render, post and queue the fallback SMS of ``ready`` [(event, customer, values, script, recipient)]."""
        # sudo: the fallback also runs from the WhatsApp delivery webhook (a public route); the way to pay is the
        # one the run would have given the customer.
        pay_nows = (
            self.env["collections.pay.now"]
            .sudo()
            ._pay_now(company, {partner.id: event.move_ids.sudo() for event, partner, *_rest in ready})
        )
        langs = {partner.id: recipient._collections_lang(partner) for _event, partner, _v, _s, recipient in ready}
        Script = self.env["collections.script"]
        bodies = {}
        for script in {item[3] for item in ready}:
            placeholders = {
                partner.id: Script._placeholder_values(
                    partner,
                    company,
                    event.move_ids,
                    event.amount_due,
                    event.user_id,
                    pay_now=pay_nows.get(partner.id, False),
                    lang=langs[partner.id],
                )
                for event, partner, _values, item_script, _recipient in ready
                if item_script == script
            }
            bodies.update(script._render_body(placeholders, max_chars=SMS_MAX_CHARS, langs=langs))
        messages = self._post_sms(
            company, [(partner, bodies[partner.id], recipient) for _e, partner, _v, _s, recipient in ready]
        )
        self.env["collections.event"].sudo().create(
            [
                {
                    **values,
                    "state": "queued",
                    "message_id": message.id,
                    "body": bodies[partner.id],
                    "recipient": recipient.phone_sanitized,
                }
                for (_event, partner, values, _script, recipient), message in zip(ready, messages, strict=True)
            ]
        )
        return self.env["collections.event"].union(*(event for event, *_rest in ready))

    @api.model
    def _sms_queue(self, company, today, decisions, overrides=None):
        """Queue one SMS per customer in Odoo's SMS queue, posted in its chatter; returns event values."""
        if not decisions:
            return []
        runner = self.env["collections.runner"]
        langs = self._phone_langs(decisions)
        values = self._values_by_partner(company, decisions, langs=langs)
        to_send, sent_decisions = [], []
        for script, script_decisions in self._by_script(decisions, "sms_script_id").items():
            bodies = script._render_body(
                {d.partner.id: values[d.partner.id] for d in script_decisions}, max_chars=SMS_MAX_CHARS, langs=langs
            )
            for decision in script_decisions:
                to_send.append((decision.partner, bodies[decision.partner.id], self._phone_recipient(decision)))
                sent_decisions.append(decision)
        messages = self._post_sms(company, to_send)
        return [
            runner._event_vals(
                decision,
                "sms",
                state="queued",
                message_id=message.id,
                body=body,
                recipient=recipient.phone_sanitized,
            )
            for decision, (_partner, body, recipient), message in zip(sent_decisions, to_send, messages, strict=True)
        ]

    @api.model
    def _post_sms(self, company, partner_bodies):
        """Post SMS on customers and queue them, for a whole batch at once.

        ``partner_bodies``: [(customer, text, recipient)]: the SMS is posted in the customer's chatter and goes
        to the number of ``recipient`` (its collections contact, or the customer itself).

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
                        "partner_ids": [Command.link(recipient.id)],
                    }
                    for partner, body, recipient in partner_bodies
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
                        "partner_id": recipient.id,
                        "number": recipient.phone_sanitized,
                        "state": "outgoing",
                    }
                    for (_partner, body, recipient), message in zip(partner_bodies, messages, strict=True)
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
