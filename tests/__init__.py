if __name__.startswith("odoo.addons."):
    from . import test_followup_run, test_mail_delivery  # noqa: F401
