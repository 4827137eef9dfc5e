from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import DISPUTE_STATES, DISPUTE_STEPS
from .collections_case_mixin import ANSWER_SOURCE_SELECTION

_STATE_LABELS = {"open": "Open", "resolved": "Resolved"}


class CollectionsDispute(models.Model):
    _name = "collections.dispute"
    _inherit = [
        "collections.guarded.mixin",
        "collections.case.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "collections.input.mixin",
    ]
    _description = "Invoice Dispute"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    # Set by the Resolve button only.
    _guarded_fields = frozenset({"state", "resolved_date"})
    _guarded_initial = {"state": "open"}
    # The follow-up is refreshed once the resolution is recorded (action_resolve).
    _guarded_refresh_fields = frozenset()

    # Any posted invoice of the customer may be disputed, paid or not.
    move_ids = fields.Many2many(
        relation="collections_dispute_move_rel",
        column1="dispute_id",
        column2="move_id",
        required=True,
        domain="[('partner_id', 'child_of', partner_id), ('state', '=', 'posted')]",
    )
    reason = fields.Text(required=True, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        string="Owner",
        required=True,
        default=lambda self: self.env.user,
        tracking=True,
        domain="[('share', '=', False)]",
        help="Who sorts the dispute out.",
    )
    state = fields.Selection(
        [(code, _STATE_LABELS[code]) for code in DISPUTE_STATES],
        default="open",
        required=True,
        tracking=True,
        index=True,
    )
    source = fields.Selection(ANSWER_SOURCE_SELECTION, default="collector", required=True)
    resolution = fields.Text(tracking=True)
    resolved_date = fields.Date(readonly=True)

    @api.depends("partner_id", "move_ids")
    def _compute_display_name(self):
        for dispute in self:
            dispute.display_name = self.env._(
                "Dispute %(customer)s: %(invoices)s",
                customer=dispute.partner_id.display_name or "",
                invoices=", ".join(dispute.move_ids.mapped("name")),
            )

    @api.constrains("move_ids", "partner_id")
    def _check_invoices(self):
        # Another customer's invoices: refused by the case's constraint (_check_case_customer).
        for dispute in self:
            if not dispute.move_ids:
                raise ValidationError(self.env._("Select the invoices the customer disputes."))

    def _case_foreign_error(self, foreign):
        return self.env._("A dispute covers invoices of its own customer only.")

    def _guarded_create_error(self, names):
        return self._guarded_write_error(names)

    def _guarded_write_error(self, names):
        return self.env._("Resolve a dispute with the Resolve button, after writing how it was resolved.")

    @api.model_create_multi
    def create(self, vals_list):
        disputes = super().create(vals_list)
        for dispute in disputes:
            if not (dispute.reason or "").strip():
                raise ValidationError(self.env._("Say what the customer disputes."))
            dispute.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Sort out the dispute"),
                user_id=dispute.user_id.id,
            )
            self.env["collections.event"]._cancel_pending(
                dispute.partner_id.commercial_partner_id,
                dispute.company_id,
                self.env._("Cancelled: the customer disputes these invoices."),
                moves=dispute.move_ids,
            )
            dispute.partner_id.message_post(
                body=self.env._(
                    "Dispute opened on %(invoices)s: %(reason)s",
                    invoices=", ".join(dispute.move_ids.mapped("name")),
                    reason=dispute.reason,
                )
            )
        self.env["collections.runner"]._refresh_for(disputes)
        return disputes

    def action_resolve(self):
        for dispute in self:
            if DISPUTE_STEPS.problem("resolve", dispute.state):
                raise UserError(self.env._("This dispute is already resolved."))
            if not (dispute.resolution or "").strip():
                raise UserError(self.env._("Write how the dispute was resolved before closing it."))
            # Past the guard of write: only this button resolves.
            dispute._internal_write(
                {
                    "state": DISPUTE_STEPS.target("resolve", dispute.state),
                    "resolved_date": dispute.company_id._collections_today(),
                }
            )
            dispute.activity_ids.action_feedback(feedback=dispute.resolution)
            dispute.partner_id.message_post(
                body=self.env._(
                    "Dispute resolved: %(resolution)s. The follow-up of these invoices resumes.",
                    resolution=dispute.resolution,
                )
            )
        self.env["collections.runner"]._refresh_for(self)
        return True
