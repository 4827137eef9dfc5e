"""Python code of the collections addon.

Kept free of imports so that ``collections_addon.engine`` can be imported and
tested without Odoo; the module's root ``__init__`` loads the Odoo parts.
"""
