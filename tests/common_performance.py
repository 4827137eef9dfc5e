"""How the query-count tests of the scheduled jobs measure: a job costs the same number of queries for a few
records as for many (the batch's records are fetched, written and logged in bulk)."""

import logging

_logger = logging.getLogger(__name__)

FEW = 2
MANY = 12


class JobQueryCountMixin:
    """``assert_job_constant(job, make)``: ``make(count, prefix)`` sets up ``count`` records the job has work
    for; the job runs once on warm-up records (caches shared by every run), then on ``FEW`` records, counted,
    then on ``MANY`` records, which must need no more queries."""

    def as_job(self, xmlid, model):
        """``model`` as the scheduled job ``xmlid`` runs it: as its user."""
        return self.env[model].with_user(self.env.ref(xmlid).sudo().user_id)

    def count_queries(self, function):
        self.env.flush_all()
        self.env.cr.flush()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        self.env.cr.flush()
        return self.env.cr.sql_log_count - before

    def assert_job_constant(self, job, make):
        make(1, "Warm")
        job()  # warm caches shared by both runs
        few = make(FEW, "Few")
        budget = self.count_queries(job)
        many = make(MANY, "Many")
        self.env.invalidate_all()
        with self.assertQueryCount(budget):
            job()
        _logger.info(
            "Query budget of %s: %s queries for %s records, at most as many for %s",
            self._testMethodName,
            budget,
            FEW,
            MANY,
        )
        return few, many
