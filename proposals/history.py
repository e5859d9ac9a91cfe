"""The history of every figure and text: who changed what, when, and as part of what.

Each tracked model (catalogue, catalogue year, proposal, proposal year, breakdown line, line
year) carries ``history = FigureHistory()``, django-simple-history's ``HistoricalRecords``:
every save and delete writes a full copy of the row to its historical table with the user,
the time and a reason. Field-by-field changes are computed when read
(``proposals.history_selectors``).

Who and why come from the path that writes:

- the admin wraps its views in ``recording(user=request.user, reason=ADMIN_REASON)``
  (``proposals.admin_history.FigureHistoryAdmin``); ``simple_history``'s request middleware
  supplies the user to any other web request;
- an import (admin or command line) records ``import_reason(file name)`` and the importing
  user (``proposals.spreadsheets.importer.CatalogueImport.run``);
- the seed loader records ``seed_reason(...)`` and the ``--user`` of the command.

Rows written with ``bulk_create`` send no signals; the importer creates rows through
``create_with_history`` instead, so nothing is written without its history row.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record
from simple_history.utils import bulk_create_with_history


@dataclass(frozen=True)
class _Context:
    user: object = None
    reason: str = ""
    stated: bool = False  # the reason was written by the person making the change


_NONE = _Context()
_current = contextvars.ContextVar("proposals_history_context", default=None)


def _context():
    return _current.get() or _NONE


def _real_user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) and user.pk else None


@contextmanager
def recording(*, user=None, reason="", stated=False):
    """Within the block, history rows name ``user`` and ``reason``.

    ``stated``: the reason is the administrator's own words for the change (it goes into the
    memo next to the change), not the path's automatic label. An enclosing block wins where
    it names them (the seed loader's reason covers the imports it runs); this block fills in
    what the enclosing one left blank."""
    outer = _context()
    if outer.reason:
        reason, stated = outer.reason, outer.stated
    token = _current.set(_Context(user=outer.user or _real_user(user), reason=reason or "", stated=stated))
    try:
        yield
    finally:
        _current.reset(token)


def current_user():
    return _context().user


def current_reason():
    return _context().reason or None


class StatedReason(models.Model):
    """Added to every historical model: whether its reason is a person's own words."""

    reason_stated = models.BooleanField(default=False)

    class Meta:
        abstract = True


def _mark_stated_reason(sender, history_instance, **kwargs):
    if isinstance(history_instance, StatedReason):
        history_instance.reason_stated = _context().stated and bool(_context().reason)


pre_create_historical_record.connect(_mark_stated_reason, dispatch_uid="proposals_stated_reason")


def user_named(username):
    """The user a command line ``--user`` names; None for no name. Raises LookupError."""
    if not username:
        return None
    user = get_user_model()._default_manager.filter(username=username).first()
    if user is None:
        raise LookupError(username)
    return user


def import_reason(file_name):
    name = str(file_name or "").replace("\\", "/").rsplit("/", 1)[-1]
    return gettext("Import af %(file)s") % {"file": name} if name else gettext("Import af regneark")


def seed_reason(file_name, *, reset):
    if reset:
        return gettext("Seed-katalog nulstillet fra %(file)s") % {"file": file_name}
    return gettext("Seed-katalog indlæst fra %(file)s") % {"file": file_name}


def admin_reason():
    return gettext("Rettet i administrationen")


class FigureHistory(HistoricalRecords):
    """``HistoricalRecords`` that falls back on the ``recording`` block for user and reason."""

    def __init__(self, **kwargs):
        kwargs.setdefault("history_change_reason_field", models.TextField(null=True))
        kwargs.setdefault("bases", [StatedReason])
        super().__init__(**kwargs)

    def get_history_user(self, instance):
        if not hasattr(instance, "_history_user") and current_user() is not None:
            return current_user()
        return super().get_history_user(instance)

    def get_change_reason_for_object(self, instance, history_type, using):
        return super().get_change_reason_for_object(instance, history_type, using) or current_reason()


def create_with_history(model, objs):
    """``bulk_create`` that also writes the history rows (user and reason of the block)."""
    objs = list(objs)
    if not objs:
        return []
    return bulk_create_with_history(objs, model, default_user=current_user(), default_change_reason=current_reason())
