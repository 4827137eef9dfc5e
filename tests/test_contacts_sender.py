from unittest.mock import patch

from odoo.tests import Form, freeze_time, tagged
from odoo.tools import formatLang, mute_logger

from .common import NOON
from .common_contacts import ContactsMixin
from .common_run import RunCase
from .smtp_server import LocalSMTPServer


@tagged("post_install", "-at_install")
@freeze_time(NOON)
class TestContactsAndSender(ContactsMixin, RunCase):
    """Who receives the reminders (collections contacts, else invoice addresses, else the customer), each in
    its own language, and who signs them: the collector ticks the contacts and reads the preview, the
    manager sets the senders, the run sends as its cron does, through Odoo's mail queue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.setup_languages()
        cls.finance = cls.make_user("finance", "collections_addon.group_collections_manager", name="Fiona Finance")
        cls.sales = cls.make_user("sales", "base.group_user", name="Sam Sales")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def make_company(self, name):
        return self.make_customer(name, is_company=True, lang="en_US")

    def process_queue_through(self, server):
        self.env["ir.mail_server"].create(
            {"name": "Local test SMTP", "smtp_host": "127.0.0.1", "smtp_port": server.port, "smtp_encryption": "none"}
        )
        # Odoo never opens SMTP connections in tests unless told to: here the server is real and local.
        with patch.object(type(self.env["ir.mail_server"]), "_disable_send", return_value=False):
            self.env["mail.mail"].process_email_queue()

    def set_catchall(self):
        self.company.alias_domain_id = self.env["mail.alias.domain"].create(
            {"name": "company.example", "catchall_alias": "catchall", "bounce_alias": "bounce"}
        )

    # ------------------------------------------------------------------
    # Recipients and languages
    # ------------------------------------------------------------------

    def test_the_collections_contact_is_chosen_in_the_preview_and_written_to_in_its_language(self):
        customer = self.make_company("Construtora Alfa")
        paula = self.add_contact(customer, "Paula Pereira", "pt_BR", collections=True)
        billing = self.add_contact(customer, "Billing Desk", "en_US", address_type="invoice")
        invoice = self.make_invoice(customer, 1234.56, 8)
        line = self.preview_line(customer)
        self.assertIn(paula.email, line.recipients)
        self.assertIn("collections contact", line.recipients)
        self.assertIn(self.languages["pt_BR"], line.recipients)
        self.assertNotIn(billing.email, line.recipients)
        self.assertFalse(self.mails_of(customer), "a preview sends nothing")

        self.run_followup()
        mail = self.mails_of(customer)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, paula)
        self.assertIn("Não identificamos o pagamento", mail.body_html)
        self.assertIn("está tudo bem", mail.subject)
        self.assertIn("1.234,56", mail.body_html, "amounts in the contact's language")
        self.assertIn(invoice.name, mail.body_html)
        event = self.events_of(customer)
        self.assertEqual((len(event), event.mail_id, event.mail_ids), (1, mail, mail))

    def test_the_tables_amounts_are_formatted_as_odoo_formats_them_in_each_language(self):
        # The invoice table formats thousands of amounts with the separators read once per language and
        # currency: it must print exactly what Odoo's formatLang prints, signs, rounding and symbols included.
        channel = self.env["collections.channel"]
        euro = self.env.ref("base.EUR").sudo()
        euro.active = True
        yen = self.env.ref("base.JPY").sudo()
        yen.active = True
        values = [0.0, -0.0, 2.675, 2.665, 1234.5, -1234.565, 999999.995, 1234567890.12, 0.005, -7.0, 1e-9]
        for lang in ("en_US", "pt_BR"):
            lang_env = self.env(context=dict(self.env.context, lang=lang))
            for currency in (self.env.company.currency_id, euro, yen):
                formatter = channel._amount_formatter(lang_env, currency)
                for value in values:
                    with self.subTest(lang=lang, currency=currency.name, value=value):
                        self.assertEqual(formatter(value), formatLang(lang_env, value, currency_obj=currency))

    @mute_logger("odoo.addons.mail.models.mail_mail")
    def test_two_collections_contacts_get_one_mail_each_in_their_language_and_nothing_twice(self):
        self.set_catchall()
        customer = self.make_company("Beta Importadora")
        paula = self.add_contact(customer, "Paula Souza", "pt_BR", collections=True)
        john = self.add_contact(customer, "John Smith", "en_US", collections=True)
        self.make_invoice(customer, 1234.56, 8)
        line = self.preview_line(customer)
        self.assertIn(self.languages["pt_BR"], line.recipients)
        self.assertIn(self.languages["en_US"], line.recipients)

        self.run_followup()
        mails = self.mails_of(customer)
        self.assertEqual(len(mails), 2)
        portuguese = mails.filtered(lambda mail: mail.recipient_ids == paula)
        english = mails.filtered(lambda mail: mail.recipient_ids == john)
        self.assertIn("Olá", portuguese.body_html)
        self.assertIn("1.234,56", portuguese.body_html)
        self.assertIn("is everything ok", english.subject)
        self.assertIn("1,234.56", english.body_html)
        self.assertNotIn("Olá", english.body_html)
        event = self.events_of(customer)
        self.assertEqual(len(event), 1, "one contact of the log for the step")
        self.assertEqual(event.mail_ids, mails)
        self.assertEqual(event.mail_message_ids, mails.mail_message_id)

        with LocalSMTPServer(reject={john.email}) as server:
            self.process_queue_through(server)
        self.assertEqual([received["to"] for received in server.messages], [[paula.email]])
        self.assertIn("catchall@company.example", server.messages[0]["message"]["Reply-To"])
        self.sync_delivery()
        self.assertEqual(event.state, "sent", "the step reached the Portuguese contact")
        self.assertTrue(event.error, "the English e-mail's failure is noted")

        self.run_followup()
        self.run_followup()
        self.assertEqual(len(self.events_of(customer)), 1)
        self.assertEqual(len(self.mails_of(customer)), 1, "only the failed mail stays; nothing is sent twice")

    def test_both_mails_sent_mark_the_contact_sent(self):
        customer = self.make_company("Gamma Ltda")
        self.add_contact(customer, "Ana Lima", "pt_BR", collections=True)
        self.add_contact(customer, "Bob Brown", "en_US", collections=True)
        self.make_invoice(customer, 500, 8)
        self.run_followup()
        event = self.events_of(customer)
        with LocalSMTPServer() as server:
            self.process_queue_through(server)
        self.assertEqual(len(server.messages), 2)
        self.sync_delivery()
        self.assertEqual((event.state, event.error), ("sent", False))

    def test_without_collections_contact_the_invoice_address_then_the_customer(self):
        with_invoice_address = self.make_company("Delta SA")
        billing = self.add_contact(with_invoice_address, "Delta Billing", "pt_BR", address_type="invoice")
        self.add_contact(with_invoice_address, "Delta Sales Rep", "en_US")
        alone = self.make_company("Epsilon SA")
        self.make_invoice(with_invoice_address, 100, 8)
        self.make_invoice(alone, 100, 8)
        line = self.preview_line(with_invoice_address)
        self.assertIn("invoice address", line.recipients)
        self.assertIn(billing.email, line.recipients)
        self.assertIn("the customer", self.preview_line(alone).recipients)
        self.run_followup()
        self.assertEqual(self.mails_of(with_invoice_address).recipient_ids, billing)
        self.assertIn("Olá", self.mails_of(with_invoice_address).body_html)
        self.assertEqual(self.mails_of(alone).recipient_ids, alone)

    def test_send_dialog_names_the_recipients_and_the_edit_stays_in_its_language(self):
        customer = self.make_company("Zeta Comercio")
        paula = self.add_contact(customer, "Paula Dias", "pt_BR", collections=True)
        john = self.add_contact(customer, "John Doe", "en_US", collections=True)
        self.make_invoice(customer, 300, 8)
        action = customer.with_user(self.collector).action_collections_send_now()
        dialog = Form(self.env["collections.send"].with_user(self.collector).browse(action["res_id"]))
        self.assertIn("collections contact", dialog.email_to)
        self.assertIn(paula.email, dialog.email_to)
        self.assertIn(john.email, dialog.email_to)
        shown, other = ("pt_BR", john) if "Olá" in dialog.email_body else ("en_US", paula)
        self.assertIn(other.name, dialog.email_other_langs)
        dialog.email_body = "<p>As we agreed on the phone this morning.</p>"
        dialog.save().action_send()
        mails = self.mails_of(customer)
        self.assertEqual(len(mails), 2)
        edited = mails.filtered(lambda mail: "agreed on the phone" in mail.body_html)
        self.assertEqual(edited.recipient_ids, (paula | john).filtered(lambda contact: contact.lang == shown))
        self.assertEqual((mails - edited).recipient_ids, other)

    # ------------------------------------------------------------------
    # Sender and copy
    # ------------------------------------------------------------------

    def set_level_sender(self, sender, user=None, cc=False):
        form = Form(self.level_first.with_user(self.manager))
        form.sender = sender
        if user:
            form.sender_user_id = user
        form.cc_salesperson = cc
        form.save()

    def test_sender_per_level_signs_the_mail_and_replies_still_come_back(self):
        self.set_catchall()
        plan = Form(self.policy.with_user(self.manager))
        plan.sender_user_id = self.finance
        plan.save()

        by_plan = self.make_customer("Plan Signed")
        self.make_invoice(by_plan, 100, 8)
        self.run_followup()
        mail = self.mails_of(by_plan)
        self.assertEqual(mail.author_id, self.finance.partner_id)
        self.assertIn("finance@company.example", mail.email_from)
        self.assertIn("catchall@company.example", mail.reply_to, "replies route back to the customer")

        self.set_level_sender("collector")
        by_collector = self.make_customer("Collector Signed")
        by_collector.with_company(self.company).collections_responsible_id = self.collector
        no_collector = self.make_customer("Plan Fallback")
        self.make_invoice(by_collector, 100, 8)
        self.make_invoice(no_collector, 100, 8)
        self.run_followup()
        mail = self.mails_of(by_collector)
        self.assertEqual(mail.author_id, self.collector.partner_id)
        self.assertIn("collector@company.example", mail.email_from)
        self.assertIn("catchall@company.example", mail.reply_to)
        self.assertEqual(self.mails_of(no_collector).author_id, self.finance.partner_id, "else the plan's sender")

        self.set_level_sender("user", self.manager)
        by_user = self.make_customer("Manager Signed")
        by_user.with_company(self.company).collections_responsible_id = self.collector
        self.make_invoice(by_user, 100, 8)
        self.run_followup()
        mail = self.mails_of(by_user)
        self.assertEqual(mail.author_id, self.manager.partner_id)
        self.assertIn("collections_manager@company.example", mail.email_from)

    def test_without_any_sender_the_company_signs_as_before(self):
        customer = self.make_customer("Company Signed")
        self.make_invoice(customer, 100, 8)
        self.run_followup()
        self.assertIn("billing@company.example", self.mails_of(customer).email_from)

    def test_the_salesperson_is_copied(self):
        self.set_level_sender("plan", cc=True)
        customer = self.make_customer("Copied Customer", user_id=self.sales.id)
        self.make_invoice(customer, 100, 8)
        self.run_followup()
        mail = self.mails_of(customer)
        self.assertIn("sales@company.example", mail.email_cc)
        with LocalSMTPServer() as server:
            self.process_queue_through(server)
        copies = [received for received in server.messages if "sales@company.example" in received["to"]]
        self.assertEqual(len(copies), 1)
        self.assertIn("sales@company.example", copies[0]["message"]["Cc"])
        self.assertIn([customer.email], [received["to"] for received in server.messages])
