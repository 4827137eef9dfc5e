"""What each record that holds the follow-up says of its hold (``collections.hold``), and the hook that keeps the
hold in step when the record is created or changes state.

A promise holds its invoices while open, until its pause date; a dispute while open; an agreement while it is
an offer the customer is answering (the states the run reads); a protest while the title is at the notary.
"""

from odoo import api, models
from odoo.tools import format_date

from ..engine.open_items import HOLD_STATES


class CollectionsHoldSourceMixin(models.AbstractModel):
    """The hook shared by the records a hold stands for: their hold follows their creation and changes.

    Listed first in ``_inherit`` so that its ``create`` and ``write`` wrap the record's own: the hold is synced
    once the record's steps have written everything.
    """

    _name = "collections.hold.source.mixin"
    _description = "Collections: a record that holds the follow-up"

    # Writing one of these may open, change or end the record's hold.
    _hold_fields = frozenset({"state", "move_ids", "user_id"})

    def _collections_hold_values(self):
        """The values of this record's hold (``collections.hold._source_values``), False while it holds nothing."""
        raise NotImplementedError

    def _collections_hold_end_note(self):
        """How the hold ended, in the record's words: the record and the state it reached."""
        self.ensure_one()
        state = dict(self._fields["state"]._description_selection(self.env)).get(self.state, self.state)
        return self.env._("%(record)s: %(state)s", record=self.display_name, state=state)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._collections_sync_hold()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._hold_fields & vals.keys():
            self._collections_sync_hold()
        return result

    def _collections_sync_hold(self):
        self.env["collections.hold"]._sync_from(self)


class CollectionsPromise(models.Model):
    _name = "collections.promise"
    _inherit = ["collections.hold.source.mixin", "collections.promise"]
    _hold_fields = frozenset({"state", "move_ids", "user_id", "date", "grace_days", "amount"})

    def _collections_hold_values(self):
        self.ensure_one()
        if self.state not in HOLD_STATES["promise"] or not self.move_ids:
            return False
        reason = self.env._(
            "Promised %(amount)s by %(date)s",
            amount=self.currency_id.format(self.amount),
            date=format_date(self.env, self.date),
        )
        return self.env["collections.hold"]._source_values(
            self, "promise", reason, self.move_ids, self.user_id, date_end=self.pause_until
        )


class CollectionsDispute(models.Model):
    _name = "collections.dispute"
    _inherit = ["collections.hold.source.mixin", "collections.dispute"]
    _hold_fields = frozenset({"state", "move_ids", "user_id", "reason"})

    def _collections_hold_values(self):
        self.ensure_one()
        if self.state not in HOLD_STATES["dispute"] or not self.move_ids:
            return False
        return self.env["collections.hold"]._source_values(self, "dispute", self.reason, self.move_ids, self.user_id)


class CollectionsNegotiation(models.Model):
    _name = "collections.negotiation"
    _inherit = ["collections.hold.source.mixin", "collections.negotiation"]
    _hold_fields = frozenset({"state", "move_ids", "user_id", "name"})

    def _collections_hold_values(self):
        self.ensure_one()
        if self.state not in HOLD_STATES["agreement"] or not self.move_ids:
            return False
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        reason = self.env._("Agreement %(name)s: %(state)s", name=self.name, state=state)
        return self.env["collections.hold"]._source_values(self, "agreement", reason, self.move_ids, self.user_id)


class CollectionsProtest(models.Model):
    _name = "collections.protest"
    _inherit = ["collections.hold.source.mixin", "collections.protest"]
    _hold_fields = frozenset({"state", "move_id", "user_id", "notary_id"})

    def _collections_hold_values(self):
        self.ensure_one()
        if self.state not in HOLD_STATES["notary"]:
            return False
        state = dict(self._fields["state"]._description_selection(self.env))[self.state]
        reason = self.env._(
            "%(invoice)s at the notary %(notary)s: %(state)s",
            invoice=self.move_id.name,
            notary=self.notary_id.name or "",
            state=state,
        )
        return self.env["collections.hold"]._source_values(self, "protest", reason, self.move_id, self.user_id)
