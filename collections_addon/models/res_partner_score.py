"""The payer score of a customer in a company: gathered in bulk, scored by the engine, stored with its reasons.

The history of a batch of customers is read in one query per kind (paid invoices, promises, disputes,
protests), whatever the number of customers; the engine (``engine.payer_score``) counts the score and
its reasons; one statement stores them. The daily follow-up refreshes the customers of each batch, a
collector one customer with *Refresh Score*.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import fields, models
from odoo.tools import SQL

from ..engine import CONTACT_CHANNELS, UNSENT_STATES
from ..engine.payer_score import MAX_SCORE, PaidInvoice, PayerHistory, PromiseOutcome, payer_score
from ..engine.receivable import CLAIMABLE_MOVE_TYPES, RECEIVABLE_ACCOUNT_TYPE

# The score's columns (company-dependent: one jsonb map each), written by _collections_store_scores.
_SCORE_FIELDS = [
    "collections_payer_score",
    "collections_payer_reasons",
    "collections_score_date",
    "collections_typical_days_late",
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    collections_payer_score = fields.Integer(
        string="Payer Score",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="How well this customer pays in this company, 0 (poorly) to 100 (on time), from its own history: "
        "days late, payments only after a reminder, broken promises, disputes and protests. "
        "The weights are in the Collections settings.",
        groups="collections_addon.group_collections_user",
    )
    collections_payer_reasons = fields.Text(
        string="Score Reasons",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Why the score is what it is: each fact and the points it took off.",
        groups="collections_addon.group_collections_user",
    )
    collections_typical_days_late = fields.Integer(
        string="Typical Days Late",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="How many days after the due date this customer usually pays (recent payments weigh more); "
        "the predicted pay date of its open items is their due date plus these days.",
        groups="collections_addon.group_collections_user",
    )
    collections_score_date = fields.Date(
        string="Score Updated On",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_expected_recovery = fields.Float(
        string="Expected Recovery",
        company_dependent=True,
        readonly=True,
        copy=False,
        digits=(16, 2),
        help="What the worklist and Calls Today are ordered by, most first: the overdue amount x the chance "
        "this customer pays (from its payer score and how late it is) x the urgency of its next step "
        "(x1 when it is 30 days away or more or none is planned, up to x2 when it is due today). "
        "Refreshed by the daily follow-up and by Refresh Score.",
        groups="collections_addon.group_collections_user",
    )

    def action_collections_refresh_score(self):
        """*Refresh Score* on the customer: its score in the current company, now, and its expected recovery."""
        company = self.env.company
        customers = self.commercial_partner_id
        self._collections_refresh_scores(company, customers)
        self.env["collections.runner"]._refresh_expected_recovery(company, customers)
        return True

    def _collections_score_or_none(self):
        """The customer's payer score in the current company, None when it was never scored."""
        self.ensure_one()
        # sudo: the score is the follow-up's own bookkeeping, read by the run whoever starts it.
        partner = self.sudo()
        return partner.collections_payer_score if partner.collections_score_date else None

    def _collections_refresh_scores(self, company, partners=None):
        """Score ``partners`` (default: these records' customers) in ``company`` and store score and reasons.

        A fixed number of queries for the whole batch. Returns {customer id: engine PayerScore}.
        """
        partners = (partners if partners is not None else self).commercial_partner_id
        if not partners:
            return {}
        today = company._collections_today()
        weights = company._collections_score_weights()
        start = today - timedelta(days=weights.lookback_days)
        # Plain SQL reads of the whole history (other collectors' promises and disputes too): only counts and
        # dates leave this method, and the score is the follow-up's own bookkeeping.
        paid = self._collections_score_paid(company, partners, start, today)
        promises = self._collections_score_promises(company, partners, start, today)
        disputes, protests = self._collections_score_cases(company, partners, start, today)
        results = {}
        for partner in partners:
            history = PayerHistory(
                paid=paid[partner.id],
                promises=promises[partner.id],
                disputes=disputes.get(partner.id, 0),
                protests=protests.get(partner.id, 0),
            )
            results[partner.id] = payer_score(history, weights, today)
        self._collections_store_scores(company, today, results)
        return results

    def _collections_score_paid(self, company, partners, start, today):
        """{customer id: [PaidInvoice]} of the invoices fully paid in the window, one query.

        Paid on the last reconciliation's date; "after a reminder" when an overdue reminder of the invoice
        (a contact sent after its due date, not a thank-you) went out before it was paid.
        """
        self.env["account.move.line"].flush_model()
        self.env["account.move"].flush_model(["move_type"])
        self.env["account.partial.reconcile"].flush_model(["debit_move_id", "max_date"])
        self.env["collections.event"].flush_model(["company_id", "channel", "state", "date", "is_thanks", "move_ids"])
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        event_moves = self.env["collections.event"]._fields["move_ids"]
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, due.day, paid.day, line.balance,
                       EXISTS (SELECT 1 FROM %(rel)s rel
                                 JOIN collections_event event ON event.id = rel.%(event_col)s
                                WHERE rel.%(move_col)s = line.move_id
                                  AND event.company_id = line.company_id
                                  AND event.channel IN %(channels)s
                                  AND event.state NOT IN %(unsent)s
                                  AND NOT COALESCE(event.is_thanks, FALSE)
                                  AND event.date > due.day AND event.date <= paid.day)
                  FROM account_move_line line
                  JOIN account_move move ON move.id = line.move_id
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 CROSS JOIN LATERAL (SELECT COALESCE(line.date_maturity, move.invoice_date_due, line.date) AS day) due
                 CROSS JOIN LATERAL (SELECT MAX(part.max_date) AS day FROM account_partial_reconcile part
                                      WHERE part.debit_move_id = line.id) paid
                 WHERE line.company_id = %(company)s
                   AND partner.commercial_partner_id = ANY(%(partners)s)
                   AND line.parent_state = 'posted'
                   AND line.reconciled
                   AND line.balance > 0
                   AND account.account_type = %(receivable)s
                   AND move.move_type IN %(move_types)s
                   AND paid.day > %(start)s AND paid.day <= %(today)s
                """,
                rel=SQL.identifier(event_moves.relation),
                event_col=SQL.identifier(event_moves.column1),
                move_col=SQL.identifier(event_moves.column2),
                channels=tuple(CONTACT_CHANNELS),
                unsent=tuple(UNSENT_STATES),
                company=company.id,
                partners=partners.ids,
                receivable=RECEIVABLE_ACCOUNT_TYPE,
                move_types=tuple(CLAIMABLE_MOVE_TYPES),
                start=start,
                today=today,
            )
        )
        paid = defaultdict(list)
        for partner_id, due, paid_day, amount, reminded in rows:
            paid[partner_id].append(PaidInvoice(due, paid_day, str(amount), after_reminder=reminded))
        return paid

    def _collections_score_promises(self, company, partners, start, today):
        """{customer id: [PromiseOutcome]} of the promises kept or broken whose date is in the window."""
        self.env["collections.promise"].flush_model(["partner_id", "company_id", "state", "date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.commercial_partner_id, promise.date, promise.state = 'kept'
                  FROM collections_promise promise
                  JOIN res_partner partner ON partner.id = promise.partner_id
                 WHERE promise.company_id = %(company)s
                   AND partner.commercial_partner_id = ANY(%(partners)s)
                   AND promise.state IN ('kept', 'broken')
                   AND promise.date > %(start)s AND promise.date <= %(today)s
                """,
                company=company.id,
                partners=partners.ids,
                start=start,
                today=today,
            )
        )
        promises = defaultdict(list)
        for partner_id, day, kept in rows:
            promises[partner_id].append(PromiseOutcome(day, kept))
        return promises

    def _collections_score_cases(self, company, partners, start, today):
        """({customer id: disputes opened in the window}, {customer id: titles protested in the window})."""
        self.env["collections.dispute"].flush_model(["partner_id", "company_id", "create_date"])
        self.env["collections.protest"].flush_model(["partner_id", "company_id", "protest_date"])
        counts = {}
        for table, day in (("collections_dispute", "create_date::date"), ("collections_protest", "protest_date")):
            counts[table] = dict(
                self.env.execute_query(
                    SQL(
                        """
                        SELECT partner.commercial_partner_id, COUNT(*)
                          FROM %(table)s record
                          JOIN res_partner partner ON partner.id = record.partner_id
                         WHERE record.company_id = %(company)s
                           AND partner.commercial_partner_id = ANY(%(partners)s)
                           AND record.%(day)s > %(start)s AND record.%(day)s <= %(today)s
                         GROUP BY partner.commercial_partner_id
                        """,
                        table=SQL.identifier(table),
                        day=SQL(day),
                        company=company.id,
                        partners=partners.ids,
                        start=start,
                        today=today,
                    )
                )
            )
        return counts["collections_dispute"], counts["collections_protest"]

    def _collections_store_scores(self, company, today, results):
        """Score, reasons (in the company's language) and date of each customer, in one UPDATE."""
        if not results:
            return
        Partner = self.with_context(lang=company.partner_id.lang or self.env.lang)
        rows = [
            SQL(
                "(%s, %s::integer, %s, %s::integer)",
                partner_id,
                result.score,
                Partner._collections_reasons_text(result),
                result.typical_days_late,
            )
            for partner_id, result in results.items()
        ]
        self.env["res.partner"].flush_model(_SCORE_FIELDS)
        # Company-dependent columns are jsonb maps {company id: value}: only this company's key changes.
        self.env.cr.execute(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET collections_payer_score = COALESCE(partner.collections_payer_score, '{}'::jsonb)
                                                 || jsonb_build_object(%(key)s, batch.score),
                       collections_payer_reasons = COALESCE(partner.collections_payer_reasons, '{}'::jsonb)
                                                   || jsonb_build_object(%(key)s, batch.reasons),
                       collections_score_date = COALESCE(partner.collections_score_date, '{}'::jsonb)
                                                || jsonb_build_object(%(key)s, %(today)s::date),
                       collections_typical_days_late = COALESCE(partner.collections_typical_days_late, '{}'::jsonb)
                                                       || jsonb_build_object(%(key)s, batch.typical)
                  FROM (VALUES %(rows)s) AS batch(id, score, reasons, typical)
                 WHERE partner.id = batch.id
                """,
                key=str(company.id),
                today=today,
                rows=SQL(", ").join(rows),
            )
        )
        self.env["res.partner"].invalidate_model(_SCORE_FIELDS)

    def _collections_reasons_text(self, result):
        """The reasons of an engine PayerScore as sentences, one a line, with the points each took off."""
        lines = []
        for reason in result.reasons:
            sentence = self._collections_reason_sentence(reason.code, reason.value)
            if reason.code == "no_history":
                start = MAX_SCORE - reason.points
                lines.append(self.env._("%(reason)s (starts at %(score)s)", reason=sentence, score=start))
            elif reason.points:
                lines.append(self.env._("%(reason)s (-%(points)s)", reason=sentence, points=reason.points))
            else:
                lines.append(sentence)
        return "\n".join(lines)

    def _collections_reason_sentence(self, code, value):
        _ = self.env._
        if code == "no_history":
            return _("No payment history yet")
        if code == "average_days_late":
            return _("Pays 1 day late on average") if value == 1 else _("Pays %s days late on average", value)
        if code == "trend_days":
            return _("Paying %s more days late lately", value)
        if code == "after_reminder_share":
            return _("%s%% of the amount paid only after a reminder", value)
        if code == "broken_promises":
            return _("Broke 1 promise") if value == 1 else _("Broke %s promises", value)
        if code == "disputes":
            return _("Opened 1 dispute") if value == 1 else _("Opened %s disputes", value)
        if code == "protests":
            return _("1 title protested") if value == 1 else _("%s titles protested", value)
        return _("Pays on time")
