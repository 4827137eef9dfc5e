"""The channels of a follow-up step, behind one entry point per action.

The run decides who gets which step; ``collections.channel`` turns a step into
what goes out on each channel. The run calls only the entry points below
(``_channel_problem``, ``_channel_queue``...), which dispatch to the methods of
the channel's own file, named ``_<code>_<action>`` (``_sms_queue``,
``_call_problem``...); an action a channel does not define takes the default.

A channel's file ``collections_channel_<code>.py`` extends this model with:

- ``_<code>_queue(company, today, decisions, overrides)``: queue the batch in bulk, return event values (required);
- ``_<code>_problem(company, decision)``: why the step cannot go out on it (event values), or None;
- ``_<code>_tasks(vals_list, decisions, today)``: the tasks queued steps need (a call to make);
- ``_<code>_after_queued(events)``: what follows once its events are recorded (wake a queue up);
- ``_<code>_fix_summary(state)`` / ``_<code>_undelivered_summary()``: the collector's tasks;
- ``_<code>_fallback(event, partner, values)``: replace a failed WhatsApp message, if it can.

Adding a channel is adding its code to the engine (``CHANNELS``) and that file. This
file holds the entry points, their defaults and what several channels share
(placeholders, scripts, mobile checks).
"""

from odoo import api, models

from ..engine import CHANNELS, on_hold
from ..engine.receivable import is_settled_invoice


class CollectionsChannel(models.AbstractModel):
    _name = "collections.channel"
    _description = "Collections Channels"

    # ------------------------------------------------------------------
    # The entry points: each dispatches to the channel's own file
    # ------------------------------------------------------------------

    def _channel_action(self, channel, action):
        """The method ``_<channel>_<action>`` of the channel's file, or None when it does not define one."""
        return getattr(self, f"_{channel}_{action}", None)

    @api.model
    def _channel_codes(self):
        """The engine's channels that have a file to act on them (one that can queue)."""
        return tuple(code for code in CHANNELS if self._channel_action(code, "queue"))

    @api.model
    def _channel_queue(self, channel, company, today, decisions, overrides=None):
        """Queue the step of ``decisions`` on ``channel``, in bulk; returns the values of their events.

        ``overrides`` ({customer id: {field: value}}) is what a collector edited before sending.
        """
        queue = self._channel_action(channel, "queue")
        if not queue:
            raise NotImplementedError(f"No collections channel acts on {channel!r}: add its file.")
        return queue(company, today, decisions, overrides)

    @api.model
    def _channel_problem(self, channel, company, decision):
        """Event values of a channel that cannot go out for this customer (state, error), or None."""
        problem = self._channel_action(channel, "problem")
        return problem(company, decision) if problem else None

    @api.model
    def _channel_tasks(self, channel, vals_list, decisions, today):
        """[(event values, task values)] of the queued events of ``channel`` that need a task.

        ``decisions`` maps customer ids to their decisions; a task has a type, summary, note and deadline.
        """
        tasks = self._channel_action(channel, "tasks")
        return tasks(vals_list, decisions, today) if tasks else []

    @api.model
    def _channel_after_queued(self, channel, events):
        """What follows once the events of ``channel`` are recorded (e.g. wake the sending queue up)."""
        after_queued = self._channel_action(channel, "after_queued")
        if after_queued:
            after_queued(events)

    @api.model
    def _channel_fix_summary(self, channel, state):
        """The summary of the collector's task when the step could not go out (failed or cancelled)."""
        fix_summary = self._channel_action(channel, "fix_summary")
        return fix_summary(state) if fix_summary else self.env._("Reminder not delivered")

    @api.model
    def _channel_undelivered_summary(self, channel):
        """The summary of the collector's task when a queued message was not delivered."""
        undelivered_summary = self._channel_action(channel, "undelivered_summary")
        return undelivered_summary() if undelivered_summary else self.env._("Reminder not delivered")

    @api.model
    def _channel_fallback(self, channel, items):
        """Queue ``channel`` in place of failed messages ``[(event, partner, event values)]`` (one per customer);
        returns the events replaced (those it cannot replace are left out)."""
        fallback = self._channel_action(channel, "fallback")
        return fallback(items) if fallback else self.env["collections.event"]

    # ------------------------------------------------------------------
    # Shared by several channels
    # ------------------------------------------------------------------

    @api.model
    def _by_company(self, items):
        """{company: [item]} of ``[(event, ...)]`` items, by their event's company, in the order given."""
        result = {}
        for item in items:
            result.setdefault(item[0].company_id, []).append(item)
        return result

    @api.model
    def _phone_recipient(self, decision):
        """Whose number the step's text messages and call use: its collections contact, else the customer."""
        return decision.phone_recipient or decision.partner

    @api.model
    def _phone_problem(self, decision, script):
        """Event values when the mobile of the step (``_phone_recipient``) cannot receive ``script`` (opted out,
        wrong, missing), or None."""
        partner = self._phone_recipient(decision)
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
    def _on_hold(self, partner, company):
        """Whether the customer is paused or excluded in ``company`` today: queued contacts wait."""
        partner = partner.commercial_partner_id.with_company(company)
        return on_hold(
            company._collections_today(),
            partner.collections_paused_until or None,
            partner.collections_excluded,
            partner.collections_excluded_until or None,
        )

    @api.model
    def _all_paid(self, event):
        moves = event.move_ids
        return bool(moves) and all(is_settled_invoice(move.payment_state) for move in moves)

    @api.model
    def _level(self, decision):
        return self.env["collections.level"].browse(decision.engine.level.id)

    @api.model
    def _pay_nows(self, company, decisions, today=None):
        """{partner id: PayNow}: how each customer pays what the message claims (``collections.pay.now``), in bulk.

        Inside ``with_context(collections_pay_nows={})`` (a run's batch) a customer's is computed once for all the
        channels of its step: the e-mail, the text messages and the letter claim the same invoices.
        """
        today = today or company._collections_today()
        cache = self.env.context.get("collections_pay_nows")
        cache = {} if cache is None else cache
        key_of = {d.partner.id: (company.id, today, d.partner.id, tuple(d.engine.claimed_move_ids)) for d in decisions}
        missing = [d for d in decisions if key_of[d.partner.id] not in cache]
        if missing:
            claimed = self.env["account.move"].browse(
                {move_id for d in missing for move_id in d.engine.claimed_move_ids}
            )
            moves_by_partner = {
                d.partner.id: claimed.browse(d.engine.claimed_move_ids).with_prefetch(claimed._prefetch_ids)
                for d in missing
            }
            for partner_id, pay in self.env["collections.pay.now"]._pay_now(company, moves_by_partner, today).items():
                cache[key_of[partner_id]] = pay
        return {partner_id: cache[key] for partner_id, key in key_of.items() if key in cache}

    @api.model
    def _values_by_partner(self, company, decisions, pay_nows=None, langs=None):
        """The placeholder values of each customer's script ({{ customer }}, {{ amount }}...), in bulk; formatted
        in the language ``langs`` gives ({customer id: lang code}), else the customer's."""
        Script = self.env["collections.script"]
        all_moves = self.env["account.move"].browse({move_id for d in decisions for move_id in d.engine.move_ids})
        all_moves.fetch(["name", "invoice_date", "invoice_date_due", "date", "access_token"])
        Script._ensure_access_tokens(all_moves)
        pay_nows = self._pay_nows(company, decisions) if pay_nows is None else pay_nows
        values, formats = {}, {}
        for decision in decisions:
            # What the message claims: the overdue invoices and total, as the customer form counts them
            # (before the due date, what comes due). Shared prefetch: a link or a name is read once.
            moves = all_moves.browse(decision.engine.claimed_move_ids).with_prefetch(all_moves._prefetch_ids)
            collector = decision.partner.collections_responsible_id or decision.policy.responsible_id or self.env.user
            values[decision.partner.id] = Script._placeholder_values(
                decision.partner,
                company,
                moves,
                decision.engine.claimed_company,
                collector,
                pay_now=pay_nows.get(decision.partner.id, False),
                lang=(langs or {}).get(decision.partner.id),
                formats=formats,
            )
        return values

    @api.model
    def _phone_langs(self, decisions):
        """{customer id: lang code}: the language each step's text message is written in, its number's owner's
        (a collections contact's own language, else the customer's)."""
        return {
            decision.partner.id: self._phone_recipient(decision)._collections_lang(decision.partner)
            for decision in decisions
        }

    @api.model
    def _variant(self, decision):
        """The A/B test variant of the decision's level this customer gets; empty when the level has none.

        A catch-up statement is the plan's e-mail, not the level's: no variant.
        """
        if self._is_catch_up_statement(decision):
            return self.env["collections.level.variant"]
        return self.env["collections.level.variant"]._for_customer(self._level(decision), decision.partner.id)

    @api.model
    def _text(self, decision, field_name):
        """The template or script ``field_name`` of the step: the customer's variant's, else the level's.

        A catch-up statement (``collections_policy_catch_up.py``) sends the plan's statement e-mail instead.
        """
        if field_name == "mail_template_id" and self._is_catch_up_statement(decision):
            return decision.policy.catch_up_template_id
        return self._variant(decision)[field_name] or self._level(decision)[field_name]

    @api.model
    def _is_catch_up_statement(self, decision):
        """Whether the step is a catch-up statement: the statement e-mail instead of the level's messages."""
        catch_up = getattr(decision, "catch_up", None)
        return bool(catch_up and catch_up.statement)

    @api.model
    def _by_script(self, decisions, field_name):
        grouped = {}
        for decision in decisions:
            script = self._text(decision, field_name)
            grouped.setdefault(script, []).append(decision)
        return grouped

    @api.model
    def _trigger_cron(self, xmlid):
        cron = self.env.ref(xmlid, raise_if_not_found=False)
        if cron:
            # sudo: the queue's cron is technical; any collector's action may wake it up.
            cron.sudo()._trigger()
