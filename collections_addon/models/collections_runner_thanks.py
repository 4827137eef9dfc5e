"""Thanking paid customers in the follow-up run: once the last overdue item of a reminded customer is paid.

The rule is the engine's (``engine.thanks_due``): a customer who reached a follow-up level and has nothing
overdue anymore is thanked once per episode (``collections_thanked_date`` on or after its last contact says
it was). The plan's thank-you e-mail goes out when it has one, and the contacts still waiting (calls,
WhatsApp messages, letters) are cancelled in any case.
"""

from odoo import Command, models

from ..engine import thanks_due


class CollectionsRunner(models.AbstractModel):
    _inherit = "collections.runner"

    def _thank_paid_customers(self, company, today, decisions):
        """Thank the customers of the batch who paid what they were reminded of; returns them."""
        paid = self.env["res.partner"]
        to_thank = []
        for decision in decisions:
            partner = decision.partner
            level = partner.collections_level_id
            if thanks_due(
                today,
                decision.lines,
                reminded_days=level.days if level else None,
                last_contact=partner.collections_last_date or None,
                thanked=partner.collections_thanked_date or None,
                # An agreement under way replaced the invoices: its customer did not pay them.
                agreement_running=decision.engine.resting_status == "agreement",
            ):
                paid |= partner
                if decision.policy.thanks_template_id and decision.recipients:
                    to_thank.append(decision)
        if not paid:
            return paid
        self.env["collections.event"]._cancel_pending(
            paid, company, self.env._("The customer paid what was overdue: this contact is no longer needed.")
        )
        for decision in to_thank:
            # sudo: the job's user may not read mail templates; the plan chose this one. To the customer's
            # invoice contacts that did not opt out, as its reminders went.
            decision.policy.thanks_template_id.sudo().with_company(company).send_mail(
                decision.partner.id, email_values={"recipient_ids": [Command.set(decision.recipients.ids)]}
            )
        # sudo: the follow-up's own bookkeeping on the customer.
        paid.sudo().with_company(company).write({"collections_thanked_date": today})
        return paid
