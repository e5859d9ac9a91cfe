"""A proposal row's columns beyond kind, code, title and net amounts, checked column group by
column group: staffing (FTE), theme, type and phase-in, the yes/no flags, the kind, the texts.

A column left out of the file keeps what an existing proposal has: re-importing a partial
sheet must not blank descriptions or staffing figures."""

from django.utils.translation import gettext as _

from ..models import Proposal, Theme
from ..numbers import FTE, NumberFormatError
from ..user_errors import UserError, user_message
from .cells import parse_yes_no
from .columns import (
    COL_CODE,
    COL_PHASE_IN,
    COL_PROPOSAL_KIND,
    COL_THEME,
    COL_TYPE,
    FLAG_COLUMNS,
    PROPOSAL_KIND_WORDS,
    PROPOSAL_KINDS,
    SAVING_TYPES,
    TAIL_COLUMNS,
    TEXT_COLUMNS,
    fte_column,
    max_length,
    net_column,
    normalise_type,
)
from .plan import ParsedProposal


class ProposalRows:
    """The proposal rows of one file, parsed against the catalogue as it is now."""

    def __init__(self, catalogue, parsed, *, create_themes, stored):
        """``stored``: the catalogue's ``CatalogueFigures`` as read before the import."""
        self.catalogue = catalogue
        self.parsed = parsed
        self.present = set(parsed.headers)
        self.themes = [t.title for t in catalogue.themes.all()]
        self.may_create_themes = create_themes or not self.themes
        self.existing = {row.code: row.proposal for row in stored.rows}
        self.existing_fte = {(row.code, year): fte for row in stored.rows for year, fte in row.fte.items()}
        self.code_rows = {}  # code -> the row of its proposal row

    def parse(self, row, code, title, net, unreadable_net):
        """Adds the proposal to ``parsed.proposals`` unless this row's own columns have errors."""
        if code in self.code_rows:
            row.error(
                COL_CODE,
                _("Koden «%(code)s» står allerede i række %(row)s. Hver kode må kun stå én gang.")
                % {"code": code, "row": self.code_rows[code]},
            )
            return
        if code:
            self.code_rows[code] = row.number
        before = len(row.errors)
        old = self.existing.get(code)
        fte = self._fte(row, code, net, unreadable_net)
        theme_title = self._theme(row, old)
        values = {
            "title": title,
            **self._type_and_phase_in(row, old),
            **self._flags(row, old),
            **self._kind(row, old),
            **self._texts(row, old),
        }
        if len(row.errors) == before and code:
            self.parsed.proposals[code] = ParsedProposal(
                row=row.number,
                position=len(self.parsed.proposals),
                code=code,
                theme_title=theme_title,
                values=values,
                net=net,
                fte=fte,
            )

    def _fte(self, row, code, net, unreadable_net):
        fte = {}
        for year in self.catalogue.years:
            column = fte_column(year)
            if column not in self.present:
                if self.existing_fte.get((code, year)) is not None and year in net:
                    fte[year] = self.existing_fte[(code, year)]
                continue
            try:
                value = FTE.parse(row.get(column))  # the admin's range for FTE too
            except NumberFormatError as exc:
                row.error(column, user_message(exc))
                continue
            if value is None or year in unreadable_net:
                continue
            if year not in net:
                row.error(
                    column,
                    _("Årsværk for %(year)s er udfyldt, men «%(net)s» er tom.")
                    % {"year": year, "net": net_column(year)},
                )
                continue
            fte[year] = self.catalogue.from_display(value)
        return fte

    def _theme(self, row, old):
        if COL_THEME in self.present:
            theme_title = row.text(COL_THEME)
        else:
            theme_title = old.theme.title if old and old.theme else ""
        if theme_title and theme_title not in self.themes and theme_title not in self.parsed.new_themes:
            if len(theme_title) > max_length(Theme, "title"):
                row.error(COL_THEME, _("Temaets titel er for lang."))
            elif self.may_create_themes:
                self.parsed.new_themes.append(theme_title)
            else:
                row.error(
                    COL_THEME,
                    _(
                        "Ukendt tema «%(theme)s». Katalogets temaer er: %(themes)s. Ret stavningen, opret temaet "
                        "i kataloget, eller tillad at importen opretter nye temaer."
                    )
                    % {"theme": theme_title, "themes": ", ".join(f"«{t}»" for t in self.themes)},
                )
        return theme_title

    def _type_and_phase_in(self, row, old):
        values = {}
        type_text = row.text(COL_TYPE)
        saving_type = SAVING_TYPES.get(normalise_type(type_text), None) if type_text else ""
        if saving_type is None:
            row.error(
                COL_TYPE,
                _("Ukendt type «%(value)s». Brug en af: %(types)s.")
                % {"value": type_text, "types": ", ".join(Proposal.SavingType.values)},
            )
        values["saving_type"] = saving_type or ""
        if COL_TYPE not in self.present:
            values["saving_type"] = old.saving_type if old else ""
        try:
            values["is_phase_in"] = parse_yes_no(row.get(COL_PHASE_IN), default=False)
        except UserError as exc:
            row.error(COL_PHASE_IN, user_message(exc))
        if COL_PHASE_IN not in self.present:
            values["is_phase_in"] = old.is_phase_in if old else False
        return values

    def _flags(self, row, old):
        values = {}
        for column, attr in FLAG_COLUMNS:
            if column not in self.present:
                values[attr] = getattr(old, attr) if old else None
                continue
            try:
                values[attr] = parse_yes_no(row.get(column), default=None)
            except UserError as exc:
                row.error(column, user_message(exc))
        return values

    def _kind(self, row, old):
        kind_text = row.text(COL_PROPOSAL_KIND)
        if COL_PROPOSAL_KIND not in self.present:
            return {"kind": old.kind if old else ""}
        if kind_text and kind_text.lower() not in PROPOSAL_KINDS:
            row.error(
                COL_PROPOSAL_KIND,
                _("Ukendt art «%(value)s». Brug en af: %(kinds)s, eller lad feltet stå tomt.")
                % {"value": kind_text, "kinds": ", ".join(PROPOSAL_KIND_WORDS.values())},
            )
            return {}
        return {"kind": PROPOSAL_KINDS.get(kind_text.lower(), "")}

    def _texts(self, row, old):
        values = {}
        for column, attr in (*TEXT_COLUMNS, *TAIL_COLUMNS):
            if column not in self.present:
                values[attr] = getattr(old, attr) if old else ""
                continue
            text = row.text(column)
            limit = max_length(Proposal, attr)
            if limit and len(text) > limit:
                row.error(column, _("Teksten er for lang (højst %(n)s tegn).") % {"n": limit})
            values[attr] = text
        return values
