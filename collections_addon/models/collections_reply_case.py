"""A promise or a dispute recorded from a reply's suggestion handles the reply.

*Record Promise* and *Record Dispute* on a reply hold open the usual form with the hold in their context
(``collections_reply_hold_id``, ``collections_hold_suggestion.py``): once the collector saves the form, the
reply is dealt with and its hold ends as if *Mark Handled* had been clicked. Discarding the form changes nothing.
"""

from odoo import api, models


def _handle_reply(records):
    """End the reply hold the form was opened from, once ``records`` are saved."""
    hold_id = records.env.context.get("collections_reply_hold_id")
    if not hold_id or not records:
        return
    hold = records.env["collections.hold"].browse(hold_id).exists()
    hold = hold.filtered(lambda held: held.kind == "reply" and held.state == "active")
    if hold:
        hold._collections_handled(records.env.user)


class CollectionsPromise(models.Model):
    _inherit = "collections.promise"

    @api.model_create_multi
    def create(self, vals_list):
        promises = super().create(vals_list)
        _handle_reply(promises)
        return promises


class CollectionsDispute(models.Model):
    _inherit = "collections.dispute"

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        _handle_reply(disputes)
        return disputes
