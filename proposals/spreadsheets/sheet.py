"""What a reader hands on: a file's rows of cells, as the file has them (row 1 first), with
what the reading found out on the way."""

from dataclasses import dataclass, field


@dataclass
class SheetData:
    rows: list  # lists of cell values; rows[i] is spreadsheet row i + 1
    source: str  # Danish, for the preview and the command line: which sheet, or which CSV dialect
    warnings: list = field(default_factory=list)  # Danish: the reading guessed something (Windows-1252)
    notes: list = field(default_factory=list)  # Danish: worth knowing (hidden sheets not read)
    merges: list = field(default_factory=list)  # merged ranges (min_col, min_row, max_col, max_row), 1-based
    delimiter: str | None = None  # a CSV file's separator
