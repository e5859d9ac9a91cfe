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

Rows written in bulk send no signals; the importer writes them through
``create_with_history``, ``update_with_history`` and ``delete_with_history`` instead, which
write the history rows in bulk too (user, reason and whether it was stated), so nothing is
written without its history row.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import connections, models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


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


# Rows per statement: bulk_update's CASE grows with the batch, and SQLite limits parameters.
BULK_BATCH_SIZE = 500


def _record_history(model, ids, history_type):
    """The history rows of the rows ``ids`` as they are stored now, one ``INSERT ... SELECT``
    per batch (user, reason and whether it was stated from the ``recording`` block): the
    bulk writes record exactly what a save would, without building each row in Python."""
    if not ids:
        return
    history_model = model.history.model
    context = _context()
    user = context.user or history_model.get_default_history_user(model())
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    copied = [model._meta.get_field(f.name).column for f in history_model.tracked_fields]
    extra = {
        "history_date": connection.ops.adapt_datetimefield_value(timezone.now()),
        "history_change_reason": context.reason or None,
        "history_type": history_type,
        "history_user": user.pk if user is not None else None,
        "reason_stated": context.stated and bool(context.reason),
    }
    targets = [quote(c) for c in copied] + [quote(history_model._meta.get_field(n).column) for n in extra]
    pk = quote(model._meta.pk.column)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BULK_BATCH_SIZE):
            batch = ids[start : start + BULK_BATCH_SIZE]
            cursor.execute(
                f"INSERT INTO {quote(history_model._meta.db_table)} ({', '.join(targets)}) "
                f"SELECT {', '.join(quote(c) for c in copied)}, {', '.join(['%s'] * len(extra))} "
                f"FROM {quote(model._meta.db_table)} WHERE {pk} IN ({', '.join(['%s'] * len(batch))}) ORDER BY {pk}",
                [*extra.values(), *batch],
            )


def create_with_history(model, objs):
    """``bulk_create`` that also writes the history rows (user and reason of the block)."""
    objs = list(objs)
    if not objs:
        return []
    with transaction.atomic(savepoint=False):
        model._default_manager.bulk_create(objs, batch_size=BULK_BATCH_SIZE)
        _record_history(model, [obj.pk for obj in objs], "+")
    return objs


def update_with_history(model, objs, fields):
    """``bulk_update`` of ``fields`` that also writes a history row per object."""
    objs = list(objs)
    if objs:
        with transaction.atomic(savepoint=False):
            model._default_manager.bulk_update(objs, sorted(fields), batch_size=BULK_BATCH_SIZE)
            _record_history(model, [obj.pk for obj in objs], "~")


def delete_with_history(model, objs):
    """Delete ``objs`` in one statement per batch, each with its history row.

    The objects' own children must be deleted first: the rows are deleted as they are,
    without Django's cascade, whose per-object signals would write the history row by row."""
    ids = [obj.pk for obj in objs]
    if ids:
        with transaction.atomic(savepoint=False):
            _record_history(model, ids, "-")
            for start in range(0, len(ids), BULK_BATCH_SIZE):
                queryset = model._default_manager.filter(pk__in=ids[start : start + BULK_BATCH_SIZE])
                queryset._raw_delete(queryset.db)
