"""Serving as in production: collectstatic, then gunicorn with config/gunicorn.conf.py and DEBUG
off; static files hashed, compressed and cached for a year; the pages under the CSP; JSON
log lines. Before collectstatic (bin/run, the tests) the plain files are served."""

import gzip
import json
import os
import re
import subprocess
import sys
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.e2e.services import free_port, wait_for

BASE_DIR = Path(__file__).resolve().parent.parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
ONE_YEAR = "max-age=315360000, public, immutable"


def fetch(url, **headers):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def production(tmp_path_factory):
    """One migrate, collectstatic and gunicorn for the module (collectstatic is the slow part)."""
    tmp_path = tmp_path_factory.mktemp("production")
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "production-like-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "STATIC_ROOT": str(tmp_path / "static"),
        "LOG_FORMAT": "json",
        "WEB_CONCURRENCY": "1",
    }
    for command in (["migrate", "--noinput", "-v", "0"], ["collectstatic", "--noinput", "-v", "0"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    port = free_port()
    log = (tmp_path / "gunicorn.log").open("wb")
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "config/gunicorn.conf.py", "config.wsgi"],
        cwd=BASE_DIR,
        env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"

    def up():
        try:
            return fetch(f"{base}/health/")[0] == 200
        except OSError:
            assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
            return False

    try:
        wait_for(up, 60, message="gunicorn answering /health/")
        yield base, tmp_path
    finally:
        server.terminate()
        server.wait(30)
        log.close()


def test_collected_static_files_are_hashed_compressed_and_cached_for_a_year(production):
    base, tmp_path = production
    status, headers, body = fetch(f"{base}/login/")
    assert status == 200
    page = body.decode()
    stylesheets = re.findall(r'href="(/static/[^"]+\.css)"', page)
    scripts = re.findall(r'src="(/static/[^"]+\.js)"', page)
    # Hashed names: css/app.<12 hex>.css, DKFDS' files from node_modules too.
    assert any(re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", s) for s in stylesheets), stylesheets
    assert any(re.fullmatch(r"/static/dkfds/css/dkfds\.min\.[0-9a-f]{12}\.css", s) for s in stylesheets), stylesheets
    assert any(re.fullmatch(r"/static/js/app\.[0-9a-f]{12}\.js", s) for s in scripts), scripts

    for url in stylesheets + scripts:
        status, headers, body = fetch(base + url, **{"Accept-Encoding": "gzip"})
        assert status == 200, url
        assert headers["Cache-Control"] == ONE_YEAR, url
    # Compressed copies of the large ones (a few bytes of app.js are not worth it).
    for url in [s for s in stylesheets + scripts if "dkfds" in s]:
        status, headers, body = fetch(base + url, **{"Accept-Encoding": "gzip"})
        assert headers.get("Content-Encoding") == "gzip", url
        assert len(gzip.decompress(body)) > len(body)
    # The DKFDS stylesheet's own fonts and icons are rewritten to hashed names too.
    [dkfds] = [s for s in stylesheets if "dkfds" in s]
    css = gzip.decompress(fetch(base + dkfds, **{"Accept-Encoding": "gzip"})[2]).decode()
    font = re.search(r"url\(['\"]?(\.\./fonts/[^'\")?#]+\.[0-9a-f]{12}\.woff2)", css)
    assert font, "no hashed font URL in dkfds.min.css"
    status, headers, _body = fetch(urllib.parse.urljoin(base + dkfds, font.group(1)))
    assert status == 200 and headers["Cache-Control"] == ONE_YEAR


def test_pages_carry_the_security_headers_and_logs_are_json(production):
    base, tmp_path = production
    status, headers, _body = fetch(f"{base}/login/")
    csp = headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    # An anonymous visitor is sent to the login page, not shown an error.
    assert fetch(f"{base}/kataloger/")[0] == 200  # (urllib follows the redirect to /login/)

    records = []
    for line in (tmp_path / "gunicorn.log").read_text().splitlines():
        if line.startswith("{"):
            records.append(json.loads(line))
    access = [r for r in records if r["logger"] == "gunicorn.access"]
    assert access and all({"time", "level", "logger", "message"} <= set(r) for r in access)
    assert any('"GET /login/ HTTP/1.1" 200' in r["message"] for r in access)


@pytest.mark.django_db
def test_before_collectstatic_the_plain_files_are_served(client):
    # bin/run and the tests: DEBUG off here (pytest-django), no collected files anywhere.
    page = client.get("/login/").content.decode()
    assert 'href="/static/css/app.css"' in page and 'src="/static/js/app.js"' in page
    for url in ("/static/css/app.css", "/static/js/app.js", "/static/dkfds/css/dkfds.min.css"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "immutable" not in response.headers["Cache-Control"]
