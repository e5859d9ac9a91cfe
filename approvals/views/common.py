"""What every workflow page shares: finding the catalogue, the sub-navigation, the buttons."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.utils.translation import gettext as _

from .. import policy, transitions
from ..models import CatalogueProcess


def process_or_404(request, slug):
    """The catalogue and its process; 404 when it does not exist or the user may not see it."""
    # One read for both; a catalogue without a process has no workflow pages.
    process = CatalogueProcess.objects.select_related("catalogue__department").filter(catalogue__slug=slug).first()
    if process is None or not policy.user_has_permission(request.user, "process.view", process):
        raise Http404(_("Kataloget findes ikke."))
    return process.catalogue, process


def page_links(user, process):
    """Which of the catalogue's workflow pages the user may open (for the sub-navigation)."""
    return {
        "hmu": policy.user_has_permission(user, "process.view_hmu_page", process),
        "signoff": policy.user_has_permission(user, "process.view_signoff_page", process),
    }


@dataclass
class FigureRow:
    """A proposal with its yearly figures (internal convention; templates convert with |amount)."""

    proposal: object
    figures: list  # [{"year", "amount", "fte"}]
    has_fte: bool


def figure_rows(overview, rows_of=None, only=None):
    """FigureRows of ``overview``'s rows (or of ``rows_of``, some of them: a page; ``only``: of
    these proposal ids)."""
    rows = []
    for row in overview.rows if rows_of is None else rows_of:
        if only is not None and row.proposal.pk not in only:
            continue
        figures = [{"year": y, "amount": row.net.get(y), "fte": row.fte.get(y)} for y in overview.years]
        rows.append(FigureRow(row.proposal, figures, any(f["fte"] is not None for f in figures)))
    return rows


def page_context(request, catalogue, process, active, **extra):
    return {
        "catalogue": catalogue,
        "process": process,
        "active": active,
        "links": page_links(request.user, process),
        **extra,
    }


def say_refusal(request, exc):
    messages.error(request, exc.message)


def allowed_rule_names(user, process):
    """The names of the rules whose buttons ``user`` sees on ``process``'s pages."""
    return {rule.name for rule in transitions.allowed(process, user)}


def button_forms(process, allowed, bound, *rules):
    """{``<prefix>_form``: form} for each of ``rules`` the user may take now on ``process`` (its
    button); a bound form in ``bound`` (shown again with its errors) wins over a new one."""
    return {
        rule.form_name: bound.get(rule.form_name) or rule.form(prefix=rule.prefix, process=process)
        for rule in rules
        if rule.name in allowed
    }


def form_as_typed(rule, data, process):
    """``rule``'s button form, unbound (no errors: its button was not pressed), showing its
    fields as posted in ``data`` (a page whose buttons share one form shows them again so)."""
    form = rule.form(prefix=rule.prefix, process=process)
    form.initial = {name: data[form.add_prefix(name)] for name in form.fields if form.add_prefix(name) in data}
    return form
