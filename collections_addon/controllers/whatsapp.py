import json
import logging

from odoo import http
from odoo.http import request

from ..engine import whatsapp as wa

_logger = logging.getLogger(__name__)


class CollectionsWhatsappWebhook(http.Controller):
    @http.route("/collections/whatsapp/webhook", type="http", auth="public", methods=["GET"], csrf=False)
    def verify(self, **params):
        """Meta's subscription check: echo the challenge only for our verify token."""
        challenge = wa.verify_subscription(params, request.env["collections.whatsapp"]._all_secrets("verify_token"))
        if challenge is None:
            return request.make_response("Forbidden", status=403)
        return request.make_response(challenge, headers=[("Content-Type", "text/plain")])

    @http.route("/collections/whatsapp/webhook", type="http", auth="public", methods=["POST"], csrf=False)
    def receive(self):
        body = request.httprequest.get_data(cache=False)
        gateway = request.env["collections.whatsapp"]
        signature = request.httprequest.headers.get("X-Hub-Signature-256")
        companies = gateway._signing_companies(body, signature)
        if not companies:
            _logger.warning("Collections: WhatsApp webhook call with a bad or missing signature refused")
            return request.make_response("Forbidden", status=403)
        try:
            batch = wa.parse_webhook(json.loads(body))
        except ValueError as error:
            _logger.warning("Collections: malformed WhatsApp webhook call refused: %s", error)
            return request.make_response("Bad Request", status=400)
        gateway._process_webhook(batch, companies)
        return request.make_response("OK")
