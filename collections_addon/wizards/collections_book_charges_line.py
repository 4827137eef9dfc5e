from odoo import fields, models


class CollectionsBookChargesLine(models.TransientModel):
    """One invoice paid late in the Book Late Charges wizard: what was paid late and its charges, itemised."""

    _name = "collections.book.charges.line"
    _description = "Collections: an invoice paid late and its charges"
    _order = "paid_date, id"

    wizard_id = fields.Many2one("collections.book.charges", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="wizard_id.currency_id")
    book = fields.Boolean(default=True, help="Book the charges of this invoice.")
    move_id = fields.Many2one("account.move", string="Invoice", required=True, readonly=True)
    invoice_date_due = fields.Date(related="move_id.invoice_date_due", string="Due On")
    paid_date = fields.Date(string="Paid On", readonly=True, help="The last day it was paid late.")
    days_late = fields.Integer(readonly=True)
    principal = fields.Monetary(string="Paid Late", readonly=True, help="What was paid after the due date.")
    fine = fields.Monetary(readonly=True)
    interest = fields.Monetary(readonly=True)
    correction = fields.Monetary(string="Correction", readonly=True)
    total = fields.Monetary(string="Charges", compute="_compute_total")

    def _compute_total(self):
        for line in self:
            line.total = line.fine + line.interest + line.correction
