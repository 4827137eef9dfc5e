"""WhatsApp Business Cloud API: the gateway's settings and its outgoing queue.

The rules (payload shape, signature, retry classification, state machine,
opt-out words, escalation delays) live in ``engine.whatsapp``; this model does
the I/O. It spans three files: the queue here, ``collections_whatsapp_webhook.py``
(delivery receipts and opt-outs) and ``collections_whatsapp_escalation.py``
(failures, fallbacks, escalations on delivery state).
"""

import json
import logging

import requests

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
        blacklisted = self._blacklisted(events)
        handled = 0
        for event in events:
            self._send_one(event, commit=commit, blacklisted=blacklisted)
            handled += 1
            if commit and self.env["ir.cron"]._commit_progress(1, remaining=len(events) - handled) <= 0:
                break
        return handled

    @api.model
    def _send_one(self, event, commit=False, blacklisted=None):
        """``blacklisted``: the opted-out numbers of the batch (``_blacklisted``), read once for it."""
        config = self._config(event.company_id)
        problem = self._config_problem(event.company_id)
        if problem:
            self._fail(event, problem)
            return
        if self._cancel_if_stale(event, blacklisted):
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
        status_code, body, timed_out = self._post(config, payload)
        verdict = wa.classify_response(status_code, timed_out=timed_out)
        if verdict == "ok":
            self._accepted(event, body)
        else:
            self._refused(event, attempt, verdict, status_code, body, timed_out)

    @api.model
    def _cancel_if_stale(self, event, blacklisted=None):
        """Cancel a queued message that must not go out any more; True when it was cancelled."""
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
            return True
        if self._opted_out(event, blacklisted):
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
            return True
        return False

    @api.model
    def _post(self, config, payload):
        """POST the message to the Cloud API: (HTTP status or None, JSON body or None, timed out)."""
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
        return status_code, body, timed_out

    @api.model
    def _accepted(self, event, body):
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

    @api.model
    def _refused(self, event, attempt, verdict, status_code, body, timed_out):
        """The API did not take the message: retry later, or fail (and fall back) for good."""
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
    def _opted_out(self, event, blacklisted=None):
        """Whether the message's number opted out; ``blacklisted`` (the batch's opted-out numbers) saves a
        query per message."""
        # A message to its collections contact's number does not stop for the customer's own number.
        own_number = event.recipient in (False, event.partner_id.phone_sanitized)
        if own_number and event.partner_id.phone_sanitized_blacklisted:
            return True
        if blacklisted is None:
            blacklisted = self._blacklisted(event)
        return bool(event.recipient) and event.recipient in blacklisted

    @api.model
    def _blacklisted(self, events):
        """The numbers of ``events`` that opted out of text messages (the phone blacklist), in one query."""
        numbers = {event.recipient for event in events if event.recipient}
        if not numbers:
            return set()
        # sudo: the blacklist is not readable by the queue's users; only the presence of a number is checked.
        found = self.env["phone.blacklist"].sudo().search_fetch([("number", "in", list(numbers))], ["number"])
        return set(found.mapped("number"))

    @api.model
    def _fail(self, event, error):
        event.write({"state": "failed", "error": error, "next_attempt": False})
        self._handle_failures(event)
