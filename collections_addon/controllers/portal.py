"""Customer portal: the "invalid or expired link" page and the agreement (review, accept, decline).

Promises to pay and disputes from the invoice page are in ``portal_invoice.py``, which extends this controller.

Every route checks access the way Odoo's portal does (``_document_check_access``: the
record's own rights for a logged-in customer, or the record's ``access_token``); anything
else goes back to ``/my``, which sends anonymous visitors to the login page. Messages are
short codes in the query string, their texts live in the templates (translatable).

The routes are ``website=True`` like Odoo's own portal pages: that flag (handled by ``http_routing``,
no website module needed) is what gives ``portal.frontend_layout`` its language and frontend values.
"""

import logging
from urllib.parse import urlencode

from markupsafe import Markup

from odoo import http
from odoo.addons.account.controllers.portal import PortalAccount
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request
from odoo.tools import str2bool

from ..engine import (
    AGREEMENT_INTERNAL_STATES,
    AGREEMENT_STEPS,
    PORTAL_NAME_LENGTH,
    PORTAL_TEXT_LENGTH,
)

_logger = logging.getLogger(__name__)

AGREEMENT_REPORT = "collections_addon.action_report_collections_agreement"


class CollectionsCustomerPortal(PortalAccount):
    # ------------------------------------------------------------------
    # Links that no longer work
    # ------------------------------------------------------------------

    def _collections_invalid_link(self):
        """A link from a reminder or an agreement e-mail that is wrong or expired: say so, show nothing."""
        return request.render(
            "collections_addon.portal_invalid_link",
            {"login_url": f"/web/login?redirect={request.httprequest.path}"},
            status=403,
        )

    @http.route()
    def portal_my_invoice_detail(self, invoice_id, access_token=None, report_type=None, download=False, **kw):
        # The payment link of every reminder opens this page: a customer whose link is wrong or expired
        # learns it, instead of landing on a login form with no word of explanation.
        try:
            self._document_check_access("account.move", invoice_id, access_token)
        except (AccessError, MissingError):
            return self._collections_invalid_link()
        return super().portal_my_invoice_detail(
            invoice_id, access_token=access_token, report_type=report_type, download=download, **kw
        )

    # ------------------------------------------------------------------
    # Agreement
    # ------------------------------------------------------------------

    def _collections_agreement_sudo(self, agreement_id, access_token):
        """The agreement (superuser record) the visitor may see, or None.

        A draft, or one waiting for a manager, is internal: never shown.
        """
        try:
            agreement_sudo = self._document_check_access("collections.negotiation", agreement_id, access_token)
        except (AccessError, MissingError):
            return None
        if agreement_sudo.state in AGREEMENT_INTERNAL_STATES:
            return None
        return agreement_sudo.with_company(agreement_sudo.company_id)

    @staticmethod
    def _collections_url(record, access_token, params, anchor=None):
        """The record's portal page with ``params``; keeps the token the visitor came with.

        A logged-in customer may have come without a token: the record's own token is used then.
        """
        query = urlencode({"access_token": access_token or record._portal_ensure_token(), **params})
        return f"{record.access_url}?{query}" + (f"#{anchor}" if anchor else "")

    def _collections_agreement_redirect(self, agreement_sudo, access_token, message):
        return request.redirect(self._collections_url(agreement_sudo, access_token, {"message": message}))

    def _collections_agreement_problem(self, agreement_sudo, who, error):
        """Tell the collector why the customer's acceptance could not be recorded."""
        note = request.env._(
            "%(who)s tried to accept the agreement on the portal, but it could not be recorded: %(error)s",
            who=who,
            error=error.args[0] if error.args else str(error),
        )
        agreement_sudo.message_post(body=note)
        if agreement_sudo.user_id and agreement_sudo.user_id.active:
            agreement_sudo.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=request.env._("Customer could not accept agreement %(name)s", name=agreement_sudo.name),
                note=Markup("<p>%s</p>") % note,
                user_id=agreement_sudo.user_id.id,
            )

    def _collections_visitor_name(self, typed, partner):
        name = (typed or "").strip()[:PORTAL_NAME_LENGTH]
        if name:
            return name
        user = request.env.user
        return partner.name if user._is_public() else user.partner_id.name

    @http.route(
        "/my/collections/agreement/<int:agreement_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def collections_agreement_page(
        self, agreement_id, access_token=None, report_type=None, download=False, message=None, **kwargs
    ):
        agreement_sudo = self._collections_agreement_sudo(agreement_id, access_token)
        if agreement_sudo is None:
            return self._collections_invalid_link()
        if report_type in ("html", "pdf"):
            return self._show_report(
                model=agreement_sudo,
                report_type=report_type,
                report_ref=AGREEMENT_REPORT,
                download=str2bool(str(download), False),
            )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "collections_agreement",
                "agreement": agreement_sudo,
                "message": message,
                "res_company": agreement_sudo.company_id,
                "can_answer": AGREEMENT_STEPS.allows("accept", agreement_sudo.state),
                "installment_pays": self._collections_installment_pays(agreement_sudo),
            }
        )
        values = self._get_page_view_values(agreement_sudo, access_token, values, "my_collections_history", True)
        return request.render("collections_addon.portal_agreement_page", values)

    @staticmethod
    def _collections_installment_pays(agreement_sudo):
        """{instalment id: "How to pay" block} of each instalment still owed: its payment QR code and "copia e cola",
        and its "Pay online" link where the company takes payments online."""
        # sudo (already: the agreement is the superuser record the access check returned): the visitor cannot read
        # the company's bank account; only the instalments' payment codes are shown.
        pays = agreement_sudo.installment_ids.sudo()._pay_nows()
        PayNow = request.env["collections.pay.now"].sudo()
        lang = request.env.lang or agreement_sudo.partner_id.lang or "en_US"
        blocks = {installment_id: PayNow._pay_block(pay, lang) for installment_id, pay in pays.items()}
        # Without a QR method for the company's bank account nor online payment, nothing is added to the schedule.
        ways = ("qr_url", "qr_text", "link")
        return {key: block for key, block in blocks.items() if block and any(block[way] for way in ways)}

    def _collections_answerable(self, agreement_id, access_token):
        """(agreement, None) when the visitor may answer it now, else (agreement or None, the redirect)."""
        agreement_sudo = self._collections_agreement_sudo(agreement_id, access_token)
        if agreement_sudo is None:
            return None, self._collections_invalid_link()
        if not AGREEMENT_STEPS.allows("accept", agreement_sudo.state):
            return agreement_sudo, self._collections_agreement_redirect(agreement_sudo, access_token, "not_proposed")
        return agreement_sudo, None

    @http.route(
        "/my/collections/agreement/<int:agreement_id>/accept",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def collections_agreement_accept(self, agreement_id, access_token=None, name=None, **kwargs):
        agreement_sudo, refusal = self._collections_answerable(agreement_id, access_token)
        if refusal:
            return refusal
        who = self._collections_visitor_name(name, agreement_sudo.partner_id)
        try:
            with request.env.cr.savepoint():
                # sudo: the customer has no right to write agreements or to post accounting entries;
                # the access check above (own record or its access token) is what authorises the answer,
                # and _accept only moves a proposed agreement forward and books its own entry.
                agreement_sudo.sudo()._accept(who=who, ip=request.httprequest.remote_addr)
        except (UserError, ValidationError) as error:
            # A setting is missing or the invoices changed: the customer cannot fix it, the collector can.
            _logger.info("Collections: online acceptance of agreement %s failed: %s", agreement_sudo.id, error)
            self._collections_agreement_problem(agreement_sudo, who, error)
            return self._collections_agreement_redirect(agreement_sudo, access_token, "accept_failed")
        return self._collections_agreement_redirect(agreement_sudo, access_token, "accepted")

    @http.route(
        "/my/collections/agreement/<int:agreement_id>/decline",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
    )
    def collections_agreement_decline(self, agreement_id, access_token=None, reason=None, **kwargs):
        agreement_sudo, refusal = self._collections_answerable(agreement_id, access_token)
        if refusal:
            return refusal
        reason = (reason or "").strip()[:PORTAL_TEXT_LENGTH]
        # sudo: as for the acceptance, the token (or the customer's own record) authorises the answer.
        agreement_sudo.sudo().action_decline(reason or False)
        return self._collections_agreement_redirect(agreement_sudo, access_token, "declined")
