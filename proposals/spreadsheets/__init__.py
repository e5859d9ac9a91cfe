"""The catalogue spreadsheet format (CSV and XLSX): reading, checking, importing, exporting.

One file holds one catalogue's proposals; the catalogue's header facts (years, targets, sign
convention) live on the catalogue, not in the file. Amounts in the file are in the
catalogue's OWN sign convention and Danish number format; they are converted to the internal
convention (savings negative) while parsing. The format is described in the README
("Spreadsheet import and export"); every message is Danish and names row and column.

- ``columns``: the column schema (headers, row kinds, type and kind words).
- ``errors``: ``CatalogueFileError`` (the file as a whole) and ``RowError`` (one cell or row).
- ``reading``: bytes -> tablib.Dataset (``load_dataset``), through ``csv_file`` (file type,
  encoding, delimiter, strict quoting) and ``xlsx_file`` (stored formula results); ``cells``:
  single cell values (blank, text, yes/no, cells that can never be imported).
- ``parsing``: the whole dataset checked before anything is written (``parse_rows``), with
  ``headers`` for the header row and ``proposal_row`` for a proposal row's column groups;
  the result is the import plan of ``plan`` (``ParsedFile``, ``ParsedProposal``).
- ``importer``: runs an import all or nothing, in one transaction, with history
  (``CatalogueImport``), writing figures through ``writing``; ``outcome``: what it did
  (``ImportOutcome``).
- ``export``: a catalogue as a dataset in the import format (``export_dataset``); ``safety``:
  cells that never become formulas in an exported CSV or XLSX file.
- ``resource``: the admin's upload/preview/confirm (django-import-export) on top of the
  importer.

Callers use ``proposals.services`` (``import_catalogue_rows``, ``export_catalogue_rows``)."""
