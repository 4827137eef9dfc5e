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

Everything is seeded: the same sizes give the same history.
"""

import random
import time
from collections import defaultdict
from datetime import timedelta

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


class _Simulation:
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

    # -- writing the records ------------------------------------------------------------------------------

    def write_events(self):
        """The contacts in one INSERT per thousand rows, their invoices in the relation table likewise."""
        from psycopg2.extras import execute_values

        field = self.env["collections.event"]._fields["move_ids"]
        uid = self.env.uid
        rows, moves = [], []
        for event in self.events:
            moment = f"{event['date']} {9 + event['partner_id'] % 8:02d}:{event['partner_id'] % 60:02d}:00"
            sent = moment if event["state"] in ("sent", "delivered", "read") else None
            channel = event["channel"]
            rows.append(
                (
                    event["partner_id"], self.company.id, event["level_id"], event["policy_id"], channel,
                    event["state"], event["date"], event["user_id"], event["amount_due"], event.get("outcome"),
                    event.get("duration") or 0.0, event.get("manual") or False,
                    moment if channel == "call" else None,
                    sent if channel in ("email", "sms", "whatsapp") else None,
                    moment if event["state"] in ("delivered", "read") else None,
                    moment if event["state"] == "read" else None,
                    moment if channel == "letter" else None,
                    uid, uid, moment, moment,
                )
            )  # fmt: skip
            moves.append(event["move_ids"])
        for start in range(0, len(rows), 1000):
            ids = execute_values(
                self.env.cr._obj,
                """
                INSERT INTO collections_event (partner_id, company_id, level_id, policy_id, channel, state, date,
                       user_id, amount_due, outcome, duration, manual, called_at, sent_at, delivered_at, read_at,
                       printed_at, create_uid, write_uid, create_date, write_date)
                VALUES %s RETURNING id
                """,
                rows[start : start + 1000],
                fetch=True,
            )
            pairs = [
                (event_id, move_id)
                for (event_id,), move_ids in zip(ids, moves[start : start + 1000], strict=True)
                for move_id in move_ids
            ]
            execute_values(
                self.env.cr._obj,
                f'INSERT INTO "{field.relation}" ("{field.column1}", "{field.column2}") VALUES %s',
                pairs,
                page_size=5000,
            )
        self.env["collections.event"].invalidate_model()

    def write_levels(self):
        """Lines and invoices record the level they reached and the last reminder; customers their last step."""
        from psycopg2.extras import execute_values

        cr = self.env.cr._obj
        by_level = defaultdict(list)
        for line_id, level_id in self.line_level.items():
            by_level[level_id].append(line_id)
        for level_id, line_ids in by_level.items():
            cr.execute(
                "UPDATE account_move_line SET collections_level_id = %s WHERE id = ANY(%s)", (level_id, line_ids)
            )
        line_moves = {line["id"]: line["move_id"] for lines in self.lines.values() for line in lines}
        last_date, partner_last = {}, {}
        for event in self.events:
            if event["level_id"] and event["state"] != "failed":
                for move_id in event["move_ids"]:
                    last_date[move_id] = max(event["date"], last_date.get(move_id, event["date"]))
                partner_last[event["partner_id"]] = max(
                    (event["date"], event["level_id"]), partner_last.get(event["partner_id"], (event["date"], 0))
                )
        move_rows = [
            (line_moves[line_id], level_id, last_date.get(line_moves[line_id]))
            for line_id, level_id in self.line_level.items()
        ]
        execute_values(
            cr,
            """
            UPDATE account_move AS move SET collections_level_id = batch.level_id, collections_last_date = batch.day
              FROM (VALUES %s) AS batch(id, level_id, day) WHERE move.id = batch.id
            """,
            move_rows,
            template="(%s, %s, %s::date)",
            page_size=2000,
        )
        key = str(self.company.id)
        execute_values(
            cr,
            f"""
            UPDATE res_partner AS partner
               SET collections_level_id = COALESCE(partner.collections_level_id, '{{}}') || jsonb_build_object('{key}', batch.level_id),
                   collections_due_level_id = COALESCE(partner.collections_due_level_id, '{{}}') || jsonb_build_object('{key}', batch.level_id),
                   collections_last_date = COALESCE(partner.collections_last_date, '{{}}') || jsonb_build_object('{key}', batch.day)
              FROM (VALUES %s) AS batch(id, level_id, day) WHERE partner.id = batch.id
            """,  # noqa: E501
            [(partner_id, level_id, day) for partner_id, (day, level_id) in partner_last.items()],
            template="(%s, %s, %s::date)",
            page_size=2000,
        )
        self.env.invalidate_all()

    def write_promises(self):
        """The promises, made as their collector would (then dated back to the call): kept, broken or open."""
        Promise = self.env["collections.promise"].with_company(self.company)
        promised_moves, created = set(), Promise
        real_today = self.company._collections_today()
        for partner_id, move_ids, made_on, promised in self.promises:
            if promised_moves & set(move_ids):
                continue
            promised_moves.update(move_ids)
            moves = self.env["account.move"].browse(move_ids)
            promise = Promise.with_user(self.collectors[partner_id]).create(
                {
                    "partner_id": partner_id,
                    "move_ids": [(6, 0, move_ids)],
                    "amount": sum(moves.mapped("amount_residual")),
                    "date": real_today + timedelta(days=1),
                    "source": "call",
                }
            )
            created |= promise
            promise.flush_recordset()
            self.env.cr.execute(
                "UPDATE collections_promise SET date = %s, create_date = %s WHERE id = %s",
                (promised, f"{made_on} 10:00:00", promise.id),
            )
            promise.invalidate_recordset(["date", "create_date"])
            promise._compute_pause_until()
        created.flush_recordset()
        return created

    def date_broken_promises(self, promises):
        """The daily job marked the broken promises today: their contact-log line and task date from the day
        after the grace days, when the job would have found them."""
        for promise in promises.filtered(lambda promise: promise.state == "broken"):
            day = min(promise.pause_until + timedelta(days=1), self.today)
            self.env.cr.execute(
                """
                UPDATE collections_event SET date = %s
                 WHERE partner_id = %s AND channel = 'promise' AND date > %s
                """,
                (day, promise.partner_id.id, day),
            )
        self.env["collections.event"].invalidate_model(["date"])

    def write_payments(self, log):
        """Real payments, reconciled as Odoo's Register Payment does, in bulk: one per customer and day for the
        invoices paid in full, one per invoice paid in part; created, posted and reconciled 500 at a time."""
        groups = defaultdict(list)
        for move_id, (day, amount) in sorted(self.paid_on.items()):
            partner_id = self.move_partner[move_id]
            if amount >= self.residual[move_id] - 0.005:
                groups[(partner_id, day, "full")].append((move_id, self.residual[move_id]))
            else:
                groups[(partner_id, day, move_id)].append((move_id, amount))
        journal = self.env["account.journal"].search(
            [("company_id", "=", self.company.id), ("type", "=", "bank")], limit=1
        )
        Payment = self.env["account.payment"].with_company(self.company)
        keys = sorted(groups, key=lambda key: (key[1], key[0], str(key[2])))
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            payments = Payment.create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": partner_id,
                        "amount": round(sum(amount for _move, amount in groups[key]), 2),
                        "date": day,
                        "journal_id": journal.id,
                    }
                    for key in chunk
                    for partner_id, day in [key[:2]]
                ]
            )
            payments.action_post()
            plan = []
            for payment, key in zip(payments, chunk, strict=True):
                lines = payment.move_id.line_ids.filtered(
                    lambda line, payment=payment: line.account_id == payment.destination_account_id
                )
                plan.append(lines | self._receivable_lines([move for move, _amount in groups[key]]))
            self.env["account.move.line"]._reconcile_plan(plan)
            self.payments.extend(payments.ids)
            self._flush()
            log(f"    payments {min(start + 500, len(keys))}/{len(keys)}")

    def _receivable_lines(self, move_ids):
        line_ids = [self.move_line[move_id] for move_id in move_ids]
        return self.env["account.move.line"].browse(line_ids)

    def _flush(self):
        self.env.flush_all()
        self.env.invalidate_all()

    def write_agreements(self):
        """A few customers late by months asked for instalments: proposed, waiting for their answer."""
        Agreement = self.env["collections.negotiation"].with_company(self.company)
        candidates = [
            partner_id
            for partner_id, lines in sorted(self.lines.items())
            if partner_id % 97 == 0 and not self.held_until.keys() & {line["move_id"] for line in lines}
        ]
        created = Agreement
        for partner_id in candidates[:12]:
            oldest = [
                line["move_id"]
                for line in self.lines[partner_id]
                if (self.today - line["due"]).days > 60 and line["move_id"] not in self.paid_on
            ][:2]
            if not oldest:
                continue
            agreement = Agreement.with_user(self.collectors[partner_id]).create(
                {
                    "partner_id": partner_id,
                    "move_ids": [(6, 0, oldest)],
                    "installment_count": 3,
                    "interval": "monthly",
                    "first_date": self.company._collections_today() + timedelta(days=10),
                }
            )
            agreement.action_propose()
            created |= agreement
        return created

    def write_tasks(self):
        """Open tasks of the collectors: call-backs and checks, due over the coming days (some already late)."""
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id("res.partner")
        partners = self.rng.sample(sorted(self.lines), len(self.lines) // 25)
        summaries = ["Call back about the overdue invoices", "Check the payment the customer announced"]
        return (
            self.env["mail.activity"]
            .with_context(mail_activity_quick_update=True)
            .create(
                [
                    {
                        "res_model_id": model_id,
                        "res_id": partner_id,
                        "activity_type_id": todo.id,
                        "summary": summaries[partner_id % 2],
                        "user_id": self.collectors[partner_id].id,
                        "date_deadline": self.today + timedelta(days=self.rng.randint(-4, 6)),
                    }
                    for partner_id in partners
                ]
            )
        )
