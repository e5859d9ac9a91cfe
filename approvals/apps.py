from django.apps import AppConfig
from django.db.models.signals import post_migrate, post_save, pre_save
from django.utils.translation import gettext_lazy as _

from config.cache import create_cache_table


class ApprovalsConfig(AppConfig):
    name = "approvals"
    verbose_name = _("Godkendelse")

    def ready(self):
        from proposals.models import Catalogue

        from . import (
            panels,
            policy,
            signals,
            tasks,  # noqa: F401  (the outbox's receiver hands e-mail rows to the worker)
        )
        from .memos import hooks as memo_hooks  # noqa: F401  (memo panels; "look again" on changes)
        from .models import SignOff

        post_save.connect(
            signals.create_process_for_new_catalogue, sender=Catalogue, dispatch_uid="approvals_catalogue_process"
        )
        # The shared cache's table (the admin import between two web servers; config.cache).
        post_migrate.connect(create_cache_table, sender=self, dispatch_uid="approvals_cache_table")
        pre_save.connect(signals.refuse_signoff_change, sender=SignOff, dispatch_uid="approvals_signoff_immutable")
        panels.register()  # the workflow panel on the catalogue page
        policy.register()  # who may see which catalogue and administer which department

        from proposals.hooks import register_admin_notice, register_change_telling, register_saved_change_notice

        from .admin_notices import changes_are_told, saved_change_notices, workflow_notices

        register_admin_notice(workflow_notices)
        register_change_telling(changes_are_told)
        register_saved_change_notice(saved_change_notices)
