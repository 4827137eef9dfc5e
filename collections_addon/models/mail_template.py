from odoo import api, fields, models
from odoo.tools import html2plaintext

from ..engine import check_tone


class MailTemplate(models.Model):
    _inherit = "mail.template"

    collections_tone_report = fields.Html(
        string="Tone Check", compute="_compute_collections_tone_report", sanitize=False
    )

    @api.depends("body_html", "model")
    @api.depends_context("lang")
    def _compute_collections_tone_report(self):
        Script = self.env["collections.script"]
        Terms = self.env["collections.tone.term"]
        lang = self.env.lang or "en_US"
        for template in self:
            if template.model != "res.partner" or not template.body_html:
                template.collections_tone_report = False
                continue
            text = html2plaintext(template.body_html)
            findings = [(lang, finding) for finding in check_tone(text, Terms._engine_terms(lang))]
            template.collections_tone_report = Script._tone_report_html(findings)
