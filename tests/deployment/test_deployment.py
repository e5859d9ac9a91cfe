"""Deployment as the README tells it (Production): the environment file read the same way by
systemd, compose and bin/manage; bin/manage running manage.py with it as the service user; the
database from separate settings (a password with / # @ needs no quoting); the systemd units
valid and hardened.

systemd's own reading is the oracle where this machine has it: its environment.d generator
parses a file with the same function as EnvironmentFile= (load_env_file)."""

import json
import os
import pwd
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from tests.conftest import require, service_available

BASE_DIR = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(BASE_DIR / "deploy"))
import envfile  # noqa: E402

PRODUCTION_ENV = BASE_DIR / "deploy" / "production.env.example"
ENVIRONMENT_D_GENERATOR = Path("/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator")
SYSTEMD_ANALYZE = shutil.which("systemd-analyze")

# Lines as an IT department writes them, and how systemd reads each (src/basic/env-file.c).
TRICKY = """\
# a comment
OIDC_RP_SCOPES=openid email profile
OIDC_PROVIDER_NAME=Aarhus Kommunes AD
QUOTED="openid email"
SINGLE='p/w#1@x $HOME \\n'
SPACES_AROUND   =   value with trailing space   \t
EMPTY=
HASH=abc#def
ESCAPED=a\\ b\\\\c
CONTINUED=first \\
second
DOUBLE_ESCAPES="say \\"hi\\" \\\\ \\$5 \\n"
MIXED='a'"b"c
; a comment for systemd too
BAD KEY=ignored
1BAD=ignored
EQUALS=a=b=c
LATER=one
LATER=two
"""

EXPECTED = {
    "OIDC_RP_SCOPES": "openid email profile",
    "OIDC_PROVIDER_NAME": "Aarhus Kommunes AD",
    "QUOTED": "openid email",
    "SINGLE": "p/w#1@x $HOME \\n",
    "SPACES_AROUND": "value with trailing space",
    "EMPTY": "",
    "HASH": "abc#def",
    "ESCAPED": "a b\\c",
    "CONTINUED": "first second",
    "DOUBLE_ESCAPES": 'say "hi" \\ $5 \\n',
    "MIXED": "abc",
    "EQUALS": "a=b=c",
    "LATER": "two",
}


def test_the_parser_reads_each_line_as_systemd_does():
    assert envfile.parse(TRICKY) == EXPECTED


def systemd_reading(text, tmp_path):
    """What systemd's own parser makes of ``text`` (its environment.d generator: load_env_file,
    then ${VAR} expansion, so only for text without $ outside single quotes), as a dict."""
    require(ENVIRONMENT_D_GENERATOR.exists(), f"systemd's {ENVIRONMENT_D_GENERATOR.name} (Debian package systemd)")
    config = tmp_path / "config" / "environment.d"
    config.mkdir(parents=True)
    (config / "50-test.conf").write_text(text)
    done = subprocess.run(
        [str(ENVIRONMENT_D_GENERATOR)],
        env={"XDG_CONFIG_HOME": str(tmp_path / "config"), "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    # It prints NAME=value, the value shell-quoted when needed ("…" with \\ \" \$ \` escaped).
    read = {}
    for line in done.stdout.splitlines():
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = re.sub(r"\\(.)", r"\1", value[1:-1], flags=re.S)
        read[name] = value
    return read


def test_systemd_itself_reads_the_lines_so(tmp_path):
    # The generator expands $VAR and leaves empty values out (EnvironmentFile= sets them empty).
    without_dollars = "\n".join(line for line in TRICKY.splitlines() if "$" not in line) + "\n"
    ours = {name: value for name, value in envfile.parse(without_dollars).items() if value}
    systemds = systemd_reading(without_dollars, tmp_path)
    assert {name: systemds.get(name) for name in ours} == ours
    assert "OIDC_RP_SCOPES" in ours and "BAD KEY" not in systemds and "1BAD" not in systemds


def test_the_example_env_file_is_in_the_format_every_reader_shares(tmp_path):
    text = PRODUCTION_ENV.read_text()
    assert envfile.problems(text) == []
    ours = envfile.parse(text)
    assert ours["OIDC_RP_SCOPES"] == "openid email profile"
    assert ours["OIDC_PROVIDER_NAME"] == "Kommunens fælles login"
    assert ours["DATABASE_PASSWORD"] == ours["EMAIL_HOST_PASSWORD"] == "<password>"
    assert ours["SECURE_PROXY_SSL_HEADER"] == "HTTP_X_FORWARDED_PROTO,https"
    systemds = systemd_reading(text, tmp_path)
    assert {name: systemds.get(name) for name in ours} == ours


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("PASSWORD=p/w#1", "compose cuts a value at #"),
        ("PASSWORD=abc$def", "a $ is read as a variable by compose"),
        ("PASSWORD=abc\\def", "a backslash is an escape to systemd"),
        ('PASSWORD="a\\"b"', "use single quotes"),
        ('PASSWORD="$x"', "use single quotes"),
        ("PASSWORD='it''s'", "one pair of single quotes"),
        ("PASSWORD='ends in \\'", "one pair of single quotes"),
        ("KEY = value", "no spaces around ="),
        ("export KEY=value", "is not a variable name"),
        ("KEY.NAME=value", "is not a variable name"),
        ("JUST_A_NAME", "no NAME=value"),
        ("; comment", "a comment must start with #"),
        ("# comment \\", "a comment ending in a backslash"),
    ],
)
def test_lines_outside_the_common_format_are_named(line, problem):
    [found] = envfile.problems(f"OK=fine\n{line}\n")
    assert found.startswith("line 2: ") and problem in found, found


def test_lines_inside_it_pass():
    assert (
        envfile.problems(
            "# comment\n\nA=openid email profile\nB='p/w#1@x $y \\z'\nC=\"two words\"\nD=O'Brien\nE=\n  F=x\n"
        )
        == []
    )


def write_env_file(tmp_path, text):
    path = tmp_path / "env"
    path.write_text(text)
    return path


SHOW = (
    "import json, os; from django.conf import settings; "
    "print(json.dumps({'scopes': settings.OIDC_RP_SCOPES, 'provider': settings.OIDC_PROVIDER_NAME, "
    "'password': settings.EMAIL_HOST_PASSWORD, 'database': settings.DATABASES['default']['NAME'], "
    "'leak': os.environ.get('LEAK_FROM_CALLER'), 'home': os.environ.get('HOME')}))"
)


def test_bin_manage_runs_manage_py_with_the_env_file_as_systemd_reads_it(tmp_path):
    me = pwd.getpwuid(os.geteuid()).pw_name
    env_file = write_env_file(
        tmp_path,
        "DEBUG=1\n"
        f"DATABASE_URL=sqlite:///{tmp_path / 'db.sqlite3'}\n"
        "OIDC_RP_SCOPES=openid email profile\n"
        "OIDC_PROVIDER_NAME=Aarhus Kommunes AD\n"
        "EMAIL_HOST_PASSWORD='p/w#1 $x'\n",
    )
    done = subprocess.run(
        [str(BASE_DIR / "bin" / "manage"), "--env-file", str(env_file), "--user", me, "shell", "-c", SHOW],
        env={**os.environ, "LEAK_FROM_CALLER": "1", "DATABASE_URL": "sqlite:////nonexistent/caller.sqlite3"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout.strip().splitlines()[-1])
    assert shown == {
        "scopes": "openid email profile",
        "provider": "Aarhus Kommunes AD",
        "password": "p/w#1 $x",
        "database": str(tmp_path / "db.sqlite3"),  # the file's, not the caller's
        "leak": None,  # a clean environment, as systemd gives a service
        "home": pwd.getpwnam(me).pw_dir,
    }

    checked = subprocess.run(
        [str(BASE_DIR / "bin" / "manage"), "--env-file", str(env_file), "--check-env"], capture_output=True, text=True
    )
    assert checked.returncode == 0 and "5 variables, 0 problems" in checked.stdout
    bad = write_env_file(tmp_path, "POSTGRES_PASSWORD=p/w#1@x\n")
    checked = subprocess.run(
        [str(BASE_DIR / "bin" / "manage"), "--env-file", str(bad), "--check-env"], capture_output=True, text=True
    )
    assert checked.returncode == 1 and "line 1: POSTGRES_PASSWORD: compose cuts a value at #" in checked.stderr


def test_bin_manage_run_by_root_switches_to_the_service_user(tmp_path, request):
    """bin/manage and its parser copied into a checkout of their own whose .venv/bin/python
    only reports who runs it, with which environment, where."""
    if os.geteuid() != 0:
        pytest.skip("switching users needs root")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("no user nobody")
    # Outside pytest's folder, which only root may enter.
    checkout = Path(tempfile.mkdtemp(prefix="bin-manage-")) / "checkout"
    request.addfinalizer(lambda: shutil.rmtree(checkout.parent, ignore_errors=True))
    (checkout / "bin").mkdir(parents=True)
    (checkout / "deploy").mkdir()
    (checkout / ".venv" / "bin").mkdir(parents=True)
    shutil.copy(BASE_DIR / "bin" / "manage", checkout / "bin" / "manage")
    shutil.copy(BASE_DIR / "deploy" / "envfile.py", checkout / "deploy" / "envfile.py")
    report = checkout / ".venv" / "bin" / "python"
    report.write_text('#!/bin/sh\necho "$(id -un):$(id -gn):$(pwd):$*:$SECRET_KEY:$HOME"\n')
    report.chmod(0o755)
    for folder in (checkout.parent, checkout):
        folder.chmod(0o755)
    env_file = write_env_file(tmp_path, "SECRET_KEY=only for the service\n")
    env_file.chmod(0o600)  # root's to read, as /etc/budgetkataloger/env may be
    done = subprocess.run(
        [sys.executable, str(checkout / "bin" / "manage"), "--env-file", str(env_file), "--user", "nobody", "migrate"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    group = __import__("grp").getgrgid(nobody.pw_gid).gr_name
    assert done.stdout.strip() == f"nobody:{group}:{checkout}:manage.py migrate:only for the service:{nobody.pw_dir}"


SHOW_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps({k: d[k] for k in ('ENGINE', 'HOST', 'PORT', 'NAME', 'USER', 'PASSWORD', "
    "'CONN_MAX_AGE', 'CONN_HEALTH_CHECKS')}))"
)


def manage(env, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_database_from_separate_settings_takes_any_password_as_it_is():
    env = {
        "DATABASE_HOST": "db",
        "DATABASE_NAME": "budget",
        "DATABASE_USER": "budget",
        "DATABASE_PASSWORD": "p/w#1@x",
    }
    done = manage(env, "shell", "-c", SHOW_DATABASE)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": "db",
        "PORT": 5432,
        "NAME": "budget",
        "USER": "budget",
        "PASSWORD": "p/w#1@x",
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
    }
    # In a URL the same password is another host and port altogether (what compose had).
    url = manage({"DATABASE_URL": "postgres://budget:p/w#1@x@db:5432/budget"}, "shell", "-c", SHOW_DATABASE)
    assert url.returncode != 0 or json.loads(url.stdout.strip().splitlines()[-1])["PASSWORD"] != "p/w#1@x"

    both = manage({**env, "DATABASE_URL": "postgres://budget@db/budget"}, "check")
    assert both.returncode != 0
    assert "Set either DATABASE_URL or DATABASE_HOST, DATABASE_NAME, DATABASE_USER, DATABASE_PASSWORD" in both.stderr


def test_the_separate_settings_reach_postgresql(tmp_path):
    if not service_available("127.0.0.1", 5432):
        require(False, "PostgreSQL is not running on 127.0.0.1:5432")
    env = {"DATABASE_HOST": "127.0.0.1", "DATABASE_NAME": "postgres", "DATABASE_USER": "postgres"}
    done = manage(
        env, "shell", "-c", "from django.db import connection; print(connection.cursor().connection.info.dbname)"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "postgres"


UNITS = sorted((BASE_DIR / "deploy" / "systemd").glob("*.service"))


@pytest.fixture
def systemd_root(tmp_path):
    """A root for systemd-analyze: systemd's own units, the service files, and the programs
    they start (stand-ins), where an installation has them."""
    require(SYSTEMD_ANALYZE is not None, "systemd-analyze (Debian package systemd)")
    root = tmp_path / "root"
    units = root / "usr" / "lib" / "systemd" / "system"
    units.mkdir(parents=True)
    for unit in Path("/usr/lib/systemd/system").iterdir():
        if unit.is_file() and not unit.is_symlink() and unit.suffix == ".target":
            shutil.copy(unit, units)
    (root / "etc" / "systemd" / "system").mkdir(parents=True)
    for unit in UNITS:
        shutil.copy(unit, root / "etc" / "systemd" / "system")
    for program in ("opt/budgetkataloger/.venv/bin/gunicorn", "opt/budgetkataloger/.venv/bin/celery", "bin/kill"):
        path = root / program
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("#!/bin/sh\n")
        path.chmod(0o755)
    return root


def test_the_systemd_units_are_valid(systemd_root):
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", f"--root={systemd_root}", *(unit.name for unit in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0 and done.stdout + done.stderr == "", done.stdout + done.stderr


@pytest.mark.parametrize("unit", [unit.name for unit in UNITS])
def test_each_unit_runs_as_the_service_user_with_the_env_file_and_hardened(unit, systemd_root):
    text = (BASE_DIR / "deploy" / "systemd" / unit).read_text()
    assert "\nUser=budget\n" in text and "\nGroup=budget\n" in text
    assert "\nEnvironmentFile=/etc/budgetkataloger/env\n" in text
    assert "\nProtectSystem=strict\n" in text and "\nStateDirectory=budgetkataloger\n" in text
    done = subprocess.run(
        [SYSTEMD_ANALYZE, "security", "--offline=true", f"--root={systemd_root}", unit],
        capture_output=True,
        text=True,
        timeout=60,
    )
    exposure = re.search(r"Overall exposure level for \S+: ([\d.]+) (\w+)", done.stdout)
    assert exposure, done.stdout + done.stderr
    # systemd's scale: 0 (locked down) to 10 (unprotected); "OK" is below 2.
    assert float(exposure.group(1)) <= 2.0 and exposure.group(2) == "OK", exposure.group(0)
