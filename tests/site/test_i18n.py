"""English is available: the language switch, translated pages, and a complete, compiled English catalogue.

Danish is the source language, so the Danish pages need no catalogue; English comes from
locale/en/LC_MESSAGES/django.po, compiled to the committed django.mo.
"""

import ast
import gettext
import re
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.conftest import require
from tests.factories import make_catalogue, make_user

PO_PATH = settings.BASE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The same folders step 1 of the translation routine leaves out (makemessages --ignore=...).
NOT_SOURCE = {".venv", "node_modules", "staticfiles", "test-artifacts", "tests", "locale", ".git", "__pycache__"}
PLACEHOLDER = re.compile(r"%\([A-Za-z_]+\)[sd]|%[sd%]")


def parse_po(path):
    """The entries of a .po file as dicts; enough of the format for what makemessages writes."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for line in path.read_text(encoding="utf-8").splitlines() + [""]:
        if not line.strip():
            finish()
            entry, key = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr_plural": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
        elif line.startswith("#,"):
            entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(key, int):
                entry["msgstr_plural"][key] += value
            else:
                entry[key] = entry[key] + value
        else:
            keyword, rest = line.split(" ", 1)
            value = ast.literal_eval(rest)
            if keyword.startswith("msgstr["):
                key = int(keyword[len("msgstr[") : -1])
                entry["msgstr_plural"][key] = value
            else:
                key = keyword
                entry[key] = value
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


def name(entry):
    return entry["msgid"] if "msgid_plural" not in entry else (entry["msgid"], entry["msgid_plural"])


@pytest.fixture
def user_client(client, db):
    # A reader who may see every catalogue (who sees what: test_access_matrix.py).
    client.force_login(make_user(is_superuser=True))
    return client


# --- The pages -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_catalogue_list_is_danish_by_default(user_client):
    make_catalogue(title="Et katalog")
    html = user_client.get(reverse("proposals:catalogue_list")).content.decode()
    assert '<html lang="da">' in html
    assert "<h1>Kataloger</h1>" in html
    assert "Filtrér" in html
    assert "Catalogues" not in html


@pytest.mark.django_db
def test_set_language_switches_a_signed_in_page_to_english(user_client):
    url = reverse("proposals:catalogue_list")
    response = user_client.post(reverse("set_language"), {"language": "en", "next": url})
    assert response.status_code == 302
    assert response["Location"] == url
    assert user_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"

    make_catalogue(title="Balanced one")
    html = user_client.get(url).content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Catalogues</h1>" in html
    assert "Title, short name, sector or department" in html
    assert "1 catalogue" in html  # blocktranslate count: the singular form
    assert "Sign out" in html
    assert "Kataloger" not in html
    assert "Log ud" not in html

    # And back to Danish.
    user_client.post(reverse("set_language"), {"language": "da", "next": url})
    html = user_client.get(url).content.decode()
    assert "<h1>Kataloger</h1>" in html
    assert "1 katalog" in html


@pytest.mark.django_db
def test_english_plural_and_model_labels_on_the_catalogue_list(user_client):
    user_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    make_catalogue(title="A")
    make_catalogue(title="B")
    html = user_client.get(reverse("proposals:catalogue_list")).content.decode()
    assert "2 catalogues" in html
    assert "Balances" in html  # a table column header (gettext_lazy in Python)
    assert "Balancerer" not in html


@pytest.mark.django_db
def test_login_page_in_english_with_the_language_cookie(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login")).content.decode()
    assert "<h1>Sign in</h1>" in html
    assert 'for="id_username">Username</label>' in html
    assert 'for="id_password">Password</label>' in html
    assert "Log ind" not in html


@pytest.mark.django_db
def test_login_page_in_danish_by_default(client):
    html = client.get(reverse("login")).content.decode()
    assert "<h1>Log ind</h1>" in html
    assert 'for="id_username">Brugernavn</label>' in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_failed_login_message_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    make_user(username="anna")
    html = client.post(reverse("login"), {"username": "anna", "password": "wrong"}).content.decode()
    assert "Username or password is incorrect." in html


# --- The catalogue -------------------------------------------------------------------------


def test_every_entry_is_translated_and_not_fuzzy():
    entries = parse_po(PO_PATH)
    assert len(entries) > 500
    untranslated = [
        name(e)
        for e in entries
        if ("msgid_plural" in e and not all(e["msgstr_plural"].get(n) for n in (0, 1)))
        or ("msgid_plural" not in e and not e.get("msgstr"))
    ]
    fuzzy = [name(e) for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == [], "Untranslated entries in locale/en/LC_MESSAGES/django.po"
    assert fuzzy == [], "Fuzzy entries (ignored by Django) in locale/en/LC_MESSAGES/django.po"


def test_translations_keep_the_placeholders():
    wrong = []
    for entry in parse_po(PO_PATH):
        if "msgid_plural" in entry:
            pairs = [
                (entry["msgid"], entry["msgstr_plural"].get(0, "")),
                (entry["msgid_plural"], entry["msgstr_plural"].get(1, "")),
            ]
        else:
            pairs = [(entry["msgid"], entry.get("msgstr", ""))]
        for source, translation in pairs:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(translation)):
                wrong.append((source, translation))
    assert wrong == []


def test_compiled_catalogue_covers_the_po():
    """The committed .mo must be compiled from the current .po (run compilemessages after editing it)."""
    with MO_PATH.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    stale = []
    for entry in parse_po(PO_PATH):
        if "msgid_plural" in entry:
            for n, text in entry["msgstr_plural"].items():
                if catalog.get((entry["msgid"], n)) != text:
                    stale.append(name(entry))
        elif catalog.get(entry["msgid"]) != entry["msgstr"]:
            stale.append(name(entry))
    assert stale == [], "django.mo is out of date; run: manage.py compilemessages --ignore=.venv"


def test_every_source_string_has_an_entry(tmp_path, settings, monkeypatch):
    """A string newly marked for translation in the code or a template must be added to the .po.

    Runs makemessages on a copy of the sources so the work tree is left alone.
    """
    require(shutil.which("xgettext") is not None, "GNU gettext (xgettext) is not installed (Debian package 'gettext')")

    def ignore(directory, names):
        return [
            n
            for n in names
            if n in NOT_SOURCE or n.startswith(".") or (not n.endswith((".py", ".html", ".txt")) and "." in n)
        ]

    source = tmp_path / "src"
    shutil.copytree(settings.BASE_DIR, source, ignore=ignore)
    (source / "locale").mkdir()
    settings.LOCALE_PATHS = [source / "locale"]
    monkeypatch.chdir(source)
    call_command("makemessages", locale=["en"], verbosity=0)

    extracted = {name(e) for e in parse_po(source / "locale" / "en" / "LC_MESSAGES" / "django.po")}
    committed = {name(e) for e in parse_po(PO_PATH)}
    assert len(extracted) > 500
    missing = sorted(extracted - committed, key=str)
    assert missing == [], "New strings lack an English translation; rerun makemessages -l en and translate them"


@pytest.mark.django_db
def test_an_english_browser_still_gets_danish_until_the_user_chooses(client):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="da">' in html
    assert 'for="id_username">Brugernavn</label>' in html
    # The switch names each language in that language.
    assert '<option value="da" lang="da" selected>Dansk</option>' in html
    assert '<option value="en" lang="en">English</option>' in html
