"""The contact log: one row per customer, follow-up step, channel and day.

The model spans several files by concern: this one holds the fields, the display and the cancelling of
pending contacts; ``collections_event_calls.py`` the planned calls (Calls Today, call waits);
``collections_event_letters.py`` the printing of letters; ``collections_event_sync.py`` the e-mail and SMS
states read back from Odoo's queues. The codes (channels, states, outcomes, wait reasons) are the engine's.
"""

from odoo import api, fields, models

from ..engine import CALL_OUTCOMES, CATCH_UP_MODES, HISTORY_CHANNELS, WAIT_REASONS
from ..engine.contact_log import EVENT_STATES

# Labels of the engine's codes (the engine holds the codes and their order).
_CHANNEL_LABELS = {
    "email": "E-mail",
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "letter": "Letter",
    "call": "Call",
    "promise": "Promise to pay",
    "task": "Task",
}
_STATE_LABELS = {
    "queued": "Queued",
    "sent": "Sent",
    "delivered": "Delivered",
    "read": "Read",
    "failed": "Failed",
    "cancelled": "Cancelled",
}
_OUTCOME_LABELS = {
    "will_pay": "Reached: will pay",
    "promise": "Reached: promise to pay",
    "dispute": "Reached: dispute",
    "refused": "Reached: refused",
    "no_answer": "No answer",
    "voicemail": "Voicemail",
    "wrong_number": "Wrong number",
}
_WAIT_LABELS = {
    "planned": "Planned later",
    "holiday": "Public holiday",
    "outside_window": "Outside the call window",
    "too_soon": "Too soon after the last call",
    "cap_reached": "Call limit reached",
}
_CATCH_UP_LABELS = {
    "highest": "Started at the highest level reached",
    "level": "Started at the plan's chosen level",
    "statement": "Statement instead of the missed levels",
}
# The outcome of a call, shared by the contact log and the call log wizard.
CALL_OUTCOME_SELECTION = [(code, _OUTCOME_LABELS[code]) for code in CALL_OUTCOMES]


class CollectionsEvent(models.Model):
    _name = "collections.event"
    _description = "Collections Event"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many("account.move", string="Invoices")
    level_id = fields.Many2one("collections.level", string="Level", index=True, ondelete="restrict")
    policy_id = fields.Many2one(related="level_id.policy_id", store=True, string="Plan")
    variant_id = fields.Many2one(
        "collections.level.variant",
        string="A/B Variant",
        index="btree_not_null",
        ondelete="restrict",
        help="The variant of the level's A/B test whose texts this contact used.",
    )
    channel = fields.Selection(
        [(code, _CHANNEL_LABELS[code]) for code in HISTORY_CHANNELS],
        required=True,
        help="How the customer was contacted; 'Task' is a step the run gave the collector to do by hand "
        "(negotiation, protest), and is not a contact.",
    )
    state = fields.Selection(
        [(code, _STATE_LABELS[code]) for code in EVENT_STATES],
        required=True,
        default="queued",
        index=True,
    )
    date = fields.Date(required=True, index=True, default=lambda self: self.env.company._collections_today())
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user)
    mail_id = fields.Many2one("mail.mail", string="E-mail", index="btree_not_null", ondelete="set null")
    message_id = fields.Many2one("mail.message", string="Message", index="btree_not_null", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", string="Task", index="btree_not_null", ondelete="set null")
    outcome = fields.Selection(CALL_OUTCOME_SELECTION, help="The result of the call.")
    notes = fields.Text(help="What the customer said.")
    duration = fields.Float(string="Duration (minutes)")
    manual = fields.Boolean(
        string="Logged by Hand", readonly=True, help="A call the collector logged outside a planned step."
    )
    is_thanks = fields.Boolean(
        string="Thank-you",
        readonly=True,
        help="The thank-you to a customer who paid (collections_runner_thanks.py), not a reminder step.",
    )
    catch_up = fields.Selection(
        [(code, _CATCH_UP_LABELS[code]) for code in CATCH_UP_MODES],
        string="Catch-up",
        readonly=True,
        help="The first step of a customer new to the plan with an old debt (the plan's catch-up): the levels below "
        "were skipped, or a statement asking the customer to contact us went out instead of them.",
    )
    call_planned_at = fields.Datetime(
        string="Call Planned",
        help="The start of the call window the call is planned in (the run respects the plan's windows and caps).",
    )
    called_at = fields.Datetime(string="Called at")
    call_now = fields.Boolean(
        string="To Call Now",
        compute="_compute_call_wait",
        search="_search_call_now",
        help="A planned call the collector may make now: its time has come, inside the customer's call window, "
        "not on a public holiday, past the minimum interval and under the call limit.",
    )
    call_wait_reason = fields.Selection(
        [(code, _WAIT_LABELS[code]) for code in WAIT_REASONS],
        string="Waiting For",
        compute="_compute_call_wait",
        help="Why a planned call cannot be made now.",
    )
    call_next_at = fields.Datetime(
        string="Callable From",
        compute="_compute_call_wait",
        help="The next moment the plan allows this call (empty: none in the coming weeks).",
    )
    priority = fields.Float(
        index=True,
        help="Calls are listed by this score, most first: the customer's expected recovery with the call due now "
        "(the amount due x the chance the customer pays x 2).",
    )
    body = fields.Text(string="Text Sent", help="The text sent (SMS, WhatsApp), printed (letter) or the call script.")
    recipient = fields.Char(help="The number or address the message went to.")
    external_id = fields.Char(
        string="Provider Message ID", index="btree_not_null", copy=False, help="WhatsApp's id (wamid) of the message."
    )
    whatsapp_payload = fields.Text(
        readonly=True, help="Technical: the approved template, its language and parameters, as queued."
    )
    attempts = fields.Integer(readonly=True, help="How many times the WhatsApp message was handed to the API.")
    next_attempt = fields.Datetime(readonly=True, index="btree_not_null")
    sent_at = fields.Datetime(string="Sent", readonly=True)
    whatsapp_wa_id = fields.Char(
        string="WhatsApp ID", readonly=True, help="The recipient's WhatsApp id, from the delivery receipts."
    )
    delivered_at = fields.Datetime(string="Delivered", readonly=True)
    read_at = fields.Datetime(string="Read", readonly=True)
    escalated = fields.Boolean(
        readonly=True, help="The delivery-state escalation (call task or fallback channel) was done."
    )
    printed_at = fields.Datetime(string="Printed", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", string="Printed Letters", readonly=True)
    amount_due = fields.Monetary(currency_field="currency_id", help="Overdue total covered by this contact.")
    error = fields.Text(help="Why the contact failed or was skipped, and how to fix it.")

    # Calls a collector logs by hand may repeat on a day; the run's steps may not.
    _one_send_per_step = models.UniqueIndex(
        "(partner_id, company_id, level_id, channel, date) WHERE manual IS NOT TRUE",
        "This customer already has this follow-up step on this channel today.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        # Each event is inserted with its level's plan: computed after the insert, the plan would cost an
        # UPDATE of every event the run creates.
        levels = self.env["collections.level"].browse({vals["level_id"] for vals in vals_list if vals.get("level_id")})
        plan_of = {level.id: level.policy_id.id for level in levels}
        vals_list = [{**vals, "policy_id": plan_of.get(vals.get("level_id"), False)} for vals in vals_list]
        events = super().create(vals_list)
        self.env.remove_to_compute(self._fields["policy_id"], events)
        return events

    @api.depends("partner_id", "level_id", "channel")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{event.partner_id.display_name} · {event.level_id.name or ''} · {channels.get(event.channel, '')}"
            )

    @api.model
    def _open_task_domain(self, company, partners):
        """The events that are a collector's open task for ``partners``: a follow-up task not done yet, or a call
        still planned. The worklist lists these customers and words the tasks; the run reads their kind."""
        return [
            ("company_id", "=", company.id),
            ("partner_id", "in", partners.ids),
            "|",
            ("activity_id.active", "=", True),
            "&",
            ("channel", "=", "call"),
            ("state", "=", "queued"),
        ]

    @api.model
    def _cancel_pending(self, partners, company, reason, channels=("call", "whatsapp", "letter"), moves=None):
        """Cancel the contacts still waiting for these customers (queued calls, messages, letters).

        With ``moves``, only the contacts about those invoices alone (a promise or a dispute
        on some invoices leaves the reminders of the others). SMS and e-mails are handed to
        Odoo's queues at once and follow those queues.
        """
        # sudo: the event log is written by the follow-up only; this is one of its steps.
        pending = self.sudo().search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("state", "=", "queued"),
                ("channel", "in", list(channels)),
            ]
        )
        if moves is not None:
            pending = pending.filtered(lambda event: event.move_ids and event.move_ids <= moves)
        if not pending:
            return pending
        tasks = pending.activity_id.filtered("active")
        pending.write({"state": "cancelled", "error": reason, "next_attempt": False})
        if tasks:
            # Whoever cancels (a pause, a promise, a dispute) refreshes the customer's status.
            tasks.with_context(collections_no_refresh=True).action_feedback(feedback=reason)
        return pending
