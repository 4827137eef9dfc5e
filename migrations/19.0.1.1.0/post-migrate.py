"""19.0.1.1.0: the shipped levels get the shipped scripts.

The level records of the shipped plans are ``noupdate``: an upgrade does not apply
the script links of ``data/collections_script_data.xml`` to them. Link each empty
script field of a shipped level to its shipped script, as a fresh install does.
"""

from odoo import SUPERUSER_ID, api

LEVELS = ("pre_due", "first", "second", "call", "letter", "negotiation", "protest")
CHANNELS = ("call", "sms", "whatsapp", "letter")


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    for kind in ("person", "company"):
        for name in LEVELS:
            level = env.ref(f"collections_addon.collections_level_{kind}_{name}", raise_if_not_found=False)
            if not level:
                continue
            values = {}
            for channel in CHANNELS:
                script = env.ref(
                    f"collections_addon.collections_script_{kind}_{name}_{channel}", raise_if_not_found=False
                )
                if script and not level[f"{channel}_script_id"]:
                    values[f"{channel}_script_id"] = script.id
            if values:
                level.write(values)
