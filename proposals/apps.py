from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Kataloger og forslag")

    def ready(self):
        from . import services, signals

        # Every "look again" marks the catalogue changed, in the transaction that changed it.
        signals.catalogue_changed.connect(
            lambda sender, catalogue_id, **kwargs: services.mark_changed(catalogue_id),
            weak=False,
            dispatch_uid="proposals_change_mark",
        )
