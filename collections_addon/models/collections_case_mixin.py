from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import ANSWER_SOURCES
from ..engine.receivable import CLAIMABLE_MOVE_TYPES, is_open_invoice, open_invoice_domain_text

# The customer's invoices a case may cover: its own (or its contacts'), still owing money.
OPEN_INVOICES_OF_THE_CUSTOMER = open_invoice_domain_text(prefix="('partner_id', 'child_of', partner_id)")
OPEN_CLAIMS_OF_THE_CUSTOMER = open_invoice_domain_text(
    CLAIMABLE_MOVE_TYPES, prefix="('partner_id', 'child_of', partner_id)"
)

# Where a promise or a dispute was recorded.
_SOURCE_LABELS = {"collector": "Collector", "call": "Call", "portal": "Customer portal"}
ANSWER_SOURCE_SELECTION = [(code, _SOURCE_LABELS[code]) for code in ANSWER_SOURCES]


class CollectionsCaseMixin(models.AbstractModel):
    """What a customer's case is about: the customer, the company and some of the customer's invoices.

    Shared by agreements, promises and disputes (and protests, whose customer follows their invoice). A model
    may narrow ``move_ids`` (its own relation table, domain or ``required``) by redefining the field with those
    keywords only; it words the refusal of another customer's invoices in ``_case_foreign_error``.
    """

    _name = "collections.case.mixin"
    _description = "Collections: a customer's case on some of its invoices"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, tracking=True, check_company=True
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company, readonly=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move", string="Invoices", check_company=True, domain=OPEN_INVOICES_OF_THE_CUSTOMER
    )

    @api.model
    def _valid_field_parameter(self, field, name):
        # Tracked by the models' chatter (every case inherits mail.thread), not by this mixin.
        return name == "tracking" or super()._valid_field_parameter(field, name)

    def _case_foreign_moves(self):
        """The invoices of the case that belong to another customer."""
        self.ensure_one()
        partner = self.partner_id.commercial_partner_id
        return self.move_ids.filtered(lambda move: move.commercial_partner_id != partner)

    def _case_closed_moves(self):
        """The invoices of the case that no longer owe money (paid, draft or cancelled)."""
        self.ensure_one()
        return self.move_ids.filtered(lambda move: not is_open_invoice(move.state, move.payment_state))

    @api.constrains("partner_id", "move_ids")
    def _check_case_customer(self):
        for case in self:
            foreign = case._case_foreign_moves()
            if foreign:
                raise ValidationError(case._case_foreign_error(foreign))

    def _case_foreign_error(self, foreign):
        return self.env._(
            "The invoices %(invoices)s belong to another customer: remove them, or choose their customer.",
            invoices=", ".join(foreign.mapped("name")),
        )
