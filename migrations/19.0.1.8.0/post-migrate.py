"""19.0.1.8.0: an invoice's follow-up level and last reminder move out of ``account_move``.

The daily run rewrote both columns for every invoice it claimed, and each new row version of that table costs
all of its indexes; they now live in ``collections_move_level`` (``collections.move.level``), as the lines'
levels do since 19.0.1.7.0. What was recorded so far is carried over, then the old columns are dropped.
"""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version or not column_exists(cr, "account_move", "collections_level_id"):
        return
    cr.execute(
        """
        INSERT INTO collections_move_level (move_id, level_id, last_date, company_id)
             SELECT move.id, level.id, move.collections_last_date, move.company_id
               FROM account_move move
          LEFT JOIN collections_level level ON level.id = move.collections_level_id
              WHERE move.collections_level_id IS NOT NULL OR move.collections_last_date IS NOT NULL
        ON CONFLICT (move_id) DO NOTHING
        """
    )
    cr.execute("ALTER TABLE account_move DROP COLUMN collections_level_id, DROP COLUMN collections_last_date")
