"""19.0.1.4.0: protests named by their title until sent; customer documents say what the customer needs.

- A protest has no reference until it is sent to the notary: drafts (and proposals discarded
  before going to the notary) were all called "New"; they are now named by their title and
  customer, and their reference is empty until the notary's sequence gives one.
- The statement template and the shipped levels are ``noupdate``: an upgrade does not apply
  their new values. As a fresh install does, the statement goes to the customer's invoice
  contacts (else the customer), not to the colleagues who last wrote in its chatter (Odoo's
  default recipients); the shipped levels get a title for the customer (letter heading,
  statement history), where an administrator did not give one.
"""

from odoo import SUPERUSER_ID, api

TITLES = {
    "pre_due": "Upcoming payment",
    "first": "Payment reminder",
    "second": "Second payment reminder",
    "call": "Payment reminder",
    "letter": "Formal notice",
}


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE collections_protest SET name = NULL WHERE sent_date IS NULL")
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("collections_addon.mail_template_collections_statement", raise_if_not_found=False)
    if template and template.use_default_to and not template.partner_to:
        template.write({"use_default_to": False, "partner_to": "{{ object._collections_statement_recipient_ids() }}"})
    for kind in ("person", "company"):
        for name, title in TITLES.items():
            level = env.ref(f"collections_addon.collections_level_{kind}_{name}", raise_if_not_found=False)
            if level and not level.customer_title:
                level.customer_title = title
    # Statuses now say what holds a customer's late debt (promised, in agreement, at the notary...).
    for company in env["res.company"].search([]):
        env["collections.runner"]._refresh_company(company.id)
