from odoo import api, fields, models
from odoo.tools import format_date

from ..engine import STATUSES
from ..engine.receivable import open_line_domain

_STATUS_LABELS = {
    "ok": "Up to date",
    "overdue": "Overdue",
    "to_contact": "To contact",
    "promised": "Promised",
    "agreement": "In agreement",
    "disputed": "Disputed",
    "notary": "At the notary",
    "paused": "Paused",
    "excluded": "Excluded",
}
# The engine decides the status: its codes are the selection, in its order.
COLLECTIONS_STATUS = [(code, _STATUS_LABELS[code]) for code in STATUSES]

# Collection fields carry groups="collections_addon.group_collections_user": invoicing users neither
# see nor write them (the run writes them with SQL, the mail queue with sudo).
# Writing any of these changes what the follow-up would do: the status is refreshed at once.
_STATUS_INPUTS = {
    "collections_policy_id",
    "collections_paused_until",
    "collections_excluded",
    "collections_excluded_until",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Company-dependent: a customer of two companies follows each company's plan separately.
    collections_policy_id = fields.Many2one(
        "collections.policy",
        string="Collections Plan",
        company_dependent=True,
        help="Plan for this customer in the current company. Empty: the company's default plan for its kind.",
        groups="collections_addon.group_collections_user",
    )
    collections_level_id = fields.Many2one(
        "collections.level",
        string="Collections Level",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_due_level_id = fields.Many2one(
        "collections.level",
        string="Step Due",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The follow-up step waiting for this customer (a manual step, a call or a failed channel).",
        groups="collections_addon.group_collections_user",
    )
    collections_next_date = fields.Date(
        string="Next Collections Action",
        company_dependent=True,
        copy=False,
        help="When the next follow-up step is due.",
        groups="collections_addon.group_collections_user",
    )
    collections_review_date = fields.Date(
        string="Last Follow-up Review",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Technical: the day the follow-up run last reviewed this customer (the daily job resumes after it).",
        groups="collections_addon.group_collections_user",
    )
    collections_last_date = fields.Date(
        string="Last Contact",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_thanked_date = fields.Date(
        string="Thanked for Paying",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The day the follow-up last thanked the customer for settling what was overdue (once per reminder).",
        groups="collections_addon.group_collections_user",
    )
    collections_responsible_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Collector in charge of this customer; receives its call and follow-up tasks.",
        groups="collections_addon.group_collections_user",
    )
    collections_status = fields.Selection(
        COLLECTIONS_STATUS,
        string="Collections Status",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_paused_until = fields.Date(
        string="Follow-up Paused Until",
        company_dependent=True,
        copy=False,
        help="No reminder until after this date.",
        groups="collections_addon.group_collections_user",
    )
    collections_pause_reason = fields.Char(
        string="Pause Reason", company_dependent=True, copy=False, groups="collections_addon.group_collections_user"
    )
    collections_excluded = fields.Boolean(
        string="Excluded from Follow-up",
        company_dependent=True,
        copy=False,
        help="No reminder at all while excluded.",
        groups="collections_addon.group_collections_user",
    )
    collections_excluded_until = fields.Date(
        string="Excluded Until",
        company_dependent=True,
        copy=False,
        help="Empty: excluded until unticked.",
        groups="collections_addon.group_collections_user",
    )
    collections_exclusion_reason = fields.Char(
        string="Exclusion Reason", company_dependent=True, copy=False, groups="collections_addon.group_collections_user"
    )
    collections_due_escalation = fields.Selection(
        related="collections_due_level_id.escalation",
        string="Escalation Due",
        groups="collections_addon.group_collections_user",
    )
    collections_phone_invalid = fields.Boolean(
        string="Phone Reported Wrong",
        copy=False,
        help="A collector reached a wrong number: no SMS, WhatsApp or call until the number is corrected.",
        groups="collections_addon.group_collections_user",
    )

    collections_status_note = fields.Char(
        string="Why",
        compute="_compute_collections_status_note",
        help="What is going on: the task waiting for a collector (a call, a failed reminder and its reason, a "
        "broken promise, a step due), or what holds the overdue invoices (promise, agreement, dispute, notary, "
        "pause).",
        groups="collections_addon.group_collections_user",
    )
    collections_next_call_at = fields.Datetime(
        string="Planned Call",
        compute="_compute_collections_status_note",
        groups="collections_addon.group_collections_user",
    )
    collections_currency_id = fields.Many2one("res.currency", compute="_compute_collections_amounts")
    collections_due_amount = fields.Monetary(
        string="Total Due", currency_field="collections_currency_id", compute="_compute_collections_amounts"
    )
    collections_overdue_amount = fields.Monetary(
        string="Total Overdue", currency_field="collections_currency_id", compute="_compute_collections_amounts"
    )
    collections_days_late = fields.Integer(string="Days Late", compute="_compute_collections_amounts")
    collections_open_move_ids = fields.Many2many(
        "account.move", string="Open Invoices", compute="_compute_collections_amounts"
    )
    collections_event_ids = fields.One2many(
        "collections.event",
        "partner_id",
        string="Collections History",
        groups="collections_addon.group_collections_user",
    )
    collections_event_count = fields.Integer(
        compute="_compute_collections_event_count", groups="collections_addon.group_collections_user"
    )

    collections_is_notary = fields.Boolean(
        string="Notary Office",
        help="A notary's office (cartório de protesto) where overdue titles are protested; its state picks the "
        "protest rule.",
    )
    collections_protest_ids = fields.One2many(
        "collections.protest", "partner_id", string="Protests", groups="collections_addon.group_collections_user"
    )
    collections_protest_count = fields.Integer(
        compute="_compute_collections_protest_count", groups="collections_addon.group_collections_user"
    )
    # Stored and visible to every invoicing and sales user: the warning on new invoices reads it.
    collections_protested = fields.Boolean(
        string="Protested",
        compute="_compute_collections_protested",
        store=True,
        help="A title of this customer is protested at a notary and not settled yet.",
    )
    collections_protested_since = fields.Date(compute="_compute_collections_protested", store=True)

    def _collections_open_lines_domain(self, company):
        return [
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", company.id),
            *open_line_domain(),
        ]

    @api.depends_context("company")
    def _compute_collections_amounts(self):
        company = self.env.company
        today = company._collections_today()
        lines = self.env["account.move.line"]
        due, overdue, oldest, moves = {}, {}, {}, {}
        if self.commercial_partner_id.ids:
            domain = self._collections_open_lines_domain(company)
            for partner, amount, partner_moves in lines._read_group(
                domain, ["partner_id"], ["amount_residual:sum", "move_id:recordset"]
            ):
                due[partner.id] = amount
                moves[partner.id] = partner_moves
            overdue_domain = [*domain, ("date_maturity", "<", today)]
            for partner, amount, first_due in lines._read_group(
                overdue_domain, ["partner_id"], ["amount_residual:sum", "date_maturity:min"]
            ):
                overdue[partner.id] = amount
                oldest[partner.id] = first_due
        for partner in self:
            commercial_id = partner.commercial_partner_id.id
            partner.collections_currency_id = company.currency_id
            partner.collections_due_amount = due.get(commercial_id, 0.0)
            partner.collections_overdue_amount = overdue.get(commercial_id, 0.0)
            first_due = oldest.get(commercial_id)
            partner.collections_days_late = (today - first_due).days if first_due else 0
            partner.collections_open_move_ids = moves.get(commercial_id, self.env["account.move"])

    def _compute_collections_event_count(self):
        counts = dict(
            self.env["collections.event"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.collections_event_count = counts.get(partner, 0)

    def _compute_collections_protest_count(self):
        counts = dict(
            self.env["collections.protest"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.collections_protest_count = counts.get(partner, 0)

    @api.depends("collections_protest_ids.state", "collections_protest_ids.protest_date")
    def _compute_collections_protested(self):
        # sudo: the flag is public on the customer, the protests themselves are for collectors only.
        since = dict(
            self.env["collections.protest"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "protested")], ["partner_id"], ["protest_date:min"]
            )
        )
        # Most customers have none: set at once (a run's proposals recompute thousands).
        not_protested = self.filtered(lambda partner: partner not in since)
        not_protested.collections_protested = not_protested.collections_protested_since = False
        for partner in self - not_protested:
            partner.collections_protested = True
            partner.collections_protested_since = since[partner]

    def _collections_sync_protest_warning(self):
        """Keep the protest line of the sales warning (when Sales is installed) in step with the flag."""
        if "sale_warn_msg" not in self._fields:
            return
        # A language-independent mark finds our line again whatever language wrote it.
        marker = "\N{SCALES} "
        # Quotations read the warning of the contact they are addressed to: every contact of the customer.
        contacts = self.search([("commercial_partner_id", "in", self.commercial_partner_id.ids)])
        for partner in contacts:
            commercial = partner.commercial_partner_id
            lines = [line for line in (partner.sale_warn_msg or "").splitlines() if not line.startswith(marker)]
            if commercial.collections_protested:
                lines.insert(
                    0,
                    marker
                    + self.env._(
                        "Protested at a notary since %(date)s: ask Collections before selling on credit.",
                        date=format_date(self.env, commercial.collections_protested_since),
                    ),
                )
            text = "\n".join(lines) or False
            if text != (partner.sale_warn_msg or False):
                partner.sale_warn_msg = text

    def _collections_policy(self, company=None):
        """The plan this customer follows in ``company`` (its own, else the company's default)."""
        self.ensure_one()
        company = company or self.env.company
        partner = self.commercial_partner_id.with_company(company)
        return partner.collections_policy_id or self.env["collections.policy"].with_company(company)._default_for(
            company, partner.is_company
        )

    def write(self, vals):
        if "phone" in vals and "collections_phone_invalid" not in vals:
            # A corrected number is worth trying again; the sudo spares invoicing users the collector-only field.
            flagged = self.sudo().filtered("collections_phone_invalid")
            if flagged:
                flagged.collections_phone_invalid = False
        result = super().write(vals)
        self._collections_hold_pending(vals)
        self._collections_sync_holds(vals)
        if _STATUS_INPUTS & set(vals) and not self.env.context.get("collections_no_refresh"):
            self.env["collections.runner"]._refresh_partners(self.commercial_partner_id, self.env.company)
        return result

    def _collections_hold_pending(self, vals):
        """A pause (promise, dispute) or an exclusion also stops the contacts already queued."""
        today = self.env.company._collections_today()
        paused = vals.get("collections_paused_until") and fields.Date.to_date(vals["collections_paused_until"]) >= today
        if not (paused or vals.get("collections_excluded")):
            return
        reason = (
            self.env._("Cancelled: the follow-up of this customer is paused.")
            if paused
            else self.env._("Cancelled: the customer is excluded from follow-up.")
        )
        self.env["collections.event"]._cancel_pending(self.commercial_partner_id, self.env.company, reason)
