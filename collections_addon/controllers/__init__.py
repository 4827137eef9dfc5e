from . import portal, whatsapp
