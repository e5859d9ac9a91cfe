"""Receivers of the workflow app, connected in ApprovalsConfig.ready()."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import CatalogueProcess


def create_process_for_new_catalogue(sender, instance, created, raw=False, **kwargs):
    """Every catalogue has a process (draft) from the start; migration 0005 and
    services.ensure_processes cover older rows."""
    if created and not raw:
        CatalogueProcess.objects.get_or_create(catalogue=instance)


def refuse_signoff_change(sender, instance, raw=False, **kwargs):
    """A sign-off record is immutable: it is what was decided and what later memos compare against."""
    if instance.pk and not raw and sender.objects.filter(pk=instance.pk).exists():
        raise ValidationError(_("En godkendelse kan ikke ændres."))
