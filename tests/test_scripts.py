from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import mute_logger

from .common import TODAY, CollectionsCase

AGGRESSIVE = "LAST WARNING!!! Pay immediately or we will expose your name, {{ customer }}."


@tagged("post_install", "-at_install")
@freeze_time(TODAY)
class TestScripts(CollectionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.env["ir.module.module"].search([("name", "=", "collections_addon")])._update_translations(["pt_BR"])

    def test_shipped_library_covers_every_level_channel_and_passes_the_tone_check(self):
        levels = (
            self.env.ref("collections_addon.collections_policy_person").sudo().level_ids
            | self.env.ref("collections_addon.collections_policy_company").sudo().level_ids
        )
        self.assertEqual(len(levels), 14)
        for level in levels:
            for field_name in ("call_script_id", "sms_script_id", "whatsapp_script_id", "letter_script_id"):
                script = level[field_name]
                self.assertTrue(script, f"{level.name} has no {field_name}")
                self.assertEqual(script.channel, field_name.removesuffix("_script_id"))
                self.assertEqual(script.partner_kind, level.policy_id.partner_kind)
                translations = script._body_translations()
                self.assertIn("pt_BR", translations)
                self.assertNotEqual(translations["pt_BR"], translations["en_US"], f"{script.name} not translated")
                self.assertEqual(script._tone_findings(), [], f"{script.name}: {script._tone_findings()}")
                self.assertEqual(script.tone_state, "ok")

    def test_render_fills_placeholders_in_the_customers_language(self):
        customer = self.make_customer("Maria Souza", lang="pt_BR")
        invoice = self.make_invoice(customer, 1234.5, days_late=10)
        script = self.env.ref("collections_addon.collections_script_person_first_whatsapp")
        values = self.env["collections.script"]._placeholder_values_for_partners(customer, self.company, self.collector)
        text = script._render_body(values)[customer.id]
        self.assertIn("Maria Souza", text)
        self.assertIn("Olá", text)
        self.assertNotIn("{{", text)
        # The month of the invoice, in Portuguese, and a payment link with the invoice's access token.
        self.assertIn("março", text.lower())
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", text)
        self.assertIn(invoice.name, values[customer.id]["invoices"])
        self.assertIn("1.234,50", values[customer.id]["amount"])

    def test_aggressive_script_is_blocked_until_a_manager_accepts_it(self):
        script = self.make_script("sms", AGGRESSIVE)
        codes = {finding.code for _lang, finding in script._tone_findings()}
        self.assertLessEqual({"shouting", "punctuation", "aggressive", "threat", "no_greeting"}, codes)
        self.assertEqual(script.tone_state, "blocked")
        self.assertIn("Shouting in capitals", script.tone_report)
        with self.assertRaisesRegex(ValidationError, "tone check blocks"):
            self.level_first.write({"send_sms": True, "sms_script_id": script.id})
        with self.assertRaises(UserError):
            script._render_body({self.make_customer("Ana").id: {}})

        collector_script = script.with_user(self.collector)
        with self.assertRaisesRegex(UserError, "Only a collections manager"):
            collector_script._accept_tone("Required by law")
        with self.assertRaises(AccessError):
            self.env["collections.tone.accept"].with_user(self.collector).create(
                {"script_id": script.id, "reason": "Looks fine to me"}
            )

        wizard = (
            self.env["collections.tone.accept"].with_user(self.manager).create({"script_id": script.id, "reason": " "})
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_accept()
        wizard.reason = "Wording required by the legal department"
        wizard.action_accept()
        script.invalidate_recordset()
        self.assertEqual(script.tone_state, "accepted")
        self.assertEqual(script.tone_accepted_by_id, self.manager)
        self.level_first.write({"send_sms": True, "sms_script_id": script.id})

        # Changing the text voids the acceptance: the new wording needs its own review.
        script.body = AGGRESSIVE + " Now."
        self.assertEqual(script.tone_state, "blocked")

    def test_polite_script_with_only_warnings_is_usable(self):
        script = self.make_script("letter", "Pursuant to our agreement, the invoice {{ invoices }} is open?!")
        codes = {finding.code for _lang, finding in script._tone_findings()}
        self.assertEqual(codes, {"jargon", "punctuation"})
        self.assertEqual(script.tone_state, "warning")
        self.level_first.write({"send_letter": True, "letter_script_id": script.id})

    def test_portuguese_translation_is_checked_with_portuguese_words(self):
        script = self.make_script(
            "whatsapp", "Hello, {{ customer }}. Your invoice is open.", whatsapp_template_name="t"
        )
        self.assertEqual(script.tone_state, "ok")
        script.with_context(lang="pt_BR").body = "Oi, {{ customer }}. Vamos sujar seu nome, caloteiro."
        script.invalidate_recordset()
        findings = script._tone_findings()
        self.assertTrue(findings)
        self.assertEqual({langs for langs, _finding in findings}, {("pt_BR",)})
        self.assertEqual(script.tone_state, "blocked")

    def test_mail_template_form_shows_tone_findings(self):
        template = self.template_first.copy({"body_html": "<p>PAY NOW!!! We will expose your name.</p>"})
        self.assertIn("Shouting in capitals", template.collections_tone_report)
        self.assertFalse(self.template_first.collections_tone_report)

    def test_word_lists_are_editable_by_managers_only(self):
        Term = self.env["collections.tone.term"]
        term = Term.with_user(self.manager).create(
            {"term": "settle this at once", "category": "aggressive", "lang": "en"}
        )
        self.assertEqual(
            self.make_script("sms", "Hello, please settle this at once.")._tone_findings()[0][1].code, "aggressive"
        )
        with self.assertRaises(AccessError):
            Term.with_user(self.collector).create({"term": "cough up", "category": "aggressive", "lang": "en"})
        with self.assertRaises(AccessError):
            term.with_user(self.collector).write({"active": False})
        with (
            mute_logger("odoo.sql_db"),
            self.assertRaisesRegex(IntegrityError, "term_unique"),
            self.env.cr.savepoint(),
        ):
            Term.create({"term": "settle this at once", "category": "aggressive", "lang": "en"})
            Term.flush_model()

    def test_level_refuses_a_script_of_another_channel_and_whatsapp_without_template(self):
        sms = self.make_script("sms", "Hello, {{ customer }}.")
        with self.assertRaisesRegex(ValidationError, "not a Call script"):
            self.level_call.call_script_id = sms
        whatsapp = self.make_script("whatsapp", "Hello, {{ customer }}.")
        with self.assertRaisesRegex(ValidationError, "approved template name"):
            self.level_first.write({"send_whatsapp": True, "whatsapp_script_id": whatsapp.id})
        with self.assertRaisesRegex(ValidationError, "no SMS text"):
            self.level_first.send_sms = True

    def test_collectors_read_scripts_but_cannot_edit_them(self):
        script = self.env.ref("collections_addon.collections_script_person_first_sms")
        self.assertTrue(script.with_user(self.collector).body)
        with self.assertRaises(AccessError):
            script.with_user(self.collector).body = "Hello."

    def test_level_cannot_use_another_companys_script(self):
        other = self.setup_other_company(name="Script Co")["company"]
        foreign = self.make_script("sms", "Hello, {{ customer }}.", company_id=other.id)
        with self.assertRaises(UserError):
            self.level_first.write({"send_sms": True, "sms_script_id": foreign.id})

    def manager_edits_templates(self):
        """Like mail templates, only template editors may save texts with placeholders."""
        self.manager.group_ids += self.env.ref("mail.group_mail_template_editor")

    def test_portuguese_typed_in_a_portuguese_session_is_checked_with_portuguese_words(self):
        self.manager_edits_templates()
        self.manager.lang = "pt_BR"
        form = Form(self.env["collections.script"].with_user(self.manager).with_context(lang="pt_BR"))
        form.name = "Cobrança"
        form.channel = "sms"
        form.body = "Olá, {{ customer }}. Seu caloteiro, vamos sujar seu nome se não pagar."
        script = form.save()
        # Odoo stores what was typed as the source and as the pt_BR translation.
        self.assertEqual(script._body_translations()["en_US"], script._body_translations()["pt_BR"])
        codes = {finding.code for _langs, finding in script._tone_findings()}
        self.assertLessEqual({"humiliating", "threat"}, codes)
        self.assertNotIn("no_greeting", codes, "Olá is a greeting")
        self.assertEqual(script.with_context(lang="pt_BR").tone_state, "blocked")
        self.assertEqual(script.with_context(lang="en_US").tone_state, "blocked")

        level = Form(self.level_first.with_user(self.manager).with_context(lang="pt_BR"))
        level.send_sms = True
        level.sms_script_id = script.with_context(lang="pt_BR")
        with self.assertRaisesRegex(ValidationError, "Cobrança"):
            level.save()

    def test_a_polite_portuguese_text_typed_in_portuguese_has_its_greeting(self):
        self.manager_edits_templates()
        form = Form(self.env["collections.script"].with_user(self.manager).with_context(lang="pt_BR"))
        form.name = "Lembrete"
        form.channel = "sms"
        form.body = "Olá, {{ customer }}. Não identificamos o pagamento da fatura de {{ month }}. Está tudo bem?"
        script = form.save()
        self.assertEqual(script._tone_findings(), [])
        self.assertEqual(script.tone_state, "ok")
        self.level_first.with_user(self.manager).write({"send_sms": True, "sms_script_id": script.id})

    def test_plural_of_a_flagged_word_is_flagged(self):
        script = self.make_script("sms", "Hello, {{ customer }}. Pay what you owe, deadbeats.")
        self.assertIn("humiliating", {finding.code for _langs, finding in script._tone_findings()})
        self.assertEqual(script.tone_state, "blocked")

    def test_saving_a_used_script_as_blocked_warns_that_the_levels_lose_it(self):
        self.manager_edits_templates()
        script = self.make_script("sms", "Hello, {{ customer }}. Your invoice {{ invoices }} is open.")
        self.level_first.write({"send_sms": True, "sms_script_id": script.id})
        self.assertFalse(self.level_first.tone_warning)
        form = Form(script.with_user(self.manager))
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.body = "Hello, {{ customer }}. LAST WARNING: we will expose your name."
        self.assertIn("lose it", logs.output[0])
        self.assertIn(self.level_first.name, logs.output[0])
        self.assertIn("SMS are not sent", logs.output[0])
        form.save()
        self.assertEqual(script.tone_state, "blocked")
        # The level shows that it lost its text, on its form.
        level_form = Form(self.level_first.with_user(self.manager))
        self.assertIn("blocked by the tone check", level_form.tone_warning)
        self.assertIn(script.name, level_form.tone_warning)

        # A text that was blocked already, or a script no level uses, gives no new warning.
        with self.assertNoLogs("odoo.tests.form.onchange", "WARNING"):
            form.body = "Hello, {{ customer }}. LAST WARNING: we will expose you."
            Form(self.make_script("sms", "Hello.").with_user(self.manager)).body = "LAST WARNING!!!"
