"""django-axes (the login lockout, accounts/lockout.py) under a Danish name in the admin: its
own AppConfig would show "Axes". Its models' and fields' names are Danish from locale/da."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Loginforsøg og spærringer")
