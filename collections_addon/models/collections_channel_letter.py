"""The letter channel: a letter queued for printing (Collections > Letters to Print).

A letter needs no contact point: it goes to the address of the invoices. It is
rendered when printed, with what is open then (see ``report_collections_letter``).
It also replaces a WhatsApp message that failed, when the level falls back to a letter.
"""

from odoo import api, models

_CODE = "letter"


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    @api.model
    def _channel_codes(self):
        return (*super()._channel_codes(), _CODE)

    @api.model
    def _channel_queue(self, channel, company, today, decisions, overrides=None):
        if channel != _CODE:
            return super()._channel_queue(channel, company, today, decisions, overrides=overrides)
        runner = self.env["collections.runner"]
        return [runner._event_vals(decision, _CODE, state="queued") for decision in decisions]

    @api.model
    def _channel_fallback(self, channel, event, partner, values):
        if channel != _CODE:
            return super()._channel_fallback(channel, event, partner, values)
        self.env["collections.event"].sudo().create({**values, "state": "queued"})
        return True
