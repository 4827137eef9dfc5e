"""What a customer's reply seems to say, when the company asks: a suggestion a person confirms.

With *Suggest what a reply says* on (Settings > Collections, off by default), the reply hold and its task
show what ``engine.classify_reply`` reads in the reply: a promise to pay (and its date), a dispute, or
"already paid". Nothing is created from it: *Record Promise* and *Record Dispute* open the usual form
prefilled (the customer, its open invoices, the promised date, the reply as note or reason) for the collector
to check and save (saved, the reply counts as handled, ``collections_reply_case.py``); *Check Payments* lists
the customer's payments not matched to an invoice yet.
"""

from odoo import api, fields, models
from odoo.tools import format_date

from ..engine import REPLY_KINDS, classify_reply

_SUGGESTION_LABELS = {"promise": "Promise to pay", "dispute": "Dispute", "paid": "Already paid"}
SUGGESTION_SELECTION = [(kind, _SUGGESTION_LABELS[kind]) for kind in REPLY_KINDS]


class CollectionsHold(models.Model):
    _inherit = "collections.hold"

    suggestion = fields.Selection(
        SUGGESTION_SELECTION,
        string="The Reply Seems To Say",
        readonly=True,
        help="What the words of the reply suggest (Settings > Collections: Suggest what a reply says). "
        "A suggestion only: check the reply before recording anything.",
    )
    suggested_date = fields.Date(string="Promised Date", readonly=True)
    suggestion_text = fields.Char(string="Suggestion", compute="_compute_suggestion_text")

    @api.depends("suggestion", "suggested_date")
    def _compute_suggestion_text(self):
        for hold in self:
            hold.suggestion_text = hold._collections_suggestion_text()

    def _collections_suggest(self, text):
        """Read the reply ``text`` when the company asks for suggestions (else clear any earlier one)."""
        for hold in self:
            found = None
            if hold.company_id.collections_reply_suggestions:
                found = classify_reply(text, hold.company_id._collections_today())
            hold.write(
                {
                    "suggestion": found.kind if found else False,
                    "suggested_date": found.promised_date if found and found.promised_date else False,
                }
            )

    def _collections_suggestion_text(self):
        """The suggestion in words for the task and the hold ('' when there is none)."""
        self.ensure_one()
        if self.suggestion == "promise":
            if self.suggested_date:
                return self.env._(
                    "Suggestion: a promise to pay on %(date)s. Check the reply, then Record Promise on the hold.",
                    date=format_date(self.env, self.suggested_date),
                )
            return self.env._("Suggestion: a promise to pay. Check the reply, then Record Promise on the hold.")
        if self.suggestion == "dispute":
            return self.env._("Suggestion: a dispute. Check the reply, then Record Dispute on the hold.")
        if self.suggestion == "paid":
            return self.env._(
                "Suggestion: the customer says it already paid. Look for the payment (Check Payments on the hold) "
                "before the follow-up resumes."
            )
        return ""

    def _collections_prefilled(self, action, extra):
        """``action`` (a customer's promise or dispute form) with the reply's values added to its defaults."""
        # Saved, the record handles the reply (collections_reply_case.py); discarded, nothing changes.
        context = {"default_company_id": self.company_id.id, "collections_reply_hold_id": self.id, **extra}
        action["context"] = {**action.get("context", {}), **context}
        return action

    def action_record_promise(self):
        """The promise form, prefilled from the reply: the collector checks it and saves (or discards)."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        extra = {"default_note": self.reply_text or False}
        if self.suggested_date:
            extra["default_date"] = self.suggested_date
        return self._collections_prefilled(partner.action_collections_promise(), extra)

    def action_record_dispute(self):
        """The dispute form, prefilled with the customer's open invoices and the reply as its reason."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        return self._collections_prefilled(
            partner.action_collections_dispute(), {"default_reason": self.reply_text or False}
        )

    def action_check_payments(self):
        """The customer's incoming payments not matched to an invoice yet, in the hold's company."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Payments of %(customer)s", customer=self.partner_id.display_name),
            "res_model": "account.payment",
            "view_mode": "list,form",
            "domain": [
                ("partner_id", "child_of", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
                ("payment_type", "=", "inbound"),
                ("is_reconciled", "=", False),
            ],
            "context": {"create": False},
        }
