"""Benchmark of the spreadsheet import and the XLSX exports, each against its floor.

    .venv/bin/python bench/import_and_export.py [--proposals 10000] [--lines 4000] [--export 5000] [--repeat 3]

Import: a CSV file of ``--proposals`` proposals (four years, net and FTE) with ``--lines``
breakdown lines (the catalogue export of a built catalogue) is imported into an empty
catalogue. The floor is ``bulk_create`` of exactly the proposals, yearly figures, lines and
line years the import writes (no history, no parsing), timed in the same run and rolled
back; the import is timed the same way, inside a transaction rolled back (so what it hands
to after the commit, a worker's work in production, is not timed), then kept once. Then the
same file again (nothing changes), and a dry run into another empty catalogue; each step
``--repeat`` times, the median reported. Peak memory of an import (rolled back) is measured
with tracemalloc.

Export: a catalogue of ``--export`` proposals as XLSX, the catalogue export
(``export_catalogue_rows``) and the overview page's ``?_export=xlsx``; the floor is
openpyxl's write-only mode writing the same cells (read back from the file, untimed).

Runs on SQLite, and on PostgreSQL too when DATABASE_URL points at it (Django's test
database ``test_<name>``, dropped afterwards); each backend in its own process."""

import argparse
import contextlib
import io
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(func):
    start = time.perf_counter()
    result = func()
    return time.perf_counter() - start, result


def best_of(func, runs):
    return min(timed(func)[0] for _ in range(runs))


class Rollback(Exception):
    pass


def run_backend(args):
    """Runs inside the child process with DATABASE_URL already set."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from openpyxl import Workbook, load_workbook

    settings.DEBUG = False
    settings.LANGUAGE_CODE = "da"
    setup_test_environment()
    vendor = connection.vendor
    if vendor == "sqlite":
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        tmp.close()
        connection.settings_dict["TEST"]["NAME"] = tmp.name
    with contextlib.redirect_stdout(io.StringIO()):  # createcachetable's notes
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    out = []
    try:
        from proposals.models import BreakdownLine, BreakdownLineYear, Proposal, ProposalYear, Theme
        from proposals.services import export_catalogue_rows, import_catalogue_rows
        from tests.factories import make_catalogue, make_user

        server_version = (
            f"SQLite {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )

        def build(size, lines):
            """A balanced catalogue of ``size`` proposals; ``lines`` lines, two per proposal."""
            with transaction.atomic():
                catalogue = make_catalogue(proposals=size)
                owners = list(catalogue.proposals.order_by("position")[: lines // 2])
                made = BreakdownLine.objects.bulk_create(
                    BreakdownLine(proposal=p, position=i, text=f"Linje {i} af {p.code}") for p in owners for i in (1, 2)
                )
                BreakdownLineYear.objects.bulk_create(
                    BreakdownLineYear(line=line, year=y, amount=-600 if line.position == 1 else -400)
                    for line in made
                    for y in catalogue.years
                )
            return catalogue

        def empty_like(source):
            target = make_catalogue(proposals=0, target=None)
            Theme.objects.filter(catalogue=target).update(title="Tema 1")
            return target

        def floor(source, target):
            """bulk_create of the rows the import writes (rolled back)."""
            proposals = list(Proposal.objects.filter(catalogue=source).order_by("position"))
            years = list(ProposalYear.objects.filter(proposal__catalogue=source))
            lines = list(BreakdownLine.objects.filter(proposal__catalogue=source))
            line_years = list(BreakdownLineYear.objects.filter(line__proposal__catalogue=source))
            theme = target.themes.get()

            def write():
                new_proposals = {}
                for p in proposals:
                    old = p.pk
                    p.pk, p.catalogue, p.theme = None, target, theme
                    new_proposals[old] = p
                Proposal.objects.bulk_create(proposals)
                for y in years:
                    y.pk, y.proposal_id = None, new_proposals[y.proposal_id].pk
                ProposalYear.objects.bulk_create(years)
                new_lines = {}
                for line in lines:
                    old = line.pk
                    line.pk, line.proposal_id = None, new_proposals[line.proposal_id].pk
                    new_lines[old] = line
                BreakdownLine.objects.bulk_create(lines)
                for ly in line_years:
                    ly.pk, ly.line_id = None, new_lines[ly.line_id].pk
                BreakdownLineYear.objects.bulk_create(line_years)
                return len(proposals) + len(years) + len(lines) + len(line_years)

            start = time.perf_counter()
            try:
                with transaction.atomic():
                    rows = write()
                    elapsed = time.perf_counter() - start
                    raise Rollback
            except Rollback:
                pass
            return elapsed, rows

        def import_once(target, data, *, dry_run):
            outcome = import_catalogue_rows(target, data, "csv", dry_run=dry_run, file_name="bench.csv")
            assert outcome.ok, outcome.error_messages()[:3]
            return outcome

        # ---- import
        start = time.perf_counter()
        source = build(args.proposals, args.lines)
        data = export_catalogue_rows(source, "csv")
        build_s = time.perf_counter() - start
        print(f"  {vendor}: built {args.proposals} proposals in {build_s:.1f} s", file=sys.stderr, flush=True)
        target = empty_like(source)
        # Each step --repeat times, the median reported: a single run of the same step moved by a
        # third between runs on a quiet machine. The import is timed as the floor is, inside a
        # transaction rolled back; then kept once, untimed, for the re-import.
        floors = [floor(source, target) for _ in range(args.repeat)]
        floor_s, floor_rows = statistics.median(s for s, _rows in floors), floors[0][1]

        def rolled_back_import():
            try:
                with transaction.atomic():
                    elapsed, outcome = timed(lambda: import_once(target, data, dry_run=False))
                    assert len(outcome.created) == args.proposals
                    raise Rollback
            except Rollback:
                return elapsed

        import_s = statistics.median(rolled_back_import() for _ in range(args.repeat))
        import_once(target, data, dry_run=False)
        print(f"  {vendor}: import {import_s:.1f} s (floor {floor_s:.1f} s)", file=sys.stderr, flush=True)

        def noop():
            elapsed, outcome = timed(lambda: import_once(target, data, dry_run=False))
            assert len(outcome.unchanged) == args.proposals and not outcome.changed
            return elapsed

        noop_s = statistics.median(noop() for _ in range(args.repeat))
        dry_target = empty_like(source)

        def dry_run():
            elapsed, outcome = timed(lambda: import_once(dry_target, data, dry_run=True))
            assert len(outcome.created) == args.proposals
            return elapsed

        dry_s = statistics.median(dry_run() for _ in range(args.repeat))
        print(f"  {vendor}: no-op {noop_s:.1f} s, dry run {dry_s:.1f} s", file=sys.stderr, flush=True)
        peak_mb = None
        if not args.no_memory:
            memory_target = empty_like(source)
            tracemalloc.start()
            try:
                with transaction.atomic():
                    import_once(memory_target, data, dry_run=False)
                    raise Rollback
            except Rollback:
                pass
            peak_mb = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        out.append(("import", floor_s, floor_rows, import_s, noop_s, dry_s, peak_mb, len(data)))

        # ---- export
        exported = build(args.export, min(args.lines, args.export))
        user = make_user("bench", is_staff=True, is_superuser=True)
        client = Client()
        client.force_login(user)
        url = reverse("proposals:catalogue_detail", args=[exported.slug]) + "?_export=xlsx"

        def page_export():
            response = client.get(url)
            assert response.status_code == 200
            return response.content

        def write_only(cells):
            def write():
                workbook = Workbook(write_only=True)
                sheet = workbook.create_sheet()
                for row in cells:
                    sheet.append(row)
                workbook.save(io.BytesIO())

            return write

        def cells_of(content):
            workbook = load_workbook(io.BytesIO(content), read_only=True)
            rows = [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]
            workbook.close()
            return rows

        for name, produce in (
            ("catalogue export", lambda: export_catalogue_rows(exported, "xlsx")),
            ("overview page ?_export=xlsx", page_export),
        ):
            content = produce()
            cells = cells_of(content)
            floor_x = best_of(write_only(cells), args.runs)
            export_x = best_of(produce, args.runs)
            out.append(("export", name, floor_x, export_x, len(cells), sum(v is not None for r in cells for v in r)))
            print(f"  {vendor}: {name} {export_x:.2f} s (floor {floor_x:.2f} s)", file=sys.stderr, flush=True)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if vendor == "sqlite":
            Path(connection.settings_dict["TEST"]["NAME"]).unlink(missing_ok=True)

    print(f"### {server_version}")
    print()
    for entry in out:
        if entry[0] == "import":
            _k, floor_s, floor_rows, import_s, noop_s, dry_s, peak_mb, size = entry
            print(
                f"Import of {args.proposals:,} proposals with {args.lines:,} lines (CSV {size / 2**20:.1f} MB); "
                f"floor: bulk_create of the same {floor_rows:,} rows = {floor_s:.2f} s".replace(",", ".")
            )
            print()
            print("| Step | Time (s) | Floor (s) | Ratio | Target |")
            print("|---|---:|---:|---:|---:|")
            print(f"| Import (new catalogue) | {import_s:.2f} | {floor_s:.2f} | {import_s / floor_s:.2f}× | ≤ 3× |")
            print(f"| Re-import, nothing changes | {noop_s:.2f} | {floor_s:.2f} | {noop_s / floor_s:.2f}× | ≤ 1× |")
            print(f"| Dry run (new catalogue) | {dry_s:.2f} | {floor_s:.2f} | {dry_s / floor_s:.2f}× | ≤ 1× |")
            if peak_mb is not None:
                print(f"| Peak memory of the import (tracemalloc) | {peak_mb:.0f} MB | | | < 300 MB |")
            print()
    print(
        f"XLSX export of {args.export:,} proposals; floor: openpyxl write-only mode writing the same cells".replace(
            ",", "."
        )
    )
    print()
    print("| Export | Rows | Cells | Time (s) | Floor (s) | Ratio | Target |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for entry in out:
        if entry[0] == "export":
            _k, name, floor_x, export_x, rows, cells = entry
            print(
                f"| {name} | {rows:,} | {cells:,} | {export_x:.2f} | {floor_x:.2f} | "
                f"{export_x / floor_x:.2f}× | ≤ 2× |".replace(",", ".")
            )
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=10000)
    parser.add_argument("--lines", type=int, default=4000)
    parser.add_argument("--export", type=int, default=5000, help="Proposals in the exported catalogue.")
    parser.add_argument("--runs", type=int, default=3, help="Export runs; the best is reported.")
    parser.add_argument(
        "--repeat", type=int, default=3, help="Runs of the import floor, import, re-import and dry run; the median."
    )
    parser.add_argument("--no-memory", action="store_true", help="Skip the tracemalloc import run.")
    parser.add_argument("--only", choices=("sqlite", "postgresql"), help="Run one backend only.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run_backend(args)
        return
    print(
        f"Date: {time.strftime('%Y-%m-%d')}  ·  {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores  ·  Python {platform.python_version()}"
    )
    print()
    backends = [] if args.only == "postgresql" else [f"sqlite:///{tempfile.gettempdir()}/bench-import-export.sqlite3"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and args.only != "sqlite":
        backends.append(url)
    child_args = sys.argv[1:]
    for database_url in backends:
        env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
        env.setdefault("SECRET_KEY", "bench-only-not-a-secret-" + "x" * 40)  # a throwaway database
        result = subprocess.run([sys.executable, __file__, "--child", *child_args], env=env, cwd=ROOT)
        if result.returncode:
            sys.exit(result.returncode)


if __name__ == "__main__":
    main()
