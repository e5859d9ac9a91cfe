"""Benchmark: many LMUs saving and submitting large hearing responses at the same time (issue 26).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/budget_forms \\
        .venv/bin/python bench/concurrent_saves.py [--lmus 100] [--proposals 1000] [--workers 5,20]
        [--root /tmp/old-tree] [--write LABEL]

One catalogue of ``--proposals`` proposals in hearing, heard by ``--lmus`` LMUs (one member each).
Each LMU saves a draft with a stance and a comment on every proposal, then submits with every
stance changed: two calls of ``hearing.save_hearing_response``, each rewriting all its rows (the
worst case: a page of the form posts 250 rows). The LMUs are served by ``--workers`` processes
at once (forked, each with its own database connection; gunicorn runs 2 x cores + 1 = 5 workers),
all started together. The FLOOR is the same rows written the plainest way by the same processes:
per LMU, one transaction that bulk_creates its response's rows and one that deletes and
bulk_creates them again. Printed per worker count: the wall time of all LMUs, the slowest and
median call, the ratio wall / floor wall, and that every response is submitted with its rows and
HMU told exactly once. PostgreSQL only (the row locks are what is measured); its throwaway test
database ``test_<name>`` is made and dropped. ``--root``: measure another code tree (e.g. the
commit before, from ``git archive``). ``--write LABEL`` puts the table under "## LABEL" in the
"# Benchmark: the response form at 20.000 proposals, 100 LMUs saving at once (issue 26)" section
of bench/RESULTS.md."""

import argparse
import datetime
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTION = "# Benchmark: the response form at 20.000 proposals, 100 LMUs saving at once (issue 26)"
TIMEOUT_S = 900


def setup(root):
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.dummy.EmailBackend"
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()


# --- work done in the forked processes ------------------------------------------------------

STATE = {}


def _service_calls(task):
    from django.contrib.auth import get_user_model

    from approvals import hearing
    from approvals.models import CatalogueProcess, Committee

    committee_id, user_id, number = task
    process = CatalogueProcess.objects.get(pk=STATE["process"])
    committee = Committee.objects.get(pk=committee_id)
    user = get_user_model().objects.get(pk=user_id)
    ids = STATE["ids"]
    times = []
    for stance, text, submit in (("support", "Kladde", False), ("concerns", "Svar", True)):
        start = time.perf_counter()
        hearing.save_hearing_response(
            process,
            committee,
            actor=user,
            general_comment=f"{text} fra LMU {number}",
            stances={pk: (stance, f"{text} {number}-{i}") for i, pk in enumerate(ids)},
            submit=submit,
        )
        times.append(time.perf_counter() - start)
    return times


def _floor_calls(task):
    from django.db import transaction

    from approvals.models import ProposalStance

    response_id, number = task
    ids = STATE["ids"]
    times = []
    for stance, text in (("support", "Kladde"), ("concerns", "Svar")):
        start = time.perf_counter()
        with transaction.atomic():
            ProposalStance.objects.filter(response_id=response_id).delete()
            ProposalStance.objects.bulk_create(
                ProposalStance(response_id=response_id, proposal_id=pk, stance=stance, comment=f"{text} {number}-{i}")
                for i, pk in enumerate(ids)
            )
        times.append(time.perf_counter() - start)
    return times


def _run(function, tasks, workers):
    context = multiprocessing.get_context("fork")
    # The parent closed its connections before: each process opens its own.
    with context.Pool(workers) as pool:
        start = time.perf_counter()
        result = pool.map_async(function, tasks, chunksize=1)
        times = result.get(timeout=TIMEOUT_S)
        wall = time.perf_counter() - start
    return wall, [t for pair in times for t in pair]


# --- the parent ------------------------------------------------------------------------------


def seed(lmus, proposals):
    from approvals import deadlines, services
    from approvals.models import Committee
    from tests.approval_factories import make_committee, make_department_admin
    from tests.factories import make_catalogue, make_department, make_user

    department = make_department()
    catalogue = make_catalogue(proposals=proposals, department=department)
    admin = make_department_admin(department)
    users = [make_user() for _ in range(lmus)]
    committees = [make_committee(department, name=f"LMU {i + 1:03d}", members=[u]) for i, u in enumerate(users)]
    make_committee(department, Committee.Kind.HMU, name="HMU", members=[make_user()])
    process = catalogue.process
    deadline = deadlines.local_today() + datetime.timedelta(days=7)
    services.configure_hearing(process, actor=admin, committees=committees, hearing_deadline=deadline)
    services.open_hearing(process, actor=admin)
    STATE["process"] = process.pk
    STATE["ids"] = list(catalogue.proposals.order_by("position", "id").values_list("pk", flat=True))
    return process, [(c.pk, u.pk, i) for i, (c, u) in enumerate(zip(committees, users, strict=True))]


def check(process, lmus, proposals):
    from approvals.models import HearingCompletion, HearingResponse, ProposalStance

    problems = []
    submitted = HearingResponse.objects.filter(process=process, status=HearingResponse.Status.SUBMITTED).count()
    if submitted != lmus:
        problems.append(f"{submitted} of {lmus} responses submitted")
    rows = ProposalStance.objects.filter(response__process=process, stance="concerns").count()
    if rows != lmus * proposals:
        problems.append(f"{rows} of {lmus * proposals} submitted stances")
    told = HearingCompletion.objects.filter(process=process).count()
    if told != 1:
        problems.append(f"HMU told {told} times")
    return problems


def measure(lmus, proposals, workers_list):
    from django.db import connection, connections

    from approvals.models import HearingCompletion, HearingResponse

    rows = []
    process, tasks = seed(lmus, proposals)
    for workers in workers_list:
        # The floor: its own response rows per LMU (made here, removed after).
        responses = HearingResponse.objects.bulk_create(
            HearingResponse(process=process, committee_id=committee_id) for committee_id, _u, _n in tasks
        )
        floor_tasks = [(r.pk, n) for r, (_c, _u, n) in zip(responses, tasks, strict=True)]
        connections.close_all()
        floor_wall, floor_times = _run(_floor_calls, floor_tasks, workers)
        HearingResponse.objects.filter(process=process).delete()
        connections.close_all()
        try:
            wall, times = _run(_service_calls, tasks, workers)
            problems = check(process, lmus, proposals)
        except multiprocessing.TimeoutError:
            wall, times, problems = None, [], [f"not finished within {TIMEOUT_S} s"]
        rows.append(
            {
                "workers": workers,
                "wall": wall,
                "floor": floor_wall,
                "median": statistics.median(times) if times else None,
                "max": max(times) if times else None,
                "floor_max": max(floor_times),
                "problems": problems,
            }
        )
        print(rows[-1], flush=True)
        HearingCompletion.objects.filter(process=process).delete()
        HearingResponse.objects.filter(process=process).delete()
        connection.close()
    return rows


def markdown(args, rows, started, load):
    lines = [
        f"Run {started:%Y-%m-%d %H:%M} UTC, load average before {load}; PostgreSQL "
        f"({platform.python_version()}, {os.cpu_count()} cores). {args.lmus} LMUs x {args.proposals} proposals: "
        "each saves a draft of every row, then submits with every row changed "
        f"(`{' '.join(['bench/concurrent_saves.py', *sys.argv[1:]])}`).",
        "",
        "| Worker processes | All LMUs: wall (s) | Floor: wall (s) | Ratio | Median call (s) | Slowest call (s) "
        "| Slowest floor call (s) | Checks |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        wall = f"{r['wall']:.1f}" if r["wall"] is not None else "—"
        ratio = f"**{r['wall'] / r['floor']:.2f}x**" if r["wall"] is not None else "—"
        median = f"{r['median']:.2f}" if r["median"] is not None else "—"
        slowest = f"{r['max']:.2f}" if r["max"] is not None else "—"
        checks = "; ".join(r["problems"]) or "all submitted, all rows, HMU told once"
        lines.append(
            f"| {r['workers']} | {wall} | {r['floor']:.1f} | {ratio} | {median} | {slowest} "
            f"| {r['floor_max']:.2f} | {checks} |"
        )
    return "\n".join(lines) + "\n"


def write(label, text):
    path = HERE / "RESULTS.md"
    content = path.read_text()
    if SECTION not in content:
        content = content.rstrip("\n") + f"\n\n{SECTION}\n\n{__doc__.split(chr(10) + chr(10))[2]}\n"
    head, _sep, tail = content.partition(SECTION)
    # The section runs to the next top-level heading.
    end = tail.find("\n# ")
    body, rest = (tail, "") if end == -1 else (tail[:end], tail[end:])
    body = body.rstrip("\n") + f"\n\n## {label}\n\n{text}"
    path.write_text(head + SECTION + body + rest)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lmus", type=int, default=100)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--workers", default="5,20")
    parser.add_argument("--root", default=str(HERE.parent), help="the code tree to measure")
    parser.add_argument("--write", metavar="LABEL")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("DATABASE_URL must name a PostgreSQL database (its test_ copy is made and dropped)")
    setup(Path(args.root).resolve())
    from django.conf import settings
    from django.db import connection

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    started = datetime.datetime.now(datetime.UTC)
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        rows = measure(args.lmus, args.proposals, [int(w) for w in args.workers.split(",")])
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    text = markdown(args, rows, started, load)
    print(text)
    if args.write:
        write(args.write, text)


if __name__ == "__main__":
    main()
