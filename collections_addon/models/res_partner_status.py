"""The customer's "Why": the phrases saying why a customer is on the worklist or held, and its next call.

The status itself (``collections_status``) is decided by the engine (``engine/followup.py``) during the
follow-up run; this file words what stands behind it, one named step per kind of reason, in the order
the worklist shows them: the collector's tasks first, then what holds the overdue invoices.
"""

from collections import defaultdict

from odoo import api, models
from odoo.tools import format_date, format_datetime

from ..engine.negotiation import AGREEMENT_HOLDING_STATES
from ..engine.protest import AT_NOTARY_STATES

# Agreements that hold the customer's invoices: proposed, waiting for approval, signed, running, or broken
# (its invoices are back in the follow-up, the collector still has to know).
_AGREEMENT_STATES_SHOWN = (*AGREEMENT_HOLDING_STATES, "broken")
_AT_NOTARY_STATES = tuple(sorted(AT_NOTARY_STATES))


class ResPartner(models.Model):
    _inherit = "res.partner"

    @api.depends_context("company", "tz", "lang")
    def _compute_collections_status_note(self):
        notes = self._collections_situation(self.env.company)
        for partner in self:
            note, call_at = notes.get(partner.commercial_partner_id.id, ([], False))
            partner.collections_status_note = " · ".join(note) or False
            partner.collections_next_call_at = call_at

    def _collections_situation(self, company):
        """Per customer: the phrases saying why it is listed or held, and its next planned call.

        A handful of queries for the whole list, whatever its length.
        """
        customers = self.commercial_partner_id.with_company(company)
        if not customers:
            return {}
        notes = defaultdict(list)
        next_call = {}
        shown = self._collections_task_notes(customers, company, notes, next_call)
        self._collections_step_due_notes(customers, shown, notes)
        self._collections_unmatched_payment_notes(customers, company, notes)
        self._collections_bank_notes(customers, company, notes)
        self._collections_promise_notes(customers, company, notes)
        self._collections_agreement_notes(customers, company, notes)
        self._collections_dispute_notes(customers, company, notes)
        self._collections_protest_notes(customers, company, notes)
        self._collections_letter_notes(customers, company, notes)
        self._collections_hold_notes(customers, company, notes)
        return {partner_id: (notes[partner_id], next_call.get(partner_id, False)) for partner_id in customers.ids}

    # ------------------------------------------------------------------
    # The collector's tasks
    # ------------------------------------------------------------------

    def _collections_task_notes(self, customers, company, notes, next_call):
        """The open tasks (planned calls, failed contacts, broken promises, steps due), latest first, each kind
        once; fills ``next_call`` with each customer's earliest planned call. Returns the kinds shown."""
        env = self.env
        channels = dict(env["collections.event"]._fields["channel"]._description_selection(env))
        shown = defaultdict(set)
        events = env["collections.event"].search_fetch(
            env["collections.event"]._open_task_domain(company, customers),
            ["partner_id", "channel", "state", "error", "level_id", "call_planned_at"],
            order="date desc, id desc",
        )
        for event in events:
            partner_id = event.partner_id.id
            if event.channel == "call" and event.state == "queued":
                planned = event.call_planned_at
                if planned and (partner_id not in next_call or planned < next_call[partner_id]):
                    next_call[partner_id] = planned
            key, text = self._collections_task_note(event, channels)
            if key not in shown[partner_id]:
                shown[partner_id].add(key)
                notes[partner_id].append(text)
        return shown

    def _collections_task_note(self, event, channels):
        """(kind, phrase) of one open task: the same kind is said once per customer."""
        env = self.env
        if event.channel == "call" and event.state == "queued":
            planned = event.call_planned_at
            text = (
                env._("Call planned for %(when)s", when=format_datetime(env, planned, dt_format="short"))
                if planned
                else env._("Call to make")
            )
            return ("call",), text
        if event.channel == "promise":
            return ("promise",), env._("Promise to pay broken: follow it up")
        if event.channel == "task":
            return ("step", event.level_id.id), env._("Step due: %(step)s", step=event.level_id.name)
        text = env._(
            "%(channel)s not sent: %(reason)s",
            channel=channels.get(event.channel, event.channel),
            reason=(event.error or env._("no reason given")).strip(),
        )
        return ("failed", event.channel), text

    def _collections_step_due_notes(self, customers, shown, notes):
        """A manual step due that has no task of its own (e.g. while the run waits for a business day)."""
        for partner in customers:
            level = partner.collections_due_level_id
            if level and ("step", level.id) not in shown[partner.id] and partner.collections_status == "to_contact":
                notes[partner.id].append(self.env._("Step due: %(step)s", step=level.name))

    def _collections_unmatched_payment_notes(self, customers, company, notes):
        """Incoming payments not matched to an invoice: the run holds the reminders back until they are."""
        unmatched = self.env["collections.runner"]._unmatched_payments(company, customers)
        for partner_id, amount in unmatched.items():
            if company.currency_id.compare_amounts(amount, 0) > 0:
                notes[partner_id].append(
                    self.env._(
                        "Unmatched payment of %(amount)s: reconcile it before reminding",
                        amount=company.currency_id.format(amount),
                    )
                )

    def _collections_bank_notes(self, customers, company, notes):
        """Stale bank data holds every automatic reminder of the company: each customer with debt says so."""
        # sudo: a collector may not read bank statements; only the journals' last dates are read.
        stale = company.sudo()._collections_stale_bank_journals(company._collections_today())
        if not stale:
            return
        text = self.env._(
            "Reminders wait: the bank statement of %(journals)s is older than %(days)s days; import and reconcile it",
            journals=", ".join(stale_journal.name for stale_journal in stale),
            days=company.collections_bank_max_age_days,
        )
        for partner in customers:
            if partner.collections_status not in (False, "ok"):
                notes[partner.id].append(text)

    # ------------------------------------------------------------------
    # What holds the overdue invoices
    # ------------------------------------------------------------------

    def _collections_promise_notes(self, customers, company, notes):
        env = self.env
        for partner, amount, last_date in env["collections.promise"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "open")],
            ["partner_id"],
            ["amount:sum", "date:max"],
        ):
            notes[partner.id].append(
                env._(
                    "Promised %(amount)s by %(date)s",
                    amount=company.currency_id.format(amount),
                    date=format_date(env, last_date),
                )
            )

    def _collections_agreement_notes(self, customers, company, notes):
        env = self.env
        state_labels = dict(env["collections.negotiation"]._fields["state"]._description_selection(env))
        for agreement in env["collections.negotiation"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("state", "in", _AGREEMENT_STATES_SHOWN),
            ],
            ["partner_id", "name", "state"],
        ):
            notes[agreement.partner_id.id].append(
                env._("Agreement %(name)s: %(state)s", name=agreement.name, state=state_labels[agreement.state])
            )

    def _collections_dispute_notes(self, customers, company, notes):
        for partner, count in self.env["collections.dispute"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "open")],
            ["partner_id"],
            ["__count"],
        ):
            notes[partner.id].append(self.env._("%(count)s open dispute(s)", count=count))

    def _collections_protest_notes(self, customers, company, notes):
        env = self.env
        Protest = env["collections.protest"]
        for partner, count, deadline in Protest._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("state", "in", _AT_NOTARY_STATES),
            ],
            ["partner_id"],
            ["__count", "deadline_date:min"],
        ):
            text = env._("%(count)s title(s) at the notary", count=count)
            if deadline:
                text = env._("%(titles)s, last day to pay %(date)s", titles=text, date=format_date(env, deadline))
            notes[partner.id].append(text)
        for partner, count in Protest._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "protested")],
            ["partner_id"],
            ["__count"],
        ):
            notes[partner.id].append(env._("%(count)s title(s) protested", count=count))

    def _collections_letter_notes(self, customers, company, notes):
        for [partner] in self.env["collections.event"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("channel", "=", "letter"),
                ("state", "=", "queued"),
            ],
            ["partner_id"],
        ):
            notes[partner.id].append(self.env._("Letter waiting to be printed"))

    def _collections_hold_notes(self, customers, company, notes):
        """A pause still running on the company's business day, an exclusion, a customer's reply waiting for the
        collector, each with its reason."""
        env = self.env
        today = company._collections_today()
        for hold in env["collections.hold"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("state", "=", "active"),
                ("kind", "=", "reply"),
            ],
            ["partner_id", "reason"],
            order="date_start, id",
        ):
            notes[hold.partner_id.id].append(hold.reason or env._("Customer replied"))
        for partner in customers:
            if partner.collections_paused_until and partner.collections_paused_until >= today:
                notes[partner.id].append(
                    env._(
                        "Paused until %(date)s%(reason)s",
                        date=format_date(env, partner.collections_paused_until),
                        reason=f": {partner.collections_pause_reason}" if partner.collections_pause_reason else "",
                    )
                )
            if partner.collections_status == "excluded":
                notes[partner.id].append(
                    env._(
                        "Excluded from follow-up%(reason)s",
                        reason=f": {partner.collections_exclusion_reason}"
                        if partner.collections_exclusion_reason
                        else "",
                    )
                )
