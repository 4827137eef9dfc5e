"""The e-mail channel: the level's template and the invoice table, queued in Odoo's mail queue.

One e-mail per customer, step and language of its recipients (each reads its own,
``res_partner_contacts.py``), rendered in bulk per template and language, signed by
the level's sender (``collections_level_sender.py``), posted in the customer's
chatter; what the customer owes is listed in a table (overdue, then coming due, by
currency), and the level may attach the customer's statement.
"""

import ast
import base64
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, models
from odoo.addons.base.models.res_lang import intersperse
from odoo.tools import SQL, float_round, format_date, get_lang
from odoo.tools.misc import NON_BREAKING_SPACE

from ..engine import split_by_due

# Template fields rendered for each e-mail of a batch.
# The statement of account's report (a catch-up statement carries it).
_STATEMENT_REPORT = "collections_addon.report_collections_statement"
_RENDERED_FIELDS = ["subject", "body_html", "email_from", "reply_to", "attachment_ids", "report_template_ids"]
# The key of a reminder's chatter table in its mail values, until the mail is created.
_CHATTER_TABLE = "_collections_chatter_table"


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
    def _render_email(self, company, decision, lang=None):
        """The subject and body the e-mail of ``decision`` will have in ``lang`` (default: its first
        recipients' language), as the run renders them."""
        template = self._text(decision, "mail_template_id")
        lang = lang or next(iter(self._email_groups([decision])), (None, decision.partner.lang))[1]
        rendered = template.with_context(template_preview_lang=lang)._generate_template(
            [decision.partner.id], ["subject", "body_html"]
        )[decision.partner.id]
        today = company._collections_today()
        pays = self._pay_nows(company, [decision], today)
        table = self._invoice_tables_in([(decision, lang)], {}, today, pays=pays)[decision.partner.id, lang]
        return rendered.get("subject") or template.name, (rendered.get("body_html") or Markup()) + table

    @api.model
    def _email_groups(self, decisions):
        """[(decision, lang, recipients)]: each customer's recipients grouped by the language each reads,
        in the order of the recipients; one e-mail goes to each group, written in its language."""
        groups = []
        for decision in decisions:
            by_lang = {}
            for recipient in decision.recipients:
                lang = recipient._collections_lang(decision.partner)
                by_lang[lang] = by_lang.get(lang, recipient.browse()) | recipient
            groups.extend((decision, lang, recipients) for lang, recipients in by_lang.items())
        return groups

    # ------------------------------------------------------------------
    # Queueing
    # ------------------------------------------------------------------

    @api.model
    def _email_queue(self, company, today, decisions, overrides=None):
        """Render the level templates in bulk and queue one e-mail per customer and language of its recipients
        (one event per customer); returns event values."""
        if not decisions:
            return []
        runner = self.env["collections.runner"]
        groups = self._email_groups(decisions)
        self.env["account.move"].browse(
            {move_id for decision in decisions for move_id in decision.engine.move_ids}
        ).fetch(["name", "invoice_date"])
        formats = {}
        senders = self._email_senders(company, decisions)
        pays = self._pay_nows(company, decisions, today)
        pairs = [(decision, lang) for decision, lang, _recipients in groups]
        tables = {
            "email": self._invoice_tables_in(pairs, formats, today, pays=pays),
            "chatter": self._invoice_tables_in(pairs, formats, today, chatter=True, pays=pays),
        }
        rendered = self._email_rendered(groups)
        comment_subtype = self.env.ref("mail.mt_comment")
        mail_vals, owners, statements = [], [], {}
        event_vals = [runner._event_vals(decision, "email", state="queued") for decision in decisions]
        index = {decision.partner.id: position for position, decision in enumerate(decisions)}
        for decision, lang, recipients in groups:
            partner_id = decision.partner.id
            values = rendered[partner_id, lang]
            override = (overrides or {}).get(partner_id) or {}
            if override.get("lang") and override["lang"] != lang:
                override = {}  # the collector edited the text of another language
            sender = senders[partner_id]
            mail = self._mail_values(
                decision,
                self._text(decision, "mail_template_id"),
                values,
                (tables["email"][partner_id, lang], tables["chatter"][partner_id, lang]),
                override,
                recipients,
                statements,
            )
            mail.update(
                author_id=sender["author"].id,
                subtype_id=comment_subtype.id,
                reply_to=values.get("reply_to") or sender["reply_to"],
            )
            email_from = sender["email_from"] or values.get("email_from") or sender["default_from"]
            if email_from:
                mail["email_from"] = email_from
            if sender["cc"]:
                mail["email_cc"] = ", ".join(sender["cc"].mapped("email_formatted"))
            mail_vals.append(mail)
            owners.append(index[partner_id])
        chatter_tables = [mail.pop(_CHATTER_TABLE) for mail in mail_vals]
        # sudo: the mail queue is technical; what is sent was rendered from the level's own template above.
        mails = self.env["mail.mail"].sudo().create(mail_vals)
        self._append_chatter_tables(mails, chatter_tables)
        self._notify_mails(mails, [event_vals[owner] for owner in owners])
        return event_vals

    @api.model
    def _email_rendered(self, groups):
        """{(customer id, lang): rendered template fields}: one render per template and language."""
        by_template_lang = defaultdict(list)
        for decision, lang, _recipients in groups:
            by_template_lang[self._text(decision, "mail_template_id"), lang].append(decision.partner.id)
        rendered = {}
        # Each template's body is compiled once for the batch (ir_qweb.py), not once per e-mail.
        compiled = {}
        for (template, lang), partner_ids in by_template_lang.items():
            values = template.with_context(
                template_preview_lang=lang, collections_compiled_templates=compiled
            )._generate_template(partner_ids, _RENDERED_FIELDS)
            rendered.update({(partner_id, lang): values[partner_id] for partner_id in partner_ids})
        return rendered

    @api.model
    def _email_senders(self, company, decisions):
        """{customer id: {author, email_from, default_from, reply_to, cc}}: who signs each customer's e-mail
        (the level's sender, ``collections_level_sender.py``), its reply-to and who is copied.

        The reply-to is Odoo's for the customer (its alias, else the company's catchall), computed for the
        batch: answers come back to the customer's chatter whoever signs; mail.message would otherwise
        compute it one message at a time. Without a catchall it is the company's address, as before.
        """
        runner_author = self.env.user.partner_id
        default_from = company.email_formatted or self.env.user.email_formatted
        senders = {}
        for decision in decisions:
            level = self._level(decision)
            user = level._collections_sender(decision.partner)
            signs = bool(user and user.email)
            senders[decision.partner.id] = {
                "author": user.partner_id if signs else runner_author,
                "email_from": user.email_formatted if signs else False,
                "default_from": default_from,
                "cc": level._collections_cc(decision.partner) - decision.recipients,
            }
        partners = self.env["res.partner"].browse(list(senders))
        # sudo: as in mail.message, the aliases and alias domains are not readable by every user.
        reply_to = partners.sudo()._notify_get_reply_to_batch(
            defaults=dict.fromkeys(partners.ids, default_from or None),
            author_ids={partner_id: sender["author"].id for partner_id, sender in senders.items()},
        )
        for partner_id, sender in senders.items():
            sender["reply_to"] = reply_to[partner_id]
        return senders

    def _mail_values(self, decision, template, values, tables, override, recipients, statements):
        """The ``mail.mail`` values of one reminder to ``recipients`` (without author, subtype, sender and
        reply-to); ``tables``: the invoice table of the e-mail and of the chatter, in the recipients' language;
        ``statements`` caches the statement PDF of a customer written to in several languages."""
        partner = decision.partner
        attachments = [Command.link(attachment_id) for attachment_id in values.get("attachment_ids", [])]
        generated = list(values.get("attachments", []))
        # A catch-up statement always carries the statement (its shipped e-mail attaches it already).
        statement = self._is_catch_up_statement(decision) and _STATEMENT_REPORT not in set(
            template.report_template_ids.mapped("report_name")
        )
        if self._level(decision).attach_statement or statement:
            if partner.id not in statements:
                statements[partner.id] = self._statement_pdf(partner)
            generated.append(statements[partner.id])
        attachments += [
            Command.create({"name": name, "datas": data, "res_model": "res.partner", "res_id": partner.id})
            for name, data in generated
        ]
        template_body = values.get("body_html") or Markup()
        email_table, chatter_table = tables
        body, body_html = template_body, template_body + email_table
        override = override or {}
        if override.get("body_html"):
            # The collector edited the e-mail before sending: what they saw is what goes out.
            body = body_html = Markup(override["body_html"])
            chatter_table = Markup()
        return {
            # Added to the chatter message after the sanitizer (see _append_chatter_tables).
            _CHATTER_TABLE: chatter_table,
            "model": "res.partner",
            "res_id": partner.id,
            "record_name": partner.display_name,
            "message_type": "comment",
            "subject": override.get("subject") or values.get("subject") or template.name,
            "body": body,
            "body_html": body_html,
            "partner_ids": [Command.link(recipient.id) for recipient in recipients],
            "recipient_ids": [Command.link(recipient.id) for recipient in recipients],
            "attachment_ids": attachments,
            "is_notification": True,
            "auto_delete": True,
            "state": "outgoing",
        }

    def _append_chatter_tables(self, mails, tables):
        """Add each reminder's invoice table to its chatter message, in one statement for the batch.

        mail.message sanitizes its body element by element, and the table is most of the elements
        of a reminder: the level's text goes through the sanitizer at ``create``, the table is
        added after it. The table needs no sanitizing: it is the addon's own QWeb template
        (``collections_invoice_table_chatter``), whose every value is escaped by ``t-out``.
        """
        pairs = [(mail.mail_message_id.id, str(table)) for mail, table in zip(mails, tables, strict=True) if table]
        if not pairs:
            return
        self.env["mail.message"].flush_model(["body"])
        self.env.cr.execute(
            SQL(
                """
                UPDATE mail_message AS message
                   SET body = COALESCE(message.body, '') || tables.html
                  FROM unnest(%s::int[], %s::text[]) AS tables(id, html)
                 WHERE message.id = tables.id
                """,
                [message_id for message_id, _html in pairs],
                [html for _message_id, html in pairs],
            )
        )
        self.env["mail.message"].invalidate_model(["body"])
        self.env["mail.mail"].invalidate_model(["body"])

    def _notify_mails(self, mails, event_vals):
        """Link each event to its mails and chatter messages (the first ones as its own), and give each
        message its notifications. ``event_vals`` holds the event of each mail, in the order of ``mails``."""
        notification_vals = []
        for mail, vals in zip(mails, event_vals, strict=True):
            if "mail_id" not in vals:
                vals.update(
                    mail_id=mail.id,
                    message_id=mail.mail_message_id.id,
                    # A retry of a failed step replaces the mails of the failure.
                    mail_ids=[Command.clear()],
                    mail_message_ids=[Command.clear()],
                )
            vals["mail_ids"].append(Command.link(mail.id))
            vals["mail_message_ids"].append(Command.link(mail.mail_message_id.id))
            notification_vals.extend(
                {
                    "author_id": mail.author_id.id,
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

        lang_env = formats.get(("env", lang))
        if lang_env is None:
            lang_env = formats["env", lang] = env(context=dict(env.context, lang=lang))

        def fmt_amount(value, currency):
            key = ("amount", value, currency.id, lang)
            if key not in formats:
                formatter = formats.get(("formatter", currency.id, lang))
                if formatter is None:
                    formatter = formats["formatter", currency.id, lang] = self._amount_formatter(lang_env, currency)
                formats[key] = formatter(value)
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

    @api.model
    def _amount_formatter(self, lang_env, currency):
        """A function formatting an amount of ``currency`` as ``formatLang(lang_env, amount, currency_obj=currency)``
        does, with the language's separators and grouping and the currency's symbol read once: formatLang reads
        them for every amount, and the amounts of a run's tables are mostly distinct."""
        lang = get_lang(lang_env)
        grouping = ast.literal_eval(lang.grouping)
        thousands_sep, decimal_point = lang.thousands_sep or "", lang.decimal_point
        digits, symbol, after = currency.decimal_places, currency.symbol, currency.position == "after"

        def formatter(value):
            rounded = float_round(value, precision_digits=digits, rounding_method="HALF-EVEN")
            parts = f"{rounded:.{digits}f}".split(".")
            parts[0] = intersperse(parts[0], grouping, thousands_sep)[0]
            text = decimal_point.join(parts)
            if not symbol:
                return text
            return f"{text}{NON_BREAKING_SPACE}{symbol}" if after else f"{symbol}{NON_BREAKING_SPACE}{text}"

        return formatter

    def _decision_sections(self, decision, lang, today, formats):
        """The invoice sections of ``decision`` in ``lang``, kept in ``formats``: the e-mail and the chatter
        show the same sections, each in its own table."""
        key = ("sections", decision.partner.id, lang, tuple(decision.engine.move_ids))
        if key not in formats:
            formats[key] = self._invoice_sections(decision.lines, decision.engine.move_ids, lang, today, formats)
        return formats[key]

    def _invoice_tables(self, decisions, formats, today, chatter=False, pays=None):
        """The invoice table of each decision in its customer's language: {customer id: table}."""
        pairs = [(decision, decision.partner.lang) for decision in decisions]
        tables = self._invoice_tables_in(pairs, formats, today, chatter=chatter, pays=pays)
        return {decision.partner.id: tables[decision.partner.id, lang] for decision, lang in pairs}

    def _invoice_tables_in(self, pairs, formats, today, chatter=False, pays=None):
        """The invoice table of each (decision, language) pair, rendered in one QWeb call per language:
        {(customer id, lang): table}.

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
        for decision, lang in pairs:
            by_lang[lang].append(decision)
        for lang, lang_decisions in by_lang.items():
            sections = [self._decision_sections(decision, lang, today, formats) for decision in lang_decisions]
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
                tables[decision.partner.id, lang] = Markup(part)
        return tables

    def _statement_pdf(self, partner):
        report = self.env.ref("collections_addon.action_report_collections_statement")
        pdf, _format = self.env["ir.actions.report"]._render_qweb_pdf(report, [partner.id])
        return (self.env._("Statement %(customer)s.pdf", customer=partner.display_name), base64.b64encode(pdf))
