from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine.pay_now import SMS_MAX_CHARS, WHATSAPP_MAX_CHARS

# The channels whose text the dialog shows, with the level field of their script.
from ..models.collections_level import SCRIPT_FIELDS as _SCRIPT_FIELDS

# The length limit of each text channel: the preview fits {{ pay_code }} as the message will.
_MAX_CHARS = {"sms": SMS_MAX_CHARS, "whatsapp": WHATSAPP_MAX_CHARS}


class CollectionsSend(models.TransientModel):
    """What *Send* will do for the selected customers, shown before anything goes out.

    For one customer the e-mail is rendered exactly as it will be queued, and can be edited
    before sending (the run then sends the edited text instead of the template's).
    """

    _name = "collections.send"
    _description = "Collections: send the step due now"

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    partner_ids = fields.Many2many("res.partner", string="Customers", readonly=True)
    summary = fields.Html(string="What will go out", readonly=True, sanitize=False)
    has_email = fields.Boolean(readonly=True)
    email_to = fields.Char(string="To", readonly=True)
    # The language of the e-mail shown (its first recipients'); the others get the template in their own.
    email_lang = fields.Char(readonly=True)
    email_other_langs = fields.Char(string="Also Sent", readonly=True)
    email_subject = fields.Char(string="Subject")
    email_body = fields.Html(string="E-mail", sanitize_style=True)
    email_body_rendered = fields.Html(readonly=True, sanitize_style=True)
    texts = fields.Html(string="Texts", readonly=True, sanitize=False)

    @api.model
    def _open_for(self, partners):
        """The confirmation dialog of *Send* for ``partners``; refuses at once when nothing is due."""
        company = self.env.company
        customers = partners.commercial_partner_id
        runner = self.env["collections.runner"]
        result = runner._run(company, partners=customers, manual=True, dry_run=True)
        due = [decision for decision in result.decisions if decision.engine.action == "contact"]
        if not due:
            if len(customers) == 1:
                raise UserError(
                    self.env._(
                        "Nothing to send to %(customer)s today: %(reason)s.",
                        customer=customers.display_name,
                        reason=result.reasons.get(customers.id, self.env._("no follow-up step is due")),
                    )
                )
            raise UserError(self.env._("Nothing to send to these customers today: no follow-up step is due."))
        values = {
            "company_id": company.id,
            "partner_ids": [fields.Command.set([decision.partner.id for decision in due])],
            "summary": self._summary(due, result.reasons, customers),
        }
        if len(due) == 1:
            values.update(self._single_values(company, due[0]))
            pay = self.env["collections.channel"]._pay_nows(company, due).get(due[0].partner.id)
            if pay and pay.problem:
                # The collector learns why the message asks for the principal only, before it goes out.
                values["summary"] += Markup("<p class='text-warning'>%s</p>") % self.env._(
                    "The reminder asks for the principal only: %(problem)s", problem=pay.problem
                )
        wizard = self.create(values)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send the step due"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _summary(self, decisions, reasons, customers):
        channel_labels = dict(self.env["collections.event"]._fields["channel"]._description_selection(self.env))
        rows = Markup().join(
            Markup("<tr><td>%s</td><td>%s</td><td>%s</td><td class='text-end'>%s</td></tr>")
            % (
                decision.partner.display_name,
                self.env["collections.level"].browse(decision.engine.level.id).display_name,
                ", ".join(channel_labels[channel] for channel in decision.engine.channels) or self.env._("a task"),
                self.env.company.currency_id.format(decision.engine.total_company),
            )
            for decision in decisions
        )
        table = Markup(
            "<table class='table table-sm'><thead><tr><th>%s</th><th>%s</th><th>%s</th>"
            "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody></table>"
        ) % (self.env._("Customer"), self.env._("Step"), self.env._("Channels"), self.env._("Amount"), rows)
        left_out = customers - self.env["res.partner"].browse([decision.partner.id for decision in decisions])
        if left_out:
            table += Markup("<p class='text-muted'>%s</p>") % self.env._(
                "Nothing is sent to: %(customers)s.",
                customers="; ".join(
                    f"{customer.display_name} ({reasons.get(customer.id, self.env._('no step due'))})"
                    for customer in left_out
                ),
            )
        return table

    def _single_values(self, company, decision):
        Channel = self.env["collections.channel"]
        values = {}
        # The level's e-mail, or the plan's statement e-mail of a catch-up (Channel._text): what the run sends.
        if "email" in decision.engine.channels and Channel._text(decision, "mail_template_id"):
            groups = self.env["collections.channel"]._email_groups([decision])
            lang = groups[0][1] if groups else decision.partner.lang
            subject, body = self.env["collections.channel"]._render_email(company, decision, lang)
            values.update(
                {
                    "has_email": True,
                    "email_to": "; ".join(decision.recipients._collections_recipient_labels(decision.partner))
                    or self.env._("no e-mail address: the e-mail fails and the collector gets a task"),
                    "email_lang": lang,
                    "email_other_langs": self._other_langs(groups[1:]),
                    "email_subject": subject,
                    "email_body": body,
                    "email_body_rendered": body,
                }
            )
        # The customer's A/B test variant's scripts, else the level's: what the run sends.
        scripts = {channel: Channel._text(decision, field_name) for channel, field_name in _SCRIPT_FIELDS.items()}
        channels = [channel for channel in decision.engine.channels if scripts.get(channel)]
        channels = [channel for channel in channels if channel in _SCRIPT_FIELDS]
        if channels:
            labels = dict(self.env["collections.event"]._fields["channel"]._description_selection(self.env))
            parts, by_texting = [], {}
            for channel in channels:
                # Text messages go to its collections contact's number, in its language, else to the customer.
                texting = channel in _MAX_CHARS
                langs = Channel._phone_langs([decision]) if texting else None
                if texting not in by_texting:
                    by_texting[texting] = Channel._values_by_partner(company, [decision], langs=langs)
                values_by_partner = by_texting[texting]
                text = scripts[channel]._render_body(values_by_partner, max_chars=_MAX_CHARS.get(channel), langs=langs)[
                    decision.partner.id
                ]
                label = labels[channel]
                if texting:
                    label += " → " + Channel._phone_recipient(decision)._collections_phone_label(decision.partner)
                parts.append(Markup("<h5>%s</h5><p style='white-space: pre-wrap'>%s</p>") % (label, text))
            values["texts"] = Markup().join(parts)
        return values

    def _other_langs(self, groups):
        """The other e-mails of the step: each written from the template in its recipients' language."""
        if not groups:
            return False
        languages = dict(self.env["res.lang"].get_installed())
        return "; ".join(
            self.env._(
                "%(recipients)s, in %(language)s, from the template",
                recipients=", ".join(recipients.mapped("display_name")),
                language=languages.get(lang, lang),
            )
            for _decision, lang, recipients in groups
        )

    def action_send(self):
        self.ensure_one()
        self.env["res.partner"]._check_collections_access()
        overrides = {}
        if self.has_email and len(self.partner_ids) == 1:
            edited = (self.email_body or "") != (self.email_body_rendered or "")
            overrides[self.partner_ids.id] = {
                "subject": self.email_subject,
                "body_html": self.email_body if edited else None,
                # What the collector saw and edited is the e-mail of this language only.
                "lang": self.email_lang,
            }
        return self.partner_ids.with_company(self.company_id)._collections_send(email_overrides=overrides)
