# Odoo loads this package as odoo.addons.collections_addon; pytest imports it too on its way to
# tests/engine, where the pure-Python engine must run without Odoo installed.
if __name__.startswith("odoo.addons."):
    from .collections_addon import controllers, models, wizards
