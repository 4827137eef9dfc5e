"""A month of collection history on the bench data (``tools/bench.py``, step ``history``).

The follow-up of the generated company is replayed day by day over the 30 days before the bench's
"today" (the day the invoices were generated: the latest invoice date) with the engine's own
``decide_partner``: every step that went out becomes a contact (``collections.event``, sent, with its
invoices and the overdue amount it covered), its invoices record the level they reached. Customers
answer: some pay (in full or in part, a few days after a contact; real ``account.payment`` records
reconciled with the invoices), some promise to pay on a call (kept, broken or still open), a few ask for
a payment agreement; collectors keep open tasks. Four collectors share the customers.

The follow-up's steps stop a week before the bench's day (``QUIET_DAYS``), as if the run had been off for
a week: the bench's run (``--history``) is the first one after and nearly every customer has a newly due
level; it still sends fewer messages than on the invoices alone, as a step already sent at a level is not
repeated for invoices it listed. Collectors' calls, payments, promises and tasks go on through that week.

Everything is seeded: the same sizes give the same history. The records are written by
``bench_history_write.py``.
"""

import random
import time
from collections import defaultdict
from datetime import timedelta

from bench_history_write import HistoryWriter

HISTORY_DAYS = 30
QUIET_DAYS = 7
COLLECTORS = 4
# Call outcomes and their weights (a call that reached the customer, or not).
CALL_OUTCOMES = {"will_pay": 30, "promise": 7, "no_answer": 30, "voicemail": 15, "refused": 8, "wrong_number": 7}
# After a contact, the share of customers who pay part of what it covered, and of those who pay in part.
PAY_SHARE = 0.37
PARTIAL_SHARE = 0.2


def build_history(env, log=print):
    """Write the history into the bench company (one transaction, the caller commits)."""
    started = time.time()
    rng = random.Random(13)
    company = env.company
    today = _bench_today(env, company)
    collectors = _collectors(env, company)
    sim = _Simulation(env, company, today, rng, collectors)
    sim.replay()
    log(f"  replayed {HISTORY_DAYS} days: {len(sim.events)} contacts ({time.time() - started:.0f} s)")
    sim.write_events()
    sim.write_levels()
    log(f"  contacts and levels written ({time.time() - started:.0f} s)")
    promises = sim.write_promises()
    log(f"  {len(promises)} promises to pay ({time.time() - started:.0f} s)")
    sim.write_payments(log)
    log(f"  {len(sim.payments)} payments reconciled ({time.time() - started:.0f} s)")
    env["collections.promise"].with_company(company)._cron_check_promises()
    sim.date_broken_promises(promises)
    agreements = sim.write_agreements()
    tasks = sim.write_tasks()
    env.flush_all()
    log(
        f"  {len(agreements)} agreements proposed, {len(tasks)} open tasks; history done "
        f"({time.time() - started:.0f} s)"
    )


def _bench_today(env, company):
    """The day the bench's invoices were generated (their latest invoice date): the history ends there."""
    env.cr.execute(
        "SELECT MAX(invoice_date) FROM account_move WHERE company_id = %s AND move_type = 'out_invoice'",
        (company.id,),
    )
    return env.cr.fetchone()[0]


def _collectors(env, company):
    group = env.ref("collections_addon.group_collections_user")
    users = env["res.users"].create(
        [
            {
                "name": f"Bench collector {index}",
                "login": f"bench.collector{index}",
                "email": f"collector{index}@bench.example",
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "group_ids": [(6, 0, [env.ref("base.group_user").id, group.id])],
            }
            for index in range(1, COLLECTORS + 1)
        ]
    )
    partners = env["res.partner"].search([("name", "=like", "Bench customer %")], order="id")
    for index, user in enumerate(users):
        partners[index::COLLECTORS].with_company(company).write({"collections_responsible_id": user.id})
    return {partner.id: users[index % COLLECTORS] for index, partner in enumerate(partners)}


class _Simulation(HistoryWriter):
    """The follow-up replayed day by day on plain values; the records are written at the end, in bulk."""

    def __init__(self, env, company, today, rng, collectors):
        from odoo.addons.collections_addon.collections_addon.engine import ContactRules

        self.env, self.company, self.today, self.rng, self.collectors = env, company, today, rng, collectors
        self.first_day = today - timedelta(days=HISTORY_DAYS)
        self.last_step_day = today - timedelta(days=QUIET_DAYS)
        partners = env["res.partner"].browse(sorted(collectors))
        self.policies = {partner.id: partner._collections_policy(company) for partner in partners}
        self.levels = {policy.id: policy._engine_levels() for policy in set(self.policies.values())}
        policy = next(iter(self.policies.values()))
        self.rules = policy._engine_rules(self.first_day - timedelta(days=10), today + timedelta(days=10))
        self.gap_rules = ContactRules(min_gap_business_days=self.rules.min_gap_business_days)
        self.grace = {policy.id: policy.promise_grace_days for policy in set(self.policies.values())}
        self.lines = self._read_lines()
        self.residual = {line["move_id"]: line["residual"] for lines in self.lines.values() for line in lines}
        self.move_line = {line["move_id"]: line["id"] for lines in self.lines.values() for line in lines}
        self.move_partner = {line["move_id"]: pid for pid, lines in self.lines.items() for line in lines}
        self.reached = {}  # line id: level days reached
        self.line_level = {}  # line id: level id reached
        self.events = []
        self.paid_on = {}  # move id: (date, amount) of its payment
        self.payments = []
        self.promises = []  # (partner id, move ids, made on, promised date, keep)
        self.held_until = {}  # move id: last day a promise holds it
        self.last_contact = {}

    def _read_lines(self):
        self.env.cr.execute(
            """
            SELECT line.partner_id, line.id, line.move_id, line.date_maturity, line.amount_residual
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN account_account account ON account.id = line.account_id
             WHERE move.company_id = %s AND move.move_type = 'out_invoice' AND move.state = 'posted'
               AND account.account_type = 'asset_receivable' AND line.partner_id = ANY(%s)
             ORDER BY line.partner_id, line.date_maturity, line.id
            """,
            (self.company.id, sorted(self.collectors)),
        )
        lines = defaultdict(list)
        for partner_id, line_id, move_id, due, residual in self.env.cr.fetchall():
            lines[partner_id].append({"id": line_id, "move_id": move_id, "due": due, "residual": residual})
        return lines

    def replay(self):
        day = self.first_day
        while day < self.today:
            if self.rules.calendar.is_business_day(day):
                for partner_id in sorted(self.lines):
                    if day <= self.last_step_day:
                        self._step(partner_id, day)
            day += timedelta(days=1)
        self._quiet_week_calls()

    def _items(self, partner_id, day):
        from odoo.addons.collections_addon.collections_addon.engine import OpenItem

        items = []
        for line in self.lines[partner_id]:
            move_id = line["move_id"]
            paid = self.paid_on.get(move_id)
            residual = line["residual"] - (paid[1] if paid and paid[0] <= day else 0.0)
            if residual <= 0.005:
                continue
            held = self.held_until.get(move_id)
            items.append(
                OpenItem(
                    move_id=move_id,
                    line_id=line["id"],
                    due_date=line["due"],
                    currency="company",
                    residual=round(residual, 2),
                    reached_days=self.reached.get(line["id"]),
                    excluded=bool(held and held[0] <= day <= held[1]),
                )
            )
        return items

    def _step(self, partner_id, day):
        from odoo.addons.collections_addon.collections_addon.engine import PartnerSituation, decide_partner

        items = self._items(partner_id, day)
        if not items:
            return
        policy = self.policies[partner_id]
        decision = decide_partner(
            today=day,
            levels=self.levels[policy.id],
            items=items,
            situation=PartnerSituation(partner_id=partner_id, last_contact=self.last_contact.get(partner_id)),
            rules=self.rules,
        )
        if decision.action != "contact":
            return
        days_of = {level.id: level.days for level in self.levels[policy.id]}
        for item in items:
            level_id = decision.item_levels.get(item.key)
            if level_id:
                self.reached[item.line_id] = days_of[level_id]
                self.line_level[item.line_id] = level_id
        self.last_contact[partner_id] = day
        self._contact(partner_id, day, decision, policy)
        self._answer(partner_id, day, decision, items)

    def _contact(self, partner_id, day, decision, policy):
        rng = self.rng
        common = {
            "partner_id": partner_id,
            "level_id": decision.level.id,
            "policy_id": policy.id,
            "date": day,
            "move_ids": list(decision.move_ids),
            "amount_due": decision.total_company,
            "user_id": self.collectors[partner_id].id,
        }
        channels = [channel for channel in decision.channels if channel != "call"]
        # A share of customers also get text messages once late (SMS, WhatsApp).
        if decision.level.days > 0 and partner_id % 5 == 0:
            channels.append("sms")
        if decision.level.days > 0 and partner_id % 7 == 3:
            channels.append("whatsapp")
        for channel in dict.fromkeys(channels):
            state = "sent"
            if channel == "email" and rng.random() < 0.015:
                state = "failed"
            elif channel == "whatsapp":
                state = rng.choice(["delivered", "read", "read"])
            self.events.append({**common, "channel": channel, "state": state})
        if "call" in decision.channels:
            self._call(partner_id, self.rules.calendar.add_business_days(day, rng.choice([0, 1])), common)

    def _call(self, partner_id, day, common, manual=False):
        from odoo.addons.collections_addon.collections_addon.engine.calls import call_event_state

        outcome = self.rng.choices(list(CALL_OUTCOMES), weights=list(CALL_OUTCOMES.values()))[0]
        self.events.append(
            {
                **common,
                "date": day,
                "channel": "call",
                "state": call_event_state(outcome),
                "outcome": outcome,
                "duration": round(self.rng.uniform(0.5, 9), 1),
                "manual": manual,
            }
        )
        return outcome

    def _answer(self, partner_id, day, decision, items):
        """Some customers pay part of what the contact covered, a few days later; a call may bring a promise."""
        rng = self.rng
        overdue = [item for item in items if not item.excluded and item.due_date < day]
        if not overdue:
            return
        last_call = self.events[-1] if self.events[-1]["channel"] == "call" else None
        if last_call and last_call["outcome"] == "promise":
            self._promise(partner_id, last_call["date"], overdue)
            return
        if rng.random() > PAY_SHARE:
            return
        for item in rng.sample(overdue, min(len(overdue), rng.choice([1, 1, 2, 3]))):
            if item.move_id in self.paid_on:
                continue
            pay_day = day + timedelta(days=rng.randint(1, 10))
            if pay_day >= self.today:
                continue
            amount = item.residual
            if rng.random() < PARTIAL_SHARE:
                amount = round(item.residual * rng.uniform(0.3, 0.7), 2)
            self.paid_on[item.move_id] = (pay_day, amount)

    def _promise(self, partner_id, day, overdue):
        rng = self.rng
        moves = [item.move_id for item in overdue[: rng.choice([1, 2])] if item.move_id not in self.paid_on]
        if not moves:
            return
        promised = day + timedelta(days=rng.randint(3, 12))
        hold_end = promised + timedelta(days=self.grace[self.policies[partner_id].id])
        # Kept (paid by the date), broken (unpaid past the grace days) or still open on the bench's day.
        keep = rng.random() < 0.55
        for move_id in moves:
            self.held_until[move_id] = (day, hold_end)
            if keep and promised < self.today:
                self.paid_on[move_id] = (promised - timedelta(days=rng.randint(0, 2)), self._residual(move_id))
        self.promises.append((partner_id, moves, day, promised))

    def _residual(self, move_id):
        return self.residual[move_id]

    def _quiet_week_calls(self):
        """Calls collectors logged by hand in the quiet week, early enough not to hold back the bench's run."""
        day = self.last_step_day + timedelta(days=1)
        while self.gap_rules.calendar.add_business_days(day, self.rules.min_gap_business_days) <= self.today:
            if self.rules.calendar.is_business_day(day):
                for partner_id in self.rng.sample(sorted(self.lines), len(self.lines) // 20):
                    items = [item for item in self._items(partner_id, day) if item.due_date < day]
                    if items:
                        common = {
                            "partner_id": partner_id,
                            "level_id": None,
                            "policy_id": None,
                            "move_ids": [item.move_id for item in items],
                            "amount_due": round(sum(item.residual for item in items), 2),
                            "user_id": self.collectors[partner_id].id,
                        }
                        if self._call(partner_id, day, common, manual=True) == "promise":
                            self._promise(partner_id, day, items)
                        self.last_contact[partner_id] = day
            day += timedelta(days=1)
