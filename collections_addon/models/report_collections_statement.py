from collections import defaultdict

from odoo import api, fields, models

from ..engine import CONTACT_CHANNELS, customer_history_status
from ..engine.aging import aging, bucket_labels
from ..engine.history import STATEMENT_HISTORY_LIMIT


class ReportCollectionsStatement(models.AbstractModel):
    _name = "report.collections_addon.report_collections_statement"
    _description = "Collections: customer statement"

    @api.model
    def _get_report_values(self, docids, data=None):
        partners = self.env["res.partner"].browse(docids)
        company = self.env.company
        today = company._collections_today()
        items = self.env["collections.runner"]._open_items(company, partners.commercial_partner_id)
        events = self._reminder_history(partners.commercial_partner_id, company)
        events_by_partner = defaultdict(lambda: self.env["collections.event"])
        for event in events:
            events_by_partner[event.partner_id.id] |= event
        moves = self.env["account.move"].browse({item.move_id for rows in items.values() for item in rows})
        moves.fetch(["name", "ref", "invoice_date"])
        statements = {}
        for partner in partners:
            by_currency = defaultdict(list)
            for item in items.get(partner.commercial_partner_id.id, []):
                by_currency[item.currency].append(item)
            sections = []
            for currency_id, currency_items in by_currency.items():
                currency = self.env["res.currency"].browse(currency_id)
                buckets = aging(
                    ((item.due_date, item.residual) for item in currency_items), today, digits=currency.decimal_places
                )
                sections.append(
                    {
                        "currency": currency,
                        "lines": [
                            {
                                "move": self.env["account.move"].browse(item.move_id),
                                "due_date": item.due_date,
                                "days_late": (today - item.due_date).days,
                                "residual": item.residual,
                                # Held out of the follow-up (disputed, promised, in an agreement, at the notary).
                                "excluded": item.excluded,
                            }
                            for item in currency_items
                        ],
                        "aging": buckets,
                        "total": currency.round(sum(item.residual for item in currency_items)),
                        "overdue": currency.round(sum(buckets[1:])),
                    }
                )
            statements[partner.id] = {
                "sections": sections,
                "bucket_labels": self._bucket_labels(),
                "history": self._customer_history(events_by_partner[partner.commercial_partner_id.id], partner.lang),
            }
        return {
            "doc_ids": docids,
            "doc_model": "res.partner",
            "docs": partners,
            "statements": statements,
            "today": today,
            "company": company,
        }

    def _reminder_history(self, partners, company):
        # sudo: the statement shows the customer its own reminder history; accountants who print it
        # are invoicing users without access to the collectors' event log.
        return (
            self.env["collections.event"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", company.id),
                    # The customer's contacts only: not the collectors' tasks.
                    ("channel", "in", CONTACT_CHANNELS),
                ]
            )
        )

    def _customer_history(self, events, lang):
        """The contacts the customer received, worded for the customer in its language.

        Never the internal level names nor the queue's states ("Queued", "Failed"...): see
        ``customer_history_status``.
        """
        env = self.with_context(lang=lang or self.env.lang).env
        channels = {
            "email": env._("E-mail"),
            "sms": env._("Text message"),
            "whatsapp": env._("WhatsApp"),
            "letter": env._("Letter"),
            "call": env._("Phone call"),
        }
        statuses = {
            "sent": env._("Sent"),
            "posted": env._("Posted"),
            "delivered": env._("Delivered"),
            "read": env._("Read"),
            "spoken": env._("Answered"),
        }
        history = []
        for event in events:
            status = customer_history_status(event.channel, event.state, event.outcome)
            if not status:
                continue
            day = event.date
            if event.channel == "letter" and event.printed_at:
                # The day it was printed, in the company's time zone (the day its letters are dated).
                printing_company = self.with_env(env).with_context(tz=event.company_id._collections_tz())
                day = fields.Datetime.context_timestamp(printing_company, event.printed_at).date()
            history.append(
                {
                    "date": day,
                    "title": env._("Thank you for your payment")
                    if event.is_thanks
                    else event.level_id.with_context(lang=env.lang)._customer_title()
                    if event.level_id
                    else env._("Payment reminder"),
                    "channel": channels[event.channel],
                    "status": statuses[status],
                }
            )
            if len(history) == STATEMENT_HISTORY_LIMIT:
                break
        return history

    def _bucket_labels(self):
        labels = bucket_labels()
        labels[0] = self.env._("Not due")
        return labels
