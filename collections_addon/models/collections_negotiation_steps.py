from markupsafe import Markup

from odoo import models
from odoo.exceptions import UserError

from ..engine import AGREEMENT_STEPS


class CollectionsNegotiation(models.Model):
    """The agreement's steps in the office: propose, approve or refuse beyond the limits, back to draft, cancel.

    Each step asks the engine's table (``AGREEMENT_STEPS``) whether it may start from the agreement's state, and
    writes the state the table leads to.
    """

    _inherit = "collections.negotiation"

    # ------------------------------------------------------------------
    # The table
    # ------------------------------------------------------------------

    def _check_step(self, action):
        for negotiation in self:
            if AGREEMENT_STEPS.problem(action, negotiation.state):
                raise UserError(negotiation._step_refusal(action))

    def _step_refusal(self, action):
        """Why ``action`` is refused in the agreement's state, in the words of its button."""
        if action in ("approve", "refuse"):
            return self.env._("Only an agreement waiting for approval can be approved or refused.")
        return {
            "compute": lambda: self.env._("Only a draft agreement can be recomputed: reset it to draft first."),
            "propose": lambda: self.env._("Only a draft agreement can be proposed."),
            "send": lambda: self.env._("Send the agreement once it is proposed (approved if beyond the limits)."),
            "accept": lambda: self.env._("Only a proposed agreement can be accepted."),
            "decline": lambda: self.env._("Only a proposed agreement can be declined."),
            "reset": lambda: self.env._("Only a proposed, waiting or cancelled agreement can go back to draft."),
            "cancel": lambda: self.env._("A settled or cancelled agreement cannot be cancelled."),
        }[action]()

    def _step(self, action, vals=None):
        """Take ``action`` (checked by the caller): the state the table leads to, with ``vals``."""
        self.ensure_one()
        self._internal_write({**(vals or {}), "state": AGREEMENT_STEPS.target(action, self.state)})

    # ------------------------------------------------------------------
    # Proposal and approval
    # ------------------------------------------------------------------

    def action_propose(self):
        """Within the plan's limits the agreement is proposed to the customer; beyond them a manager decides."""
        for negotiation in self:
            negotiation._check_step("propose")
            if not negotiation.policy_id:
                raise UserError(
                    self.env._(
                        "No collections plan applies to %(customer)s: choose the plan whose limits apply.",
                        customer=negotiation.partner_id.display_name,
                    )
                )
            # Proposed means it may be e-mailed and accepted online at once: the accounting must be ready for it.
            negotiation._accounting_setup()
            negotiation.action_compute_schedule()
            violations = negotiation._violations()
            if violations:
                text = negotiation._violation_text(violations)
                negotiation._step("submit", {"limit_report": text})
                negotiation._ask_approval(text)
            else:
                negotiation._step("propose", {"limit_report": False})
                negotiation.message_post(body=self.env._("Agreement proposed to the customer."))
        return True

    def _ask_approval(self, text):
        # sudo: a collector asks every manager of the company, whose other companies (and their notification
        # settings) the collector may not read; the tasks only point at this agreement.
        managers = (
            self.env.ref("collections_addon.group_collections_manager")
            .sudo()
            .all_user_ids.filtered(lambda user: not user.share and user.active and self.company_id in user.company_ids)
        )
        agreement = self.sudo()
        for manager in managers:
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=self.env._("Approve agreement %(name)s", name=self.name),
                note=Markup("<p>%s</p>") % self.env._("Beyond the plan's limits: %(limits)s", limits=text),
                user_id=manager.id,
            )
        self.message_post(
            body=self.env._("Beyond the plan's limits (%(limits)s): sent to a manager for approval.", limits=text)
        )

    def _check_manager(self):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise UserError(
                self.env._("Only a collections manager can approve or refuse an agreement beyond the limits.")
            )

    def _decide(self, approve, reason):
        self._check_manager()
        if not (reason or "").strip():
            raise UserError(self.env._("Give the reason of your decision."))
        for negotiation in self:
            negotiation._check_step("approve" if approve else "refuse")
            negotiation.activity_ids.filtered(
                lambda activity: activity.activity_type_id.category != "upload"
            ).action_feedback(feedback=reason)
            if approve:
                negotiation._step(
                    "approve",
                    {
                        "decision_reason": reason.strip(),
                        "approved_by_id": self.env.user.id,
                        "approved_digest": negotiation._terms_digest(),
                    },
                )
                negotiation.message_post(body=self.env._("Approved by %(user)s.", user=self.env.user.name))
            else:
                negotiation._step("refuse", {"decision_reason": reason.strip()})
                negotiation.message_post(body=self.env._("Refused by %(user)s.", user=self.env.user.name))

    def action_open_decision(self):
        self.ensure_one()
        self._check_manager()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Approve or refuse"),
            "res_model": "collections.negotiation.decision",
            "view_mode": "form",
            "target": "new",
            "context": {"default_negotiation_id": self.id},
        }

    # ------------------------------------------------------------------
    # Back to draft, cancel
    # ------------------------------------------------------------------

    def action_draft(self):
        for negotiation in self:
            negotiation._check_step("reset")
            negotiation._step("reset", {"limit_report": False, "approved_by_id": False, "approved_digest": False})
        return True

    def action_cancel(self):
        for negotiation in self:
            negotiation._check_step("cancel")
            if negotiation.move_id:
                paid = negotiation.installment_ids.filtered(lambda installment: installment.payment_state != "open")
                if paid:
                    raise UserError(
                        self.env._(
                            "Instalments %(numbers)s already received payments: unreconcile those payments from the "
                            "instalments first, then cancel the agreement.",
                            numbers=", ".join(str(number) for number in paid.mapped("sequence")),
                        )
                    )
                negotiation._reverse_entry()
            negotiation._step("cancel")
            negotiation.message_post(body=self.env._("Agreement cancelled."))
        return True
