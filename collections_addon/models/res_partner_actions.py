from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command

from ..engine.promise import DISPUTE_PAUSING_STATES, PROMISE_PAUSING_STATES
from ..engine.receivable import CLAIMABLE_MOVE_TYPES


class ResPartner(models.Model):
    """The customer's collection buttons: negotiate, promise, dispute, log a call, send, statement."""

    _inherit = "res.partner"

    def action_collections_negotiate(self):
        self.ensure_one()
        return self.env["collections.negotiation"]._action_new(self)

    def _collections_promisable_moves(self):
        """The customer's open invoices a promise may cover: not disputed, not in an agreement under way."""
        self.ensure_one()
        partner = self.commercial_partner_id.with_company(self.env.company)
        moves = partner.collections_open_move_ids.filtered(lambda move: move.move_type in CLAIMABLE_MOVE_TYPES)
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
            lambda move: move.move_type in CLAIMABLE_MOVE_TYPES
        )
        # The invoices nothing else is about yet: a collector adds others if the customer disputes them too.
        # sudo: whether an invoice is disputed or promised, not the details.
        busy = (
            self.env["collections.dispute"]
            .sudo()
            .search([("state", "in", DISPUTE_PAUSING_STATES), ("move_ids", "in", invoices.ids)])
        ).move_ids | (
            self.env["collections.promise"]
            .sudo()
            .search([("state", "in", PROMISE_PAUSING_STATES), ("move_ids", "in", invoices.ids)])
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

    def action_collections_book_charges(self):
        """Book the late charges the customer's latest payment with a leftover collected (one interest invoice)."""
        self.ensure_one()
        return self.env["collections.book.charges"]._open_for(self)

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
                ("date", "=", self.env.company._collections_today()),
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
        return self.env["mail.compose.message"]._collections_dialog(
            customers,
            "collections_addon.mail_template_collections_statement",
            self.env._("Send Statement"),
            mode="comment" if len(customers) == 1 else "mass_mail",
            default_email_layout_xmlid="mail.mail_notification_light",
        )

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
