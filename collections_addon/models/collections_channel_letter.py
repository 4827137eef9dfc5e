"""The letter channel: a letter queued for printing (Collections > Letters to Print).

A letter needs no contact point: it goes to the address of the invoices. It is
rendered when printed, with what is open then (see ``report_collections_letter``).
It also replaces a WhatsApp message that failed, when the level falls back to a letter.
"""

from odoo import api, models


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    @api.model
    def _letter_queue(self, company, today, decisions, overrides=None):
        runner = self.env["collections.runner"]
        return [runner._event_vals(decision, "letter", state="queued") for decision in decisions]

    @api.model
    def _letter_fallback(self, items):
        self.env["collections.event"].sudo().create(
            [{**values, "state": "queued"} for _event, _partner, values in items]
        )
        return self.env["collections.event"].union(*(event for event, _partner, _values in items))
