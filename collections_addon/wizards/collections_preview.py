from odoo import api, fields, models
from odoo.exceptions import AccessError

# The channels that use the customer's number (its collections contact's, else its own).
_PHONE_CHANNELS = {"sms", "whatsapp", "call"}


class CollectionsPreview(models.TransientModel):
    _name = "collections.preview"
    _description = "Collections: preview of the next run"

    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    date = fields.Date(required=True)
    line_ids = fields.One2many("collections.preview.line", "preview_id", string="What the run would do")
    contact_count = fields.Integer(compute="_compute_counts")
    skip_count = fields.Integer(compute="_compute_counts")
    # Stale bank data: the run would send nothing automatically (see res_company_bank.py).
    bank_warning = fields.Char(readonly=True)

    @api.depends("date")
    def _compute_display_name(self):
        for preview in self:
            preview.display_name = self.env._("Follow-up preview")

    @api.depends("line_ids.action")
    def _compute_counts(self):
        for preview in self:
            preview.contact_count = len(preview.line_ids.filtered(lambda line: line.action != "skip"))
            preview.skip_count = len(preview.line_ids) - preview.contact_count

    @api.model
    def _open_for(self, company, partners=None):
        """A dry run: exactly what the follow-up would do now, without doing any of it."""
        runner = self.env["collections.runner"]
        result = runner._run(company, partners=partners, dry_run=True)
        channel_labels = dict(self.env["collections.event"]._fields["channel"]._description_selection(self.env))
        Channel = self.env["collections.channel"]
        lines = []
        for decision in result.decisions:
            engine = decision.engine
            if engine.action == "none":
                continue
            if result.bank_holds(engine):
                action, reason = "skip", self.env._("bank data is stale: import and reconcile the bank statement")
            elif engine.action == "contact" and engine.auto_execute:
                action, reason = "contact", ""
            elif engine.action == "contact":
                action, reason = "worklist", self.env._("manual step: the collector decides")
            else:
                action, reason = "skip", runner._reason_label(engine.reason)
            band_note = runner._band_note(decision)
            if band_note:
                reason = f"{band_note}; {reason}" if reason else band_note
            lines.append(
                {
                    "partner_id": decision.partner.id,
                    "level_id": engine.level.id if engine.level else False,
                    "action": action,
                    "channels": ", ".join(channel_labels[channel] for channel in engine.channels),
                    "missing": ", ".join(channel_labels[channel] for channel in engine.missing_channels),
                    "reason": reason,
                    "recipients": "; ".join(decision.recipients._collections_recipient_labels(decision.partner))
                    if "email" in engine.channels
                    else False,
                    "phone_recipient": Channel._phone_recipient(decision)._collections_phone_label(decision.partner)
                    if set(engine.channels) & _PHONE_CHANNELS
                    else False,
                    "catch_up": runner._catch_up_note(decision),
                    "amount": engine.claimed_company,
                    "invoice_count": len(engine.move_ids),
                    "days_late": engine.max_days_late,
                    "next_date": engine.next_date or False,
                }
            )
        preview = self.create(
            {
                "company_id": company.id,
                "date": company._collections_today(),
                "bank_warning": result.bank_warning or False,
                "line_ids": [fields.Command.create(vals) for vals in lines],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of the follow-up run"),
            "res_model": self._name,
            "res_id": preview.id,
            "view_mode": "form",
            "target": "current" if partners is None else "new",
        }

    @api.model
    def _action_run_now(self):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise AccessError(self.env._("Only collections managers can start the follow-up run."))
        result = self.env["collections.runner"]._run(self.env.company)
        if result.busy:
            notification = {
                "type": "warning",
                "message": self.env._(
                    "A follow-up run for this company is already in progress; try again when it has finished."
                ),
            }
        else:
            notification = {
                "type": "success",
                "message": self.env._(
                    "Follow-up run done: %(contacted)s customer(s) contacted, %(skipped)s held back, "
                    "%(failed)s failed.",
                    contacted=result.contacted,
                    skipped=result.skipped,
                    failed=result.failed,
                ),
            }
        return {"type": "ir.actions.client", "tag": "display_notification", "params": {"sticky": False, **notification}}

    def action_run_now(self):
        return self._action_run_now()
