if __name__.startswith("odoo.addons."):
    from . import test_followup_run  # noqa: F401
