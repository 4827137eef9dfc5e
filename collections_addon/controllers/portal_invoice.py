"""Customer portal: promise to pay or dispute an invoice from its page.

The same access rules as the agreement pages (``portal.py``, extended here): the invoice's own rights for a
logged-in customer, or its ``access_token``. What the customer may do alone is bounded by the engine's portal
windows (``engine.promise``); anything else goes through the collector.
"""

import logging
import math
from datetime import timedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from ..engine import (
    AGREEMENT_PENDING_STATES,
    DISPUTE_PAUSING_STATES,
    PORTAL_NAME_LENGTH,
    PORTAL_PROMISE_DAYS,
    PORTAL_RENEWAL_DAYS,
    PORTAL_TEXT_LENGTH,
    PROMISE_PAUSING_STATES,
    promise_date_problem,
)
from ..engine.protest import AT_NOTARY_STATES
from ..engine.receivable import CLAIMABLE_MOVE_TYPES, is_open_invoice
from .portal import CollectionsCustomerPortal

_logger = logging.getLogger(__name__)

# A protest holds its invoice while the title is at the notary (sent, protocolled, notified or suspended there).
_AT_NOTARY_STATES = tuple(sorted(AT_NOTARY_STATES))


class CollectionsInvoicePortal(CollectionsCustomerPortal):
    # ------------------------------------------------------------------
    # Promise to pay and dispute from the invoice page
    # ------------------------------------------------------------------

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values.update(self._collections_invoice_values(invoice, kwargs.get("collections_message")))
        return values

    def _collections_invoice_values(self, invoice_sudo, message):
        invoice_sudo = invoice_sudo.sudo()
        answerable = self._collections_invoice_open(invoice_sudo)
        promise = dispute = held = None
        if answerable:
            promise = self._collections_open_promise(invoice_sudo)
            dispute = self._collections_open_dispute(invoice_sudo)
            held = self._collections_held(invoice_sudo)
        # The agreement whose entry settled the invoice: the customer pays its instalments, on its own page.
        settled_by = invoice_sudo.collections_settled_by_id.sudo()
        today = invoice_sudo.company_id._collections_today() if answerable else None
        last_day = today and today + timedelta(days=PORTAL_PROMISE_DAYS)
        return {
            "collections_pay": self._collections_pay_block(invoice_sudo) if answerable and not held else None,
            "collections_message": message,
            "collections_answerable": answerable,
            "collections_promise": promise,
            "collections_dispute": dispute,
            "collections_held": held,
            "collections_settled_by": settled_by,
            "collections_settled_by_url": settled_by and settled_by.get_portal_url(),
            "collections_min_date": today and fields.Date.to_string(today),
            "collections_max_date": last_day and fields.Date.to_string(last_day),
            "collections_max_date_value": last_day,
            "collections_max_days": PORTAL_PROMISE_DAYS,
        }

    @staticmethod
    def _collections_pay_block(invoice_sudo):
        """The invoice's "How to pay" block (``collections.pay.now``): its charges when its customer's charges profile
        shows them, and the company's payment QR code with its text form ("copia e cola") at the invoice's amount due
        now; None when nothing applies. Odoo's own "Pay now" button stays the online payment: no second link."""
        company = invoice_sudo.company_id
        # sudo: the visitor (the customer, or anyone with the invoice's token) cannot read charges profiles nor the
        # company's bank account; the page shows only this invoice's amounts and the company's payment code.
        PayNow = request.env["collections.pay.now"].sudo().with_company(company)
        pay = PayNow._pay_now(company, {invoice_sudo.id: invoice_sudo}).get(invoice_sudo.id)
        block = PayNow._pay_block(pay, request.env.lang or invoice_sudo.partner_id.lang or "en_US")
        return dict(block, link="") if block else None

    @staticmethod
    def _collections_invoice_open(invoice_sudo):
        return invoice_sudo.move_type in CLAIMABLE_MOVE_TYPES and is_open_invoice(
            invoice_sudo.state, invoice_sudo.payment_state
        )

    @staticmethod
    def _collections_held(invoice_sudo):
        """'notary' or 'agreement' when the invoice is settled elsewhere than by a promise here, else None."""
        # sudo: only whether a protest or an agreement is under way, never their details.
        at_notary = (
            request.env["collections.protest"]
            .sudo()
            .search_count(
                [("move_id", "=", invoice_sudo.id), ("state", "in", _AT_NOTARY_STATES)],
                limit=1,
            )
        )
        if at_notary:
            return "notary"
        in_agreement = (
            request.env["collections.negotiation"]
            .sudo()
            .search_count(
                [("move_ids", "in", invoice_sudo.ids), ("state", "in", AGREEMENT_PENDING_STATES)],
                limit=1,
            )
        )
        return "agreement" if in_agreement else None

    @staticmethod
    def _collections_open_promise(invoice_sudo):
        return (
            request.env["collections.promise"]
            .sudo()
            .search(
                [("move_ids", "in", invoice_sudo.ids), ("state", "in", PROMISE_PAUSING_STATES)],
                order="date desc",
                limit=1,
            )
        )

    @staticmethod
    def _collections_open_dispute(invoice_sudo):
        return (
            request.env["collections.dispute"]
            .sudo()
            .search([("move_ids", "in", invoice_sudo.ids), ("state", "in", DISPUTE_PAUSING_STATES)], limit=1)
        )

    def _collections_invoice_sudo(self, invoice_id, access_token):
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return None
        return invoice_sudo.with_company(invoice_sudo.company_id)

    def _collections_invoice_redirect(self, invoice_sudo, access_token, message):
        return request.redirect(
            self._collections_url(
                invoice_sudo, access_token, {"collections_message": message}, anchor="collections_invoice_answer"
            )
        )

    def _collections_owner(self, invoice_sudo):
        """Who handles what the customer said on the portal.

        The customer's collector in the invoice's company first (the person already following
        this customer), then the invoice's salesperson (who knows the sale), then the first
        collections manager of the company (someone must own it), and the administrator last.
        Only active internal users of the invoice's company qualify.
        """
        company = invoice_sudo.company_id

        def usable(user):
            return user and user.active and not user.share and company in user.company_ids

        partner = invoice_sudo.commercial_partner_id.with_company(company)
        for user in (partner.collections_responsible_id, invoice_sudo.invoice_user_id):
            if usable(user):
                return user
        managers = (
            request.env.ref("collections_addon.group_collections_manager")
            .sudo()
            .all_user_ids.filtered(usable)
            .sorted("id")
        )
        if managers:
            return managers[0]
        return request.env.ref("base.user_admin").sudo()

    def _collections_note(self, name=None):
        user = request.env.user
        who = (name or "").strip()[:PORTAL_NAME_LENGTH] or (
            request.env._("access link") if user._is_public() else user.partner_id.name
        )
        return request.env._(
            "Recorded by the customer on the portal (%(who)s, from %(ip)s).",
            who=who,
            ip=request.httprequest.remote_addr,
        )

    def _collections_recent(self, invoice_sudo, model, domain):
        """Whether the invoice had such a promise or dispute in the last PORTAL_RENEWAL_DAYS days."""
        since = fields.Datetime.now() - timedelta(days=PORTAL_RENEWAL_DAYS)
        # sudo: the visitor may not read promises and disputes; only their existence is checked.
        return bool(
            request.env[model]
            .sudo()
            .search_count([("move_ids", "in", invoice_sudo.ids), ("write_date", ">=", since), *domain], limit=1)
        )

    def _collections_refusal(self, invoice_sudo, kind):
        """Why the customer cannot record a ``kind`` ("promise" or "dispute") on the invoice alone, or None."""
        if not self._collections_invoice_open(invoice_sudo):
            return "not_open"
        if kind == "promise" and self._collections_open_promise(invoice_sudo):
            return "promise_exists"
        if self._collections_open_dispute(invoice_sudo):
            return "dispute_exists"
        if self._collections_held(invoice_sudo):
            return "held"
        # A broken promise is not renewed, nor a dispute just resolved reopened, online at once: the collector
        # talks to the customer first.
        if kind == "promise" and self._collections_recent(
            invoice_sudo, "collections.promise", [("state", "=", "broken")]
        ):
            return "promise_recently_broken"
        if kind == "dispute" and self._collections_recent(
            invoice_sudo, "collections.dispute", [("state", "=", "resolved")]
        ):
            return "dispute_recently_resolved"
        return None

    @staticmethod
    def _collections_promise_amount(invoice_sudo, amount):
        """The typed amount in the company's currency (at the invoice's own rate), or None when it is not an amount
        above zero and at most what the invoice still owes."""
        currency = invoice_sudo.currency_id
        try:
            value = float((amount or "").strip().replace(",", "."))
        except ValueError:
            value = math.nan
        if not math.isfinite(value):
            return None
        value = currency.round(value)
        if currency.compare_amounts(value, 0) <= 0 or currency.compare_amounts(value, invoice_sudo.amount_residual) > 0:
            return None
        company_currency = invoice_sudo.company_id.currency_id
        if currency != company_currency:
            # The promise is kept in the company's currency, at the invoice's own rate.
            value = company_currency.round(
                value * abs(invoice_sudo.amount_residual_signed) / invoice_sudo.amount_residual
            )
        return value

    def _collections_record(self, invoice_sudo, kind, values):
        """Record the customer's promise or dispute on the invoice: "<kind>_done", or "<kind>_failed" when refused."""
        company = invoice_sudo.company_id
        try:
            with request.env.cr.savepoint():
                # sudo: customers have no access to promises and disputes; the access check on the invoice (own
                # invoice or its token) authorises recording what the customer says about it. A promise takes the
                # grace days of the customer's plan and the company's day.
                request.env[f"collections.{kind}"].sudo().with_company(company).create(
                    {
                        "partner_id": invoice_sudo.commercial_partner_id.id,
                        "company_id": company.id,
                        "move_ids": [fields.Command.set(invoice_sudo.ids)],
                        "source": "portal",
                        "user_id": self._collections_owner(invoice_sudo).id,
                        **values,
                    }
                )
        except (UserError, ValidationError) as error:
            _logger.info("Collections: portal %s on invoice %s refused: %s", kind, invoice_sudo.id, error)
            return f"{kind}_failed"
        return f"{kind}_done"

    @http.route(
        "/my/collections/invoice/<int:invoice_id>/promise",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def collections_invoice_promise(self, invoice_id, access_token=None, date=None, amount=None, **kwargs):
        invoice_sudo = self._collections_invoice_sudo(invoice_id, access_token)
        if invoice_sudo is None:
            return self._collections_invalid_link()

        def back(message):
            return self._collections_invoice_redirect(invoice_sudo, access_token, message)

        refusal = self._collections_refusal(invoice_sudo, "promise")
        if refusal:
            return back(refusal)
        try:
            promised_date = fields.Date.to_date(date or None)
        except ValueError:
            promised_date = None
        problem = promise_date_problem(invoice_sudo.company_id._collections_today(), promised_date, PORTAL_PROMISE_DAYS)
        if problem:
            return back(f"promise_date_{problem}")
        value = self._collections_promise_amount(invoice_sudo, amount)
        if value is None:
            return back("promise_amount_invalid")
        return back(
            self._collections_record(
                invoice_sudo,
                "promise",
                {"amount": value, "date": promised_date, "note": self._collections_note()},
            )
        )

    @http.route(
        "/my/collections/invoice/<int:invoice_id>/dispute",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def collections_invoice_dispute(self, invoice_id, access_token=None, reason=None, **kwargs):
        invoice_sudo = self._collections_invoice_sudo(invoice_id, access_token)
        if invoice_sudo is None:
            return self._collections_invalid_link()

        def back(message):
            return self._collections_invoice_redirect(invoice_sudo, access_token, message)

        refusal = self._collections_refusal(invoice_sudo, "dispute")
        if refusal:
            return back(refusal)
        reason = (reason or "").strip()[:PORTAL_TEXT_LENGTH]
        if not reason:
            return back("dispute_reason_missing")
        return back(self._collections_record(invoice_sudo, "dispute", {"reason": reason}))
