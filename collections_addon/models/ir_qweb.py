"""One compilation of an inline template for every record of a batch.

``mail.render.mixin`` renders an inline QWeb body (a ``mail.template``'s, a
script's) record by record, and QWeb compiles an inline template again at each
render: on a run of thousands of e-mails the compilation costs more than the
rendering. Inside ``with_context(collections_compiled_templates={})`` a template
is compiled once per source and compile options, and reused for the next records.
"""

from lxml import etree

from odoo import models

# Options of the render that change the compiled code, besides QWeb's own cache keys.
_COMPILE_OPTIONS = ("raise_on_forbidden_code_for_model",)


class IrQweb(models.AbstractModel):
    _inherit = "ir.qweb"

    def _compile(self, template):
        compiled = self.env.context.get("collections_compiled_templates")
        if compiled is None or not isinstance(template, etree._Element):
            return super()._compile(template)
        context = self.env.context
        key = (
            etree.tostring(template),
            tuple(context.get(name) or False for name in (*self._get_template_cache_keys(), *_COMPILE_OPTIONS)),
        )
        if key not in compiled:
            compiled[key] = super()._compile(template)
        return compiled[key]
