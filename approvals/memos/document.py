"""What a memo (notat) says, built from its stored snapshots and change list alone.

Pure presentation: no queries beyond what the caller passes in. The figures are read as a
``proposals.figures.CatalogueFigures`` from each snapshot, whose sums (totals, difference to
the target) and sign convention (the ``sign_convention`` stored in the memo's snapshot, so
an old memo reads the same forever) are the ones the catalogue pages use; formatted the
Danish way."""

import difflib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import formats
from django.utils.translation import gettext as _

from proposals.balance import Difference, check_balance
from proposals.display import unit_label
from proposals.figures import CatalogueFigures, ProposalRow, fte_value
from proposals.models import Catalogue, Proposal
from proposals.numbers import format_amount, format_decimal

from .textdiff import changed_sentences

LONG_TEXT = 80  # texts longer than this are shown as a word-level diff


def memo_date(value):
    """date -> "11. november 2023" in the active language's format: the PDF and the e-mails are
    rendered in Danish; a memo's page in English says "11 November 2023" amid English text."""
    return formats.date_format(value, "DATE_FORMAT")


@dataclass
class Figures:
    """A small table: a header row of years and labelled rows of formatted cells."""

    years: list
    rows: list = field(default_factory=list)  # [(label, [cell, ...], css_class)]

    @property
    def plain_rows(self):
        """[(label, "2024: 1.100, 2025: 900")] for plain-text e-mail."""
        return [
            (label, ", ".join(f"{y}: {c}" for y, c in zip(self.years, cells, strict=True)))
            for label, cells, _css in self.rows
        ]


@dataclass
class TextChange:
    label: str
    before: str
    after: str
    words: list = None  # for long texts: paragraphs of [(op, text)], op in "same", "del", "ins"

    @cached_property
    def changed_sentences(self):
        """For plain text: only the changed sentences of a long text, marked [-…-] {+…+}."""
        return changed_sentences(self.before, self.after) if self.words is not None else []


@dataclass
class ProposalSection:
    code: str
    title: str
    status: str  # "changed", "added", "removed"
    status_label: str
    figures: Figures = None
    texts: list = field(default_factory=list)
    line_rows: list = field(default_factory=list)  # [(line, year, before, after)]
    notes: list = field(default_factory=list)
    reasons: list = field(default_factory=list)  # what the administrator wrote for the change
    # The balance check's sentences where the proposal's breakdown lines do not add up to its net.
    line_differences: list = field(default_factory=list)


def _reasons(changes):
    """The stated reasons carried by ``changes``, each once, in order."""
    found = []
    for change in changes:
        found.extend(r for r in change.get("reasons", ()) if r not in found)
    return found


def _field_label(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:  # e.g. "agreement", not a model field
        return {"agreement": _("Budgetforlig")}.get(name, name)


def _plain(value):
    if value is True:
        return _("Ja")
    if value is False:
        return _("Nej")
    if value in (None, ""):
        return _("(ikke angivet)")
    return str(value)


def _choice(model, name, value):
    try:
        choices = dict(model._meta.get_field(name).choices or [])
    except Exception:
        choices = {}
    return str(choices.get(value, _plain(value)))


def _words_and_breaks(text):
    return re.findall(r"\S+|\n", (text or "").replace("\r\n", "\n"))


def word_diff(before, after):
    """Word-level diff of two texts, kept in their paragraphs (bullet lists stay lists).

    [[(op, text), ...] per paragraph], op in "same", "del", "ins"."""
    a, b = _words_and_breaks(before), _words_and_breaks(after)
    paragraphs = [[]]

    def emit(op, tokens):
        run = []
        for token in tokens:
            if token == "\n":
                if run:
                    paragraphs[-1].append((op, " ".join(run)))
                    run = []
                paragraphs.append([])
            else:
                run.append(token)
        if run:
            paragraphs[-1].append((op, " ".join(run)))

    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            emit("same", a[i1:i2])
        if op in ("delete", "replace"):
            emit("del", a[i1:i2])
        if op in ("insert", "replace"):
            emit("ins", b[j1:j2])
    return [paragraph for paragraph in paragraphs if paragraph]


def _text_change(model, name, before, after):
    label = _field_label(model, name)
    shown_before, shown_after = _choice(model, name, before), _choice(model, name, after)
    long = isinstance(before, str) and isinstance(after, str) and max(len(before), len(after)) > LONG_TEXT
    return TextChange(label, shown_before, shown_after, word_diff(before, after) if long else None)


class MemoDocument:
    """The memo's content for the templates (HTML page, PDF, e-mail)."""

    def __init__(self, *, previous_snapshot, snapshot, changes):
        self.previous = previous_snapshot
        self.current = snapshot
        self.changes = changes
        # Both states over the current years, in the current snapshot's convention.
        self.state = CatalogueFigures.from_snapshot(snapshot)
        self.previous_state = CatalogueFigures.from_snapshot(previous_snapshot, years=self.state.years)
        self.convention = self.state.convention
        cat = snapshot["catalogue"]
        self.years = [str(y) for y in self.state.years]  # the tables' heads (text: no "2.024")
        self.savings_positive = self.convention.savings_positive
        self.unit = unit_label(cat.get("unit", "1.000 kr."))
        self.price_level = cat.get("price_level", "")

    # Formatting in the catalogue's own convention.
    def amount(self, value, signed=False):
        return "" if value is None else format_amount(self.convention.show(value), signed=signed)

    def fte(self, value, signed=False):
        value = fte_value(value)
        return "" if value is None else format_decimal(self.convention.show(value), signed=signed)

    @property
    def convention_note(self):
        if self.savings_positive:
            return _("Besparelser er angivet med positivt fortegn, udgifter med negativt fortegn.")
        return _("Besparelser er angivet med negativt (-) fortegn, udgifter med positivt fortegn.")

    # Catalogue level.
    @cached_property
    def catalogue_reasons(self):
        return _reasons(c for c in self.changes if c["kind"] in ("catalogue_field", "target", "stated_fte"))

    @cached_property
    def catalogue_texts(self):
        return [
            _text_change(Catalogue, c["field"], c["before"], c["after"])
            for c in self.changes
            if c["kind"] == "catalogue_field"
        ]

    @cached_property
    def catalogue_figures(self):
        """Targets and stated staffing totals that changed, before/after per year."""
        table = Figures(years=self.years)
        old, new = self.previous_state, self.state
        for kind, label, fmt, before, after in (
            ("target", _("Måltal"), self.amount, old.targets, new.targets),
            ("stated_fte", _("Personaleændringer i alt (årsværk)"), self.fte, old.stated_fte, new.stated_fte),
        ):
            if not any(c["kind"] == kind for c in self.changes):
                continue
            table.rows.append((f"{label}, {_('før')}", [fmt(before[y]) for y in new.years], ""))
            table.rows.append((f"{label}, {_('efter')}", [fmt(after[y]) for y in new.years], "app-after"))
        return table if table.rows else None

    # Proposals.
    def _net_rows(self, old, new, with_fte):
        """Before, after and change of a proposal's net (and FTE): ``old`` / ``new`` are its
        ``ProposalRow`` in the told and the current state, None where it was not there."""
        table = Figures(years=self.years)
        years = self.state.years
        before = [old.net_for(y) if old else None for y in years]
        after = [new.net_for(y) if new else None for y in years]
        table.rows.append((_("Nettoændring, før"), [self.amount(v) if v is not None else "–" for v in before], ""))
        table.rows.append(
            (_("Nettoændring, efter"), [self.amount(v) if v is not None else "–" for v in after], "app-after")
        )
        table.rows.append(
            (
                _("Ændring"),
                [self.amount((a or 0) - (b or 0), signed=True) for b, a in zip(before, after, strict=True)],
                "app-change",
            )
        )
        if with_fte:
            table.rows.append((_("Årsværk, før"), [self.fte(old.fte.get(y)) if old else "–" for y in years], ""))
            table.rows.append(
                (_("Årsværk, efter"), [self.fte(new.fte.get(y)) if new else "–" for y in years], "app-after")
            )
        return table

    @cached_property
    def proposals(self):
        old_by_code, new_by_code = self.previous_state.rows_by_code, self.state.rows_by_code
        sections, by_code = [], {}
        # Each proposal's changes and the codes with a staffing change, looked up once (a
        # scan of every change per change made a large memo quadratic).
        changes_by_code = defaultdict(list)
        for c in self.changes:
            changes_by_code[c.get("code")].append(c)
        fte_codes = {c["code"] for c in self.changes if c["kind"] == "fte"}

        def section(change, status, label):
            code = change["code"]
            if code not in by_code:
                by_code[code] = ProposalSection(code=code, title=change["title"], status=status, status_label=label)
                sections.append(by_code[code])
            return by_code[code]

        for c in self.changes:
            kind = c["kind"]
            if kind in ("catalogue_field", "target", "stated_fte"):
                continue
            if kind == "proposal_added":
                s = section(c, "added", _("Nyt forslag"))
                row = ProposalRow.from_snapshot(c["proposal"])
                s.figures = self._net_rows(None, row, with_fte=row.has_fte)
                s.notes.extend(self._added_notes(c["proposal"]))
                continue
            if kind == "proposal_removed":
                s = section(c, "removed", _("Forslaget er trukket tilbage"))
                row = ProposalRow.from_snapshot(c["proposal"])
                s.figures = self._net_rows(row, None, with_fte=row.has_fte)
                continue
            s = section(c, "changed", _("Ændret forslag"))
            if kind in ("net", "fte"):
                s.figures = self._net_rows(
                    old_by_code.get(c["code"]), new_by_code.get(c["code"]), c["code"] in fte_codes
                )
            elif kind == "field":
                s.texts.append(_text_change(Proposal, c["field"], c["before"], c["after"]))
            elif kind == "theme":
                s.texts.append(TextChange(_("Tema"), _plain(c["before"]), _plain(c["after"])))
            elif kind == "line_amount":
                s.line_rows.append((c["line"], c["year"], self.amount(c["before"]), self.amount(c["after"])))
            elif kind == "line_field":
                if c["field"] == "text":
                    s.texts.append(TextChange(_("Specifikationslinje"), c["before"], c["after"]))
                else:
                    s.notes.append(
                        _("Linjen «%(line)s» indgår nu i nettobeløbet.")
                        if c["after"]
                        else _("Linjen «%(line)s» er nu en heraf-linje og indgår ikke i nettobeløbet.")
                    )
                    s.notes[-1] = s.notes[-1] % {"line": c["line"]}
            elif kind == "line_added":
                line = c["line"]
                s.notes.append(
                    _("Ny specifikationslinje «%(line)s»: %(amounts)s")
                    % {"line": line["text"], "amounts": self._line_amounts(line)}
                )
            elif kind == "line_removed":
                line = c["line"]
                s.notes.append(
                    _("Specifikationslinjen «%(line)s» er fjernet (var: %(amounts)s)")
                    % {"line": line["text"], "amounts": self._line_amounts(line)}
                )
            elif kind == "goals":
                s.texts.append(
                    TextChange(_("Opfølgningsmål"), self._goals_text(c["before"]), self._goals_text(c["after"]))
                )
        lines_off = self._line_differences()
        for s in sections:
            s.reasons = _reasons(changes_by_code[s.code])
            if s.status != "removed":
                s.line_differences = lines_off.get(s.code, [])
        return sections

    def _line_differences(self):
        """{code: [sentence]}: the catalogue page's balance check (proposals.balance) on the state
        this memo tells of, its "lines do not add up to the net" findings per proposal, in the
        catalogue's own sign convention."""
        found = defaultdict(list)
        for difference in check_balance(self.state).differences:
            if difference.kind == Difference.LINES:
                found[difference.proposal_code].append(difference.message(self.convention))
        return found

    def _line_amounts(self, line):
        amounts = line.get("amounts", {})
        return ", ".join(f"{y}: {self.amount(amounts[y])}" for y in sorted(amounts, key=int)) or "–"

    def _added_notes(self, p):
        notes = []
        if p.get("kind"):
            notes.append(_("Art: %(kind)s") % {"kind": _choice(Proposal, "kind", p["kind"])})
        if p.get("saving_type"):
            notes.append(_("Type: %(type)s") % {"type": p["saving_type"]})
        if p.get("theme"):
            notes.append(_("Tema: %(theme)s") % {"theme": p["theme"]})
        if p.get("description"):
            notes.append(p["description"])
        return notes

    @staticmethod
    def _goals_text(goals):
        if not goals:
            return _("(ingen)")
        return "; ".join(
            " – ".join(x for x in (g.get("what"), g.get("measure"), g.get("responsible"), g.get("when")) if x)
            for g in goals
        )

    # Net effect.
    @cached_property
    def totals(self):
        state, years = self.state, self.state.years
        before, after = self.previous_state.totals, state.totals
        table = Figures(years=self.years)
        table.rows.append((_("Katalogets total, før"), [self.amount(before[y]) for y in years], ""))
        table.rows.append((_("Katalogets total, efter"), [self.amount(after[y]) for y in years], "app-after"))
        table.rows.append((_("Ændring"), [self.amount(after[y] - before[y], signed=True) for y in years], "app-change"))
        if state.target_set:
            table.rows.append((_("Måltal"), [self.amount(state.targets[y]) for y in years], ""))
            table.rows.append(
                (
                    _("Forskel til måltal"),
                    [self.amount(state.differences[y], signed=True) for y in years],
                    "app-difference",
                )
            )
        return table

    @property
    def on_target(self):
        return self.state.on_target
