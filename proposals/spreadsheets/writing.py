"""Writing the proposals an import changes, in bulk: every proposal, year row, line and line
year is compared with what is stored, and the differences are written kind by kind (one
``bulk_create``, ``bulk_update`` and delete per kind), each with its history rows. Rows are
updated in place (a line by its position), so the figure history shows each figure's before
and after. The number of queries does not grow with the number of rows (only the batches)."""

from collections import defaultdict

from django.db.models import F

from ..history import BULK_BATCH_SIZE, create_with_history, delete_with_history, update_with_history
from ..models import BreakdownLine, BreakdownLineYear, Proposal, ProposalYear


class StoredRows:
    """The catalogue's proposals with their year rows, lines and line years, in four queries."""

    def __init__(self, catalogue):
        self.proposals = {p.code: p for p in Proposal.objects.filter(catalogue=catalogue)}
        self.years = defaultdict(list)  # proposal id -> [ProposalYear]
        for row in ProposalYear.objects.filter(proposal__catalogue=catalogue):
            self.years[row.proposal_id].append(row)
        self.lines = defaultdict(list)  # proposal id -> [BreakdownLine] by position
        for line in BreakdownLine.objects.filter(proposal__catalogue=catalogue).order_by("position", "id"):
            self.lines[line.proposal_id].append(line)
        self.line_years = defaultdict(list)  # line id -> [BreakdownLineYear]
        for row in BreakdownLineYear.objects.filter(line__proposal__catalogue=catalogue):
            self.line_years[row.line_id].append(row)


class Writes:
    """The rows to create, update (with the fields that differ) and delete, per model."""

    def __init__(self):
        self.created = defaultdict(list)
        self.updated = defaultdict(dict)  # model -> {id(obj): obj}
        self.fields = defaultdict(set)
        self.deleted = defaultdict(list)

    def create(self, obj):
        self.created[type(obj)].append(obj)

    def update_if_changed(self, obj, values):
        changed = [k for k, v in values.items() if getattr(obj, k) != v]
        for k in changed:
            setattr(obj, k, values[k])
        if changed:
            self.updated[type(obj)][id(obj)] = obj
            self.fields[type(obj)].update(changed)
        return bool(changed)

    def delete(self, obj):
        self.deleted[type(obj)].append(obj)

    def flush(self):
        """Parents before children; a deleted line's years before the line."""
        self._write(Proposal)
        self._write(ProposalYear)
        delete_with_history(BreakdownLineYear, self.deleted.pop(BreakdownLineYear, []))
        self._write(BreakdownLine)
        self._write(BreakdownLineYear)

    def _write(self, model):
        delete_with_history(model, self.deleted.pop(model, []))
        update_with_history(model, self.updated.pop(model, {}).values(), self.fields.pop(model, ()))
        create_with_history(model, self.created.pop(model, []))


def write_proposals(catalogue, parsed_proposals, theme_for, *, stored_codes):
    """Make the catalogue's proposals say what ``parsed_proposals`` (ParsedProposal) say;
    ``theme_for(title)`` gives the Theme (or None), ``stored_codes`` are the codes the
    catalogue has. Returns [(proposal, created)] in order."""
    if not parsed_proposals:
        return []
    # Only an update needs the stored rows (a new catalogue's import reads nothing).
    stored = StoredRows(catalogue) if any(p.code in stored_codes for p in parsed_proposals) else None
    writes = Writes()
    saved = []
    for parsed in parsed_proposals:
        instance = stored.proposals.get(parsed.code) if stored else None
        theme = theme_for(parsed.theme_title)
        values = {"position": parsed.position, "theme_id": theme.pk if theme else None, **parsed.values}
        if instance is None:
            instance = Proposal(catalogue=catalogue, code=parsed.code, **values)
            writes.create(instance)
            saved.append((instance, True))
        else:
            writes.update_if_changed(instance, values)
            saved.append((instance, False))
        _plan_figures(instance, parsed, stored, writes)
    writes.flush()
    # A proposal changed in place is a new version: an admin form opened before is refused.
    changed = [p.pk for p, created in saved if not created]
    for start in range(0, len(changed), BULK_BATCH_SIZE):
        Proposal.objects.filter(pk__in=changed[start : start + BULK_BATCH_SIZE]).update(version=F("version") + 1)
    return saved


def _plan_figures(instance, parsed, stored, writes):
    """The year rows and lines of one proposal, made to say what ``parsed`` says."""
    existing_years = stored.years.get(instance.pk, []) if stored and instance.pk else []
    _plan_years(
        ProposalYear,
        {"proposal": instance},
        existing_years,
        {y: {"net_amount": amount, "fte": parsed.fte.get(y)} for y, amount in parsed.net.items()},
        writes,
    )
    existing_lines = list(stored.lines.get(instance.pk, [])) if stored and instance.pk else []
    for position, line in enumerate(parsed.lines, start=1):
        values = {"position": position, "text": line.text, "counts_toward_net": line.counts_toward_net}
        saved = existing_lines.pop(0) if existing_lines else None
        if saved is None:
            saved = BreakdownLine(proposal=instance, **values)
            writes.create(saved)
            old_years = []
        else:
            writes.update_if_changed(saved, values)
            old_years = stored.line_years.get(saved.pk, [])
        _plan_years(
            BreakdownLineYear, {"line": saved}, old_years, {y: {"amount": a} for y, a in line.amounts.items()}, writes
        )
    for extra in existing_lines:
        for row in stored.line_years.get(extra.pk, []):
            writes.delete(row)
        writes.delete(extra)


def _plan_years(model, parent, existing, wanted, writes):
    """Make ``existing`` year rows say ``wanted`` ({year: {field: value}}): update the rows
    that differ, create the missing ones, delete the rest."""
    by_year = {row.year: row for row in existing}
    for year, values in sorted(wanted.items()):
        row = by_year.pop(year, None)
        if row is None:
            writes.create(model(**parent, year=year, **values))
        else:
            writes.update_if_changed(row, values)
    for row in by_year.values():
        writes.delete(row)
