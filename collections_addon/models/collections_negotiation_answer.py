import hashlib

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command

from ..engine import check_limits, to_decimal
from ..engine.receivable import CLAIMABLE_MOVE_TYPES


class CollectionsNegotiation(models.Model):
    """The customer's answer (accepted with the collector or on the portal, or declined) and the documents that
    put the agreement before the customer: the e-mail, the portal page, the PDF."""

    _inherit = "collections.negotiation"

    # ------------------------------------------------------------------
    # Acceptance
    # ------------------------------------------------------------------

    def action_accept(self):
        """The customer agreed (by phone or in writing): the collector records it."""
        return self._accept(self.env.user.name, ip=False)

    def _accept(self, who, ip=False):
        for negotiation in self:
            negotiation._check_step("accept")
            negotiation._check_invoices_still_open()
            negotiation._check_terms_agreed()
            # Before any write: a missing setting must leave the agreement as it was.
            negotiation._accounting_setup()
            negotiation._step(
                "accept", {"accepted_by": who, "accepted_date": fields.Datetime.now(), "accepted_ip": ip or False}
            )
            negotiation.message_post(
                body=self.env._("Accepted by %(who)s%(ip)s.", who=who, ip=f" ({ip})" if ip else "")
            )
            negotiation._post_entry()
        return True

    def _terms_digest(self):
        """A fingerprint of what was approved: the invoices, the terms and the schedule."""
        self.ensure_one()
        # Instalments are money: compared at the currency's precision (three decimals in some currencies).
        digits = self.currency_id.decimal_places
        terms = (
            tuple(sorted(self.move_ids.ids)),
            self.discount_type,
            round(self.discount_value or 0, 2),  # the field stores two decimals
            self.installment_count,
            str(self.first_date),
            self.interval,
            tuple((str(item.date), round(item.amount, digits)) for item in self.installment_ids.sorted("sequence")),
            # Agreements without charges keep the fingerprint they were approved with.
            *self._charges_terms(),
        )
        return hashlib.sha256(repr(terms).encode()).hexdigest()

    def _check_terms_agreed(self):
        """The schedule is the one computed from the terms, and within the limits or approved as it stands."""
        self.ensure_one()
        self._check_invoices()
        discount, schedule = self._engine_schedule()
        stored = [
            (item.date, to_decimal(item.amount, self._digits())) for item in self.installment_ids.sorted("sequence")
        ]
        if stored != [(item.due_date, item.amount) for item in schedule]:
            raise UserError(
                self.env._(
                    "The schedule no longer matches the terms: set the agreement back to draft and propose it again."
                )
            )
        if check_limits(
            self.amount_total, discount, schedule, self._limits(), self.charges_amount, self.charges_waived
        ) and (not self.approved_by_id or self.approved_digest != self._terms_digest()):
            raise UserError(
                self.env._(
                    "These terms are beyond the plan's limits and were not approved as they stand: propose the "
                    "agreement again so that a manager decides."
                )
            )

    def _check_invoices_still_open(self):
        self.ensure_one()
        total = sum(self.move_ids.mapped("amount_residual"))
        scheduled = sum(self.installment_ids.mapped("amount")) + self.discount_amount - self.charges_kept
        if self.currency_id.compare_amounts(total, scheduled):
            raise UserError(
                self.env._(
                    "The invoices changed since the agreement was computed (a payment or a credit note): reset it "
                    "to draft and propose it again."
                )
            )

    def action_decline(self, reason=False):
        for negotiation in self:
            negotiation._check_step("decline")
            negotiation._step("decline", {"declined_reason": reason or False})
            negotiation.message_post(
                body=self.env._("Declined by the customer%(reason)s.", reason=f": {reason}" if reason else "")
            )
        return True

    # ------------------------------------------------------------------
    # Documents
    # ------------------------------------------------------------------

    def _compute_access_url(self):
        super()._compute_access_url()
        for negotiation in self:
            negotiation.access_url = f"/my/collections/agreement/{negotiation.id}"

    def action_send(self):
        self.ensure_one()
        self._check_step("send")
        return self.env["mail.compose.message"]._collections_dialog(
            self,
            "collections_addon.mail_template_collections_agreement",
            self.env._("Send Agreement"),
            force_email=True,
        )

    def action_preview(self):
        self.ensure_one()
        return {"type": "ir.actions.act_url", "url": self.get_portal_url(), "target": "self"}

    @api.model
    def _action_new(self, partner, moves=None):
        """The form of a new agreement for ``partner`` on ``moves`` (default: its open invoices)."""
        partner = partner.commercial_partner_id
        if moves is None:
            moves = partner.with_company(self.env.company).collections_open_move_ids.filtered(
                lambda move: move.move_type in CLAIMABLE_MOVE_TYPES
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New agreement"),
            "res_model": self._name,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
            "context": {"default_partner_id": partner.id, "default_move_ids": [Command.set(moves.ids)]},
        }

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Agreement %(name)s", name=self.name)
