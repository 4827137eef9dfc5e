"""How a customer pays now: the amount due with its legal charges, a payment QR code and a payment link.

Nothing here encodes a payment standard. The QR code is Odoo's own, from the company's bank account
(``res.partner.bank`` QR methods: the Pix EMV code with the Brazilian localization, the EPC/SEPA code in
Europe, …); its text form is what the method encodes (the Pix "copia e cola"). The link is Odoo's online
payment of an invoice (``account_payment``'s payment link), offered only where a payment provider is
enabled for the company. Where none applies, the reminder simply has no QR code or no link.
"""

import contextlib
from dataclasses import dataclass, replace
from decimal import Decimal

from werkzeug.urls import url_encode

from odoo import api, models
from odoo.tools import formatLang, str2bool
from odoo.tools.misc import hmac

from ..engine.charges import Charges, charges_for
from ..engine.pay_now import CHARGES_COLLECT, CHARGES_HIDE, AmountDueNow, amount_due_now, pay_code_for_text

# Credit notes: deducted from the amount claimed, never charged.
REFUND_TYPES = ("out_refund", "in_refund")
# Provider states in which a payment form accepts payments (test: a sandbox account, payments are not real).
PAYABLE_PROVIDER_STATES = ("enabled", "test")


@dataclass(frozen=True)
class PayNow:
    """A customer's way to pay what is claimed now (one currency).

    ``amount``: the engine's itemised ``AmountDueNow``; ``currency``: a ``res.currency``; ``qr_url``: the
    absolute URL of the QR image (Odoo's barcode route) or ""; ``qr_text``: the QR code's text form ("copia e
    cola") or ""; ``qr_name``: the QR method's name; ``link``: the online payment link or ""; ``link_move``: the
    invoice the link pays; ``reference``: what the payment carries; ``problem``: why charges are not included.
    """

    amount: AmountDueNow
    currency: object
    qr_url: str = ""
    qr_text: str = ""
    qr_name: str = ""
    link: str = ""
    link_move: object = None
    link_amount: float = 0.0
    reference: str = ""
    problem: str = ""

    def text_code(self, room):
        """What a text message carries to pay within ``room`` characters (``engine.pay_now.pay_code_for_text``)."""
        return pay_code_for_text(self.qr_text, self.link, room)


class CollectionsPayNow(models.AbstractModel):
    _name = "collections.pay.now"
    _description = "Collections: how a customer pays now"

    @api.model
    def _pay_now(self, company, moves_by_key, on_date=None, embed_qr=False):
        """``{key: PayNow}`` for each ``{key: invoices claimed}`` of ``company`` (one customer per key).

        In bulk for a run's batch: charges with the rate tables read once, access tokens written in one
        statement, the bank account and the providers read once. A key whose invoices are in several
        currencies gets amounts in the first invoice's currency for those invoices only, and no QR code.
        ``embed_qr``: the QR image is a data URI (a printed letter cannot load an image from the server).
        """
        on_date = on_date or company._collections_today()
        all_moves = self.env["account.move"].union(*moves_by_key.values()) if moves_by_key else self.env["account.move"]
        charges, profiles, problems = self.env["res.partner"]._collections_charges_by_customer(all_moves, on_date)
        bank = self._pay_bank(company)
        link_enabled = self._link_enabled(company)
        base_url = company.get_base_url()
        result, link_requests = {}, {}
        # What the order and the amounts read, for every invoice at once (a first read of a field would fetch every
        # column of account.move).
        all_moves.fetch(
            [
                "invoice_date_due",
                "date",
                "currency_id",
                "name",
                "payment_reference",
                "move_type",
                "commercial_partner_id",
            ]
        )
        for key, claimed in moves_by_key.items():
            moves = claimed.sorted(lambda move: (move.invoice_date_due or move.date, move.id))
            if not moves:
                continue
            partner = moves[0].commercial_partner_id
            profile = profiles.get((partner.id, company.id)) or self.env["collections.charges.profile"]
            mode = profile.charges_in_payment if profile else CHARGES_HIDE
            qr_bank = bank if company.qr_code else None
            result[key] = self._pay_now_of(moves, mode, charges, qr_bank, base_url, embed_qr)
            if problems.get(partner.id):
                result[key] = replace(result[key], problem=problems[partner.id])
            if link_enabled:
                link_requests[key] = (moves[0], mode, charges)
        if link_requests:
            self._add_links(result, link_requests, on_date)
        return result

    @api.model
    def _pay_block(self, pay, lang, formats=None):
        """What the "How to pay" block of a message shows, formatted in ``lang``; None when nothing is asked.

        ``formats`` caches formatted amounts across the customers of a batch (the same amounts repeat).
        """
        if not pay or pay.amount.asked <= 0:
            return None
        formats = {} if formats is None else formats
        env = self.env(context=dict(self.env.context, lang=lang))

        def money(value):
            key = ("amount", float(value), pay.currency.id, lang)
            if key not in formats:
                formats[key] = formatLang(env, float(value), currency_obj=pay.currency)
            return formats[key]

        amount = pay.amount
        return {
            "show_charges": amount.show_charges,
            "charges_asked": amount.asked == amount.total,
            "principal": money(amount.principal),
            "fine": money(amount.fine) if amount.fine else "",
            "interest": money(amount.interest) if amount.interest else "",
            "correction": money(amount.correction) if amount.correction else "",
            "total": money(amount.total),
            "asked": money(amount.asked),
            "qr_url": pay.qr_url,
            "qr_text": pay.qr_text,
            "qr_name": pay.qr_name,
            "link": pay.link,
            # The link pays the oldest invoice only when the customer owes several.
            "link_note": bool(pay.link) and Decimal(str(pay.link_amount)) != amount.asked,
            "link_invoice": pay.link_move.name if pay.link_move else "",
            "link_amount": money(pay.link_amount) if pay.link else "",
        }

    @api.model
    def _charges_text(self, pay, lang):
        """The charges of ``pay`` in words, for a script's ``{{ charges }}`` ("" when they are not shown)."""
        if not pay or not pay.amount.show_charges:
            return ""
        block = self._pay_block(pay, lang)
        if not block:
            return ""
        env = self.with_context(lang=lang).env
        labels = (
            ("fine", env._("late payment fine %(amount)s")),
            ("interest", env._("interest %(amount)s")),
            ("correction", env._("monetary correction %(amount)s")),
        )
        parts = [label % {"amount": block[key]} for key, label in labels if block[key]]
        return env._("%(charges)s (updated amount %(total)s)", charges=", ".join(parts), total=block["total"])

    @api.model
    def _pay_now_for_amount(self, company, partner, amount, currency, reference):
        """A PayNow of a given ``amount`` (an agreement's instalment, a protest's settlement): its QR code, no
        charges and no link (Odoo's link pays invoices; the caller adds its own)."""
        due = amount_due_now([], CHARGES_HIDE)
        due = replace(due, principal=Decimal(str(amount)), total=Decimal(str(amount)), asked=Decimal(str(amount)))
        bank = self._pay_bank(company) if company.qr_code else None
        qr = {}
        if bank and amount > 0:
            debtor = partner.commercial_partner_id
            qr = self._qr(bank, float(amount), reference, currency, debtor, company.get_base_url())
        return PayNow(amount=due, currency=currency, reference=reference, **qr)

    @api.model
    def _pay_now_of(self, moves, mode, charges, bank, base_url, embed_qr=False):
        """The PayNow of one customer's ``moves`` (oldest first), its QR code on ``bank`` if any (no link yet)."""
        currency = moves[0].currency_id
        same_currency = moves.filtered(lambda move: move.currency_id == currency)
        amount = amount_due_now(self._move_charges(same_currency, charges), mode)
        reference = moves[0].payment_reference or moves[0].name or ""
        if moves[0].move_type == "entry":
            # An agreement's instalments: the reference its portal page and payment link use (AGR/…/N).
            installment = self._oldest_payable_installment(moves[0])
            reference = installment._payment_reference() if installment else reference
        qr = {}
        if bank and len(same_currency) == len(moves) and amount.asked > 0:
            debtor = moves[0].commercial_partner_id
            qr = self._qr(bank, float(amount.asked), reference, currency, debtor, base_url, embed_qr)
        return PayNow(amount=amount, currency=currency, reference=reference, **qr)

    @api.model
    def _move_charges(self, moves, charges):
        """The engine Charges of each move; a move without computed charges counts its residual only, and a
        credit note counts negative (it is deducted from what is claimed, as in the invoice table)."""
        items = []
        for move in moves:
            item = charges.get(move.id)
            if item is None:
                digits = move.currency_id.decimal_places
                zero = Decimal(0).scaleb(-digits)
                principal = Decimal(f"{move.amount_residual:.{digits}f}")
                if move.move_type in REFUND_TYPES:
                    principal = -principal
                item = Charges(principal, zero, zero, zero, 0)
            items.append(item)
        return items

    @api.model
    def _pay_bank(self, company):
        """The bank account customers pay into: the first bank journal's account, else the company's first one."""
        # sudo: a collector reads which account the company is paid on, not its journals' configuration.
        journal = (
            self.env["account.journal"]
            .sudo()
            .search(
                [("company_id", "=", company.id), ("type", "=", "bank"), ("bank_account_id", "!=", False)],
                order="sequence, id",
                limit=1,
            )
        )
        return journal.bank_account_id or company.sudo().partner_id.bank_ids[:1]

    @api.model
    def _qr(self, bank, amount, reference, currency, partner, base_url, embed=False):
        """The QR code of ``amount`` on ``bank`` by the first QR method Odoo offers for it, or {} when none applies.

        ``embed``: the image is a data URI instead of the URL of Odoo's barcode route.
        """
        vals = bank._build_qr_code_vals(amount, reference, None, currency, partner, silent_errors=True)
        if not vals:
            return {}
        url = bank._get_qr_code_base64(**vals) if embed else bank._get_qr_code_url(**vals)
        if not url:
            return {}
        if not embed:
            url = base_url + url
        text = bank._get_qr_vals(**vals)
        names = dict(bank.get_available_qr_methods_in_sequence())
        return {
            "qr_url": url,
            "qr_text": text if isinstance(text, str) else "",
            "qr_name": names.get(vals["qr_method"], ""),
        }

    @api.model
    def _link_enabled(self, company):
        """Odoo's online payment is on (Invoicing settings) and a payment provider takes payments for ``company``."""
        # sudo: payment providers and system parameters are configuration a collector cannot read.
        if not str2bool(self.env["ir.config_parameter"].sudo().get_param("account_payment.enable_portal_payment")):
            return False
        return bool(
            self.env["payment.provider"]
            .sudo()
            .search_count([("company_id", "=", company.id), ("state", "in", PAYABLE_PROVIDER_STATES)], limit=1)
        )

    @api.model
    def _add_links(self, result, link_requests, on_date):
        """Give each PayNow Odoo's payment link of its oldest invoice, asking that invoice's amount due now.

        Odoo pays several invoices at once only for a customer logged in to the portal (``/my/invoices/overdue``);
        a reminder's reader usually has no login, so the link pays the oldest invoice.
        """
        moves = self.env["account.move"].union(*(move for move, _mode, _charges in link_requests.values()))
        self.env["collections.script"]._ensure_access_tokens(moves)
        # One read for the batch: Odoo's _has_to_be_paid reads each invoice's transactions.
        moves.sudo().mapped("transaction_ids")
        for key, (oldest, mode, charges) in link_requests.items():
            move = oldest.with_prefetch(moves._prefetch_ids)  # one read of the batch's tokens, not one per invoice
            if move.move_type == "entry":
                # An agreement's entry: Odoo's invoice payment does not apply, its instalments are paid one by one.
                link, link_amount = self._installment_link(move, mode, on_date)
                if link:
                    result[key] = replace(result[key], link=link, link_move=move, link_amount=link_amount)
                continue
            # sudo: the online-payment state of the invoice (its transactions) is not the collector's to read.
            if move.move_type != "out_invoice" or not move.sudo()._has_to_be_paid():
                continue
            link_amount = float(amount_due_now(self._move_charges(move, charges), mode).asked)
            link = self._invoice_payment_link(move, link_amount)
            result[key] = replace(result[key], link=link, link_move=move, link_amount=link_amount)

    @api.model
    def _oldest_payable_installment(self, move):
        """The oldest instalment still owed of an agreement's entry ``move`` (None when it has none)."""
        # sudo: the schedule is the agreement's; the collector reading the reminder may not open agreements.
        installments = (
            self.env["collections.negotiation.installment"]
            .sudo()
            .search([("move_line_id", "in", move.line_ids.ids)], order="date, sequence")
        )
        return next((item for item in installments if item._is_payable()), None)

    @api.model
    def _installment_link(self, move, mode, on_date):
        """(link, amount): Odoo's payment page for the oldest instalment still owed of an agreement's entry ``move``,
        asking what it owes (with its own charges from its due date when they are collected); ("", 0.0) without one.
        """
        installment = self._oldest_payable_installment(move)
        if not installment:
            return "", 0.0
        currency = installment.currency_id
        amount = Decimal(str(currency.round(installment.amount_residual)))
        if mode == CHARGES_COLLECT:
            partner = move.commercial_partner_id
            profile = partner._collections_charges_profile(move.company_id)._collections_engine_profile()
            tables = self.env["collections.rate.index"]._collections_tables()
            # A rate table the engine refuses: the reminder says so, and the link asks for the instalment alone.
            with contextlib.suppress(ValueError):
                amount = charges_for(
                    amount, installment.date, on_date, profile, not partner.is_company, tables, currency.decimal_places
                ).total
        partner = installment.negotiation_id.partner_id
        reference = installment._payment_reference()
        link = self._amount_payment_link(move.company_id, partner, amount, currency, reference)
        return link, float(amount)

    @api.model
    def _invoice_payment_link(self, move, amount):
        """The link of account_payment's payment link wizard for ``move`` and ``amount``: the invoice's portal page
        with its payment form open.

        Built here because the wizard signs the amount with ``payment.utils.generate_access_token``, which reads the
        HTTP request's environment: a scheduled run has none. The signature is the same HMAC (Odoo's
        ``tools.misc.hmac`` with the scope ``generate_access_token`` over "invoice id|amount"), so the portal's own
        check (``payment.utils.check_access_token``) accepts it.
        """
        # sudo: the portal URL carries the invoice's access token, which the collector may not read.
        move_sudo = move.sudo()
        amount_text = str(amount)
        token = hmac(self.env(su=True), "generate_access_token", f"{move_sudo.id}|{amount_text}")
        query = url_encode({"move_id": move_sudo.id, "amount": amount_text, "payment_token": token, "payment": True})
        return f"{move_sudo.get_base_url()}{move_sudo.get_portal_url()}&{query}#portal_pay"

    @api.model
    def _amount_payment_link(self, company, partner, amount, currency, reference):
        """The link of Odoo's generic payment page (``/payment/pay``, module ``payment``) asking ``partner`` for
        ``amount`` in ``currency`` to ``company``, the transaction's reference starting with ``reference``.

        Signed as ``payment.utils.generate_access_token(partner_id, amount, currency_id)`` signs it (the same HMAC
        over "partner id|amount|currency id", the amount as the route casts it: a float), without the HTTP request
        that function reads; the route refuses a link whose amount, partner or currency was changed.
        """
        amount = currency.round(float(amount))
        token = hmac(self.env(su=True), "generate_access_token", f"{partner.id}|{amount}|{currency.id}")
        query = url_encode(
            {
                "reference": reference,
                "amount": amount,
                "currency_id": currency.id,
                "partner_id": partner.id,
                "company_id": company.id,
                "access_token": token,
            }
        )
        return f"{company.get_base_url()}/payment/pay?{query}"
