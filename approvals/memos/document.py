"""What a memo (notat) says, built from its stored snapshots and change list alone.

Pure presentation: no queries beyond what the caller passes in. Amounts are converted to
the catalogue's own sign convention with the ``sign_convention`` stored in the memo's
snapshot, so an old memo reads the same forever, and formatted the Danish way."""

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.utils import formats, translation
from django.utils.translation import gettext as _

from proposals.models import Catalogue, Proposal
from proposals.numbers import format_amount, format_decimal

LONG_TEXT = 80  # texts longer than this are shown as a word-level diff


def danish_date(value):
    """date -> "11. november 2023" whatever the active language."""
    with translation.override("da"):
        return formats.date_format(value, "j. F Y")


def _sign(snapshot):
    return -1 if snapshot["catalogue"].get("sign_convention") == Catalogue.SignConvention.SAVINGS_POSITIVE else 1


def _dec(value):
    return None if value in (None, "") else Decimal(str(value))


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
        self.sign = _sign(snapshot)
        cat = snapshot["catalogue"]
        self.years = [str(y) for y in range(cat["first_year"], cat["last_year"] + 1)]
        self.savings_positive = self.sign == -1
        self.unit = cat.get("unit", "1.000 kr.")
        self.price_level = cat.get("price_level", "")

    # Formatting in the catalogue's own convention.
    def amount(self, value, signed=False):
        return "" if value is None else format_amount(self.sign * value, signed=signed)

    def fte(self, value, signed=False):
        value = _dec(value)
        return "" if value is None else format_decimal(self.sign * value, signed=signed)

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
        for kind, label, fmt in (
            ("target", _("Måltal"), self.amount),
            ("stated_fte", _("Personaleændringer i alt (årsværk)"), self.fte),
        ):
            found = {c["year"]: c for c in self.changes if c["kind"] == kind}
            if not found:
                continue
            key = "targets" if kind == "target" else "stated_fte"
            old = self.previous["catalogue"].get(key, {})
            new = self.current["catalogue"].get(key, {})
            table.rows.append((f"{label}, {_('før')}", [fmt(old.get(y)) for y in self.years], ""))
            table.rows.append((f"{label}, {_('efter')}", [fmt(new.get(y)) for y in self.years], "app-after"))
        return table if table.rows else None

    # Proposals.
    def _net_rows(self, old, new, with_fte):
        table = Figures(years=self.years)
        old_net = (old or {}).get("net", {})
        new_net = (new or {}).get("net", {})
        before = [old_net.get(y, 0) if old else None for y in self.years]
        after = [new_net.get(y, 0) if new else None for y in self.years]
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
            old_fte = (old or {}).get("fte", {})
            new_fte = (new or {}).get("fte", {})
            table.rows.append((_("Årsværk, før"), [self.fte(old_fte.get(y)) if old else "–" for y in self.years], ""))
            table.rows.append(
                (_("Årsværk, efter"), [self.fte(new_fte.get(y)) if new else "–" for y in self.years], "app-after")
            )
        return table

    @cached_property
    def proposals(self):
        old_by_code = {p["code"]: p for p in self.previous.get("proposals", [])}
        new_by_code = {p["code"]: p for p in self.current.get("proposals", [])}
        sections, by_code = [], {}

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
                p = c["proposal"]
                s.figures = self._net_rows(None, p, with_fte=any(v is not None for v in p.get("fte", {}).values()))
                s.notes.extend(self._added_notes(p))
                continue
            if kind == "proposal_removed":
                s = section(c, "removed", _("Forslaget er trukket tilbage"))
                p = c["proposal"]
                s.figures = self._net_rows(p, None, with_fte=any(v is not None for v in p.get("fte", {}).values()))
                continue
            s = section(c, "changed", _("Ændret forslag"))
            if kind in ("net", "fte"):
                fte_changed = any(x["kind"] == "fte" and x["code"] == c["code"] for x in self.changes)
                s.figures = self._net_rows(old_by_code.get(c["code"]), new_by_code.get(c["code"]), fte_changed)
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
        for s in sections:
            s.reasons = _reasons(c for c in self.changes if c.get("code") == s.code)
        return sections

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
    @staticmethod
    def _totals(snapshot, years):
        return {y: sum(p.get("net", {}).get(y, 0) for p in snapshot.get("proposals", [])) for y in years}

    @cached_property
    def totals(self):
        before = self._totals(self.previous, self.years)
        after = self._totals(self.current, self.years)
        targets = self.current["catalogue"].get("targets", {})
        table = Figures(years=self.years)
        table.rows.append((_("Katalogets total, før"), [self.amount(before[y]) for y in self.years], ""))
        table.rows.append((_("Katalogets total, efter"), [self.amount(after[y]) for y in self.years], "app-after"))
        table.rows.append(
            (_("Ændring"), [self.amount(after[y] - before[y], signed=True) for y in self.years], "app-change")
        )
        if any(targets.get(y) is not None for y in self.years):
            table.rows.append((_("Måltal"), [self.amount(targets.get(y)) for y in self.years], ""))
            table.rows.append(
                (
                    _("Forskel til måltal"),
                    [
                        "" if targets.get(y) is None else self.amount(after[y] - targets[y], signed=True)
                        for y in self.years
                    ],
                    "app-difference",
                )
            )
        return table

    @cached_property
    def on_target(self):
        targets = self.current["catalogue"].get("targets", {})
        after = self._totals(self.current, self.years)
        return all(targets.get(y) is None or after[y] == targets[y] for y in self.years)
