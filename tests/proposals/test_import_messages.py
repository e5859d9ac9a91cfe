"""Issue 25, finding 4 (messages a budget officer can act on): every refusal is Danish and
names what is wrong, with row and column where there is one; no exception's class name, repr
or English text reaches a user. A huge FTE, a password-protected workbook, an image, a title
line above the headers and a UTF-8 file with one Windows-1252 cell each get their own message."""

import ast
import io
from pathlib import Path

import msoffcrypto
import pytest
from django.conf import settings
from django.urls import reverse

from proposals.services import import_catalogue_rows
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue
from tests.importing import HEADERS, csv_bytes, row, xlsx_bytes
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    return make_catalogue(proposals=2)  # proposals "1" and "2", theme "Tema 1", years 2024-2027


def refused(catalogue, data, fmt="csv"):
    before = catalogue_snapshot(catalogue)
    outcome = import_catalogue_rows(catalogue, data, fmt, dry_run=False)
    assert not outcome.ok
    assert catalogue_snapshot(catalogue) == before
    messages = outcome.error_messages()
    for message in messages:
        assert "class" not in message and "Error" not in message and "InvalidOperation" not in message, message
    return messages


def good(code="1", **kwargs):
    kwargs.setdefault("theme", "Tema 1")
    kwargs.setdefault("net", ["-1.000"] * 4)
    return row(code=code, **kwargs)


# --------------------------------------------------------------------------- huge figures


@pytest.mark.parametrize(
    "fmt, value, shown",
    [
        ("xlsx", 1e300, "1E+300"),  # a number cell
        ("csv", "1" + "0" * 30, "1.000.000.000.000.000.000.000.000.000.000"),  # 31 digits
        ("csv", "9" * 40, "9," + "9" * 39 + "E+39"),  # every digit, none rounded away
    ],
)
def test_a_huge_fte_gets_the_ordinary_range_message_with_row_and_column(catalogue, fmt, value, shown):
    make = xlsx_bytes if fmt == "xlsx" else csv_bytes
    net = [-1000] * 4 if fmt == "xlsx" else ["-1.000"] * 4
    (message,) = refused(catalogue, make([good("1", net=net, fte=["", value])]), fmt)
    assert message == f"Række 2, kolonne «Årsværk 2025»: «{shown}» er for stort (højst 6 cifre før kommaet)"


def test_a_huge_net_amount_gets_the_range_message(catalogue):
    (message,) = refused(catalogue, xlsx_bytes([good("1", net=[-1000, 1e300, -1000, -1000])]), "xlsx")
    assert message == "Række 2, kolonne «Netto 2025»: «1E+300» er for stort (højst 9 cifre)"


def test_fte_of_1_and_30_zeros_typed_in_the_admin_is_a_field_error_not_500(admin_client):
    catalogue = make_catalogue()
    proposal = catalogue.proposals.get(code="1")
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    index = next(i for i in range(10) if data[f"years-{i}-year"] == 2025)
    data[f"years-{index}-fte"] = "1" + "0" * 30
    response = admin_client.post(url, data)
    assert response.status_code == 200
    form = response.context["inline_admin_formsets"][0].formset.forms[index]
    assert form.errors["fte"] == [
        "«1.000.000.000.000.000.000.000.000.000.000» er for stort (højst 6 cifre før kommaet)"
    ]


# --------------------------------------------------------------------------- kinds of file


def encrypted_workbook():
    """A real password-protected workbook, as Excel saves one (an OLE container)."""
    plain = io.BytesIO(xlsx_bytes([good("1", net=[-1000] * 4)]))
    out = io.BytesIO()
    msoffcrypto.OfficeFile(plain).encrypt("hemmelig", out)
    return out.getvalue()


PASSWORD_MESSAGE = (
    "Filen er beskyttet med en adgangskode (krypteret), så den kan ikke læses. Åbn den i Excel, fjern adgangskoden "
    "(Filer → Oplysninger → Beskyt projektmappe → Krypter med adgangskode: slet den), gem den som .xlsx, og prøv igen."
)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_password_protected_workbook_says_so(catalogue, fmt):
    data = encrypted_workbook()
    assert data.startswith(b"\xd0\xcf\x11\xe0")
    assert refused(catalogue, data, fmt) == [PASSWORD_MESSAGE]


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_png_with_a_semicolon_near_its_start_is_a_picture(catalogue, fmt):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10;\x00\x00\x00\x10\x08\x06\x00\x00\x00" + bytes(200)
    assert refused(catalogue, png, fmt) == [
        f"Filen er en PNG-fil, ikke en {fmt.upper()}-fil. Vælg en CSV- eller XLSX-fil."
    ]


@pytest.mark.parametrize(
    "data, kind", [(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00;", "JPEG"), (b"GIF89a\x10\x00;\x00", "GIF")]
)
def test_other_images_are_named(catalogue, data, kind):
    assert refused(catalogue, data + bytes(100), "xlsx") == [
        f"Filen er en {kind}-fil, ikke en XLSX-fil. Vælg en CSV- eller XLSX-fil."
    ]


def test_a_zip_that_is_not_a_workbook(catalogue):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    assert refused(catalogue, buffer.getvalue(), "xlsx") == [
        "Filen er et Word-dokument (.docx), ikke et regneark. Vælg en CSV- eller XLSX-fil."
    ]


def test_a_damaged_workbook_names_no_exception(catalogue):
    data = xlsx_bytes([good("1", net=[-1000] * 4)])
    damaged = data.replace(b"xl/workbook.xml", b"xl/workbook.xmX", 1)  # the local header no longer matches
    messages = refused(catalogue, damaged, "xlsx")
    assert messages == [
        "XLSX-filen er beskadiget eller ikke et gyldigt Excel-regneark og kan ikke læses. Åbn den i Excel eller "
        "LibreOffice, gem den igen som .xlsx, og prøv igen."
    ]


# --------------------------------------------------------------------------- a title line


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_title_line_above_the_header_is_named_with_the_header_row(catalogue, fmt):
    rows = [["Spareforslag 2025"] + [""] * (len(HEADERS) - 1), [""] * len(HEADERS), HEADERS, good("1")]
    make = csv_bytes if fmt == "csv" else xlsx_bytes
    data = make(rows[1:], headers=rows[0])
    assert refused(catalogue, data, fmt) == [
        "Række 1: «Spareforslag 2025» står over kolonneoverskrifterne, som står i række 3. En titel eller anden "
        "tekst over overskrifterne kan ikke læses: slet rækken, så overskrifterne står øverst (katalogoplysninger "
        "over overskrifterne skrives én pr. række som «Magistratsafdeling» og værdien i cellen ved siden af, se "
        "vejledningen)."
    ]


def test_a_title_line_over_misspelt_headers_says_row_1_was_taken_as_the_header(catalogue):
    headers = ["Nummer" if h == "Kode" else h for h in HEADERS]
    data = csv_bytes([headers, good("1")], headers=["Spareforslag 2025"])
    (message,) = refused(catalogue, data)
    assert message.startswith(
        "Række 1: Rækken er læst som kolonneoverskrifter, men har kun én udfyldt celle («Spareforslag 2025»)"
    )


# --------------------------------------------------------------------------- encodings


def test_a_utf8_file_with_one_windows_1252_cell_gets_the_encoding_hint(catalogue):
    data = csv_bytes([good("1"), good("2", title="Færre biler")])
    data = data.replace("Færre".encode(), "Færre".encode("cp1252"))
    assert refused(catalogue, data) == [
        "Række 3, kolonne «Titel»: Filen er UTF-8, men her står et tegn i et andet tegnsæt (byten 0xE6, som i "
        "Windows-1252 er «æ»). Filen er nok rettet i et program, der gemte dette sted i et andet tegnsæt. Ret "
        "tegnet, gem filen som «CSV UTF-8», og prøv igen."
    ]


def test_a_file_entirely_in_windows_1252_is_still_read_with_a_warning(catalogue):
    data = csv_bytes([good("1"), good("2", title="Færre biler")], encoding="cp1252")
    outcome = import_catalogue_rows(catalogue, data, "csv", dry_run=True)
    assert outcome.ok, outcome.error_messages()
    assert "CSV-filen var ikke UTF-8; den er læst som Windows-1252 (Excels danske CSV-format)." in outcome.warnings


# --------------------------------------------------------------------------- the pattern


SANCTIONED = ("user_message", "user_messages")


def _formatted_exception_names(tree):
    """Where an ``except ... as name`` handler turns ``name`` into text other than through
    ``user_message``/``user_messages`` (logging aside): str(), repr(), an f-string, %, .format(),
    type(name).__name__, name.strerror."""
    found = []
    for handler in (n for n in ast.walk(tree) if isinstance(n, ast.ExceptHandler) and n.name):
        name = handler.name
        for node in (n for stmt in handler.body for n in ast.walk(stmt)):

            def uses(expression, name=name):
                # The name, outside a call of user_message/user_messages (which is the way).
                if isinstance(expression, ast.Call) and getattr(expression.func, "id", "") in SANCTIONED:
                    return False
                if isinstance(expression, ast.Name):
                    return expression.id == name
                return any(uses(child) for child in ast.iter_child_nodes(expression))

            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr
                in (
                    "debug",
                    "info",
                    "warning",
                    "error",
                    "exception",
                )
            ):
                continue
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("str", "repr", "type")
            ):
                if any(uses(a) for a in node.args):
                    found.append((node.lineno, f"{node.func.id}({name})"))
            elif isinstance(node, ast.FormattedValue) and uses(node.value):
                found.append((node.lineno, f"f-string with {name}"))
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and uses(node.right):
                found.append((node.lineno, f"% with {name}"))
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "format"
                and any(uses(a) for a in [*node.args, *[k.value for k in node.keywords]])
            ):
                found.append((node.lineno, f".format({name})"))
            elif isinstance(node, ast.Attribute) and node.attr in ("strerror", "msg") and uses(node.value):
                found.append((node.lineno, f"{name}.{node.attr}"))
    return found


def test_no_code_in_proposals_formats_an_exception_for_a_user():
    root = Path(settings.BASE_DIR) / "proposals"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for line, what in _formatted_exception_names(ast.parse(path.read_text(encoding="utf-8"))):
            offenders.append(f"{path.relative_to(root.parent)}:{line}: {what}")
    assert offenders == [], "Use proposals.user_errors.user_message(exc) instead:\n" + "\n".join(offenders)


def test_the_pattern_check_finds_what_it_looks_for():
    source = (
        "try:\n    x()\nexcept Exception as exc:\n"
        "    a = str(exc)\n    b = f'{exc}'\n    c = 'x %s' % exc\n    d = '{}'.format(exc)\n"
        "    e = type(exc).__name__\n    f = exc.strerror\n    logger.exception('x %s', exc)\n"
        "    raise ValueError(user_message(exc)) from exc\n"
        "    g = f'{where}: {user_message(exc)}'\n"
    )
    assert [what for _line, what in _formatted_exception_names(ast.parse(source))] == [
        "str(exc)",
        "f-string with exc",
        "% with exc",
        ".format(exc)",
        "type(exc)",
        "exc.strerror",
    ]


@pytest.fixture
def admin_client(client):
    from tests.factories import make_user

    client.force_login(make_user("chef", is_staff=True, is_superuser=True))
    return client


def test_an_unexpected_failure_inside_the_import_is_a_general_danish_message(catalogue, monkeypatch, caplog):
    # A bug (here: the balance check failing) must not show its exception to the user; it is logged.
    from proposals.spreadsheets import importer

    def broken(state):
        raise ArithmeticError("[<class 'decimal.InvalidOperation'>]")

    monkeypatch.setattr(importer, "check_balance", broken)
    (message,) = refused(catalogue, csv_bytes([good("1")]))
    assert message == (
        "Der opstod en uventet fejl, så intet er gemt. Fejlen er skrevet i applikationens log; kontakt en "
        "administrator, hvis den kommer igen."
    )
    assert "InvalidOperation" in caplog.text  # for the operators
