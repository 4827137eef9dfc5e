"""The company's reply settings (Settings > Collections > Follow-up): suggestions from a reply's words.

Off by default: a reply then holds the customer and gives the collector a task, and nothing more.
"""

from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_reply_suggestions = fields.Boolean(
        string="Suggest What a Reply Says",
        help="A customer's reply is read for a promise to pay (with its date), a dispute or 'already paid' "
        "(English and Portuguese); the reply hold and the collector's task show the suggestion. A person "
        "confirms: nothing is recorded from it.",
    )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    collections_reply_suggestions = fields.Boolean(related="company_id.collections_reply_suggestions", readonly=False)
