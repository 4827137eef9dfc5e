"""A plan's catch-up: a gentle start for old debts (the rule is the engine's, ``engine/catch_up.py``).

When a plan is switched on, or a customer is assigned to it, with invoices already past several levels, the
first run gives one step chosen by the plan's catch-up mode: the highest level reached, a chosen level, or a
statement of account asking the customer to contact us. The plan holds the mode an admin sets and gives it to
the run's decide step (``collections_runner_catch_up.py``).

Default ``highest``: it is what the run did before the catch-up existed (the first step of a late invoice is
the highest level it reached, once, never every missed level), so plans, shipped ones included, keep their
behaviour and the preview now says so.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.catch_up import CATCH_UP_MODES

# The plan's modes: the engine's codes, and "off" (no catch-up: the engine's None).
CATCH_UP_OFF = "off"
_MODE_LABELS = {
    "highest": "Start at the highest level reached",
    "level": "Start at a chosen level",
    "statement": "Send a statement: please contact us",
}
CATCH_UP_SELECTION = [(CATCH_UP_OFF, "No catch-up"), *[(code, _MODE_LABELS[code]) for code in CATCH_UP_MODES]]
# The shipped e-mail of the statement mode: the statement of account attached, asking the customer to contact us.
CATCH_UP_TEMPLATE = "collections_addon.mail_template_collections_catch_up"


class CollectionsPolicy(models.Model):
    _inherit = "collections.policy"

    catch_up_mode = fields.Selection(
        CATCH_UP_SELECTION,
        string="Catch-up for Old Debts",
        required=True,
        default="highest",
        help="The first step of a customer new to this plan whose oldest invoice is already past two levels or more "
        "(the plan was switched on, or the customer was assigned to it). Highest level reached: that level once, "
        "the levels below it are skipped. Chosen level: the level below, when the invoice reached it (else the "
        "highest). Statement: the statement of account asking the customer to contact us, instead of the missed "
        "levels. Later runs follow the plan as usual; a skipped level is never sent. No catch-up: the plan as usual "
        "(the highest level reached), without the preview's note.",
    )
    catch_up_level_id = fields.Many2one(
        "collections.level",
        string="Catch-up Starts at",
        domain="[('policy_id', '=', id), ('days', '>=', 0)]",
        ondelete="set null",
        copy=False,  # a copy starts at its own level of the same days (see ``copy``)
        help="The level the catch-up starts at (a level after the due date). When the invoice has not reached it "
        "yet, the catch-up starts at the highest level reached instead. Later runs send the higher levels as usual.",
    )
    catch_up_template_id = fields.Many2one(
        "mail.template",
        string="Catch-up Statement E-mail",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
        default=lambda self: self._default_catch_up_template(),
        help="The e-mail of the statement mode, sent instead of the level's messages (e-mail only). The statement "
        "of account is attached (the shipped e-mail attaches it; with another one the run attaches it). The "
        "invoices then count the highest level reached, so none of the missed levels is sent later.",
    )

    @api.model
    def _default_catch_up_template(self):
        template = self.env.ref(CATCH_UP_TEMPLATE, raise_if_not_found=False)
        return template.id if template else False

    def copy_data(self, default=None):
        # The copy's levels exist only once it is created: it starts as 'highest', ``copy`` sets its own level.
        vals_list = super().copy_data(default)
        for policy, vals in zip(self, vals_list, strict=True):
            if policy.catch_up_mode == "level" and "catch_up_mode" not in (default or {}):
                vals["catch_up_mode"] = "highest"
        return vals_list

    def copy(self, default=None):
        copies = super().copy(default)
        if "catch_up_mode" in (default or {}):
            return copies
        for policy, copy in zip(self, copies, strict=True):
            chosen = policy.catch_up_level_id
            level = copy.level_ids.filtered(lambda level, chosen=chosen: level.days == chosen.days)[:1]
            if policy.catch_up_mode == "level" and level:
                copy.write({"catch_up_mode": "level", "catch_up_level_id": level.id})
        return copies

    @api.onchange("catch_up_mode")
    def _onchange_catch_up_mode(self):
        if self.catch_up_mode == "statement" and not self.catch_up_template_id:
            self.catch_up_template_id = self._default_catch_up_template()

    @api.constrains("catch_up_mode", "catch_up_level_id", "catch_up_template_id", "level_ids")
    def _check_catch_up(self):
        for policy in self:
            problem = policy._catch_up_problem()
            if problem:
                raise ValidationError(
                    self.env._("Plan '%(plan)s': %(problem)s", plan=policy.display_name, problem=problem)
                )

    def _catch_up_problem(self):
        """Why the plan's catch-up settings cannot work (a sentence), or an empty string."""
        self.ensure_one()
        level, template = self.catch_up_level_id, self.catch_up_template_id
        if self.catch_up_mode == "level":
            if not level:
                return self.env._("the catch-up starts at a chosen level: choose the level in 'Catch-up Starts at'.")
            if level.policy_id != self:
                return self.env._("the catch-up level '%(level)s' is not a level of this plan.", level=level.name)
            if level.days < 0:
                return self.env._(
                    "the catch-up cannot start at '%(level)s': it is a reminder before the due date; choose a level "
                    "after it.",
                    level=level.name,
                )
        if self.catch_up_mode == "statement":
            if not template:
                return self.env._("the catch-up sends a statement: choose its e-mail in 'Catch-up Statement E-mail'.")
            if template.model != "res.partner":
                return self.env._(
                    "the catch-up statement e-mail '%(template)s' is for '%(model)s': choose a template on Contact "
                    "(res.partner).",
                    template=template.display_name,
                    model=template.model,
                )
        return ""

    def _engine_catch_up(self):
        """(mode, chosen level id) for ``engine.catch_up_plan``: mode None when the plan has no catch-up.

        A chosen level the plan no longer has, or moved before the due date, is given as a level outside the plan:
        the engine then starts at the highest level reached and says why (it never stops the run).
        """
        self.ensure_one()
        if self.catch_up_mode not in CATCH_UP_MODES:
            return None, None
        if self.catch_up_mode != "level":
            return self.catch_up_mode, None
        level = self.catch_up_level_id
        valid = level and level.policy_id == self and level.days >= 0
        return "level", level.id if valid else 0
