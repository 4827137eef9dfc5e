from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class CollectionsDispute(models.Model):
    _name = "collections.dispute"
    _inherit = ["mail.thread", "mail.activity.mixin", "collections.input.mixin"]
    _description = "Invoice Dispute"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    move_ids = fields.Many2many(
        "account.move",
        "collections_dispute_move_rel",
        "dispute_id",
        "move_id",
        string="Invoices",
        required=True,
        check_company=True,
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
        [("open", "Open"), ("resolved", "Resolved")], default="open", required=True, tracking=True, index=True
    )
    source = fields.Selection(
        [("collector", "Collector"), ("call", "Call"), ("portal", "Customer portal")],
        default="collector",
        required=True,
    )
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
        for dispute in self:
            if not dispute.move_ids:
                raise ValidationError(self.env._("Select the invoices the customer disputes."))
            partner = dispute.partner_id.commercial_partner_id
            if dispute.move_ids.filtered(lambda move, partner=partner: move.commercial_partner_id != partner):
                raise ValidationError(self.env._("A dispute covers invoices of its own customer only."))

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

    def write(self, vals):
        if "state" in vals:
            raise UserError(self.env._("Resolve a dispute with the Resolve button, after writing how it was resolved."))
        return super().write(vals)

    def action_resolve(self):
        for dispute in self:
            if dispute.state != "open":
                raise UserError(self.env._("This dispute is already resolved."))
            if not (dispute.resolution or "").strip():
                raise UserError(self.env._("Write how the dispute was resolved before closing it."))
            # Past the guard of write: only this button resolves.
            super(CollectionsDispute, dispute).write(
                {"state": "resolved", "resolved_date": fields.Date.context_today(self)}
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
