from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_datetime

from ..engine import HISTORY_CHANNELS, WAIT_REASONS, CallRules, call_wait
from .ir_actions_report import PRINTED_LETTERS_KEY

# mail.mail states and mail.notification statuses mapped onto event states.
MAIL_STATE_TO_EVENT = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "cancelled",
}
# SMS notifications: 'pending' = handed to the provider, 'sent' = delivery report received.
SMS_STATUS_TO_EVENT = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "delivered",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "cancelled",
}
# SMS failure types (mail.notification) the customer's number causes, and those of the SMS account.
_SMS_NUMBER_FAILURES = {
    "sms_number_missing",
    "sms_number_format",
    "sms_country_not_supported",
    "sms_invalid_destination",
}
_SMS_ACCOUNT_FAILURES = {"sms_credit", "sms_acc", "sms_registration_needed"}
CALL_OUTCOMES = [
    ("will_pay", "Reached: will pay"),
    ("promise", "Reached: promise to pay"),
    ("dispute", "Reached: dispute"),
    ("refused", "Reached: refused"),
    ("no_answer", "No answer"),
    ("voicemail", "Voicemail"),
    ("wrong_number", "Wrong number"),
]
# Labels of the engine's history channels (the engine holds the codes).
_CHANNEL_LABELS = {
    "email": "E-mail",
    "sms": "SMS",
    "whatsapp": "WhatsApp",
    "letter": "Letter",
    "call": "Call",
    "promise": "Promise to pay",
    "task": "Task",
}
_WAIT_LABELS = {
    "planned": "Planned later",
    "holiday": "Public holiday",
    "outside_window": "Outside the call window",
    "too_soon": "Too soon after the last call",
    "cap_reached": "Call limit reached",
}
NOTIFICATION_STATUS_TO_EVENT = {
    "ready": "queued",
    "process": "queued",
    "pending": "sent",
    "sent": "sent",
    "bounce": "failed",
    "exception": "failed",
    "canceled": "cancelled",
}


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
    channel = fields.Selection(
        [(code, _CHANNEL_LABELS[code]) for code in HISTORY_CHANNELS],
        required=True,
        help="How the customer was contacted; 'Task' is a step the run gave the collector to do by hand "
        "(negotiation, protest), and is not a contact.",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("delivered", "Delivered"),
            ("read", "Read"),
            ("failed", "Failed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="queued",
        index=True,
    )
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    user_id = fields.Many2one("res.users", string="Collector", default=lambda self: self.env.user)
    mail_id = fields.Many2one("mail.mail", string="E-mail", index="btree_not_null", ondelete="set null")
    message_id = fields.Many2one("mail.message", string="Message", index="btree_not_null", ondelete="set null")
    activity_id = fields.Many2one("mail.activity", string="Task", index="btree_not_null", ondelete="set null")
    outcome = fields.Selection(CALL_OUTCOMES, help="The result of the call.")
    notes = fields.Text(help="What the customer said.")
    duration = fields.Float(string="Duration (minutes)")
    manual = fields.Boolean(
        string="Logged by Hand", readonly=True, help="A call the collector logged outside a planned step."
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
    priority = fields.Float(index=True, help="Calls are listed by this score: the overdue amount, raised by its age.")
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

    @api.depends("partner_id", "level_id", "channel")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{event.partner_id.display_name} · {event.level_id.name or ''} · {channels.get(event.channel, '')}"
            )

    # ------------------------------------------------------------------
    # Letters
    # ------------------------------------------------------------------

    def action_print_letters(self):
        """One PDF with the letters of the selected events; queued letters count as sent once printed."""
        letters = self.filtered(lambda event: event.channel == "letter" and event.state != "cancelled")
        if not letters:
            if self.filtered(lambda event: event.channel == "letter"):
                raise UserError(
                    self.env._(
                        "The selected letters are cancelled and cannot be printed: select letters that are queued "
                        "or already sent (Collections > Letters to Print)."
                    )
                )
            raise UserError(
                self.env._(
                    "Only letter events can be printed: select events of the channel 'Letter' "
                    "(Collections > Letters to Print)."
                )
            )
        if len(letters.company_id) > 1:
            raise UserError(
                self.env._(
                    "Print the letters of one company at a time: the PDF is kept with the letters, and each "
                    "company's letters are for its own users only."
                )
            )
        letters = letters.sorted(lambda event: (event.partner_id.name or "", event.id))
        contents = self.env["report.collections_addon.report_collections_letter"]._letters(letters)
        paid = letters.filtered(lambda event: event.move_ids and not contents[event.id]["open"])
        if paid:
            # sudo: as below, the event log records what happened to the letter.
            paid.filtered(lambda event: event.state == "queued").sudo().write(
                {
                    "state": "cancelled",
                    "error": self.env._("Not printed: the invoices of this letter were paid in the meantime."),
                }
            )
            letters -= paid
            if not letters:
                # Not an error: the cancellations must be kept. The list reloads: they leave the queue.
                return {
                    "type": "ir.actions.client",
                    "tag": "display_notification",
                    "params": {
                        "type": "warning",
                        "message": self.env._(
                            "Nothing to print: the invoices of the selected letters were paid in the meantime "
                            "(their letters are now cancelled)."
                        ),
                        "next": {"type": "ir.actions.act_window_close"},
                    },
                }
        report = self.env.ref("collections_addon.action_report_collections_letter")
        pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf(report, letters.ids)
        now = fields.Datetime.now()
        # sudo: attached to the first letter so that whoever may read the letters may open the PDF (an
        # attachment of no record is the printing user's only); attaching needs write access to the event.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._("Collection letters %(date)s.pdf", date=fields.Datetime.to_string(now)[:16]),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "collections.event",
                    "res_id": letters[0].id,
                }
            )
        )
        # sudo: collectors print letters but cannot write the event log, which only records the printing.
        for letter in letters:
            letter.sudo().write(
                {"printed_at": now, "letter_attachment_id": attachment.id, "body": contents[letter.id]["text"]}
            )
        letters.filtered(lambda event: event.state == "queued").sudo().write({"state": "sent", "error": False})
        # A report action rather than a download URL: the web client downloads the kept PDF (no
        # pop-up) and then reloads the list, so the printed letters leave *Letters to Print*.
        return {
            "type": "ir.actions.report",
            "name": report.name,
            "report_name": report.report_name,
            "report_type": "qweb-pdf",
            "data": {PRINTED_LETTERS_KEY: attachment.id},
            "close_on_report_download": True,
        }

    @api.model
    def _printed_letters_pdf(self, attachment_id):
        """The PDF kept by :meth:`action_print_letters`, for whoever may read its letters."""
        attachment = self.env["ir.attachment"].browse(int(attachment_id)).exists()
        if not attachment or attachment.res_model != self._name or attachment.mimetype != "application/pdf":
            raise UserError(
                self.env._("These printed letters no longer exist: print them again from Letters to Print.")
            )
        attachment.check_access("read")
        return attachment.raw

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

    # ------------------------------------------------------------------
    # Calls
    # ------------------------------------------------------------------

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

    def _sync_from_sms_queue(self):
        """Align SMS events with the SMS notification of their message (Odoo's SMS queue and delivery reports)."""
        events = self.filtered(
            lambda event: event.channel == "sms" and event.state in ("queued", "sent", "failed") and event.message_id
        )
        if not events:
            return
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search_fetch(
                [("mail_message_id", "in", events.message_id.ids), ("notification_type", "=", "sms")],
                [
                    "mail_message_id",
                    "res_partner_id",
                    "notification_status",
                    "failure_reason",
                    "failure_type",
                    "sms_number",
                ],
            )
        )
        by_message = {(n.mail_message_id.id, n.res_partner_id.id): n for n in notifications}
        undelivered = self.browse()
        for event in events:
            notification = by_message.get((event.message_id.id, event.partner_id.id))
            if not notification:
                continue
            state = SMS_STATUS_TO_EVENT.get(notification.notification_status, "queued")
            if state == event.state:
                continue
            vals = {"state": state}
            if state in ("failed", "cancelled"):
                vals["error"] = self._sms_error(event, notification)
                undelivered |= event
            else:
                vals["error"] = False  # e.g. resent from Odoo's SMS tools after a failure
                if state == "delivered":
                    vals["delivered_at"] = fields.Datetime.now()
            event.write(vals)
        if undelivered:
            self.env["collections.runner"]._flag_undelivered(undelivered)

    def _sms_error(self, event, notification):
        """What went wrong with the SMS of ``event``, and what to do about it."""
        reason = notification.failure_reason or self._sms_failure_label(notification)
        if not reason:
            if notification.notification_status == "canceled":
                reason = self.env._("the SMS was cancelled before it was sent")
            else:
                reason = event.error or self.env._("unknown error")
        number = notification.sms_number or event.recipient or self.env._("no number")
        if notification.failure_type in _SMS_NUMBER_FAILURES:
            return self.env._(
                "The SMS to %(number)s failed: %(reason)s. Correct the customer's mobile number "
                "(with the country code, e.g. +55 11 91234-5678) and contact the customer again.",
                number=number,
                reason=reason,
            )
        if notification.failure_type in _SMS_ACCOUNT_FAILURES:
            return self.env._(
                "The SMS to %(number)s failed: %(reason)s. Check the SMS account (Settings > SMS) "
                "and contact the customer again.",
                number=number,
                reason=reason,
            )
        return self.env._("The SMS to %(number)s failed: %(reason)s.", number=number, reason=reason)

    def _sms_failure_label(self, notification):
        if not notification.failure_type:
            return False
        labels = dict(notification._fields["failure_type"]._description_selection(self.env))
        return labels.get(notification.failure_type, notification.failure_type)

    def _sync_from_mail_queue(self):
        """Align e-mail events with their mail (or, once sent and deleted, its notification).

        Covers every way a queued mail ends, including cancellation and
        blacklisting where the post-send hook never runs.
        """
        # Not only queued ones: the mail queue marks a mail failed before sending it, then sent.
        events = self.filtered(
            lambda event: (
                event.channel == "email"
                and event.state in ("queued", "sent", "failed")
                and (event.mail_id or event.message_id)
            )
        )
        if not events:
            return
        notification_status = {}
        messages = events.message_id
        if messages:
            for notification in (
                self.env["mail.notification"]
                .sudo()
                .search_fetch(
                    [("mail_message_id", "in", messages.ids), ("notification_type", "=", "email")],
                    ["mail_message_id", "notification_status", "failure_reason"],
                )
            ):
                notification_status[notification.mail_message_id.id] = (
                    notification.notification_status,
                    notification.failure_reason,
                )
        undelivered = self.browse()
        for event in events:
            mail = event.sudo().mail_id
            if mail:
                state = MAIL_STATE_TO_EVENT.get(mail.state, "queued")
                reason = mail.failure_reason
            elif event.message_id.id in notification_status:
                status, reason = notification_status[event.message_id.id]
                state = NOTIFICATION_STATUS_TO_EVENT.get(status, "queued")
                if state == "queued":
                    # The mail is gone but was never sent: it was deleted from the queue.
                    state, reason = "cancelled", self.env._("The e-mail was removed from the outgoing queue.")
            else:
                state, reason = "cancelled", self.env._("The e-mail was removed from the outgoing queue.")
            if state != event.state:
                vals = {"state": state}
                if state in ("failed", "cancelled"):
                    vals["error"] = reason or event.error
                elif state == "sent":
                    vals["error"] = False
                event.write(vals)
                if state in ("failed", "cancelled"):
                    undelivered |= event
        if undelivered:
            self.env["collections.runner"]._flag_undelivered(undelivered)

    @api.model
    def _cron_sync_mail_states(self):
        self.search([("channel", "=", "email"), ("state", "=", "queued")])._sync_from_mail_queue()
        # A provider may never report delivery: after a month an SMS stays 'sent' for good.
        recent = fields.Date.context_today(self) - timedelta(days=30)
        self.search(
            [("channel", "=", "sms"), ("state", "in", ("queued", "sent")), ("date", ">=", recent)]
        )._sync_from_sms_queue()
        self.env["collections.whatsapp"]._escalate()
