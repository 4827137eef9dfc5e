from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tools import format_date, format_datetime

from ..engine import STATUSES

_STATUS_LABELS = {
    "ok": "Up to date",
    "overdue": "Overdue",
    "to_contact": "To contact",
    "promised": "Promised",
    "agreement": "In agreement",
    "disputed": "Disputed",
    "notary": "At the notary",
    "paused": "Paused",
    "excluded": "Excluded",
}
# The engine decides the status: its codes are the selection, in its order.
COLLECTIONS_STATUS = [(code, _STATUS_LABELS[code]) for code in STATUSES]

# Collection fields carry groups="collections_addon.group_collections_user": invoicing users neither
# see nor write them (the run writes them with SQL, the mail queue with sudo).
# Writing any of these changes what the follow-up would do: the status is refreshed at once.
_STATUS_INPUTS = {
    "collections_policy_id",
    "collections_paused_until",
    "collections_excluded",
    "collections_excluded_until",
}


class ResPartner(models.Model):
    _inherit = "res.partner"

    # Company-dependent: a customer of two companies follows each company's plan separately.
    collections_policy_id = fields.Many2one(
        "collections.policy",
        string="Collections Plan",
        company_dependent=True,
        help="Plan for this customer in the current company. Empty: the company's default plan for its kind.",
        groups="collections_addon.group_collections_user",
    )
    collections_level_id = fields.Many2one(
        "collections.level",
        string="Collections Level",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_due_level_id = fields.Many2one(
        "collections.level",
        string="Step Due",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="The follow-up step waiting for this customer (a manual step, a call or a failed channel).",
        groups="collections_addon.group_collections_user",
    )
    collections_next_date = fields.Date(
        string="Next Collections Action",
        company_dependent=True,
        copy=False,
        help="When the next follow-up step is due.",
        groups="collections_addon.group_collections_user",
    )
    collections_review_date = fields.Date(
        string="Last Follow-up Review",
        company_dependent=True,
        readonly=True,
        copy=False,
        help="Technical: the day the follow-up run last reviewed this customer (the daily job resumes after it).",
        groups="collections_addon.group_collections_user",
    )
    collections_last_date = fields.Date(
        string="Last Contact",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_responsible_id = fields.Many2one(
        "res.users",
        string="Collector",
        company_dependent=True,
        domain="[('share', '=', False)]",
        help="Collector in charge of this customer; receives its call and follow-up tasks.",
        groups="collections_addon.group_collections_user",
    )
    collections_status = fields.Selection(
        COLLECTIONS_STATUS,
        string="Collections Status",
        company_dependent=True,
        readonly=True,
        copy=False,
        groups="collections_addon.group_collections_user",
    )
    collections_paused_until = fields.Date(
        string="Follow-up Paused Until",
        company_dependent=True,
        copy=False,
        help="No reminder until after this date.",
        groups="collections_addon.group_collections_user",
    )
    collections_pause_reason = fields.Char(
        string="Pause Reason", company_dependent=True, copy=False, groups="collections_addon.group_collections_user"
    )
    collections_excluded = fields.Boolean(
        string="Excluded from Follow-up",
        company_dependent=True,
        copy=False,
        help="No reminder at all while excluded.",
        groups="collections_addon.group_collections_user",
    )
    collections_excluded_until = fields.Date(
        string="Excluded Until",
        company_dependent=True,
        copy=False,
        help="Empty: excluded until unticked.",
        groups="collections_addon.group_collections_user",
    )
    collections_exclusion_reason = fields.Char(
        string="Exclusion Reason", company_dependent=True, copy=False, groups="collections_addon.group_collections_user"
    )
    collections_due_escalation = fields.Selection(
        related="collections_due_level_id.escalation",
        string="Escalation Due",
        groups="collections_addon.group_collections_user",
    )
    collections_phone_invalid = fields.Boolean(
        string="Phone Reported Wrong",
        copy=False,
        help="A collector reached a wrong number: no SMS, WhatsApp or call until the number is corrected.",
        groups="collections_addon.group_collections_user",
    )

    collections_status_note = fields.Char(
        string="Why",
        compute="_compute_collections_status_note",
        help="What is going on: the task waiting for a collector (a call, a failed reminder and its reason, a "
        "broken promise, a step due), or what holds the overdue invoices (promise, agreement, dispute, notary, "
        "pause).",
        groups="collections_addon.group_collections_user",
    )
    collections_next_call_at = fields.Datetime(
        string="Planned Call",
        compute="_compute_collections_status_note",
        groups="collections_addon.group_collections_user",
    )
    collections_currency_id = fields.Many2one("res.currency", compute="_compute_collections_amounts")
    collections_due_amount = fields.Monetary(
        string="Total Due", currency_field="collections_currency_id", compute="_compute_collections_amounts"
    )
    collections_overdue_amount = fields.Monetary(
        string="Total Overdue", currency_field="collections_currency_id", compute="_compute_collections_amounts"
    )
    collections_days_late = fields.Integer(string="Days Late", compute="_compute_collections_amounts")
    collections_open_move_ids = fields.Many2many(
        "account.move", string="Open Invoices", compute="_compute_collections_amounts"
    )
    collections_event_ids = fields.One2many(
        "collections.event",
        "partner_id",
        string="Collections History",
        groups="collections_addon.group_collections_user",
    )
    collections_event_count = fields.Integer(
        compute="_compute_collections_event_count", groups="collections_addon.group_collections_user"
    )

    collections_is_notary = fields.Boolean(
        string="Notary Office",
        help="A notary's office (cartório de protesto) where overdue titles are protested; its state picks the "
        "protest rule.",
    )
    collections_protest_ids = fields.One2many(
        "collections.protest", "partner_id", string="Protests", groups="collections_addon.group_collections_user"
    )
    collections_protest_count = fields.Integer(
        compute="_compute_collections_protest_count", groups="collections_addon.group_collections_user"
    )
    # Stored and visible to every invoicing and sales user: the warning on new invoices reads it.
    collections_protested = fields.Boolean(
        string="Protested",
        compute="_compute_collections_protested",
        store=True,
        help="A title of this customer is protested at a notary and not settled yet.",
    )
    collections_protested_since = fields.Date(compute="_compute_collections_protested", store=True)

    def _collections_open_lines_domain(self, company):
        return [
            ("partner_id", "in", self.commercial_partner_id.ids),
            ("company_id", "=", company.id),
            ("account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]

    @api.depends_context("company")
    def _compute_collections_amounts(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        lines = self.env["account.move.line"]
        due, overdue, oldest, moves = {}, {}, {}, {}
        if self.commercial_partner_id.ids:
            domain = self._collections_open_lines_domain(company)
            for partner, amount, partner_moves in lines._read_group(
                domain, ["partner_id"], ["amount_residual:sum", "move_id:recordset"]
            ):
                due[partner.id] = amount
                moves[partner.id] = partner_moves
            overdue_domain = [*domain, ("date_maturity", "<", today)]
            for partner, amount, first_due in lines._read_group(
                overdue_domain, ["partner_id"], ["amount_residual:sum", "date_maturity:min"]
            ):
                overdue[partner.id] = amount
                oldest[partner.id] = first_due
        for partner in self:
            commercial_id = partner.commercial_partner_id.id
            partner.collections_currency_id = company.currency_id
            partner.collections_due_amount = due.get(commercial_id, 0.0)
            partner.collections_overdue_amount = overdue.get(commercial_id, 0.0)
            first_due = oldest.get(commercial_id)
            partner.collections_days_late = (today - first_due).days if first_due else 0
            partner.collections_open_move_ids = moves.get(commercial_id, self.env["account.move"])

    @api.depends_context("company", "tz", "lang")
    def _compute_collections_status_note(self):
        notes = self._collections_situation(self.env.company)
        for partner in self:
            note, call_at = notes.get(partner.commercial_partner_id.id, ([], False))
            partner.collections_status_note = " · ".join(note) or False
            partner.collections_next_call_at = call_at

    def _collections_situation(self, company):
        """Per customer: the phrases saying why it is listed or held, and its next planned call.

        A handful of queries for the whole list, whatever its length.
        """
        customers = self.commercial_partner_id.with_company(company)
        notes = defaultdict(list)
        next_call = {}
        if not customers:
            return {}
        env = self.env
        channels = dict(env["collections.event"]._fields["channel"]._description_selection(env))
        tasks_shown = defaultdict(set)
        events = env["collections.event"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                "|",
                ("activity_id.active", "=", True),
                "&",
                ("channel", "=", "call"),
                ("state", "=", "queued"),
            ],
            ["partner_id", "channel", "state", "error", "level_id", "call_planned_at"],
            order="date desc, id desc",
        )
        for event in events:
            partner_id = event.partner_id.id
            if event.channel == "call" and event.state == "queued":
                planned = event.call_planned_at
                if planned and (partner_id not in next_call or planned < next_call[partner_id]):
                    next_call[partner_id] = planned
                key = ("call",)
                text = (
                    env._("Call planned for %(when)s", when=format_datetime(env, planned, dt_format="short"))
                    if planned
                    else env._("Call to make")
                )
            elif event.channel == "promise":
                key, text = ("promise",), env._("Promise to pay broken: follow it up")
            elif event.channel == "task":
                key, text = ("step", event.level_id.id), env._("Step due: %(step)s", step=event.level_id.name)
            else:
                key = ("failed", event.channel)
                text = env._(
                    "%(channel)s not sent: %(reason)s",
                    channel=channels.get(event.channel, event.channel),
                    reason=(event.error or env._("no reason given")).strip(),
                )
            if key not in tasks_shown[partner_id]:
                tasks_shown[partner_id].add(key)
                notes[partner_id].append(text)
        for partner in customers:
            level = partner.collections_due_level_id
            if (
                level
                and ("step", level.id) not in tasks_shown[partner.id]
                and partner.collections_status == "to_contact"
            ):
                notes[partner.id].append(env._("Step due: %(step)s", step=level.name))
        for partner, amount, last_date in env["collections.promise"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "open")],
            ["partner_id"],
            ["amount:sum", "date:max"],
        ):
            notes[partner.id].append(
                env._(
                    "Promised %(amount)s by %(date)s",
                    amount=company.currency_id.format(amount),
                    date=format_date(env, last_date),
                )
            )
        state_labels = dict(env["collections.negotiation"]._fields["state"]._description_selection(env))
        for agreement in env["collections.negotiation"].search_fetch(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("state", "in", ("proposed", "to_approve", "accepted", "active", "broken")),
            ],
            ["partner_id", "name", "state"],
        ):
            notes[agreement.partner_id.id].append(
                env._("Agreement %(name)s: %(state)s", name=agreement.name, state=state_labels[agreement.state])
            )
        for partner, count in env["collections.dispute"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "open")],
            ["partner_id"],
            ["__count"],
        ):
            notes[partner.id].append(env._("%(count)s open dispute(s)", count=count))
        for partner, count, deadline in env["collections.protest"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("state", "in", ("sent", "protocolled", "notified", "suspended")),
            ],
            ["partner_id"],
            ["__count", "deadline_date:min"],
        ):
            text = env._("%(count)s title(s) at the notary", count=count)
            if deadline:
                text = env._("%(titles)s, last day to pay %(date)s", titles=text, date=format_date(env, deadline))
            notes[partner.id].append(text)
        for partner, count in env["collections.protest"]._read_group(
            [("company_id", "=", company.id), ("partner_id", "in", customers.ids), ("state", "=", "protested")],
            ["partner_id"],
            ["__count"],
        ):
            notes[partner.id].append(env._("%(count)s title(s) protested", count=count))
        for [partner] in env["collections.event"]._read_group(
            [
                ("company_id", "=", company.id),
                ("partner_id", "in", customers.ids),
                ("channel", "=", "letter"),
                ("state", "=", "queued"),
            ],
            ["partner_id"],
        ):
            notes[partner.id].append(env._("Letter waiting to be printed"))
        today = env["collections.runner"]._today(company)
        for partner in customers:
            if partner.collections_paused_until and partner.collections_paused_until >= today:
                notes[partner.id].append(
                    env._(
                        "Paused until %(date)s%(reason)s",
                        date=format_date(env, partner.collections_paused_until),
                        reason=f": {partner.collections_pause_reason}" if partner.collections_pause_reason else "",
                    )
                )
            if partner.collections_status == "excluded":
                notes[partner.id].append(
                    env._(
                        "Excluded from follow-up%(reason)s",
                        reason=f": {partner.collections_exclusion_reason}"
                        if partner.collections_exclusion_reason
                        else "",
                    )
                )
        return {partner_id: (notes[partner_id], next_call.get(partner_id, False)) for partner_id in customers.ids}

    def _compute_collections_event_count(self):
        counts = dict(
            self.env["collections.event"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.collections_event_count = counts.get(partner, 0)

    def _compute_collections_protest_count(self):
        counts = dict(
            self.env["collections.protest"]._read_group([("partner_id", "in", self.ids)], ["partner_id"], ["__count"])
        )
        for partner in self:
            partner.collections_protest_count = counts.get(partner, 0)

    @api.depends("collections_protest_ids.state", "collections_protest_ids.protest_date")
    def _compute_collections_protested(self):
        # sudo: the flag is public on the customer, the protests themselves are for collectors only.
        since = dict(
            self.env["collections.protest"]
            .sudo()
            ._read_group(
                [("partner_id", "in", self.ids), ("state", "=", "protested")], ["partner_id"], ["protest_date:min"]
            )
        )
        for partner in self:
            partner.collections_protested = partner in since
            partner.collections_protested_since = since.get(partner) or False

    def _collections_sync_protest_warning(self):
        """Keep the protest line of the sales warning (when Sales is installed) in step with the flag."""
        if "sale_warn_msg" not in self._fields:
            return
        # A language-independent mark finds our line again whatever language wrote it.
        marker = "\N{SCALES} "
        # Quotations read the warning of the contact they are addressed to: every contact of the customer.
        contacts = self.search([("commercial_partner_id", "in", self.commercial_partner_id.ids)])
        for partner in contacts:
            commercial = partner.commercial_partner_id
            lines = [line for line in (partner.sale_warn_msg or "").splitlines() if not line.startswith(marker)]
            if commercial.collections_protested:
                lines.insert(
                    0,
                    marker
                    + self.env._(
                        "Protested at a notary since %(date)s: ask Collections before selling on credit.",
                        date=format_date(self.env, commercial.collections_protested_since),
                    ),
                )
            text = "\n".join(lines) or False
            if text != (partner.sale_warn_msg or False):
                partner.sale_warn_msg = text

    def _collections_policy(self, company=None):
        """The plan this customer follows in ``company`` (its own, else the company's default)."""
        self.ensure_one()
        company = company or self.env.company
        partner = self.commercial_partner_id.with_company(company)
        return partner.collections_policy_id or self.env["collections.policy"].with_company(company)._default_for(
            company, partner.is_company
        )

    def write(self, vals):
        if "phone" in vals and "collections_phone_invalid" not in vals:
            # A corrected number is worth trying again; the sudo spares invoicing users the collector-only field.
            flagged = self.sudo().filtered("collections_phone_invalid")
            if flagged:
                flagged.collections_phone_invalid = False
        result = super().write(vals)
        self._collections_hold_pending(vals)
        if _STATUS_INPUTS & set(vals) and not self.env.context.get("collections_no_refresh"):
            self.env["collections.runner"]._refresh_partners(self.commercial_partner_id, self.env.company)
        return result

    def _collections_hold_pending(self, vals):
        """A pause (promise, dispute) or an exclusion also stops the contacts already queued."""
        today = fields.Date.context_today(self)
        paused = vals.get("collections_paused_until") and fields.Date.to_date(vals["collections_paused_until"]) >= today
        if not (paused or vals.get("collections_excluded")):
            return
        reason = (
            self.env._("Cancelled: the follow-up of this customer is paused.")
            if paused
            else self.env._("Cancelled: the customer is excluded from follow-up.")
        )
        self.env["collections.event"]._cancel_pending(self.commercial_partner_id, self.env.company, reason)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_collections_negotiate(self):
        self.ensure_one()
        return self.env["collections.negotiation"]._action_new(self)

    def _collections_promisable_moves(self):
        """The customer's open invoices a promise may cover: not disputed, not in an agreement under way."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(self.env.company)
        moves = partner.collections_open_move_ids.filtered(
            lambda move: move.move_type in ("out_invoice", "out_receipt")
        )
        return moves - self.env["collections.promise"]._moves_not_promisable(moves)

    def action_collections_promise(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        moves = self._collections_promisable_moves()
        if not moves:
            raise UserError(
                self.env._(
                    "%(customer)s has no open invoice a promise can cover (disputed invoices and invoices in an "
                    "agreement under way are left out).",
                    customer=partner.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Promise to pay"),
            "res_model": "collections.promise",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_move_ids": [Command.set(moves.ids)],
                "default_amount": sum(moves.mapped("amount_residual_signed")),
            },
        }

    def action_collections_dispute(self):
        self.ensure_one()
        partner = self.commercial_partner_id
        invoices = partner.with_company(self.env.company).collections_open_move_ids.filtered(
            lambda move: move.move_type in ("out_invoice", "out_receipt")
        )
        # The invoices nothing else is about yet: a collector adds others if the customer disputes them too.
        # sudo: whether an invoice is disputed or promised, not the details.
        busy = (
            self.env["collections.dispute"].sudo().search([("state", "=", "open"), ("move_ids", "in", invoices.ids)])
        ).move_ids | (
            self.env["collections.promise"].sudo().search([("state", "=", "open"), ("move_ids", "in", invoices.ids)])
        ).move_ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Dispute"),
            "res_model": "collections.dispute",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_partner_id": partner.id, "default_move_ids": [Command.set((invoices - busy).ids)]},
        }

    def action_collections_protests(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_protest_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {}
        return action

    def action_collections_log_call(self):
        self.ensure_one()
        return self.env["collections.call.log"]._action_open(partner=self.commercial_partner_id)

    def action_collections_send_now(self):
        """Show what the step due will send to these customers, and send it once confirmed."""
        self._check_collections_access()
        return self.env["collections.send"]._open_for(self)

    def _collections_send(self, email_overrides=None):
        """Run the follow-up for these customers now, whatever the plan's automatic flags say."""
        self._check_collections_access()
        customers = self.commercial_partner_id
        result = self.env["collections.runner"]._run(
            self.env.company, partners=customers, manual=True, email_overrides=email_overrides
        )
        problems = self.env["collections.event"].search(
            [
                ("partner_id", "in", customers.ids),
                ("company_id", "=", self.env.company.id),
                ("date", "=", self.env["collections.runner"]._today(self.env.company)),
                ("state", "in", ("failed", "cancelled")),
            ]
        )
        if problems:
            # Not an exception: the failed step and the collector's task must stay recorded.
            return self._collections_notification("warning", "\n".join(problems.mapped("error")))
        if not result.contacted and len(self) == 1:
            raise UserError(
                self.env._(
                    "Nothing to send to %(customer)s today: %(reason)s.",
                    customer=self.display_name,
                    reason=result.reasons.get(customers.id, self.env._("no follow-up step is due")),
                )
            )
        return self._collections_notification(
            "success", self.env._("%(count)s customer(s) contacted.", count=result.contacted)
        )

    def _collections_notification(self, kind, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"type": kind, "message": message, "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }

    def action_collections_preview(self):
        self._check_collections_access()
        return self.env["collections.preview"]._open_for(self.env.company, self.commercial_partner_id)

    def action_collections_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("collections_addon.collections_event_action")
        action["domain"] = [("partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.commercial_partner_id.id}
        return action

    def action_collections_statement(self):
        return self.env.ref("collections_addon.action_report_collections_statement").report_action(
            self.commercial_partner_id
        )

    def action_collections_statement_screen(self):
        return self.env.ref("collections_addon.action_report_collections_statement_html").report_action(
            self.commercial_partner_id
        )

    def action_collections_send_statement(self):
        """Odoo's composer with the statement template: the PDF is attached, the message posted in each chatter."""
        customers = self.commercial_partner_id
        template = self.env.ref("collections_addon.mail_template_collections_statement")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send Statement"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": "res.partner",
                "default_res_ids": customers.ids,
                "default_template_id": template.id,
                "default_composition_mode": "comment" if len(customers) == 1 else "mass_mail",
                "default_email_layout_xmlid": "mail.mail_notification_light",
            },
        }

    def _collections_statement_recipient_ids(self):
        """Who the statement template writes to: the customer's invoice contacts with an e-mail, else the
        customer (as the reminders). Comma-separated ids, for the template's *To (Partners)*."""
        self.ensure_one()
        customer = self.commercial_partner_id
        recipients = self.env["collections.runner"]._email_recipients(customer)[customer.id] or customer
        return ",".join(str(recipient.id) for recipient in recipients)

    def _check_collections_access(self):
        if not self.env.user.has_group("collections_addon.group_collections_user"):
            raise AccessError(self.env._("Only collectors and collections managers can run the follow-up."))
