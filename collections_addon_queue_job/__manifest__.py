{
    "name": "Collections: Job Queue",
    "version": "19.0.1.0.0",
    "summary": "Spreads the daily follow-up run over the Odoo workers of OCA's Job Queue (queue_job), batch by batch",
    "category": "Accounting/Accounting",
    "author": "collections_addon contributors",
    "license": "LGPL-3",
    # The bridge between Collections and OCA's queue_job: installed by itself as soon as both are
    # (auto_install), so that the Collections addon itself never depends on queue_job.
    "depends": ["collections_addon", "queue_job"],
    "auto_install": True,
    "data": ["data/queue_job_data.xml"],
    "installable": True,
}
