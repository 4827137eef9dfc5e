from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, format_date

from ..engine import AGREEMENT_BOOKED_STATES, predicted_pay_date
from ..engine.protest import TITLE_LOCKED_STATES
from ..engine.receivable import CLAIMABLE_MOVE_TYPES, RECEIVABLE_ACCOUNT_TYPE, is_open_invoice

# The invoice's follow-up fields kept in collections.move.level, by the column that holds them there.
_MOVE_LEVEL_COLUMNS = {"collections_level_id": "level_id", "collections_last_date": "last_date"}


class AccountMove(models.Model):
    _inherit = "account.move"

    # Kept in collections.move.level, which the run writes in bulk; searched, sorted and grouped as stored fields
    # are, on the column _field_to_sql reads.
    collections_level_id = fields.Many2one(
        "collections.level",
        string="Follow-up Level",
        compute="_compute_collections_move_level",
        search="_search_collections_level_id",
        help="The last follow-up step this invoice received.",
    )
    collections_last_date = fields.Date(
        string="Last Reminder",
        compute="_compute_collections_move_level",
        search="_search_collections_last_date",
        help="When this invoice was last part of a reminder.",
    )
    collections_event_ids = fields.Many2many(
        "collections.event",
        string="Reminders",
        compute="_compute_collections_event_ids",
        groups="collections_addon.group_collections_user",
    )

    # The interest invoice booking the late charges a payment collected, and the invoices they were charged on
    # (wizards/collections_book_charges.py): an invoice's charges are booked once, while that invoice is posted.
    collections_charged_move_ids = fields.Many2many(
        "account.move",
        "collections_charges_booked_rel",
        "charges_move_id",
        "invoice_id",
        string="Late Charges Of",
        copy=False,
        readonly=True,
        help="The invoices paid late whose charges this invoice books.",
    )
    collections_charges_move_ids = fields.Many2many(
        "account.move",
        "collections_charges_booked_rel",
        "invoice_id",
        "charges_move_id",
        string="Late Charges Booked On",
        copy=False,
        readonly=True,
    )

    collections_protest_ids = fields.One2many(
        "collections.protest", "move_id", string="Protests", groups="collections_addon.group_collections_user"
    )
    collections_protest_count = fields.Integer(
        compute="_compute_collections_protest_count", groups="collections_addon.group_collections_user"
    )
    collections_protest_warning = fields.Char(compute="_compute_collections_protest_warning")
    collections_settled_by_id = fields.Many2one(
        "collections.negotiation",
        string="Settled by Agreement",
        compute="_compute_collections_settled_by_id",
        compute_sudo=True,
        help="The payment agreement whose entry settled this invoice: its instalments are what is due now.",
    )
    collections_can_protest = fields.Boolean(
        string="Can Be Protested",
        compute="_compute_collections_can_protest",
        groups="collections_addon.group_collections_user",
        help="An overdue customer invoice of a company with a protest rule: the Protest button is offered.",
    )

    collections_predicted_pay_date = fields.Date(
        string="Predicted Pay Date",
        compute="_compute_collections_predicted_pay_date",
        groups="collections_addon.group_collections_user",
        help="When this open invoice will likely be paid: its due date plus the customer's typical days late "
        "in the invoice's company (from the payer score), never before today.",
    )

    @api.depends("move_type", "state", "payment_state", "invoice_date_due", "company_id", "commercial_partner_id")
    def _compute_collections_predicted_pay_date(self):
        open_moves = self.filtered(
            lambda move: (
                move.move_type in CLAIMABLE_MOVE_TYPES
                and move.invoice_date_due
                and is_open_invoice(move.state, move.payment_state)
            )
        )
        (self - open_moves).collections_predicted_pay_date = False
        # By company: the customers' typical days late of a company are read at once, not per invoice.
        for company in open_moves.company_id:
            moves = open_moves.filtered(lambda move, company=company: move.company_id == company)
            today = company._collections_today()
            for move in moves:
                customer = move.commercial_partner_id.with_company(company)
                move.collections_predicted_pay_date = predicted_pay_date(
                    move.invoice_date_due, customer.collections_typical_days_late or 0, today
                )

    def _compute_collections_protest_count(self):
        counts = dict(
            self.env["collections.protest"]._read_group([("move_id", "in", self.ids)], ["move_id"], ["__count"])
        )
        for move in self:
            move.collections_protest_count = counts.get(move, 0)

    @api.depends("move_type", "state", "payment_state", "company_id", "line_ids.date_maturity", "line_ids.reconciled")
    def _compute_collections_can_protest(self):
        # Customer invoices only, as the protest itself checks (engine.protest.eligibility_problem).
        candidates = self.filtered(
            lambda move: move.move_type == "out_invoice" and is_open_invoice(move.state, move.payment_state)
        )
        # One query for the whole batch: a list of invoices must not read the rules once per invoice.
        ruled = {
            company
            for [company] in self.env["collections.protest.rule"]._read_group(
                [("company_id", "in", candidates.company_id.ids)], ["company_id"]
            )
        }
        today_of = {company: company._collections_today() for company in ruled}
        for move in self:
            today = today_of.get(move.company_id) if move in candidates else None
            move.collections_can_protest = bool(today) and any(
                line.account_type == RECEIVABLE_ACCOUNT_TYPE
                and not line.reconciled
                and line.date_maturity
                and line.date_maturity < today
                for line in move.line_ids
            )

    @api.depends("partner_id.commercial_partner_id.collections_protested", "move_type")
    def _compute_collections_protest_warning(self):
        for move in self:
            partner = move.commercial_partner_id or move.partner_id.commercial_partner_id
            if move.move_type == "out_invoice" and partner.collections_protested:
                move.collections_protest_warning = self.env._(
                    "%(customer)s is protested at a notary since %(date)s: ask Collections before selling on credit.",
                    customer=partner.display_name,
                    date=format_date(self.env, partner.collections_protested_since),
                )
            else:
                move.collections_protest_warning = False

    def unlink(self):
        self._collections_free_protest_costs()
        return super().unlink()

    def button_draft(self):
        self._collections_check_not_at_notary()
        return super().button_draft()

    def button_cancel(self):
        self._collections_check_not_at_notary()
        return super().button_cancel()

    def _collections_check_not_at_notary(self):
        # sudo: an accountant without access to protests must still be stopped from voiding a protested title.
        protests = (
            self.env["collections.protest"]
            .sudo()
            .search(
                [
                    ("move_id", "in", self.ids),
                    ("state", "in", tuple(sorted(TITLE_LOCKED_STATES))),
                ]
            )
        )
        if protests:
            raise UserError(
                self.env._(
                    "%(invoices)s is at a notary (protest %(protests)s): withdraw or settle the protest before "
                    "changing or cancelling the invoice.",
                    invoices=", ".join(protests.move_id.mapped("name")),
                    protests=", ".join(protests.mapped("name")),
                )
            )

    def _collections_free_protest_costs(self):
        # sudo: whoever deletes a draft re-billing invoice (an accountant) frees its protest costs, even
        # without access to protests; written through the ORM so the protest's totals follow.
        costs = self.env["collections.protest.cost"].sudo().search([("rebill_move_id", "in", self.ids)])
        costs._internal_write({"rebill_move_id": False})

    def _compute_collections_settled_by_id(self):
        # sudo (compute_sudo): the invoice's readers (an accountant, the customer on the portal) see which
        # agreement settled it, not the agreement's terms.
        agreements = self.env["collections.negotiation"].search(
            [
                ("move_ids", "in", self._origin.ids),
                ("move_id", "!=", False),
                ("state", "in", AGREEMENT_BOOKED_STATES),
            ],
            order="id desc",
        )
        for move in self:
            move.collections_settled_by_id = agreements.filtered(
                lambda agreement, move=move: move._origin in agreement.move_ids
            )[:1]

    def _compute_collections_move_level(self):
        saved_ids = [move_id for move_id in self._origin.ids if move_id]
        # sudo: an invoice's follow-up level and last reminder are shown to whoever sees the invoice, as when
        # they were columns of it.
        rows = (
            self.env["collections.move.level"]
            .sudo()
            .search_fetch([("move_id", "in", saved_ids)], ["move_id", "level_id", "last_date"])
        )
        row_of = {row.move_id.id: row for row in rows}
        for move in self:
            row = row_of.get(move._origin.id)
            move.collections_level_id = row.level_id.id if row else False
            move.collections_last_date = row.last_date if row else False

    def _search_collections_level_id(self, operator, value):
        return self._collections_move_level_condition("collections_level_id", operator, value)

    def _search_collections_last_date(self, operator, value):
        return self._collections_move_level_condition("collections_last_date", operator, value)

    def _collections_move_level_condition(self, name, operator, value):
        """The condition as on a stored field (an invoice without a row has neither), on _field_to_sql's column."""
        field = self._fields[name]
        return Domain.custom(
            to_sql=lambda model, alias, query: field.condition_to_sql(name, operator, value, model, alias, query)
        )

    def _field_to_sql(self, alias, field_expr, query=None):
        column = _MOVE_LEVEL_COLUMNS.get(field_expr)
        if not column:
            return super()._field_to_sql(alias, field_expr, query)
        self._check_field_access(self._fields[field_expr], "read")
        # The table is read past its company rule, as the compute reads it (sudo): the invoice's own rules decide.
        MoveLevel = self.env["collections.move.level"]
        if query is None:
            return SQL(
                "(SELECT %s FROM collections_move_level WHERE move_id = %s)",
                SQL.identifier(column, to_flush=MoveLevel._fields[column]),
                SQL.identifier(alias, "id"),
            )
        level_alias = query.make_alias(alias, "collections_move_level")
        query.add_join(
            "LEFT JOIN",
            level_alias,
            "collections_move_level",
            SQL("%s = %s", SQL.identifier(level_alias, "move_id"), SQL.identifier(alias, "id")),
        )
        return SQL.identifier(level_alias, column, to_flush=MoveLevel._fields[column])

    def _compute_collections_event_ids(self):
        events = self.env["collections.event"].search([("move_ids", "in", self.ids)])
        for move in self:
            move.collections_event_ids = events.filtered(lambda event, move=move: move in event.move_ids)

    def action_collections_protest(self):
        """A draft protest of this overdue invoice, refused at once when it cannot be protested."""
        self.ensure_one()
        if not self.env["collections.protest.rule"].search_count([("company_id", "=", self.company_id.id)], limit=1):
            raise UserError(
                self.env._(
                    "%(company)s does not protest at notaries: no protest rule is set. A manager adds one in "
                    "Collections > Configuration > Protest Rules.",
                    company=self.company_id.name,
                )
            )
        protest = self.env["collections.protest"].create({"move_id": self.id})
        return {
            "type": "ir.actions.act_window",
            "res_model": "collections.protest",
            "res_id": protest.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_collections_protests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_protest_action")
        action["domain"] = [("move_id", "=", self.id)]
        action["context"] = {}
        return action

    def action_collections_negotiate(self):
        partners = self.commercial_partner_id
        if len(partners) != 1:
            raise UserError(self.env._("Select invoices of one customer to propose an agreement."))
        return self.env["collections.negotiation"]._action_new(partners, self)
