from odoo import models


class MailMail(models.Model):
    _inherit = "mail.mail"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals:
            self._collections_sync_events()
        return result

    def _collections_sync_events(self):
        # sudo: the mail queue runs as whoever sends it; the event only mirrors the mail's own state.
        events = self.env["collections.event"].sudo().search([("mail_id", "in", self.ids)])
        events._sync_from_mail_queue()
