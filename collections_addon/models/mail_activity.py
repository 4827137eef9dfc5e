from odoo import models


class MailActivity(models.Model):
    _inherit = "mail.activity"

    def action_collections_log_call(self):
        self.ensure_one()
        return self.env["collections.call.log"]._action_open(activity=self)
