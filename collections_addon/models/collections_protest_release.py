"""The release letter of a settled protest: the checks, issuing it (by e-mail or for printing), sending it
again, downloading it and what the report shows."""

from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Command
from odoo.tools import format_date, format_list


class CollectionsProtest(models.Model):
    _inherit = "collections.protest"

    # ------------------------------------------------------------------
    # Release letter
    # ------------------------------------------------------------------

    def action_issue_release_letter(self):
        return self._issue_release_letter(send_email=True)

    def action_issue_release_letter_print(self):
        return self._issue_release_letter(send_email=False)

    def _check_release_letter_data(self):
        missing = []
        if not self.company_id.vat:
            missing.append(self.env._("the tax ID (CNPJ) of %(company)s", company=self.company_id.name))
        if not self.partner_id.vat:
            missing.append(self.env._("the tax ID (CPF/CNPJ) of %(customer)s", customer=self.partner_id.name))
        if missing:
            raise UserError(
                self.env._(
                    "The release letter needs %(missing)s: fill it in, then issue the letter.",
                    missing=format_list(self.env, missing),
                )
            )

    def _issue_release_letter(self, send_email):
        self.ensure_one()
        if self.state != "settled":
            raise UserError(
                self.env._("A release letter is issued once the debt is settled: settle the protest first.")
            )
        if self.release_letter_attachment_id:
            raise UserError(
                self.env._(
                    "The release letter was issued on %(date)s; it is attached to the protest.",
                    date=format_date(self.env, self.release_letter_date),
                )
            )
        self._check_release_letter_data()
        if send_email and not self.partner_id.email:
            raise UserError(
                self.env._(
                    "%(customer)s has no e-mail address: add one on the customer, or use 'Issue for Printing' and "
                    "hand the letter over.",
                    customer=self.partner_id.display_name,
                )
            )
        self._internal_write(
            {"release_letter_date": self.company_id._collections_today(), "release_letter_user_id": self.env.uid}
        )
        pdf, _type = self.env["ir.actions.report"]._render_qweb_pdf(
            "collections_addon.action_report_protest_release_letter", self.ids
        )
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._("Release letter %(protest)s.pdf", protest=self.name.replace("/", "-")),
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
        self._internal_write({"release_letter_attachment_id": attachment.id})
        self._own_tasks().action_feedback(feedback=self.env._("Release letter issued."))
        if send_email:
            self.message_post_with_source(
                "collections_addon.mail_template_collections_protest_release",
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachment_ids=[attachment.id],
            )
        else:
            self.message_post(body=self.env._("Release letter issued for printing."), attachment_ids=[attachment.id])
        return True

    def action_send_release_letter(self):
        """Send the issued letter (again) through the composer, e.g. after issuing it for printing."""
        self.ensure_one()
        if not self.release_letter_attachment_id:
            raise UserError(self.env._("The release letter is not issued yet."))
        return self.env["mail.compose.message"]._collections_dialog(
            self,
            "collections_addon.mail_template_collections_protest_release",
            default_attachment_ids=[Command.set(self.release_letter_attachment_id.ids)],
            force_email=True,
        )

    def action_download_release_letter(self):
        self.ensure_one()
        if not self.release_letter_attachment_id:
            raise UserError(self.env._("The release letter is not issued yet."))
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.release_letter_attachment_id.id}?download=true",
            "target": "self",
        }

    # ------------------------------------------------------------------
    # Reports
    # ------------------------------------------------------------------

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Release letter %(protest)s", protest=self.name)

    def _release_letter_values(self):
        """What the notary needs to find the protest and cancel it."""
        self.ensure_one()
        return {
            "creditor": self.company_id.partner_id,
            "debtor": self.partner_id,
            "notary": self.notary_id,
            "signer": self.release_letter_user_id or self.env.user,
        }
