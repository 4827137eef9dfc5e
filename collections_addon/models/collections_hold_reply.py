"""A customer's reply holds its automatic steps: the ``reply`` hold, its collector task, *Mark Handled*.

An inbound e-mail (``mail_thread_reply.py``) or WhatsApp text (``collections_whatsapp_reply.py``) of the
customer opens one ``reply`` hold on the customer in that company, customer-wide and without an end date:
the run skips the customer (``collections_runner_decide.py``) until the collector marks the reply handled
(the button, or the task marked done), or until the end date the collector may set. A second reply while the
hold is active adds to it (its reason, its text and the task's note) rather than opening another. Resuming
re-sends nothing: each invoice keeps the level it reached (``engine/holds.py``). The optional suggestion
(promise, dispute, already paid) is in ``collections_hold_suggestion.py``.
"""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import reply_preview
from ..engine.holds import reply_hold_end

REPLY_CHANNEL_SELECTION = [("email", "E-mail"), ("whatsapp", "WhatsApp")]
# The task's title carries the reply's first line, cut to what an activity list shows.
SUMMARY_CHARS = 80


class CollectionsHold(models.Model):
    _inherit = "collections.hold"

    reply_channel = fields.Selection(REPLY_CHANNEL_SELECTION, string="Replied By", readonly=True)
    reply_text = fields.Text(
        string="What the Customer Wrote", readonly=True, help="The first lines of the reply (all replies, latest last)."
    )
    reply_count = fields.Integer(string="Replies", default=0, readonly=True)
    activity_id = fields.Many2one(
        "mail.activity", string="Task", readonly=True, ondelete="set null", index="btree_not_null", copy=False
    )

    # One reply hold per customer and company at a time: a second reply adds to the first.
    _one_active_reply = models.UniqueIndex(
        "(partner_id, company_id) WHERE state = 'active' AND kind = 'reply'",
        "A customer has one reply hold at a time: the next reply adds to it.",
    )

    # ------------------------------------------------------------------
    # A reply arrives
    # ------------------------------------------------------------------

    @api.model
    def _collections_on_reply(self, partner, company, text, channel, message=None):
        """The customer ``partner`` replied in ``company``: open its reply hold, or add to the active one.

        ``text`` is the reply as plain text, ``message`` the chatter message that holds it (if any). The
        queued contacts are cancelled, the collector gets a task and the customer's status is refreshed.
        Returns the hold.
        """
        customer = partner.commercial_partner_id
        preview = reply_preview(text or "") or self.env._("(no text)")
        first_line = reply_preview(text or "", lines=1, max_chars=SUMMARY_CHARS) or preview
        reason = self.env._("Customer replied: %(line)s", line=first_line)
        # sudo: a reply arrives through Odoo's mail gateway or the public WhatsApp webhook, not as a collector.
        Hold = self.sudo().with_company(company)
        hold = Hold.search(
            [
                ("partner_id", "=", customer.id),
                ("company_id", "=", company.id),
                ("kind", "=", "reply"),
                ("state", "=", "active"),
            ],
            limit=1,
        )
        vals = {"reason": reason, "reply_channel": channel}
        if message:
            vals["message_id"] = message.id
        # Each reply holds the reminders for the company's days from that reply (none: until handled).
        end = reply_hold_end(company._collections_today(), company.collections_reply_hold_days)
        if end and not (hold and (not hold.date_end or hold.date_end >= end)):
            vals["date_end"] = end
        if hold:
            vals["reply_text"] = f"{hold.reply_text}\n\n{preview}" if hold.reply_text else preview
            vals["reply_count"] = hold.reply_count + 1
            hold.write(vals)
        else:
            hold = Hold.create(
                {
                    **vals,
                    "partner_id": customer.id,
                    "company_id": company.id,
                    "kind": "reply",
                    "user_id": False,
                    "date_start": company._collections_today(),
                    "reply_text": preview,
                    "reply_count": 1,
                }
            )
        hold._collections_suggest(text or "")
        hold._collections_reply_task(first_line, preview)
        self.env["collections.event"]._cancel_pending(
            customer, company, self.env._("Cancelled: the customer replied; the collector handles the reply.")
        )
        # sudo: the status is the follow-up's own bookkeeping, whoever (or whatever gateway) brought the reply.
        self.env["collections.runner"].sudo()._refresh_partners(customer, company)
        return hold

    def _collections_collector(self):
        """Who handles the reply: the customer's collector in the hold's company, else its plan's collector."""
        self.ensure_one()
        partner = self.partner_id.with_company(self.company_id)
        return partner.collections_responsible_id or partner._collections_policy(self.company_id).responsible_id

    def _collections_task_note(self, preview):
        lines = [Markup("<p>%s</p>") % Markup("<br/>").join(preview.splitlines())]
        suggestion = self._collections_suggestion_text()
        if suggestion:
            lines.append(Markup("<p><em>%s</em></p>") % suggestion)
        lines.append(
            Markup("<p>%s</p>")
            % self.env._(
                "Reminders to this customer wait until you mark the reply handled (mark this task done, or Mark "
                "Handled on the hold under Collections > Holds)."
            )
        )
        return Markup("").join(lines)

    def _collections_reply_task(self, first_line, preview):
        """The collector's To-Do on the customer: a new one, or the open one with the new reply added."""
        self.ensure_one()
        summary = self.env._("Customer replied: %(line)s", line=first_line)
        task = self.activity_id.exists()
        if task:
            added = Markup("<hr/>") + self._collections_task_note(preview)
            task.write({"summary": summary, "note": (task.note or Markup()) + added})
            return task
        collector = self._collections_collector()
        # sudo: the task goes to the collector, whoever (or whatever gateway) brought the reply.
        task = self.partner_id.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.company_id._collections_today(),
            summary=summary,
            note=self._collections_task_note(preview),
            user_id=collector.id or self.env.ref("base.user_root").id,
        )
        self.activity_id = task
        return task

    # ------------------------------------------------------------------
    # The collector handles it
    # ------------------------------------------------------------------

    def action_mark_handled(self):
        """The collector dealt with the reply: the hold ends and the follow-up resumes where it was."""
        replies = self.filtered(lambda hold: hold.kind == "reply")
        if not replies or replies.filtered(lambda hold: hold.state != "active"):
            raise UserError(self.env._("Only an active reply hold can be marked handled."))
        replies._collections_handled(self.env.user)
        return True

    def _collections_handled(self, user, close_task=True):
        """End these reply holds as handled by ``user``; close their task; refresh the customers' status."""
        ended = self._end(self.env._("Handled by %(user)s", user=user.name), user=user)
        tasks = ended.activity_id.exists().filtered("active")
        if close_task and tasks:
            # sudo: the task may be another collector's; the hold is what was handled.
            tasks.sudo().with_context(collections_reply_handled=True).action_feedback(
                feedback=self.env._("Reply handled by %(user)s", user=user.name)
            )
        self.env["collections.runner"]._refresh_for(ended)
        return ended

    def action_lift(self):
        replies = self.filtered(lambda hold: hold.kind == "reply" and hold.state == "active")
        if replies and replies == self:
            return self.action_mark_handled()
        return super().action_lift()

    @api.model
    def _collections_replies_of(self, activities):
        """The active reply holds whose task is one of ``activities``."""
        # sudo: whoever marks a task done handles the reply, whatever the hold's rules let them read.
        return self.sudo().search(
            [("activity_id", "in", activities.ids), ("kind", "=", "reply"), ("state", "=", "active")]
        )
