"""The WhatsApp gateway's webhook: delivery receipts of our messages, customers' opt-outs and replies.

The controller checks the signature and parses the call (``engine.whatsapp``);
this file applies it to the events of the companies whose app signed it.
"""

from odoo import api, models

from ..engine import whatsapp as wa


class CollectionsWhatsapp(models.AbstractModel):
    _inherit = "collections.whatsapp"

    @api.model
    def _signing_companies(self, body, signature):
        """The companies whose app secret signed ``body`` (normally one)."""
        # sudo: the webhook is public; it compares the signature with each company's secret.
        companies = self.env["res.company"].sudo().search([])
        return companies.filtered(
            lambda company: (
                self._config(company)["app_secret"]
                and wa.verify_signature(body, signature, [self._config(company)["app_secret"]])
            )
        )

    @api.model
    def _process_webhook(self, batch, companies=None):
        """Apply status callbacks and opt-outs of a verified, parsed webhook call.

        Only events of ``companies`` (those whose secret signed the call, narrowed to the
        phone numbers the call is about) can change: a company's Meta app never touches
        another company's messages.
        """
        if companies is None:
            # sudo: the webhook is a public route authenticated by its signature, not by a user.
            companies = self.env["res.company"].sudo().search([])
        if batch.phone_number_ids:
            companies = companies.filtered(
                lambda company: self._config(company)["phone_number_id"] in batch.phone_number_ids
            )
        by_external = self._events_of(batch, companies)
        failed = self.env["collections.event"].sudo()
        for status in sorted(batch.statuses, key=lambda s: s.timestamp):
            event = by_external.get(status.message_id)
            if event and self._apply_status(event, status) == "failed":
                failed |= event
        if failed:
            self._handle_failures(failed)
        for message in batch.messages:
            if wa.is_opt_out(message.text):
                self._opt_out(message.sender)
            elif message.text.strip():
                # A person's answer: it holds the customer's automatic steps (collections_whatsapp_reply.py).
                self._reply(message, companies)

    @api.model
    def _events_of(self, batch, companies):
        """{WhatsApp message id: event} of the messages the call is about, among ``companies``' events."""
        # sudo: the webhook is a public route authenticated by its signature, not by a user.
        Event = self.env["collections.event"].sudo()
        ids = {status.message_id for status in batch.statuses}
        by_external = {
            event.external_id: event
            for event in Event.search([("external_id", "in", list(ids)), ("company_id", "in", companies.ids)])
        }
        callback_ids = []
        for status in batch.statuses:
            if status.message_id not in by_external and status.callback_data.startswith("collections.event:"):
                reference = status.callback_data.split(":", 1)[1]
                if reference.isdigit():
                    callback_ids.append(int(reference))
        for event in (
            Event.browse(callback_ids)
            .exists()
            .filtered(lambda e: e.channel == "whatsapp" and e.company_id in companies)
        ):
            # The API accepted it but the answer was lost (crash, timeout): the echo links it back.
            if not event.external_id:
                matching = [s for s in batch.statuses if s.callback_data == f"collections.event:{event.id}"]
                event.write({"external_id": matching[0].message_id, "next_attempt": False})
            by_external[event.external_id] = event
        return by_external

    @api.model
    def _apply_status(self, event, status):
        """Move ``event`` on a status Meta reported; returns its new state, or None when nothing changed."""
        new_state = wa.next_state(event.state, status.status)
        if not new_state:
            return None
        vals = {"state": new_state}
        if status.recipient and not event.whatsapp_wa_id:
            vals["whatsapp_wa_id"] = status.recipient
        if new_state == "failed":
            vals["error"] = status.error or self.env._("WhatsApp reported the message as failed.")
        else:
            # Progress (sent, delivered, read): whatever went wrong before is over.
            vals.update(error=False, next_attempt=False)
        if new_state == "delivered":
            vals["delivered_at"] = status.timestamp
        elif new_state == "read":
            vals["read_at"] = status.timestamp
            vals["delivered_at"] = event.delivered_at or status.timestamp
        event.write(vals)
        return new_state

    @api.model
    def _opt_out(self, wa_id):
        """Blacklist the sender, under its WhatsApp id and the numbers we wrote to it.

        WhatsApp ids may differ from the number on file (e.g. Brazilian mobiles without
        the ninth digit): the receipts of our messages tie the id to that number.
        """
        digits = "".join(ch for ch in wa_id if ch.isdigit())
        # sudo: the customer's own request arrives through the public webhook.
        known = (
            self.env["collections.event"]
            .sudo()
            .search([("channel", "=", "whatsapp"), ("whatsapp_wa_id", "=", digits), ("recipient", "!=", False)])
        )
        numbers = sorted({"+" + digits, *known.mapped("recipient")})
        self.env["phone.blacklist"].sudo()._add(
            numbers, message=self.env._("Opted out of collection messages on WhatsApp.")
        )
        for customer in self._customers_of_number(wa_id):
            # sudo: noted on the customer from the public webhook, for its collector to see.
            customer.sudo().message_post(
                body=self.env._(
                    "%(numbers)s opted out of collection messages on WhatsApp: no SMS or WhatsApp message goes to "
                    "this number any more.",
                    numbers=", ".join(numbers),
                ),
                author_id=self.env.ref("base.partner_root").id,
            )

    @api.model
    def _customers_of_number(self, wa_id):
        """The customers a WhatsApp sender writes for: those whose messages went to it (the receipts tie a
        WhatsApp id to the number on file), else those whose number, or whose contact's number, it is (a
        collections contact answers for its company)."""
        digits = "".join(ch for ch in wa_id if ch.isdigit())
        # sudo: the sender arrives through the public webhook; only the customers are looked up.
        events = (
            self.env["collections.event"]
            .sudo()
            .search(
                [
                    ("channel", "=", "whatsapp"),
                    "|",
                    ("whatsapp_wa_id", "=", digits),
                    ("recipient", "=", "+" + digits),
                ]
            )
        )
        if events:
            return events.partner_id.commercial_partner_id
        partners = self.env["res.partner"].sudo().search([("phone_sanitized", "=", "+" + digits)])
        return partners.commercial_partner_id
