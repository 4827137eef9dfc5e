"""The call channel: a call task planned in the next slot the plan's call windows and caps allow.

The script is not rendered when the call is planned: 'Log Call' renders it when
the collector calls, with what is open then. The helpers below (history, rules,
slots, the customer's day) also serve the call log and the calls-to-make screen.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Command

from ..engine import call_history_since, call_priority, call_rules_window, next_call_slot


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    # ------------------------------------------------------------------
    # The channel's actions (see collections_channel.py)
    # ------------------------------------------------------------------

    @api.model
    def _call_problem(self, company, decision):
        partner = self._phone_recipient(decision)  # its collections contact's number, else its own
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
    def _call_tasks(self, vals_list, decisions, today):
        """A call task for each planned call, due on the customer's day of its slot."""
        call_type = self.env.ref("mail.mail_activity_data_call")
        Level = self.env["collections.level"]
        return [
            (
                vals,
                {
                    "activity_type_id": call_type.id,
                    "summary": self.env._("Collections call: %(level)s", level=Level.browse(vals["level_id"]).name),
                    "note": vals.pop("_call_note", False),
                    "date_deadline": vals.pop("_call_day", None)
                    or decisions[vals["partner_id"]].engine_calendar.next_business_day(today),
                },
            )
            for vals in vals_list
        ]

    @api.model
    def _call_fix_summary(self, state):
        return self.env._("Call not planned: find the customer's phone number")

    # ------------------------------------------------------------------
    # Planning
    # ------------------------------------------------------------------

    @api.model
    def _partner_tz(self, partner, company):
        return partner.tz or company.partner_id.tz or self.env.user.tz or "UTC"

    @api.model
    def _call_history(self, partners, company):
        """{partner id: [called_at, …]} of the calls made in the last weeks, oldest first."""
        since = call_history_since(fields.Datetime.now())
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
        today = (policy.company_id or self.env.company)._collections_today()
        return policy._call_rules(*call_rules_window(today))

    @api.model
    def _next_slot(self, partner, company, policy, after=None, history=None, rules=None):
        """The next moment the plan allows calling the customer (naive UTC), or None. ``history`` and ``rules``
        (the customer's calls and the plan's ``_call_rules``) save their queries when a batch read them."""
        history = history if history is not None else self._call_history(partner, company)[partner.id]
        return next_call_slot(
            after or fields.Datetime.now(),
            rules if rules is not None else self._call_rules(policy),
            history,
            tz=self._partner_tz(partner, company),
        )

    @api.model
    def _local_day(self, moment, partner, company):
        tz = self._partner_tz(partner, company)
        return fields.Datetime.context_timestamp(self.with_context(tz=tz), moment).date()

    @api.model
    def _call_queue(self, company, today, decisions, overrides=None):
        """Call events planned in the next allowed slot, each with its task note and priority.

        The script is not rendered here: 'Log Call' renders it when the collector calls, with
        what is open then (an invoice paid, disputed or promised since is not quoted).
        """
        if not decisions:
            return []
        runner = self.env["collections.runner"]
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
            level = self._level(decision)
            script = self._text(decision, "call_script_id")  # the customer's A/B test variant's, else the level's
            if script not in pointers:
                pointers[script] = self._call_script_pointer(level, script)
            if policy.id not in rules_by_policy:
                rules_by_policy[policy.id] = self._call_rules(policy)
            slot = next_call_slot(
                fields.Datetime.now(),
                rules_by_policy[policy.id],
                history[partner.id],
                tz=self._partner_tz(partner, company),
            )
            vals = runner._event_vals(
                decision,
                "call",
                state="queued",
                call_planned_at=slot or False,
                priority=call_priority(decision.engine.total_company, decision.engine.max_days_late, decision.score),
                recipient=self._phone_recipient(decision).phone or False,
            )
            vals["_call_note"] = self._call_note(pointers[script], slot is None)
            if slot:
                vals["_call_day"] = self._local_day(slot, partner, company)
            result.append(vals)
        return result

    @api.model
    def _call_script_pointer(self, level, script=None):
        """The task's note about the script (``script``, default the level's): where to read it, rendered when
        the call is made."""
        script = level.call_script_id if script is None else script
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
    def _create_call(self, source_event, slot, note, summary):
        """A call planned by hand (a retry, an escalation) for the step of ``source_event``."""
        return self._create_calls([(source_event, slot, note, summary)])

    @api.model
    def _create_calls(self, items):
        """Calls planned by hand ``[(source event, slot, note, summary)]``, each with its task, in bulk."""
        if not items:
            return self.env["collections.event"]
        # In the events' environment, as the customer's number always was read.
        partners = items[0][0].partner_id.union(*(event.partner_id for event, *_rest in items))
        numbers = self._call_numbers(partners)
        call_type = self.env.ref("mail.mail_activity_data_call")
        model_id = self.env["ir.model"]._get_id("res.partner")
        activity_vals, event_vals = [], []
        for source_event, slot, note, summary in items:
            partner = source_event.partner_id
            company = source_event.company_id
            today = company._collections_today()
            activity_vals.append(
                {
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "activity_type_id": call_type.id,
                    "summary": summary,
                    "note": note,
                    "user_id": source_event.user_id.id or self.env.user.id,
                    "date_deadline": self._local_day(slot, partner, company) if slot else today,
                }
            )
            event_vals.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "level_id": source_event.level_id.id,
                    "variant_id": source_event.variant_id.id,
                    "channel": "call",
                    "state": "queued",
                    "manual": True,
                    "date": today,
                    "move_ids": [Command.set(source_event.move_ids.ids)],
                    "amount_due": source_event.amount_due,
                    "user_id": source_event.user_id.id,
                    "call_planned_at": slot or False,
                    "priority": call_priority(
                        source_event.amount_due,
                        partner.with_company(company).collections_days_late,
                        partner.with_company(company)._collections_score_or_none(),
                    ),
                    "recipient": numbers[partner.id],
                }
            )
        # sudo: escalations run from the webhook and the mail cron, for the customer's collector.
        activities = self.env["mail.activity"].sudo().create(activity_vals)
        for vals, activity in zip(event_vals, activities, strict=True):
            vals["activity_id"] = activity.id
        return self.env["collections.event"].sudo().create(event_vals)

    @api.model
    def _call_numbers(self, partners):
        """{customer id: the number to call it on}: its collections contact's, else its own
        (``_phone_recipients``), in one search for the batch."""
        recipients = self.env["collections.runner"]._phone_recipients(partners)
        return {partner.id: recipients[partner.id].phone or partner.phone or False for partner in partners}
