"""Benchmark of the catalogue overview: selector + balance check, and the rendered page.

    .venv/bin/python bench/overview.py [--sizes 10,100,1000,5000] [--runs 5]

Builds catalogues of each size (every proposal with four years and one breakdown line)
in a throwaway SQLite database, and in a throwaway PostgreSQL database too when
DATABASE_URL points at PostgreSQL (Django's test database: ``test_<name>``, dropped
afterwards). Prints the median of ``--runs`` timings per step as a Markdown table.
Each backend runs in its own process, since settings are read once per process."""

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure(func, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def run_backend(sizes, runs):
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

    settings.DEBUG = False
    settings.LANGUAGE_CODE = "da"
    setup_test_environment()  # allows the test client's host; locmem e-mail
    vendor = connection.vendor
    if vendor == "sqlite":
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        tmp.close()
        connection.settings_dict["TEST"]["NAME"] = tmp.name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from proposals.balance import check_balance
        from proposals.models import BreakdownLine, BreakdownLineYear
        from proposals.selectors import catalogue_overview
        from tests.factories import make_catalogue, make_user

        def build(size):
            """make_catalogue with one breakdown line per proposal, in bulk and one transaction."""
            with transaction.atomic():
                catalogue = make_catalogue(proposals=size)
                lines = BreakdownLine.objects.bulk_create(
                    BreakdownLine(proposal=p, position=1, text="Linje") for p in catalogue.proposals.all()
                )
                BreakdownLineYear.objects.bulk_create(
                    BreakdownLineYear(line=line, year=y, amount=-1000) for line in lines for y in catalogue.years
                )
            return catalogue

        server_version = (
            f"SQLite {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )
        user = make_user("bench", is_staff=True, is_superuser=True)  # sees every catalogue (access policy)
        client = Client()
        client.force_login(user)
        rows = []
        for size in sizes:
            start = time.perf_counter()
            catalogue = build(size)
            build_s = time.perf_counter() - start
            url = reverse("proposals:catalogue_detail", args=[catalogue.slug])

            def selector(catalogue=catalogue):
                report = check_balance(catalogue_overview(catalogue))
                assert report.balanced

            def page(url=url):
                response = client.get(url)
                assert response.status_code == 200

            def xlsx(url=url):
                response = client.get(url + "?_export=xlsx")
                assert response.status_code == 200

            page()  # warm templates and caches once
            queries = []
            # Counted with a wrapper: the request_started signal empties connection.queries.
            with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                page()
            rows.append(
                (
                    size,
                    build_s,
                    measure(selector, runs),
                    measure(page, runs),
                    measure(xlsx, max(1, runs // 2)),
                    len(queries),
                )
            )
            print(f"  {vendor}: {size} proposals done", file=sys.stderr, flush=True)
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if vendor == "sqlite":
            Path(connection.settings_dict["TEST"]["NAME"]).unlink(missing_ok=True)
    print(f"### {server_version}")
    print()
    print(
        "| Proposals | Build (s) | Selector + balance (ms) | Overview page (ms) | XLSX export (ms) | Queries (page) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    for size, build_s, sel, pg, xl, queries in rows:
        print(f"| {size:,} | {build_s:.1f} | {sel:.1f} | {pg:.1f} | {xl:.1f} | {queries} |".replace(",", "."))
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10,100,1000,5000", help="Catalogue sizes (number of proposals).")
    parser.add_argument("--runs", type=int, default=5, help="Timed runs per step; the median is reported.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.child:
        run_backend(sizes, args.runs)
        return
    print(
        f"Date: {time.strftime('%Y-%m-%d')}  ·  {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores  ·  Python {platform.python_version()}  ·  median of {args.runs} runs"
    )
    print()
    backends = [f"sqlite:///{tempfile.gettempdir()}/bench-overview.sqlite3"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        backends.append(url)
    for database_url in backends:
        env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
        command = [sys.executable, __file__, "--child", "--sizes", args.sizes, "--runs", str(args.runs)]
        result = subprocess.run(command, env=env, cwd=ROOT)
        if result.returncode:
            sys.exit(result.returncode)


if __name__ == "__main__":
    main()
