"""Reading a CSV catalogue file: the file type and encoding, the delimiter, and the records,
read strictly so that a broken quote is refused at the row where it opened, with a Danish
message naming row and column; rows and cells are counted against the limits as they are read."""

import csv
import io
import re

from django.utils.translation import gettext as _

from ..numbers import format_amount
from .columns import HEADER_SEARCH_ROWS, is_header_row
from .errors import CatalogueFileError, RowError
from .filekind import refuse_foreign_file
from .safety import unneutralise_cell
from .sheet import SheetData

CSV_FIELD_LIMIT = csv.field_size_limit()  # the csv module's limit per cell (131.072 characters)
DELIMITER_NAMES = {";": "semikolonsepareret", ",": "kommasepareret", "\t": "tabulatorsepareret"}
# Bytes the UTF-8 decoder could not read, kept as lone surrogates (errors="surrogateescape").
_UNDECODED = re.compile("[\udc80-\udcff]")
# A character beyond ASCII that UTF-8 did decode (so the file is UTF-8 elsewhere).
_DECODED_NON_ASCII = re.compile("[\u0080-\udc7f\udd00-\U0010ffff]")


def csv_rows(data, limits):
    """Bytes of a CSV file -> SheetData. Raises CatalogueFileError."""
    refuse_foreign_file(data, "csv")
    text, encoding, warning = _decode(data)
    first_line, _newline, rest = text.partition("\n")
    # Excel's "sep=;" hint line names the delimiter; Excel itself does not show it as a row.
    hint = re.fullmatch(r"sep=(.)\r?", first_line.lstrip("\ufeff"))
    if hint:
        delimiter, text = hint.group(1), rest
    else:
        delimiter = _delimiter(text)
    rows = _records(text, delimiter, limits)
    if encoding == "mixed":
        _refuse_mixed_encoding(rows)
    # An export marks a text that starts like a formula with an apostrophe; remove it again.
    rows = [[unneutralise_cell(v) if v[:1] == "'" else v for v in r] for r in rows]
    source = _("CSV-fil (%(encoding)s, %(delimiter)s)") % {
        "encoding": "Windows-1252" if encoding == "cp1252" else "UTF-8",
        "delimiter": DELIMITER_NAMES.get(delimiter, _("skilletegn «%(char)s»") % {"char": delimiter}),
    }
    return SheetData(rows=rows, source=source, warnings=[warning] if warning else [], delimiter=delimiter)


def _delimiter(text):
    """Danish Excel separates with semicolons (the comma is the decimal mark). Judged on the
    header row (the first line naming "Kode" and "Titel", also under a title line), else on the
    first line with a separator."""
    lines = [line for line in text[:65_536].splitlines()[:HEADER_SEARCH_ROWS] if line.strip()]
    separated = [ln for ln in lines if any(c in ln for c in ";,\t")]
    line = next((ln for ln in lines if {"kode", "titel"} <= set(re.findall(r"\w+", ln.lower()))), None)
    line = line or (separated[0] if separated else "")
    delimiter = ";" if line.count(";") >= line.count(",") and ";" in line else ","
    if "\t" in line and delimiter not in line:
        delimiter = "\t"
    return delimiter


def _looks_like_utf16(head):
    # Latin text in UTF-16 has a NUL in (nearly) every other byte, and none in between.
    def mostly_nul(part):
        return part.count(0) >= len(part) * 0.6

    def hardly_nul(part):
        return part.count(0) <= len(part) * 0.1

    odd, even = head[1::2], head[0::2]
    return len(head) >= 4 and (mostly_nul(odd) and hardly_nul(even) or mostly_nul(even) and hardly_nul(odd))


def _decode(data):
    """-> (text, "utf-8" | "cp1252" | "mixed", warning or None). "mixed": UTF-8 with some bytes
    that are not (a cell saved in another character set); the text keeps those bytes as lone
    surrogates, so the cell can be named once the records are read."""
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
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="surrogateescape")
    if _DECODED_NON_ASCII.search(text):
        # UTF-8 elsewhere (an æ, ø or å read as such): a few bytes in another character set are
        # a damaged file, not a Windows-1252 one; reading it all as Windows-1252 would turn every
        # "æ" into "Ã¦" (and every header with one into an unknown column).
        return text, "mixed", None
    # Danish Excel saves "CSV (semikolonsepareret)" as Windows-1252; æ, ø and å are never
    # valid UTF-8 on their own, so a failed UTF-8 decode of such a file is unambiguous.
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise CatalogueFileError(
            _("CSV-filen er hverken UTF-8 eller Windows-1252 og kan ikke læses. Gem den som «CSV UTF-8».")
        ) from None
    return text, "cp1252", _("CSV-filen var ikke UTF-8; den er læst som Windows-1252 (Excels danske CSV-format).")


def _refuse_mixed_encoding(rows):
    """The first cell with a byte that is not UTF-8, named with its row and column."""
    for number, record in enumerate(rows, start=1):
        for index, value in enumerate(record):
            match = _UNDECODED.search(value)
            if match:
                byte = ord(match.group()) - 0xDC00
                raise CatalogueFileError(
                    str(
                        RowError(
                            number,
                            _column(rows, index),
                            _(
                                "Filen er UTF-8, men her står et tegn i et andet tegnsæt (byten 0x%(byte)s, som i "
                                "Windows-1252 er «%(char)s»). Filen er nok rettet i et program, der gemte dette sted i "
                                "et andet tegnsæt. Ret tegnet, gem filen som «CSV UTF-8», og prøv igen."
                            )
                            % {"byte": f"{byte:02X}", "char": bytes([byte]).decode("cp1252", errors="replace")},
                        )
                    )
                )


def _records(text, delimiter, limits):
    """The records of a CSV text, read strictly: a quote that is never closed, or that takes
    the following rows into one cell, is an error naming the row where the quote opened
    (a lenient reader would read the rest of the file as one title and lose every figure).
    Reading stops at the first record over the limits' rows or cells."""
    consumed = []  # the physical lines of the record being read

    def lines():
        for line in io.StringIO(text, newline=""):
            consumed.append(line)
            yield line

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    rows = []
    cells = 0
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
        cells += len(record)
        if len(rows) > limits.rows:
            limits.check_rows(text.count("\n") + (not text.endswith("\n")))
        limits.check_cells(cells, at_row=len(rows))
    return rows


def _column(rows, index):
    """The header of column ``index`` (0-based): from the header row, also under a title line."""
    headers = next((r for r in rows[:HEADER_SEARCH_ROWS] if is_header_row(r)), rows[0] if rows else [])
    header = headers[index] if index < len(headers) else ""
    return " ".join(str(header).split()) or f"(kolonne {index + 1})"


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
    if "field larger than field limit" in (exc.args[0] if exc.args else ""):
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
        # The strict reader refused the record for a reason the scan above does not know (the
        # csv module's own English text is no message for a budget officer).
        message = _(
            'Rækken kan ikke læses som CSV: et citationstegn (") eller et skilletegn står forkert i denne celle '
            'eller lige før den. Sæt citationstegn om hele cellen, og skriv et citationstegn i teksten som to ("").'
        )
    return str(RowError(row, _column(rows, index), message))
