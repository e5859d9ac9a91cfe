from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Kataloger og forslag")

    def ready(self):
        from . import signals  # noqa: F401  (connects the catalogue_changed senders)
