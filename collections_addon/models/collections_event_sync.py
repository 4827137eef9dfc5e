from datetime import timedelta

from odoo import api, fields, models
from odoo.fields import Domain

from ..engine.contact_log import (
    IN_TRANSIT_STATES,
    SMS_DELIVERY_REPORT_DAYS,
    SYNCED_STATES,
    UNDELIVERED_STATES,
    combined_email_state,
    mail_event_state,
    notification_event_state,
    sms_event_state,
    sms_failure_kind,
)


class CollectionsEvent(models.Model):
    """E-mails and SMS follow Odoo's mail and SMS queues: their contact's state is read back from there.

    A reminder written to recipients of several languages is one contact sent as one e-mail per language:
    ``mail_id`` and ``message_id`` are its first, ``mail_ids`` and ``mail_message_ids`` all of them, and its
    state combines theirs (``engine.contact_log.combined_email_state``).
    """

    _inherit = "collections.event"

    mail_ids = fields.Many2many(
        "mail.mail", "collections_event_mail_rel", "event_id", "mail_id", string="E-mails", readonly=True
    )
    mail_message_ids = fields.Many2many(
        "mail.message",
        "collections_event_mail_message_rel",
        "event_id",
        "message_id",
        string="Messages",
        readonly=True,
        help="The chatter messages of the contact's e-mails, one per language of its recipients.",
    )

    def _sync_from_sms_queue(self):
        """Align SMS events with the SMS notification of their message (Odoo's SMS queue and delivery reports)."""
        events = self.filtered(
            lambda event: event.channel == "sms" and event.state in SYNCED_STATES and event.message_id
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
        # One SMS per message, to the customer or to its collections contact (``_phone_recipients``).
        by_message = {n.mail_message_id.id: n for n in notifications}
        undelivered = self.browse()
        for event in events:
            notification = by_message.get(event.message_id.id)
            if not notification:
                continue
            state = sms_event_state(notification.notification_status)
            if state == event.state:
                continue
            vals = {"state": state}
            if state in UNDELIVERED_STATES:
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
        kind = sms_failure_kind(notification.failure_type)
        if kind == "number":
            return self.env._(
                "The SMS to %(number)s failed: %(reason)s. Correct the customer's mobile number "
                "(with the country code, e.g. +55 11 91234-5678) and contact the customer again.",
                number=number,
                reason=reason,
            )
        if kind == "account":
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
                and event.state in SYNCED_STATES
                and (event.mail_id or event.message_id or event.mail_message_ids)
            )
        )
        if not events:
            return
        notification_status = self._email_notification_status(events.message_id | events.mail_message_ids)
        # The batch's mails in one query (each event's own union of them would read them one event at a time).
        # sudo: as in _email_state, the event only mirrors its mails' state.
        (events.sudo().mail_ids | events.sudo().mail_id).fetch(["state", "failure_reason", "mail_message_id"])
        undelivered = self.browse()
        for event in events:
            state, reason = event._email_state(notification_status)
            if state != event.state:
                vals = {"state": state}
                if state in UNDELIVERED_STATES:
                    vals["error"] = reason or event.error
                elif state == "sent":
                    # Sent in one language, not in another: the contact is made, the failure noted.
                    vals["error"] = reason or False
                event.write(vals)
                if state in UNDELIVERED_STATES:
                    undelivered |= event
        if undelivered:
            self.env["collections.runner"]._flag_undelivered(undelivered)

    @api.model
    def _email_notification_status(self, messages):
        """{message id: (status, failure reason)} of the e-mail notifications of ``messages``."""
        if not messages:
            return {}
        notifications = (
            self.env["mail.notification"]
            .sudo()
            .search_fetch(
                [("mail_message_id", "in", messages.ids), ("notification_type", "=", "email")],
                ["mail_message_id", "notification_status", "failure_reason"],
            )
        )
        return {
            notification.mail_message_id.id: (notification.notification_status, notification.failure_reason)
            for notification in notifications
        }

    def _email_state(self, notification_status):
        """(state, reason) of this e-mail event: each of its e-mails from its mail, else its notification,
        combined (sent once one went out; the reason names the e-mails that did not)."""
        self.ensure_one()
        event = self.sudo()
        mails = event.mail_ids | event.mail_id
        messages = event.message_id | event.mail_message_ids | mails.mail_message_id
        if not messages:
            return "cancelled", self.env._("The e-mail was removed from the outgoing queue.")
        parts = [
            self._one_email_state(
                mails.filtered(lambda mail, m=message: mail.mail_message_id == m)[:1], message, notification_status
            )
            for message in messages
        ]
        state = combined_email_state(part_state for part_state, _reason in parts)
        reasons = [reason for part_state, reason in parts if part_state in UNDELIVERED_STATES and reason]
        return state, "; ".join(dict.fromkeys(reasons)) or False

    def _one_email_state(self, mail, message, notification_status):
        """(state, reason) of one e-mail of a contact; a mail gone unsent was removed from the queue."""
        if mail:
            return mail_event_state(mail.state), mail.failure_reason
        if message.id in notification_status:
            status, reason = notification_status[message.id]
            state = notification_event_state(status)
            if state != "queued":
                return state, reason
            # The mail is gone but was never sent: it was deleted from the queue.
        return "cancelled", self.env._("The e-mail was removed from the outgoing queue.")

    @api.model
    def _cron_sync_mail_states(self):
        self.search([("channel", "=", "email"), ("state", "=", "queued")])._sync_from_mail_queue()
        # A provider may never report delivery: after SMS_DELIVERY_REPORT_DAYS an SMS stays 'sent' for good,
        # counted from each company's business day.
        window = timedelta(days=SMS_DELIVERY_REPORT_DAYS)
        recent = Domain.OR(
            [("company_id", "=", company.id), ("date", ">=", company._collections_today() - window)]
            for company in self.env["res.company"].sudo().search([])
        )
        self.search(
            Domain([("channel", "=", "sms"), ("state", "in", IN_TRANSIT_STATES)]) & recent
        )._sync_from_sms_queue()
        self.env["collections.whatsapp"]._escalate()
