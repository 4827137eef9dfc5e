"""The bench's customers and posted customer invoices, bulk-inserted in SQL as the ORM would write them.

The first two customers (one person, one company) and their first invoices are made through the ORM: they are
the prototypes. Every other customer, invoice and journal item is a copy of a prototype's row in which only the
columns that vary from one document to the next are replaced (names, partner, dates, amounts), one
``INSERT ... SELECT generate_series`` per table. Ids come from the tables' own sequences (``nextval``) and the
invoice numbers continue each year's sequence of the journal, so the ORM goes on numbering after them.

``check_against_orm`` then makes a few of the same invoices and customers through the ORM in a savepoint that is
rolled back and compares them column by column with the SQL ones; ``check_ledger`` reads the result back
through Odoo's own queries (receivables per customer, trial balance, the customers' ``credit``, the run's
customers to review).
"""

from datetime import date, timedelta

from odoo.tools import SQL

# The invoice's parameters (partner index, due date, invoice date, amount) in SQL, for invoice number ``n``;
# ``invoice_params`` is the same in Python (the prototypes, the checks).
_PARAMS_SQL = """
    SELECT n, n %% %(partners)s AS partner_index,
           %(today)s::date - (-2 + (n / %(partners)s) * (122 / %(per_partner)s) + n %% 7) AS due,
           LEAST(%(today)s::date - (-2 + (n / %(partners)s) * (122 / %(per_partner)s) + n %% 7), %(today)s::date)
               AS invoice_date,
           (50 + n %% 900)::numeric AS amount
      FROM generate_series(%(first)s, %(last)s) AS n
"""


def invoice_params(number, partners, invoices, today):
    """(partner index, due date, invoice date, amount) of invoice ``number``.

    Ages from 2 days before due to 120 days late, spread over each customer's invoices.
    """
    per_partner = max(1, invoices // partners)
    days_late = -2 + (number // partners) * (122 // per_partner) + number % 7
    due = today - timedelta(days=days_late)
    return number % partners, due, min(due, today), 50 + number % 900


def partner_vals(index):
    return {
        "name": f"Bench customer {index:05d}",
        "email": f"customer{index:05d}@bench.example",
        "is_company": bool(index % 2),
    }


def orm_invoices(env, partners, numbers, sizes, today):
    """Posted invoices ``numbers`` made through the ORM (``partners``: the customers by index)."""
    vals = []
    for number in numbers:
        index, due, invoice_date, amount = invoice_params(number, *sizes, today)
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": partners[index].id,
                "invoice_date": invoice_date,
                "invoice_date_due": due,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [(0, 0, {"name": "Service", "quantity": 1, "price_unit": amount, "tax_ids": []})],
            }
        )
    moves = env["account.move"].with_context(tracking_disable=True).create(vals)
    for move, move_vals in zip(moves, vals, strict=True):
        move.invoice_date_due = move_vals["invoice_date_due"]
    moves.action_post()
    env.flush_all()
    return moves


def _columns(cr, table):
    cr.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
        [table],
    )
    return [row[0] for row in cr.fetchall()]


def _copy(cr, table, source, overrides, params, proto="proto"):
    """INSERT INTO ``table`` copies of the ``proto`` rows of ``source`` (a FROM clause), ``overrides`` replacing
    some columns by SQL expressions; a column overridden with None is left to its default (the id)."""
    columns = [column for column in _columns(cr, table) if overrides.get(column, "") is not None]
    values = [overrides.get(column, f'{proto}."{column}"') for column in columns]
    names = ", ".join(f'"{column}"' for column in columns)
    cr.execute(SQL(f"INSERT INTO {table} ({names}) SELECT {', '.join(values)} FROM {source}", **params))
    return cr.rowcount


def generate(env, partners_count, invoices_count, log):
    """``partners_count`` customers and ``invoices_count`` posted invoices; returns the customers by index."""
    cr = env.cr
    today = date.today()
    sizes = (partners_count, invoices_count)
    prototypes = env["res.partner"].create([partner_vals(index) for index in range(min(2, partners_count))])
    proto_moves = orm_invoices(env, prototypes, range(min(2, invoices_count)), sizes, today)
    params = {
        "partners": partners_count,
        "per_partner": max(1, invoices_count // partners_count),
        "today": today,
        "proto_person": prototypes[0].id,
        "proto_company": prototypes[-1].id,
        "proto_move": proto_moves[0].id,
        "journal": proto_moves[0].journal_id.id,
        "code": proto_moves[0].journal_id.code,
    }
    _check_prefix(proto_moves[0])
    cr.execute("CREATE TEMPORARY TABLE bench_partner (n integer PRIMARY KEY, id integer NOT NULL) ON COMMIT DROP")
    cr.execute("CREATE TEMPORARY TABLE bench_invoice (n integer PRIMARY KEY, id integer NOT NULL) ON COMMIT DROP")
    for number, move in enumerate(proto_moves):
        cr.execute("INSERT INTO bench_invoice VALUES (%s, %s)", [number, move.id])
    for index, prototype in enumerate(prototypes):
        cr.execute("INSERT INTO bench_partner VALUES (%s, %s)", [index, prototype.id])
    _insert_partners(cr, dict(params, first=2, last=partners_count - 1))
    log(f"  {partners_count} customers")
    for first in range(2, invoices_count, 100000):
        last = min(first + 100000, invoices_count) - 1
        _insert_invoices(cr, dict(params, first=first, last=last))
        log(f"  invoices {last + 1}/{invoices_count}")
    cr.execute("SELECT id FROM bench_partner ORDER BY n")
    partner_ids = [row[0] for row in cr.fetchall()]
    env.invalidate_all()
    # The ORM's numbering caches the last number it gave for the rest of the transaction (sequence.mixin).
    cr.precommit.data.pop("sequence.mixin", None)
    cr.execute("ANALYZE res_partner, account_move, account_move_line, mail_message")
    return env["res.partner"].browse(partner_ids)


def _check_prefix(move):
    expected = f"{move.journal_id.code}/{move.date.year:04d}/"
    if move.sequence_prefix != expected or move.name != f"{expected}{move.sequence_number:05d}":
        raise RuntimeError(f"unexpected invoice number {move.name}: the SQL numbering expects {expected}00001")


def _insert_partners(cr, params):
    if params["last"] < params["first"]:
        return
    cr.execute(
        SQL(
            """
            INSERT INTO bench_partner
            SELECT n, nextval('res_partner_id_seq') FROM generate_series(%(first)s, %(last)s) AS n ORDER BY n
            """,
            **params,
        )
    )
    name = "'Bench customer ' || lpad(bench_partner.n::text, 5, '0')"
    email = "'customer' || lpad(bench_partner.n::text, 5, '0') || '@bench.example'"
    _copy(
        cr,
        "res_partner",
        """bench_partner JOIN res_partner proto
             ON proto.id = CASE WHEN bench_partner.n %% 2 = 1 THEN %(proto_company)s ELSE %(proto_person)s END
           WHERE bench_partner.n >= %(first)s""",
        {
            "id": "bench_partner.id",
            "commercial_partner_id": "bench_partner.id",
            "name": name,
            "complete_name": name,
            "commercial_company_name": f"CASE WHEN proto.is_company THEN {name} END",
            "email": email,
            "email_normalized": email,
            "customer_rank": "0",
        },
        params,
    )
    # The ORM logs "Contact created" on each new customer.
    _copy(
        cr,
        "mail_message",
        """bench_partner, mail_message proto
           WHERE bench_partner.n >= %(first)s AND proto.model = 'res.partner' AND proto.res_id = %(proto_person)s""",
        {
            "id": None,
            "res_id": "bench_partner.id",
            "message_id": "replace(proto.message_id, '<', '<' || bench_partner.n || '.')",
        },
        params,
    )


def _number_invoices(cr, params):
    """Table bench_move: invoices ``first`` to ``last`` with their ids, customers, dates, amounts and numbers."""
    cr.execute(
        SQL(
            """
            CREATE TEMPORARY TABLE IF NOT EXISTS bench_move (
                n integer PRIMARY KEY, id integer, partner_id integer, due date, invoice_date date,
                amount numeric, prefix varchar, name varchar, number integer) ON COMMIT DROP;
            TRUNCATE bench_move;
            INSERT INTO bench_move
            SELECT params.n, nextval('account_move_id_seq'), bench_partner.id, due, invoice_date, amount,
                   %(code)s || '/' || lpad(extract(year FROM invoice_date)::int::text, 4, '0') || '/'
              FROM ({params}) params JOIN bench_partner ON bench_partner.n = params.partner_index
             ORDER BY params.n;
            -- Each year's numbers go on from the journal's last one, in the order of the dates as the ORM posts.
            UPDATE bench_move SET number = numbered.number, name = bench_move.prefix
                   || CASE WHEN numbered.number < 100000 THEN lpad(numbered.number::text, 5, '0')
                           ELSE numbered.number::text END
              FROM (SELECT n, ROW_NUMBER() OVER (PARTITION BY prefix ORDER BY invoice_date, n)
                              + COALESCE((SELECT MAX(sequence_number) FROM account_move
                                           WHERE journal_id = %(journal)s AND sequence_prefix = prefix), 0) AS number
                      FROM bench_move) numbered
             WHERE numbered.n = bench_move.n;
            """.replace("{params}", _PARAMS_SQL),
            **params,
        )
    )


def _insert_invoices(cr, params):
    """Invoices ``first`` to ``last``: the moves, then their product and receivable lines."""
    _number_invoices(cr, params)
    amounts = ["amount_untaxed", "amount_total", "amount_residual"]
    amounts += [f"{name}_signed" for name in ("amount_untaxed", "amount_total", "amount_residual")]
    amounts += ["amount_untaxed_in_currency_signed", "amount_total_in_currency_signed"]
    _copy(
        cr,
        "account_move",
        "bench_move, account_move proto WHERE proto.id = %(proto_move)s",
        {
            "id": "bench_move.id",
            "partner_id": "bench_move.partner_id",
            "commercial_partner_id": "bench_move.partner_id",
            "partner_shipping_id": "bench_move.partner_id",
            "invoice_partner_display_name": "(SELECT name FROM res_partner WHERE id = bench_move.partner_id)",
            "name": "bench_move.name",
            "payment_reference": "bench_move.name",
            "sequence_prefix": "bench_move.prefix",
            "sequence_number": "bench_move.number",
            "date": "bench_move.invoice_date",
            "invoice_date": "bench_move.invoice_date",
            "invoice_date_due": "bench_move.due",
            **dict.fromkeys(amounts, "bench_move.amount"),
        },
        params,
    )
    _insert_lines(cr, params)


def _insert_lines(cr, params):
    """The product line and the receivable line of each invoice of bench_move; the customers' rank."""
    common = {
        "id": None,
        "move_id": "bench_move.id",
        "partner_id": "bench_move.partner_id",
        "move_name": "bench_move.name",
        "date": "bench_move.invoice_date",
        "invoice_date": "bench_move.invoice_date",
    }
    lines = "bench_move, account_move_line proto WHERE proto.move_id = %(proto_move)s AND proto.display_type = "
    _copy(
        cr,
        "account_move_line",
        lines + "'product' ORDER BY bench_move.n",
        {
            **common,
            "credit": "bench_move.amount",
            "balance": "-bench_move.amount",
            "amount_currency": "-bench_move.amount",
            **dict.fromkeys(["price_unit", "price_subtotal", "price_total"], "bench_move.amount"),
        },
        params,
    )
    _copy(
        cr,
        "account_move_line",
        lines + "'payment_term' ORDER BY bench_move.n",
        {
            **common,
            "name": "bench_move.name",
            "date_maturity": "bench_move.due",
            **dict.fromkeys(
                ["debit", "balance", "amount_currency", "amount_residual", "amount_residual_currency"],
                "bench_move.amount",
            ),
        },
        params,
    )
    cr.execute("INSERT INTO bench_invoice SELECT n, id FROM bench_move")
    # Posting raises the customers' rank (customer_rank), as the ORM's _post does.
    cr.execute(
        """
        UPDATE res_partner partner SET customer_rank = partner.customer_rank + counted.invoices
          FROM (SELECT partner_id, COUNT(*) AS invoices FROM bench_move GROUP BY partner_id) counted
         WHERE partner.id = counted.partner_id
        """
    )


def _row(cr, table, where, *args):
    cr.execute(f"SELECT * FROM {table} WHERE {where} ORDER BY id", args)
    names = [column.name for column in cr.description]
    return [dict(zip(names, values, strict=True)) for values in cr.fetchall()]


_STAMPS = {"create_date", "write_date"}


def _differences(label, orm_rows, sql_rows, own, ignore=()):
    """The columns where the ORM's rows and the SQL's rows of the same document differ.

    ``own`` pairs the values proper to each copy (its id, its number): the ORM's value and the SQL's value
    of a pair count as equal; ``ignore``: columns not compared (timestamps, ids of the rows themselves).
    """
    if len(orm_rows) != len(sql_rows):
        return [f"{label}: {len(orm_rows)} rows through the ORM, {len(sql_rows)} in SQL"]
    found = []
    for orm_row, sql_row in zip(orm_rows, sql_rows, strict=True):
        for column, orm_value in orm_row.items():
            sql_value = sql_row[column]
            if column in _STAMPS or column in ignore or (orm_value, sql_value) in own:
                continue
            if orm_value != sql_value:
                found.append(f"{label}: {column} is {orm_value!r} through the ORM, {sql_value!r} in SQL")
    return found


def _inserted(cr):
    cr.execute("SELECT relname, n_tup_ins FROM pg_stat_xact_user_tables WHERE n_tup_ins > 0")
    return dict(cr.fetchall())


def check_against_orm(env, partners, sizes, log):
    """Make a few of the same customers and invoices through the ORM (rolled back) and compare their rows."""
    cr = env.cr
    today = date.today()
    partners_count, invoices_count = sizes
    partner_numbers = [number for number in (2, 3) if number < partners_count]
    numbers = sorted(
        {number for number in (2, 3, 7, partners_count + 2, invoices_count - 1) if 2 <= number < invoices_count}
    )
    env.flush_all()
    cr.execute("SELECT n, id FROM bench_invoice")
    sql_moves = dict(cr.fetchall())
    before = _inserted(cr)
    cr.execute("SAVEPOINT bench_check")
    found = []
    try:
        orm_partners = env["res.partner"].create([partner_vals(number) for number in partner_numbers])
        env.flush_all()
        for number, orm_partner in zip(partner_numbers, orm_partners, strict=True):
            sql_partner = partners[number]
            orm_row, sql_row = (
                _row(cr, "res_partner", "id = %s", orm_partner.id),
                _row(cr, "res_partner", "id = %s", sql_partner.id),
            )
            orm_row[0]["customer_rank"] = sql_row[0]["customer_rank"]  # the SQL customer has its invoices
            own = {(orm_partner.id, sql_partner.id)}
            found += _differences(f"customer {number}", orm_row, sql_row, own)
            messages = "model = 'res.partner' AND res_id = %s"
            found += _differences(
                f"customer {number} message",
                _row(cr, "mail_message", messages, orm_partner.id),
                _row(cr, "mail_message", messages, sql_partner.id),
                own,
                {"id", "message_id", "date"},
            )
        moves = orm_invoices(env, partners, numbers, sizes, today)
        for number, move in zip(numbers, moves, strict=True):
            label = f"invoice {number}"
            sql_move = _row(cr, "account_move", "id = %s", sql_moves[number])
            orm_move = _row(cr, "account_move", "id = %s", move.id)
            own = {(move.id, sql_move[0]["id"]), (move.name, sql_move[0]["name"])}
            found += _differences(label, orm_move, sql_move, own, {"sequence_number"})
            for display_type in ("product", "payment_term"):
                where = "move_id = %s AND display_type = %s"
                found += _differences(
                    f"{label} {display_type} line",
                    _row(cr, "account_move_line", where, move.id, display_type),
                    _row(cr, "account_move_line", where, sql_move[0]["id"], display_type),
                    own,
                    {"id"},
                )
        orm_names = moves.mapped("name")
        written = {table for table, count in _inserted(cr).items() if count > before.get(table, 0)}
    finally:
        env.flush_all()
        cr.execute("ROLLBACK TO SAVEPOINT bench_check")
        env.invalidate_all(flush=False)
        env.transaction.clear()
        # What the ORM keeps for the end of the transaction goes with the savepoint: its last invoice numbers,
        # and the ranks of customers who already had one, which posting raises after the commit.
        cr.precommit.data.pop("sequence.mixin", None)
        cr.postcommit.data.get("account.res.partner.increase_rank.customer_rank", {}).clear()
    unexpected = written - {"res_partner", "mail_message", "account_move", "account_move_line"}
    if unexpected:
        found.append(f"the ORM also wrote into {sorted(unexpected)}, which the SQL generation does not fill")
    for line in found:
        log(f"  DIFFERENCE {line}")
    if found:
        raise RuntimeError("the SQL-generated rows differ from the ORM's (see above)")
    log(
        f"  check: {len(partner_numbers)} customers and invoices {numbers} made again through the ORM (rolled back,"
        f" numbered {', '.join(orm_names)}) have the same rows, column by column, as the SQL ones"
    )


def check_ledger(env, partners, sizes, log):
    """The generated ledger read back through Odoo's own queries; raises when a figure is off."""
    company = env.company
    today = date.today()
    expected = dict.fromkeys(partners.ids, 0)
    counts = dict.fromkeys(partners.ids, 0)
    ids = partners.ids
    for number in range(sizes[1]):
        index, _due, _invoice_date, amount = invoice_params(number, *sizes, today)
        expected[ids[index]] += amount
        counts[ids[index]] += 1
    total = sum(expected.values())
    lines = env["account.move.line"]
    receivable = [
        ("company_id", "=", company.id),
        ("parent_state", "=", "posted"),
        ("account_id.account_type", "=", "asset_receivable"),
        ("reconciled", "=", False),
    ]
    residual = {
        partner.id: amount for partner, amount in lines._read_group(receivable, ["partner_id"], ["amount_residual:sum"])
    }
    balance = lines._read_group(
        [("company_id", "=", company.id), ("parent_state", "=", "posted")],
        [],
        ["debit:sum", "credit:sum", "balance:sum"],
    )[0]
    read = partners.read(["credit", "customer_rank"])
    credit = {partner["id"]: partner["credit"] for partner in read}
    ranks = {partner["id"]: partner["customer_rank"] for partner in read}
    env.invalidate_all()
    to_review = set(env["collections.runner"]._partners_to_review(company))
    states = env["account.move"]._read_group(
        [("company_id", "=", company.id), ("move_type", "=", "out_invoice")], ["state", "payment_state"], ["__count"]
    )
    problems = []
    if residual != expected:
        problems.append(f"receivables per customer: {len(set(residual.items()) ^ set(expected.items()))} differ")
    if round(balance[0] - balance[1], 2) or round(balance[2], 2) or round(balance[0] - total, 2):
        problems.append(
            f"trial balance: debit {balance[0]}, credit {balance[1]}, balance {balance[2]} (expected {total})"
        )
    if credit != expected:
        problems.append("the customers' credit differs from their invoices")
    if ranks != counts:
        problems.append("the customers' rank (customer_rank) differs from their number of invoices")
    if to_review != set(partners.ids):
        problems.append(f"the run reviews {len(to_review)} customers, not the {len(partners)} generated")
    if states != [("posted", "not_paid", sizes[1])]:
        problems.append(f"invoices by state and payment state: {states}")
    log(
        f"  ledger: {len(residual)} customers owe {sum(residual.values()):.2f} (account.move.line amount_residual per"
        f" customer = the invoices' totals; res.partner credit the same, customer_rank = invoices), trial balance"
        f" debit {balance[0]:.2f} = credit {balance[1]:.2f}, invoices {states}, {len(to_review)} customers to review"
    )
    if problems:
        raise RuntimeError("; ".join(problems))
