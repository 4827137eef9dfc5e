"""What keeps the follow-up away from a customer, or some of its invoices, and until when: one record per hold.

Disputes, promises, agreements, protests at the notary, manual pauses, exclusions and customer replies each
open a hold here; ending it (the reply handled, the dispute resolved, the end date passed) keeps the record as
history. The rules (whether a hold applies to an item, when it is reviewed, which holds end today) are the
engine's (``engine/holds.py``); this model keeps the holds and translates them into the engine's ``Hold``.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine.holds import HOLD_KINDS, Hold

_KIND_LABELS = {
    "exclusion": "Exclusion",
    "pause": "Pause",
    "reply": "Customer Reply",
    "protest": "At the Notary",
    "agreement": "Agreement",
    "dispute": "Dispute",
    "promise": "Promise to Pay",
}
# The engine's kinds are the selection, in its order (the worklist names the first hold that applies).
HOLD_KIND_SELECTION = [(kind, _KIND_LABELS[kind]) for kind in HOLD_KINDS]
HOLD_STATE_SELECTION = [("active", "Active"), ("ended", "Ended")]
# The record a hold stands for, one field per kind of source: a source has at most one active hold.
HOLD_SOURCE_FIELDS = ("promise_id", "dispute_id", "negotiation_id", "protest_id", "message_id")
# The customer's fields behind its pause and its exclusion: lifting the hold clears them.
_CUSTOMER_FIELDS = {
    "pause": ("collections_paused_until", "collections_pause_reason"),
    "exclusion": ("collections_excluded", "collections_excluded_until", "collections_exclusion_reason"),
}


class CollectionsHold(models.Model):
    _name = "collections.hold"
    _description = "Collections Hold"
    _order = "state, date_start desc, id desc"
    _check_company_auto = True
    _rec_names_search = ["partner_id", "reason"]

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('parent_id', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, ondelete="cascade"
    )
    kind = fields.Selection(HOLD_KIND_SELECTION, required=True, index=True)
    state = fields.Selection(HOLD_STATE_SELECTION, default="active", required=True, index=True, readonly=True)
    reason = fields.Char(help="Why the follow-up is held: shown on the customer and in the worklist.")
    user_id = fields.Many2one(
        "res.users",
        string="Put By",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        help="Who put the hold. Empty: the customer (a reply, the portal) or the follow-up itself.",
    )
    date_start = fields.Date(string="Since", required=True, default=lambda self: self.env.company._collections_today())
    date_end = fields.Date(
        string="Until", help="The hold ends after this day and the follow-up resumes by itself. Empty: until lifted."
    )
    move_ids = fields.Many2many(
        "account.move",
        relation="collections_hold_move_rel",
        column1="hold_id",
        column2="move_id",
        string="Invoices",
        check_company=True,
        help="The invoices the hold covers. Empty: every invoice of the customer.",
    )
    date_lifted = fields.Date(string="Lifted On", readonly=True, copy=False)
    lifted_by_id = fields.Many2one("res.users", string="Lifted By", readonly=True, copy=False)
    lift_note = fields.Char(string="How It Ended", readonly=True, copy=False)
    date_reviewed = fields.Date(
        string="Last Review", readonly=True, copy=False, help="The last day a person reviewed this hold."
    )
    date_review = fields.Date(
        string="Next Review",
        readonly=True,
        copy=False,
        index=True,
        help="When a person is asked to review the hold: its end date, else every few days for exclusions and "
        "pauses without one (Settings), on the company's next business day.",
    )

    review_activity_id = fields.Many2one(
        "mail.activity",
        string="Review Task",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The open task asking a person to review this hold (on the customer).",
    )

    promise_id = fields.Many2one("collections.promise", ondelete="cascade", index="btree_not_null", readonly=True)
    dispute_id = fields.Many2one("collections.dispute", ondelete="cascade", index="btree_not_null", readonly=True)
    negotiation_id = fields.Many2one(
        "collections.negotiation", string="Agreement", ondelete="cascade", index="btree_not_null", readonly=True
    )
    protest_id = fields.Many2one("collections.protest", ondelete="cascade", index="btree_not_null", readonly=True)
    message_id = fields.Many2one(
        "mail.message", string="Reply", ondelete="set null", index="btree_not_null", readonly=True
    )

    _dates_in_order = models.Constraint(
        "CHECK(date_end IS NULL OR date_end >= date_start)",
        "A hold cannot end before it starts: set its end date on or after its start.",
    )
    _lifted_after_start = models.Constraint(
        "CHECK(date_lifted IS NULL OR date_lifted >= date_start)",
        "A hold cannot be lifted before it starts.",
    )
    _one_active_per_promise = models.UniqueIndex("(promise_id) WHERE state = 'active' AND promise_id IS NOT NULL")
    _one_active_per_dispute = models.UniqueIndex("(dispute_id) WHERE state = 'active' AND dispute_id IS NOT NULL")
    _one_active_per_negotiation = models.UniqueIndex(
        "(negotiation_id) WHERE state = 'active' AND negotiation_id IS NOT NULL"
    )
    _one_active_per_protest = models.UniqueIndex("(protest_id) WHERE state = 'active' AND protest_id IS NOT NULL")
    _one_active_per_message = models.UniqueIndex("(message_id) WHERE state = 'active' AND message_id IS NOT NULL")
    _partner_state_index = models.Index("(partner_id, company_id, state)")

    @api.depends("kind", "reason", "partner_id")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for hold in self:
            label = kinds.get(hold.kind, "")
            hold.display_name = f"{label}: {hold.reason}" if hold.reason else label

    @api.constrains("partner_id")
    def _check_customer(self):
        for hold in self:
            if hold.partner_id != hold.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "A hold is put on the customer %(customer)s, not on its contact %(contact)s.",
                        customer=hold.partner_id.commercial_partner_id.display_name,
                        contact=hold.partner_id.display_name,
                    )
                )

    @api.constrains("move_ids", "partner_id")
    def _check_invoices(self):
        for hold in self:
            foreign = hold.move_ids - hold.move_ids.filtered_domain(
                [("commercial_partner_id", "=", hold.partner_id.id)]
            )
            if foreign:
                raise ValidationError(
                    self.env._(
                        "A hold covers invoices of its own customer only: %(invoices)s belong to someone else.",
                        invoices=", ".join(foreign.mapped("name")),
                    )
                )

    def _engine_hold(self):
        """This hold as the engine sees it (``engine.holds.Hold``)."""
        self.ensure_one()
        return Hold(
            self.kind,
            since=self.date_start,
            until=self.date_end or None,
            who=self.user_id.id or None,
            move_ids=frozenset(self.move_ids.ids),
            reason=self.reason or "",
            lifted=self.date_lifted or None,
        )

    @api.model
    def _active_holds(self, company, partners):
        """{customer id: [engine Hold, ...]} of the active holds of ``partners`` in ``company``, in one read."""
        holds = defaultdict(list)
        for hold in self.search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("state", "=", "active"),
            ],
            ["kind", "date_start", "date_end", "user_id", "move_ids", "reason", "date_lifted", "partner_id"],
        ):
            holds[hold.partner_id.id].append(hold._engine_hold())
        return holds

    def _end(self, note, day=None, user=None):
        """End these active holds (kept as history): lifted on ``day`` by ``user`` (None: by the follow-up)."""
        active = self.filtered(lambda hold: hold.state == "active")
        for company, holds in active.grouped("company_id").items():
            lifted = day or company._collections_today()
            for hold in holds:
                hold.write(
                    {
                        "state": "ended",
                        "date_lifted": max(lifted, hold.date_start),
                        "lifted_by_id": user.id if user else False,
                        "lift_note": note,
                        "date_review": False,
                    }
                )
        return active

    def _source_record(self):
        """The record this hold stands for (a promise, a dispute...), or an empty recordset for pauses,
        exclusions and replies."""
        self.ensure_one()
        for name in HOLD_SOURCE_FIELDS[:-1]:
            if self[name]:
                return self[name]
        return self.env["res.partner"]

    def action_lift(self):
        """The collector ends the hold by hand (a reply handled, a pause no longer needed).

        A pause or an exclusion is the customer's: lifting it clears the customer's fields so the follow-up
        resumes. A promise, a dispute, an agreement or a protest holds as long as its record does: it ends
        there (kept or cancelled, resolved, closed), not here.
        """
        if self.filtered(lambda hold: hold.state == "ended"):
            raise UserError(self.env._("This hold has already ended: nothing to lift."))
        for hold in self:
            source = hold._source_record()
            if source:
                raise UserError(
                    self.env._(
                        "This hold lasts as long as %(record)s: close it on its own form (keep or cancel the promise, "
                        "resolve the dispute, end the agreement or the protest).",
                        record=source.display_name,
                    )
                )
        self._end(self.env._("Lifted by %(user)s", user=self.env.user.name), user=self.env.user)
        for (company, kind), holds in self.grouped(lambda hold: (hold.company_id, hold.kind)).items():
            customers = holds.partner_id.with_company(company)
            if kind in _CUSTOMER_FIELDS:
                # The customer's own fields say the follow-up is held: cleared, the follow-up resumes (the
                # customer's write refreshes its status; its hold is already ended, nothing more to sync).
                customers.write(dict.fromkeys(_CUSTOMER_FIELDS[kind], False))
            else:
                self.env["collections.runner"]._refresh_partners(customers, company)
        return True
