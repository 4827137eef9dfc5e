import logging

from odoo import api, models

from ..engine import AGREEMENT_STEPS, plan_status, to_decimal

_logger = logging.getLogger(__name__)


class CollectionsNegotiation(models.Model):
    """The daily job: an agreement is done when every instalment is paid, broken when one is late past the plan's
    grace days (``engine.plan_status``), on the company's business day."""

    _inherit = "collections.negotiation"

    @api.model
    def _cron_check_agreements(self):
        """Done when every instalment is paid (a broken one too), broken when one is late past the grace days."""
        for negotiation in self.search([("state", "in", AGREEMENT_STEPS.sources("fulfil"))]):
            if not negotiation.installment_ids:
                continue
            try:
                with self.env.cr.savepoint():
                    status = plan_status(
                        [
                            (installment.date, to_decimal(installment.amount_residual))
                            for installment in negotiation.installment_ids
                        ],
                        negotiation.company_id._collections_today(),
                        negotiation.policy_id.installment_grace_days,
                    )
                    if status == "done":
                        negotiation._step("fulfil")
                        negotiation.message_post(body=self.env._("Every instalment is paid: agreement fulfilled."))
                    elif status == "broken" and AGREEMENT_STEPS.allows("break", negotiation.state):
                        negotiation._mark_broken()
            except Exception:
                _logger.exception("Collections: checking agreement %s failed", negotiation.id)

    def _mark_broken(self):
        self.ensure_one()
        self._step("break")
        self.message_post(
            body=self.env._(
                "An instalment is unpaid past the grace period: agreement broken. The follow-up goes on with what is "
                "still open."
            )
        )
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=self.env._("Agreement %(name)s broken", name=self.name),
            user_id=self.user_id.id or self.env.user.id,
        )
