"""``catalogue_changed``: "something in this catalogue was saved or deleted, look again".

Sent with ``catalogue_id`` after every save or delete of a catalogue's rows. It carries no
details on purpose: listeners compare states (snapshots), so bulk updates, which send no
signals, are found by a periodic comparison instead. ``proposals`` never imports the
listeners; ``approvals`` connects to this signal."""

from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal

from .models import (
    BreakdownLine,
    BreakdownLineYear,
    Catalogue,
    CatalogueYear,
    FollowUpGoal,
    Proposal,
    ProposalYear,
    Theme,
)

catalogue_changed = Signal()  # kwargs: catalogue_id


def _proposal_catalogue_id(proposal_id):
    return Proposal.objects.filter(pk=proposal_id).values_list("catalogue_id", flat=True).first()


def _line_catalogue_id(line_id):
    return BreakdownLine.objects.filter(pk=line_id).values_list("proposal__catalogue_id", flat=True).first()


def _catalogue_id(instance):
    """The catalogue an instance belongs to, without loading more than needed.

    During a cascade delete the parents may be gone already; then their own signal
    covers the change and this returns None."""
    if isinstance(instance, Catalogue):
        return instance.pk
    if isinstance(instance, (CatalogueYear, Theme, Proposal)):
        return instance.catalogue_id
    if isinstance(instance, (ProposalYear, BreakdownLine, FollowUpGoal)):
        cached = instance._state.fields_cache.get("proposal")
        return cached.catalogue_id if cached is not None else _proposal_catalogue_id(instance.proposal_id)
    if isinstance(instance, BreakdownLineYear):
        return _line_catalogue_id(instance.line_id)
    return None


def _changed(sender, instance, **kwargs):
    if kwargs.get("raw"):  # loaddata: fixtures are not edits
        return
    try:
        catalogue_id = _catalogue_id(instance)
    except ObjectDoesNotExist:
        return
    if catalogue_id is not None:
        catalogue_changed.send(sender=sender, catalogue_id=catalogue_id)


WATCHED_MODELS = (
    Catalogue,
    CatalogueYear,
    Theme,
    Proposal,
    ProposalYear,
    BreakdownLine,
    BreakdownLineYear,
    FollowUpGoal,
)

for _model in WATCHED_MODELS:
    post_save.connect(_changed, sender=_model, dispatch_uid=f"catalogue_changed_save_{_model.__name__}")
    post_delete.connect(_changed, sender=_model, dispatch_uid=f"catalogue_changed_delete_{_model.__name__}")
