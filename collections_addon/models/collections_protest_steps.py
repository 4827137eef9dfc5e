"""The lifecycle of a protest: each step is checked by the engine's table (engine/protest.py), then recorded.

A step ``<action>`` is applied by ``_do_step``, which asks the engine whether it may happen, calls
``_step_<action>`` for the values it records and writes the state the engine names. The payment at the notary
(``_step_pay``) lives in ``collections_protest_payment``.
"""

from markupsafe import Markup

from odoo import models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from ..engine import ProtestDates, step_problem, target_state
from ..engine.protest import PROTESTED_FLAG_STATES, TASK_CLOSING_STATES


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"

    # ------------------------------------------------------------------
    # Steps
    # ------------------------------------------------------------------

    def _dates(self):
        return ProtestDates(
            sent=self.sent_date or None,
            protocol=self.protocol_date or None,
            notification=self.notification_date or None,
            protest=self.protest_date or None,
            settlement=self.settlement_date or None,
            release_letter=self.release_letter_date or None,
        )

    def _do_step(self, action, when=None, values=None):
        """Apply one lifecycle step dated ``when``; every guard runs before anything is written."""
        self.ensure_one()
        values = values or {}
        problem = step_problem(
            action,
            self.state,
            when or None,
            today=self.company_id._collections_today(),
            dates=self._dates(),
            deadline=self.deadline_date or None,
        )
        if problem:
            raise UserError(self._step_problem_text(action, problem, when))
        vals = getattr(self, f"_step_{action}")(when, values)
        vals["state"] = target_state(action)
        self._internal_write(vals)
        note = (values.get("note") or "").strip()
        self.message_post(body=self._step_message(action, when, note))
        if vals["state"] in PROTESTED_FLAG_STATES:
            self.partner_id._collections_sync_protest_warning()
        if vals["state"] in TASK_CLOSING_STATES:
            # The tasks of the previous step (deadline, paid invoice) are answered by this one.
            self._own_tasks().action_feedback(feedback=self._step_message(action, when, note))
        return True

    def _step_problem_text(self, action, problem, when):
        label = self._action_label(action)
        state = dict(self._fields["state"]._description_selection(self.env)).get(self.state, self.state)
        dates = {
            "before_sent": (self.env._("sent to the notary"), self.sent_date),
            "before_protocol": (self.env._("protocolled"), self.protocol_date),
            "before_notification": (self.env._("notified"), self.notification_date),
            "before_deadline": (self.env._("the last day to pay"), self.deadline_date),
            "before_protest": (self.env._("protested"), self.protest_date),
            "before_settlement": (self.env._("settled"), self.settlement_date),
            "before_release_letter": (self.env._("given its release letter"), self.release_letter_date),
        }
        if problem == "state":
            return self.env._(
                "%(step)s is not possible for a protest that is '%(state)s'.",
                step=label,
                state=state,
            )
        if problem == "missing":
            return self.env._("Give the date of the step '%(step)s'.", step=label)
        if problem == "future":
            return self.env._(
                "The date of '%(step)s' (%(date)s) is in the future: record a step once it happened.",
                step=label,
                date=format_date(self.env, when),
            )
        if problem == "window_closed":
            return self.env._(
                "The window to withdraw closed on %(deadline)s: after the last day the notary registers the "
                "protest. Record what the notary did (protested), or suspend it with a court order.",
                deadline=format_date(self.env, self.deadline_date),
            )
        if problem == "no_release_letter":
            return self.env._(
                "The notary cancels a protest with the release letter: issue it first ('Send Release Letter' or "
                "'Issue for Printing')."
            )
        if problem == "before_deadline":
            return self.env._(
                "The debtor may pay until %(deadline)s: the notary registers the protest only when that day is "
                "over. If the notary's date is right, check the bank holidays of rule %(rule)s.",
                deadline=format_date(self.env, self.deadline_date),
                rule=self.rule_id.display_name or "-",
            )
        what, earliest = dates[problem]
        return self.env._(
            "The date of '%(step)s' (%(date)s) is before the protest was %(what)s (%(earliest)s): check the date.",
            step=label,
            date=format_date(self.env, when),
            what=what,
            earliest=format_date(self.env, earliest),
        )

    def _action_label(self, action):
        return {
            "send": self.env._("Send to the notary"),
            "protocol": self.env._("Protocol"),
            "notify": self.env._("Debtor notified"),
            "pay": self.env._("Paid at the notary"),
            "withdraw": self.env._("Withdraw"),
            "suspend": self.env._("Suspend by court order"),
            "protest": self.env._("Protested"),
            "settle": self.env._("Settle"),
            "cancel": self.env._("Cancel"),
        }[action]

    def _step_message(self, action, when, note):
        lines = [
            self.env._(
                "%(step)s: %(date)s.",
                step=self._action_label(action),
                date=format_date(self.env, when) if when else self.env._("proposal discarded"),
            )
        ]
        if action == "protocol" and self.deadline_date:
            lines.append(
                self.env._(
                    "The debtor may pay until %(deadline)s (rule %(rule)s).",
                    deadline=format_date(self.env, self.deadline_date),
                    rule=self.rule_id.display_name,
                )
            )
        if action == "notify" and self.deadline_date:
            lines.append(
                self.env._("Last day to pay: %(deadline)s.", deadline=format_date(self.env, self.deadline_date))
            )
        if note:
            lines.append(note)
        return Markup("<br/>").join(lines)

    def _check_manager(self, what):
        if not self.env.user.has_group("collections_addon.group_collections_manager"):
            raise AccessError(self.env._("Only a collections manager can %(what)s.", what=what))

    def _step_send(self, when, values):
        self._check_manager(self.env._("send a protest to the notary"))
        if not values.get("send_means"):
            raise UserError(self.env._("Say how the title goes to the notary: bank, protest center or in person."))
        if not self.move_line_id:
            raise UserError(
                self.env._("The instalments of the invoice changed since this draft: choose the instalment to protest.")
            )
        self._raise_if_ineligible(self.move_line_id, exclude=self)
        notary = self.notary_id
        if not notary:
            raise UserError(self.env._("Choose the notary office before sending the protest."))
        if not notary.collections_is_notary:
            raise UserError(
                self.env._(
                    "%(partner)s is not flagged as a notary office: tick 'Notary Office' on the contact.",
                    partner=notary.display_name,
                )
            )
        if not self.partner_id.vat:
            raise UserError(
                self.env._(
                    "%(customer)s has no tax ID (CPF/CNPJ); the notary needs it: fill it in on the customer.",
                    customer=self.partner_id.display_name,
                )
            )
        rule = self.env["collections.protest.rule"]._for_notary(self.company_id, notary)
        return {
            "user_id": self.user_id.id or self.env.uid,
            "sent_date": when,
            "send_means": values["send_means"],
            "rule_id": rule.id,
            "amount": self.move_line_id.amount_residual_currency,
            "name": self.env["ir.sequence"].with_company(self.company_id).next_by_code("collections.protest")
            or self.name,
        }

    def _rule(self):
        if not self.rule_id:
            raise UserError(self.env._("This protest has no rule (it was deleted): it cannot compute the last day."))
        return self.rule_id

    def _step_protocol(self, when, values):
        number = (values.get("protocol_number") or "").strip()
        if not number:
            raise UserError(self.env._("Enter the protocol number the notary gave the title."))
        return {
            "protocol_number": number,
            "protocol_date": when,
            "deadline_date": self._rule()._deadline(when, self.notification_date),
        }

    def _step_notify(self, when, values):
        return {
            "notification_date": when,
            "deadline_date": self._rule()._deadline(self.protocol_date, when) or self.deadline_date,
        }

    def _step_withdraw(self, when, values):
        return {"withdrawal_date": when}

    def _step_suspend(self, when, values):
        reference = (values.get("court_order_reference") or "").strip()
        document = values.get("court_order_file")
        if not reference or not document:
            raise UserError(
                self.env._("A suspension needs the court order: enter its case number and attach the document.")
            )
        attachment = self.env["ir.attachment"].create(
            {
                "name": values.get("court_order_filename") or self.env._("Court order %(case)s", case=reference),
                "datas": document,
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        return {
            "suspension_date": when,
            "court_order_reference": reference,
            "court_order_attachment_id": attachment.id,
        }

    def _step_protest(self, when, values):
        return {"protest_date": when}

    def _step_settle(self, when, values):
        if not self._is_paid():
            raise UserError(
                self.env._(
                    "%(title)s still has %(residual)s open: register the customer's payment on the invoice first, "
                    "then settle the protest.",
                    title=self.title_number or self.move_id.name,
                    residual=self.currency_id.format(self._open_amount()),
                )
            )
        return {"settlement_date": when}

    def _step_cancel(self, when, values):
        return {"cancel_date": when or self.company_id._collections_today()}

    # ------------------------------------------------------------------
    # Buttons
    # ------------------------------------------------------------------

    def _open_step(self, action):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self._action_label(action),
            "res_model": "collections.protest.step",
            "view_mode": "form",
            "target": "new",
            "context": {"default_protest_id": self.id, "default_action": action},
        }

    def action_send(self):
        return self._open_step("send")

    def action_protocol(self):
        return self._open_step("protocol")

    def action_notify(self):
        return self._open_step("notify")

    def action_pay(self):
        return self._open_step("pay")

    def action_withdraw(self):
        return self._open_step("withdraw")

    def action_suspend(self):
        return self._open_step("suspend")

    def action_protest(self):
        return self._open_step("protest")

    def action_settle(self):
        return self._open_step("settle")

    def action_cancel(self):
        return self._open_step("cancel")

    def action_discard(self):
        """Drop proposals that will not go to the notary; the daily run does not propose them again."""
        if self.filtered("proposed_level_id"):
            self._check_manager(self.env._("discard a protest proposed by the follow-up"))
        for protest in self:
            protest._do_step("cancel")
        return True
