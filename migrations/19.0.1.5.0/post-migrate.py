"""19.0.1.5.0: one hold model.

Promises, disputes, agreements and protests that hold the follow-up, and the customers' pauses and
exclusions, each get their hold (``collections.hold``): visible on the customer and in the worklist,
reviewed and ended by the daily job from now on.
"""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["collections.hold"]._sync_existing()
