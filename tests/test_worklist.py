from odoo.exceptions import UserError
from odoo.tests import Form, freeze_time, tagged

from .common import CollectionsCase


@tagged("post_install", "-at_install")
@freeze_time("2026-03-16 10:00:00")
class TestSendDialog(CollectionsCase):
    """*Send* shows what will go out and sends only once confirmed, as Odoo's own follow-ups do."""

    def open_dialog(self, partners):
        action = partners.with_user(self.collector).action_collections_send_now()
        self.assertEqual((action["res_model"], action["target"]), ("collections.send", "new"))
        return Form(self.env["collections.send"].with_user(self.collector).browse(action["res_id"]))

    def test_the_dialog_shows_the_e_mail_and_sends_nothing_until_confirmed(self):
        customer = self.make_customer("Preview Customer")
        invoice = self.make_invoice(customer, 480, 8)
        dialog = self.open_dialog(customer)
        self.assertIn("preview.customer@customer.example", dialog.email_to)
        self.assertTrue(dialog.email_subject)
        self.assertIn(invoice.name, dialog.email_body, "the invoice table is in the preview")
        self.assertIn(self.level_first.name, dialog.summary)
        self.assertFalse(self.events_of(customer), "opening the dialog sends nothing")
        self.assertFalse(self.mails_of(customer))
        dialog.save().action_send()
        mail = self.mails_of(customer)
        self.assertEqual(len(mail), 1)
        self.assertIn(invoice.name, mail.body_html)
        self.assertEqual(self.events_of(customer).state, "queued")

    def test_the_collector_edits_the_e_mail_before_sending(self):
        customer = self.make_customer("Edited Customer")
        self.make_invoice(customer, 480, 8)
        dialog = self.open_dialog(customer)
        dialog.email_subject = "About your invoice"
        dialog.email_body = "<p>Dear customer, we spoke this morning: here is the invoice.</p>"
        dialog.save().action_send()
        mail = self.mails_of(customer)
        self.assertEqual(mail.subject, "About your invoice")
        self.assertIn("we spoke this morning", mail.body_html)
        self.assertIn("we spoke this morning", mail.mail_message_id.body, "the chatter keeps what was sent")

    def test_several_customers_are_listed_before_sending(self):
        first, second = self.make_customer("Bulk One"), self.make_customer("Bulk Two")
        up_to_date = self.make_customer("Bulk Fine")
        self.make_invoice(first, 100, 8)
        self.make_invoice(second, 200, 25)
        self.make_invoice(up_to_date, 50, -30)
        dialog = self.open_dialog(first | second | up_to_date)
        self.assertIn("Bulk One", dialog.summary)
        self.assertIn("Bulk Two", dialog.summary)
        self.assertIn("Nothing is sent to: Bulk Fine", dialog.summary)
        self.assertFalse(dialog.has_email, "several customers: their own templates, no single text to edit")
        dialog.save().action_send()
        self.assertEqual(len(self.mails_of(first)), 1)
        self.assertEqual(len(self.mails_of(second)), 1)
        self.assertFalse(self.events_of(up_to_date))

    def test_nothing_due_is_said_at_once(self):
        customer = self.make_customer("Nothing Due")
        self.make_invoice(customer, 100, -30)
        with self.assertRaisesRegex(UserError, "Nothing to send to Nothing Due today"):
            customer.with_user(self.collector).action_collections_send_now()
