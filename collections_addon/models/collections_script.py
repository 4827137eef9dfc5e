import hashlib
import re
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import check_tone

SCRIPT_CHANNELS = [("call", "Call script"), ("whatsapp", "WhatsApp"), ("sms", "SMS"), ("letter", "Letter paragraph")]

# Placeholders every script body may use.
PLACEHOLDERS = (
    "customer",
    "month",
    "invoices",
    "amount",
    "due_dates",
    "payment_link",
    "company",
    "collector",
)
_PLACEHOLDER = re.compile(r"\{\{\s*(" + "|".join(PLACEHOLDERS) + r")\s*\}\}")

# The short payment link of printed letters: /pay/<invoice id>/<these first hex digits of its portal token>.
# 48 random bits per invoice: the link can be typed from paper and still cannot be guessed.
PAY_LINK_CODE_LENGTH = 12


def pay_link_code(access_token):
    """The code of an invoice's short payment link, taken from its portal access token."""
    return (access_token or "").replace("-", "")[:PAY_LINK_CODE_LENGTH]


class CollectionsScript(models.Model):
    _name = "collections.script"
    _inherit = ["mail.render.mixin"]
    _description = "Collections Script"
    _order = "channel, partner_kind, sequence, id"
    # Like mail.template: only template editors may save dynamic placeholders, so rendering is trusted.
    _unrestricted_rendering = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", index=True, help="Empty: the script is shared by every company.", ondelete="cascade"
    )
    channel = fields.Selection(SCRIPT_CHANNELS, required=True, default="call")
    partner_kind = fields.Selection(
        [("any", "Any customer"), ("person", "Individuals"), ("company", "Companies")],
        string="Customer Kind",
        required=True,
        default="any",
    )
    level_id = fields.Many2one(
        "collections.level",
        string="Written for Level",
        index="btree_not_null",
        ondelete="set null",
        help="The follow-up step this text was written for (phrase library).",
    )
    body = fields.Text(
        translate=True,
        render_engine="inline_template",
        help="Plain text. Placeholders: {{ customer }}, {{ month }}, {{ invoices }}, {{ amount }}, "
        "{{ due_dates }}, {{ payment_link }}, {{ company }}, {{ collector }}.",
    )
    lang = fields.Char(default="{{ object.lang }}")
    whatsapp_template_name = fields.Char(
        string="WhatsApp Template",
        help="Name of the message template approved in WhatsApp Manager; its body should match this text.",
    )
    whatsapp_language = fields.Char(
        string="Template Language",
        help="Language code of the approved template (e.g. pt_BR, en_US). Empty: the customer's language.",
    )
    whatsapp_parameters = fields.Text(
        string="Template Parameters",
        help="One placeholder per line, in the order of the template's {{1}}, {{2}}, … variables, e.g. {{ customer }}.",
    )
    level_ids = fields.Many2many("collections.level", compute="_compute_level_ids", string="Used by Levels")
    tone_report = fields.Html(compute="_compute_tone", sanitize=False, string="Tone Check")
    tone_state = fields.Selection(
        [("ok", "Fine"), ("warning", "Warnings"), ("blocked", "Blocked"), ("accepted", "Accepted by a manager")],
        compute="_compute_tone",
    )
    tone_accepted_digest = fields.Char(copy=False, readonly=True)
    tone_accepted_reason = fields.Text(string="Acceptance Reason", copy=False, readonly=True)
    tone_accepted_by_id = fields.Many2one("res.users", string="Accepted by", copy=False, readonly=True)
    tone_accepted_date = fields.Datetime(string="Accepted on", copy=False, readonly=True)

    def _compute_render_model(self):
        self.render_model = "res.partner"

    def _compute_level_ids(self):
        Level = self.env["collections.level"]
        for script in self:
            script.level_ids = Level.search(
                [
                    "|",
                    "|",
                    "|",
                    ("call_script_id", "=", script.id),
                    ("sms_script_id", "=", script.id),
                    ("whatsapp_script_id", "=", script.id),
                    ("letter_script_id", "=", script.id),
                ]
            )

    @api.depends("body", "channel", "tone_accepted_digest")
    @api.depends_context("lang")
    def _compute_tone(self):
        for script in self:
            findings = script._tone_findings()
            blocking = any(finding.blocking for _lang, finding in findings)
            if blocking and script.tone_accepted_digest and script.tone_accepted_digest == script._tone_digest():
                script.tone_state = "accepted"
            elif blocking:
                script.tone_state = "blocked"
            else:
                script.tone_state = "warning" if findings else "ok"
            script.tone_report = self._tone_report_html(findings)

    # ------------------------------------------------------------------
    # Tone check
    # ------------------------------------------------------------------

    def _body_translations(self):
        """{lang code: body} for every installed language that has text."""
        self.ensure_one()
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        texts = {}
        for code in langs:
            text = self.with_context(lang=code).body
            if text and text.strip():
                texts[code] = text
        return texts

    def _tone_findings(self):
        """[(lang, ToneFinding)] over every translation of the body."""
        self.ensure_one()
        Terms = self.env["collections.tone.term"]
        findings = []
        seen = set()
        for lang, text in self._body_translations().items():
            if text in seen:
                continue  # an untranslated language shows the source text: check it once
            seen.add(text)
            for finding in check_tone(text, Terms._engine_terms(lang), require_greeting=self.channel != "letter"):
                findings.append((lang, finding))
        return findings

    def _tone_digest(self):
        self.ensure_one()
        texts = self._body_translations()
        return hashlib.sha256(repr(sorted(texts.items())).encode()).hexdigest()

    @api.model
    def _tone_report_html(self, findings):
        if not findings:
            return False
        labels = self._tone_labels()
        rows = Markup().join(
            Markup("<li class='%s'><b>%s</b> (%s): “%s”</li>")
            % (
                "text-danger" if finding.blocking else "text-warning",
                labels.get(finding.code, finding.code),
                lang,
                finding.excerpt,
            )
            for lang, finding in findings
        )
        return Markup("<ul class='mb-0'>%s</ul>") % rows

    @api.model
    def _tone_labels(self):
        return {
            "aggressive": self.env._("Aggressive wording"),
            "threat": self.env._("Threat or public exposure"),
            "humiliating": self.env._("Humiliating wording"),
            "jargon": self.env._("Jargon the customer may not follow"),
            "shouting": self.env._("Shouting in capitals"),
            "punctuation": self.env._("Excessive punctuation"),
            "no_greeting": self.env._("No greeting at the start"),
        }

    def _check_usable(self):
        """Refuse a script whose wording is blocked by the tone check and not accepted by a manager."""
        for script in self:
            if script.tone_state == "blocked":
                raise ValidationError(
                    self.env._(
                        "The script '%(script)s' has wording the tone check blocks (%(findings)s): rephrase it, "
                        "or ask a collections manager to accept it with a reason (button 'Accept wording').",
                        script=script.display_name,
                        findings=", ".join(
                            sorted(
                                {
                                    self._tone_labels()[finding.code]
                                    for _lang, finding in script._tone_findings()
                                    if finding.blocking
                                }
                            )
                        ),
                    )
                )

    def action_accept_tone(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Accept wording"),
            "res_model": "collections.tone.accept",
            "view_mode": "form",
            "target": "new",
            "context": {"default_script_id": self.id},
        }

    def _accept_tone(self, reason):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise UserError(self.env._("Only a collections manager can accept wording the tone check blocks."))
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason why this wording is acceptable."))
        for script in self:
            # sudo: only the acceptance stamp changes, not the text, so template-editor rights do not apply.
            script.sudo().write(
                {
                    "tone_accepted_digest": script._tone_digest(),
                    "tone_accepted_reason": reason.strip(),
                    "tone_accepted_by_id": self.env.user.id,
                    "tone_accepted_date": fields.Datetime.now(),
                }
            )

    # ------------------------------------------------------------------
    # Rendering
    # ------------------------------------------------------------------

    def _render_body(self, values_by_partner, field_name="body", keep_lines=False):
        """Render ``field_name`` for each customer with its placeholder values.

        ``values_by_partner``: {partner id: {placeholder: text}} as built by
        :meth:`_placeholder_values`. Returns {partner id: text} in each customer's language.
        One rendering per language: the placeholders are read from a per-customer table.
        """
        self.ensure_one()
        self._check_usable()
        partners = self.env["res.partner"].browse(list(values_by_partner))
        by_lang = defaultdict(list)
        for partner in partners:
            by_lang[partner.lang or self.env.lang or "en_US"].append(partner.id)
        results = {}
        for lang, partner_ids in by_lang.items():
            source = self.with_context(lang=lang)[field_name] or ""
            source = _PLACEHOLDER.sub(
                lambda match: "{{ collections_values[object.id][" + repr(match.group(1)) + "] }}", source
            )
            rendered = self.with_context(lang=lang)._render_template(
                source,
                "res.partner",
                partner_ids,
                engine="inline_template",
                add_context={"collections_values": values_by_partner},
            )
            for partner_id in partner_ids:
                text = rendered.get(partner_id) or ""
                results[partner_id] = text if keep_lines else text.strip()
        return results

    def _render_whatsapp_parameters(self, values_by_partner):
        """{partner id: [parameter, …]} from the template parameter lines."""
        self.ensure_one()
        if not (self.whatsapp_parameters or "").strip():
            return {partner_id: [] for partner_id in values_by_partner}
        line_count = len(self.whatsapp_parameters.rstrip("\n").split("\n"))
        rendered = self._render_body(values_by_partner, field_name="whatsapp_parameters", keep_lines=True)
        # One line per parameter; a line rendered empty still holds its place (the template expects it).
        parameters = {}
        for partner_id, text in rendered.items():
            # Rendering keeps the source's line breaks: line i is parameter i.
            lines = text.split("\n")
            lines += [""] * (line_count - len(lines))
            parameters[partner_id] = [line.strip() or "-" for line in lines[:line_count]]
        return parameters

    @api.model
    def _placeholder_values(self, partner, company, moves, amount, collector, short_link=False):
        """Placeholder values for one customer, formatted in its language.

        ``moves``: the overdue invoices concerned; ``amount``: their total in company currency.
        ``short_link``: the payment link is the short one, for paper (a portal URL with its token
        is about a hundred characters nobody types from a letter).
        """
        lang = partner.lang or self.env.lang or "en_US"
        moves = moves.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
        # A slice would prefetch alone: keep the batch's prefetch for the link below.
        oldest = moves[:1].with_prefetch(moves._prefetch_ids)
        due_dates = []
        for move in moves:
            due = tools.format_date(self.env, move.invoice_date_due or move.date, lang_code=lang)
            if due not in due_dates:
                due_dates.append(due)
        month = ""
        if oldest:
            month = tools.format_date(
                self.env,
                oldest.invoice_date or oldest.invoice_date_due or oldest.date,
                lang_code=lang,
                date_format="MMMM y",
            )
        payment_link = ""
        if oldest:
            self._ensure_access_tokens(oldest)
            # sudo: the link carries the invoice's access token, which the collector may not read.
            move_sudo = oldest.sudo()
            if short_link:
                payment_link = self._short_payment_url(move_sudo)
            else:
                payment_link = move_sudo.get_base_url() + move_sudo.get_portal_url()
        return {
            "customer": partner.name or "",
            "month": month,
            "invoices": ", ".join(moves.mapped("name")),
            "amount": tools.format_amount(self.env, amount, company.currency_id, lang_code=lang),
            "due_dates": ", ".join(due_dates),
            "payment_link": payment_link,
            "company": company.name or "",
            "collector": collector.name or "",
        }

    @api.model
    def _short_payment_url(self, move_sudo):
        """The short link to the invoice's portal page (see the ``/pay`` route); its token must exist."""
        return f"{move_sudo.get_base_url()}/pay/{move_sudo.id}/{pay_link_code(move_sudo.access_token)}"

    @api.model
    def _ensure_access_tokens(self, moves):
        """Give portal access tokens to the invoices that have none, in one statement.

        ``get_portal_url`` would write them one by one, and an ORM write on a posted
        invoice re-synchronises its lines: far too slow for a run's batch.
        """
        moves = moves.sudo()
        missing = moves.filtered(lambda move: not move.access_token)
        if not missing:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET access_token = gen_random_uuid()::text "
                "WHERE id IN %s AND access_token IS NULL",
                tuple(missing.ids),
            )
        )
        missing.invalidate_recordset(["access_token"])

    @api.model
    def _placeholder_values_for_partners(self, partners, company, collector=None):
        """Placeholder values for customers from their current overdue invoices (worklist, wizards)."""
        partners = partners.with_company(company)
        today = fields.Date.context_today(self)
        lines = self.env["account.move.line"].search_fetch(
            [
                ("partner_id", "in", partners.commercial_partner_id.ids),
                ("company_id", "=", company.id),
                ("account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", ">", 0),
            ],
            ["move_id", "partner_id", "amount_residual", "date_maturity"],
        )
        values = {}
        for partner in partners:
            own = lines.filtered(lambda line, p=partner: line.partner_id == p.commercial_partner_id)
            overdue = own.filtered(lambda line: (line.date_maturity or today) < today) or own
            values[partner.id] = self._placeholder_values(
                partner,
                company,
                overdue.move_id,
                sum(overdue.mapped("amount_residual")),
                collector or partner.collections_responsible_id or self.env.user,
            )
        return values
