"""The collector's side of collections contacts: adding a contact on the customer's form, reading the preview."""

from odoo.tests import Form


class ContactsMixin:
    """For test cases with ``self.collector`` and ``self.company`` (``CollectionsCase``)."""

    @classmethod
    def setup_languages(cls):
        """Portuguese next to English, with the module's pt_BR terms loaded (the mails are checked in both)."""
        cls.env["res.lang"]._activate_lang("pt_BR")
        cls.env["ir.module.module"].search([("name", "=", "collections_addon")])._update_translations(["pt_BR"])
        cls.languages = dict(cls.env["res.lang"].get_installed())

    def add_contact(self, customer, name, lang, phone=None, collections=False, address_type="contact"):
        """The collector adds a contact in the customer's Contacts & Addresses tab, then sets its language on
        the contact's own form."""
        form = Form(customer.with_user(self.collector))
        with form.child_ids.new() as line:
            line.type = address_type
            line.name = name
            line.email = f"{name.lower().replace(' ', '.')}@customer.example"
            line.phone = phone or False
            line.collections_contact = collections
        form.save()
        contact = customer.child_ids.filtered(lambda child: child.name == name)
        contact_form = Form(contact.with_user(self.collector))
        contact_form.lang = lang
        contact_form.save()
        return contact

    def preview_line(self, customer):
        action = customer.with_user(self.collector).with_company(self.company).action_collections_preview()
        return self.env["collections.preview"].with_user(self.collector).browse(action["res_id"]).line_ids
