"""More than one machine: two gunicorn processes (each with its own temporary folder, as two
machines have) on one PostgreSQL database. Signed in on one, the other knows the session; an
admin import previewed on one is confirmed on the other (the uploaded file waits in the shared
cache, settings.IMPORT_EXPORT_TMP_STORAGE_CLASS), and the workflow pages answer on both."""

import pytest
import requests
from django.conf import global_settings
from django.contrib.auth import get_user_model
from django.db import connection

from proposals.snapshots import catalogue_snapshot
from tests.e2e.services import database_url
from tests.e2e.web import Gunicorn, app_environment, csrf_token, form_with, login
from tests.factories import make_catalogue
from tests.importing import csv_bytes, row

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.services]


@pytest.fixture
def two_servers(tmp_path, settings):
    # The servers check passwords with the real hashers (the suite's fast one is not theirs).
    settings.PASSWORD_HASHERS = global_settings.PASSWORD_HASHERS
    if connection.vendor != "postgresql":
        pytest.skip("two web servers share a PostgreSQL database (the suite's PostgreSQL run)")
    servers = []
    try:
        for name in ("a", "b"):
            tmp = tmp_path / name
            tmp.mkdir()
            env = app_environment(database_url(connection.settings_dict), TMPDIR=tmp, CELERY_BROKER_URL=None)
            servers.append(Gunicorn(env=env, log_path=tmp_path / f"gunicorn-{name}.log").start())
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_import_previewed_on_one_server_is_confirmed_on_the_other(two_servers):
    a, b = two_servers
    catalogue = make_catalogue(proposals=1)
    get_user_model().objects.create_superuser("admin", "admin@example.dk", "to-servere-123")
    session = requests.Session()
    assert login(session, a.url, "admin", "to-servere-123").url == f"{a.url}/"
    # The session is in the database: the other server knows it.
    assert session.get(f"{b.url}/admin/", timeout=30).url == f"{b.url}/admin/"

    before = catalogue_snapshot(catalogue)
    session.get(f"{a.url}/admin/proposals/proposal/import/", timeout=30)
    data = csv_bytes([row(code="1", title="Ændret", net=["-1.000"] * 4), row(code="2", net=["-5"] * 4)])
    preview = session.post(
        f"{a.url}/admin/proposals/proposal/import/",
        data={"catalogue": catalogue.pk, "format": "0", "csrfmiddlewaretoken": csrf_token(session)},
        files={"import_file": ("katalog.csv", data, "text/csv")},
        timeout=60,
    )
    assert preview.status_code == 200
    assert "Prøvekørsel: intet er gemt." in preview.text
    assert catalogue_snapshot(catalogue) == before
    confirm = form_with(preview.text, "process_import")

    done = session.post(
        f"{b.url}/admin/proposals/proposal/process_import/", data=confirm, allow_redirects=False, timeout=60
    )
    assert done.status_code == 302, done.text[:3000]
    assert sorted(catalogue.proposals.values_list("code", "title")) == [("1", "Ændret"), ("2", "Forslag")]
