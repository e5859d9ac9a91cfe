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
(section "# Benchmark: load (30 committee members)"). Not run by CI (it takes minutes).

``--broker-outage`` (with ``--users 100``): the same load with the production's moving parts
for e-mail: a Celery worker on a Redis broker of its own and an SMTP server on loopback, while
an administrator opens a hearing for every member now and then (``--openings``; each writes an
e-mail per member and queues its tasks). Halfway through the broker is stopped. Each request's
time is compared with its floor, the same request while the broker was up in the same run.
Afterwards the broker is started again, the sweep runs as beat would a minute later, and every
e-mail in the outbox must reach the SMTP server exactly once (counted by Message-ID). Its
section: "# Benchmark: load with the broker stopped halfway".

``--sign-in-burst`` (with ``--users 100``): every member signs in with a password at the same
moment (each has fetched the login page first), against gunicorn as deployed, twice: first with
the members' passwords stored as they were before (PBKDF2: each sign-in checks the old hash and
stores the preferred hasher's), then again (the preferred hasher's hashes). Meanwhile
``GET /health/`` is asked every 0,2 s, as a load balancer does, and the load average is sampled.
Each sign-in must end signed in. Its section: "# Benchmark: sign-in burst"."""

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
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


def locust_command(args, url):
    """locust without its web UI: ``args.users`` users started at once for ``args.seconds``."""
    return [
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
        url,
        "--only-summary",
    ]


PASSWORD = "Belastning-2026"
SECTION = "# Benchmark: load (30 committee members)"
OUTAGE_SECTION = "# Benchmark: load with the broker stopped halfway"
OPENING = "POST /forloeb/…/aabn-hoering/ (administrator)"
BURST_SECTION = "# Benchmark: sign-in burst"


def recreate_database(url):
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if parts.scheme not in ("postgres", "postgresql") or "bench" not in name:
        sys.exit(f"DATABASE_URL must be a PostgreSQL database whose name contains 'bench' (it is dropped): {url}")
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def seed(members, catalogues, openings=0):
    """The members, their LMUs and the catalogues in hearing (and ``openings`` more configured
    for a hearing of every LMU, in draft, for the administrator to open); returns the locust plan."""
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
    drafts = []
    for n in range(1, openings + 1):
        catalogue = make_catalogue(department=department, title=f"Udkast {n}", proposals=10)
        services.configure_hearing(
            catalogue.process,
            actor=admin,
            committees=lmus,
            hearing_deadline=today + datetime.timedelta(days=14),
            hmu_meeting=today + datetime.timedelta(days=16),
            signoff_meeting=today + datetime.timedelta(days=18),
        )
        drafts.append(catalogue.slug)
    return {
        "admin_session": signed_in_session(admin),
        "openings": drafts,
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


def _draft_number(text):
    try:
        return int(text.rsplit(" ", 1)[1])
    except (IndexError, ValueError, AttributeError):
        return None


def in_flight(response, ack):
    """The database holds what a request still under way when locust stopped its users wrote: a
    later draft or the submission of the same member (the request was answered after locust
    gave up, so it was never acknowledged). Not lost, not duplicated."""
    if ack is None:
        return True  # the member's first save of this response was under way
    newer, acknowledged = _draft_number(response.general_comment), _draft_number(ack.get("draft"))
    return newer is not None and acknowledged is not None and newer > acknowledged


def check_database(plan, acks, *, allow_in_flight=False):
    """What the server acknowledged against what the database holds: a list of problems (and,
    ``allow_in_flight``, how many responses hold what an unacknowledged request wrote)."""
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
            if allow_in_flight and in_flight(response, ack):
                continue
            problems.append(
                f"{key}: draft {response.general_comment!r} ({response.status}), acknowledged {ack['draft']!r}"
            )
    unacknowledged = sorted(set(responses) - set(acks))
    if unacknowledged and not allow_in_flight:
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


def write_results(text, section=SECTION):
    """Replace (or add) this benchmark's own section of bench/RESULTS.md; the others stay."""
    path = ROOT / "bench" / "RESULTS.md"
    current = path.read_text()
    start = current.find(section)
    if start == -1:
        path.write_text(current.rstrip("\n") + "\n\n" + text)
        return
    end = current.find("\n# Benchmark", start + len(section))
    rest = current[end + 1 :] if end != -1 else ""
    path.write_text(current[:start] + text + ("\n" + rest if rest else ""))


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def phase_stats(timings, stopped_at):
    """{request: {"up": stats, "down": stats}} of [request, start, ms, failed] rows, by whether
    the request started before the broker was stopped."""
    grouped = {}
    for request, start, ms, failed in timings:
        phase = "up" if start < stopped_at else "down"
        grouped.setdefault(request, {}).setdefault(phase, []).append((ms, failed))
    stats = {}
    for request, phases in sorted(grouped.items()):
        stats[request] = {}
        for phase, rows in phases.items():
            times = [ms for ms, _failed in rows]
            stats[request][phase] = {
                "count": len(rows),
                "errors": sum(1 for _ms, failed in rows if failed),
                "p50": percentile(times, 0.5),
                "p95": percentile(times, 0.95),
                "max": max(times),
            }
    return stats


def open_hearings(base_url, session_key, slugs, every, log, stop):
    """The administrator: opens one hearing every ``every`` seconds (each for every member)."""
    session = requests.Session()
    session.cookies.set("sessionid", session_key)
    for slug in slugs:
        if stop.wait(every):
            return
        session.get(f"{base_url}/forloeb/{slug}/", timeout=120)  # the page with the button (and CSRF cookie)
        started, clock = time.time(), time.monotonic()
        response = session.post(
            f"{base_url}/forloeb/{slug}/aabn-hoering/",
            data={"open-note": "", "csrfmiddlewaretoken": session.cookies.get("csrftoken")},
            allow_redirects=False,
            timeout=120,
        )
        log.append([OPENING, started, (time.monotonic() - clock) * 1000, response.status_code != 302])


def deliver_after_the_outage(broker, env, deadline_s=900):
    """The broker back; the sweep as beat runs it once the pending rows have waited a minute;
    returns (seconds until every e-mail was sent, rows, problems)."""
    from django.utils import timezone

    from approvals.outbox.models import Email
    from approvals.outbox.sweep import PENDING_GRACE

    broker.start()
    back = time.monotonic()
    newest = Email.objects.exclude(status="sent").order_by("-queued_at").values_list("queued_at", flat=True).first()
    if newest is not None:
        time.sleep(max(0.0, (newest + PENDING_GRACE - timezone.now()).total_seconds()) + 1)
    subprocess.run([sys.executable, "manage.py", "memo_sweep"], cwd=ROOT, env=env, check=True)
    problems = []
    while Email.objects.exclude(status="sent").exists():
        if time.monotonic() - back > deadline_s:
            problems.append(f"{Email.objects.exclude(status='sent').count()} e-mails not sent after {deadline_s} s")
            break
        time.sleep(2)
    return time.monotonic() - back, Email.objects.count(), problems


def outage_markdown(args, stats, stopped_after, delivery, problems, started, load, emails):
    lines = [
        OUTAGE_SECTION,
        "",
        f"`bench/load.py --broker-outage` (locust, loopback only): {args.users} committee members for "
        f"{args.seconds} s against gunicorn (config/gunicorn.conf.py, DEBUG off) on PostgreSQL, as in the load "
        f"benchmark above but {args.wait.replace(',', '-')} s between a member's requests, "
        "with a Celery worker on a Redis broker of its own and an SMTP server on loopback; "
        f"an administrator opens {args.openings} hearings for all {args.users} members during the run (each writes "
        f"{args.users} e-mails and queues their tasks). The broker was stopped {stopped_after:.0f} s into the run. "
        "**Floor**: the same request while the broker was up, in the same run; ratio = p50 with the broker "
        "stopped / p50 with it up. Run it again with:",
        "",
        "```sh",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_bench .venv/bin/python bench/load.py "
        f"--broker-outage --users {args.users} --seconds {args.seconds} --openings {args.openings} "
        f"--wait {args.wait} --write-results",
        "```",
        "",
        f"## {started:%Y-%m-%d %H:%M} UTC (Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with the load generator, the worker and the SMTP server)",
        "",
        "| request | up: count | up: p50 ms | up: p95 ms | stopped: count | stopped: errors | stopped: p50 ms "
        "| stopped: p95 ms | stopped: max ms | ratio p50 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for request, phases in stats.items():
        up, down = phases.get("up"), phases.get("down")
        ratio = f"{down['p50'] / up['p50']:.2f}" if up and down and up["p50"] else "–"

        def cells(phase, keys):
            return [f"{phase[k]:.0f}" if phase else "–" for k in keys]

        row = [
            f"`{request}`",
            *cells(up, ["count", "p50", "p95"]),
            *cells(down, ["count", "errors", "p50", "p95", "max"]),
        ]
        lines.append("| " + " | ".join([*row, ratio]) + " |")
    lines += [
        "",
        f"The machine's load average (1 min) was {load[0]:.1f} before and {load[1]:.1f} after the run. "
        "In the database every acknowledged save is there (a save still under way when locust stopped its "
        "users may be there too, unacknowledged; it is not counted as a problem). "
        f"After the run the broker was started again and the sweep run once the waiting e-mails were a minute old "
        f"(as beat does): all {emails} e-mails in the outbox were sent {delivery:.0f} s after the broker came back, "
        + ("each exactly once at the SMTP server (by Message-ID), none lost." if not problems else "PROBLEMS:"),
    ]
    lines += [f"- {problem}" for problem in problems]
    return "\n".join(lines) + "\n"


def run_outage(args, url, started):
    """--broker-outage: the load with the broker stopped halfway (see the module's docstring)."""
    from collections import Counter

    from approvals.outbox.models import Email
    from tests.e2e.services import PrivateRedis, Worker, smtp_server
    from tests.e2e.web import Gunicorn

    plan = seed(args.users, args.catalogues, openings=args.openings)
    work = Path(tempfile.mkdtemp(prefix="bench-outage-"))
    (work / "plan.json").write_text(json.dumps(plan))
    broker = PrivateRedis()
    broker.start()
    env = {**os.environ, "CELERY_BROKER_URL": broker.url, "CELERY_TASK_ALWAYS_EAGER": "0"}
    with smtp_server() as (sink, smtp_port):
        worker = Worker(broker_url=broker.url, database_url=url, smtp_port=smtp_port, log_path=work / "worker.log")
        worker.start()
        server = Gunicorn(env=env, log_path=work / "gunicorn.log", workers=None, threads=None).start()
        problems, admin_log, stop = [], [], threading.Event()
        try:
            warm = requests.Session()
            warm.cookies.set("sessionid", plan["members"][0]["session"])
            for _ in range(30):
                warm.get(f"{server.url}/", timeout=60)
            load_before = os.getloadavg()[0]
            t0 = time.time()
            stopper = threading.Timer(args.seconds / 2, broker.stop)
            admin = threading.Thread(
                target=open_hearings,
                args=(
                    server.url,
                    plan["admin_session"],
                    plan["openings"],
                    args.seconds / (args.openings + 1),
                    admin_log,
                    stop,
                ),
            )
            stopper.start()
            admin.start()
            locust = subprocess.run(
                locust_command(args, server.url),
                cwd=ROOT,
                env={
                    **os.environ,
                    "BENCH_LOAD_PLAN": str(work / "plan.json"),
                    "BENCH_LOAD_ACKS": str(work / "acks.json"),
                    "BENCH_LOAD_WAIT": args.wait,
                },
                timeout=args.seconds + 180,
            )
            stopper.join()
            stopped_at = t0 + args.seconds / 2
            stop.set()
            admin.join()
            load_after = os.getloadavg()[0]
            outcome = json.loads((work / "acks.json").read_text())
            db_problems, _responses = check_database(plan, outcome["acks"], allow_in_flight=True)
            problems += db_problems
            stats = phase_stats(outcome["timings"] + admin_log, stopped_at)
            errors = sum(p["errors"] for phases in stats.values() for p in phases.values())
            if errors:
                problems.append(f"{errors} request errors")
            if locust.returncode:
                problems.append(f"locust exit status {locust.returncode}")
            delivery, emails, delivery_problems = deliver_after_the_outage(broker, env)
            problems += delivery_problems
            received = Counter(m.message["Message-ID"] for m in sink.received())
            expected = set(Email.objects.values_list("message_id", flat=True))
            duplicated = sum(1 for count in received.values() if count > 1)
            if duplicated or set(received) != expected:
                problems.append(
                    f"SMTP server: {len(received)} distinct of {sum(received.values())} received, "
                    f"{duplicated} more than once, {len(expected - set(received))} missing"
                )
        finally:
            stop.set()
            server.stop()
            worker.stop()
            broker.stop()
    text = outage_markdown(args, stats, stopped_at - t0, delivery, problems, started, (load_before, load_after), emails)
    print(text)
    print(f"(logs in {work})")
    if args.write_results:
        write_results(text, OUTAGE_SECTION)
    return 1 if problems else 0


def seed_sign_in(members):
    """``members`` users whose password is stored as PBKDF2 (what the hashes were before the
    preferred hasher changed; one hash for all, so seeding is quick)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    stored = make_password(PASSWORD, hasher="pbkdf2_sha256")
    User = get_user_model()
    User.objects.bulk_create(
        User(username=f"medlem{n:03d}", email=f"medlem{n:03d}@bench.example", password=stored)
        for n in range(1, members + 1)
    )
    return [f"medlem{n:03d}" for n in range(1, members + 1)]


def login_form(session, base_url):
    """The login page's CSRF token (the cookie is kept in ``session``)."""
    page = session.get(f"{base_url}/login/", timeout=60).text
    return page.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]


def sign_in_burst(base_url, usernames):
    """All ``usernames`` sign in at once while /health/ is probed; returns (sign-in rows
    [(ms, ok)], health rows [(ms, ok)], load average samples)."""
    sessions = []
    for name in usernames:
        session = requests.Session()
        sessions.append((name, session, login_form(session, base_url)))
    barrier = threading.Barrier(len(sessions) + 1)
    results, health, loads, done = [], [], [], threading.Event()

    def member(name, session, token):
        barrier.wait()
        clock = time.monotonic()
        try:
            response = session.post(
                f"{base_url}/login/",
                data={"username": name, "password": PASSWORD, "csrfmiddlewaretoken": token},
                headers={"Referer": f"{base_url}/login/"},
                allow_redirects=False,
                timeout=300,
            )
            ok = response.status_code == 302 and "sessionid" in session.cookies
        except requests.RequestException:
            ok = False
        results.append(((time.monotonic() - clock) * 1000, ok))

    def probe():
        probe_session = requests.Session()
        while not done.is_set():
            clock = time.monotonic()
            try:
                ok = probe_session.get(f"{base_url}/health/", timeout=30).status_code == 200
            except requests.RequestException:
                ok = False
            health.append(((time.monotonic() - clock) * 1000, ok))
            loads.append(os.getloadavg()[0])
            done.wait(0.2)

    threads = [threading.Thread(target=member, args=entry) for entry in sessions]
    for thread in threads:
        thread.start()
    prober = threading.Thread(target=probe)
    barrier.wait()
    prober.start()
    for thread in threads:
        thread.join()
    done.set()
    prober.join()
    return results, health, loads


def burst_row(label, rows):
    times = [ms for ms, _ok in rows]
    failed = sum(1 for _ms, ok in rows if not ok)
    return (
        f"| {label} | {len(rows)} | {failed} | {percentile(times, 0.5):.0f} | {percentile(times, 0.95):.0f} "
        f"| {max(times):.0f} |"
    )


def run_sign_in_burst(args, started):
    """--sign-in-burst: see the module's docstring."""
    import runpy

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import get_hasher

    from tests.e2e.web import Gunicorn

    usernames = seed_sign_in(args.users)
    work = Path(tempfile.mkdtemp(prefix="bench-sign-in-"))
    config = runpy.run_path(str(ROOT / "config" / "gunicorn.conf.py"))
    server = Gunicorn(env=dict(os.environ), log_path=work / "gunicorn.log", workers=None, threads=None).start()
    lines = [
        BURST_SECTION,
        "",
        f"`bench/load.py --sign-in-burst --users {args.users}`: {args.users} members sign in with a password at "
        "the same moment against gunicorn as deployed (config/gunicorn.conf.py, DEBUG off) on PostgreSQL, "
        "while `GET /health/` is asked every 0,2 s (a load balancer's probe) from the burst's start to its "
        "end. First burst: the passwords stored as PBKDF2, as before the hasher changed (each sign-in checks "
        "the old hash and stores the preferred hasher's); second burst: the same members again. "
        "Times from the POST to its answer (the redirect, not the page after it). Run it again with:",
        "",
        "```sh",
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_bench .venv/bin/python bench/load.py "
        f"--sign-in-burst --users {args.users} --write-results",
        "```",
        "",
        f"## {started:%Y-%m-%d %H:%M} UTC (PostgreSQL, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores shared with the load generator)",
        "",
        f"Preferred hasher `{get_hasher().algorithm}` ({settings.PASSWORD_HASHERS[0]}); gunicorn "
        f"`{config.get('worker_class', 'sync')}`, {config['workers']} workers × {config['threads']} threads.",
        "",
        "| burst | what | count | failed | p50 ms | p95 ms | max ms |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    problems = []
    try:
        warm = requests.Session()
        for _ in range(10):
            warm.get(f"{server.url}/login/", timeout=60)
        for burst in ("1 (stored PBKDF2)", "2 (stored as preferred)"):
            load_before = os.getloadavg()[0]
            clock = time.monotonic()
            results, health, loads = sign_in_burst(server.url, usernames)
            seconds = time.monotonic() - clock
            load_after = os.getloadavg()[0]
            lines.append(burst_row(f"{burst} | sign-in", results))
            lines.append(burst_row(f"{burst} | `GET /health/` during it", health))
            lines.append(
                f"| {burst} | load average (1 min) | before {load_before:.1f} | max {max(loads):.1f} "
                f"| after {load_after:.1f} | burst {seconds:.1f} s | |"
            )
            problems += [f"burst {burst}: {sum(1 for _ms, ok in results if not ok)} sign-ins failed"] * any(
                not ok for _ms, ok in results
            )
            problems += [f"burst {burst}: /health/ failed or timed out"] * any(not ok for _ms, ok in health)
            time.sleep(5)
    finally:
        server.stop()
    algorithms = sorted({p.split("$", 1)[0] for p in get_user_model().objects.values_list("password", flat=True)})
    lines += [
        "",
        f"Stored hashes afterwards: {', '.join(algorithms)}. "
        + ("Every sign-in ended signed in; /health/ answered every probe." if not problems else "PROBLEMS:"),
    ]
    lines += [f"- {problem}" for problem in problems]
    text = "\n".join(lines) + "\n"
    print(text)
    print(f"(logs in {work})")
    if args.write_results:
        write_results(text, BURST_SECTION)
    return 1 if problems else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=30)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--catalogues", type=int, default=6)
    parser.add_argument("--write-results", action="store_true")
    parser.add_argument("--broker-outage", action="store_true", help="stop the broker halfway (see above)")
    parser.add_argument("--sign-in-burst", action="store_true", help="every member signs in at once (see above)")
    parser.add_argument("--openings", type=int, default=6, help="hearings the administrator opens (--broker-outage)")
    parser.add_argument(
        "--wait", default="10,20", help="seconds between a member's requests, min,max (--broker-outage)"
    )
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    started = (
        datetime.datetime.now(datetime.UTC) if args.broker_outage or args.sign_in_burst else datetime.datetime.now()
    )
    recreate_database(url)
    migrate = subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=os.environ)
    if migrate.returncode:
        sys.exit("migrate failed")
    django.setup()
    if args.broker_outage:
        return run_outage(args, url, started)
    if args.sign_in_burst:
        return run_sign_in_burst(args, started)
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
            locust_command(args, server.url),
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
