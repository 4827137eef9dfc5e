"""The short payment link printed on letters: ``/pay/<invoice id>/<code>`` opens the invoice's portal page.

A portal URL with its access token is about a hundred characters, which nobody types from paper.
The code is the first hex digits of that token (see ``pay_link_code``), so the short link opens
exactly what the long one does, no more.
"""

from odoo import http
from odoo.http import request
from odoo.tools import consteq

from ..models.collections_script import PAY_LINK_CODE_LENGTH, pay_link_code


class CollectionsPayLink(http.Controller):
    @http.route("/pay/<int:move_id>/<string:code>", type="http", auth="public", methods=["GET"], website=True)
    def collections_pay_link(self, move_id, code, **kwargs):
        # sudo: a visitor without a login reaches the invoice with this part of its access token only.
        move_sudo = request.env["account.move"].sudo().browse(move_id).exists()
        if (
            not move_sudo
            or not move_sudo.is_sale_document(include_receipts=True)
            or len(code) != PAY_LINK_CODE_LENGTH
            or not move_sudo.access_token
            or not consteq(pay_link_code(move_sudo.access_token), code)
        ):
            # Mistyped from paper, or the invoice's link was renewed: say so rather than a bare 404.
            return request.render(
                "collections_addon.portal_invalid_link", {"login_url": "/web/login?redirect=/my/invoices"}, status=403
            )
        return request.redirect(move_sudo.get_portal_url(), code=303)
