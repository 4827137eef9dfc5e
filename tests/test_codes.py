"""The screens' codes are the engine's: every selection built from engine codes holds exactly them, in order."""

from odoo.tests import TransactionCase, freeze_time, tagged

from ..collections_addon.engine import CALL_OUTCOMES, HISTORY_CHANNELS, STATUSES, TONE_CATEGORIES, WAIT_REASONS
from ..collections_addon.engine.calls import WEEKDAY_NAMES
from ..collections_addon.engine.contact_log import EVENT_STATES
from ..collections_addon.engine.tone import TONE_STATES
from .common import TODAY


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestSelectionsFromEngine(TransactionCase):
    def keys(self, model, field_name):
        return tuple(code for code, _label in self.env[model]._fields[field_name].selection)

    def test_selection_keys_are_the_engine_codes(self):
        expected = {
            ("res.partner", "collections_status"): STATUSES,
            ("collections.event", "channel"): HISTORY_CHANNELS,
            ("collections.event", "state"): EVENT_STATES,
            ("collections.event", "outcome"): CALL_OUTCOMES,
            ("collections.event", "call_wait_reason"): WAIT_REASONS,
            ("collections.call.log", "outcome"): CALL_OUTCOMES,
            ("collections.script", "tone_state"): TONE_STATES,
            ("collections.tone.term", "category"): TONE_CATEGORIES,
            ("collections.call.window", "weekday"): tuple(str(day) for day in range(len(WEEKDAY_NAMES))),
        }
        for (model, field_name), codes in expected.items():
            with self.subTest(model=model, field=field_name):
                self.assertEqual(self.keys(model, field_name), codes)

    def test_the_database_holds_the_same_codes(self):
        # What the web client offers and the translations attach to: the selection rows of the database.
        for model, field_name, codes in (
            ("collections.event", "state", EVENT_STATES),
            ("collections.call.log", "outcome", CALL_OUTCOMES),
            ("res.partner", "collections_status", STATUSES),
        ):
            rows = self.env["ir.model.fields.selection"].search(
                [("field_id.model", "=", model), ("field_id.name", "=", field_name)], order="sequence, id"
            )
            self.assertEqual(tuple(rows.mapped("value")), codes, f"{model}.{field_name}")

    def test_the_scripts_channels_are_contact_channels(self):
        self.assertLessEqual(set(self.keys("collections.script", "channel")), set(HISTORY_CHANNELS))
