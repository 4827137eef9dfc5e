from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import AMOUNT, LEVEL_DAYS, WHATSAPP_HOURS, FollowupLevel
from ..engine.whatsapp import FALLBACK_CHANNELS

# The codes are the engine's; only their labels live here.
_FALLBACK_LABELS = {"sms": "Send an SMS", "letter": "Print a letter"}

# The channels that send a text of their own, with the level field of its script.
SCRIPT_FIELDS = {
    "sms": "sms_script_id",
    "whatsapp": "whatsapp_script_id",
    "letter": "letter_script_id",
    "call": "call_script_id",
}


class CollectionsLevel(models.Model):
    _name = "collections.level"
    _inherit = ["collections.input.mixin"]
    _description = "Collections Level"
    _order = "policy_id, days, sequence, id"
    _check_company_auto = True

    policy_id = fields.Many2one("collections.policy", string="Plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="policy_id.company_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    customer_title = fields.Char(
        string="Title for the Customer",
        translate=True,
        help="What the customer reads for this step: the heading of its letter and the line of the statement's "
        "reminder history, e.g. Payment reminder or Formal notice (the level's name stays internal). "
        "Empty: Payment reminder (Upcoming payment before the due date).",
    )
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
    send_sms = fields.Boolean(string="SMS", help="Send a text message through Odoo's SMS gateway.")
    sms_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="SMS Text",
        domain="[('channel', '=', 'sms'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    send_whatsapp = fields.Boolean(
        string="WhatsApp", help="Send an approved WhatsApp template through the WhatsApp Business Cloud API."
    )
    whatsapp_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="WhatsApp Message",
        domain="[('channel', '=', 'whatsapp'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    whatsapp_read_call_hours = fields.Integer(
        string="Call When Read and Unpaid After (hours)",
        help="When the customer read the WhatsApp message and the invoices are still unpaid after this many "
        "hours, give the collector a call task. 0: no call.",
    )
    whatsapp_undelivered_hours = fields.Integer(
        string="Undelivered After (hours)",
        default=24,
        help="A WhatsApp message sent but not delivered after this many hours counts as failed and falls back "
        "like one. 0: wait for WhatsApp's own failure report.",
    )
    whatsapp_fallback = fields.Selection(
        [("none", "Nothing")] + [(channel, _FALLBACK_LABELS[channel]) for channel in FALLBACK_CHANNELS],
        string="If WhatsApp Fails",
        default="sms",
        required=True,
        help="What replaces a WhatsApp message that failed or could not be delivered.",
    )
    send_letter = fields.Boolean(string="Letter", help="Queue a follow-up letter for printing.")
    letter_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="Letter Paragraph",
        domain="[('channel', '=', 'letter'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
        help="The paragraph of the follow-up letter; empty: the standard wording.",
    )
    schedule_call = fields.Boolean(
        string="Call", help="Give the collector a call task in the next allowed call window of the plan."
    )
    call_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="Call Script",
        domain="[('channel', '=', 'call'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
        help="What the collector says on the phone; shown on the call task and in 'Log call'.",
    )
    tone_warning = fields.Text(
        compute="_compute_tone_warning", help="Scripts of this level that the tone check blocks, and what that means."
    )
    variant_ids = fields.One2many(
        "collections.level.variant",
        "level_id",
        string="A/B Test Variants",
        help="Two or more variants share the customers by weight; each customer always gets the same one, and its "
        "template or scripts replace the level's (empty: the level's). No variant: the level's texts for everyone.",
    )
    variant_summary = fields.Text(
        string="A/B Test Result", compute="_compute_variant_summary", help="What the test of two variants says so far."
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
    _whatsapp_undelivered_hours_positive = models.Constraint(
        "CHECK(whatsapp_undelivered_hours >= 0)",
        "The hours before a WhatsApp message counts as undelivered cannot be negative: use 0 to wait for WhatsApp.",
    )
    _whatsapp_read_call_hours_positive = models.Constraint(
        "CHECK(whatsapp_read_call_hours >= 0)",
        "The hours before calling a customer who read a WhatsApp message cannot be negative: use 0 for no call.",
    )
    _min_amount_positive = models.Constraint(
        "CHECK(min_amount >= 0)",
        "The minimum amount of a level cannot be negative: use 0 to act on any amount.",
    )

    def _collections_input_rules(self):
        return {
            "days": (LEVEL_DAYS, self.env._("enter the days after the due date (negative: a reminder before it).")),
            "min_amount": (AMOUNT, self.env._("enter the overdue total from which the step acts (0: any amount).")),
            "whatsapp_read_call_hours": (
                WHATSAPP_HOURS,
                self.env._("enter the hours to wait before the call (0: no call)."),
            ),
            "whatsapp_undelivered_hours": (
                WHATSAPP_HOURS,
                self.env._("enter the hours to wait for the delivery (0: wait for WhatsApp's own failure report)."),
            ),
        }

    def _collections_check_input(self, vals_list):
        """Each step of a plan has its own days, with the step in the way named (the database would only say
        'duplicate key')."""
        if self and not any({"days", "policy_id"} & vals.keys() for vals in vals_list):
            return
        wanted = set()
        for vals in vals_list:
            for level in self or [None]:
                policy_id = self._collections_future(vals, level, "policy_id", False)
                if not policy_id:
                    continue  # refused as a missing plan
                key = (policy_id, int(self._collections_future(vals, level, "days", 0) or 0))
                # sudo: the constraint covers every level of the plan, whoever may read them.
                other = self.sudo().search(
                    [("policy_id", "=", key[0]), ("days", "=", key[1]), ("id", "not in", self.ids)], limit=1
                )
                if other or key in wanted:
                    plan = self.env["collections.policy"].sudo().browse(policy_id)
                    raise ValidationError(
                        self.env._(
                            "The plan '%(plan)s' already has a level at %(days)s days%(level)s: give each step its "
                            "own number of days.",
                            plan=plan.display_name,
                            days=key[1],
                            level=f" ('{other.name}')" if other else "",
                        )
                    )
                wanted.add(key)

    @api.depends("policy_id", "name", "days")
    def _compute_display_name(self):
        for level in self:
            level.display_name = level.name or ""

    @api.depends("call_script_id", "sms_script_id", "whatsapp_script_id", "letter_script_id")
    @api.depends_context("lang")
    def _compute_tone_warning(self):
        for level in self:
            scripts = level.call_script_id | level.sms_script_id | level.whatsapp_script_id | level.letter_script_id
            level.tone_warning = (
                "\n".join(
                    self.env._(
                        "The script '%(script)s' is blocked by the tone check: %(effect)s, "
                        "until it is rephrased or a collections manager accepts the wording.",
                        script=script.display_name,
                        effect=script._blocked_effect(),
                    )
                    for script in scripts
                    if script.tone_state == "blocked"
                )
                or False
            )

    @api.depends("variant_ids", "variant_ids.active", "variant_ids.name")
    @api.depends_context("lang")
    def _compute_variant_summary(self):
        for level in self:
            level.variant_summary = self.env["collections.level.variant"]._comparison_text(level.variant_ids)

    def _customer_title(self):
        """The step as the customer reads it, in the environment's language; never the internal name."""
        self.ensure_one()
        if self.customer_title:
            return self.customer_title
        return self.env._("Upcoming payment") if self.days < 0 else self.env._("Payment reminder")

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

    @api.constrains(
        "send_sms", "sms_script_id", "send_whatsapp", "whatsapp_script_id", "letter_script_id", "call_script_id"
    )
    def _check_scripts(self):
        labels = dict(self.env["collections.script"]._fields["channel"]._description_selection(self.env))
        for level in self:
            for channel, field_name in SCRIPT_FIELDS.items():
                script = level[field_name]
                if script and script.channel != channel:
                    raise ValidationError(
                        self.env._(
                            "Level '%(level)s': the script '%(script)s' is a %(kind)s, not a %(expected)s: "
                            "choose a script of the right kind.",
                            level=level.name,
                            script=script.display_name,
                            kind=labels[script.channel],
                            expected=labels[channel],
                        )
                    )
                if script:
                    script._check_usable()
            if level.send_sms and not level.sms_script_id:
                raise ValidationError(
                    self.env._(
                        "Level '%(level)s' sends an SMS but has no SMS text: choose one or untick 'SMS'.",
                        level=level.name,
                    )
                )
            if level.send_whatsapp and not level.whatsapp_script_id.whatsapp_template_name:
                raise ValidationError(
                    self.env._(
                        "Level '%(level)s' sends WhatsApp messages but has no WhatsApp message with an approved "
                        "template name: choose one (Collections > Configuration > Scripts) or untick 'WhatsApp'.",
                        level=level.name,
                    )
                )

    def _channels(self):
        self.ensure_one()
        flags = (
            ("email", self.send_email),
            ("sms", self.send_sms),
            ("whatsapp", self.send_whatsapp),
            ("letter", self.send_letter),
            ("call", self.schedule_call),
        )
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
