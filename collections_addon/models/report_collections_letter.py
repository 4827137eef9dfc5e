from markupsafe import Markup

from odoo import api, models
from odoo.tools import html2plaintext, plaintext2html

from ..engine import check_tone, claimed_items


class ReportCollectionsLetter(models.AbstractModel):
    _name = "report.collections_addon.report_collections_letter"
    _description = "Collections: follow-up letter"

    @api.model
    def _get_report_values(self, docids, data=None):
        events = self.env["collections.event"].browse(docids)
        return {"doc_ids": docids, "doc_model": "collections.event", "docs": events, "letters": self._letters(events)}

    @api.model
    def _letters(self, events):
        """{event id: what its letter says} as printed now.

        The paragraph, the amount it claims and the invoice table all use what is open at printing
        time, so a partial payment since the run shows the same amount everywhere. A letter is
        dated the day it is printed, titled for the customer (never the internal level name), opens
        with a greeting and ends with a closing and a signature, unless its text is an e-mail
        template's, which carries its own.
        """
        runner = self.env["collections.runner"]
        letters = {}
        events.move_ids.fetch(["name", "invoice_date", "invoice_date_due", "date", "access_token"])
        greeting_terms = {}
        for company in events.company_id:
            company_events = events.filtered(lambda event, company=company: event.company_id == company)
            items = runner._open_items(company, company_events.partner_id)
            today = company._collections_today()
            lines_of, claimed_of, claimed_moves_of = {}, {}, {}
            for event in company_events:
                lines = [item for item in items.get(event.partner_id.id, []) if item.move_id in event.move_ids.ids]
                lines_of[event.id], claimed_of[event.id] = lines, claimed_items(lines, today)
                claimed_ids = {item.move_id for item in claimed_of[event.id]}
                claimed_moves_of[event.id] = event.move_ids.filtered(lambda move, ids=claimed_ids: move.id in ids)
            # In bulk for the batch: the payment boxes, and the access tokens of the short links.
            pay_nows = self.env["collections.pay.now"]._pay_now(company, claimed_moves_of, today, embed_qr=True)
            linked = self.env["account.move"].union(*(self._oldest(moves) for moves in claimed_moves_of.values()))
            self.env["collections.script"]._ensure_access_tokens(linked)
            # sudo: as in _letter_link, the link carries part of the token.
            linked.sudo().fetch(["access_token"])
            for event in company_events:
                claimed = (claimed_of[event.id], claimed_moves_of[event.id], pay_nows.get(event.id))
                letters[event.id] = self._letter(event, lines_of[event.id], today, greeting_terms, claimed)
        return letters

    @api.model
    def _letter(self, event, lines, today, greeting_terms, claimed):
        """What the letter of ``event`` says, from its invoices' open ``lines`` and what it ``claims`` (the
        claimed items, their invoices and how to pay them); ``greeting_terms`` caches the tone check's words
        per language."""
        partner = event.partner_id
        lang = partner.lang or self.env.lang or "en_US"
        claimed, claimed_moves, pay_now = claimed
        level = event.level_id.with_context(lang=lang)
        PayNow = self.env["collections.pay.now"]
        body, whole_message = self._letter_body(event, level, claimed, claimed_moves, pay_now or False)
        text = html2plaintext(body) if body else ""
        if lang not in greeting_terms:
            greeting_terms[lang] = self.env["collections.tone.term"]._engine_terms(lang)
        opens_with_greeting = bool(text) and not any(
            finding.code == "no_greeting" for finding in check_tone(text, greeting_terms[lang])
        )
        # The collector signs; a letter queued by the system (OdooBot) is signed by the company alone.
        user = event.user_id
        signer = user if user and user._is_internal() and not user._is_superuser() else None
        return {
            "date": today,
            "title": level._customer_title() if level else "",
            "greeting": not whole_message and not opens_with_greeting,
            "body": body,
            "text": text,
            "sections": self.env["collections.channel"]._invoice_sections(
                lines, event.move_ids.ids, partner.lang, today
            ),
            "link": self._letter_link(claimed_moves),
            # Paper has no button: the short link above stands for the online payment.
            "pay": dict(PayNow._pay_block(pay_now, lang) or {}, link=""),
            "closing": not whole_message,
            "signer": signer.name if signer else "",
            "open": bool(lines),
        }

    @api.model
    def _letter_body(self, event, level, claimed, claimed_moves, pay_now=None):
        """(body, whole message): the level's letter paragraph, else its e-mail template's text (a whole
        message, with its own greeting and closing), else nothing (the report's standard wording)."""
        partner, company = event.partner_id, event.company_id
        # The contact's A/B test variant's texts, else the level's.
        script = event.variant_id.letter_script_id or level.letter_script_id
        template = event.variant_id.mail_template_id or level.mail_template_id
        if script and script.tone_state != "blocked":
            Script = self.env["collections.script"]
            values = Script._placeholder_values(
                partner,
                company,
                claimed_moves,
                company.currency_id.round(sum(item.company_amount for item in claimed)),
                event.user_id,
                short_link=True,
                pay_now=pay_now,
            )
            return Markup(plaintext2html(script._render_body({partner.id: values})[partner.id])), False
        if template:
            body = template.with_context(lang=partner.lang)._render_field("body_html", partner.ids, compute_lang=True)
            return body[partner.id], True
        return Markup(), False

    @api.model
    def _oldest(self, moves):
        return moves.sorted(lambda move: (move.invoice_date_due or move.date, move.id))[:1]

    @api.model
    def _letter_link(self, claimed_moves):
        """The short payment link of the oldest invoice claimed ("" when none is)."""
        oldest = self._oldest(claimed_moves)
        if not oldest:
            return ""
        Script = self.env["collections.script"]
        Script._ensure_access_tokens(oldest)
        # sudo: the link carries part of the invoice's access token, which collectors may not read.
        return Script._short_payment_url(oldest.sudo())
