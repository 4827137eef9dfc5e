from odoo import api, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    @api.model
    def _collections_dialog(self, records, template_xmlid, name=None, mode="comment", **context):
        """Odoo's composer on ``records`` with the addon's template ``template_xmlid``: the dialog every *Send*
        button of the addon opens (agreement, statement, release letter), so they all behave the same;
        ``context`` adds keys (``force_email``, ``default_attachment_ids``...)."""
        action = {
            "type": "ir.actions.act_window",
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": records._name,
                "default_res_ids": records.ids,
                "default_template_id": self.env.ref(template_xmlid).id,
                "default_composition_mode": mode,
                **context,
            },
        }
        if name:
            action["name"] = name
        return action
