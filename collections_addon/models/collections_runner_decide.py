"""Deciding in the follow-up run: each customer's situation turned into an engine decision.

The records and facts gathered for a batch become plain values (plan levels and
contact rules, open items, the customer's situation); ``engine.decide_partner``
says what to do, and the decision goes back with the records the act step needs.
"""

import dataclasses

from odoo import api, models

from ..engine import (
    TO_CONTACT,
    BusinessCalendar,
    ContactRules,
    PartnerSituation,
    band_plan,
    calendar_window,
    contact_points,
    decide_partner,
    holds_applying,
    is_excluded,
)
from ..engine.holds import customer_hold_days, waits_for_person
from .collections_runner import _Decision, _PolicyContext

# What deciding reads of every customer of the batch, fetched at once.
_PARTNER_FIELDS = [
    "is_company",
    "email",
    "email_normalized",
    "collections_policy_id",
    "collections_paused_until",
    "collections_excluded",
    "collections_excluded_until",
    "lang",
    "collections_responsible_id",
    "collections_level_id",
    "collections_last_date",
    "collections_review_date",
    "collections_due_level_id",
    "phone_sanitized",
    "phone_sanitized_blacklisted",
    "collections_phone_invalid",
]
# The payer score the bands and the expected recovery read (collections users' fields: read as the follow-up).
_SCORE_FIELDS = ["collections_payer_score", "collections_score_date"]


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    @api.model
    def _policy_contexts(self, company, today, manual):
        """The levels and contact rules of each plan of the company; ``manual`` lifts the rules."""
        policies = self.env["collections.policy"].search([("company_id", "=", company.id)])
        contexts = {}
        for policy in policies:
            rules = policy._engine_rules(*calendar_window(today))
            if manual:
                rules = ContactRules.unrestricted()
            contexts[policy.id] = _PolicyContext(
                policy, policy._engine_levels(), rules, policy._engine_bands(), policy._engine_catch_up()
            )
        return contexts

    @api.model
    def _decide_batch(self, company, partners, today, policies, manual):
        partners = partners.with_company(company)
        partners.fetch(_PARTNER_FIELDS)
        # sudo: the score is the follow-up's own bookkeeping, read whoever starts the run (same fetch query).
        partners.sudo().fetch(_SCORE_FIELDS)
        facts = self._gather_batch(company, partners)
        history = self._catch_up_history(company, facts.items, policies)
        default_policy = {}
        digits = {currency.id: currency.decimal_places for currency in self.env["res.currency"].search([])}
        return [
            self._decide_one(company, partner, today, policies, facts, default_policy, digits, history)
            for partner in partners
        ]

    def _decide_one(self, company, partner, today, policies, facts, default_policy, digits, history=None):
        policy = self._partner_policy(company, partner, default_policy)
        context = policies.get(policy.id)
        recipients = facts.recipients[partner.id]
        reachable = recipients.filtered(lambda contact: contact.email_normalized not in facts.blacklisted)
        items = facts.items.get(partner.id, [])
        score = partner._collections_score_or_none()
        band = band_plan(context.levels, context.bands, score, items) if context else None
        # The customer-wide holds of today (a reply waiting for the collector...) hold the customer as a pause.
        holds = holds_applying((facts.holds or {}).get(partner.id, ()), None, today)
        # A customer new to the plan with an old debt: the plan's catch-up names the first step.
        catch_up, levels, catch_up_level = self._catch_up(
            context, band, items, (history or {}).get(partner.id, set()), today
        )
        decision = decide_partner(
            today=today,
            levels=levels,
            items=items,
            situation=self._situation(partner, today, facts, has_email=bool(reachable), holds=holds),
            rules=context.rules if context else None,
            currency_digits=digits,
            company_digits=company.currency_id.decimal_places,
            catch_up_level=catch_up_level,
        )
        if context is None and decision.action == "none" and decision.reason == "nothing_due":
            # Archived plan, a plan of another company, or no default plan for this kind of customer.
            decision = dataclasses.replace(decision, reason="no_policy")
        decision = self._hold_reason(partner, today, decision, holds)
        return _Decision(
            engine=decision,
            partner=partner,
            policy=policy,
            lines=items,
            recipients=reachable,
            blacklisted=recipients - reachable,
            engine_calendar=context.rules.calendar if context else BusinessCalendar(),
            score=score,
            band=band,
            phone_recipient=(facts.phones or {}).get(partner.id),
            catch_up=catch_up,
        )

    def _partner_policy(self, company, partner, default_policy):
        """The customer's plan, else the company's default plan for its kind (cached in ``default_policy``)."""
        if partner.collections_policy_id:
            return partner.collections_policy_id
        key = bool(partner.is_company)
        if key not in default_policy:
            default_policy[key] = self.env["collections.policy"]._default_for(company, partner.is_company)
        return default_policy[key]

    def _situation(self, partner, today, facts, has_email, holds=()):
        # The number of its collections contact, else its own (``_phone_recipients``).
        phone = (facts.phones or {}).get(partner.id, partner)
        has_mobile = bool(
            phone.phone_sanitized and not phone.phone_sanitized_blacklisted and not phone.collections_phone_invalid
        )
        excluded = is_excluded(today, partner.collections_excluded, partner.collections_excluded_until or None)
        held_excluded, held_until = customer_hold_days(holds, today)
        paused = [day for day in (held_until, partner.collections_paused_until) if day]
        return PartnerSituation(
            partner_id=partner.id,
            excluded=excluded or held_excluded,
            paused_until=max(paused, default=None),
            last_contact=facts.last_contacts.get(partner.id),
            contact_points=contact_points(email=has_email, mobile=has_mobile),
            agreement_running=partner.id in facts.agreements,
            open_tasks=frozenset(facts.open_tasks.get(partner.id, ())),
            unmatched_payments=(facts.unmatched_payments or {}).get(partner.id, 0.0),
        )

    def _hold_reason(self, partner, today, decision, holds):
        """A customer held by a reply rather than by its own pause: the decision says "the customer replied"."""
        pausing = [hold for hold in holds if hold.kind != "exclusion"]
        own_pause = partner.collections_paused_until and partner.collections_paused_until >= today
        if decision.reason == "paused" and pausing and pausing[0].kind == "reply" and not own_pause:
            decision = dataclasses.replace(decision, reason="replied")
        if decision.reason in ("paused", "replied") and waits_for_person(pausing):
            # The reply is the collector's to read: the customer waits on the worklist, not out of sight.
            decision = dataclasses.replace(decision, status=TO_CONTACT)
        return decision

    def _band_note(self, decision):
        """Why the customer's step differs from the plan: its score band started it later or kept e-mails only."""
        band, engine = decision.band, decision.engine
        if not band or not band.band or engine.action != "contact" or not engine.level:
            return ""
        payer = self.env._("good payer") if band.band == "good" else self.env._("poor payer")
        notes = []
        if band.started_at == engine.level.id:
            level = self.env["collections.level"].browse(band.started_at)
            notes.append(self.env._("starts at %(level)s", level=level.name))
        if band.email_only:
            notes.append(self.env._("e-mail only"))
        return self.env._("%(payer)s: %(notes)s", payer=payer, notes=", ".join(notes)) if notes else ""

    def _reason_label(self, reason):
        labels = {
            "due": self.env._("a follow-up step is due"),
            "nothing_due": self.env._("no invoice reached a new follow-up level"),
            "no_open_items": self.env._("no open receivable"),
            "excluded": self.env._("the customer is excluded from follow-up"),
            "paused": self.env._("the follow-up is paused"),
            "replied": self.env._("the customer replied: the follow-up waits until the reply is marked handled"),
            "not_business_day": self.env._("today is not a business day of the plan's calendar"),
            "contact_gap": self.env._("the customer was contacted too recently (minimum gap between contacts)"),
            "below_minimum": self.env._("the overdue amount is under the level's minimum amount"),
            "covered_by_credit": self.env._("open credit notes or payments cover what would be claimed"),
            "unmatched_payment": self.env._(
                "an incoming payment of the customer is not reconciled yet: reconcile it before reminding"
            ),
            "no_policy": self.env._("no collections plan applies to this customer"),
        }
        return labels.get(reason, reason)
