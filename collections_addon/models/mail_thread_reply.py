"""A customer's e-mail reply, as Odoo's mail gateway delivers it, holds the customer's automatic steps.

``mail.thread._message_route_process`` is where the gateway has both the raw message (its headers) and the
record it posts to: a reply routed to a customer's chatter (where the reminders are posted) or to a customer
invoice's opens the customer's reply hold (``collections_hold_reply.py``) in the record's company when:

- a person wrote it: not an automatic message (``engine.is_auto_reply``: out of office, ``Auto-Submitted``,
  bounces and delivery reports; Odoo's own bounce handling routes bounces nowhere);
- the customer wrote it: its author is the customer or one of its contacts, or the sender's address is one
  of theirs; never an internal user;
- it is about collections: it answers a follow-up message (a reminder), or the customer's status in that
  company is not "up to date" (a "thanks, received" to a fresh invoice holds nothing).

The company is the invoice's, else the answered reminder's, else the customer's own company, else the company
of its last follow-up contact: a reply in one company's records holds that company's follow-up only.
"""

import logging

from odoo import api, models
from odoo.tools import email_normalize, html2plaintext

from ..engine import is_auto_reply

_logger = logging.getLogger(__name__)

# The records a reminder or an invoice e-mail is posted on: replies routed there may come from a customer.
REPLY_MODELS = ("res.partner", "account.move")
# The invoices a customer's reply is about (customer invoices, credit notes and receipts, not vendor bills).
_CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund", "out_receipt")


def _headers(message):
    """The message's headers as text, first value of each name (what the engine reads)."""
    headers = {}
    for name in message:  # the header names
        try:
            headers.setdefault(name, str(message.get(name, "")))
        except Exception:  # a malformed header tells nothing about the author: skip it
            continue
    return headers


def _plain_text(message, message_dict):
    """The reply as plain text: its text part, else its HTML body converted."""
    try:
        part = message.get_body(preferencelist=("plain",))
        if part is not None:
            return part.get_content()
    except Exception:  # an unreadable text part: fall back on the body Odoo decoded
        _logger.debug("Collections: unreadable text part in %s", message_dict.get("message_id"))
    return html2plaintext(message_dict.get("body") or "")


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    def _message_route_process(self, message, message_dict, routes):
        replied = any(route[0] in REPLY_MODELS and route[1] for route in routes or ())
        automatic = None
        text = ""
        if replied:
            automatic = is_auto_reply(_headers(message), message_dict.get("subject"), message_dict.get("email_from"))
            text = "" if automatic else _plain_text(message, message_dict)
        thread_id = super()._message_route_process(message, message_dict, routes)
        if replied and not automatic and not message_dict.get("is_bounce"):
            self.env["collections.hold"]._collections_from_email(message_dict["message_id"], text)
        elif automatic:
            _logger.info(
                "Collections: %s from %s is automatic (%s): no reply hold",
                message_dict.get("message_id"),
                message_dict.get("email_from"),
                automatic,
            )
        return thread_id


class CollectionsHold(models.Model):
    _inherit = "collections.hold"

    @api.model
    def _collections_from_email(self, message_id, text):
        """The messages the gateway just posted under ``message_id``: hold each customer that replied."""
        # sudo: the gateway posts as OdooBot; the reply's author, record and company are read to route it.
        messages = (
            self.env["mail.message"]
            .sudo()
            .search([("message_id", "=", message_id), ("model", "in", REPLY_MODELS), ("res_id", "!=", False)])
        )
        holds = self.browse()
        for message in messages:
            # sudo: the record the gateway posted on (its customer and company), whoever runs the gateway.
            record = self.env[message.model].sudo().browse(message.res_id).exists()
            customer, company, answered = self._collections_email_target(record, message)
            if not customer or not self._collections_from_customer(message, customer):
                continue
            if not answered and customer.with_company(company).collections_status in (False, "ok"):
                continue
            holds |= self._collections_on_reply(customer, company, text, "email", message)
        return holds

    @api.model
    def _collections_email_target(self, record, message):
        """(customer, company, whether it answers a follow-up message) of a reply posted on ``record``."""
        # sudo: the event log is the follow-up's; only which reminder (and company) the reply answers is read.
        Event = self.env["collections.event"].sudo()
        answered = Event.search([("message_id", "=", message.parent_id.id)], limit=1) if message.parent_id else Event
        if not record or (record._name == "account.move" and record.move_type not in _CUSTOMER_MOVE_TYPES):
            return None, None, False
        customer = record.commercial_partner_id
        if record._name == "account.move":
            return customer, record.company_id, bool(answered)
        company = answered.company_id or customer.company_id
        if not company:
            company = Event.search([("partner_id", "=", customer.id)], order="id desc", limit=1).company_id
        return (customer, company, bool(answered)) if company else (None, None, False)

    @api.model
    def _collections_from_customer(self, message, customer):
        """Whether the customer or one of its contacts wrote ``message``: never an internal user."""
        author = message.author_id
        email = email_normalize(message.email_from or "")
        # sudo: whether the sender is an internal user (archived ones too), read from the gateway.
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        if author.user_ids.filtered(lambda user: not user.share):
            return False
        if email and Users.search_count([("share", "=", False), ("email_normalized", "=", email)], limit=1):
            return False
        if author and author.commercial_partner_id == customer:
            return True
        # sudo: the customer's contacts' addresses, whatever the gateway's user may read.
        contacts = self.env["res.partner"].sudo().search([("commercial_partner_id", "=", customer.id)])
        return bool(email) and email in contacts.mapped("email_normalized")
