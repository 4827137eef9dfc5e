"""19.0.1.4.0: a protest has no reference until it is sent to the notary.

Drafts (and proposals discarded before going to the notary) were all called "New"; they are now named by
their title and customer, and their reference is empty until the notary's sequence gives one.
"""


def migrate(cr, version):
    if not version:
        return
    cr.execute("UPDATE collections_protest SET name = NULL WHERE sent_date IS NULL")
