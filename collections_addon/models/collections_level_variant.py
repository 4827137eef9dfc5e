"""A/B tests of a level's texts: variants of its e-mail template and scripts, shared out by weight.

A level with active variants gives each customer one of them, drawn by ``engine.assign_variant`` from the
customer and the level (stable across runs); the variant's template or script replaces the level's on its
channel (an empty one keeps the level's), and every contact of the step records the variant. The variant's
figures come from the accounting (``engine.recovery``): the customers it contacted, those who paid within 30
days of a contact and how much. Promoting a variant copies its texts to the level and archives the variants:
the test ends and the level works as before, with the winner's texts.
"""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine.ab_test import AB_TEST_WINDOW_DAYS, assign_variant, compare_variants, wilson_interval
from ..engine.recovery import RECOVERY_WINDOWS
from .collections_level import SCRIPT_FIELDS
from .recovery_contacts import contact_recoveries

# The channels a variant has a text of its own for, with the field of that text (the level's name for it).
VARIANT_FIELDS = {"email": "mail_template_id", **SCRIPT_FIELDS}
# Contacts that did not reach the customer say nothing of a variant.
_NOT_CONTACTS = ("failed", "cancelled")


class CollectionsLevelVariant(models.Model):
    _name = "collections.level.variant"
    _description = "Collections Level Variant (A/B test)"
    _order = "level_id, sequence, id"
    _check_company_auto = True

    level_id = fields.Many2one("collections.level", string="Level", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="level_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="level_id.currency_id")
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Variant", required=True, help="e.g. A, B or Short subject.")
    active = fields.Boolean(default=True)
    weight = fields.Integer(
        default=50,
        required=True,
        help="The variant's share of the customers, against the other variants' weights (50 and 50: half each).",
    )
    mail_template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'res.partner')]",
        ondelete="restrict",
        help="Replaces the level's template for this variant's customers; empty: the level's.",
    )
    sms_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="SMS Text",
        domain="[('channel', '=', 'sms'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    whatsapp_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="WhatsApp Message",
        domain="[('channel', '=', 'whatsapp'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    letter_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="Letter Paragraph",
        domain="[('channel', '=', 'letter'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    call_script_id = fields.Many2one(
        "collections.script",
        check_company=True,
        string="Call Script",
        domain="[('channel', '=', 'call'), ('company_id', 'in', [company_id, False])]",
        ondelete="restrict",
    )
    stat_contacts = fields.Integer(string="Contacts", compute="_compute_stats")
    stat_customers = fields.Integer(string="Customers", compute="_compute_stats")
    stat_recovered_customers = fields.Integer(
        string="Paid Within 30 Days",
        compute="_compute_stats",
        help="Customers who paid something within 30 days of a contact of this variant.",
    )
    stat_recovered_amount = fields.Monetary(
        string="Recovered (30 Days)", currency_field="currency_id", compute="_compute_stats"
    )
    stat_rate = fields.Float(string="Rate (%)", digits=(5, 1), compute="_compute_stats")
    stat_interval = fields.Char(
        string="95% Interval", compute="_compute_stats", help="Where the true rate lies, 95 times in 100 (Wilson)."
    )

    _weight_positive = models.Constraint(
        "CHECK(weight > 0)",
        "The weight of a variant must be above 0: give it its share of the customers (e.g. 50).",
    )

    @api.constrains("mail_template_id", "sms_script_id", "whatsapp_script_id", "letter_script_id", "call_script_id")
    def _check_texts(self):
        for variant in self:
            template = variant.mail_template_id
            if template and template.model != "res.partner":
                raise ValidationError(
                    self.env._(
                        "Variant '%(variant)s': the e-mail template '%(template)s' is for '%(model)s': choose a "
                        "template on Contact (res.partner).",
                        variant=variant.name,
                        template=template.display_name,
                        model=template.model,
                    )
                )
            for channel, field_name in VARIANT_FIELDS.items():
                script = variant[field_name] if channel != "email" else None
                if script and script.channel != channel:
                    raise ValidationError(
                        self.env._(
                            "Variant '%(variant)s': the script '%(script)s' is not for this channel: choose a "
                            "script of the right kind.",
                            variant=variant.name,
                            script=script.display_name,
                        )
                    )
                if script:
                    script._check_usable()

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------

    @api.model
    def _for_customer(self, level, partner_id):
        """The active variant of ``level`` the customer gets (stable across runs); empty without variants."""
        variants = level.variant_ids
        if not variants:
            return self.browse()
        chosen = assign_variant(partner_id, f"level-{level.id}", {variant.id: variant.weight for variant in variants})
        return variants.filtered(lambda variant: variant.id == chosen)

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------

    @api.depends("level_id")
    def _compute_stats(self):
        figures = self._figures()
        for variant in self:
            contacts, customers, recovered, amount = figures.get(variant.id, (0, 0, 0, 0))
            variant.stat_contacts = contacts
            variant.stat_customers = customers
            variant.stat_recovered_customers = recovered
            variant.stat_recovered_amount = amount
            variant.stat_rate = 100.0 * recovered / customers if customers else 0.0
            if customers:
                low, high = wilson_interval(recovered, customers)
                variant.stat_interval = f"{100 * low:.1f}% - {100 * high:.1f}%"
            else:
                variant.stat_interval = False

    def _figures(self):
        """{variant id: (contacts, customers, customers paid within 30 days, amount recovered within 30 days)}.

        The contacts are the variants' own; each covers the receivable lines of its invoices for their amount,
        and a payment is a reconciliation of such a line (its date and amount), as ``engine.recovery`` says.
        """
        ids = [variant_id for variant_id in self.ids if isinstance(variant_id, int)]
        if not ids:
            return {}
        # sudo: the figures count every contact of the test, whoever may read each one; only totals are shown.
        events = (
            self.env["collections.event"]
            .sudo()
            .search_fetch(
                [("variant_id", "in", ids), ("state", "not in", _NOT_CONTACTS)], ["variant_id", "partner_id", "date"]
            )
        )
        recoveries = contact_recoveries(self.env, [(event.id, event.date, event.partner_id.id) for event in events])
        window = RECOVERY_WINDOWS.index(AB_TEST_WINDOW_DAYS)
        figures = defaultdict(lambda: [0, set(), set(), 0.0])
        for event, recovery in zip(events, recoveries, strict=True):
            row = figures[event.variant_id.id]
            row[0] += 1
            row[1].add(event.partner_id.id)
            if recovery.recovered[window] > 0:
                row[2].add(event.partner_id.id)
                row[3] += float(recovery.recovered[window])
        return {key: (row[0], len(row[1]), len(row[2]), row[3]) for key, row in figures.items()}

    @api.model
    def _comparison_text(self, variants):
        """What the test says so far, for two variants: the rates and whether the difference is significant."""
        if len(variants) != 2:
            return False
        first, second = variants
        if not (first.stat_customers and second.stat_customers):
            return self.env._("Not enough contacts yet: both variants need customers to compare.")
        result = compare_variants(
            first.stat_recovered_customers, first.stat_customers, second.stat_recovered_customers, second.stat_customers
        )
        values = {
            "a": first.name,
            "b": second.name,
            "rate_a": f"{100 * result.rate_a:.1f}%",
            "rate_b": f"{100 * result.rate_b:.1f}%",
            "p": f"{result.p_value:.3f}",
        }
        if result.significant:
            better = first.name if result.rate_a > result.rate_b else second.name
            return self.env._(
                "%(a)s: %(rate_a)s, %(b)s: %(rate_b)s of customers paid within 30 days (p = %(p)s): the difference "
                "is significant at 95%%; %(better)s does better.",
                better=better,
                **values,
            )
        return self.env._(
            "%(a)s: %(rate_a)s, %(b)s: %(rate_b)s of customers paid within 30 days (p = %(p)s): the difference is "
            "not significant yet; keep the test running.",
            **values,
        )

    # ------------------------------------------------------------------
    # Ending the test
    # ------------------------------------------------------------------

    def action_promote(self):
        """Copy this variant's texts to the level and archive the level's variants: the test ends."""
        self.ensure_one()
        level = self.level_id
        texts = {field_name: self[field_name].id for field_name in VARIANT_FIELDS.values() if self[field_name]}
        if texts:
            level.write(texts)
        level.with_context(active_test=False).variant_ids.write({"active": False})
        return True
