import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date
from odoo.tools.misc import formatLang

from ..engine import DateWindow

# Types whose empty value (0, False) is a value, not a missing one.
_VALUE_TYPES = {"boolean", "integer", "float", "monetary"}
# Not columns: a required relation of many records is each model's own rule.
_X2MANY = {"one2many", "many2many"}


class CollectionsInputMixin(models.AbstractModel):
    """Typed values are checked before they reach the database.

    PostgreSQL refuses a negative count, a missing required value or a second default plan with a raw error that
    only the web client translates, and only after the row is written; here the user gets a message naming the
    field and the fix, from create and write alike, before anything is written. The ranges come from the engine
    (``engine/bounds.py``); the SQL constraints stay as a last line of defence.
    """

    _name = "collections.input.mixin"
    _description = "Collections: typed values checked before they are stored"

    def _collections_input_rules(self):
        """``{field name: (engine Bound or DateWindow, fix)}``: the range of each typed value and how to fix it."""
        return {}

    def _collections_check_input(self, vals_list):
        """Checks across fields and records that the database would refuse with a raw error (unique keys).

        ``self`` holds the records written, or is empty on create; ``vals_list`` the values to write.
        """

    @api.model_create_multi
    def create(self, vals_list):
        # ``records.create()`` keeps the records in ``self``: the checks of new records see none.
        new = self.browse()
        # The defaults of the required values some records leave out, read once for the batch.
        required = new._collections_required_fields()
        absent = {name for vals in vals_list for name in required if name not in vals}
        defaults = new.default_get(sorted(absent)) if absent else {}
        for vals in vals_list:
            new._collections_check_values(vals, creating=True, defaults=defaults)
        new._collections_check_input(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._collections_check_values(vals, creating=False)
        self._collections_check_input([vals])
        return super().write(vals)

    def _check_company(self, fnames=None):
        """Odoo's company check, first in bulk: the follow-up creates thousands of records at once, and Odoo
        filters each record's relations on its own. The records of one company are checked together, each
        field's values in one filter; only when one of them is inconsistent does Odoo's own check run, for its
        message."""
        names = list(self._fields) if fnames is None or {"company_id", "company_ids"} & set(fnames) else fnames
        checked = [self._fields[name] for name in names if self._fields[name].relational]
        checked = [field for field in checked if field.check_company]
        if len(self) < 2 or "company_id" not in self._fields or any(field.company_dependent for field in checked):
            return super()._check_company(fnames)
        # sudo: as Odoo's check, which reads the related records whoever writes.
        for company, records in self.sudo().grouped("company_id").items():
            for field in checked:
                values = records[field.name]
                if not values:
                    continue
                domain = values._check_company_domain(company)
                if domain and values != values.with_context(active_test=False).filtered_domain(domain):
                    return super()._check_company(fnames)
        return None

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _collections_check_values(self, vals, creating, defaults=None):
        self._collections_check_required(vals, creating, defaults)
        rules = self._collections_input_rules()
        for name in rules.keys() & vals.keys():
            rule, fix = rules[name]
            if isinstance(rule, DateWindow):
                self._collections_check_date(name, vals[name], rule, fix, vals)
            else:
                self._collections_check_number(name, vals[name], rule, fix, vals)

    def _collections_required_fields(self):
        """{name: field} of the required values a person types (not computed, related or x2many)."""
        return {
            name: field
            for name, field in self._fields.items()
            if field.required and field.store and not (field.compute or field.related) and field.type not in _X2MANY
        }

    def _collections_check_required(self, vals, creating, defaults=None):
        """A required value given empty, or neither given nor defaulted on create (``defaults``: already read)."""
        required = self._collections_required_fields()
        missing = [
            name for name in required.keys() & vals.keys() if self._collections_is_blank(vals[name], required[name])
        ]
        if creating:
            absent = [name for name in required if name not in vals]
            if defaults is None:
                defaults = self.default_get(absent) if absent else {}
            missing += [name for name in absent if self._collections_is_blank(defaults.get(name), required[name])]
        if missing:
            field = required[sorted(missing)[0]]
            raise ValidationError(
                self.env._("%(field)s is required: fill it in.", field=field._description_string(self.env))
            )

    @staticmethod
    def _collections_is_blank(value, field):
        if value is None:
            return True
        if field.type in _VALUE_TYPES:
            return False  # False is 0 for a number, a value for a boolean
        return value is False or (isinstance(value, str) and not value.strip())

    def _collections_check_number(self, name, value, rule, fix, vals):
        field = self._fields[name]
        if value is None or value is False:
            value = 0  # what the ORM stores
        problem = rule.problem(value)
        # A currency rounds by at most one unit: a value a unit away from both bounds needs no currency.
        if not problem and field.type == "monetary" and (rule.problem(value - 1) or rule.problem(value + 1)):
            # Stored rounded to the currency: 0.001 is a zero amount.
            for currency in self._collections_currencies(field, vals):
                rounded = currency.round(value)
                if rule.problem(rounded):
                    value, problem = rounded, rule.problem(rounded)
                    break
        if problem:
            raise ValidationError(self._collections_range_message(field, value, rule, problem, fix))

    def _collections_range_message(self, field, value, rule, problem, fix):
        label = field._description_string(self.env)
        shown = self._collections_number(value)
        minimum = self._collections_number(rule.minimum)
        maximum = self._collections_number(rule.maximum)
        if problem in ("not_number", "not_finite"):
            return self.env._(
                "%(field)s must be a number from %(minimum)s to %(maximum)s (not %(value)s): %(fix)s",
                field=label,
                minimum=minimum,
                maximum=maximum,
                value=shown,
                fix=fix,
            )
        if problem == "not_whole":
            return self.env._(
                "%(field)s must be a whole number (not %(value)s): %(fix)s", field=label, value=shown, fix=fix
            )
        if problem == "above":
            return self.env._(
                "%(field)s cannot be more than %(maximum)s (not %(value)s): %(fix)s",
                field=label,
                maximum=maximum,
                value=shown,
                fix=fix,
            )
        if rule.exclusive_minimum:
            return self.env._(
                "%(field)s must be above %(minimum)s (not %(value)s): %(fix)s",
                field=label,
                minimum=minimum,
                value=shown,
                fix=fix,
            )
        if rule.minimum == 0:
            return self.env._(
                "%(field)s cannot be negative (not %(value)s): %(fix)s", field=label, value=shown, fix=fix
            )
        return self.env._(
            "%(field)s cannot be less than %(minimum)s (not %(value)s): %(fix)s",
            field=label,
            minimum=minimum,
            value=shown,
            fix=fix,
        )

    def _collections_number(self, value):
        """``value`` in the user's language, with no more decimals than it has (never fails on inf or 1e300)."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return repr(value)
        if not math.isfinite(value) or abs(value) >= 1e15 or 0 < abs(value) < 1e-6:
            return f"{value:g}"
        if float(value).is_integer():
            return formatLang(self.env, value, digits=0)
        text = formatLang(self.env, value, digits=6)
        separator = self.env["res.lang"]._get_data(code=self.env.lang or "en_US").decimal_point or "."
        return text.rstrip("0").rstrip(separator)

    def _collections_check_date(self, name, value, window: DateWindow, fix, vals):
        day = fields.Date.to_date(value) if value else None
        if not day:
            return  # a missing required date is refused by the required check
        for company in self._collections_companies(vals):
            today = company._collections_today()
            problem = window.problem(day, today)
            if not problem:
                continue
            field = self._fields[name]
            values = {
                "field": field._description_string(self.env),
                "date": format_date(self.env, day),
                "fix": fix,
            }
            if problem == "before" and not window.days_before:
                message = self.env._("%(field)s (%(date)s) is in the past: %(fix)s", **values)
            elif problem == "before":
                message = self.env._(
                    "%(field)s (%(date)s) is more than %(days)s days ago: %(fix)s", days=window.days_before, **values
                )
            else:
                message = self.env._(
                    "%(field)s (%(date)s) is more than %(days)s days ahead: %(fix)s", days=window.days_after, **values
                )
            raise ValidationError(message)

    # ------------------------------------------------------------------
    # The records as they will be
    # ------------------------------------------------------------------

    @api.model
    def _collections_future(self, vals, record, name, default):
        """The value of ``name`` once ``vals`` is written on ``record`` (None on create, ``default`` then): ids for
        relations, so that values written and values read compare."""
        value = vals[name] if name in vals else (record[name] if record is not None else default)
        return value.id if isinstance(value, models.BaseModel) else value

    def _collections_pending(self, vals):
        """A new record with the values its company and currency follow (the plan, the protest...), on create."""
        roots = set()
        for name in ("company_id", "currency_id"):
            field = self._fields.get(name)
            if field:
                roots.add(field.related.split(".")[0] if field.related else name)
        return self.new({name: vals[name] for name in roots if vals.get(name)})

    def _collections_companies(self, vals):
        if "company_id" not in self._fields:
            return self.env.company
        companies = self.mapped("company_id") if self else self._collections_pending(vals).company_id
        return companies or self.env.company

    def _collections_currencies(self, field: fields.Monetary, vals):
        currency_field = field.get_currency_field(self)
        if self:
            currencies = self.mapped(currency_field)
        else:
            currencies = self._collections_pending(vals)[currency_field]
        return currencies or self.env.company.currency_id
