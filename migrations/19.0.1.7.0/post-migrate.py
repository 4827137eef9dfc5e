"""19.0.1.7.0: the follow-up level of each receivable line moves out of ``account_move_line``.

The daily run rewrote the column for every line it claimed, and each new row version of that table costs all
of its indexes; the levels now live in ``collections_line_level`` (``collections.line.level``). The levels
recorded so far are carried over, then the old column and its index are dropped.
"""

from odoo.tools.sql import column_exists


def migrate(cr, version):
    if not version or not column_exists(cr, "account_move_line", "collections_level_id"):
        return
    cr.execute(
        """
        INSERT INTO collections_line_level (line_id, level_id, company_id)
             SELECT line.id, line.collections_level_id, line.company_id
               FROM account_move_line line
               JOIN collections_level level ON level.id = line.collections_level_id
              WHERE line.collections_level_id IS NOT NULL
        ON CONFLICT (line_id) DO NOTHING
        """
    )
    cr.execute("ALTER TABLE account_move_line DROP COLUMN collections_level_id")
