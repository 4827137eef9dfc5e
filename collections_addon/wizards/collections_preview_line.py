from odoo import fields, models


class CollectionsPreviewLine(models.TransientModel):
    _name = "collections.preview.line"
    _description = "Collections: preview line"
    _order = "action, amount desc"

    preview_id = fields.Many2one("collections.preview", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="preview_id.company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    level_id = fields.Many2one("collections.level", string="Level", readonly=True)
    action = fields.Selection(
        [("contact", "Contact"), ("worklist", "To worklist"), ("skip", "Held back")], readonly=True
    )
    channels = fields.Char(readonly=True)
    missing = fields.Char(string="Missing Contact", readonly=True)
    reason = fields.Char(readonly=True)
    recipients = fields.Char(
        string="E-mail To",
        readonly=True,
        help="Who receives the e-mail, why (collections contact, invoice address or the customer) and in which "
        "language: one e-mail per language.",
    )
    phone_recipient = fields.Char(
        string="Number Used",
        readonly=True,
        help="The number the SMS, WhatsApp message or call uses, whose it is (the first collections contact with a "
        "number, else the customer) and the language the message is written in.",
    )
    catch_up = fields.Char(
        string="Catch-up",
        readonly=True,
        help="A customer new to the plan with an old debt: the plan's catch-up names the first step (the level it "
        "starts at and the levels skipped, or a statement asking the customer to contact us).",
    )
    amount = fields.Monetary(
        string="Amount Claimed",
        currency_field="currency_id",
        readonly=True,
        help="What the step asks the customer to pay: the overdue total (before the due date, what comes due).",
    )
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    days_late = fields.Integer(readonly=True)
    next_date = fields.Date(string="Next Action", readonly=True)
