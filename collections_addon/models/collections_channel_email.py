"""The e-mail channel: the level's template and the invoice table, queued in Odoo's mail queue.

One e-mail per customer and step, rendered in bulk per template, posted in the
customer's chatter; what the customer owes is listed in a table (overdue, then
coming due, by currency), and the level may attach the customer's statement.
"""

import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.tools import format_date, formatLang

from ..engine import split_by_due

# Template fields rendered for each e-mail of a batch.
_RENDERED_FIELDS = ["subject", "body_html", "email_from", "reply_to", "attachment_ids", "report_template_ids"]


class CollectionsChannel(models.AbstractModel):
    _inherit = "collections.channel"

    # ------------------------------------------------------------------
    # The channel's actions (see collections_channel.py)
    # ------------------------------------------------------------------

    @api.model
    def _email_problem(self, company, decision):
        """The customer has no address to write to, or every address opted out."""
        if decision.recipients:
            return None
        partner = decision.partner
        if decision.blacklisted:
            return {
                "state": "cancelled",
                "error": self.env._(
                    "%(emails)s opted out of e-mails (blacklisted): contact the customer on another channel, "
                    "or remove the address from the blacklist if the customer agrees.",
                    emails=", ".join(decision.blacklisted.mapped("email")),
                ),
            }
        return {
            "state": "failed",
            "error": self.env._(
                "%(customer)s has no e-mail address: add one to the customer or to an invoice address; "
                "the next run sends the reminder.",
                customer=partner.display_name,
            ),
        }

    @api.model
    def _email_fix_summary(self, state):
        if state == "cancelled":
            return self.env._("Customer opted out of e-mails: use another channel")
        return self.env._("Reminder not sent: fix the e-mail address")

    @api.model
    def _email_undelivered_summary(self):
        return self.env._("Reminder e-mail not delivered")

    @api.model
    def _render_email(self, company, decision):
        """The subject and body the e-mail of ``decision`` will have, as the run renders them."""
        template = self._text(decision, "mail_template_id")
        rendered = template._generate_template([decision.partner.id], ["subject", "body_html"])[decision.partner.id]
        today = company._collections_today()
        pays = self._pay_nows(company, [decision], today)
        table = self._invoice_tables([decision], {}, today, pays=pays)[decision.partner.id]
        return rendered.get("subject") or template.name, (rendered.get("body_html") or Markup()) + table

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------

    @api.model
    def _email_queue(self, company, today, decisions, overrides=None):
        """Render the level templates in bulk and queue one e-mail per customer; returns event values."""
        if not decisions:
            return []
        runner = self.env["collections.runner"]
        by_template = defaultdict(list)
        for decision in decisions:
            # The customer's A/B test variant's template, else the level's.
            by_template[self._text(decision, "mail_template_id")].append(decision)
        author = self.env.user.partner_id
        comment_subtype = self.env.ref("mail.mt_comment")
        email_from_default = company.email_formatted or self.env.user.email_formatted
        self.env["account.move"].browse(
            {move_id for decision in decisions for move_id in decision.engine.move_ids}
        ).fetch(["name", "invoice_date"])
        formats = {}
        # The thread's reply-to (catchall or alias), computed for the batch: answers come back to
        # the customer's chatter. mail.message would otherwise compute it one message at a time.
        # sudo: as in mail.message, the aliases and alias domains are not readable by every user.
        reply_to = (
            self.env["res.partner"]
            .browse([decision.partner.id for decision in decisions])
            .sudo()
            ._notify_get_reply_to(default=email_from_default or None, author_id=author.id)
        )
        pays = self._pay_nows(company, decisions, today)
        tables = {
            "email": self._invoice_tables(decisions, formats, today, pays=pays),
            "chatter": self._invoice_tables(decisions, formats, today, chatter=True, pays=pays),
        }
        mail_vals, event_vals = [], []
        for template, template_decisions in by_template.items():
            rendered = template._generate_template(
                [decision.partner.id for decision in template_decisions], _RENDERED_FIELDS
            )
            for decision in template_decisions:
                values = rendered[decision.partner.id]
                mail = self._mail_values(decision, template, values, tables, (overrides or {}).get(decision.partner.id))
                mail.update(
                    author_id=author.id,
                    subtype_id=comment_subtype.id,
                    reply_to=values.get("reply_to") or reply_to[decision.partner.id],
                )
                email_from = values.get("email_from") or email_from_default
                if email_from:
                    mail["email_from"] = email_from
                mail_vals.append(mail)
                event_vals.append(runner._event_vals(decision, "email", state="queued"))
        # sudo: the mail queue is technical; what is sent was rendered from the level's own template above.
        mails = self.env["mail.mail"].sudo().create(mail_vals)
        self._notify_mails(mails, event_vals, author)
        return event_vals

    def _mail_values(self, decision, template, values, tables, override):
        """The ``mail.mail`` values of one customer's reminder (without author, subtype, sender and reply-to)."""
        partner = decision.partner
        attachments = [Command.link(attachment_id) for attachment_id in values.get("attachment_ids", [])]
        generated = list(values.get("attachments", []))
        if self._level(decision).attach_statement:
            generated.append(self._statement_pdf(partner))
        attachments += [
            Command.create({"name": name, "datas": data, "res_model": "res.partner", "res_id": partner.id})
            for name, data in generated
        ]
        template_body = values.get("body_html") or Markup()
        body = template_body + tables["chatter"][partner.id]
        body_html = template_body + tables["email"][partner.id]
        override = override or {}
        if override.get("body_html"):
            # The collector edited the e-mail before sending: what they saw is what goes out.
            body = body_html = Markup(override["body_html"])
        return {
            "model": "res.partner",
            "res_id": partner.id,
            "record_name": partner.display_name,
            "message_type": "comment",
            "subject": override.get("subject") or values.get("subject") or template.name,
            "body": body,
            "body_html": body_html,
            "partner_ids": [Command.link(recipient.id) for recipient in decision.recipients],
            "recipient_ids": [Command.link(recipient.id) for recipient in decision.recipients],
            "attachment_ids": attachments,
            "is_notification": True,
            "auto_delete": True,
            "state": "outgoing",
        }

    def _notify_mails(self, mails, event_vals, author):
        """Link each event to its mail and chatter message, and give the message its notifications."""
        notification_vals = []
        for mail, vals in zip(mails, event_vals, strict=True):
            vals["mail_id"] = mail.id
            vals["message_id"] = mail.mail_message_id.id
            notification_vals.extend(
                {
                    "author_id": author.id,
                    "mail_message_id": mail.mail_message_id.id,
                    "mail_mail_id": mail.id,
                    "res_partner_id": recipient.id,
                    "notification_type": "email",
                    "notification_status": "ready",
                    "is_read": True,
                }
                for recipient in mail.recipient_ids
            )
        self.env["mail.notification"].sudo().create(notification_vals)

    # ------------------------------------------------------------------
    # The invoice table and the statement
    # ------------------------------------------------------------------

    @api.model
    def _invoice_sections(self, lines, move_ids, lang, today, formats=None):
        """Covered open lines formatted for the invoice table: what is overdue, then what comes due.

        Each part is split by currency; a section is ``{"kind": "overdue"|"coming", "currency",
        "entries", "total"}``. ``formats`` caches formatted dates and amounts across customers of
        a run: the same dates and currencies repeat, and formatting is most of the cost of the table.
        """
        formats = {} if formats is None else formats
        env = self.env

        def fmt_date(value):
            key = ("date", value, lang)
            if key not in formats:
                formats[key] = format_date(env, value, lang_code=lang) if value else ""
            return formats[key]

        def fmt_amount(value, currency):
            key = ("amount", value, currency.id, lang)
            if key not in formats:
                formats[key] = formatLang(env(context=dict(env.context, lang=lang)), value, currency_obj=currency)
            return formats[key]

        covered = set(move_ids)
        shown = [item for item in lines if item.move_id in covered and not item.excluded]
        sections = []
        for kind, part in zip(("overdue", "coming"), split_by_due(shown, today), strict=True):
            lines_by_currency = defaultdict(list)
            for item in part:
                lines_by_currency[item.currency].append(item)
            for currency_id, items in lines_by_currency.items():
                currency = env["res.currency"].browse(currency_id)
                entries = []
                for item in items:
                    move = env["account.move"].browse(item.move_id)
                    entries.append(
                        {
                            "name": move.name,
                            "date": fmt_date(move.invoice_date),
                            "due": fmt_date(item.due_date),
                            "amount": fmt_amount(item.residual, currency),
                        }
                    )
                total = currency.round(sum(item.residual for item in items))
                sections.append(
                    {"kind": kind, "currency": currency, "entries": entries, "total": fmt_amount(total, currency)}
                )
        return sections

    def _invoice_tables(self, decisions, formats, today, chatter=False, pays=None):
        """The invoice table of each decision, rendered in one QWeb call per language.

        A QWeb render has a fixed cost that dominates a small table; the tables are cut
        apart on a comment that escaped customer data can never contain. ``chatter``
        gives the variant for the customer's chatter (styled by the web client) instead
        of the e-mail one (inline styles, as mail clients drop style sheets). ``pays``:
        {partner id: PayNow}, the "How to pay" block under each table.
        """
        PayNow = self.env["collections.pay.now"]
        pays = pays or {}
        separator = Markup("<!-- collections-table -->")
        tables = {}
        by_lang = defaultdict(list)
        for decision in decisions:
            by_lang[decision.partner.lang].append(decision)
        for lang, lang_decisions in by_lang.items():
            sections = [
                self._invoice_sections(decision.lines, decision.engine.move_ids, lang, today, formats)
                for decision in lang_decisions
            ]
            blocks = [
                PayNow._pay_block(pays.get(decision.partner.id), lang or self.env.lang, formats)
                for decision in lang_decisions
            ]
            html = (
                self.env["ir.qweb"]
                .with_context(lang=lang)
                ._render(
                    "collections_addon.collections_invoice_tables",
                    {"tables": sections, "pays": blocks, "separator": separator, "chatter": chatter},
                )
            )
            parts = str(html).split(str(separator))[: len(lang_decisions)]
            if len(parts) != len(lang_decisions):
                raise ValueError("The invoice table template must render exactly one table per customer.")
            for decision, part in zip(lang_decisions, parts, strict=True):
                tables[decision.partner.id] = Markup(part)
        return tables

    def _statement_pdf(self, partner):
        report = self.env.ref("collections_addon.action_report_collections_statement")
        pdf, _format = self.env["ir.actions.report"]._render_qweb_pdf(report, [partner.id])
        return (self.env._("Statement %(customer)s.pdf", customer=partner.display_name), base64.b64encode(pdf))
