"""Keeping ``collections.hold`` in step with what holds the follow-up: the records and the customer's fields.

A promise, a dispute, an agreement or a protest opens its hold when it starts holding (the states the run
reads, ``engine/open_items.HOLD_STATES``) and ends it, kept as history, when it stops; a customer's pause
and exclusion fields do the same. One active hold per source record (per customer and kind for pauses and
exclusions); a change of its dates or reason updates the active hold.
"""

from odoo import api, fields, models
from odoo.fields import Command

from ..engine.open_items import HOLD_STATES

# The model of each record a hold stands for, and the hold's field pointing to it.
HOLD_SOURCE_MODELS = {
    "collections.promise": "promise_id",
    "collections.dispute": "dispute_id",
    "collections.negotiation": "negotiation_id",
    "collections.protest": "protest_id",
}
# The run's hold code of each source model: its states that hold (engine/open_items.HOLD_STATES).
_HOLD_CODES = {
    "collections.promise": "promise",
    "collections.dispute": "dispute",
    "collections.negotiation": "agreement",
    "collections.protest": "notary",
}
# What the active hold of a record carries and may see change.
_SYNCED_FIELDS = ("reason", "date_end", "user_id")
_REASON_LENGTH = 200


def short_reason(text):
    """A reason on one line, short enough for the worklist."""
    line = " ".join((text or "").split())
    return line if len(line) <= _REASON_LENGTH else line[: _REASON_LENGTH - 1] + "\N{HORIZONTAL ELLIPSIS}"


class CollectionsHold(models.Model):
    _inherit = "collections.hold"

    def _lifter(self):
        """Who ends a hold now: the person at work, None for the daily jobs and the customer (portal)."""
        user = self.env.user
        return user if user._is_internal() and not user._is_superuser() else None

    # ------------------------------------------------------------------
    # Records: promises, disputes, agreements, protests
    # ------------------------------------------------------------------

    @api.model
    def _sync_from(self, records):
        """Open, update or end the hold of each of ``records`` (one source model), in a few queries.

        Each record says what its hold is (``_collections_hold_values``: False while it holds nothing) and
        how it ended (``_collections_hold_end_note``).
        """
        if not records:
            return self.browse()
        field = HOLD_SOURCE_MODELS[records._name]
        # sudo: a hold mirrors its record; whoever may change the record (a collector, the customer on the
        # portal, a daily job) keeps its hold in step, hold rights or not.
        holds = self.sudo()
        active = {hold[field].id: hold for hold in holds.search([(field, "in", records.ids), ("state", "=", "active")])}
        new = []
        for record in records:
            values = record._collections_hold_values()
            hold = active.get(record.id)
            if values and hold:
                hold._update_from(values)
            elif values:
                new.append({**values, field: record.id})
            elif hold:
                hold._end(record._collections_hold_end_note(), user=self._lifter())
        created = holds.create(new)
        created._schedule_reviews()
        return created

    @api.model
    def _source_values(self, record, kind, reason, moves, user, date_end=False):
        """The values of the hold of ``record`` (a case on some invoices of a customer)."""
        company = record.company_id
        today = company._collections_today()
        since = min(fields.Date.to_date(record.create_date) or today, today)
        if date_end and date_end < since:
            since = date_end
        return {
            "partner_id": record.partner_id.commercial_partner_id.id,
            "company_id": company.id,
            "kind": kind,
            "reason": short_reason(reason),
            "user_id": user.id or False,
            "date_start": since,
            "date_end": date_end or False,
            "move_ids": [Command.set(moves.ids)],
        }

    def _update_from(self, values):
        """Bring this active hold in line with its record's values (reason, end date, who, invoices)."""
        self.ensure_one()
        changes = {
            name: values[name]
            for name in _SYNCED_FIELDS
            if name in values and (self[name].id if name == "user_id" else self[name]) != values[name]
        }
        if changes.get("date_end") and changes["date_end"] < self.date_start:
            changes["date_start"] = changes["date_end"]
        moves = values.get("move_ids")
        if moves and set(moves[0][2]) != set(self.move_ids.ids):
            changes["move_ids"] = moves
        if changes:
            self.write(changes)
            if "date_end" in changes:
                self._schedule_reviews()

    # ------------------------------------------------------------------
    # The customer's pause and exclusion
    # ------------------------------------------------------------------

    @api.model
    def _customer_values(self, partner, kind, today):
        """What the customer's fields say of its ``kind`` hold (pause or exclusion) today, False: none."""
        if kind == "pause":
            until = partner.collections_paused_until
            if not until or until < today:
                return False
            return {"reason": partner.collections_pause_reason or self.env._("Paused"), "date_end": until}
        until = partner.collections_excluded_until
        if not partner.collections_excluded or (until and until < today):
            return False
        return {"reason": partner.collections_exclusion_reason or self.env._("Excluded"), "date_end": until or False}

    @api.model
    def _sync_customers(self, partners, company):
        """Open, update or end the pause and exclusion holds of ``partners`` (customers) in ``company``."""
        customers = partners.filtered(lambda partner: partner == partner.commercial_partner_id).with_company(company)
        if not customers:
            return
        today = company._collections_today()
        # sudo: the hold mirrors the customer's fields, which whoever may write them keeps in step.
        holds = self.sudo()
        active = {
            (hold.partner_id.id, hold.kind): hold
            for hold in holds.search(
                [
                    ("partner_id", "in", customers.ids),
                    ("company_id", "=", company.id),
                    ("state", "=", "active"),
                    ("kind", "in", ("pause", "exclusion")),
                ]
            )
        }
        user = self._lifter()
        new = []
        for partner in customers:
            for kind in ("pause", "exclusion"):
                values = self._customer_values(partner, kind, today)
                hold = active.get((partner.id, kind))
                if values and hold:
                    hold._update_from(values)
                elif values:
                    values.update(
                        partner_id=partner.id, company_id=company.id, kind=kind, user_id=user.id if user else False
                    )
                    new.append({**values, "date_start": min(today, values["date_end"] or today)})
                elif hold:
                    note = self.env._("Resumed by %(user)s", user=user.name) if user else self.env._("Resumed")
                    hold._end(note, user=user)
        holds.create(new)._schedule_reviews()

    # ------------------------------------------------------------------
    # Existing databases
    # ------------------------------------------------------------------

    @api.model
    def _sync_existing(self):
        """Holds for what already holds the follow-up (an upgrade): every source record, every customer's
        pause and exclusion, in every company."""
        for model_name in HOLD_SOURCE_MODELS:
            Model = self.env[model_name].sudo().with_context(active_test=False)
            self._sync_from(Model.search([("state", "in", HOLD_STATES[_HOLD_CODES[model_name]])]))
        for company in self.env["res.company"].search([]):
            today = company._collections_today()
            Partner = self.env["res.partner"].sudo().with_company(company).with_context(active_test=False)
            customers = Partner.search(
                ["|", ("collections_paused_until", ">=", today), ("collections_excluded", "=", True)]
            )
            self._sync_customers(customers, company)
