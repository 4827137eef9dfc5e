import hashlib
import re
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from ..engine import check_translations, claimable_items
from ..engine.pay_now import pay_code_for_text
from ..engine.tone import TONE_STATES, tone_state

SCRIPT_CHANNELS = [("call", "Call script"), ("whatsapp", "WhatsApp"), ("sms", "SMS"), ("letter", "Letter paragraph")]
_TONE_STATE_LABELS = {"ok": "Fine", "warning": "Warnings", "blocked": "Blocked", "accepted": "Accepted by a manager"}

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
    "pay_code",
    "amount_due_now",
    "charges",
)
# Values a script's text cannot name: how {{ pay_code }} is fitted to a text message's length after rendering.
_PAY_QR_TEXT = "_pay_qr_text"
_PAY_LINK = "_pay_link"
_PAY_SHORT_LINK = "_pay_short_link"
# Stands for {{ pay_code }} while a text is rendered for a channel with a length limit; no customer data has it.
_PAY_CODE_MARK = "@@collections-pay-code@@"
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
        '{{ due_dates }}, {{ payment_link }}, {{ company }}, {{ collector }}, {{ pay_code }} (the Pix "copia e '
        'cola", else the payment link), {{ amount_due_now }} (what the QR code and the link ask), {{ charges }} '
        "(fine, interest and correction, when the charges profile shows them).",
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
    tone_state = fields.Selection([(code, _TONE_STATE_LABELS[code]) for code in TONE_STATES], compute="_compute_tone")
    tone_accepted_digest = fields.Char(copy=False, readonly=True)
    tone_accepted_reason = fields.Text(string="Acceptance Reason", copy=False, readonly=True)
    tone_accepted_by_id = fields.Many2one("res.users", string="Accepted by", copy=False, readonly=True)
    tone_accepted_date = fields.Datetime(string="Accepted on", copy=False, readonly=True)

    def _compute_render_model(self):
        self.render_model = "res.partner"

    def _compute_level_ids(self):
        Level = self.env["collections.level"]
        for script in self:
            # In a form, the script being edited is a new record: the levels use the saved one.
            script_id = script._origin.id
            script.level_ids = script_id and Level.search(
                [
                    "|",
                    "|",
                    "|",
                    ("call_script_id", "=", script_id),
                    ("sms_script_id", "=", script_id),
                    ("whatsapp_script_id", "=", script_id),
                    ("letter_script_id", "=", script_id),
                ]
            )

    @api.depends("body", "channel", "tone_accepted_digest")
    @api.depends_context("lang")
    def _compute_tone(self):
        for script in self:
            findings = script._tone_findings()
            blocking = any(finding.blocking for _lang, finding in findings)
            # The digest only when it matters: a manager accepted this very text.
            accepted = (
                blocking
                and bool(script.tone_accepted_digest)
                and (script.tone_accepted_digest == script._tone_digest())
            )
            script.tone_state = tone_state([finding for _langs, finding in findings], accepted=accepted)
            script.tone_report = self._tone_report_html(findings)

    # ------------------------------------------------------------------
    # Tone check
    # ------------------------------------------------------------------

    def _body_translations(self):
        """{lang code: body} for every installed language that has text, as its customers get it.

        In a form being edited the record is not saved yet: the other languages are what is
        stored, the language being edited has the new text (a new record stores its text as
        the source and in the language it is typed in, as Odoo's create does).
        """
        self.ensure_one()
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        if self.id:
            stored = {code: self.with_context(lang=code).body for code in langs}
        else:
            edited = self.env.lang or "en_US"
            origin = self._origin
            saved = (origin and self._fields["body"]._get_stored_translations(origin)) or {}
            saved = {code: text for code, text in saved.items() if not code.startswith("_")}
            saved = {**saved, edited: self.body} if saved else {"en_US": self.body, edited: self.body}
            stored = {code: saved.get(code, saved.get("en_US")) for code in langs}
        return {code: text for code, text in stored.items() if text and text.strip()}

    def _tone_findings(self):
        """[(languages, ToneFinding)] over every translation of the body, each with the words of its language."""
        self.ensure_one()
        return self._check_tone_texts(self._body_translations(), require_greeting=self.channel != "letter")

    @api.model
    def _check_tone_texts(self, texts, require_greeting=True):
        """[(languages, ToneFinding)] of ``texts`` ({lang code: plain text}).

        A text typed in one language and never translated is stored alike under several
        languages (e.g. typed in a pt_BR session: the source and pt_BR): it is checked once
        with the words of all of them, so Portuguese typed as the source is still checked
        with the Portuguese words.
        """
        Terms = self.env["collections.tone.term"]
        terms = {lang: Terms._engine_terms(lang) for lang in texts}
        return check_translations(texts, terms, require_greeting=require_greeting)

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
                ", ".join(langs),
                finding.excerpt,
            )
            for langs, finding in findings
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

    def _blocked_effect(self):
        """What the levels using this script do while the tone check blocks it."""
        self.ensure_one()
        return {
            "call": self.env._("their call tasks come without a script"),
            "sms": self.env._("their SMS are not sent (the collector gets a task instead)"),
            "whatsapp": self.env._("their WhatsApp messages are not sent (the level's fallback applies)"),
            "letter": self.env._("their letters use the e-mail template's text instead"),
        }.get(self.channel, "")

    @api.onchange("body")
    def _onchange_body_warn_levels(self):
        """A text that becomes blocked is lost by the levels that use it: say so before it is saved."""
        levels = self._origin.level_ids
        if not levels or self.tone_state != "blocked" or self._origin.tone_state == "blocked":
            return None
        return {
            "warning": {
                "title": self.env._("The levels using this script lose it"),
                "message": self.env._(
                    "The tone check blocks this text. Saved like this, the levels %(levels)s lose it: "
                    "%(effect)s, until the text is rephrased or a collections manager accepts the wording.",
                    levels=", ".join(f"{level.name} ({level.policy_id.name})" for level in levels),
                    effect=self._blocked_effect(),
                ),
                "sticky": True,
            }
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

    def _render_body(self, values_by_partner, field_name="body", keep_lines=False, max_chars=None, langs=None):
        """Render ``field_name`` for each customer with its placeholder values.

        ``values_by_partner``: {partner id: {placeholder: text}} as built by
        :meth:`_placeholder_values`. Returns {partner id: text} in each customer's language, or in the
        language ``langs`` ({partner id: lang code}) gives (the one its collections contact reads).
        One rendering per language: the placeholders are read from a per-customer table.
        ``max_chars``: the channel's length limit (SMS, WhatsApp): ``{{ pay_code }}`` becomes the "copia e
        cola" when the whole text then fits, else the payment link when it fits, else nothing.
        """
        self.ensure_one()
        self._check_usable()
        if max_chars:
            marked = {pid: {**values, "pay_code": _PAY_CODE_MARK} for pid, values in values_by_partner.items()}
            texts = self._render_body(marked, field_name, keep_lines, langs=langs)
            return {pid: self._fit_pay_code(text, values_by_partner[pid], max_chars) for pid, text in texts.items()}
        partners = self.env["res.partner"].browse(list(values_by_partner))
        by_lang = defaultdict(list)
        for partner in partners:
            by_lang[(langs or {}).get(partner.id) or partner.lang or self.env.lang or "en_US"].append(partner.id)
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

    @api.model
    def _fit_pay_code(self, text, values, max_chars):
        """``text`` with its {{ pay_code }} marks replaced by what fits the channel (``engine.pay_code_for_text``)."""
        marks = text.count(_PAY_CODE_MARK)
        if not marks:
            return text
        room = (max_chars - (len(text) - marks * len(_PAY_CODE_MARK))) // marks
        code = pay_code_for_text(
            values.get(_PAY_QR_TEXT, ""), values.get(_PAY_LINK, ""), room, values.get(_PAY_SHORT_LINK, "")
        )
        return text.replace(_PAY_CODE_MARK, code)

    def _render_whatsapp_parameters(self, values_by_partner, langs=None):
        """{partner id: [parameter, …]} from the template parameter lines (in the languages of ``langs``, as
        :meth:`_render_body`)."""
        self.ensure_one()
        if not (self.whatsapp_parameters or "").strip():
            return {partner_id: [] for partner_id in values_by_partner}
        line_count = len(self.whatsapp_parameters.rstrip("\n").split("\n"))
        rendered = self._render_body(values_by_partner, field_name="whatsapp_parameters", keep_lines=True, langs=langs)
        # One line per parameter; a line rendered empty still holds its place (the template expects it).
        parameters = {}
        for partner_id, text in rendered.items():
            # Rendering keeps the source's line breaks: line i is parameter i.
            lines = text.split("\n")
            lines += [""] * (line_count - len(lines))
            parameters[partner_id] = [line.strip() or "-" for line in lines[:line_count]]
        return parameters

    @api.model
    def _placeholder_values(
        self, partner, company, moves, amount, collector, short_link=False, pay_now=None, lang=None, formats=None
    ):
        """Placeholder values for one customer, formatted in its language (or ``lang``: its contact's).

        ``moves``: the overdue invoices concerned; ``amount``: their total in company currency.
        ``short_link``: the payment link is the short one, for paper (a portal URL with its token
        is about a hundred characters nobody types from a letter).
        ``pay_now``: the customer's ``PayNow`` (``collections.pay.now``) when the caller computed it for a
        batch; None computes it here, False means there is none. ``formats`` caches the formatted dates across
        the customers of a batch (the same due dates repeat).
        """
        lang = lang or partner.lang or self.env.lang or "en_US"
        formats = {} if formats is None else formats

        def fmt_date(value, date_format=False):
            key = ("date", value, lang, date_format)
            if key not in formats:
                formats[key] = tools.format_date(self.env, value, lang_code=lang, date_format=date_format)
            return formats[key]

        moves = moves.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
        # A slice would prefetch alone: keep the batch's prefetch for the link below.
        oldest = moves[:1].with_prefetch(moves._prefetch_ids)
        due_dates = []
        for move in moves:
            due = fmt_date(move.invoice_date_due or move.date)
            if due not in due_dates:
                due_dates.append(due)
        month = ""
        if oldest:
            month = fmt_date(oldest.invoice_date or oldest.invoice_date_due or oldest.date, "MMMM y")
        portal_link = short_portal_link = ""
        if oldest:
            # sudo: the link carries the invoice's access token, which the collector may not read.
            move_sudo = oldest.sudo()
            if not move_sudo.access_token:  # a batch gave its invoices their tokens at once
                self._ensure_access_tokens(oldest)
            short_portal_link = self._short_payment_url(move_sudo)
            portal_link = short_portal_link if short_link else move_sudo.get_base_url() + move_sudo.get_portal_url()
        if pay_now is None and moves:
            pay_now = self.env["collections.pay.now"]._pay_now(company, {partner.id: moves}).get(partner.id)
        # Odoo's online payment when a provider takes payments, else the invoice's page; on paper the short link.
        link = pay_now.link if pay_now and pay_now.link and not short_link else portal_link
        PayNow = self.env["collections.pay.now"]
        block = PayNow._pay_block(pay_now, lang) if pay_now else None
        qr_text = pay_now.qr_text if pay_now else ""
        return {
            "customer": partner.name or "",
            "month": month,
            "invoices": ", ".join(moves.mapped("name")),
            "amount": tools.format_amount(self.env, amount, company.currency_id, lang_code=lang),
            "due_dates": ", ".join(due_dates),
            "payment_link": link,
            "company": company.name or "",
            "collector": collector.name or "",
            "pay_code": qr_text or link,
            "amount_due_now": block["asked"] if block else "",
            "charges": PayNow._charges_text(pay_now, lang) if pay_now else "",
            _PAY_QR_TEXT: qr_text,
            _PAY_LINK: link,
            _PAY_SHORT_LINK: short_portal_link,
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
        # The token alone, for the batch at once (a first read would fetch every column of account.move).
        moves.fetch(["access_token"])
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
    def _claimable_now(self, partners, company):
        """{partner id: [OpenItem]}: what each customer is asked to pay now (engine ``claimable_items``).

        Read when a text is shown, never kept from the run: an invoice disputed, promised or
        sent to the notary since is left out, as the follow-up leaves it out.
        """
        items = self.env["collections.runner"]._open_items(company, partners.commercial_partner_id)
        today = company._collections_today()
        return {
            partner.id: claimable_items(items.get(partner.commercial_partner_id.id, []), today) for partner in partners
        }

    @api.model
    def _placeholder_values_for_partners(self, partners, company, collector=None):
        """Placeholder values for customers from what they are asked to pay now (call log, tasks)."""
        partners = partners.with_company(company)
        claimable = self._claimable_now(partners, company)
        Move = self.env["account.move"]
        moves = {
            partner.id: Move.browse(list(dict.fromkeys(item.move_id for item in claimable[partner.id])))
            for partner in partners
        }
        pay_nows = self.env["collections.pay.now"]._pay_now(company, moves)
        values = {}
        for partner in partners:
            values[partner.id] = self._placeholder_values(
                partner,
                company,
                moves[partner.id],
                company.currency_id.round(sum(item.company_amount for item in claimable[partner.id])),
                collector or partner.collections_responsible_id or self.env.user,
                pay_now=pay_nows.get(partner.id, False),
            )
        return values
