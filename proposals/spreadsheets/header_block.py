"""The catalogue's header facts written above the column headers of a file: the header block.

    Magistratsafdeling   MSB
    Titel                Omprioriteringskatalog 2024-2027
    Katalogtype          Omprioriteringskatalog
    År                   2024-2027
    Fortegn              Besparelser negative
    Prisniveau           2024-PL
    Enhed                1.000 kr.
    Sektor               1.20 Drift
    Måltal 2024          -19.730
    Personaleændringer 2024   -15
    (an empty row)
    Række  Kode  Tema  Titel  ...           <- the column headers

One fact a row: its name in the first cell (a colon after it is allowed), its value in the
second (README, "A catalogue from a file"). ``import_catalogue --create`` and the admin's
"Opret katalog fra fil" create the catalogue from it (options and form fields may give or
complete facts; they may not contradict the file). An import into an existing catalogue
checks every fact the block states against the catalogue and refuses the file where one
differs, naming its row: a file written for a savings-positive catalogue is never read with
its signs turned. Any other row above the headers is a title line, and is refused."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..models import Catalogue, Department
from ..numbers import AMOUNT, FTE, format_amount, format_decimal
from ..user_errors import UserError, user_message
from .cells import is_blank, text
from .columns import header_text
from .errors import CatalogueFileError, RowError

# Fact -> its Danish name in the block (the first name is the one documented and shown).
FACT_NAMES = {
    "department": ("Magistratsafdeling", "Afdeling", "Forvaltning"),
    "title": ("Titel", "Katalog"),
    "kind": ("Katalogtype",),
    "years": ("År",),
    "first_year": ("Første år",),
    "last_year": ("Sidste år",),
    "sign_convention": ("Fortegn", "Fortegnskonvention"),
    "price_level": ("Prisniveau",),
    "unit": ("Enhed",),
    "sector": ("Sektor",),
}
YEAR_FACTS = {"måltal": "targets", "personaleændringer": "stated_fte"}
_YEAR_FACT_RE = re.compile(r"^(måltal|personaleændringer)\s+(\d{4})$")
_KEYS = {name.lower(): fact for fact, names in FACT_NAMES.items() for name in names}
REQUIRED = ("department", "title", "first_year", "last_year", "sign_convention")
VALUE_COLUMN = "B"  # the block's values stand in the second column


def fact_label(fact):
    if fact == "first_year":
        return _("Første år")
    if fact == "last_year":
        return _("Sidste år")
    return (
        FACT_NAMES[fact][0]
        if fact in FACT_NAMES
        else {"targets": _("Måltal"), "stated_fte": _("Personaleændringer")}[fact]
    )


def _key(value):
    """(fact, year or None) of a block row's first cell, or None when it names no fact."""
    name = header_text(value).rstrip(":").strip()
    if name in _KEYS:
        return _KEYS[name], None
    match = _YEAR_FACT_RE.match(name)
    if match:
        return YEAR_FACTS[match.group(1)], int(match.group(2))
    return None


@dataclass
class BlockEntry:
    row: int  # spreadsheet row
    fact: str
    year: int | None
    value: object  # the cell as read


@dataclass
class HeaderBlock:
    entries: list = field(default_factory=list)
    first_row: int = 1
    last_row: int = 1

    def describe(self):
        return _("Katalogoplysninger i række %(first)s–%(last)s.") % {"first": self.first_row, "last": self.last_row}


def title_line_message(row, value, header_row):
    return str(
        RowError(
            row,
            "",
            _(
                "«%(value)s» står over kolonneoverskrifterne, som står i række %(header)s. En titel eller anden tekst "
                "over overskrifterne kan ikke læses: slet rækken, så overskrifterne står øverst "
                "(katalogoplysninger over overskrifterne skrives én pr. række som «Magistratsafdeling» og værdien i "
                "cellen ved siden af, se vejledningen)."
            )
            % {"value": value, "header": header_row},
        )
    )


def read_header_block(rows, header_row):
    """The rows above the header row (``rows[0]`` is spreadsheet row 1) as a HeaderBlock, None
    when they are all empty; a row that is not a fact is refused as a title line."""
    block = HeaderBlock()
    errors = []
    for number, cells in enumerate(rows, start=1):
        filled = [(i, v) for i, v in enumerate(cells) if not is_blank(v)]
        if not filled:
            continue
        key = _key(cells[0]) if cells else None
        if key is None:
            raise CatalogueFileError(title_line_message(number, text(filled[0][1]), header_row))
        extra = [i for i, _v in filled if i > 1]
        if extra:
            errors.append(
                str(
                    RowError(
                        number,
                        "",
                        _(
                            "En række med katalogoplysninger har navnet i første celle og værdien i anden; her er "
                            "flere celler udfyldt."
                        ),
                    )
                )
            )
        fact, year = key
        block.entries.append(BlockEntry(number, fact, year, cells[1] if len(cells) > 1 else None))
    if errors:
        raise CatalogueFileError(*errors)
    if not block.entries:
        return None
    block.first_row, block.last_row = block.entries[0].row, block.entries[-1].row
    return block


# --------------------------------------------------------------------------- the facts' values


def parse_department(value):
    word = text(value)
    department = (
        Department.objects.filter(code__iexact=word).first() or Department.objects.filter(name__iexact=word).first()
    )
    if department is None:
        raise UserError(
            _("Magistratsafdelingen «%(value)s» findes ikke. Skriv dens kode (fx %(codes)s).")
            % {"value": word, "codes": ", ".join(Department.objects.values_list("code", flat=True)[:5]) or "MSB"}
        )
    return department


def parse_years(value):
    words = text(value)
    match = re.fullmatch(r"(\d{4})\s*(?:[-–—]|til)\s*(\d{4})|(\d{4})", words)
    if not match:
        raise UserError(_("«%(value)s» er ikke en periode; skriv fx 2025-2031.") % {"value": words})
    first = int(match.group(1) or match.group(3))
    last = int(match.group(2) or match.group(3))
    return first, last


def parse_year(value):
    words = text(value)
    if not re.fullmatch(r"\d{4}", words):
        raise UserError(_("«%(value)s» er ikke et årstal.") % {"value": words})
    return int(words)


def parse_convention(value):
    word = header_text(text(value))
    for choice, label in Catalogue.SignConvention.choices:
        if word in (choice, str(label).lower()):
            return choice
    if "positiv" in word and "negativ" not in word.split("(")[0]:
        return Catalogue.SignConvention.SAVINGS_POSITIVE
    if "negativ" in word.split("(")[0]:
        return Catalogue.SignConvention.SAVINGS_NEGATIVE
    raise UserError(
        _("«%(value)s» er ikke et fortegn; skriv «Besparelser positive» eller «Besparelser negative».")
        % {"value": text(value)}
    )


def parse_kind(value):
    word = header_text(text(value))
    for choice, label in Catalogue.Kind.choices:
        if word in (choice, str(label).lower()):
            return choice
    raise UserError(
        _("Ukendt katalogtype «%(value)s». Brug en af: %(kinds)s.")
        % {"value": text(value), "kinds": ", ".join(str(label) for _c, label in Catalogue.Kind.choices)}
    )


def _text_fact(max_length):
    def parse(value):
        word = text(value)
        if len(word) > max_length:
            raise UserError(_("Teksten er for lang (højst %(n)s tegn).") % {"n": max_length})
        return word

    return parse


PARSERS = {
    "department": parse_department,
    "title": _text_fact(Catalogue._meta.get_field("title").max_length),
    "kind": parse_kind,
    "years": parse_years,
    "first_year": parse_year,
    "last_year": parse_year,
    "sign_convention": parse_convention,
    "price_level": _text_fact(Catalogue._meta.get_field("price_level").max_length),
    "unit": _text_fact(Catalogue._meta.get_field("unit").max_length),
    "sector": _text_fact(Catalogue._meta.get_field("sector").max_length),
    "targets": AMOUNT.parse,
    "stated_fte": FTE.parse,
}


@dataclass
class CatalogueFacts:
    """Header facts, as given: ``values`` fact -> value (years split into first and last year;
    targets and stated staffing as {year: figure} in the facts' own sign convention), and
    ``rows`` fact -> where each was written (a spreadsheet row, or an option's name)."""

    values: dict = field(default_factory=dict)
    rows: dict = field(default_factory=dict)

    def where(self, fact):
        return self.rows.get(fact)


def block_facts(block):
    """-> (CatalogueFacts, [RowError]) for a header block."""
    facts = CatalogueFacts()
    errors = []
    if block is None:
        return facts, errors
    for entry in block.entries:
        label = fact_label(entry.fact) + (f" {entry.year}" if entry.year else "")
        if is_blank(entry.value):
            errors.append(RowError(entry.row, VALUE_COLUMN, _("«%(fact)s» har ingen værdi.") % {"fact": label}))
            continue
        try:
            value = PARSERS[entry.fact](entry.value)
        except UserError as exc:
            errors.append(RowError(entry.row, VALUE_COLUMN, user_message(exc)))
            continue
        problem = _store(facts, entry.fact, entry.year, value, entry.row)
        if problem:
            errors.append(RowError(entry.row, VALUE_COLUMN, problem))
    return facts, errors


def _store(facts, fact, year, value, where):
    """Put one fact into ``facts``; the Danish problem when it was already given otherwise."""
    if fact == "years":
        for part, part_value in zip(("first_year", "last_year"), value, strict=True):
            problem = _store(facts, part, None, part_value, where)
            if problem:
                return problem
        return None
    if year is not None:
        figures = facts.values.setdefault(fact, {})
        if year in figures and figures[year] != value:
            return _("%(fact)s for %(year)s står to gange med forskellige tal.") % {
                "fact": fact_label(fact),
                "year": year,
            }
        figures[year] = value
        facts.rows.setdefault(fact, where)
        facts.rows[(fact, year)] = where
        return None
    if fact in facts.values and facts.values[fact] != value:
        return _("«%(fact)s» er givet to gange med forskellige værdier: «%(first)s» (%(where)s) og «%(second)s».") % {
            "fact": fact_label(fact),
            "first": shown(fact, facts.values[fact]),
            "where": _where(facts.rows[fact]),
            "second": shown(fact, value),
        }
    facts.values[fact] = value
    facts.rows[fact] = where
    return None


def _where(place):
    return _("række %(row)s") % {"row": place} if isinstance(place, int) else place


def shown(fact, value):
    """A fact's value as the user writes it."""
    if fact == "department":
        return value.code
    if fact == "sign_convention":
        return str(Catalogue.SignConvention(value).label)
    if fact == "kind":
        return str(Catalogue.Kind(value).label)
    return str(value)


def add_options(facts, options):
    """The facts given as options (the command line's, the admin form's): ``options`` maps a fact
    to its text (or {year: text} for targets and stated staffing). Raises UserError with every
    problem, an option that contradicts the file among them."""
    problems = []
    for fact, given in options.items():
        if given in (None, "", {}):
            continue
        entries = given.items() if isinstance(given, dict) else [(None, given)]
        for year, raw in entries:
            place = _("valget «%(option)s»") % {"option": fact_label(fact) + (f" {year}" if year else "")}
            try:
                value = PARSERS[fact](raw) if not isinstance(raw, (Department, tuple)) else raw
            except UserError as exc:
                problems.append(f"{place}: {user_message(exc)}")
                continue
            problem = _store(facts, fact, year, value, place)
            if problem:
                problems.append(problem)
    if problems:
        raise UserError(*problems)
    return facts


def missing_facts(facts):
    return [fact_label(f) for f in REQUIRED if f not in facts.values]


def check_against(block, catalogue):
    """The RowErrors of a header block in a file imported into an existing ``catalogue``: every
    fact the block states must be the catalogue's."""
    facts, errors = block_facts(block)
    if errors:
        return errors
    stored = {
        "department": catalogue.department,
        "title": catalogue.title,
        "kind": catalogue.kind,
        "first_year": catalogue.first_year,
        "last_year": catalogue.last_year,
        "sign_convention": catalogue.sign_convention,
        "price_level": catalogue.price_level,
        "unit": catalogue.unit,
        "sector": catalogue.sector,
    }
    for fact, value in facts.values.items():
        if fact in stored and value != stored[fact]:
            errors.append(
                RowError(
                    facts.rows[fact],
                    VALUE_COLUMN,
                    _(
                        "Filen siger %(fact)s «%(file)s», men kataloget «%(catalogue)s» har «%(stored)s». Ret filen, "
                        "eller ret kataloget i administrationen, og prøv igen."
                    )
                    % {
                        "fact": fact_label(fact).lower(),
                        "file": shown(fact, value),
                        "catalogue": catalogue,
                        "stored": shown(fact, stored[fact]),
                    },
                )
            )
    if errors:  # a wrong convention would make every figure below wrong
        return errors
    years = {row.year: row for row in catalogue.year_rows.all()}
    for fact, attr, fmt in (("targets", "target", format_amount), ("stated_fte", "stated_fte_total", format_decimal)):
        for year, value in sorted(facts.values.get(fact, {}).items()):
            row = years.get(year)
            stored_value = getattr(row, attr) if row is not None else None
            shown_stored = catalogue.to_display(stored_value) if stored_value is not None else None
            if year not in catalogue.years or shown_stored is None or shown_stored != value:
                errors.append(
                    RowError(
                        facts.rows[(fact, year)],
                        VALUE_COLUMN,
                        _(
                            "Filen siger %(fact)s %(year)s «%(file)s», men kataloget «%(catalogue)s» har %(stored)s. "
                            "Ret "
                            "filen, eller ret kataloget i administrationen, og prøv igen."
                        )
                        % {
                            "fact": fact_label(fact).lower(),
                            "year": year,
                            "file": fmt(value),
                            "catalogue": catalogue,
                            "stored": f"«{fmt(shown_stored)}»" if shown_stored is not None else _("intet tal"),
                        },
                    )
                )
    return errors
