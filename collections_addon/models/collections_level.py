from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import FollowupLevel


class CollectionsLevel(models.Model):
    _name = "collections.level"
    _description = "Collections Level"
    _order = "policy_id, days, sequence, id"

    policy_id = fields.Many2one("collections.policy", string="Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.company_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    days = fields.Integer(
        required=True,
        help="Days after the due date when this step is due; a negative number is a reminder before the due date.",
    )
    min_amount = fields.Monetary(
        string="Minimum Amount",
        currency_field="currency_id",
        help="The step acts only when the customer's overdue total (company currency) reaches this amount.",
    )
    auto_execute = fields.Boolean(
        string="Automatic",
        default=True,
        help="The daily run acts on its own. Untick to put the customers on the collectors' worklist instead.",
    )
    send_email = fields.Boolean(string="E-mail")
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
        help="Template on Customer (res.partner); the overdue invoices are added to every e-mail.",
    )
    attach_statement = fields.Boolean(
        string="Attach Statement PDF",
        help="Also attach the customer statement as a PDF (slower: one PDF per customer).",
    )
    send_letter = fields.Boolean(string="Letter", help="Queue a follow-up letter for printing.")
    schedule_call = fields.Boolean(string="Call", help="Give the collector a call task for the next business day.")
    call_script = fields.Html(
        translate=True,
        sanitize_overridable=True,
        help="What the collector says on the phone; shown on the call task.",
    )
    escalation = fields.Selection(
        [("none", "None"), ("negotiation", "Negotiation"), ("protest", "Notary protest")],
        default="none",
        required=True,
        help="Manual escalation proposed to the collector when a customer reaches this step.",
    )

    _days_unique_per_plan = models.Constraint(
        "UNIQUE(policy_id, days)",
        "Two levels of a plan cannot have the same days: give each step its own number of days.",
    )
    _min_amount_positive = models.Constraint(
        "CHECK(min_amount >= 0)",
        "The minimum amount of a level cannot be negative: use 0 to act on any amount.",
    )

    @api.depends("policy_id", "name", "days")
    def _compute_display_name(self):
        for level in self:
            level.display_name = level.name or ""

    @api.constrains("mail_template_id", "send_email")
    def _check_mail_template(self):
        for level in self:
            if level.mail_template_id and level.mail_template_id.model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "The e-mail template '%(template)s' of level '%(level)s' is for '%(model)s': "
                        "a level needs a template on Contact (res.partner).",
                        template=level.mail_template_id.display_name,
                        level=level.name,
                        model=level.mail_template_id.model,
                    )
                )
            if level.send_email and not level.mail_template_id:
                raise ValidationError(
                    self.env._(
                        "Level '%(level)s' sends an e-mail but has no template: choose an e-mail template "
                        "or untick 'E-mail'.",
                        level=level.name,
                    )
                )

    def _channels(self):
        self.ensure_one()
        flags = (("email", self.send_email), ("letter", self.send_letter), ("call", self.schedule_call))
        return tuple(channel for channel, enabled in flags if enabled)

    def _engine_level(self):
        self.ensure_one()
        return FollowupLevel(
            id=self.id,
            days=self.days,
            min_amount=self.min_amount,
            channels=self._channels(),
            auto_execute=self.auto_execute,
        )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_last_level_of_default_plan(self):
        for policy in self.policy_id:
            if policy.is_default and policy.active and not (policy.level_ids - self):
                raise ValidationError(
                    self.env._(
                        "The plan '%(plan)s' is a default plan and needs at least one level: add another level "
                        "first or untick 'Default Plan'.",
                        plan=policy.display_name,
                    )
                )
