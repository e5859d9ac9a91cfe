"""Reading the history of every figure (``proposals.history``) as plain rows.

Each row is one field of one object changed at one time: when (local time), who, what
(the catalogue or a proposal, a breakdown line, a year), which field (its Danish name),
before and after (amounts and staffing in the catalogue's own sign convention and Danish
number format, as every page shows figures) and the reason (the import file, the admin,
the seed loader). The history keeps whole rows; the fields that changed are found here by
comparing each historical row with the one before it.

Every function reads a fixed number of queries, however long the history (one per tracked
model, plus the names of proposals and lines)."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from functools import cache

from django.db.models import Max, Q
from django.utils import formats, timezone
from django.utils.translation import gettext

from .models import (
    BreakdownLine,
    BreakdownLineYear,
    BudgetAgreement,
    Catalogue,
    CatalogueYear,
    Department,
    Proposal,
    ProposalYear,
    Theme,
)
from .numbers import format_amount, format_decimal

# Written by migration 0003 for the rows that existed when the history started: only the
# "before" of their first change, not a change themselves.
BASELINE_REASON = "Historikkens udgangspunkt"

AMOUNT_FIELDS = {"target", "net_amount", "amount"}
FTE_FIELDS = {"stated_fte_total", "fte"}
# Identity and order, not figures or texts: never listed as a change.
NOT_SHOWN = {"id", "catalogue", "proposal", "line", "position"}
# What a created or deleted row is shown by.
SUMMARY_FIELDS = {
    Catalogue: ("title",),
    CatalogueYear: ("target", "stated_fte_total"),
    Proposal: ("title",),
    ProposalYear: ("net_amount", "fte"),
    BreakdownLine: ("text",),
    BreakdownLineYear: ("amount",),
}
ORDER = (Catalogue, CatalogueYear, Proposal, ProposalYear, BreakdownLine, BreakdownLineYear)


class _ReasonOnly:
    """The "field" of a save that changed nothing but stated its reason."""

    name = ""
    is_relation = False
    choices = None

    @property
    def verbose_name(self):
        return gettext("begrundelse (intet felt ændret ved denne gemning)")


REASON_ONLY = _ReasonOnly()


@dataclass
class FigureChange:
    when: datetime
    when_text: str
    who: str
    what: str
    proposal_id: int | None
    year: int | None
    field: str
    before: str
    after: str
    action: str  # "created", "changed", "deleted"; "reason": a save that only gave a reason
    reason: str
    reason_stated: bool = False  # the administrator's own words (shown in the memo)
    code: str = ""  # the proposal's code; "" for the catalogue itself
    row: tuple = ()  # (model label, pk) of the row that changed
    field_name: str = ""  # the model field's name ("" for a reason-only save)


def figure_history(proposal, *, limit=None, line_ids=None):
    """Every recorded change of a proposal, its years, lines and line years; newest first.

    ``line_ids``: the ids of the proposal's lines now, when the caller has them (the proposal
    page); the line years are then read by id, and not at all when no line ever existed."""
    lines = Q(proposal_id=proposal.pk)
    scopes = {Proposal: Q(id=proposal.pk), ProposalYear: Q(proposal_id=proposal.pk), BreakdownLine: lines}
    records = {model: _records(model, scope, None) for model, scope in scopes.items()}
    if line_ids is None:
        line_years = Q(line_id__in=_history_model(BreakdownLine).objects.filter(lines).values("id")) | Q(
            line_id__in=BreakdownLine.objects.filter(lines).values("id")
        )
        records[BreakdownLineYear] = _records(BreakdownLineYear, line_years, None)
    else:
        # All of the lines' historical rows are read anyway: their last rows name them.
        ids = {record.id for record in records[BreakdownLine]}.union(line_ids)
        records[BreakdownLineYear] = _records(BreakdownLineYear, Q(line_id__in=sorted(ids)), None) if ids else []
    return _changes_of(proposal.catalogue, records, None, limit, {proposal.pk: proposal}, None)


def line_history(line, *, limit=None):
    """Every recorded change of one breakdown line and its years; newest first."""
    scopes = {BreakdownLine: Q(id=line.pk), BreakdownLineYear: Q(line_id=line.pk)}
    proposal = line.proposal
    return _changes(proposal.catalogue, scopes, None, limit, {proposal.pk: proposal}, {line.pk: line})


def catalogue_changes_since(catalogue, when=None, *, limit=None, proposals_too=True):
    """Every change in a catalogue (its own facts and years and, with ``proposals_too``,
    its proposals, their years, lines and line years) at or after ``when`` (an aware
    datetime; None: since the history started); newest first."""
    scopes = {Catalogue: Q(id=catalogue.pk), CatalogueYear: Q(catalogue_id=catalogue.pk)}
    proposals, lines = {}, {}
    if proposals_too:
        # Proposals and lines of the catalogue now, and those deleted since.
        recorded = _history_model(Proposal).objects.filter(catalogue_id=catalogue.pk).values("id")
        # Subqueries, not joins: a join would drop the rows of deleted proposals and lines.
        current = Proposal.objects.filter(catalogue_id=catalogue.pk).values("id")
        in_catalogue = Q(proposal_id__in=recorded) | Q(proposal_id__in=current)
        recorded_lines = _history_model(BreakdownLine).objects.filter(in_catalogue).values("id")
        current_lines = BreakdownLine.objects.filter(proposal__catalogue_id=catalogue.pk).values("id")
        scopes |= {
            Proposal: Q(catalogue_id=catalogue.pk),
            ProposalYear: in_catalogue,
            BreakdownLine: in_catalogue,
            BreakdownLineYear: Q(line_id__in=recorded_lines) | Q(line_id__in=current_lines),
        }
        proposals = _names(Proposal, Q(catalogue_id=catalogue.pk), ("code", "title"))
        lines = _line_names(in_catalogue)
    return _changes(catalogue, scopes, when, limit, proposals, lines)


def stated_reasons_since(catalogue, when):
    """The reasons administrators wrote for their changes at or after ``when``, by proposal
    code ("" for the catalogue's own facts), oldest first, each reason once per code."""
    reasons = {}
    for change in reversed(catalogue_changes_since(catalogue, when)):
        if change.reason_stated and change.reason not in reasons.setdefault(change.code, []):
            reasons[change.code].append(change.reason)
    return {code: texts for code, texts in reasons.items() if texts}


# --------------------------------------------------------------------------- internals


@cache
def _history_model(model):
    # Cached: simple_history's ``model.history`` builds a new manager class on every access
    # (a fifth of the proposal page's history reads).
    return model.history.model


def _records(model, scope, when):
    """The historical rows in scope (at or after ``when``), each object's last row before
    ``when`` as the "before" of its first change since; ordered by object and time."""
    qs = _history_model(model).objects.filter(scope)
    if when is not None:
        changed_since = qs.filter(history_date__gte=when).values("id")
        last_before = (
            qs.filter(history_date__lt=when, id__in=changed_since)
            .order_by()
            .values("id")
            .annotate(last=Max("history_id"))
            .values("last")
        )
        qs = qs.filter(Q(history_date__gte=when) | Q(history_id__in=last_before))
    return list(qs.select_related("history_user").order_by("id", "history_id"))


def _names(model, scope, fields):
    """Each object in scope by id, with ``fields``: as it is now or, if deleted, as it was
    last (one query)."""
    history = _history_model(model).objects
    last = history.filter(scope).order_by().values("id").annotate(last=Max("history_id")).values("last")
    found = {row.id: row for row in history.filter(history_id__in=last).only("id", *fields)}
    found |= {obj.pk: obj for obj in model.objects.filter(scope).only("id", *fields)}
    return found


def _line_names(scope):
    return _names(BreakdownLine, scope, ("proposal_id", "text"))


def _changes(catalogue, scopes, when, limit, proposal_rows, line_rows):
    records = {model: _records(model, scope, when) for model, scope in scopes.items()}
    return _changes_of(catalogue, records, when, limit, proposal_rows, line_rows)


def _changes_of(catalogue, records, when, limit, proposal_rows, line_rows):
    if line_rows is None:
        line_rows = {record.id: record for record in records[BreakdownLine]}  # ordered: the last wins
    names = _Names(catalogue, records)
    changes = []
    for rank, model in enumerate(ORDER):
        previous = None
        for record in records.get(model, ()):
            before = previous if previous is not None and previous.id == record.id else None
            previous = record
            if when is not None and record.history_date < when:
                continue  # only the "before" of a change since
            if record.history_type == "+" and record.history_change_reason == BASELINE_REASON:
                continue
            found = _field_changes(model, before, record)
            if not found and record.reason_stated and record.history_change_reason:
                # Saved with a reason and no figure or text changed (a reason added or corrected
                # in a second save): the reason belongs to the change all the same.
                found = [(REASON_ONLY, None, None, "reason")]
            for field, old, new, action in found:
                changes.append(
                    (
                        record.history_date,
                        -rank,
                        record.history_id,
                        _row(catalogue, model, record, field, old, new, action, names, proposal_rows, line_rows),
                    )
                )
    changes.sort(key=lambda item: item[:3], reverse=True)
    rows = [item[3] for item in changes]
    return rows[:limit] if limit is not None else rows


def _shown_fields(model):
    kept = {f.attname for f in _history_model(model)._meta.concrete_fields}
    return [f for f in model._meta.concrete_fields if f.name not in NOT_SHOWN and f.attname in kept]


def _field_changes(model, before, record):
    """(field, old value, new value, action) of one historical row against the one before."""
    if record.history_type == "-":
        return [
            (model._meta.get_field(n), getattr(record, _attname(model, n)), None, "deleted") for n in _summary(model)
        ]
    if record.history_type == "+" or before is None:
        # Created; or changed, but written before its history started (the value before is
        # unknown): what it says now.
        action = "created" if record.history_type == "+" else "changed"
        fields = [model._meta.get_field(n) for n in _summary(model)]
        return [
            (f, None, getattr(record, f.attname), action)
            for f in fields
            if getattr(record, f.attname) not in ("", None)
        ]
    return [
        (f, getattr(before, f.attname), getattr(record, f.attname), "changed")
        for f in _shown_fields(model)
        if not _same(getattr(before, f.attname), getattr(record, f.attname))
    ]


def _summary(model):
    return SUMMARY_FIELDS[model]


def _attname(model, name):
    return model._meta.get_field(name).attname


def _same(a, b):
    if isinstance(a, Decimal) and isinstance(b, Decimal):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        # A browser's CRLF line breaks and trailing spaces are not a change.
        return [ln.rstrip() for ln in a.replace("\r\n", "\n").strip().split("\n")] == [
            ln.rstrip() for ln in b.replace("\r\n", "\n").strip().split("\n")
        ]
    return a == b


class _Names:
    """Names of related objects a change shows (theme, department, agreement), loaded only
    for the kinds of change that need them."""

    def __init__(self, catalogue, records):
        self.catalogue = catalogue
        self._records = records
        self._cache = {}

    def name(self, model, pk):
        if pk is None:
            return ""
        if model not in self._cache:
            ids = set()
            attname = {Theme: "theme_id", Department: "department_id", BudgetAgreement: "agreement_id"}[model]
            for rows in self._records.values():
                ids.update(getattr(r, attname) for r in rows if hasattr(r, attname))
            self._cache[model] = {obj.pk: str(obj) for obj in model.objects.filter(pk__in=ids - {None})}
        return self._cache[model].get(pk, f"#{pk}")


def _value(catalogue, field, value, names):
    if value is None or value == "":
        return ""
    if field.name in AMOUNT_FIELDS:
        return format_amount(catalogue.to_display(value))
    if field.name in FTE_FIELDS:
        return format_decimal(catalogue.to_display(Decimal(value)))
    if field.is_relation:
        return names.name(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return gettext("ja") if value else gettext("nej")
    return str(value)


def _who(user):
    if user is None:
        return gettext("ukendt")
    return user.get_full_name() or user.get_username()


def _row(catalogue, model, record, field, old, new, action, names, proposal_rows, line_rows):
    year = getattr(record, "year", None)
    code = ""
    if model in (Catalogue, CatalogueYear):
        subject, proposal_id, line_text = gettext("Kataloget"), None, ""
    else:
        line_text = ""
        if model is Proposal:
            proposal_id = record.id
        elif model in (ProposalYear, BreakdownLine):
            proposal_id = record.proposal_id
        else:
            line = line_rows.get(record.line_id)
            proposal_id = line.proposal_id if line else None
            line_text = line.text if line else ""
        if model is BreakdownLine:
            line_text = record.text
        proposal = record if model is Proposal else proposal_rows.get(proposal_id)
        subject = f"{proposal.code} {proposal.title}" if proposal else gettext("Forslag")
        code = proposal.code if proposal else ""
    what = ", ".join(
        part
        for part in (subject, f"«{line_text}»" if line_text and field.name != "text" else "", str(year or ""))
        if part
    )
    local = timezone.localtime(record.history_date)
    return FigureChange(
        when=record.history_date,
        when_text=formats.date_format(local, "DATETIME_FORMAT"),
        who=_who(record.history_user),
        what=str(what),
        proposal_id=proposal_id,
        year=year,
        field=str(field.verbose_name),
        before=_value(catalogue, field, old, names),
        after=_value(catalogue, field, new, names),
        action=action,
        reason=record.history_change_reason or "",
        reason_stated=getattr(record, "reason_stated", False),
        code=code,
        row=(model._meta.label, record.id),
        field_name=field.name,
    )
