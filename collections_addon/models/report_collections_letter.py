from markupsafe import Markup

from odoo import api, models
from odoo.tools import plaintext2html


class ReportCollectionsLetter(models.AbstractModel):
    _name = "report.collections_addon.report_collections_letter"
    _description = "Collections: follow-up letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        events = self.env["collections.event"].browse(docids)
        runner = self.env["collections.runner"]
        letters = {}
        events.move_ids.fetch(["name", "invoice_date"])
        for company in events.company_id:
            company_events = events.filtered(lambda event, company=company: event.company_id == company)
            items = runner._open_items(company, company_events.partner_id)
            for event in company_events:
                lines = [item for item in items.get(event.partner_id.id, []) if item.move_id in event.move_ids.ids]
                template = event.level_id.mail_template_id
                script = event.level_id.letter_script_id
                body = Markup()
                if script and script.tone_state != "blocked":
                    values = {
                        event.partner_id.id: self.env["collections.script"]._placeholder_values(
                            event.partner_id, company, event.move_ids, event.amount_due, event.user_id
                        )
                    }
                    body = Markup(plaintext2html(script._render_body(values)[event.partner_id.id]))
                elif template:
                    body = template.with_context(lang=event.partner_id.lang)._render_field(
                        "body_html", event.partner_id.ids, compute_lang=True
                    )[event.partner_id.id]
                letters[event.id] = {
                    "body": body,
                    "sections": runner._invoice_sections(lines, event.move_ids.ids, event.partner_id.lang),
                }
        return {"doc_ids": docids, "doc_model": "collections.event", "docs": events, "letters": letters}
