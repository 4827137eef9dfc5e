from . import pay_link, portal, portal_invoice, whatsapp
