from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import html2plaintext, plaintext2html

from ..engine import after_call, call_priority
from ..engine.calls import PAUSE_OUTCOMES, call_event_state, default_pause_until
from ..engine.receivable import CLAIMABLE_MOVE_TYPES, OPEN_PAYMENT_STATES
from ..models.collections_event import CALL_OUTCOME_SELECTION


class CollectionsCallLog(models.TransientModel):
    _name = "collections.call.log"
    _description = "Collections: log a call"

    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    event_id = fields.Many2one("collections.event", string="Planned Call", readonly=True)
    activity_id = fields.Many2one("mail.activity", string="Task", readonly=True)
    level_id = fields.Many2one("collections.level", string="Level", readonly=True)
    # The number to call: its collections contact's, else the customer's own (``_phone_recipients``).
    phone_partner_id = fields.Many2one("res.partner", string="Number Of", readonly=True)
    phone = fields.Char(related="phone_partner_id.phone")
    script_text = fields.Html(string="Script", readonly=True, sanitize=True)
    outcome = fields.Selection(CALL_OUTCOME_SELECTION)
    notes = fields.Text()
    duration = fields.Float(string="Duration (minutes)")
    pause_until = fields.Date(
        string="Promised Date",
        help="The day the customer will pay: the follow-up of the invoices waits until then plus the plan's grace "
        "days. Empty: one week.",
    )
    pause_reason = fields.Char(string="Reason")
    currency_id = fields.Many2one(related="company_id.currency_id")
    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        readonly=True,
        help="What the call is about: the invoices the script quotes, which a promise or a dispute covers.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue",
        readonly=True,
        help="What the customer is asked to pay now: its overdue invoices that are not disputed, promised or at "
        "the notary (those coming due when nothing is overdue).",
    )
    promise_amount = fields.Monetary(
        string="Promised Amount", help="What the customer promises to pay; it starts at what is overdue."
    )
    logged = fields.Boolean(readonly=True)

    @api.model
    def _action_open(self, partner=None, event=None, activity=None):
        if event:
            partner = event.partner_id
            activity = activity or event.activity_id
        if activity and not partner:
            partner = self.env["res.partner"].browse(activity.res_id)
        if not event and activity:
            event = self.env["collections.event"].search(
                [("activity_id", "=", activity.id), ("channel", "=", "call")], limit=1
            )
        company = event.company_id if event else self.env.company
        partner = partner.commercial_partner_id.with_company(company)
        if not event:
            event = self.env["collections.event"].search(
                [
                    ("partner_id", "=", partner.id),
                    ("company_id", "=", company.id),
                    ("channel", "=", "call"),
                    ("state", "=", "queued"),
                ],
                order="call_planned_at, id",
                limit=1,
            )
        level = event.level_id or partner.collections_due_level_id or partner.collections_level_id
        # Rendered now, from what is open now: never a text kept since the call was planned.
        invoices, overdue = self._call_invoices(partner, company)
        wizard = self.create(
            {
                "partner_id": partner.id,
                "phone_partner_id": self.env["collections.runner"]._phone_recipients(partner)[partner.id].id,
                "company_id": company.id,
                "event_id": event.id,
                "activity_id": (activity or event.activity_id).id,
                "level_id": level.id,
                "script_text": self._script_html(partner, company, level, event.variant_id),
                "move_ids": [Command.set(invoices.ids)],
                "overdue_amount": overdue,
                "promise_amount": overdue,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log call: %(customer)s", customer=partner.display_name),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "target": "new",
        }

    @api.model
    def _script_html(self, partner, company, level, variant=None):
        """The call script rendered now, with what the customer is asked to pay now: the script of the call's A/B
        test variant (else the customer's variant of the level), else the level's."""
        variant = variant or self.env["collections.level.variant"]._for_customer(level, partner.id)
        script = variant.call_script_id or level.call_script_id
        if not script or script.tone_state == "blocked":
            return False
        Script = self.env["collections.script"]
        if not Script._claimable_now(partner, company)[partner.id]:
            return Markup("<p><i>%s</i></p>") % self.env._(
                "Nothing to claim now: the open invoices of this customer are disputed, promised, at the notary "
                "or excluded from the follow-up."
            )
        values = Script._placeholder_values_for_partners(partner, company, self.env.user)
        return Markup(plaintext2html(script._render_body(values)[partner.id]))

    @api.model
    def _call_invoices(self, partner, company):
        """The invoices a promise or a dispute of the call is about, and what they owe overdue."""
        items = self.env["collections.script"]._claimable_now(partner, company)[partner.id]
        moves = self.env["account.move"].browse(list(dict.fromkeys(item.move_id for item in items)))
        invoices = moves.filtered(lambda move: move.move_type in CLAIMABLE_MOVE_TYPES)
        amount = sum(item.company_amount for item in items if item.move_id in invoices.ids)
        return invoices, company.currency_id.round(amount)

    def action_confirm(self):
        self.ensure_one()
        if self.logged:
            raise UserError(self.env._("This call is already logged: close the dialog."))
        if not self.outcome:
            raise UserError(self.env._("Choose the outcome of the call before logging it."))
        if self.duration < 0:
            raise UserError(self.env._("The duration of a call cannot be negative: enter the minutes it lasted."))
        self._check_targets()
        partner = self.partner_id.with_company(self.company_id)
        company = self.company_id
        Channel = self.env["collections.channel"]
        now = fields.Datetime.now()
        history = Channel._call_history(partner, company)[partner.id]
        policy = self.level_id.policy_id or partner._collections_policy(company)
        if not policy:
            raise UserError(
                self.env._(
                    "No collections plan applies to %(customer)s in %(company)s: choose a plan on the customer's "
                    "Collections tab, or make a plan the default one for its kind of customer.",
                    customer=partner.display_name,
                    company=company.name,
                )
            )
        if (
            self.pause_until
            and self.outcome in PAUSE_OUTCOMES
            and self.pause_until <= Channel._local_day(now, partner, company)
        ):
            raise UserError(
                self.env._(
                    "The pause date %(date)s is not after today: choose the promised payment date or the day "
                    "to look at the dispute again.",
                    date=self.pause_until,
                )
            )
        follow_up = after_call(
            self.outcome,
            now,
            Channel._call_rules(policy),
            history,
            tz=Channel._partner_tz(partner, company),
            pause_until=self.pause_until or None,
        )
        event = self._record_event(now)
        if self.activity_id.active:
            # sudo: the collector may log a call planned for a colleague (checked in _check_targets).
            activity = self.activity_id.sudo()
            # The chatter gets what happened on the call, not the task's note (a script or a pointer to it).
            activity.note = False
            activity.action_feedback(feedback=self._feedback_text())
        else:
            partner.message_post(body=self._feedback(), subtype_xmlid="mail.mt_note")
        self._apply_follow_up(follow_up, event)
        self.env["collections.runner"]._refresh_partners(partner, company)
        self.logged = True
        return {"type": "ir.actions.act_window_close"}

    def action_confirm_and_negotiate(self):
        """Log the call, then open a new agreement on the invoices it was about."""
        self.action_confirm()
        return self.env["collections.negotiation"]._action_new(self.partner_id, self._call_moves())

    def _check_targets(self):
        """The wizard's records come from the client: they must be this customer's call and task."""
        partner = self.partner_id.commercial_partner_id
        if self.company_id not in self.env.companies:
            raise UserError(
                self.env._("Switch to the company %(company)s to log this call.", company=self.company_id.name)
            )
        partner.check_access("write")
        event = self.event_id
        if event and (event.channel != "call" or event.partner_id != partner or event.company_id != self.company_id):
            raise UserError(self.env._("Only a planned call of this customer can be logged here."))
        event.check_access("read")
        activity = self.activity_id
        if activity and (activity.res_model != "res.partner" or activity.res_id not in (partner | self.partner_id).ids):
            raise UserError(self.env._("Only a task of this customer can be closed by logging a call."))
        activity.check_access("read")

    def _record_event(self, now):
        vals = {
            "outcome": self.outcome,
            "notes": self.notes,
            "duration": self.duration,
            "called_at": now,
            "user_id": self.env.user.id,
            "state": call_event_state(self.outcome),
            "error": False,
            # The script as the collector had it on screen for this call.
            "body": html2plaintext(self.script_text) if self.script_text else False,
        }
        # sudo: the event log is written by the follow-up only; logging a call is one of its steps.
        if self.event_id and self.event_id.state == "queued":
            self.event_id.sudo().write(vals)
            return self.event_id
        partner = self.partner_id
        moves = partner.with_company(self.company_id).collections_open_move_ids
        return (
            self.env["collections.event"]
            .sudo()
            .create(
                {
                    **vals,
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "level_id": self.level_id.id,
                    "channel": "call",
                    "manual": True,
                    "move_ids": [Command.set(moves.ids)],
                    "amount_due": partner.with_company(self.company_id).collections_overdue_amount,
                    "recipient": self.phone or partner.phone or False,
                }
            )
        )

    def _feedback_text(self):
        """The outcome, the duration and the notes of the call, as plain text lines."""
        labels = dict(CALL_OUTCOME_SELECTION)
        outcome = dict(self._fields["outcome"]._description_selection(self.env)).get(self.outcome, labels[self.outcome])
        parts = [self.env._("Collections call: %(outcome)s", outcome=outcome)]
        if self.duration:
            parts.append(self.env._("%(minutes)s min", minutes=round(self.duration, 1)))
        return "\n".join([" · ".join(parts), *([self.notes] if self.notes else [])])

    def _feedback(self):
        return plaintext2html(self._feedback_text())

    def _apply_follow_up(self, follow_up, event):
        partner = self.partner_id.with_company(self.company_id)
        Channel = self.env["collections.channel"]
        if follow_up.action == "retry":
            note = self.env._(
                "Previous attempt: %(outcome)s.",
                outcome=dict(self._fields["outcome"]._description_selection(self.env))[self.outcome],
            )
            if follow_up.retry_at is None:
                note += " " + self.env._(
                    "No allowed call slot in the coming weeks (call windows, holidays or the call limit)."
                )
            new_event = Channel._create_call(
                event,
                follow_up.retry_at,
                Markup("<p>%s</p>") % note
                + Channel._call_script_pointer(
                    self.level_id, self.event_id.variant_id.call_script_id or self.level_id.call_script_id
                ),
                self.env._("Collections call: try again"),
            )
            new_event.priority = call_priority(new_event.amount_due, partner.collections_days_late)
        elif follow_up.action == "flag_phone":
            # The wrong number is its owner's: the collections contact called, else the customer.
            (self.phone_partner_id or partner).sudo().collections_phone_invalid = True
            # sudo: the task goes to the customer's collector, who may not be the user logging the call.
            self.env["mail.activity"].sudo().create(
                {
                    "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                    "res_id": partner.id,
                    "activity_type_id": self.env.ref("mail.mail_activity_data_todo").id,
                    "summary": self.env._("Wrong phone number: find the right one"),
                    "user_id": partner.collections_responsible_id.id or self.env.user.id,
                    "date_deadline": self.company_id._collections_today(),
                }
            )
        elif follow_up.action == "pause" and follow_up.reason == "promise":
            moves = self._call_moves()
            self.env["collections.promise"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(moves.ids)],
                    "amount": self.promise_amount or self.overdue_amount,
                    "date": follow_up.pause_until,
                    "source": "call",
                    "note": self.pause_reason or self.notes or False,
                }
            )
        elif follow_up.action == "pause":
            self.env["collections.dispute"].create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_id.id,
                    "move_ids": [Command.set(self._call_moves().ids)],
                    "reason": self.pause_reason or self.notes or self.env._("Disputed on a call."),
                    "source": "call",
                }
            )

    def _call_moves(self):
        """The invoices the call was about: those the script quoted, while they are open."""
        moves = self.move_ids.filtered(lambda move: move.payment_state in OPEN_PAYMENT_STATES)
        if not moves and self.outcome == "dispute":
            # A customer may dispute an invoice it had promised to pay: its open invoices not disputed yet.
            partner = self.partner_id.commercial_partner_id.with_company(self.company_id)
            disputes = self.env["collections.dispute"].search(
                [("partner_id", "=", partner.id), ("company_id", "=", self.company_id.id), ("state", "=", "open")]
            )
            moves = (
                partner.collections_open_move_ids.filtered(lambda move: move.move_type in CLAIMABLE_MOVE_TYPES)
                - disputes.move_ids
            )
        if not moves:
            raise UserError(
                self.env._(
                    "This customer has no open invoice to promise or dispute: its invoices are paid, or already "
                    "disputed, promised, at the notary or excluded from the follow-up."
                )
            )
        return moves

    @api.onchange("outcome")
    def _onchange_outcome(self):
        if self.outcome == "promise" and not self.pause_until:
            self.pause_until = default_pause_until((self.company_id or self.env.company)._collections_today())
        if self.outcome != "promise":
            self.pause_until = False
