from odoo import models


class SmsTracker(models.Model):
    _inherit = "sms.tracker"

    def _update_sms_notifications(self, notification_status, failure_type=False, failure_reason=False):
        result = super()._update_sms_notifications(
            notification_status, failure_type=failure_type, failure_reason=failure_reason
        )
        messages = self.mail_notification_id.mail_message_id
        if messages:
            # sudo: delivery reports arrive on a public route; the event only mirrors the SMS state.
            events = (
                self.env["collections.event"]
                .sudo()
                .search([("message_id", "in", messages.ids), ("channel", "=", "sms")])
            )
            events._sync_from_sms_queue()
        return result
