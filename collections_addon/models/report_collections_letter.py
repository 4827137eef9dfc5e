from markupsafe import Markup

from odoo import api, models
from odoo.tools import html2plaintext, plaintext2html


class ReportCollectionsLetter(models.AbstractModel):
    _name = "report.collections_addon.report_collections_letter"
    _description = "Collections: follow-up letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        events = self.env["collections.event"].browse(docids)
        return {"doc_ids": docids, "doc_model": "collections.event", "docs": events, "letters": self._letters(events)}

    @api.model
    def _letters(self, events):
        """{event id: {"body", "text", "sections", "open"}} as printed now.

        The paragraph and the invoice table both use what is open at printing time,
        so a partial payment since the run shows the same amount in both.
        """
        runner = self.env["collections.runner"]
        Script = self.env["collections.script"]
        letters = {}
        events.move_ids.fetch(["name", "invoice_date", "invoice_date_due", "date"])
        for company in events.company_id:
            company_events = events.filtered(lambda event, company=company: event.company_id == company)
            items = runner._open_items(company, company_events.partner_id)
            for event in company_events:
                partner = event.partner_id
                lines = [item for item in items.get(partner.id, []) if item.move_id in event.move_ids.ids]
                open_moves = event.move_ids.filtered(lambda move, lines=lines: move.id in {i.move_id for i in lines})
                script = event.level_id.letter_script_id
                template = event.level_id.mail_template_id
                body = Markup()
                if script and script.tone_state != "blocked":
                    values = Script._placeholder_values(
                        partner,
                        company,
                        open_moves,
                        company.currency_id.round(sum(item.company_amount for item in lines)),
                        event.user_id,
                    )
                    body = Markup(plaintext2html(script._render_body({partner.id: values})[partner.id]))
                elif template:
                    body = template.with_context(lang=partner.lang)._render_field(
                        "body_html", partner.ids, compute_lang=True
                    )[partner.id]
                letters[event.id] = {
                    "body": body,
                    "text": html2plaintext(body) if body else "",
                    "sections": runner._invoice_sections(lines, event.move_ids.ids, partner.lang),
                    "open": bool(lines),
                }
        return letters
