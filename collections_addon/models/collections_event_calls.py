from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..engine import CallRules, call_wait


class CollectionsEvent(models.Model):
    """Planned calls: Calls Today, and whether each call may be made now (window, holiday, interval, cap)."""

    _inherit = "collections.event"

    def action_log_call(self):
        self.ensure_one()
        if self.channel != "call":
            raise UserError(self.env._("Only call events can be logged as calls: use 'Log call' on the customer."))
        return self.env["collections.call.log"]._action_open(event=self)

    @api.model
    def action_calls_today(self):
        """The planned calls a collector can make now, highest priority first; the later ones one filter away."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Calls Today"),
            "res_model": "collections.event",
            "view_mode": "list,form",
            "views": [
                (self.env.ref("collections_addon.collections_event_view_list_calls").id, "list"),
                (False, "form"),
            ],
            "search_view_id": [self.env.ref("collections_addon.collections_event_view_search_calls").id, "search"],
            "domain": [("channel", "=", "call"), ("state", "=", "queued")],
            "context": {"create": False, "search_default_call_now": 1},
            "help": self._calls_today_help(),
        }

    @api.model
    def _calls_today_help(self):
        """What an empty Calls Today means, and when the next planned call can be made."""
        parts = [
            Markup('<p class="o_view_nocontent_smiling_face">%s</p>') % self.env._("No call to make now"),
            Markup("<p>%s</p>")
            % self.env._(
                "A planned call is listed here while its customer may be called: inside the plan's call window "
                "in the customer's time zone, not on a public holiday, at least the plan's minimum hours after "
                "the last call and under its call limit. The daily follow-up run plans the calls of the levels "
                "with a call step; 'Log Call' on a customer records a call made without one."
            ),
        ]
        later = self.search([("channel", "=", "call"), ("state", "=", "queued")])
        waits = self._call_waits(later)
        upcoming = sorted(
            (next_at, event) for event in later for reason, next_at in [waits[event.id]] if reason and next_at
        )
        if upcoming:
            next_at, event = upcoming[0]
            parts.append(
                Markup("<p>%s</p>")
                % self.env._(
                    "%(count)s planned call(s) later: the next one, %(customer)s, from %(when)s. "
                    "Remove the 'To Call Now' filter to see them all with the time each can be made.",
                    count=len(upcoming),
                    customer=event.partner_id.display_name,
                    when=format_datetime(self.env, next_at, dt_format="short"),
                )
            )
        else:
            parts.append(Markup("<p>%s</p>") % self.env._("No call is planned for later either."))
        return Markup().join(parts)

    @api.model
    def _call_waits(self, events, now=None):
        """{event id: (reason, next moment)} of queued calls: reason None when the call can be made now."""
        now = now or fields.Datetime.now()
        Channel = self.env["collections.channel"]
        waits = {}
        for company in events.company_id:
            company_events = events.filtered(lambda event, company=company: event.company_id == company)
            history = Channel._call_history(company_events.partner_id, company)
            rules = {}
            for event in company_events:
                policy = event.level_id.policy_id or event.partner_id.with_company(company)._collections_policy(company)
                if policy.id not in rules:
                    # A customer left without a plan keeps the usual windows and limits.
                    rules[policy.id] = Channel._call_rules(policy) if policy else CallRules()
                waits[event.id] = call_wait(
                    now,
                    event.call_planned_at or None,
                    rules[policy.id],
                    history[event.partner_id.id],
                    tz=Channel._partner_tz(event.partner_id, company),
                )
        return waits

    def _compute_call_wait(self):
        planned = self.filtered(lambda event: event.id and event.channel == "call" and event.state == "queued")
        waits = self._call_waits(planned)
        for event in self:
            reason, next_at = waits.get(event.id, (False, False))
            event.call_now = event.id in waits and reason is None
            event.call_wait_reason = reason or False
            event.call_next_at = next_at or False

    def _search_call_now(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        return [("id", operator, self._callable_now_ids())]

    @api.model
    def _callable_now_ids(self, now=None):
        """Queued calls whose customer may be called now (planned time, window, holiday, interval and cap)."""
        planned = self.search(
            [("channel", "=", "call"), ("state", "=", "queued"), ("company_id", "in", self.env.companies.ids)],
            order="priority desc, id",
        )
        waits = self._call_waits(planned, now)
        return [event.id for event in planned if waits[event.id][0] is None]
