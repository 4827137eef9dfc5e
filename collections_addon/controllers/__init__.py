from . import pay_link, portal, whatsapp
