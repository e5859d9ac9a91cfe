"""Writing one parsed proposal's figures: its years and its lines are made to say what the
file says. Rows are updated in place (a line by its position), so the figure history shows
each figure's before and after; every row written has its history row."""

from ..history import create_with_history
from ..models import BreakdownLine, BreakdownLineYear, ProposalYear


def save_figures(instance, parsed):
    """Make the saved proposal ``instance`` have the years and lines of ``parsed``."""
    sync_years(
        ProposalYear,
        {"proposal": instance},
        list(instance.years.all()),
        {y: {"net_amount": amount, "fte": parsed.fte.get(y)} for y, amount in parsed.net.items()},
    )
    existing_lines = list(instance.lines.prefetch_related("years"))
    for position, line in enumerate(parsed.lines, start=1):
        values = {"position": position, "text": line.text, "counts_toward_net": line.counts_toward_net}
        saved = existing_lines.pop(0) if existing_lines else None
        if saved is None:
            saved = BreakdownLine.objects.create(proposal=instance, **values)
            old_years = []
        else:
            save_if_changed(saved, values)
            old_years = list(saved.years.all())
        sync_years(BreakdownLineYear, {"line": saved}, old_years, {y: {"amount": a} for y, a in line.amounts.items()})
    for extra in existing_lines:
        extra.delete()


def save_if_changed(obj, values):
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    for k in changed:
        setattr(obj, k, values[k])
    if changed:
        obj.save(update_fields=changed)


def sync_years(model, parent, existing, wanted):
    """Make ``existing`` year rows say ``wanted`` ({year: {field: value}}): update the rows
    that differ, create the missing ones, delete the rest. Every write has its history row."""
    by_year = {row.year: row for row in existing}
    new = []
    for year, values in sorted(wanted.items()):
        row = by_year.pop(year, None)
        if row is None:
            new.append(model(**parent, year=year, **values))
        else:
            save_if_changed(row, values)
    for row in by_year.values():
        row.delete()
    create_with_history(model, new)
