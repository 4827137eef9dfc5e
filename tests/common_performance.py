"""How the query-count tests of the scheduled jobs measure: a job costs the same number of queries for a few
records as for many (the batch's records are fetched, written and logged in bulk).

``COLLECTIONS_QUERY_DIFF=1`` in the environment logs the queries the many records ran more often than the few, to
find which one grows."""

import collections
import contextlib
import logging
import os
import re

_logger = logging.getLogger(__name__)

# At least two records of each kind in the few: the ORM reads some values once for a batch of several records,
# not for a single one.
FEW = 4
MANY = 12


class _QueryShapes(logging.Handler):
    """Counts the queries Odoo's cursor logs at debug level, by shape (numbers and strings left out)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.shapes = collections.Counter()

    def emit(self, record):
        if "query:" in str(record.msg):
            query = str(record.args[1]) if len(record.args) > 1 else ""
            shape = re.sub(r"\s+", " ", re.sub(r"'[^']*'|\b\d+\b", "?", query))
            self.shapes[re.sub(r"\?(, \?)+", "?", re.sub(r"\(\?(, \?)*\)(, \(\?(, \?)*\))+", "(?)", shape))[:300]] += 1


@contextlib.contextmanager
def _query_shapes():
    logger = logging.getLogger("odoo.sql_db")
    handler, level = _QueryShapes(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler.shapes
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


class JobQueryCountMixin:
    """``assert_job_constant(job, make)``: ``make(count, prefix)`` sets up ``count`` records the job has work
    for; the job runs once on warm-up records (caches shared by every run), then on ``FEW`` records, counted,
    then on ``MANY`` records, which must need no more queries."""

    def as_job(self, xmlid, model, counted_tasks=False):
        """``model`` as the scheduled job ``xmlid`` runs it: as its user.

        Odoo sends whoever a task is assigned to a notification of it, one e-mail a task
        (``mail.activity.action_notify``): Odoo's own work for each task, the same for any job. The jobs that give
        people tasks are measured without it (``counted_tasks``: Odoo's own context key, which skips it alone)."""
        job = self.env[model].with_user(self.env.ref(xmlid).sudo().user_id)
        return job.with_context(mail_activity_quick_update=True) if counted_tasks else job

    def count_queries(self, function):
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - before

    def assert_job_constant(self, job, make, few=FEW):
        make(2, "Warm")
        job()  # warm caches shared by both runs
        few_count, few = few, make(few, "Few")
        diff = os.environ.get("COLLECTIONS_QUERY_DIFF")
        self.env.flush_all()  # the set-up's own writes are not the job's
        with _query_shapes() if diff else contextlib.nullcontext() as few_shapes:
            budget = self.count_queries(job)
        many = make(MANY, "Many")
        self.env.flush_all()
        self.env.invalidate_all()
        with _query_shapes() if diff else contextlib.nullcontext() as many_shapes, self.assertQueryCount(budget):
            job()
        if diff:
            for shape, count in (many_shapes - few_shapes).most_common(15):
                _logger.info("Grows: %s more times: %s", count, shape)
            for shape, count in (few_shapes - many_shapes).most_common(15):
                _logger.info("Shrinks: %s fewer times: %s", count, shape)
        _logger.info(
            "Query budget of %s: %s queries for %s records, as many for %s",
            self._testMethodName,
            budget,
            few_count,
            MANY,
        )
        return few, many
