"""What follows a WhatsApp message's delivery state: fallbacks when it fails, escalations when it lingers.

A failed message falls back to the level's SMS or letter, else goes to the
collector. The delays (read but unpaid: a call; sent but never delivered: a
failure) are the level's, and ``engine.whatsapp.escalation`` says when one is due.
"""

from markupsafe import Markup

from odoo import api, fields, models

from ..engine import whatsapp as wa


class CollectionsWhatsapp(models.AbstractModel):
    _inherit = "collections.whatsapp"

    @api.model
    def _handle_failures(self, events):
        """A failed WhatsApp message falls back to the level's SMS or letter, or goes to the collector."""
        to_flag = self._fall_back(events)
        if to_flag:
            to_flag.escalated = True
            self.env["collections.runner"]._flag_undelivered(to_flag)

    @api.model
    def _fall_back(self, events):
        """Queue the level's fallback (SMS or letter) for failed messages; returns those without one.

        The run calls it for messages that could not be queued at all: it already gave the
        collector a task for them, only the fallback is missing.
        """
        events = events.filtered(lambda event: not event.escalated)
        replaced = self.env["collections.channel"]._queue_fallbacks(events)
        replaced.escalated = True
        return events - replaced

    @api.model
    def _escalate(self):
        """Escalations on delivery state, the batch in one savepoint; when one fails, each in its own savepoint so
        that one never blocks the others.

        Read but still unpaid after the level's delay: the collector gets a call task.
        Sent but never delivered after the level's delay: the message counts as failed
        and falls back like one.
        """
        now = fields.Datetime.now()
        kinds = {}
        for event in self._escalation_candidates():
            kind = wa.escalation(
                event.state,
                now,
                read_at=event.read_at or None,
                sent_at=event.sent_at or None,
                read_call_hours=event.level_id.whatsapp_read_call_hours,
                undelivered_hours=event.level_id.whatsapp_undelivered_hours,
            )
            if kind:
                kinds[event] = kind
        due = self.env["collections.event"].sudo().union(*kinds)
        self.env["collections.batch"]._in_savepoints(
            due, lambda events: self._escalate_events(events, kinds), "WhatsApp escalation"
        )

    @api.model
    def _escalation_candidates(self):
        """Messages not escalated yet, in a state whose level has an escalation delay."""
        return (
            self.env["collections.event"]
            .sudo()
            .search(
                [
                    ("channel", "=", "whatsapp"),
                    ("escalated", "=", False),
                    ("state", "in", wa.ESCALATION_STATES),
                    "|",
                    "&",
                    ("state", "=", "read"),
                    ("level_id.whatsapp_read_call_hours", ">", 0),
                    "&",
                    ("state", "=", "sent"),
                    ("level_id.whatsapp_undelivered_hours", ">", 0),
                ]
            )
        )

    @api.model
    def _escalate_events(self, events, kinds):
        """The escalations ``kinds`` ({event: "call" or "fail"}) of ``events``, in bulk."""
        channel = self.env["collections.channel"]
        # Paid, paused or excluded: nothing to escalate; a later pause end is a new step.
        settled = events.filtered(
            lambda event: channel._all_paid(event) or channel._on_hold(event.partner_id, event.company_id)
        )
        calls = (events - settled).filtered(lambda event: kinds[event] == "call")
        channel._plan_calls_after_read(calls)
        (settled | calls).escalated = True
        failed = events - settled - calls
        for event in failed:
            event.write(
                {
                    "state": "failed",
                    "error": self.env._(
                        "Not delivered within %(hours)s hours of sending: the customer's phone may be "
                        "off or the number may not use WhatsApp.",
                        hours=event.level_id.whatsapp_undelivered_hours,
                    ),
                }
            )
        self._handle_failures(failed)

    @api.model
    def _read_note(self, event):
        return Markup("<p>%s</p>") % self.env._(
            "The customer read the WhatsApp reminder on %(date)s and has not paid yet.",
            date=fields.Datetime.to_string(event.read_at),
        )
