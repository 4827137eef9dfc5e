from decimal import Decimal

from odoo import api, fields, models

from ..engine.charges import RATE_INDEXES, STALE_AFTER_MONTHS, stale

_INDEX_LABELS = {"taxa_legal": "Taxa Legal (monthly interest)", "ipca": "IPCA (monthly variation)"}


class CollectionsRateIndex(models.Model):
    """A monthly rate table the charges read (``engine.charges.RATE_INDEXES``): global data, kept by a manager.

    Values are in ``collections.rate.index.value`` (``collections_rate_index_value.py``).
    """

    _name = "collections.rate.index"
    _description = "Collections Rate Table"
    _order = "code"

    name = fields.Char(required=True, translate=True)
    code = fields.Selection(
        [(code, _INDEX_LABELS[code]) for code in RATE_INDEXES],
        required=True,
        help="Which charges read this table: Taxa Legal for legal interest, IPCA for monetary correction.",
    )
    value_ids = fields.One2many("collections.rate.index.value", "index_id", string="Monthly Values", copy=True)
    last_month = fields.Date(compute="_compute_stale", string="Last Month")
    is_stale = fields.Boolean(compute="_compute_stale", string="Stale")
    stale_warning = fields.Char(compute="_compute_stale")

    _code_unique = models.Constraint("UNIQUE(code)", "There is one table per index: edit the existing table.")

    @api.depends("value_ids.month")
    def _compute_stale(self):
        today = self.env.company._collections_today()
        for index in self:
            table = dict.fromkeys(index.value_ids.mapped("month"), 0)
            index.last_month = max(table) if table else False
            index.is_stale = stale(table, today)
            index.stale_warning = index.is_stale and self.env._(
                "This table is out of date: its last month is %(month)s, more than %(months)s months ago. Charges "
                "are not counted for the months after it: enter the values published since (Central Bank for the "
                "Taxa Legal, IBGE for the IPCA).",
                month=(index.last_month and index.last_month.strftime("%Y-%m")) or self.env._("none"),
                months=STALE_AFTER_MONTHS,
            )

    def _collections_tables(self):
        """``{code: {1st of a month: Decimal percent}}`` of every table, in one read (for ``engine.charges``)."""
        values = self.env["collections.rate.index.value"].sudo().search_read([], ["index_id", "month", "percent"])
        codes = {index.id: index.code for index in self.sudo().search([])}
        tables = {code: {} for code in codes.values()}
        for row in values:
            tables[codes[row["index_id"][0]]][row["month"]] = Decimal(repr(row["percent"]))
        return tables
