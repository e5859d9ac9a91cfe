"""The header row: each header's canonical spelling, and the errors of the header row as a
whole (unknown, repeated, missing and out-of-range year columns)."""

from django.utils.translation import gettext as _

from .columns import COL_CODE, COL_TITLE, YEAR_HEADER_RE, columns_for, net_column
from .errors import RowError


def parse_headers(headers, catalogue):
    """-> (canonical column names in file order, file-level RowErrors)."""
    errors = []
    canonical = {c.lower(): c for c in columns_for(catalogue)}
    names = []
    seen = set()
    for header in headers:
        name = canonical.get(header.lower(), header)
        if name not in canonical.values():
            errors.append(_unknown_column(header, catalogue))
        if name in seen:
            errors.append(RowError(None, name, _("Kolonnen «%(column)s» står flere gange.") % {"column": name}))
        seen.add(name)
        names.append(name)
    missing = [c for c in (COL_CODE, COL_TITLE, *[net_column(y) for y in catalogue.years]) if c not in seen]
    if missing:
        errors.append(_missing_columns(missing, catalogue))
    return names, errors


def _unknown_column(header, catalogue):
    match = YEAR_HEADER_RE.match(header)
    if match and int(match.group(2)) not in catalogue.years:
        message = _("Kolonnen «%(column)s» ligger uden for katalogets år %(first)s–%(last)s.") % {
            "column": header,
            "first": catalogue.first_year,
            "last": catalogue.last_year,
        }
    else:
        message = _("Ukendt kolonne «%(column)s». Tilladte kolonner: %(columns)s.") % {
            "column": header,
            "columns": ", ".join(columns_for(catalogue)),
        }
    return RowError(None, header, message)


def _missing_columns(missing, catalogue):
    if any(YEAR_HEADER_RE.match(c) for c in missing):
        # Only a missing "Netto <år>" column gets the hint about year columns.
        message = _(
            "Kolonner mangler: %(columns)s. Kataloget dækker %(first)s–%(last)s, så filen skal have en "
            "kolonne «Netto <år>» for hvert år."
        ) % {"columns": ", ".join(missing), "first": catalogue.first_year, "last": catalogue.last_year}
    else:
        message = _("Kolonner mangler: %(columns)s.") % {"columns": ", ".join(missing)}
    return RowError(None, "", message)
