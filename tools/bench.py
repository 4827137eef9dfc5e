"""Benchmark of the follow-up run on generated data.

Usage (through ./dev.sh bench, which prepares the database):
    bench.py --config CONF --database DB [--partners N] [--invoices M] [--history | --reports]

Generates N customers and M posted overdue invoices once (kept as a template database, so later runs start
at once), then runs the follow-up in a fresh process on a copy and prints wall time, customers per second,
SQL queries and the peak memory of that process. ``--history`` runs it on a copy of the data with a month of
collection history (tools/bench_history.py, generated once on a copy of the invoices, kept as a second
template); ``--reports`` times the reports on that data instead of the run (tools/bench_reports.py).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

# The generated data's version: a new one when tools/bench_generate.py changes what it writes (a new template).
# 1: through the ORM; 2: bulk-inserted in SQL; 3: the check's rolled-back ORM invoices no longer raise the rank
# of their customers after the commit.
DATA_VERSION = 3
# The history's version: a new one when tools/bench_history.py changes what it writes (a new template).
HISTORY_VERSION = 1


def odoo_env(odoo_src, config, database):
    sys.path.insert(0, odoo_src)
    import odoo
    from odoo.tools import config as odoo_config

    odoo_config.parse_config(["-c", config, "-d", database, "--log-level=warn"])
    odoo.netsvc.init_logger()
    registry = odoo.modules.registry.Registry(database)
    return odoo, registry


def generate(args):
    odoo, registry = odoo_env(args.odoo_src, args.config, args.database)
    import bench_generate

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        if not env["account.journal"].search([("company_id", "=", company.id), ("type", "=", "sale")], limit=1):
            env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
        company.email = "billing@bench.example"
        # Every step acts by e-mail, so that every customer gets a message queued (the figure to beat).
        final_notice = env.ref("collections_addon.mail_template_collections_final_notice")
        for level in env["collections.level"].search([("company_id", "=", company.id)]):
            level.write(
                {
                    "auto_execute": True,
                    "send_email": True,
                    "mail_template_id": level.mail_template_id.id or final_notice.id,
                }
            )
        env.flush_all()
        started = time.time()

        def log(text):
            print(f"{text} ({time.time() - started:.0f} s)", flush=True)

        sizes = (args.partners, args.invoices)
        partners = bench_generate.generate(env, *sizes, log)
        bench_generate.check_against_orm(env, partners, sizes, log)
        bench_generate.check_ledger(env, partners, sizes, log)
        cr.commit()


def history(args):
    from bench_history import build_history

    odoo, registry = odoo_env(args.odoo_src, args.config, args.database)
    started = time.time()
    with registry.cursor() as cr:
        build_history(odoo.api.Environment(cr, odoo.SUPERUSER_ID, {}), log=lambda text: print(text, flush=True))
        cr.commit()
    print(f"  history generated in {time.time() - started:.0f} s", flush=True)


def _every_channel(env, company):
    """Every step also sends an SMS and a WhatsApp message and queues a letter (not timed).

    The customers get mobile numbers; WhatsApp points at a closed local port (the run
    only queues messages, it never calls the API).
    """
    company.write(
        {
            "collections_whatsapp_api_url": "http://127.0.0.1:9/v23.0",
            "collections_whatsapp_phone_number_id": "1234",
            "collections_whatsapp_token": "bench",
            "collections_whatsapp_app_secret": "bench",
        }
    )
    for level in env["collections.level"].search([("company_id", "=", company.id)]):
        level.write(
            {
                "send_sms": bool(level.sms_script_id),
                "send_whatsapp": bool(level.whatsapp_script_id.whatsapp_template_name),
                "send_letter": bool(level.letter_script_id),
            }
        )
    partners = env["res.partner"].search([("name", "=like", "Bench customer %"), ("phone", "=", False)])
    for index, partner in enumerate(partners):
        partner.phone = f"+55 11 9{81000000 + index}"
    env.flush_all()


def _pay_now(env, company):
    """Every customer is asked its amount due now with legal charges and gets Odoo's payment link (not timed).

    A 2 % fine and 1 % a month, collected; a payment provider in test mode. The generated company has no
    payment QR method (no localization gives one): the QR code is not measured.
    """
    profile = env["collections.charges.profile"].create(
        {
            "name": "Bench charges",
            "company_id": company.id,
            "fine_percent": 2,
            "interest_mode": "contract",
            "monthly_rate": 1,
            "charges_in_payment": "collect",
        }
    )
    profile.is_company_default = True
    env["ir.config_parameter"].set_param("account_payment.enable_portal_payment", "True")
    env["payment.provider"].create({"name": "Bench provider", "company_id": company.id, "state": "test"})


def run(args):
    odoo, registry = odoo_env(args.odoo_src, args.config, args.database)
    from odoo import sql_db

    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        if args.all_channels:
            _every_channel(env, company)
            cr.commit()
        if args.pay_now:
            _pay_now(env, company)
            cr.commit()
        partners = len(env["collections.runner"]._partners_to_review(company))
        # What the run adds (the data with history already has contacts and mails).
        mails_before = env["mail.mail"].search_count([("model", "=", "res.partner")])
        env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM collections_event")
        last_event = env.cr.fetchone()[0]
        queries_before = sql_db.sql_counter
        started, cpu_started = time.perf_counter(), time.process_time()
        result = env["collections.runner"]._run(company, commit=True)
        cr.commit()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        queries = sql_db.sql_counter - queries_before
        mails = env["mail.mail"].search_count([("model", "=", "res.partner")]) - mails_before
        new_events = [("id", ">", last_event)]
        events = env["collections.event"].search_count(new_events)
        by_channel = dict(env["collections.event"]._read_group(new_events, ["channel"], ["__count"]))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        json.dumps(
            {
                "customers": partners,
                "contacted": result.contacted,
                "failed": result.failed,
                "mails_queued": mails,
                "events": events,
                "events_by_channel": by_channel,
                "seconds": round(elapsed, 2),
                # Odoo's own CPU time (PostgreSQL's is not counted): steadier than the wall time on a busy machine.
                "odoo_cpu_seconds": round(cpu, 2),
                "customers_per_second": round(partners / elapsed, 1) if elapsed else None,
                "sql_queries": queries,
                "peak_rss_mib": round(peak_kib / 1024, 1),
            }
        )
    )


def main():
    parser = _parser()
    args = parser.parse_args()
    if args.partners < 1 or args.invoices < args.partners:
        parser.error("--partners must be at least 1 and --invoices at least --partners (one invoice per customer)")
    if args.step == "generate":
        return generate(args)
    if args.step == "run":
        return run(args)
    if args.step == "history":
        return history(args)
    if args.step in ("queue-coordinate", "queue-verify"):
        from bench_queue import step

        return step(args)
    if args.workers is not None and (args.workers < 1 or args.history or args.reports or args.all_channels):
        parser.error("--workers needs N >= 1, and goes with neither --history, --reports nor --all-channels")
    if args.repeat < 1 or (args.repeat > 1 and (args.workers or args.reports)):
        parser.error("--repeat needs N >= 1, and goes with neither --workers nor --reports")
    if args.step == "reports":
        from bench_reports import reports

        return reports(args)
    # Each step in its own process, so the run's peak memory is the run's alone.
    base = [
        sys.executable,
        __file__,
        "--odoo-src",
        args.odoo_src,
        "--config",
        args.config,
        "--partners",
        str(args.partners),
        "--invoices",
        str(args.invoices),
        *(["--all-channels"] if args.all_channels else []),
        *(["--pay-now"] if args.pay_now else []),
    ]
    env = dict(os.environ)
    _prepare_database(args, base, env)
    if args.workers:
        from bench_queue import run_workers

        return run_workers(args, base, env)
    if args.reports:
        subprocess.run([*base, "--database", args.database, "--step", "reports"], check=True, env=env)
        return 0
    runs = []
    for attempt in range(args.repeat):
        if attempt:
            _prepare_database(args, base, env)  # every run starts from the same data
        output = subprocess.run(
            [*base, "--database", args.database, "--step", "run"], check=True, env=env, capture_output=True, text=True
        )
        runs.append(json.loads(output.stdout.strip().splitlines()[-1]))
    _print_figures(_median_run(runs), args)
    if len(runs) > 1:
        seconds = ", ".join(f"{run['seconds']:.2f}" for run in runs)
        print(f"  runs               {seconds} s (median above)")
    return 0


def _median_run(runs):
    """The run of median wall time (the lower middle one of an even number): this machine's speed moves by a
    sixth from one run to the next, a single run is one sample.

    >>> _median_run([{"seconds": 3.0}, {"seconds": 1.0}, {"seconds": 2.0}])
    {'seconds': 2.0}
    >>> _median_run([{"seconds": 4.0}, {"seconds": 1.0}])
    {'seconds': 1.0}
    """
    ordered = sorted(runs, key=lambda run: run["seconds"])
    return ordered[(len(ordered) - 1) // 2]


def _parser():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--odoo-src", required=True)
    parser.add_argument("--config", required=True)
    parser.add_argument("--database", required=True)
    parser.add_argument("--partners", type=int, default=2000)
    parser.add_argument("--invoices", type=int, default=20000)
    parser.add_argument(
        "--all-channels", action="store_true", help="every step also sends SMS and WhatsApp and queues a letter"
    )
    parser.add_argument(
        "--pay-now",
        action="store_true",
        help="the company charges a fine and interest and takes payments online: every reminder's How to pay box",
    )
    parser.add_argument(
        "--history",
        action="store_true",
        help="run on the data with a month of collection history (a realistic day: fewer steps are due)",
    )
    parser.add_argument(
        "--reports",
        action="store_true",
        help="on the data with history, time the stored reports' refresh, the dashboard and every report",
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="spread the run over N Odoo workers with OCA's queue_job (tools/bench_queue.py)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run N times, each on a fresh copy of the data, and print the median run and every wall time",
    )
    parser.add_argument(
        "--step",
        choices=["generate", "history", "run", "reports", "queue-coordinate", "queue-verify"],
        help=argparse.SUPPRESS,
    )
    return parser


def _prepare_database(args, base, env):
    """A fresh copy of the generated data (generated once into template databases), on the code's schema."""
    template = f"{args.database}_data{DATA_VERSION}_{args.partners}_{args.invoices}"
    if not _database_exists(args, template):
        print(f"generating {args.partners} customers and {args.invoices} invoices in {template} (once)", flush=True)
        started = time.time()
        # Built under another name and renamed once complete: an interrupted build is never reused.
        building = f"{template}_building"
        if _database_exists(args, building):
            _psql(args, f'DROP DATABASE "{building}" WITH (FORCE)')
        install = ["-d", building, "-i", "collections_addon", "--stop-after-init", *_QUIET]
        subprocess.run([os.environ["COLLECTIONS_DEV"], "odoo", *install], check=True, env=env)
        print(f"  module installed in {time.time() - started:.0f} s", flush=True)
        subprocess.run([*base, "--database", building, "--step", "generate"], check=True, env=env)
        _psql(args, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
        print(f"  template ready in {time.time() - started:.0f} s", flush=True)
    if args.history or args.reports:
        invoices_only, template = template, f"{template}_history{HISTORY_VERSION}"
        if not _database_exists(args, template):
            print(f"generating a month of history in {template} (once)", flush=True)
            started = time.time()
            # Built under another name and renamed once complete: an interrupted build is never reused.
            building = f"{template}_building"
            _copy_database(args, invoices_only, building, env)
            subprocess.run([*base, "--database", building, "--step", "history"], check=True, env=env)
            _psql(args, f'ALTER DATABASE "{building}" RENAME TO "{template}"')
            print(f"  history template ready in {time.time() - started:.0f} s", flush=True)
    _copy_database(args, template, args.database, env)


_QUIET = ["--log-level=warn"]


def _copy_database(args, template, name, env):
    _psql(args, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _psql(args, f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    # The data is kept across versions of the addon: bring the copy's schema up to the code's.
    subprocess.run(
        [os.environ["COLLECTIONS_DEV"], "odoo", "-d", name, "-u", "collections_addon", "--stop-after-init", *_QUIET],
        check=True,
        env=env,
    )


def _print_figures(figures, args):
    data = " with a month of history" if args.history else ""
    print(f"follow-up run on {figures['customers']} customers / {args.invoices} invoices{data}:")
    print(f"  wall time          {figures['seconds']:.2f} s")
    print(f"  customers/s        {figures['customers_per_second']}")
    print(
        f"  contacted          {figures['contacted']} ({figures['mails_queued']} e-mails queued, "
        f"{figures['events']} events, {figures['failed']} failed)"
    )
    channels = ", ".join(f"{channel} {count}" for channel, count in sorted(figures["events_by_channel"].items()))
    print(f"  events by channel  {channels}")
    print(f"  SQL queries        {figures['sql_queries']}")
    print(f"  peak RSS           {figures['peak_rss_mib']} MiB")


def _psql(args, statement):
    subprocess.run([os.environ["COLLECTIONS_DEV"], "psql", "-d", "postgres", "-qc", statement], check=True)


def _database_exists(args, name):
    output = subprocess.run(
        [
            os.environ["COLLECTIONS_DEV"],
            "psql",
            "-d",
            "postgres",
            "-tAc",
            f"SELECT 1 FROM pg_database WHERE datname = '{name}'",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    return output.stdout.strip() == "1"


if __name__ == "__main__":
    sys.exit(main())
