"""Money around a protest: the payment at the notary (and the fees it retained), whether the title is paid,
the costs paid to the notary and their re-billing to the customer."""

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Command


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"

    cost_ids = fields.One2many("collections.protest.cost", "protest_id", string="Costs")
    cost_creditor = fields.Monetary(
        string="Costs Paid by Us", compute="_compute_costs", store=True, currency_field="currency_id"
    )
    cost_debtor = fields.Monetary(
        string="Costs Paid by the Debtor", compute="_compute_costs", store=True, currency_field="currency_id"
    )
    cost_to_rebill = fields.Monetary(
        string="Costs to Re-bill", compute="_compute_costs", store=True, currency_field="currency_id"
    )

    @api.depends("cost_ids.amount", "cost_ids.paid_by", "cost_ids.rebill_move_id.state")
    def _compute_costs(self):
        # A new protest has no costs: set at once for all of them (a run proposes thousands).
        without_costs = self.filtered(lambda protest: not protest.cost_ids)
        without_costs.cost_creditor = without_costs.cost_debtor = without_costs.cost_to_rebill = 0.0
        for protest in self - without_costs:
            creditor = protest.cost_ids.filtered(lambda cost: cost.paid_by == "creditor")
            protest.cost_creditor = sum(creditor.mapped("amount"))
            protest.cost_debtor = sum((protest.cost_ids - creditor).mapped("amount"))
            protest.cost_to_rebill = sum(creditor.filtered(lambda cost: not cost._is_rebilled()).mapped("amount"))

    # ------------------------------------------------------------------
    # Payment at the notary
    # ------------------------------------------------------------------

    def _step_pay(self, when, values):
        received = values.get("amount_received") or 0.0
        retained = values.get("retained_costs") or 0.0
        currency = self.currency_id
        if currency.compare_amounts(received, 0) <= 0 or currency.compare_amounts(retained, 0) < 0:
            raise UserError(
                self.env._(
                    "Enter the amount the notary passed on (above zero) and the fees it retained (zero or more)."
                )
            )
        residual = self._open_amount()
        if currency.compare_amounts(received + retained, residual):
            raise UserError(
                self.env._(
                    "The notary passed on %(received)s and retained %(retained)s, together %(total)s, but %(invoice)s "
                    "has %(residual)s open: the debtor pays the whole title at the notary. Check the amounts.",
                    received=currency.format(received),
                    retained=currency.format(retained),
                    total=currency.format(received + retained),
                    invoice=self.title_number or self.move_id.name,
                    residual=currency.format(residual),
                )
            )
        payment = self._register_notary_payment(when, received, retained, values.get("journal_id"))
        if currency.compare_amounts(retained, 0) > 0:
            self.env["collections.protest.cost"]._internal_create(
                {
                    "protest_id": self.id,
                    "date": when,
                    "name": self.env._("Fees retained by the notary"),
                    "amount": retained,
                    "paid_by": "creditor",
                    "retained": True,
                }
            )
        return {"paid_date": when, "payment_id": payment.id}

    def _register_notary_payment(self, when, received, retained, journal_id):
        """Pay the invoice with what the notary passed on; its retained fees close the rest as a cost."""
        journal = self.env["account.journal"].browse(journal_id) or self.company_id.collections_protest_journal_id
        if not journal or journal.type not in ("bank", "cash") or journal.company_id != self.company_id:
            raise UserError(
                self.env._(
                    "Choose the bank or cash journal of %(company)s where the notary's transfer arrived (default in "
                    "Collections > Configuration > Settings > Notary protest).",
                    company=self.company_id.name,
                )
            )
        write_off = {}
        if self.currency_id.compare_amounts(retained, 0) > 0:
            account = self.company_id.collections_protest_cost_account_id
            if not account:
                raise UserError(
                    self.env._(
                        "The notary retained fees but %(company)s has no account for protest costs: set it in "
                        "Collections > Configuration > Settings > Notary protest.",
                        company=self.company_id.name,
                    )
                )
            write_off = {
                "payment_difference_handling": "reconcile",
                "writeoff_account_id": account.id,
                "writeoff_label": self.env._("Notary fees retained: %(protest)s", protest=self.name),
            }
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move.line", active_ids=self.move_line_id.ids)
            .create(
                {
                    "payment_date": when,
                    "journal_id": journal.id,
                    # The amounts are the invoice's: a journal in another currency must not reread them.
                    "currency_id": self.currency_id.id,
                    "amount": received,
                    "communication": self.env._(
                        "Paid at the notary: %(protest)s, protocol %(protocol)s",
                        protest=self.name,
                        protocol=self.protocol_number,
                    ),
                    **write_off,
                }
            )
        )
        return wizard._create_payments()

    def _open_amount(self):
        """What the protested receivable still owes, in the invoice's currency."""
        line = self.move_line_id
        return 0.0 if line.reconciled else line.amount_residual_currency

    def _is_paid(self):
        # A protest whose receivable is gone (its invoice was reset and rebuilt) is not "paid".
        return bool(self.move_line_id) and self.currency_id.is_zero(self._open_amount())

    # ------------------------------------------------------------------
    # Costs
    # ------------------------------------------------------------------

    def _log_costs(self, costs, title):
        for protest in self:
            lines = [
                self.env._(
                    "%(description)s: %(amount)s, paid by %(who)s",
                    description=cost.name,
                    amount=cost.currency_id.format(cost.amount),
                    who=dict(cost._fields["paid_by"]._description_selection(self.env)).get(cost.paid_by),
                )
                for cost in costs.filtered(lambda cost, protest=protest: cost.protest_id == protest)
            ]
            if lines:
                protest.message_post(body=Markup("<br/>").join([title, *lines]))

    def action_rebill_costs(self):
        """A draft customer invoice for the fees we paid and did not re-bill yet."""
        self.ensure_one()
        costs = self.cost_ids.filtered(lambda cost: cost.paid_by == "creditor" and not cost._is_rebilled())
        if not costs:
            raise UserError(
                self.env._("There is no cost paid by us left to re-bill: add the notary's fees under Costs first.")
            )
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.partner_id.id,
                "company_id": self.company_id.id,
                "currency_id": self.currency_id.id,
                "invoice_origin": self.name or self.title_number,
                "ref": self.env._("Protest costs %(protest)s", protest=self.name or self.display_name),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": self.env._(
                                "%(description)s (protest %(protest)s of %(invoice)s)",
                                description=cost.name,
                                protest=self.name or self.env._("draft"),
                                invoice=self.move_id.name,
                            ),
                            "quantity": 1,
                            "price_unit": cost.amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for cost in costs
                ],
            }
        )
        costs._internal_write({"rebill_move_id": invoice.id})
        self.message_post(
            body=self.env._(
                "Costs of %(amount)s re-billed to the customer on draft invoice %(invoice)s.",
                amount=self.currency_id.format(sum(costs.mapped("amount"))),
                invoice=invoice.display_name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def _last_payment_date(self):
        partials = self.move_line_id.matched_credit_ids
        dates = [partial.max_date for partial in partials if partial.max_date]
        return max(dates) if dates else None
