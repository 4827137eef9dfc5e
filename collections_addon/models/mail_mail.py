from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def _postprocess_sent_message(self, success_pids, success_emails, failure_reason=False, failure_type=None):
        # Before super(): a sent mail may be deleted there, and the event must learn how it ended.
        self._collections_sync_events()
        return super()._postprocess_sent_message(
            success_pids, success_emails, failure_reason=failure_reason, failure_type=failure_type
        )

    def write(self, vals):
        result = super().write(vals)
        # Only settled states: the queue marks a mail 'exception' just before sending it, then 'sent'.
        if vals.get("state") in ("cancel", "outgoing"):
            self._collections_sync_events()
        return result

    def _collections_sync_events(self):
        # sudo: the mail queue runs as whoever sends it; the event only mirrors the mail's own state.
        events = (
            self.env["collections.event"]
            .sudo()
            .search(["|", ("mail_id", "in", self.ids), ("mail_ids", "in", self.ids)])
        )
        events._sync_from_mail_queue()
