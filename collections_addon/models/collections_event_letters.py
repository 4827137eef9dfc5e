from odoo import api, fields, models
from odoo.exceptions import UserError

from .ir_actions_report import PRINTED_LETTERS_KEY


class CollectionsEvent(models.Model):
    """Printing the queued letters: one PDF, kept with the letters, which then count as sent."""

    _inherit = "collections.event"

    def action_print_letters(self):
        """One PDF with the letters of the selected events; queued letters count as sent once printed."""
        letters = self._letters_to_print()
        contents = self.env["report.collections_addon.report_collections_letter"]._letters(letters)
        letters = letters._cancel_paid_letters(contents)
        if not letters:
            # Not an error: the cancellations must be kept. The list reloads: they leave the queue.
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "warning",
                    "message": self.env._(
                        "Nothing to print: the invoices of the selected letters were paid in the meantime "
                        "(their letters are now cancelled)."
                    ),
                    "next": {"type": "ir.actions.act_window_close"},
                },
            }
        report = self.env.ref("collections_addon.action_report_collections_letter")
        attachment = letters._keep_printed_letters(report, contents)
        # A report action rather than a download URL: the web client downloads the kept PDF (no
        # pop-up) and then reloads the list, so the printed letters leave *Letters to Print*.
        return {
            "type": "ir.actions.report",
            "name": report.name,
            "report_name": report.report_name,
            "report_type": "qweb-pdf",
            "data": {PRINTED_LETTERS_KEY: attachment.id},
            "close_on_report_download": True,
        }

    def _letters_to_print(self):
        """The selected letters that can be printed, by customer; refused with the reason when none can."""
        letters = self.filtered(lambda event: event.channel == "letter" and event.state != "cancelled")
        if not letters:
            if self.filtered(lambda event: event.channel == "letter"):
                raise UserError(
                    self.env._(
                        "The selected letters are cancelled and cannot be printed: select letters that are queued "
                        "or already sent (Collections > Letters to Print)."
                    )
                )
            raise UserError(
                self.env._(
                    "Only letter events can be printed: select events of the channel 'Letter' "
                    "(Collections > Letters to Print)."
                )
            )
        if len(letters.company_id) > 1:
            raise UserError(
                self.env._(
                    "Print the letters of one company at a time: the PDF is kept with the letters, and each "
                    "company's letters are for its own users only."
                )
            )
        return letters.sorted(lambda event: (event.partner_id.name or "", event.id))

    def _cancel_paid_letters(self, contents):
        """Cancel the queued letters whose invoices were paid since the run; the letters left to print."""
        paid = self.filtered(lambda event: event.move_ids and not contents[event.id]["open"])
        if paid:
            # sudo: as below, the event log records what happened to the letter.
            paid.filtered(lambda event: event.state == "queued").sudo().write(
                {
                    "state": "cancelled",
                    "error": self.env._("Not printed: the invoices of this letter were paid in the meantime."),
                }
            )
        return self - paid

    def _keep_printed_letters(self, report, contents):
        """Render the letters into one PDF, keep it with them, and mark them printed (queued ones: sent)."""
        pdf, _kind = self.env["ir.actions.report"]._render_qweb_pdf(report, self.ids)
        now = fields.Datetime.now()
        # sudo: attached to the first letter so that whoever may read the letters may open the PDF (an
        # attachment of no record is the printing user's only); attaching needs write access to the event.
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": self.env._("Collection letters %(date)s.pdf", date=fields.Datetime.to_string(now)[:16]),
                    "raw": pdf,
                    "mimetype": "application/pdf",
                    "res_model": "collections.event",
                    "res_id": self[0].id,
                }
            )
        )
        # sudo: collectors print letters but cannot write the event log, which only records the printing.
        for letter in self:
            letter.sudo().write(
                {"printed_at": now, "letter_attachment_id": attachment.id, "body": contents[letter.id]["text"]}
            )
        self.filtered(lambda event: event.state == "queued").sudo().write({"state": "sent", "error": False})
        return attachment

    @api.model
    def _printed_letters_pdf(self, attachment_id):
        """The PDF kept by :meth:`action_print_letters`, for whoever may read its letters."""
        attachment = self.env["ir.attachment"].browse(int(attachment_id)).exists()
        if not attachment or attachment.res_model != self._name or attachment.mimetype != "application/pdf":
            raise UserError(
                self.env._("These printed letters no longer exist: print them again from Letters to Print.")
            )
        attachment.check_access("read")
        return attachment.raw
