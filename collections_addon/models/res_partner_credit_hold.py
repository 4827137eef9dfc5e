"""A customer's credit hold: no sales order is confirmed for it while its plan's conditions hold.

Computed with the customer's status (the run and every status refresh: ``_write_partner_states``), for a
whole batch at once: one query per kind of fact (broken promises, broken agreements, protests) and one UPDATE.
The rule is the engine's (``engine/credit_hold.py``); the Sales side is the bridge module
``collections_addon_sale`` (installed with Sales).
"""

from markupsafe import escape

from odoo import api, fields, models
from odoo.tools import SQL

from ..engine.credit_hold import (
    HOLDING_AGREEMENT_STATE,
    HOLDING_PROMISE_STATE,
    HOLDING_PROTEST_STATE,
    CreditHoldFacts,
    CreditHoldRules,
    credit_hold_reasons,
)
from ..engine.receivable import OPEN_PAYMENT_STATES

_HOLD_FIELDS = ["collections_credit_hold", "collections_credit_hold_codes"]


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Public (no group), like the protested flag: salespeople see why an order cannot be confirmed.
    collections_credit_hold = fields.Boolean(
        string="Credit Hold",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The customer's collections plan put it on credit hold in this company: its sales orders cannot be "
        "confirmed (invoicing goes on). Lifted once the debt that caused it is paid.",
    )
    collections_credit_hold_codes = fields.Char(
        string="Credit Hold Reason Codes",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Technical: the engine's reason codes of the hold, comma-separated.",
    )
    collections_credit_hold_reason = fields.Char(
        string="Credit Hold Reason", compute="_compute_collections_credit_hold_reason"
    )

    @api.depends("collections_credit_hold_codes")
    @api.depends_context("company")
    def _compute_collections_credit_hold_reason(self):
        labels = self._collections_credit_hold_labels()
        for partner in self:
            codes = (partner.collections_credit_hold_codes or "").split(",")
            partner.collections_credit_hold_reason = "; ".join(labels[code] for code in codes if code in labels)

    def _collections_credit_hold_labels(self):
        labels = {
            "level": self.env._("follow-up level of the plan's credit hold reached, with invoices overdue"),
            "broken_promise": self.env._("broken promise to pay, its invoices not paid yet"),
            "broken_agreement": self.env._("broken agreement, its instalments not paid yet"),
            "protested": self.env._("title protested at a notary"),
        }
        return labels

    def _collections_refresh_credit_holds(self, company, decisions):
        """Credit hold of the customers of ``decisions`` (the run's batch) in ``company``, in one UPDATE."""
        if not decisions:
            return
        # sudo: the hold is the follow-up's bookkeeping, whoever refreshed the status (a collector, a portal
        # customer's promise, the daily jobs); it reads what the collectors see in this company only.
        partners = self.browse([decision.partner.id for decision in decisions]).with_company(company).sudo()
        # The level just written, for the batch at once (a first read would fetch every column of res.partner).
        partners.fetch(["collections_level_id"])
        facts = partners._collections_credit_hold_facts(company)
        rules = {}
        rows = []
        for decision, partner in zip(decisions, partners, strict=True):
            policy = decision.policy
            if policy.id not in rules:
                rules[policy.id] = policy.sudo()._engine_credit_hold() if policy else CreditHoldRules()
            level = partner.collections_level_id
            reasons = credit_hold_reasons(
                rules[policy.id],
                CreditHoldFacts(
                    level_days=level.days if level else None,
                    overdue=decision.engine.max_days_late > 0,
                    broken_promises=facts["broken_promise"].get(partner.id, 0),
                    broken_agreements=facts["broken_agreement"].get(partner.id, 0),
                    protested=partner.id in facts["protested"],
                ),
            )
            rows.append(SQL("(%s, %s::boolean, %s::text)", partner.id, bool(reasons), ",".join(reasons) or None))
        self._collections_write_credit_holds(company, rows)

    def _collections_credit_hold_facts(self, company):
        """{fact: {customer id: count}} of the broken promises with an unpaid invoice, the broken agreements and
        the protested titles of these customers in ``company``: one grouped query each."""
        commercial = [("partner_id.commercial_partner_id", "in", self.ids), ("company_id", "=", company.id)]
        queries = {
            "broken_promise": (
                "collections.promise",
                [
                    *commercial,
                    ("state", "=", HOLDING_PROMISE_STATE),
                    ("move_ids.payment_state", "in", OPEN_PAYMENT_STATES),
                ],
            ),
            "broken_agreement": ("collections.negotiation", [*commercial, ("state", "=", HOLDING_AGREEMENT_STATE)]),
            "protested": ("collections.protest", [*commercial, ("state", "=", HOLDING_PROTEST_STATE)]),
        }
        facts = {}
        for fact, (model, domain) in queries.items():
            counts = {}
            for partner, count in self.env[model].sudo()._read_group(domain, ["partner_id"], ["__count"]):
                key = partner.commercial_partner_id.id
                counts[key] = counts.get(key, 0) + count
            facts[fact] = counts
        return facts

    def _collections_write_credit_holds(self, company, rows):
        self.flush_model(_HOLD_FIELDS)
        # Company-dependent columns are jsonb maps {company id: value}: only this company's key changes.
        changed = self.env.execute_query(
            SQL(
                """
                UPDATE res_partner AS partner
                   SET collections_credit_hold = COALESCE(partner.collections_credit_hold, '{}'::jsonb)
                                                 || jsonb_build_object(%(key)s, batch.held),
                       collections_credit_hold_codes = COALESCE(partner.collections_credit_hold_codes, '{}'::jsonb)
                                                       || jsonb_build_object(%(key)s, batch.codes)
                  FROM (VALUES %(rows)s) AS batch(id, held, codes)
                 WHERE partner.id = batch.id
                   AND (COALESCE((partner.collections_credit_hold->>%(key)s)::boolean, FALSE) <> batch.held
                        OR partner.collections_credit_hold_codes->>%(key)s IS DISTINCT FROM batch.codes)
             RETURNING batch.id, batch.codes
                """,
                key=str(company.id),
                rows=SQL(", ").join(rows),
            )
        )
        self.invalidate_model([*_HOLD_FIELDS, "collections_credit_hold_reason"])
        self._collections_log_credit_holds(company, changed)

    def _collections_log_credit_holds(self, company, changed):
        """The customer's chatter says when a hold came, changed its reasons or was lifted: one batch of notes."""
        if not changed:
            return
        labels = self._collections_credit_hold_labels()
        bodies = {}
        for partner_id, codes in changed:
            if codes:
                text = self.env._(
                    "On credit hold in %(company)s: %(reasons)s.",
                    company=company.name,
                    reasons="; ".join(labels[code] for code in codes.split(",")),
                )
            else:
                text = self.env._("Credit hold lifted in %(company)s.", company=company.name)
            bodies[partner_id] = escape(text)
        self.browse(list(bodies))._message_log_batch(bodies)
