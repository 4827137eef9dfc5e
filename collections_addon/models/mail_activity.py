from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def action_collections_log_call(self):
        self.ensure_one()
        return self.env["collections.call.log"]._action_open(activity=self)

    def _action_done(self, feedback=False, attachment_ids=None):
        # A manual step's task is the step: once done, its entry in the contact history is done too.
        # sudo: the event log is written by the follow-up only; marking the task done is one of its steps.
        self.env["collections.event"].sudo().search(
            [("activity_id", "in", self.ids), ("channel", "=", "task"), ("state", "=", "queued")]
        ).write({"state": "sent"})
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
