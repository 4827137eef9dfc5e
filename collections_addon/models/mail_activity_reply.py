"""A reply's task marked done ends the reply hold it stands for: the collector handled the reply.

Both ways end the hold: *Mark Handled* on the hold (which closes the task) and *Mark Done* on the task
(which ends the hold, handled by whoever marked it). Cancelling the task leaves the hold: the reply still
waits until someone marks it handled on Collections > Holds.
"""

from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def _action_done(self, feedback=False, attachment_ids=None):
        handled = self.browse()
        if not self.env.context.get("collections_reply_handled"):
            handled = self.filtered(lambda activity: activity.res_model == "res.partner")
        # Before super: a task without "keep done" is deleted once done, and its hold's link with it.
        holds = self.env["collections.hold"]._collections_replies_of(handled) if handled else None
        result = super()._action_done(feedback=feedback, attachment_ids=attachment_ids)
        if holds:
            holds._collections_handled(self.env.user, close_task=False)
        return result
