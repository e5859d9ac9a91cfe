"""The workflow's signal, and receivers connected in ApprovalsConfig.ready()."""

from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.utils.translation import gettext as _

from .models import CatalogueProcess

# Sent by services.perform after the step's transaction has committed (never for a refused or
# rolled-back step), as django-oscar's ``order_status_changed``. Keyword arguments: ``process``,
# ``old_state``, ``new_state``, ``transition`` (the Transition row) and ``rule``
# (transitions.Rule). Receivers are called with ``send_robust``: one failing receiver (e.g. the
# broker is down) neither undoes the committed step nor keeps the others from running.
# The e-mails do not follow it: they are written to the outbox inside the step's transaction.
process_state_changed = Signal()


def create_process_for_new_catalogue(sender, instance, created, raw=False, **kwargs):
    """Every catalogue has a process (draft) from the start; migration 0005 and
    services.ensure_processes cover older rows."""
    if created and not raw:
        CatalogueProcess.objects.get_or_create(catalogue=instance)


def refuse_signoff_change(sender, instance, raw=False, **kwargs):
    """A sign-off record is immutable: it is what was decided and what later memos compare against."""
    if instance.pk and not raw and sender.objects.filter(pk=instance.pk).exists():
        raise ValidationError(_("En godkendelse kan ikke ændres."))
