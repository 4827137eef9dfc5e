from odoo import api, fields, models

# mail.mail states and mail.notification statuses mapped onto event states.
MAIL_STATE_TO_EVENT = {
    "outgoing": "queued",
    "sent": "sent",
    "received": "sent",
    "exception": "failed",
    "cancel": "cancelled",
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
        [("email", "E-mail"), ("sms", "SMS"), ("whatsapp", "WhatsApp"), ("letter", "Letter"), ("call", "Call")],
        required=True,
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
    activity_id = fields.Many2one("mail.activity", string="Task", ondelete="set null")
    outcome = fields.Char(help="What happened, e.g. the result of a call.")
    amount_due = fields.Monetary(currency_field="currency_id", help="Overdue total covered by this contact.")
    error = fields.Text(help="Why the contact failed or was skipped, and how to fix it.")

    _one_send_per_step = models.Constraint(
        "UNIQUE(partner_id, company_id, level_id, channel, date)",
        "This customer already has this follow-up step on this channel today.",
    )

    @api.depends("partner_id", "level_id", "channel")
    def _compute_display_name(self):
        channels = dict(self._fields["channel"]._description_selection(self.env))
        for event in self:
            event.display_name = (
                f"{event.partner_id.display_name} · {event.level_id.name or ''} · {channels.get(event.channel, '')}"
            )

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
