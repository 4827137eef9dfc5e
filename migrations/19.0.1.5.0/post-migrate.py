"""19.0.1.5.0: one hold model; the credit hold's Sales bridge.

Promises, disputes, agreements and protests that hold the follow-up, and the customers' pauses and
exclusions, each get their hold (``collections.hold``): visible on the customer and in the worklist,
reviewed and ended by the daily job from now on.

Odoo installs an auto-install module only when one of its dependencies is being installed: a database
that already has Sales would never get ``collections_addon_sale``, and orders of customers on credit hold
would be confirmed. Marking it here lets the same upgrade install it (Odoo keeps loading modules marked
while it loads).
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["collections.hold"]._sync_existing()
    Module = env["ir.module.module"]
    if Module.search_count([("name", "=", "sale"), ("state", "=", "installed")]):
        Module.search([("name", "=", "collections_addon_sale"), ("state", "=", "uninstalled")]).button_install()
