"""What kind of file an upload is, by its first bytes (magic numbers), whatever its name says:
a password-protected workbook, an old .xls, a PDF, an image, another zip archive. Each gets its
own Danish message, for a CSV as for an XLSX upload, before any reader sees the bytes (a PNG
with a ";" near its start is a picture, not a CSV file)."""

from django.utils.translation import gettext as _

from .errors import CatalogueFileError, old_excel_message

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Compound File Binary (OLE2): .xls, .doc, encrypted OOXML

IMAGES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", None),  # too short to be sure of a bitmap; see below
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"RIFF", None),  # WebP when "WEBP" follows at byte 8
)
DOCUMENTS = ((b"%PDF", "PDF"), (b"{\\rtf", "RTF"))


def _utf16_name(name):
    return name.encode("utf-16-le")


def ole_kind(data):
    """An OLE2 container's kind: "encrypted" (a password-protected .xlsx: Office keeps the
    encrypted workbook in an "EncryptedPackage" stream), "other" (a Word or PowerPoint
    document) or "xls" (an old workbook, and whatever else comes as a spreadsheet). The stream
    names are in the container's directory, in UTF-16."""
    if _utf16_name("EncryptedPackage") in data or _utf16_name("EncryptionInfo") in data:
        return "encrypted"
    if _utf16_name("WordDocument") in data or _utf16_name("PowerPoint Document") in data:
        return "other"
    return "xls"


def encrypted_message():
    return _(
        "Filen er beskyttet med en adgangskode (krypteret), så den kan ikke læses. Åbn den i Excel, fjern "
        "adgangskoden (Filer → Oplysninger → Beskyt projektmappe → Krypter med adgangskode: slet den), gem den "
        "som .xlsx, og prøv igen."
    )


def refuse_foreign_file(data, expected):
    """Raise CatalogueFileError if ``data`` is a kind of file that is neither CSV nor XLSX, or the
    other of the two than ``expected`` ("csv" or "xlsx"). Returns quietly otherwise (a zip
    archive when XLSX is expected is looked into by the XLSX reader)."""
    head = data[:16]
    if head.startswith(OLE_MAGIC):
        kind = ole_kind(data)
        if kind == "encrypted":
            raise CatalogueFileError(encrypted_message())
        if kind == "xls":
            raise CatalogueFileError(old_excel_message())
        raise CatalogueFileError(
            _(
                "Filen er et ældre Office-dokument (fx et Word-dokument, .doc), ikke et regneark. Vælg en CSV- eller "
                "XLSX-fil."
            )
        )
    kind = next((name for magic, name in DOCUMENTS if head.startswith(magic)), None) or _image_kind(head)
    if kind:
        raise CatalogueFileError(
            _("Filen er en %(kind)s-fil, ikke en %(expected)s-fil. Vælg en CSV- eller XLSX-fil.")
            % {"kind": kind, "expected": expected.upper()}
        )
    if expected == "csv" and head.startswith((ZIP_MAGIC, EMPTY_ZIP_MAGIC)):
        raise CatalogueFileError(zip_kind_message(data))


def _image_kind(head):
    for magic, name in IMAGES:
        if head.startswith(magic):
            if magic == b"RIFF":
                return "WebP" if head[8:12] == b"WEBP" else None
            if magic == b"BM":
                # A bitmap's header: "BM", the file size, four reserved zero bytes.
                return "BMP" if head[6:10] == b"\x00\x00\x00\x00" else None
            return name
    return None


def zip_kind_message(data, names=None):
    """The message for a zip archive uploaded as CSV, or one that is not a workbook."""
    if names is not None:
        is_xlsx = "xl/workbook.xml" in names
        is_ods = "content.xml" in names and b"opendocument.spreadsheet" in data[:200]
        is_docx = "word/document.xml" in names
    else:
        is_xlsx = b"xl/workbook.xml" in data[-65_536:] or b"xl/workbook.xml" in data[:65_536]
        is_ods = b"opendocument.spreadsheet" in data[:200]
        is_docx = b"word/document.xml" in data[-65_536:]
    if is_xlsx:
        return _("Filen er en Excel-fil (XLSX), ikke CSV. Vælg formatet XLSX.")
    if is_ods:
        return _("Filen er et OpenDocument-regneark (.ods). Gem den som .xlsx eller «CSV UTF-8», og prøv igen.")
    if is_docx:
        return _("Filen er et Word-dokument (.docx), ikke et regneark. Vælg en CSV- eller XLSX-fil.")
    return _("Filen er et ZIP-arkiv, men ikke et Excel-regneark (XLSX). Vælg en CSV- eller XLSX-fil.")
