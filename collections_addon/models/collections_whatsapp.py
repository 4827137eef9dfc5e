"""WhatsApp Business Cloud API: the outgoing queue, delivery receipts and escalations.

The rules (payload shape, signature, retry classification, state machine,
opt-out words) live in ``engine.whatsapp``; this model does the I/O.
"""

import json
import logging
from datetime import timedelta

import requests
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_datetime

from ..engine import whatsapp as wa

_logger = logging.getLogger(__name__)

# Always bounded: a hanging API must not hold the queue's cron worker.
REQUEST_TIMEOUT = 10


class CollectionsWhatsapp(models.AbstractModel):
    _name = "collections.whatsapp"
    _description = "Collections WhatsApp Gateway"

    # ------------------------------------------------------------------
    # Configuration
    # ------------------------------------------------------------------

    @api.model
    def _config(self, company):
        """The company's API settings; only the gateway reads them (they hold secrets)."""
        # sudo: the settings are restricted to administrators; the queue and webhook run as other users.
        company = company.sudo()
        return {
            "url": (company.collections_whatsapp_api_url or "").rstrip("/"),
            "phone_number_id": (company.collections_whatsapp_phone_number_id or "").strip(),
            "token": (company.collections_whatsapp_token or "").strip(),
            "app_secret": company.collections_whatsapp_app_secret or "",
            "verify_token": company.collections_whatsapp_verify_token or "",
        }

    @api.model
    def _config_problem(self, company):
        """A sentence naming what is missing in the settings, or False."""
        config = self._config(company)
        missing = [
            label
            for key, label in (
                ("url", self.env._("API base URL")),
                ("phone_number_id", self.env._("Phone number ID")),
                ("token", self.env._("Access token")),
                # Without it no receipt is accepted: no delivery state, escalation or fallback.
                ("app_secret", self.env._("App secret")),
            )
            if not config[key]
        ]
        if not missing:
            return False
        return self.env._(
            "WhatsApp is not configured for %(company)s (missing: %(missing)s): an administrator fills them in "
            "Settings > Collections > WhatsApp.",
            company=company.name,
            missing=", ".join(missing),
        )

    @api.model
    def _all_secrets(self, key):
        # sudo: the webhook is public; it compares the signature with every company's secret.
        companies = self.env["res.company"].sudo().search([])
        return [value for value in (self._config(company)[key] for company in companies) if value]

    # ------------------------------------------------------------------
    # Outgoing queue
    # ------------------------------------------------------------------

    @api.model
    def _payload(self, event):
        """The Cloud API request body of a queued event (its template, language and parameters as queued).

        Raises ``ValueError`` when the queued message cannot be sent as it is.
        """
        queued = json.loads(event.whatsapp_payload or "{}")
        if not isinstance(queued, dict) or not queued.get("template"):
            raise ValueError(self.env._("The WhatsApp message has no content: queue the step again."))
        return wa.build_template_message(
            to=event.recipient or "",
            template_name=queued["template"],
            language=queued.get("language") or event.partner_id.lang or "en_US",
            parameters=queued.get("parameters") or [],
            callback_data=f"collections.event:{event.id}",
        )

    @api.model
    def _cron_send(self):
        self._send_queued(commit=True)

    @api.model
    def _send_queued(self, commit=False, limit=None):
        """Hand the due WhatsApp messages to the API; returns the number handled."""
        Event = self.env["collections.event"].sudo()
        domain = [
            ("channel", "=", "whatsapp"),
            ("state", "=", "queued"),
            ("external_id", "=", False),
            "|",
            ("next_attempt", "=", False),
            ("next_attempt", "<=", fields.Datetime.now()),
        ]
        events = Event.search(domain, order="next_attempt, id", limit=limit)
        handled = 0
        for event in events:
            self._send_one(event, commit=commit)
            handled += 1
            if commit and self.env["ir.cron"]._commit_progress(1, remaining=len(events) - handled) <= 0:
                break
        return handled

    @api.model
    def _send_one(self, event, commit=False):
        config = self._config(event.company_id)
        problem = self._config_problem(event.company_id)
        if problem:
            self._fail(event, problem)
            return
        channel = self.env["collections.channel"]
        if channel._on_hold(event.partner_id, event.company_id) or channel._all_paid(event):
            # Paused (promise, dispute), excluded or paid since the step was queued: no reminder any more.
            event.write(
                {
                    "state": "cancelled",
                    "next_attempt": False,
                    "error": self.env._(
                        "Not sent: the customer was paused or excluded, or the invoices were paid, after the "
                        "message was queued."
                    ),
                }
            )
            return
        if self._opted_out(event):
            # The customer opted out (e.g. answered STOP) after the step was queued: the opt-out wins.
            event.write(
                {
                    "state": "cancelled",
                    "next_attempt": False,
                    "error": self.env._(
                        "%(number)s opted out of text messages (blacklisted) before the message was sent: "
                        "contact the customer on another channel, or remove the number from the phone "
                        "blacklist if the customer agrees.",
                        number=event.recipient,
                    ),
                }
            )
            self._handle_failures(event)
            return
        attempt = event.attempts + 1
        # Recorded before the call: a crash during it is retried later, never forgotten.
        event.write({"attempts": attempt, "next_attempt": fields.Datetime.now() + wa.retry_delay(attempt)})
        if commit:
            self.env.cr.commit()
        try:
            payload = self._payload(event)
        except ValueError as error:
            self._fail(event, self.env._("The WhatsApp message cannot be sent: %(error)s", error=error))
            return
        url = f"{config['url']}/{config['phone_number_id']}/messages"
        status_code, body, timed_out = None, None, False
        try:
            response = requests.post(
                url,
                json=payload,
                headers={"Authorization": f"Bearer {config['token']}"},
                timeout=REQUEST_TIMEOUT,
            )
            status_code = response.status_code
            try:
                body = response.json()
            except ValueError:
                body = None
        except requests.exceptions.Timeout:
            timed_out = True
        except requests.exceptions.RequestException as error:
            _logger.warning("Collections: WhatsApp API unreachable: %s", error)
        verdict = wa.classify_response(status_code, timed_out=timed_out)
        if verdict == "ok":
            try:
                message_id = wa.response_message_id(body)
            except ValueError:
                self._fail(event, self.env._("The WhatsApp API accepted the message but returned no message id."))
                return
            event.write(
                {
                    "state": "sent",
                    "external_id": message_id,
                    "sent_at": fields.Datetime.now(),
                    "next_attempt": False,
                    "error": False,
                }
            )
            return
        error = (
            self.env._("No answer from the WhatsApp API within %(seconds)s seconds.", seconds=REQUEST_TIMEOUT)
            if timed_out
            else wa.error_text(body, status_code)
        )
        if verdict == "retry" and attempt < wa.MAX_ATTEMPTS:
            event.write(
                {
                    "error": self.env._(
                        "Attempt %(attempt)s of %(max)s failed, retrying at %(when)s: %(error)s",
                        attempt=attempt,
                        max=wa.MAX_ATTEMPTS,
                        # The company's time: the error is read by people, not machines.
                        when=format_datetime(
                            self.env, event.next_attempt, tz=event.company_id.partner_id.tz or self.env.user.tz
                        ),
                        error=error,
                    )
                }
            )
            return
        if verdict == "retry":
            error = self.env._("Gave up after %(attempts)s attempts: %(error)s", attempts=attempt, error=error)
        self._fail(event, error)

    @api.model
    def _opted_out(self, event):
        if event.partner_id.phone_sanitized_blacklisted:
            return True
        # sudo: the blacklist is not readable by the queue's users; only its presence is checked.
        return bool(event.recipient) and bool(
            self.env["phone.blacklist"].sudo().search_count([("number", "=", event.recipient)], limit=1)
        )

    @api.model
    def _fail(self, event, error):
        event.write({"state": "failed", "error": error, "next_attempt": False})
        self._handle_failures(event)

    # ------------------------------------------------------------------
    # Webhook
    # ------------------------------------------------------------------

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
        # sudo: the webhook is a public route authenticated by its signature, not by a user.
        Event = self.env["collections.event"].sudo()
        if companies is None:
            companies = self.env["res.company"].sudo().search([])
        if batch.phone_number_ids:
            companies = companies.filtered(
                lambda company: self._config(company)["phone_number_id"] in batch.phone_number_ids
            )
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
        failed = Event
        for status in sorted(batch.statuses, key=lambda s: s.timestamp):
            event = by_external.get(status.message_id)
            if not event:
                continue
            new_state = wa.next_state(event.state, status.status)
            if not new_state:
                continue
            vals = {"state": new_state}
            if status.recipient and not event.whatsapp_wa_id:
                vals["whatsapp_wa_id"] = status.recipient
            if new_state == "delivered":
                vals["delivered_at"] = status.timestamp
            elif new_state == "read":
                vals["read_at"] = status.timestamp
                vals["delivered_at"] = event.delivered_at or status.timestamp
            elif new_state == "failed":
                vals["error"] = status.error or self.env._("WhatsApp reported the message as failed.")
                failed |= event
            if new_state in ("sent", "delivered", "read"):
                vals["error"] = False
                vals["next_attempt"] = False
            event.write(vals)
        if failed:
            self._handle_failures(failed)
        for message in batch.messages:
            if wa.is_opt_out(message.text):
                self._opt_out(message.sender)

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

    # ------------------------------------------------------------------
    # Escalations on delivery state
    # ------------------------------------------------------------------

    @api.model
    def _handle_failures(self, events):
        """A failed WhatsApp message falls back to the level's SMS or letter, or goes to the collector."""
        to_flag = events.browse()
        channel = self.env["collections.channel"]
        for event in events.filtered(lambda e: not e.escalated):
            fallback = event.level_id.whatsapp_fallback
            if fallback in ("sms", "letter") and channel._queue_fallback(event, fallback):
                event.escalated = True
            else:
                to_flag |= event
        if to_flag:
            to_flag.escalated = True
            self.env["collections.runner"]._flag_undelivered(to_flag)

    @api.model
    def _fall_back(self, events):
        """Queue the level's fallback (SMS or letter) for messages that could not be queued at all.

        The run already gave the collector a task for them: only the fallback is missing.
        """
        channel = self.env["collections.channel"]
        for event in events.filtered(lambda e: not e.escalated):
            fallback = event.level_id.whatsapp_fallback
            if fallback in ("sms", "letter") and channel._queue_fallback(event, fallback):
                event.escalated = True

    @api.model
    def _escalate(self):
        """Escalations on delivery state, each in its own savepoint so that one never blocks the others.

        Read but still unpaid after the level's delay: the collector gets a call task.
        Sent but never delivered after the level's delay: the message counts as failed
        and falls back like one.
        """
        Event = self.env["collections.event"].sudo()
        now = fields.Datetime.now()
        read = Event.search(
            [
                ("channel", "=", "whatsapp"),
                ("state", "=", "read"),
                ("escalated", "=", False),
                ("level_id.whatsapp_read_call_hours", ">", 0),
            ]
        ).filtered(lambda e: e.read_at and e.read_at + timedelta(hours=e.level_id.whatsapp_read_call_hours) <= now)
        undelivered = Event.search(
            [
                ("channel", "=", "whatsapp"),
                ("state", "=", "sent"),
                ("escalated", "=", False),
                ("level_id.whatsapp_undelivered_hours", ">", 0),
            ]
        ).filtered(lambda e: e.sent_at and e.sent_at + timedelta(hours=e.level_id.whatsapp_undelivered_hours) <= now)
        channel = self.env["collections.channel"]
        for event in read | undelivered:
            try:
                with self.env.cr.savepoint():
                    if channel._all_paid(event) or channel._on_hold(event.partner_id, event.company_id):
                        # Paid, paused or excluded: nothing to escalate; a later pause end is a new step.
                        event.escalated = True
                    elif event.state == "read":
                        channel._plan_call_after_read(event)
                        event.escalated = True
                    else:
                        event.write(
                            {
                                "state": "failed",
                                "error": self.env._(
                                    "Not delivered within %(hours)s hours of sending: the customer's phone may be "
                                    "off or the number may not use WhatsApp.",
                                    hours=event.level_id.whatsapp_undelivered_hours,
                                ),
                            }
                        )
                        self._handle_failures(event)
            except Exception:
                _logger.exception("Collections: WhatsApp escalation of event %s failed", event.id)

    @api.model
    def _read_note(self, event):
        return Markup("<p>%s</p>") % self.env._(
            "The customer read the WhatsApp reminder on %(date)s and has not paid yet.",
            date=fields.Datetime.to_string(event.read_at),
        )
