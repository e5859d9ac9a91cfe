"""Benchmark of the catalogue and memo pages against their floors.

    .venv/bin/python bench/pages.py [--sizes 100x3,1000x30] [--runs 7]

Each size is PROPOSALSxLMUS: a catalogue of that many proposals (four years, one breakdown
line each) heard by that many LMUs (one member each), signed off, with memo no. 1 telling of
a fifth of the proposals changed, and a tenth changed again since (the memo panel's "not yet
told"). The pages are fetched through Django's test client as the department's administrator
(a staff user who is not a superuser, so the access policy runs):

- overview  ``/kataloger/<slug>/`` (with the workflow and memo panels)
- proposal  ``/kataloger/<slug>/<pk>/``
- memo list ``/notater/``, memo ``/notater/<pk>/``
- memo link the budget party's signed link (``approvals.memos.links.reader_url``)
- "first view": the memo pages with no rendered body kept (the memo's stored page emptied;
  before, the cache) before each run: the rendering a memo's first reader after a deployment pays

The FLOOR of each page is a plain template loop over the same cells (the overview's
code, title with its link, yearly amounts and type; the memo's figures; …), prepared in
memory before timing, rendered through the same client, middleware, session, login and base
template (``bench/floor_urls.py``). Printed: median page time, median floor time, their ratio
(target ≤ 2) and the page's SQL queries. SQLite always; PostgreSQL too when DATABASE_URL
points at it (Django's test database ``test_<name>``, dropped afterwards)."""

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


def median_ms(func, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


# The floors' plain templates, one per page kind (bench/floors/<name>.html).
FLOOR_NAMES = ("overview", "proposal", "memo_list", "memo")


def run_backend(sizes, runs):
    """Runs inside the child process with DATABASE_URL already set."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection, transaction
    from django.template import engines
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import clear_url_caches, reverse
    from django.utils import timezone

    settings.DEBUG = False
    settings.LANGUAGE_CODE = "da"
    settings.ROOT_URLCONF = "bench.floor_urls"
    clear_url_caches()
    setup_test_environment()  # allows the test client's host; locmem e-mail
    vendor = connection.vendor
    if vendor == "sqlite":
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        tmp.close()
        connection.settings_dict["TEST"]["NAME"] = tmp.name
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    results = []
    try:
        from approvals.memos import detection, issuing

        try:  # the budget parties' signed links (absent in the "before" run)
            from approvals.memos import links
        except ImportError:
            links = None
        from approvals.memos.document import MemoDocument
        from approvals.memos.models import Memo, MemoDelivery

        try:  # one outbox (absent in earlier trees)
            from approvals.memos.delivery import write_deliveries
            from approvals.memos.memo_pages import store_pages
        except ImportError:
            write_deliveries = store_pages = None
        from approvals.memos.rendering import letterhead
        from approvals.models import CatalogueProcess
        from bench import floor_urls
        from proposals.models import BreakdownLine, BreakdownLineYear, ProposalYear
        from proposals.snapshots import catalogue_snapshot
        from tests.approval_factories import make_committee, make_department_admin
        from tests.factories import make_catalogue, make_department, make_user
        from tests.memo_factories import make_agreement, sign_off_directly

        floor_templates = {
            name: engines["django"].from_string((ROOT / "bench" / "floors" / f"{name}.html").read_text())
            for name in FLOOR_NAMES
        }

        def build(proposals, lmus):
            with transaction.atomic():
                department = make_department()
                catalogue = make_catalogue(proposals=proposals, department=department, agreement=make_agreement())
                lines = BreakdownLine.objects.bulk_create(
                    BreakdownLine(proposal=p, position=1, text="Linje") for p in catalogue.proposals.all()
                )
                BreakdownLineYear.objects.bulk_create(
                    BreakdownLineYear(line=line, year=y, amount=-1000) for line in lines for y in catalogue.years
                )
                process = sign_off_directly(catalogue)
                process.heard_committees.set(make_committee(department, members=[make_user()]) for _ in range(lmus))
                ids = list(catalogue.proposals.order_by("position").values_list("pk", flat=True))
                # Memo no. 1 of a fifth of the proposals changed (without its PDF: not timed here).
                ProposalYear.objects.filter(proposal_id__in=ids[::5], year=catalogue.first_year).update(
                    net_amount=-1500
                )
                told, source = detection.told_state(process)
                current = catalogue_snapshot(catalogue)
                memo = Memo.objects.create(
                    process=process,
                    number=1,
                    issued_at=timezone.now(),
                    previous_snapshot=told,
                    snapshot=current,
                    changes=detection.changes_to_tell(process, told, source, current),
                    letterhead=letterhead(process, timezone.now()),
                    pdf=b"%PDF-1.4 bench",
                )
                if write_deliveries is not None:  # one outbox: an e-mail row beside each delivery
                    write_deliveries(memo, issuing.recipients(process))
                else:
                    MemoDelivery.objects.bulk_create(
                        MemoDelivery(memo=memo, email=email, name=name) for email, name in issuing.recipients(process)
                    )
                # Changed again since: the panel's "not yet told".
                ProposalYear.objects.filter(proposal_id__in=ids[1::10], year=catalogue.last_year).update(
                    net_amount=-1200
                )
            issuing.check_catalogue(catalogue.pk)  # the look a save or the sweep makes
            admin = make_department_admin(department)
            return catalogue, process, memo, admin

        def floors(catalogue, memo):
            """The cells of each page, in memory, and their plain templates."""
            from django.utils.formats import date_format

            from proposals.history_selectors import figure_history
            from proposals.selectors import catalogue_overview

            overview = catalogue_overview(catalogue)
            show = overview.show
            rows = [
                (
                    row.code,
                    f"/kataloger/{catalogue.slug}/{row.proposal.pk}/",
                    row.title,
                    [show(row.net.get(y)) for y in overview.years],
                    row.saving_type,
                )
                for row in overview.rows
            ]
            last = overview.rows[-1]
            proposal = last.proposal
            years = overview.years
            line_sums = last.line_sums(years) or {}
            proposal_rows = [("Netto", [show(last.net.get(y)) for y in years])]
            proposal_rows += [("FTE", [show(last.fte.get(y)) for y in years])]
            proposal_rows += [(line.text, [show(line.amounts.get(y)) for y in years]) for line in last.lines]
            if line_sums:
                proposal_rows.append(("Sum", [show(line_sums[y]) for y in years]))
                proposal_rows.append(("Forskel", [show(line_sums[y] - last.net_for(y)) for y in years]))
            # A line's id: LineRow.id (LineRow.line, its model, in trees before 2026-12-06 evening).
            line_ids = [line.id if hasattr(line, "id") else line.line.pk for line in last.lines]
            history = figure_history(proposal, line_ids=line_ids)
            proposal_context = {
                "crumbs": [("Kataloger", "/kataloger/"), (catalogue.title, f"/kataloger/{catalogue.slug}/")],
                "code": last.code,
                "title": last.title,
                "facts": [
                    ("Katalog", f"{catalogue.title} ({catalogue.department.code})"),
                    ("Tema", proposal.theme.title if proposal.theme else ""),
                    ("Type", proposal.get_saving_type_display()),
                    ("Serviceforringelse", "Ikke oplyst"),
                    ("Stammer fra innovationsforslag", "Ikke oplyst"),
                ],
                "description_heading": "Beskrivelse",
                "description": proposal.description,
                "economy_heading": f"Økonomi ({catalogue.price_level} i {catalogue.unit})",
                "convention": "Besparelser er angivet med negativt (-) fortegn.",
                "years": years,
                "rows": proposal_rows,
                "goals_heading": "Opfølgningsmål",
                "goals": [(g.what, g.measure, g.responsible, g.when) for g in proposal.goals.all()],
                "no_goals": "Forslaget har ingen opfølgningsmål.",
                "history_heading": "Historik",
                "history": [(c.when_text, c.who, c.what, c.field, c.before, c.after, c.reason) for c in history],
                "no_history": "Der er ikke registreret ændringer af forslaget.",
            }
            memo_rows = [
                (
                    date_format(timezone.localtime(m.issued_at), "DATETIME_FORMAT"),
                    f"/notater/{m.pk}/",
                    catalogue.title,
                    catalogue.department.name,
                    m.number,
                    f"{m.deliveries.filter(status='sent').count()} af {m.deliveries.count()} sendt",
                    f"/notater/{m.pk}/pdf/?download=1",
                    f"Hent notat {m.number} (PDF)",
                )
                for m in [memo]
            ]
            memo_list_context = {
                "heading": "Notater til forligspartierne",
                "lead": "Notater om ændringer i godkendte kataloger, nyeste først.",
                "labels": ["Udsendt", "Katalog", "Magistratsafdeling", "Nr.", "Forsendelser", "PDF"],
                "rows": memo_rows,
            }
            doc = MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
            sections = [
                (f"{s.code}: {s.title}", [(label, cells) for label, cells, _css in s.figures.rows] if s.figures else [])
                for s in doc.proposals
            ]
            sections.append(("Total", [(label, cells) for label, cells, _css in doc.totals.rows]))
            floor_urls.FLOORS.update(
                {
                    "overview": (floor_templates["overview"], {"rows": rows}),
                    "proposal": (floor_templates["proposal"], proposal_context),
                    "memo_list": (floor_templates["memo_list"], memo_list_context),
                    "memo": (floor_templates["memo"], {"sections": sections}),
                }
            )
            return last.proposal

        server_version = (
            f"SQLite {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )
        for proposals, lmus in sizes:
            start = time.perf_counter()
            catalogue, process, memo, admin = build(proposals, lmus)
            build_s = time.perf_counter() - start
            last = floors(catalogue, memo)
            delivery = memo.deliveries.order_by("pk").first()
            client = Client()
            client.force_login(admin)
            anonymous = Client()
            memo_url = reverse("memos:detail", args=[memo.pk])
            pages = [
                ("overview", client, reverse("proposals:catalogue_detail", args=[catalogue.slug]), "overview"),
                ("proposal", client, reverse("proposals:proposal_detail", args=[catalogue.slug, last.pk]), "proposal"),
                ("memo list", client, reverse("memos:list"), "memo_list"),
                ("memo", client, memo_url, "memo"),
                # A memo's body is rendered once and kept (approvals.memos.memo_pages; before:
                # cached for a day): "first view" measures that rendering, with none kept.
                ("memo, first view", client, memo_url, "memo"),
            ]
            if links is not None:
                reader_url = links.reader_path(delivery)
                pages.append(("memo link", anonymous, reader_url, "memo"))
                pages.append(("memo link, first view", anonymous, reader_url, "memo"))
            stored_pages = any(f.name == "pages" for f in Memo._meta.get_fields())
            for label, page_client, url, floor_name in pages:
                floor_url = reverse("bench_floor", args=[floor_name])
                cold = label.endswith("first view")
                if not cold and store_pages is not None:  # written by the worker at issue, never by a GET
                    store_pages(memo.pk)

                def page(url=url, page_client=page_client, cold=cold, memo=memo, stored_pages=stored_pages):
                    if cold:  # outside the timing would be fairer; it is one UPDATE or DELETE
                        if stored_pages:  # the rendered page kept on the memo's row (memo_pages)
                            Memo.objects.filter(pk=memo.pk).update(pages={})
                        else:  # before: in the cache
                            cache.clear()
                    response = page_client.get(url)
                    assert response.status_code == 200, (url, response.status_code)

                def floor(floor_url=floor_url, client=client):
                    response = client.get(floor_url)
                    assert response.status_code == 200

                page()
                floor()  # warm templates and caches once
                queries = []
                # Counted with a wrapper: the request_started signal empties connection.queries.
                with connection.execute_wrapper(lambda execute, sql, *a, q=queries: q.append(sql) or execute(sql, *a)):
                    page()
                # Interleaved, so load from other processes falls on both alike.
                page_ms, floor_ms = [], []
                for _ in range(runs):
                    page_ms.append(median_ms(page, 1))
                    floor_ms.append(median_ms(floor, 1))
                page_ms, floor_ms = statistics.median(page_ms), statistics.median(floor_ms)
                results.append((label, proposals, lmus, page_ms, floor_ms, page_ms / floor_ms, len(queries)))
            print(f"  {vendor}: {proposals}x{lmus} done (build {build_s:.1f} s)", file=sys.stderr, flush=True)
        assert CatalogueProcess.objects.filter(state=CatalogueProcess.State.SIGNED_OFF).exists()
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if vendor == "sqlite":
            Path(connection.settings_dict["TEST"]["NAME"]).unlink(missing_ok=True)
    print(f"### {server_version}")
    print()
    print("| Page | Proposals | LMUs | Page (ms) | Floor (ms) | Ratio | Queries |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, proposals, lmus, page_ms, floor_ms, ratio, queries in results:
        size = f"{proposals:,}".replace(",", ".")
        print(f"| {label} | {size} | {lmus} | {page_ms:.1f} | {floor_ms:.1f} | {ratio:.2f} | {queries} |")
    print()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100x3,1000x30", help="PROPOSALSxLMUS, comma separated.")
    parser.add_argument("--runs", type=int, default=7, help="Timed runs per page and floor; the median is reported.")
    parser.add_argument("--sqlite-only", action="store_true", help="Skip PostgreSQL even when DATABASE_URL names it.")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    if args.child:
        run_backend(sizes, args.runs)
        return
    print(
        f"Date: {time.strftime('%Y-%m-%d %H:%M')}  ·  {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores  ·  Python {platform.python_version()}  ·  median of {args.runs} runs"
    )
    print()
    backends = [f"sqlite:///{tempfile.gettempdir()}/bench-pages.sqlite3"]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")) and not args.sqlite_only:
        backends.append(url)
    for database_url in backends:
        env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
        command = [sys.executable, __file__, "--child", "--sizes", args.sizes, "--runs", str(args.runs)]
        result = subprocess.run(command, env=env, cwd=ROOT)
        if result.returncode:
            sys.exit(result.returncode)


if __name__ == "__main__":
    main()
