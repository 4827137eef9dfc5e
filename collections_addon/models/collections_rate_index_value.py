from decimal import Decimal

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.charges import table_problem


class CollectionsRateIndexValue(models.Model):
    _name = "collections.rate.index.value"
    _description = "Collections Rate Table Value"
    _order = "index_id, month desc"

    index_id = fields.Many2one("collections.rate.index", required=True, index=True, ondelete="cascade")
    month = fields.Date(required=True, help="The first day of the month the value is published for.")
    percent = fields.Float(
        string="Percent", digits=(16, 4), required=True, help="The month's rate or variation, in percent."
    )

    _month_unique = models.Constraint("UNIQUE(index_id, month)", "A table has one value per month.")

    @api.constrains("month", "percent", "index_id")
    def _check_value(self):
        for value in self:
            if value.month.day != 1:
                raise ValidationError(
                    self.env._(
                        "Month: enter the first day of the month (%(month)s), not %(day)s.",
                        month=value.month.replace(day=1),
                        day=value.month,
                    )
                )
            problem = table_problem(value.index_id.code, {value.month: Decimal(repr(value.percent))})
            if problem:
                raise ValidationError(
                    self.env._(
                        "Percent: %(percent)s is out of range for %(table)s in %(month)s: a legal interest rate is "
                        "0 to 100 %%, an index variation above -100 %% (deflation) up to 100 %%.",
                        percent=value.percent,
                        table=value.index_id.name,
                        month=value.month.strftime("%Y-%m"),
                    )
                )
