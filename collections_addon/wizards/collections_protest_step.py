from odoo import api, fields, models

from ..engine import PROTEST_ACTIONS
from ..models.collections_protest import SEND_MEANS_SELECTION

# The steps are the engine's (engine/protest.py TRANSITIONS); only their labels live here.
_ACTION_LABELS = {
    "send": "Send to the notary",
    "protocol": "Protocol",
    "notify": "Debtor notified",
    "pay": "Paid at the notary",
    "withdraw": "Withdraw",
    "suspend": "Suspend by court order",
    "protest": "Protested",
    "settle": "Settle",
    "cancel": "Cancelled at the notary",
}


class CollectionsProtestStep(models.TransientModel):
    _name = "collections.protest.step"
    _description = "Notary Protest Step"

    protest_id = fields.Many2one("collections.protest", required=True, ondelete="cascade")
    action = fields.Selection(
        [(action, _ACTION_LABELS[action]) for action in PROTEST_ACTIONS],
        string="Step",
        required=True,
    )
    company_id = fields.Many2one(related="protest_id.company_id")
    currency_id = fields.Many2one(related="protest_id.currency_id")
    move_id = fields.Many2one(related="protest_id.move_id")
    deadline_date = fields.Date(related="protest_id.deadline_date")
    date = fields.Date(
        required=True,
        compute="_compute_date",
        store=True,
        readonly=False,
        precompute=True,
        help="When it happened, as a day of the company (its time zone), whoever records it and from wherever.",
    )
    send_means = fields.Selection(
        SEND_MEANS_SELECTION,
        string="Sent Through",
        default="bank",
    )
    protocol_number = fields.Char()
    amount_open = fields.Monetary(
        string="Open on the Invoice", compute="_compute_amount_open", currency_field="currency_id"
    )
    amount_received = fields.Monetary(
        string="Passed On by the Notary",
        currency_field="currency_id",
        compute="_compute_amount_received",
        store=True,
        readonly=False,
    )
    retained_costs = fields.Monetary(
        string="Fees Retained by the Notary",
        currency_field="currency_id",
        help="Fees the notary kept out of the payment; they are booked on the protest cost account.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        string="Received In",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', company_id)]",
        compute="_compute_journal_id",
        store=True,
        readonly=False,
    )
    court_order_reference = fields.Char(string="Court Case Number")
    court_order_file = fields.Binary(string="Court Order")
    court_order_filename = fields.Char()
    note = fields.Text(help="Logged on the protest with the step.")

    @api.depends("protest_id")
    def _compute_date(self):
        # The steps are checked against the company's day (not in the future, not before the previous step):
        # the user's own day would be refused, or accepted a day early, around midnight.
        for step in self:
            if not step.date:
                step.date = (step.protest_id.company_id or self.env.company)._collections_today()

    @api.depends("protest_id")
    def _compute_amount_open(self):
        for step in self:
            step.amount_open = step.protest_id._open_amount() if step.protest_id else 0.0

    @api.depends("protest_id", "retained_costs")
    def _compute_amount_received(self):
        for step in self:
            open_amount = step.protest_id._open_amount() if step.protest_id else 0.0
            step.amount_received = open_amount - (step.retained_costs or 0.0)

    @api.depends("company_id")
    def _compute_journal_id(self):
        for step in self:
            step.journal_id = step.company_id.collections_protest_journal_id or self.env["account.journal"].search(
                [("type", "=", "bank"), ("company_id", "=", step.company_id.id)], limit=1
            )

    def action_confirm(self):
        self.ensure_one()
        self.protest_id._do_step(
            self.action,
            self.date,
            {
                "send_means": self.send_means,
                "protocol_number": self.protocol_number,
                "amount_received": self.amount_received,
                "retained_costs": self.retained_costs,
                "journal_id": self.journal_id.id,
                "court_order_reference": self.court_order_reference,
                "court_order_file": self.court_order_file,
                "court_order_filename": self.court_order_filename,
                "note": self.note,
            },
        )
        return {"type": "ir.actions.act_window_close"}
