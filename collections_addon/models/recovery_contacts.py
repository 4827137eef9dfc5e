"""What contacts recovered, read from the accounting in bulk: shared by the A/B figures of a level's variants
and the recovery report (``collections_report_recovery.py``)."""

from collections import defaultdict

from odoo.tools import SQL

from ..engine.recovery import RecoveryContact, RecoveryPayment, attribute_recovery


def contact_recoveries(env, contacts):
    """What each contact recovered: ``contacts`` are (event id, day, customer id); returns the engine's
    ``ContactRecovery`` of each, in their order (``engine.recovery.attribute_recovery``).

    Each contact covers the receivable lines of its invoices for their amount in the company's currency; a
    payment is a reconciliation of such a line (its day and amount, in the company's currency). Two queries,
    however many contacts.
    """
    if not contacts:
        return []
    env.flush_all()
    cr = env.cr
    ids = [contact[0] for contact in contacts]
    cr.execute(
        SQL(
            """SELECT rel.collections_event_id, line.id, ABS(line.balance)
                 FROM account_move_collections_event_rel rel
                 JOIN account_move_line line ON line.move_id = rel.account_move_id
                 JOIN account_account account ON account.id = line.account_id
                WHERE rel.collections_event_id = ANY(%s)
                  AND account.account_type = 'asset_receivable'
                  AND line.balance != 0""",
            ids,
        )
    )
    covered = defaultdict(dict)
    for event_id, line_id, amount in cr.fetchall():
        covered[event_id][line_id] = amount
    lines = list({line_id for lines in covered.values() for line_id in lines})
    cr.execute(
        SQL(
            """SELECT debit_move_id, max_date, amount FROM account_partial_reconcile
                WHERE debit_move_id = ANY(%s) AND amount > 0""",
            lines,
        )
    )
    payments = [RecoveryPayment(line_id, day, amount) for line_id, day, amount in cr.fetchall()]
    engine_contacts = [
        RecoveryContact(event_id, day, covered.get(event_id, {}), customer_id=customer_id)
        for event_id, day, customer_id in contacts
    ]
    return attribute_recovery(engine_contacts, payments)
