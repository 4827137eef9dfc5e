"""Writing the bench's month of history (tools/bench_history.py): the records, in bulk where Odoo allows.

Contacts and the levels reached in SQL (one INSERT or UPDATE per thousand rows), promises, payments,
agreements and tasks through the ORM as a collector would make them (payments posted and reconciled 500 at
a time).
"""

from collections import defaultdict
from datetime import timedelta


class HistoryWriter:
    """The records of a replayed history (mixed into ``bench_history._Simulation``)."""

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
        execute_values(
            cr,
            """
            INSERT INTO collections_line_level (line_id, level_id, company_id)
                 SELECT line.id, batch.level_id, line.company_id
                   FROM (VALUES %s) AS batch(line_id, level_id)
                   JOIN account_move_line line ON line.id = batch.line_id
            ON CONFLICT (line_id) DO UPDATE SET level_id = EXCLUDED.level_id
            """,
            list(self.line_level.items()),
            page_size=5000,
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
        # One row per invoice: a statement may not write the same invoice twice.
        move_rows = {
            line_moves[line_id]: (line_moves[line_id], level_id, last_date.get(line_moves[line_id]))
            for line_id, level_id in self.line_level.items()
        }
        execute_values(
            cr,
            """
            INSERT INTO collections_move_level (move_id, level_id, last_date, company_id)
                 SELECT move.id, batch.level_id, batch.day, move.company_id
                   FROM (VALUES %s) AS batch(move_id, level_id, day)
                   JOIN account_move move ON move.id = batch.move_id
            ON CONFLICT (move_id) DO UPDATE SET level_id = EXCLUDED.level_id, last_date = EXCLUDED.last_date
            """,
            list(move_rows.values()),
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
            # The statistics of a template written in bulk say there are no payments: without them PostgreSQL
            # plans the run's unmatched-payments read for empty tables, and it slows with every payment added.
            self.env.cr.execute("ANALYZE account_move, account_move_line, account_partial_reconcile, account_payment")
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
