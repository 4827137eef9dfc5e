"""The customer statement's "How to pay": each overdue invoice's charges and, per currency, the amount due now
itemised with the company's payment QR code ("copia e cola") and payment link (``collections.pay.now``)."""

from odoo import api, models


class ReportCollectionsStatement(models.AbstractModel):
    _inherit = "report.collections_addon.report_collections_statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        values = super()._get_report_values(docids, data)
        # A PDF cannot load an image from the server: its QR code is embedded in the page.
        embed = (data or {}).get("report_type") != "html"
        self._add_pay_now(values["docs"], values["statements"], values["company"], values["today"], embed)
        return values

    @api.model
    def _add_pay_now(self, partners, statements, company, today, embed_qr):
        """Give each currency section of each statement its "How to pay" block (``pay``, None when nothing is
        asked), whether it lists charges (``show_charges``) and each overdue line its ``charges``, in bulk.

        What is asked is what a reminder would claim of the section: its overdue invoices (overdue credit notes
        deduct from them), leaving out those held out of the follow-up (disputed, promised, in an agreement, at
        the notary).
        """
        # sudo: the statement is printed by accountants (invoicing users) who cannot read the collections charges
        # profiles; it only shows the customer the charges on its own invoices.
        PayNow = self.env["collections.pay.now"].sudo()
        claimed = {}
        for partner in partners:
            for section in statements[partner.id]["sections"]:
                moves = self.env["account.move"].sudo()
                for line in section["lines"]:
                    if self._claimed(line):
                        moves |= line["move"]
                if moves:
                    claimed[(partner.id, section["currency"].id)] = moves
        if not claimed:
            return
        pays = PayNow._pay_now(company, claimed, today, embed_qr=embed_qr)
        formats, shown = {}, []
        for partner in partners:
            lang = partner.lang or self.env.lang or "en_US"
            for section in statements[partner.id]["sections"]:
                key = (partner.id, section["currency"].id)
                pay = pays.get(key)
                section["pay"] = PayNow._pay_block(pay, lang, formats)
                section["show_charges"] = bool(pay and pay.amount.show_charges)
                if section["show_charges"]:
                    shown.append((section, claimed[key]))
        if shown:
            # Each line's own charges, for the sections that show them (the totals above have them summed).
            moves = self.env["account.move"].sudo().union(*(moves for _section, moves in shown))
            charges = self.env["res.partner"].sudo()._collections_charges_by_customer(moves, today)[0]
            for section, _moves in shown:
                self._line_charges(section["lines"], charges)

    @api.model
    def _claimed(self, line):
        return line["days_late"] > 0 and line["residual"] and not line["excluded"]

    @api.model
    def _line_charges(self, lines, charges):
        """Each claimed line's charges (fine + interest + correction of its invoice), on the invoice's first line
        only when its payment terms give it several."""
        seen = set()
        for line in lines:
            item = charges.get(line["move"].id) if self._claimed(line) else None
            if item is None or line["move"].id in seen:
                continue
            seen.add(line["move"].id)
            line["charges"] = float(item.fine + item.interest + item.correction)
