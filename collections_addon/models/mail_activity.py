from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def action_collections_log_call(self):
        self.ensure_one()
        return self.env["collections.call.log"]._action_open(activity=self)

    def _action_done(self, feedback=False, attachment_ids=None):
        # sudo: which follow-up events these tasks belong to, whoever closes them.
        events = self.env["collections.event"].sudo().search([("activity_id", "in", self.ids)])
        # A manual step's task is the step: once done, its entry in the contact history is done too.
        events.filtered(lambda event: event.channel == "task" and event.state == "queued").write({"state": "sent"})
        # sudo: the holds these review tasks are about, whoever reviews them.
        holds = self.env["collections.hold"].sudo().search([("review_activity_id", "in", self.ids)])
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        # A hold reviewed: the next review follows from today.
        holds._mark_reviewed()
        if events and not self.env.context.get("collections_no_refresh"):
            # A task of the follow-up is done: the worklist no longer lists the customer for it.
            self.env["collections.runner"]._refresh_for(events)
        return result
