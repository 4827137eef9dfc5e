"""The company's reply settings (Settings > Collections > Follow-up): suggestions from a reply's words, and how
long a reply nobody handles holds the reminders.

By default a reply holds the customer until the collector marks it handled and gives the collector a task, and
nothing more.
"""

from odoo import api, fields, models

from ..engine.bounds import REPLY_HOLD_DAYS


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_reply_suggestions = fields.Boolean(
        string="Suggest What a Reply Says",
        help="A customer's reply is read for a promise to pay (with its date), a dispute or 'already paid' "
        "(English and Portuguese); the reply hold and the collector's task show the suggestion. A person "
        "confirms: nothing is recorded from it.",
    )
    collections_reply_hold_days = fields.Integer(
        string="Days a reply holds the reminders",
        default=0,
        help="A customer's reply holds its reminders until the collector marks it handled, or this many days "
        "when nobody does (the follow-up then resumes by itself; the collector's task stays). 0: until handled.",
    )

    @api.constrains("collections_reply_hold_days")
    def _check_collections_reply_hold_days(self):
        fix = self.env._("enter how many days a reply holds the reminders, or 0 to hold until handled.")
        for company in self:
            company._collections_check_range(
                "collections_reply_hold_days", company.collections_reply_hold_days, REPLY_HOLD_DAYS, fix
            )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collections_reply_suggestions = fields.Boolean(related="company_id.collections_reply_suggestions", readonly=False)
    collections_reply_hold_days = fields.Integer(related="company_id.collections_reply_hold_days", readonly=False)
