"""The follow-up run spread over N Odoo workers by OCA's queue_job (``./dev.sh bench --workers N``).

On the copy of the generated data, queue_job is installed (the bridge collections_addon_queue_job installs
itself with it). A real Odoo server starts as in production: ``--workers N`` HTTP workers, queue_job's job
runner loaded server-wide (``server_wide_modules = web,queue_job``) with the channel capacity
``root.collections:N``, no cron thread. Once the job runner is ready, the daily job runs once in its own
process (the coordinator: it enqueues one job per batch); the wall time runs from the coordinator's start until
every job is done. Then the data is checked: no customer contacted twice, none left unreviewed.
"""

import configparser
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

READY = "queue job runner ready for db"
QUIET = ["--log-level=warn"]


def run_workers(args, base, env):
    """Install queue_job on the copy, serve it with N workers, coordinate, wait for the jobs, check."""
    subprocess.run(
        [os.environ["COLLECTIONS_DEV"], "odoo", "-d", args.database, "-i", "queue_job", "--stop-after-init", *QUIET],
        check=True,
        env=env,
    )
    config, log = _server_config(args)
    server = subprocess.Popen(
        [sys.executable, str(Path(args.odoo_src) / "odoo-bin"), "-c", str(config)],
        env=env,
        start_new_session=True,
    )
    try:
        _wait_for(lambda: READY in _read(log), server, f"the job runner did not start (see {log})")
        coordinated = _step(base, args, env, "queue-coordinate")
        _wait_for(lambda: not _unfinished(args), server, f"the jobs did not finish (see {log})")
        finished = time.time()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    figures = _step(base, args, env, "queue-verify")
    figures["seconds"] = round(finished - coordinated["started"], 2)
    figures["enqueue_seconds"] = coordinated["enqueue_seconds"]
    _print(figures, args)
    return 0 if figures["duplicates"] == 0 and figures["lost"] == 0 and not figures["jobs_failed"] else 1


def _server_config(args):
    """The bench server's configuration: the developer's, with N workers and queue_job's runner."""
    state = Path(args.config).parent
    log = state / "bench-queue-server.log"
    log.write_text("")
    port = int(os.environ.get("COLLECTIONS_HTTP_PORT", "8069")) + 200
    parser = configparser.RawConfigParser()
    parser.read(args.config)
    parser["options"].update(
        {
            "db_name": args.database,
            "dbfilter": f"^{args.database}$",
            "http_port": str(port),
            "workers": str(args.workers),
            "max_cron_threads": "0",
            "server_wide_modules": "base,rpc,web,queue_job",
            "limit_time_cpu": "1800",
            "limit_time_real": "1800",
            "log_level": "warn",
            "log_handler": "odoo.addons.queue_job.jobrunner.runner:INFO",
            "logfile": str(log),
        }
    )
    parser["queue_job"] = {"channels": f"root:{args.workers},root.collections:{args.workers}"}
    config = state / "bench-queue.conf"
    with config.open("w") as file:
        parser.write(file)
    return config, log


def _read(path):
    return Path(path).read_text() if Path(path).exists() else ""


def _step(base, args, env, step):
    """Run a bench step in its own process; its last line of output is its figures (JSON)."""
    output = subprocess.run(
        [*base, "--database", args.database, "--step", step], check=True, env=env, capture_output=True, text=True
    )
    return json.loads(output.stdout.strip().splitlines()[-1])


def _wait_for(condition, server, message, timeout=3600):
    deadline = time.time() + timeout
    while not condition():
        if server.poll() is not None or time.time() > deadline:
            raise SystemExit(message)
        time.sleep(0.25)


def _unfinished(args):
    """The follow-up's jobs not finished yet, read on one connection (a psql process per poll would take the
    cores the workers need)."""
    global _connection  # noqa: PLW0603 -- one connection for the whole wait
    if _connection is None:
        import psycopg2

        options = configparser.RawConfigParser()
        options.read(args.config)
        server = options["options"]
        _connection = psycopg2.connect(
            dbname=args.database, host=server["db_host"], port=server["db_port"], user=server["db_user"]
        )
        _connection.autocommit = True
    with _connection.cursor() as cursor:
        cursor.execute(_UNFINISHED_SQL)
        return cursor.fetchone()[0]


_connection = None
_UNFINISHED_SQL = (
    "SELECT count(*) FROM queue_job WHERE identity_key LIKE 'collections.followup:%' "
    "AND state IN ('wait_dependencies', 'pending', 'enqueued', 'started')"
)


def step(args):
    """The steps that run in their own Odoo process: the coordinator, and the check afterwards."""
    from bench import odoo_env

    odoo, registry = odoo_env(args.odoo_src, args.config, args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.step == "queue-coordinate":
            started = time.time()
            env["collections.runner"]._cron_followup()
            cr.commit()  # the jobs are there for the runner (queue_job notifies it on commit)
            figures = {"started": started, "enqueue_seconds": round(time.time() - started, 2)}
        else:
            figures = _verify(env)
    print(json.dumps(figures))
    return 0


def _verify(env):
    company = env.company
    runner = env["collections.runner"]
    report = runner._followup_report(company)
    env.cr.execute(
        """
        SELECT count(*) FROM (
            SELECT message.res_id FROM mail_mail mail JOIN mail_message message ON message.id = mail.mail_message_id
             WHERE message.model = 'res.partner' GROUP BY message.res_id HAVING count(*) > 1
        ) twice
        """
    )
    duplicate_mails = env.cr.fetchone()[0]
    env.cr.execute(
        """
        SELECT count(*) FROM (
            SELECT 1 FROM collections_event WHERE manual IS NOT TRUE
             GROUP BY partner_id, company_id, level_id, channel, date
            HAVING count(*) > 1
        ) twice
        """
    )
    duplicate_events = env.cr.fetchone()[0]
    return {
        "customers": len(runner._partners_to_review(company)),
        "lost": len(runner._partners_to_review(company, pending_only=True)),
        "duplicates": duplicate_mails + duplicate_events,
        "events": env["collections.event"].search_count([]),
        "mails_queued": env["mail.mail"].search_count([("model", "=", "res.partner")]),
        "jobs": report.get("jobs", 0),
        "jobs_failed": report.get("jobs_failed", 0),
        "reviewed": report.get("reviewed", 0),
        "contacted": report.get("contacted", 0),
        "failed": report.get("failed", 0),
    }


def _print(figures, args):
    print(f"follow-up run on {figures['customers']} customers / {args.invoices} invoices, {args.workers} worker(s):")
    print(f"  wall time          {figures['seconds']:.2f} s (enqueuing {figures['enqueue_seconds']:.2f} s)")
    print(f"  customers/s        {round(figures['customers'] / figures['seconds'], 1)}")
    print(f"  jobs               {figures['jobs']} ({figures['jobs_failed']} failed)")
    print(
        f"  contacted          {figures['contacted']} ({figures['mails_queued']} e-mails queued, "
        f"{figures['events']} events, {figures['failed']} failed)"
    )
    print(f"  duplicates / lost  {figures['duplicates']} / {figures['lost']}")
