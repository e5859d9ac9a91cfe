from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Konti og log ind")

    def ready(self):
        from . import lockout, password_reset

        lockout.connect()
        password_reset.register()
