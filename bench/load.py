"""Load benchmark: committee members saving drafts of hearing responses and submitting them,
against gunicorn on PostgreSQL, with locust (bench/locustfile.py), on loopback only.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_bench \\
        .venv/bin/python bench/load.py [--users 30] [--seconds 60] [--catalogues 6] [--write-results]

The database named in DATABASE_URL is DROPPED and made anew (its name must contain "bench").
It gets one department with one LMU per member (one member each), ``--catalogues`` catalogues
of ten proposals in hearing with every LMU heard, and a superuser; each member has a session
as single sign-on leaves one (the directory's login is not what is measured). gunicorn runs with the
production configuration (config/gunicorn.conf.py; DEBUG off; e-mail to nowhere, tasks in
process: the web's own work is measured). Each member opens the dashboard, then per catalogue saves 2-4
drafts of their LMU's response and submits it, 0.5-1.5 s apart; with all done, reads the
dashboard. Afterwards the database is compared with what the server acknowledged: every
acknowledged submission is there, submitted, with its text and a stance per proposal; every
acknowledged draft is the response's text; one response per LMU and catalogue. Exit status 1
on any request error or mismatch. ``--write-results`` puts the figures in bench/RESULTS.md
(section "# Benchmark: load (30 committee members)"). Not run by CI (it takes minutes)."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
os.environ["DEBUG"] = "0"
os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
os.environ.pop("CELERY_BROKER_URL", None)

import django  # noqa: E402
import psycopg  # noqa: E402
import requests  # noqa: E402

LOCUST = Path(sys.executable).with_name("locust")
PASSWORD = "Belastning-2026"
SECTION = "# Benchmark: load (30 committee members)"


def recreate_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "bench" not in name:
        sys.exit(f"DATABASE_URL must be a PostgreSQL database whose name contains 'bench' (it is dropped): {url}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(members, catalogues):
    """The members, their LMUs and the catalogues in hearing; returns the locust plan."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from approvals import services
    from approvals.models import Committee, Membership
    from tests.factories import make_catalogue, make_department

    User = get_user_model()
    admin = User.objects.create_superuser("bench-admin", "admin@bench.example", PASSWORD)
    department = make_department("BENCH", name="Belastningsprøven")
    password = make_password(PASSWORD)  # hashed once: 30 members, one hash
    users = User.objects.bulk_create(
        User(username=f"medlem{n:02d}", email=f"medlem{n:02d}@bench.example", password=password)
        for n in range(1, members + 1)
    )
    lmus = []
    for n, user in enumerate(users, start=1):
        lmu = Committee.objects.create(department=department, kind=Committee.Kind.LMU, name=f"LMU {n:02d}")
        Membership.objects.create(committee=lmu, user=user)
        lmus.append(lmu)
    today = timezone.localdate()
    hearings = []
    for n in range(1, catalogues + 1):
        catalogue = make_catalogue(department=department, title=f"Katalog {n}", proposals=10)
        process = catalogue.process
        services.configure_hearing(
            process,
            actor=admin,
            committees=lmus,
            hearing_deadline=today + datetime.timedelta(days=14),
            hmu_meeting=today + datetime.timedelta(days=16),
            signoff_meeting=today + datetime.timedelta(days=18),
        )
        services.open_hearing(process, actor=admin)
        proposals = list(catalogue.proposals.order_by("position").values_list("pk", flat=True))
        hearings.append((catalogue.slug, proposals))
    return {
        "members": [
            {
                "username": user.username,
                "session": signed_in_session(user),
                "hearings": [{"slug": slug, "committee": lmu.pk, "proposals": ids} for slug, ids in hearings],
            }
            for user, lmu in zip(users, lmus, strict=True)
        ],
    }


def signed_in_session(user):
    """A session as a sign-in leaves it: staff sign in through the directory (single sign-on),
    so the load is the hearing work, not this application's password hashing."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "accounts.sso.OidcBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


def check_database(plan, acks):
    """What the server acknowledged against what the database holds: a list of problems."""
    from approvals.models import HearingResponse

    problems = []
    asked_proposals = {f"{h['slug']}/{h['committee']}": h["proposals"] for m in plan["members"] for h in m["hearings"]}
    responses = {
        f"{r.process.catalogue.slug}/{r.committee_id}": r
        for r in HearingResponse.objects.select_related("process__catalogue").prefetch_related("stances")
    }
    for key, ack in sorted(acks.items()):
        response = responses.get(key)
        if response is None:
            problems.append(f"{key}: acknowledged but no response in the database (lost)")
            continue
        if "submitted" in ack:
            if response.status != HearingResponse.Status.SUBMITTED:
                problems.append(f"{key}: submission acknowledged, response is {response.status}")
            if response.general_comment != ack["submitted"]:
                problems.append(
                    f"{key}: submitted text {response.general_comment!r}, acknowledged {ack['submitted']!r}"
                )
            stances = [s.proposal_id for s in response.stances.all()]
            asked = asked_proposals[key]
            if sorted(stances) != sorted(asked):
                problems.append(f"{key}: stances on {len(stances)} proposals, {len(asked)} asked")
        elif response.general_comment != ack["draft"] or response.status != HearingResponse.Status.DRAFT:
            problems.append(
                f"{key}: draft {response.general_comment!r} ({response.status}), acknowledged {ack['draft']!r}"
            )
    unacknowledged = sorted(set(responses) - set(acks))
    if unacknowledged:
        problems.append(f"responses the server never acknowledged: {unacknowledged}")
    per_pair = HearingResponse.objects.values("process", "committee").distinct().count()
    if per_pair != HearingResponse.objects.count():
        problems.append("more than one response for an LMU and catalogue (duplicated)")
    return problems, responses


def results_markdown(args, stats, responses, problems, started, load):
    from django.db import connection

    from approvals.models import HearingResponse

    submitted = sum(1 for r in responses.values() if r.status == HearingResponse.Status.SUBMITTED)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0].split()[0]
    lines = [
        SECTION,
        "",
        "`bench/load.py` (locust, loopback only): "
        f"{args.users} committee members for {args.seconds} s against gunicorn "
        "(config/gunicorn.conf.py, DEBUG off) on PostgreSQL; each saves 2-4 drafts of its LMU's hearing "
        f"response per catalogue ({args.catalogues} catalogues of 10 proposals, every LMU heard) and submits "
        "it, 0.5-1.5 s between requests. Run it again with:",
        "",
        "```sh",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_bench .venv/bin/python bench/load.py --write-results",
        "```",
        "",
        f"## {started:%Y-%m-%d} (PostgreSQL {server}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with the load generator)",
        "",
        "| request | count | errors | p50 ms | p95 ms | max ms |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in stats:
        label = "**all**" if row["request"] == "all" else f"`{row['request']}`"
        lines.append(
            f"| {label} | {row['count']} | {row['errors']} | {row['p50']:.0f} | {row['p95']:.0f} | {row['max']:.0f} |"
        )
    total = stats[-1]
    lines += [
        "",
        "A POST's time includes the page it redirects to. The machine's load average (1 min) was "
        f"{load[0]:.1f} before and {load[1]:.1f} after the run (other work on it counts in the times). "
        f"Throughput {total['per_second']:.1f} requests/s. Afterwards in the database: "
        f"{len(responses)} responses ({submitted} submitted), "
        + ("every acknowledged draft and submission there, none duplicated." if not problems else "PROBLEMS:"),
    ]
    lines += [f"- {problem}" for problem in problems]
    return "\n".join(lines) + "\n"


def write_results(text):
    """Replace (or add) this benchmark's own section of bench/RESULTS.md; the others stay."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text()
    start = current.find(SECTION)
    if start == -1:
        path.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    end = current.find("\n# Benchmark", start + len(SECTION))
    rest = current[end + 1 :] if end != -1 else ""
    path.write_text(current[:start] + text + ("\n" + rest if rest else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--catalogues", type=int, default=6)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    started = datetime.datetime.now()
    recreate_database(url)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=os.environ)
    if migrate.returncode:
        sys.exit("migrate failed")
    django.setup()
    plan = seed(args.users, args.catalogues)

    from tests.e2e.web import Gunicorn

    work = Path(tempfile.mkdtemp(prefix="bench-load-"))
    (work / "plan.json").write_text(json.dumps(plan))
    server = Gunicorn(env=dict(os.environ), log_path=work / "gunicorn.log", workers=None, threads=None).start()
    # Every worker's first request loads templates and URLs; not what is measured.
    warm = requests.Session()
    warm.cookies.set("sessionid", plan["members"][0]["session"])
    for _ in range(30):
        warm.get(f"{server.url}/", timeout=60)
    load_before = os.getloadavg()[0]
    try:
        locust = subprocess.run(
            [
                str(LOCUST),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.users),
                "--run-time",
                f"{args.seconds}s",
                "--stop-timeout",
                "10",
                "--host",
                server.url,
                "--only-summary",
            ],
            cwd=ROOT,
            env={**os.environ, "BENCH_LOAD_PLAN": str(work / "plan.json"), "BENCH_LOAD_ACKS": str(work / "acks.json")},
            timeout=args.seconds + 120,
        )
    finally:
        load_after = os.getloadavg()[0]
        server.stop()
    outcome = json.loads((work / "acks.json").read_text())
    problems, responses = check_database(plan, outcome["acks"])
    stats = outcome["stats"]
    errors = stats[-1]["errors"]
    if errors:
        problems.append(f"{errors} request errors (see the locust output above)")
    text = results_markdown(args, stats, responses, problems, started, (load_before, load_after))
    print(text)
    print(f"(locust exit status {locust.returncode}; logs and CSV in {work})")
    if args.write_results:
        write_results(text)
    return 1 if problems or locust.returncode else 0


if __name__ == "__main__":
    sys.exit(main())
