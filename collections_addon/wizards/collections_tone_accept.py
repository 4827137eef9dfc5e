from odoo import fields, models


class CollectionsToneAccept(models.TransientModel):
    _name = "collections.tone.accept"
    _description = "Collections: accept wording flagged by the tone check"

    script_id = fields.Many2one("collections.script", required=True, readonly=True, ondelete="cascade")
    tone_report = fields.Html(related="script_id.tone_report")
    reason = fields.Text(required=True, help="Why this wording is acceptable; kept on the script.")

    def action_accept(self):
        self.ensure_one()
        self.script_id._accept_tone(self.reason)
        return {"type": "ir.actions.act_window_close"}
