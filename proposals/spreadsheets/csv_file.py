"""Reading a CSV catalogue file: the file type and encoding, the delimiter, and the records,
read strictly so that a broken quote is refused at the row where it opened, with a Danish
message naming row and column."""

import csv
import io
import re

from django.utils.translation import gettext as _

from ..numbers import format_amount
from .errors import CatalogueFileError, RowError, old_excel_message
from .safety import unneutralise_cell

# Files that are not text at all, by their first bytes.
BINARY_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF8", "GIF"),
)

CSV_FIELD_LIMIT = csv.field_size_limit()  # the csv module's limit per cell (131.072 characters)


def csv_rows(data):
    """Bytes of a CSV file -> (rows of cells, reading warning or None). Raises CatalogueFileError."""
    if data.startswith(b"PK\x03\x04"):
        raise CatalogueFileError(_("Filen er en Excel-fil (XLSX), ikke CSV. Vælg formatet XLSX."))
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise CatalogueFileError(old_excel_message())
    for signature, kind in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise CatalogueFileError(
                _("Filen er en %(kind)s-fil, ikke en CSV-fil. Vælg en CSV- eller XLSX-fil.") % {"kind": kind}
            )
    text, warning = _decode(data)
    first_line, _newline, rest = text.partition("\n")
    # Excel's "sep=;" hint line names the delimiter; Excel itself does not show it as a row.
    hint = re.fullmatch(r"sep=(.)\r?", first_line.lstrip("\ufeff"))
    if hint:
        delimiter, text = hint.group(1), rest
    else:
        # Danish Excel separates with semicolons (the comma is the decimal mark).
        delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
        if "\t" in first_line and delimiter not in first_line:
            delimiter = "\t"
    rows = _records(text, delimiter)
    # An export marks a text that starts like a formula with an apostrophe; remove it again.
    rows = [[unneutralise_cell(v) if v[:1] == "'" else v for v in r] for r in rows]
    return rows, warning


def _looks_like_utf16(head):
    # Latin text in UTF-16 has a NUL in (nearly) every other byte, and none in between.
    def mostly_nul(part):
        return part.count(0) >= len(part) * 0.6

    def hardly_nul(part):
        return part.count(0) <= len(part) * 0.1

    odd, even = head[1::2], head[0::2]
    return len(head) >= 4 and (mostly_nul(odd) and hardly_nul(even) or mostly_nul(even) and hardly_nul(odd))


def _decode(data):
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    head = data[:1024]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or (b"\x00" in head and _looks_like_utf16(head)):
        raise CatalogueFileError(
            _("CSV-filen er ikke UTF-8 (den ligner UTF-16/«Unicode-tekst»). Gem den som «CSV UTF-8» og prøv igen.")
        )
    # A binary file has many control bytes; a stray NUL in a text file is reported at its cell.
    controls = sum(1 for byte in head if byte < 9 or 13 < byte < 32 and byte != 27)
    if controls > 2 or controls * 100 > len(head):
        raise CatalogueFileError(
            _("Filen er ikke en CSV-fil (den indeholder binære data). Vælg en CSV- eller XLSX-fil.")
        )
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    # Danish Excel saves "CSV (semikolonsepareret)" as Windows-1252; æ, ø and å are never
    # valid UTF-8 on their own, so a failed UTF-8 decode of such a file is unambiguous.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(
            _("CSV-filen er hverken UTF-8 eller Windows-1252 og kan ikke læses. Gem den som «CSV UTF-8».")
        ) from exc
    return text, _("CSV-filen var ikke UTF-8; den er læst som Windows-1252 (Excels danske CSV-format).")


def _records(text, delimiter):
    """The records of a CSV text, read strictly: a quote that is never closed, or that takes
    the following rows into one cell, is an error naming the row where the quote opened
    (a lenient reader would read the rest of the file as one title and lose every figure)."""
    consumed = []  # the physical lines of the record being read

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    rows = []
    while True:
        consumed.clear()
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise CatalogueFileError(_record_error(rows, "".join(consumed), delimiter, exc)) from exc
        if rows:
            for index, value in enumerate(record):
                if _swallows_rows(value, delimiter, rows):
                    raise CatalogueFileError(
                        str(RowError(len(rows) + 1, _column(rows, index), _quote_spans_rows_message()))
                    )
        rows.append(record)
    return rows


def _column(rows, index):
    header = rows[0][index] if rows and index < len(rows[0]) else ""
    return " ".join(header.split()) or f"(kolonne {index + 1})"


def _swallows_rows(value, delimiter, rows):
    """A quoted cell whose later lines look like rows of the file: a quote that opened in one
    row and closed only some rows further down."""
    if "\n" not in value and "\r" not in value:
        return False
    header_width = len(rows[0]) if rows else 0
    threshold = max(2, (header_width - 1) // 2)
    return any(line.count(delimiter) >= threshold for line in value.splitlines()[1:])


def _quote_spans_rows_message():
    return _(
        'Cellen begynder med et citationstegn ("), som først lukkes i en senere række, så rækkerne '
        "imellem ville blive læst som én celle. Luk citationstegnet i samme række, eller fjern det."
    )


def _unclosed_quote_message():
    return _(
        'Cellen begynder med et citationstegn ("), som aldrig lukkes, så resten af filen ville blive '
        "læst som én celle. Luk citationstegnet, eller fjern det."
    )


def _scan_record(raw, delimiter):
    """The cells of one raw CSV record as (text, quoted, problem), problem being None,
    "unclosed" (a quote never closed) or "after_quote" (text after a closing quote); the
    scan stops at the first problem. Only used to explain why the csv reader refused it."""
    cells = []
    i, n = 0, len(raw)
    while True:
        if raw.startswith('"', i):
            j = i + 1
            while True:
                k = raw.find('"', j)
                if k == -1:
                    cells.append((raw[i + 1 :], True, "unclosed"))
                    return cells
                if raw.startswith('"', k + 1):
                    j = k + 2  # "" is a quote inside the cell
                    continue
                break
            if raw[k + 1 : k + 2] not in (delimiter, "\r", "\n", ""):
                cells.append((raw[i + 1 : k], True, "after_quote"))
                return cells
            cells.append((raw[i + 1 : k], True, None))
            i = k + 1
        else:
            ends = [e for e in (raw.find(delimiter, i), raw.find("\r", i), raw.find("\n", i)) if e != -1]
            end = min(ends) if ends else n
            cells.append((raw[i:end], False, None))
            i = end
        if i >= n or raw[i] in "\r\n":
            return cells
        i += 1  # past the delimiter


def _record_error(rows, raw, delimiter, exc):
    """The Danish message, with row and column, for a record the csv reader refused."""
    row = len(rows) + 1  # spreadsheet row: the header is row 1
    cells = _scan_record(raw, delimiter)
    if "field larger than field limit" in str(exc):
        index = next(
            (i for i, (text, _q, problem) in enumerate(cells) if problem or len(text) > CSV_FIELD_LIMIT),
            len(cells) - 1,
        )
        text, quoted, _problem = cells[index]
        if quoted and _swallows_rows(text, delimiter, rows):
            message = _unclosed_quote_message()
        else:
            message = _("Cellen er for lang: en celle i en CSV-fil må højst have %(limit)s tegn.") % {
                "limit": format_amount(CSV_FIELD_LIMIT)
            }
        return str(RowError(row, _column(rows, index), message))
    index = len(cells) - 1
    text, _quoted, problem = cells[index]
    if problem == "unclosed":
        message = _unclosed_quote_message()
    elif problem == "after_quote" and ("\n" in text or "\r" in text):
        message = _quote_spans_rows_message()
    elif problem == "after_quote":
        message = _(
            'Der står tekst efter det citationstegn ("), som lukker cellen. Sæt citationstegn om hele '
            'cellen, og skriv et citationstegn i teksten som to ("").'
        )
    else:
        return str(RowError(row, "", _("CSV-filen kan ikke læses: %(error)s") % {"error": exc}))
    return str(RowError(row, _column(rows, index), message))
