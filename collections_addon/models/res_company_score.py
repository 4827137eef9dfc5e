"""The weights of the payer score an admin tunes (Settings > Collections > Payer score).

Each company field is one weight of the engine's ``ScoreWeights``; the others keep the engine's defaults.
A value outside the engine's range is refused with a message naming the field.
"""

from dataclasses import fields as dataclass_fields

from odoo import fields, models
from odoo.exceptions import ValidationError

from ..engine.bounds import Bound
from ..engine.payer_score import LOOKBACK_DAYS, MAX_SCORE, SCORE_POINTS, ScoreWeights

_DEFAULTS = {field.name: field.default for field in dataclass_fields(ScoreWeights)}

# Company field: the engine weight it sets.
SCORE_WEIGHT_FIELDS = {
    "collections_score_lookback_days": "lookback_days",
    "collections_score_neutral": "neutral_score",
    "collections_score_late_day_points": "points_per_day_late",
    "collections_score_max_late_points": "max_late_points",
    "collections_score_reminder_points": "after_reminder_points",
    "collections_score_promise_points": "broken_promise_points",
    "collections_score_dispute_points": "dispute_points",
    "collections_score_protest_points": "protest_points",
}
_RANGES = {"lookback_days": LOOKBACK_DAYS, "neutral_score": Bound(0, MAX_SCORE, whole=True)}


def score_weights(values):
    """The engine's weights from {engine weight: value}; the recent period shrinks to fit a short window."""
    values = {**_DEFAULTS, **values}
    values["recent_days"] = min(values["recent_days"], values["lookback_days"])
    return ScoreWeights(**values)


class ResCompany(models.Model):
    _inherit = "res.company"

    collections_score_lookback_days = fields.Integer(
        string="Score Window (days)",
        default=_DEFAULTS["lookback_days"],
        help="The payer score reads the customer's payments, promises, disputes and protests of this many days.",
    )
    collections_score_neutral = fields.Integer(
        string="Score Without History",
        default=_DEFAULTS["neutral_score"],
        help="The score of a customer who paid no invoice in the window: neither a good nor a poor payer.",
    )
    collections_score_late_day_points = fields.Float(
        string="Points per Day Late",
        default=_DEFAULTS["points_per_day_late"],
        help="Points off per day the customer pays late on average (weighted by amount).",
    )
    collections_score_max_late_points = fields.Float(
        string="Most Points for Lateness",
        default=_DEFAULTS["max_late_points"],
        help="Lateness never takes more points than this.",
    )
    collections_score_reminder_points = fields.Float(
        string="Points for Paying Only after a Reminder",
        default=_DEFAULTS["after_reminder_points"],
        help="Points off when the whole amount was paid only after an overdue reminder; in proportion to its share.",
    )
    collections_score_promise_points = fields.Float(
        string="Points per Broken Promise",
        default=_DEFAULTS["broken_promise_points"],
        help="Points off per promise to pay broken in the window (up to 30).",
    )
    collections_score_dispute_points = fields.Float(
        string="Points per Dispute",
        default=_DEFAULTS["dispute_points"],
        help="Points off per dispute opened in the window (up to 15).",
    )
    collections_score_protest_points = fields.Float(
        string="Points per Protest",
        default=_DEFAULTS["protest_points"],
        help="Points off per title protested at a notary in the window (up to 40).",
    )

    def _collections_check_settings(self, vals):
        super()._collections_check_settings(vals)
        changed = [name for name in SCORE_WEIGHT_FIELDS if name in vals]
        if not changed:
            return
        for name in changed:
            weight = SCORE_WEIGHT_FIELDS[name]
            fix = self.env._("enter the days of history the score reads (365: a year).")
            if weight != "lookback_days":
                fix = self.env._("enter the points of the score, 0 to 100.")
            self._collections_check_range(name, vals[name] or 0, _RANGES.get(weight, SCORE_POINTS), fix)
        for company in self or [self.browse()]:
            current = {weight: company[name] for name, weight in SCORE_WEIGHT_FIELDS.items()} if company else {}
            current.update({SCORE_WEIGHT_FIELDS[name]: vals[name] or 0 for name in changed})
            try:
                score_weights(current)
            except ValueError as error:
                raise ValidationError(
                    self.env._("The payer score's weights do not fit together: %(error)s", error=error)
                ) from error

    def _collections_score_weights(self):
        """The engine's weights of this company's payer score."""
        self.ensure_one()
        return score_weights({weight: self[name] for name, weight in SCORE_WEIGHT_FIELDS.items()})
