"""Who receives a customer's reminders: its collections contacts, else its invoice addresses, else itself.

The order is one rule for the run, its preview, the *Send* dialog and the statement e-mail
(``collections.runner._email_recipients`` reads it in one search per batch). Text messages and calls
use one number: the first collections contact's, else the customer's own
(``collections.runner._phone_recipients``, one search per batch too).
"""

from odoo import fields, models

# Why a recipient receives the reminders, in the order they are chosen.
RECIPIENT_REASONS = ("collections_contact", "invoice_address", "customer")


class ResPartner(models.Model):
    _inherit = "res.partner"

    collections_contact = fields.Boolean(
        string="Collections Contact",
        help="Reminders go to the customer's collections contacts (one or several) first, each in its own "
        "language; without any, to its invoice addresses, else to the customer itself. Text messages (SMS, "
        "WhatsApp) and calls use the first collections contact's number, else the customer's.",
        groups="collections_addon.group_collections_user",
    )

    def _collections_recipient_reason(self, customer):
        """Why this recipient receives the reminders of ``customer``: one of ``RECIPIENT_REASONS``."""
        self.ensure_one()
        if self == customer:
            return "customer"
        # sudo: the run may read recipients as the job's user; the flag only explains the choice.
        return "collections_contact" if self.sudo().collections_contact else "invoice_address"

    def _collections_reason_labels(self):
        return {
            "collections_contact": self.env._("collections contact"),
            "invoice_address": self.env._("invoice address"),
            "customer": self.env._("the customer"),
        }

    def _collections_phone_label(self, customer):
        """The number the text messages and calls of ``customer`` use, whose it is, why and in which language."""
        self.ensure_one()
        lang = self._collections_lang(customer)
        reason = self._collections_recipient_reason(customer)
        who = self._collections_reason_labels()[reason]
        if reason != "customer":
            who = f"{self.name}, {who}"
        return self.env._(
            "%(number)s (%(who)s, %(language)s)",
            number=self.phone_sanitized or self.phone or self.env._("no number"),
            who=who,
            language=dict(self.env["res.lang"].get_installed()).get(lang, lang),
        )

    def _collections_recipient_labels(self, customer):
        """One line per recipient for the preview and *Send*: who, why and in which language."""
        reasons = self._collections_reason_labels()
        languages = dict(self.env["res.lang"].get_installed())
        return [
            self.env._(
                "%(recipient)s (%(why)s, %(language)s)",
                recipient=recipient.email_formatted or recipient.display_name,
                why=reasons[recipient._collections_recipient_reason(customer)],
                language=languages.get(recipient._collections_lang(customer), recipient._collections_lang(customer)),
            )
            for recipient in self
        ]

    def _collections_lang(self, customer):
        """The language a recipient reads: its own, else the customer's, else the company's user's."""
        self.ensure_one()
        return self.lang or customer.lang or self.env.lang or "en_US"
