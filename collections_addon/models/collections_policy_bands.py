"""A plan's start by score band: good and poor payers may start at a later level, or get e-mails only.

The rule is the engine's (``engine/score_bands.py``); the plan holds the bands an admin sets and gives them
to the run's decide step as an engine ``ScoreBands``.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import BAND_SCORE, GOOD_FROM, POOR_BELOW, BandRule, ScoreBands

_START_HELP = (
    "Customers of this band who have not had a reminder yet skip the levels before this one: when their first "
    "step is due they get this level instead. Empty: the plan's first level."
)
_EMAIL_HELP = "Customers of this band get only the e-mail of each level; the other channels are dropped."


class CollectionsPolicy(models.Model):
    _inherit = "collections.policy"

    score_good_from = fields.Integer(
        string="Good Payers from Score",
        default=GOOD_FROM,
        help="Customers whose payer score is this or more are good payers.",
    )
    score_poor_below = fields.Integer(
        string="Poor Payers below Score",
        default=POOR_BELOW,
        help="Customers whose payer score is below this are poor payers. Customers without a score are in no band.",
    )
    good_start_level_id = fields.Many2one(
        "collections.level",
        string="Good Payers Start at",
        domain="[('policy_id', '=', id)]",
        ondelete="set null",
        help=_START_HELP,
    )
    good_email_only = fields.Boolean(string="Good Payers: E-mail Only", help=_EMAIL_HELP)
    poor_start_level_id = fields.Many2one(
        "collections.level",
        string="Poor Payers Start at",
        domain="[('policy_id', '=', id)]",
        ondelete="set null",
        help=_START_HELP,
    )
    poor_email_only = fields.Boolean(string="Poor Payers: E-mail Only", help=_EMAIL_HELP)

    def _collections_input_rules(self):
        rules = super()._collections_input_rules()
        rules["score_good_from"] = (BAND_SCORE, self.env._("enter the payer score good payers start from (0 to 100)."))
        rules["score_poor_below"] = (
            BAND_SCORE,
            self.env._("enter the payer score poor payers stay below (0 to 100)."),
        )
        return rules

    @api.constrains("score_good_from", "score_poor_below")
    def _check_score_bands(self):
        for policy in self:
            if policy.score_poor_below > policy.score_good_from:
                raise ValidationError(
                    self.env._(
                        "Plan '%(plan)s': poor payers score below %(poor)s and good payers from %(good)s; the poor "
                        "payers' score must not be above the good payers'.",
                        plan=policy.display_name,
                        poor=policy.score_poor_below,
                        good=policy.score_good_from,
                    )
                )

    @api.constrains("good_start_level_id", "poor_start_level_id", "level_ids")
    def _check_start_levels(self):
        for policy in self:
            for level in policy.good_start_level_id | policy.poor_start_level_id:
                if level.policy_id != policy:
                    raise ValidationError(
                        self.env._(
                            "Plan '%(plan)s': the starting level '%(level)s' is not a level of this plan.",
                            plan=policy.display_name,
                            level=level.display_name,
                        )
                    )

    def _engine_bands(self):
        """The plan's bands for the engine (``engine.band_plan``)."""
        self.ensure_one()
        return ScoreBands(
            good_from=self.score_good_from,
            poor_below=self.score_poor_below,
            good=BandRule(self.good_start_level_id.id or None, self.good_email_only),
            poor=BandRule(self.poor_start_level_id.id or None, self.poor_email_only),
        )
