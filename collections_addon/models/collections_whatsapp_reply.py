"""A customer's WhatsApp text holds its automatic steps, as an e-mail reply does.

The webhook (``collections_whatsapp_webhook.py``) hands over each inbound text that is not an opt-out. The
customer is the one our WhatsApp messages went to from that number (its WhatsApp id or the number on file,
in the companies whose number received the text), else the customer whose phone is that number when the
follow-up is at work for it in that company. The text is posted as a note in the customer's chatter and
opens (or adds to) its reply hold (``collections_hold_reply.py``). Meta may deliver a call twice: a text
already posted is not applied again.
"""

from markupsafe import Markup

from odoo import api, models


def _external_id(message):
    """The chatter message id of an inbound WhatsApp text (its WhatsApp id): the same text is posted once."""
    return f"<{message.message_id}@whatsapp.collections>"


class CollectionsWhatsapp(models.AbstractModel):
    _inherit = "collections.whatsapp"

    @api.model
    def _reply(self, message, companies):
        """An inbound text of a person (``engine.whatsapp_webhook.IncomingMessage``): hold who sent it."""
        # sudo: the webhook is a public route authenticated by its signature, not by a user.
        Message = self.env["mail.message"].sudo()
        if Message.search_count([("message_id", "=", _external_id(message))], limit=1):
            return self.env["collections.hold"]
        holds = self.env["collections.hold"]
        notes = {}
        for customer, company in self._reply_customers(message.sender, companies):
            # One note per customer, linked to its first hold (a message stands for one active hold).
            note = None if customer in notes else self._reply_note(customer, message)
            notes.setdefault(customer, note)
            holds |= holds._collections_on_reply(customer, company, message.text, "whatsapp", note)
        return holds

    @api.model
    def _reply_customers(self, sender, companies):
        """[(customer, company)] the WhatsApp id ``sender`` answers for, among ``companies``."""
        digits = "".join(ch for ch in sender if ch.isdigit())
        if not digits:
            return []
        # sudo: the webhook is public; which customers our messages went to from this number.
        events = (
            self.env["collections.event"]
            .sudo()
            .search(
                [
                    ("channel", "=", "whatsapp"),
                    ("company_id", "in", companies.ids),
                    "|",
                    ("whatsapp_wa_id", "=", digits),
                    ("recipient", "=", f"+{digits}"),
                ]
            )
        )
        pairs = {(event.partner_id.commercial_partner_id, event.company_id) for event in events}
        if pairs:
            return sorted(pairs, key=lambda pair: (pair[0].id, pair[1].id))
        # sudo: the webhook is public; which customers have this number on file.
        partners = self.env["res.partner"].sudo().search([("phone_sanitized", "=", f"+{digits}")])
        return [
            (customer, company)
            for customer in partners.commercial_partner_id
            for company in companies
            if (not customer.company_id or customer.company_id == company)
            and customer.with_company(company).collections_status not in (False, "ok")
        ]

    @api.model
    def _reply_note(self, customer, message):
        """The text in the customer's chatter, as an internal note the collector reads in full."""
        lines = Markup("<br/>").join(message.text.splitlines())
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("WhatsApp message from +%(number)s:", number="".join(filter(str.isdigit, message.sender))),
            lines,
        )
        # sudo: the customer's own message arrives through the public webhook.
        return customer.sudo().message_post(
            body=body,
            author_id=customer.id,
            message_type="comment",
            subtype_xmlid="mail.mt_note",
            message_id=_external_id(message),
        )
