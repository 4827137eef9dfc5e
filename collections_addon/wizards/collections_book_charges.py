"""Book Late Charges: the fine, interest and correction a payment collected, as one posted interest invoice.

Charges become accounting only when collected (DOMAIN.md "Pay now and legal charges"), never silently: the
customer paid its invoices late and more than their principal, and the leftover of that payment pays the charges.
The wizard lists the customer's invoices paid late whose charges were never booked, with their charges on the
amount paid late at the dates it was paid (``res.partner._collections_charges_by_customer`` with the customer's
charges profile), and books at most the payment's leftover once the accountant confirms: one customer invoice with
one line per kind on the profile's income account, no taxes, posted and reconciled with the payment.
The invoice lines are in ``collections_book_charges_line.py``.
"""

from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

from ..engine.charges import BOOKING_LOOKBACK_DAYS, CHARGE_KINDS, charges_to_book
from ..engine.receivable import RECEIVABLE_ACCOUNT_TYPE

# The customer's unreconciled receivable credits: what is left of its payments.
LEFTOVER_DOMAIN = [
    ("account_type", "=", RECEIVABLE_ACCOUNT_TYPE),
    ("parent_state", "=", "posted"),
    ("reconciled", "=", False),
    ("amount_residual", "<", 0),
]


class CollectionsBookCharges(models.TransientModel):
    _name = "collections.book.charges"
    _description = "Collections: book the late charges a payment collected"
    _check_company_auto = True

    company_id = fields.Many2one("res.company", required=True, readonly=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, readonly=True)
    credit_line_id = fields.Many2one(
        "account.move.line",
        string="Payment",
        required=True,
        check_company=True,
        domain="[('partner_id', 'child_of', partner_id), ('company_id', '=', company_id), "
        "('account_type', '=', 'asset_receivable'), ('parent_state', '=', 'posted'), ('reconciled', '=', False), "
        "('amount_residual', '<', 0)]",
        help="The customer's payment whose unreconciled leftover pays the charges.",
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_leftover")
    payment_date = fields.Date(related="credit_line_id.date", string="Paid On")
    leftover = fields.Monetary(
        string="Payment Leftover", compute="_compute_leftover", help="What of the payment is not reconciled yet."
    )
    profile_id = fields.Many2one(
        "collections.charges.profile", string="Charges Profile", compute="_compute_line_ids", store=True
    )
    problem = fields.Char(compute="_compute_line_ids", store=True)
    line_ids = fields.One2many(
        "collections.book.charges.line",
        "wizard_id",
        string="Invoices Paid Late",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
    )
    fine = fields.Monetary(compute="_compute_totals")
    interest = fields.Monetary(compute="_compute_totals")
    correction = fields.Monetary(string="Monetary Correction", compute="_compute_totals")
    total = fields.Monetary(string="Charges", compute="_compute_totals")
    amount = fields.Monetary(
        string="Amount to Book",
        compute="_compute_amount",
        store=True,
        readonly=False,
        help="The charges of the ticked invoices, at most the payment's leftover. Less than the charges: the fine is "
        "booked first, then interest, then correction; the rest is waived.",
    )

    @api.depends("credit_line_id")
    def _compute_leftover(self):
        for wizard in self:
            line = wizard.credit_line_id
            wizard.currency_id = line.currency_id or wizard.company_id.currency_id
            wizard.leftover = -line.amount_residual_currency if line else 0.0

    @api.depends("credit_line_id")
    def _compute_line_ids(self):
        for wizard in self:
            wizard.profile_id = wizard.partner_id._collections_charges_profile(wizard.company_id)
            wizard.problem = False
            commands = [Command.clear()]
            if wizard.credit_line_id:
                values, wizard.problem = wizard._late_invoice_values()
                commands += [Command.create(vals) for vals in values]
            wizard.line_ids = commands

    @api.depends("line_ids.book", "line_ids.fine", "line_ids.interest", "line_ids.correction")
    def _compute_totals(self):
        for wizard in self:
            lines = wizard.line_ids.filtered("book")
            for kind in CHARGE_KINDS:
                wizard[kind] = sum(lines.mapped(kind))
            wizard.total = wizard.fine + wizard.interest + wizard.correction

    @api.depends("total", "leftover")
    def _compute_amount(self):
        for wizard in self:
            wizard.amount = min(wizard.total, wizard.leftover)

    def _paid_late(self):
        """``({invoice id: {day: amount paid late that day}}, invoice ids the payment paid)``: the customer's invoices
        in the payment's currency whose charges no posted invoice books, paid after their due date by this payment or
        by another one in the BOOKING_LOOKBACK_DAYS before it (credit notes are deducted, never a late payment)."""
        payment_move = self.credit_line_id.move_id
        since = self.payment_date - timedelta(days=BOOKING_LOOKBACK_DAYS)
        invoices = self.env["account.move"].search(
            [
                ("move_type", "=", "out_invoice"),
                ("state", "=", "posted"),
                ("company_id", "=", self.company_id.id),
                ("commercial_partner_id", "=", self.partner_id.id),
                ("currency_id", "=", self.currency_id.id),
                ("payment_state", "in", ("paid", "in_payment", "partial")),
                ("invoice_date_due", "<", self.payment_date),
                ("collections_charged_move_ids", "=", False),
            ]
        )
        paid, by_payment = defaultdict(lambda: defaultdict(float)), set()
        for invoice in invoices:
            if any(move.state == "posted" for move in invoice.collections_charges_move_ids):
                continue  # booked already
            receivable = invoice.line_ids.filtered(lambda line: line.account_type == RECEIVABLE_ACCOUNT_TYPE)
            for partial in receivable.matched_credit_ids:
                counterpart = partial.credit_move_id.move_id
                day = partial.max_date
                if counterpart.move_type != "entry" or day <= invoice.invoice_date_due:
                    continue
                if counterpart == payment_move:
                    by_payment.add(invoice.id)
                elif not since <= day <= self.payment_date:
                    continue
                paid[invoice.id][day] += partial.debit_amount_currency
        return paid, by_payment

    def _late_invoice_values(self):
        """The values of the lines (one per invoice paid late with charges) and the engine's problem, if any."""
        paid, by_payment = self._paid_late()
        by_day = defaultdict(dict)
        for invoice_id, days in paid.items():
            for day, amount in days.items():
                by_day[day][invoice_id] = amount
        Move = self.env["account.move"]
        lines = {}
        for day, principals in sorted(by_day.items()):
            moves = Move.browse(list(principals))
            charges, _profiles, problems = self.partner_id._collections_charges_by_customer(moves, day, principals)
            if problems:
                return [], next(iter(problems.values()))
            for move_id, item in charges.items():
                line = lines.setdefault(
                    move_id,
                    {
                        "move_id": move_id,
                        "book": move_id in by_payment or not by_payment,
                        "principal": 0.0,
                        **dict.fromkeys(CHARGE_KINDS, 0.0),
                    },
                )
                line.update(paid_date=day, days_late=item.days_late)
                line["principal"] += float(item.principal)
                for kind in CHARGE_KINDS:
                    line[kind] += float(getattr(item, kind))
        values = [line for line in lines.values() if any(line[kind] for kind in CHARGE_KINDS)]
        return sorted(values, key=lambda line: (line["paid_date"], line["move_id"])), False

    @api.model
    def _open_for(self, partner, credit_line=None):
        """The wizard for ``partner`` (its latest payment with a leftover unless ``credit_line`` is given)."""
        partner = partner.commercial_partner_id
        company = credit_line.company_id if credit_line else self.env.company
        if not credit_line:
            credit_line = self.env["account.move.line"].search(
                [("partner_id", "child_of", partner.id), ("company_id", "=", company.id), *LEFTOVER_DOMAIN],
                order="date desc, id desc",
                limit=1,
            )
        if not credit_line:
            raise UserError(
                self.env._(
                    "%(customer)s has no payment with an unreconciled leftover in %(company)s: register the payment "
                    "of the principal plus the charges first, keeping the difference open.",
                    customer=partner.display_name,
                    company=company.name,
                )
            )
        wizard = self.with_company(company).create(
            {"company_id": company.id, "partner_id": partner.id, "credit_line_id": credit_line.id}
        )
        if wizard.problem:
            raise UserError(wizard.problem)
        if not wizard.line_ids:
            raise UserError(wizard._nothing_to_book())
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Book Late Charges"),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
        }

    def _nothing_to_book(self):
        return self.env._(
            "Nothing to book for %(customer)s: none of its invoices was paid late with charges not booked yet "
            "(charges profile: %(profile)s).",
            customer=self.partner_id.display_name,
            profile=self.profile_id.name or self.env._("none, no charges"),
        )

    def _check_bookable(self):
        currency = self.currency_id
        if self.problem:
            raise UserError(self.problem)
        if not self.line_ids.filtered("book") or currency.compare_amounts(self.total, 0) <= 0:
            raise UserError(self._nothing_to_book())
        if currency.compare_amounts(self.amount, 0) <= 0:
            raise UserError(self.env._("Amount to Book: enter an amount above 0."))
        if currency.compare_amounts(self.amount, self.leftover) > 0:
            raise UserError(
                self.env._(
                    "Amount to Book: %(amount)s is above the payment's leftover (%(leftover)s). Book %(leftover)s or "
                    "less, or choose the payment that collected the charges.",
                    amount=self._money(self.amount),
                    leftover=self._money(self.leftover),
                )
            )
        if currency.compare_amounts(self.amount, self.total) > 0:
            raise UserError(
                self.env._(
                    "Amount to Book: %(amount)s is above the charges (%(total)s).",
                    amount=self._money(self.amount),
                    total=self._money(self.total),
                )
            )
        if not self.profile_id.account_id:
            raise UserError(
                self.env._(
                    "The charges profile '%(profile)s' has no income account: set its Charges Income Account "
                    "(Collections > Configuration > Charges Profiles) before booking charges.",
                    profile=self.profile_id.name,
                )
            )

    def _money(self, amount):
        return self.currency_id.format(amount)

    def action_book(self):
        """Create, post and reconcile the interest invoice; open it."""
        self.ensure_one()
        self._check_bookable()
        lines = self.line_ids.filtered("book")
        booked = charges_to_book(
            {kind: sum(lines.mapped(kind)) for kind in CHARGE_KINDS}, self.amount, self.currency_id.decimal_places
        )
        labels = {
            "fine": self.env._("Late payment fine"),
            "interest": self.env._("Late payment interest"),
            "correction": self.env._("Monetary correction"),
        }
        names = ", ".join(lines.move_id.mapped("name"))
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id.id,
                    "currency_id": self.currency_id.id,
                    "invoice_date": self.company_id._collections_today(),
                    "invoice_payment_term_id": False,
                    "invoice_origin": names,
                    "ref": self.env._("Late charges of %(invoices)s", invoices=names),
                    "collections_charged_move_ids": [Command.set(lines.move_id.ids)],
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "name": f"{labels[kind]}: {names}",
                                "quantity": 1,
                                "price_unit": float(value),
                                "account_id": self.profile_id.account_id.id,
                                "tax_ids": [Command.clear()],
                            }
                        )
                        for kind, value in booked.items()
                    ],
                }
            )
        )
        invoice.action_post()
        receivable = invoice.line_ids.filtered(lambda line: line.account_type == RECEIVABLE_ACCOUNT_TYPE)
        (receivable | self.credit_line_id).reconcile()
        invoice.message_post(
            body=self.env._(
                "Late charges of %(invoices)s collected by %(payment)s on %(date)s, booked by %(user)s.",
                invoices=names,
                payment=self.credit_line_id.move_id.name,
                date=self.payment_date,
                user=self.env.user.name,
            )
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": invoice.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
