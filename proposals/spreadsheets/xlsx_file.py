"""Reading an XLSX catalogue file: which sheet, and every row it has.

Before anything is unpacked the archive's central directory is checked against the limits (its
entries and their unpacked sizes, which Python's zip reader then holds each entry to), so a small
file that unpacks to hundreds of megabytes is refused at once. The sheet read is the workbook's
active sheet, which must be visible; a workbook whose active sheet is hidden, or with more than
one visible sheet of proposals, is refused rather than guessed at. The sheet's XML is scanned
once, unpacked in pieces, for its rows, cells and merged ranges (counted against the limits
before it is parsed); then every row is read, whatever the sheet's ``<dimension>`` claims, and a
formula cell gives the result stored with it, or a FormulaCell when the file has none."""

import io
import logging
import re
import struct
import zipfile

from django.utils.translation import gettext as _
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils.cell import range_boundaries
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

from ..numbers import format_amount
from .cells import FormulaCell
from .columns import HEADER_SEARCH_ROWS, is_header_row
from .errors import CatalogueFileError
from .filekind import ZIP_MAGIC, refuse_foreign_file, zip_kind_message
from .sheet import SheetData

logger = logging.getLogger(__name__)

# An XLSX file from Excel or LibreOffice has a few dozen entries; many thousands are a crafted file.
MAX_ZIP_ENTRIES = 10_000
MAX_MERGED_RANGES = 10_000
_CHUNK = 1 << 20


def xlsx_rows(data, limits, *, scan_only=False):
    """Bytes of an XLSX file -> SheetData (``scan_only``: its sheet's SheetScan, the file not
    parsed). Raises CatalogueFileError."""
    refuse_foreign_file(data, "xlsx")
    if not data.startswith(ZIP_MAGIC):
        if data[:200].lstrip().lower().startswith((b"r\xc3\xa6kke", b"kode", b"\xef\xbb\xbf")) or b";" in data[:200]:
            raise CatalogueFileError(_("Filen er en CSV-fil, ikke XLSX. Vælg formatet CSV."))
        raise CatalogueFileError(_("Filen er ikke en XLSX-fil (Excel 2007 eller nyere) og kan ikke læses."))
    _check_directory_record(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        logger.info("Unreadable XLSX archive", exc_info=exc)
        raise CatalogueFileError(damaged_message()) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise CatalogueFileError(damaged_message())
        names = {info.filename for info in infos}
        if "xl/workbook.xml" not in names:
            raise CatalogueFileError(zip_kind_message(data, names))
        limits.check_unpacked(sum(info.file_size for info in infos))
        try:
            return _read(data, archive, limits, scan_only=scan_only)
        except CatalogueFileError:
            raise
        except Exception as exc:  # openpyxl, lxml and zipfile raise many kinds for a damaged file
            logger.info("Unreadable XLSX file", exc_info=exc)
            raise CatalogueFileError(damaged_message()) from None


def damaged_message():
    return _(
        "XLSX-filen er beskadiget eller ikke et gyldigt Excel-regneark og kan ikke læses. Åbn den i Excel eller "
        "LibreOffice, gem den igen som .xlsx, og prøv igen."
    )


def _check_directory_record(data):
    """The archive's end record, read before Python's zip reader builds an object per entry: a
    file with more entries than any workbook has is refused without reading its directory."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65_557))
    if end == -1 or len(data) < end + 22:
        raise CatalogueFileError(damaged_message())
    (entries,) = struct.unpack("<H", data[end + 10 : end + 12])
    if entries != 0xFFFF and entries > MAX_ZIP_ENTRIES:  # 0xFFFF: a zip64 file; its count is checked after
        raise CatalogueFileError(damaged_message())


class _Sheet(ReadOnlyWorksheet):
    """openpyxl's read-only sheet, without reading its size when the workbook is opened: where a
    sheet has no <dimension> element (files written in openpyxl's write-only mode, and crafted
    ones) openpyxl parses the whole sheet looking for it, for every sheet of the workbook, before
    a row is read. Every row is read regardless of a dimension (``reset_dimensions``)."""

    def _get_size(self):
        pass


class _Reader(ExcelReader):
    """``load_workbook(read_only=True)`` with ``_Sheet`` sheets."""

    def read_worksheets(self):
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def load_workbook(data, *, data_only):
    reader = _Reader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=data_only, keep_links=False)
    reader.read()
    return reader.wb


def _read(data, archive, limits, *, scan_only=False):
    workbook = load_workbook(data, data_only=False)
    try:
        sheet, notes = _choose_sheet(workbook)
        scan = SheetScan.of(archive, sheet._worksheet_path)
        if scan_only:
            return scan
        limits.check_rows(scan.rows)
        limits.check_cells(scan.cells)
        if len(scan.merges) > MAX_MERGED_RANGES:
            raise CatalogueFileError(
                _("Arket har %(n)s flettede celleområder; højst %(limit)s kan læses. Ophæv fletningerne.")
                % {"n": format_amount(len(scan.merges)), "limit": format_amount(MAX_MERGED_RANGES)}
            )
        rows = _sheet_rows(sheet, limits)
        title = sheet.title
    finally:
        workbook.close()
    # A formula cell reads as its formula here; its value is the result the program that saved
    # the file stored with it. A text cell that starts with "=" reads the same both ways.
    formulas = [
        (r, c)
        for r, values in enumerate(rows)
        for c, value in enumerate(values)
        if isinstance(value, str) and value.startswith("=") or isinstance(value, (ArrayFormula, DataTableFormula))
    ]
    if formulas:
        results_book = load_workbook(data, data_only=True)
        try:
            results = _sheet_rows(results_book[title], limits)
        finally:
            results_book.close()
        for r, c in formulas:
            result = results[r][c] if r < len(results) and c < len(results[r]) else None
            # No stored result: the value is unknown, never empty.
            rows[r][c] = FormulaCell(_formula_text(rows[r][c])) if result is None else result
    return SheetData(
        rows=rows,
        source=_("arket «%(sheet)s»") % {"sheet": title},
        notes=notes,
        merges=[range_boundaries(ref) for ref in scan.merges],
    )


def _choose_sheet(workbook):
    """The active sheet, which must be visible and the only visible sheet of proposals (one with
    a header row: a "Kode" and a "Titel" cell in its first rows). -> (sheet, Danish notes)."""
    sheets = workbook.worksheets
    active = workbook.active
    if active not in sheets:
        raise CatalogueFileError(
            _(
                "Det aktive ark «%(sheet)s» er et diagram, ikke et ark med forslag. Gør forslagenes ark aktivt, gem "
                "filen, og prøv igen."
            )
            % {"sheet": getattr(active, "title", "?")}
        )
    if active.sheet_state != "visible":
        raise CatalogueFileError(
            _(
                "Det aktive ark, «%(sheet)s», er skjult, så det er uklart, hvilket ark der skal læses. Vis arket, "
                "eller "
                "klik på det ark, forslagene står i, så det er aktivt, gem filen, og prøv igen."
            )
            % {"sheet": active.title}
        )
    visible = [s for s in sheets if s.sheet_state == "visible"]
    with_headers = [s for s in visible if _has_header_row(s)]
    others = [s for s in with_headers if s is not active]
    if others and active in with_headers:
        raise CatalogueFileError(
            _(
                "Filen har flere synlige ark med forslag: %(sheets)s. Det er uklart, hvilket der skal importeres. Slet "
                "eller skjul de andre ark, eller gem arket i en fil for sig, og prøv igen."
            )
            % {"sheets": ", ".join(f"«{s.title}»" for s in with_headers)}
        )
    if others:
        raise CatalogueFileError(
            _(
                "Det aktive ark, «%(sheet)s», har ingen kolonneoverskrifter (Kode, Titel), men det har %(others)s. "
                "Klik "
                "på det ark, forslagene står i, så det er aktivt, gem filen, og prøv igen."
            )
            % {"sheet": active.title, "others": ", ".join(f"«{s.title}»" for s in others)}
        )
    notes = []
    hidden = [s.title for s in sheets if s.sheet_state != "visible"]
    if hidden:
        notes.append(
            _("Skjulte ark er ikke læst: %(sheets)s.") % {"sheets": ", ".join(f"«{title}»" for title in hidden)}
        )
    return active, notes


def _has_header_row(sheet):
    return any(is_header_row(row) for row in sheet.iter_rows(max_row=HEADER_SEARCH_ROWS, values_only=True))


def _sheet_rows(sheet, limits):
    """Every row of the sheet, whatever its <dimension> element claims (read-only mode would
    otherwise stop at the rows and columns it names), counted against the limits as it is read:
    each row counts its cells up to its last one (a cell far to the right makes a wide row)."""
    sheet.reset_dimensions()
    rows = []
    cells = 0
    for values in sheet.iter_rows(values_only=True):
        rows.append(list(values))
        cells += len(values)
        if len(rows) > limits.rows:
            limits.check_rows(len(rows), at_least=True)
        limits.check_cells(cells, at_row=len(rows))
    return rows


def _formula_text(value):
    text = getattr(value, "text", None) or str(value)
    return text if text.startswith("=") else f"={text}"


class SheetScan:
    """One pass over a sheet's XML, unpacked a megabyte at a time and never parsed: its rows (the
    highest row number, as the reader fills the gaps up to it), its cell elements, and its
    merged ranges. Counted with bytes.count, so a pass over 100 MB takes a fraction of a second."""

    def __init__(self):
        self.rows = 0
        self.cells = 0
        self.merges = []

    @classmethod
    def of(cls, archive, path):
        scan = cls()
        with archive.open(path.lstrip("/")) as stream:
            first = stream.read(_CHUNK)
            prefix = re.search(rb"<(\w+:)?worksheet[\s>]", first)
            scan._read(first, stream, prefix.group(1) or b"" if prefix else b"")
        return scan

    def _read(self, chunk, stream, prefix):
        row_open, cell_open, cell_bare = b"<" + prefix + b"row ", b"<" + prefix + b"c ", b"<" + prefix + b"c>"
        row_bare = b"<" + prefix + b"row>"
        merge = re.compile(
            rb"<" + re.escape(prefix) + rb'mergeCell\s[^>]*?ref="([A-Za-z]{1,3}\d+(?::[A-Za-z]{1,3}\d+)?)"'
        )
        row_number = re.compile(rb'\sr="(\d+)"')
        overlap = 300  # longer than any pattern above
        tail = b""
        row_tags = 0
        while chunk:
            buffer = tail + chunk
            row_tags += _count_new(buffer, len(tail), row_open) + _count_new(buffer, len(tail), row_bare)
            self.cells += _count_new(buffer, len(tail), cell_open) + _count_new(buffer, len(tail), cell_bare)
            last = buffer.rfind(row_open)
            if last != -1:
                match = row_number.search(buffer, last, buffer.find(b">", last) + 1 or len(buffer))
                if match:
                    self.rows = max(self.rows, int(match.group(1)))
            for match in merge.finditer(buffer):
                if match.end() > len(tail):
                    self.merges.append(match.group(1).decode("ascii").upper())
            tail = buffer[-overlap:]
            chunk = stream.read(_CHUNK)
        self.rows = max(self.rows, row_tags)


def _count_new(buffer, old, pattern):
    """Occurrences of ``pattern`` in ``buffer`` that end after its first ``old`` bytes (those
    were counted with the previous piece)."""
    return buffer.count(pattern) - buffer.count(pattern, 0, old)
