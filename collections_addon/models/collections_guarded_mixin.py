from odoo import api, models
from odoo.exceptions import UserError

# The context key that opens the guarded fields, and the only value that opens them: an object, which no RPC
# caller can send (a context from the web client or XML-RPC holds JSON values only). Set by _internal_write.
_GUARD_KEY = "collections_guard_open"
_OPEN = object()


class CollectionsGuardedMixin(models.AbstractModel):
    """Fields that only a record's own steps write, refused to anyone else (buttons, forms, RPC alike).

    A model declares:

    * ``_guarded_fields``: written by its steps only, through ``_internal_write``; ``write`` refuses them;
    * ``_guarded_create_free``: of those, the ones a creation may still give (a name, what a promise promises);
    * ``_guarded_initial``: the value a new record holds (``{"state": "draft"}``): a form sends it, and it is
      accepted on create like an empty value;
    * ``_guarded_frozen_fields`` and ``_guarded_editable_states``: fields that change only while the record is
      in one of these states (an agreement's terms while it is a draft);
    * ``_guarded_refresh_fields``: after an internal write of one of them, the customer's follow-up status is
      refreshed (a promise kept, an agreement broken);

    and words its refusals in ``_guarded_create_error``, ``_guarded_write_error`` and
    ``_guarded_frozen_error``. Values a record derives itself on create or write (a protest's amount from its
    invoice) are added in ``_guarded_complete_create`` / ``_guarded_complete_write``, after the guard.
    """

    _name = "collections.guarded.mixin"
    _description = "Collections: fields set by a record's own steps only"

    _guarded_fields = frozenset()
    _guarded_create_free = frozenset()
    _guarded_initial = {}
    _guarded_frozen_fields = frozenset()
    _guarded_editable_states = ()
    _guarded_refresh_fields = frozenset({"state"})

    # ------------------------------------------------------------------
    # Create and write
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        if not self._guarded_is_open():
            for vals in vals_list:
                self._guarded_check_create(vals)
        self._guarded_complete_create(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        if not self._guarded_is_open():
            self._guarded_check_write(vals)
        return super().write(self._guarded_complete_write(vals))

    def _internal_write(self, vals):
        """The record's own steps: past the guards of ``write``, which only this method opens."""
        result = self.with_context(**{_GUARD_KEY: _OPEN}).write(vals)
        if self._guarded_refresh_fields & vals.keys():
            self.env["collections.runner"]._refresh_for(self)
        return result

    def _guarded_is_open(self):
        return self.env.context.get(_GUARD_KEY) is _OPEN

    # ------------------------------------------------------------------
    # The guard
    # ------------------------------------------------------------------

    @api.model
    def _guarded_check_create(self, vals):
        """What a form sends for a new record (the initial state, empty fields) records nothing: dropped.
        Anything else in a guarded field is refused."""
        for name in (self._guarded_fields - self._guarded_create_free) & vals.keys():
            if not vals[name] or (name in self._guarded_initial and vals[name] == self._guarded_initial[name]):
                del vals[name]
        forbidden = (self._guarded_fields - self._guarded_create_free) & vals.keys()
        if forbidden:
            raise UserError(self._guarded_create_error(sorted(forbidden)))

    def _guarded_check_write(self, vals):
        forbidden = self._guarded_fields & vals.keys()
        if forbidden:
            raise UserError(self._guarded_write_error(sorted(forbidden)))
        frozen = self._guarded_frozen_fields & vals.keys()
        if frozen and self.filtered(lambda record: record.state not in self._guarded_editable_states):
            raise UserError(self._guarded_frozen_error(sorted(frozen)))

    @api.model
    def _guarded_complete_create(self, vals_list):
        """Add, in place, the values a new record derives itself (past the guard)."""

    def _guarded_complete_write(self, vals):
        """The values to write, with what the record derives itself from them (past the guard)."""
        return vals

    # ------------------------------------------------------------------
    # Messages (each model words its own)
    # ------------------------------------------------------------------

    @api.model
    def _guarded_labels(self, names):
        return ", ".join(self._fields[name]._description_string(self.env) for name in names)

    @api.model
    def _guarded_create_error(self, names):
        return self.env._(
            "A new record starts in its first step: %(fields)s cannot be given when it is created.",
            fields=self._guarded_labels(names),
        )

    def _guarded_write_error(self, names):
        return self.env._(
            "%(fields)s cannot be changed by hand: the record's own steps set them (use its buttons).",
            fields=self._guarded_labels(names),
        )

    def _guarded_frozen_error(self, names):
        return self.env._(
            "%(fields)s cannot change at this step of the record.",
            fields=self._guarded_labels(names),
        )
