from odoo import api, fields, models
from odoo.tools import html2plaintext


class MailTemplate(models.Model):
    _inherit = "mail.template"

    collections_tone_report = fields.Html(
        string="Tone Check", compute="_compute_collections_tone_report", sanitize=False
    )

    @api.depends("body_html", "model")
    @api.depends_context("lang")
    def _compute_collections_tone_report(self):
        Script = self.env["collections.script"]
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for template in self:
            if template.model != "res.partner" or not template.body_html:
                template.collections_tone_report = False
                continue
            # Every language the template is sent in, each with its own words (as for scripts).
            texts = {
                lang: html2plaintext(template.with_context(lang=lang).body_html or "")
                for lang in dict.fromkeys([self.env.lang or "en_US", *langs])
            }
            template.collections_tone_report = Script._tone_report_html(Script._check_tone_texts(texts))
