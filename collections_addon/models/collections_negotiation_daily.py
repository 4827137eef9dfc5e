from odoo import api, models

from ..engine import AGREEMENT_STEPS, plan_status, to_decimal


class CollectionsNegotiation(models.Model):
    """The daily job: an agreement is done when every instalment is paid, broken when one is late past the plan's
    grace days (``engine.plan_status``), on the company's business day."""

    _inherit = "collections.negotiation"

    @api.model
    def _cron_check_agreements(self):
        """Done when every instalment is paid (a broken one too), broken when one is late past the grace days.

        The batch in one savepoint, in a few queries; when an agreement fails, each one in its own savepoint."""
        negotiations = self.search([("state", "in", AGREEMENT_STEPS.sources("fulfil"))]).filtered("installment_ids")
        self.env["collections.batch"]._in_savepoints(negotiations, self._check_agreements, "checking agreements")

    @api.model
    def _check_agreements(self, negotiations):
        today = {company: company._collections_today() for company in negotiations.company_id}
        status = {
            negotiation: plan_status(
                [
                    (installment.date, to_decimal(installment.amount_residual))
                    for installment in negotiation.installment_ids
                ],
                today[negotiation.company_id],
                negotiation.policy_id.installment_grace_days,
            )
            for negotiation in negotiations
        }
        done = negotiations.filtered(lambda negotiation: status[negotiation] == "done")
        for state, group in done.grouped("state").items():
            group._steps("fulfil", state)
        self.env["collections.batch"]._log_notes(
            [(negotiation, self.env._("Every instalment is paid: agreement fulfilled.")) for negotiation in done]
        )
        negotiations.filtered(
            lambda negotiation: status[negotiation] == "broken" and AGREEMENT_STEPS.allows("break", negotiation.state)
        )._mark_broken()

    def _steps(self, action, state):
        """Take ``action`` on these agreements, all in ``state`` (checked by the caller), in one write."""
        self._internal_write({"state": AGREEMENT_STEPS.target(action, state)})

    def _mark_broken(self):
        if not self:
            return
        for state, group in self.grouped("state").items():
            group._steps("break", state)
        Batch = self.env["collections.batch"]
        message = self.env._(
            "An instalment is unpaid past the grace period: agreement broken. The follow-up goes on with what is "
            "still open."
        )
        Batch._log_notes([(negotiation, message) for negotiation in self])
        Batch._schedule_activities(
            [
                (
                    negotiation,
                    "mail.mail_activity_data_todo",
                    {
                        "summary": self.env._("Agreement %(name)s broken", name=negotiation.name),
                        "user_id": negotiation.user_id.id or self.env.user.id,
                    },
                )
                for negotiation in self
            ]
        )
