"""Gathering for the follow-up run: what a batch reads, in a few queries for all its customers.

Which customers to review, their open receivables and why some are held, their
last contacts, the work under way (agreements, open tasks), who receives their
e-mail and which addresses opted out.
"""

from collections import defaultdict
from dataclasses import dataclass

from odoo import api, models
from odoo.tools import SQL, email_normalize

from ..engine import (
    AGREEMENT_HOLD_STATES,
    AGREEMENT_RUNNING_STATES,
    CONTACT_CHANNELS,
    DISPUTE_HOLD_STATES,
    HOLD_CODES,
    NOTARY_HOLD_STATES,
    PROMISE_HOLD_STATES,
    UNSENT_STATES,
    OpenItem,
    task_code,
)
from ..engine.receivable import open_line_sql


@dataclass
class BatchFacts:
    """What the run knows of a batch's customers before deciding, each by customer id."""

    items: dict
    agreements: set
    open_tasks: dict
    last_contacts: dict
    recipients: dict
    blacklisted: set
    # Incoming payments not matched to an invoice yet, in company currency (see ``_unmatched_payments``).
    unmatched_payments: dict = None
    # The active holds of each customer (engine ``Hold`` values, see ``collections.hold._active_holds``).
    holds: dict = None
    # Whose number the SMS, WhatsApp message and call use (see ``_phone_recipients``).
    phones: dict = None


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    @api.model
    def _gather_batch(self, company, partners):
        items = self._open_items(company, partners)
        agreements, open_tasks = self._work_in_progress(company, partners)
        last_contacts = self._last_contacts(company, partners)
        recipients = self._email_recipients(partners)
        blacklisted = self._blacklisted(recipients)
        unmatched = self._unmatched_payments(company, partners)
        # sudo: the run reads every hold of its customers, whoever starts it (one query for the batch).
        holds = self.env["collections.hold"].sudo()._active_holds(company, partners)
        phones = self._phone_recipients(partners)
        return BatchFacts(
            items, agreements, open_tasks, last_contacts, recipients, blacklisted, unmatched, holds, phones
        )

    @api.model
    def _unmatched_payments(self, company, partners):
        """{customer id: amount} of incoming payments not matched to an invoice, one query for the batch.

        A payment (``account.payment``) or a bank statement line left on the customer's receivable account
        unreconciled: the customer paid, the books do not say for what yet. Lines of the customer's contacts
        count for the customer (its commercial partner). Credit notes are not payments: the engine nets them.
        """
        if not partners:
            return {}
        self.env["account.move.line"].flush_model(
            ["partner_id", "company_id", "parent_state", "reconciled", "amount_residual", "move_id", "account_id"]
        )
        self.env["account.move"].flush_model(["origin_payment_id", "statement_line_id"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, -SUM(line.amount_residual)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE line.company_id = %(company)s
                   AND partner.commercial_partner_id = ANY(%(partners)s)
                   AND %(open_line)s
                   AND line.amount_residual < 0
                   AND (move.origin_payment_id IS NOT NULL OR move.statement_line_id IS NOT NULL)
                 GROUP BY partner.commercial_partner_id
                """,
                company=company.id,
                partners=partners.ids,
                open_line=SQL(open_line_sql("line", "account")),
            )
        )
        return dict(rows)

    @api.model
    def _partners_to_review(self, company, pending_only=False):
        """Customers with open receivables, plus those whose status must go back to 'up to date'.

        ``pending_only`` leaves out those the run already reviewed today (the cron resumes).
        """
        self.env["account.move.line"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT line.partner_id
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                 WHERE line.company_id = %(company)s
                   AND line.partner_id IS NOT NULL
                   AND %(open_line)s
                """,
                company=company.id,
                open_line=SQL(open_line_sql("line", "account")),
            )
        )
        partner_ids = {row[0] for row in rows}
        stale = (
            self.env["res.partner"]
            .with_company(company)
            .search(
                [
                    "|",
                    ("collections_status", "not in", [False, "ok"]),
                    ("collections_credit_hold", "=", True),  # a hold is lifted by a review too
                    ("id", "not in", list(partner_ids)),
                ]
            )
        )
        partner_ids = sorted(partner_ids | set(stale.ids))
        if pending_only and partner_ids:
            reviewed = self.env.execute_query(
                SQL(
                    """
                    SELECT id FROM res_partner
                     WHERE id = ANY(%(ids)s) AND collections_review_date->>%(key)s = %(today)s
                    """,
                    ids=partner_ids,
                    key=str(company.id),
                    today=str(company._collections_today()),
                )
            )
            done = {row[0] for row in reviewed}
            partner_ids = [partner_id for partner_id in partner_ids if partner_id not in done]
        return partner_ids

    def _flush_for_open_items(self):
        self.env["account.move.line"].flush_model(
            [
                "partner_id",
                "company_id",
                "parent_state",
                "reconciled",
                "amount_residual",
                "amount_residual_currency",
                "date_maturity",
                "currency_id",
                "no_followup",
                "move_id",
                "account_id",
            ]
        )
        self.env["collections.level"].flush_model(["days"])
        self.env["collections.dispute"].flush_model(["state", "move_ids"])
        self.env["collections.promise"].flush_model(["state", "pause_until", "move_ids"])
        self.env["collections.protest"].flush_model(["state", "move_line_id"])
        self.env["collections.negotiation"].flush_model(["state", "move_ids"])

    def _hold_sql(self, today):
        """Why the receivable ``line`` is held out of the follow-up (a code of the engine's HOLD_CODES), or NULL.

        Titles at the notary, agreements under way, open disputes and promises keep their invoices out of
        the follow-up; the first that applies (the engine's HOLD_CODES order) says why.
        """
        agreement_moves = self.env["collections.negotiation"]._fields["move_ids"]
        conditions = {
            "notary": SQL(
                """EXISTS (SELECT 1 FROM collections_protest protest
                            WHERE protest.move_line_id = line.id AND protest.state IN %s)""",
                NOTARY_HOLD_STATES,
            ),
            "agreement": SQL(
                """EXISTS (SELECT 1 FROM %(rel)s rel
                             JOIN collections_negotiation agreement ON agreement.id = rel.%(agreement_col)s
                            WHERE rel.%(move_col)s = line.move_id AND agreement.state IN %(states)s)""",
                rel=SQL.identifier(agreement_moves.relation),
                agreement_col=SQL.identifier(agreement_moves.column1),
                move_col=SQL.identifier(agreement_moves.column2),
                states=AGREEMENT_HOLD_STATES,
            ),
            "dispute": SQL(
                """EXISTS (SELECT 1 FROM collections_dispute_move_rel rel
                             JOIN collections_dispute dispute ON dispute.id = rel.dispute_id
                            WHERE rel.move_id = line.move_id AND dispute.state IN %s)""",
                DISPUTE_HOLD_STATES,
            ),
            "promise": SQL(
                """EXISTS (SELECT 1 FROM collections_promise_move_rel rel
                             JOIN collections_promise promise ON promise.id = rel.promise_id
                            WHERE rel.move_id = line.move_id AND promise.state IN %s
                              AND promise.pause_until >= %s)""",
                PROMISE_HOLD_STATES,
                today,
            ),
            "no_followup": SQL("line.no_followup"),
        }
        cases = SQL(" ").join(SQL("WHEN %s THEN %s", conditions[code], code) for code in HOLD_CODES)
        return SQL("CASE %s END", cases)

    @api.model
    def _open_items(self, company, partners):
        """Open receivable lines of ``partners`` in ``company``, one query for the whole batch."""
        self._flush_for_open_items()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT line.partner_id, line.id, line.move_id,
                       COALESCE(line.date_maturity, move.invoice_date_due, line.date),
                       line.currency_id, line.amount_residual_currency, line.amount_residual,
                       %(hold)s,
                       level.days
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
             LEFT JOIN collections_line_level line_level ON line_level.line_id = line.id
             LEFT JOIN collections_level level ON level.id = line_level.level_id
                 WHERE line.company_id = %(company)s
                   AND line.partner_id = ANY(%(partners)s)
                   AND %(open_line)s
                 ORDER BY line.partner_id, 4, line.id
                """,
                company=company.id,
                partners=partners.ids,
                hold=self._hold_sql(company._collections_today()),
                open_line=SQL(open_line_sql("line", "account")),
            )
        )
        items = defaultdict(list)
        for partner_id, line_id, move_id, due, currency_id, residual, residual_company, hold, days in rows:
            items[partner_id].append(
                OpenItem(
                    move_id=move_id,
                    line_id=line_id,
                    due_date=due,
                    currency=currency_id,
                    residual=residual,
                    residual_company=residual_company,
                    reached_days=days,
                    excluded=hold is not None,
                    hold=hold,
                )
            )
        return items

    @api.model
    def _last_contacts(self, company, partners):
        """The day of each customer's last contact, leaving out the step still in progress.

        A step that went out on one channel and failed on another is retried as soon as the
        contact point is fixed: its own e-mail must not hold the retry back for the gap.
        """
        # Due but not reached: the step was attempted and a channel is still missing.
        in_progress = {
            partner.id: partner.collections_due_level_id.id
            for partner in partners
            if partner.collections_due_level_id != partner.collections_level_id
        }
        last = {}
        for partner, level, day in self.env["collections.event"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", partners.ids),
                ("state", "not in", UNSENT_STATES),
                # A task given to the collector, or a broken promise, is not a contact with the customer.
                ("channel", "in", CONTACT_CHANNELS),
            ],
            ["partner_id", "level_id"],
            ["date:max"],
        ):
            if level.id and level.id == in_progress.get(partner.id):
                continue
            last[partner.id] = max(day, last.get(partner.id, day))
        return last

    @api.model
    def _work_in_progress(self, company, partners):
        """Customers with an agreement under way, and the open tasks of each customer (engine TASK_CODES).

        An open task is a contact event whose task is still open (a call to make, a failed reminder to
        fix, a broken promise to follow up, a manual step), or a planned call: the worklist shows them.
        """
        agreements = {
            partner.id
            for [partner] in self.env["collections.negotiation"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("partner_id", "in", partners.ids),
                    ("state", "in", AGREEMENT_RUNNING_STATES),
                ],
                ["partner_id"],
            )
        }
        open_tasks = defaultdict(set)
        # sudo: the job may run as a user whose rules hide other collectors' tasks; only their kind is read.
        for partner, channel, state in (
            self.env["collections.event"]
            .sudo()
            ._read_group(
                self.env["collections.event"]._open_task_domain(company, partners),
                ["partner_id", "channel", "state"],
            )
        ):
            open_tasks[partner.id].add(task_code(channel, state))
        return agreements, open_tasks

    @api.model
    def _email_recipients(self, partners):
        """Who receives the e-mail of each customer, in one search for the batch: its collections contacts
        with an address, else its invoice contacts with an address, else itself (``res_partner_contacts.py``)."""
        chosen = {"collections": defaultdict(list), "invoice": defaultdict(list)}
        # sudo: the collections contact flag is a collectors' field; the statement e-mail also asks as an
        # accountant. Only the ids are kept: the recipients are read in the caller's environment.
        for contact in (
            self.env["res.partner"]
            .sudo()
            .search_fetch(
                [
                    ("parent_id", "in", partners.ids),
                    ("email", "!=", False),
                    "|",
                    ("collections_contact", "=", True),
                    ("type", "=", "invoice"),
                ],
                ["parent_id", "collections_contact"],
                order="id",
            )
        ):
            kind = "collections" if contact.collections_contact else "invoice"
            chosen[kind][contact.parent_id.id].append(contact.id)
        Partner = self.env["res.partner"]
        recipients = {}
        for partner in partners:
            ids = chosen["collections"][partner.id] or chosen["invoice"][partner.id]
            recipients[partner.id] = Partner.browse(ids) or (partner if partner.email_normalized else Partner)
        Partner.browse(list({contact_id for ids in recipients.values() for contact_id in ids.ids})).fetch(
            ["email", "email_normalized", "lang", "name"]
        )
        return recipients

    @api.model
    def _phone_recipients(self, partners):
        """{customer id: res.partner}: whose number each customer's SMS, WhatsApp message and call use, in one
        search for the batch (``res_partner_contacts.py``).

        Its first collections contact with a number that can receive them (not opted out nor reported wrong),
        else its first collections contact with a number (the step then says why it cannot go out, as an
        e-mail does not fall back to the invoice address when the collections contacts opted out), else the
        customer itself.
        """
        contacts = defaultdict(list)
        # sudo: the collections contact and wrong number flags are collectors' fields; the statement and the
        # thank-you also ask as other users. Only the ids are kept: recipients are read in the caller's env.
        found = (
            self.env["res.partner"]
            .sudo()
            .search_fetch(
                [
                    ("parent_id", "in", partners.ids),
                    ("collections_contact", "=", True),
                    ("phone_sanitized", "!=", False),
                ],
                ["parent_id", "phone", "phone_sanitized", "collections_phone_invalid", "lang", "name"],
                order="id",
            )
        )
        for contact in found:
            contacts[contact.parent_id.id].append(contact)
        phones = {}
        for partner in partners:
            candidates = contacts[partner.id]
            reachable = [c for c in candidates if not (c.phone_sanitized_blacklisted or c.collections_phone_invalid)]
            chosen = (reachable or candidates)[:1]
            # In the customers' environment (the webhook's fallback reads them as superuser).
            phones[partner.id] = partners.browse(chosen[0].id) if chosen else partner
        return phones

    @api.model
    def _blacklisted(self, recipients_by_partner):
        emails = {contact.email_normalized for contacts in recipients_by_partner.values() for contact in contacts} - {
            False
        }
        if not emails:
            return set()
        blacklist = self.env["mail.blacklist"].sudo().search_fetch([("email", "in", list(emails))], ["email"])
        return {email_normalize(entry.email) for entry in blacklist}
