"""19.0.1.6.0: the daily follow-up spread over queue_job's workers.

A database that already has OCA's Job Queue (``queue_job``) gets the bridge ``collections_addon_queue_job``
with this upgrade: Odoo installs an auto-install module only when one of its dependencies is being installed,
so without this the daily run would stay in one worker there. Marking it here lets the same upgrade install
it (Odoo keeps loading modules marked while it loads).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Module = env["ir.module.module"]
    if Module.search_count([("name", "=", "queue_job"), ("state", "=", "installed")]):
        Module.search([("name", "=", "collections_addon_queue_job"), ("state", "=", "uninstalled")]).button_install()
