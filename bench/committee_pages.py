"""Benchmark of the committee pages against their floors.

    .venv/bin/python bench/committee_pages.py [--sizes 1000x3,1000x30] [--runs 5] [--write LABEL]
    .venv/bin/python bench/committee_pages.py --root /tmp/old-tree ...   # the same against other code

Each size is PROPOSALSxLMUS: a catalogue of that many proposals (four years with staffing
figures) heard by that many LMUs (one member each). The first LMU has a draft response saved
through the service (the form is measured in the hearing); the others submitted responses
(stored in bulk); then HMU's review is started and its positions saved through the service.
Pages, fetched through Django's test client as the user who works on them:

- response   ``/forloeb/<slug>/hoeringssvar/<lmu>/`` the LMU's form (member of the first LMU): its
  first page of ``ROWS_PER_PAGE`` proposals, as is its floor
- responses  ``/forloeb/<slug>/hoeringssvar/`` the list (the department's administrator)
- hmu        ``/forloeb/<slug>/hmu/`` HMU's review with its form (an HMU member): its first page
  of proposals (approvals.views.hmu.PAGE_SIZE) and of the counts table
- hmu_responses ``/forloeb/<slug>/hmu/forslag/<first>/?fragment=1`` the LMUs' responses to one
  proposal, fetched when HMU opens them (floor: the same cells in a table, no base template)
- signoff    ``/forloeb/<slug>/godkendelse/`` (the department's administrator)

The FLOOR of each page is a plain template loop over the same cells (codes, titles and their
links, formatted yearly figures, each LMU's name, stance label and comment, the stance choices
and the form's values), prepared in memory before timing and rendered through the same client,
middleware, session and base template. Printed: median page time, median floor time, their
ratio (target <= 2), the page's SQL queries, its HTML size and the peak of Python allocations
during one request (tracemalloc, measured apart from the timing), and the load average.
``--pages hmu`` measures only the pages named (e.g. at 20000x30, where the LMU's form is not
this script's question); ``BENCH_PROFILE=hmu`` prints a profile of one request of that page.
The database is Django's throwaway test
database of DATABASE_URL (SQLite by default; ``test_<name>`` on PostgreSQL, dropped after).
``--write LABEL`` puts the table under "## LABEL" in the "# Benchmark: committee pages"
section of bench/RESULTS.md (other sections are left as they are)."""

import argparse
import datetime
import gc
import os
import platform
import re
import statistics
import sys
import time
import tracemalloc
import types
from importlib import import_module
from pathlib import Path

HERE = Path(__file__).resolve().parent
SECTION = "# Benchmark: committee pages"
PAGES = ("response", "responses", "hmu", "hmu_responses", "signoff")

FLOORS = {
    "response": """{% extends "base.html" %}{% block content %}<form method="post">
{% for code, title, url, amounts, ftes, name, stance, comment in rows %}<fieldset>
<legend>{{ code }} {{ title }}</legend>
<a href="{{ url }}">{{ code }}</a><table><tr>{% for v in amounts %}<td>{{ v }}</td>{% endfor %}</tr>
<tr>{% for v in ftes %}<td>{{ v }}</td>{% endfor %}</tr></table>
<select name="stance_{{ name }}">{% for value, label in choices %}
<option value="{{ value }}"{% if value == stance %} selected{% endif %}>{{ label }}</option>{% endfor %}</select>
<textarea name="comment_{{ name }}">{{ comment }}</textarea></fieldset>
{% endfor %}</form>{% endblock %}""",
    "responses": """{% extends "base.html" %}{% block content %}<nav><ul>{% for label, url in tabs %}
<li><a href="{{ url }}">{{ label }}</a></li>{% endfor %}</ul></nav><h1>{{ heading }}</h1><p>{{ status_line }}</p>
<p>{{ hint }}</p><form method="get"><label for="status">{{ status_label }}</label><select id="status" name="status">
{% for value, label in status_choices %}<option value="{{ value }}">{{ label }}</option>{% endfor %}</select>
<label for="committee">{{ committee_label }}</label><input id="committee" name="committee">
<button>{{ filter_label }}</button>
</form><table><tr>{% for label, query in headers %}<th><a href="?sort={{ query }}">{{ label }}</a></th>{% endfor %}</tr>
{% for name, url, status, at, by, updated in rows %}<tr><td><a href="{{ url }}">{{ name }}</a></td>
<td>{{ status }}</td><td>{{ at }}</td><td>{{ by }}</td><td>{{ updated }}</td></tr>
{% endfor %}</table><nav>{% for number in pages %}<a href="?page={{ number }}">{{ number }}</a>{% endfor %}</nav>
{% endblock %}""",
    "hmu": """{% extends "base.html" %}{% block content %}<table>
{% for code, title, counts in count_rows %}<tr><th><a href="#{{ code }}">{{ code }} {{ title }}</a></th>
{% for n in counts %}<td>{{ n }}</td>{% endfor %}</tr>{% endfor %}</table><form method="post">
{% for code, title, url, amounts, ftes, counts, responses, name, stance, comment in rows %}<fieldset>
<legend>{{ code }} {{ title }}</legend>
<a href="{{ url }}">{{ code }}</a><table><tr>{% for v in amounts %}<td>{{ v }}</td>{% endfor %}</tr>
<tr>{% for v in ftes %}<td>{{ v }}</td>{% endfor %}</tr></table>
<p>{% for label, n in counts %}{{ label }}: {{ n }} {% endfor %}</p>
<details><summary>{{ code }}</summary><a href="{{ responses }}">{{ code }}</a></details>
<select name="stance_{{ name }}">{% for value, label in choices %}
<option value="{{ value }}"{% if value == stance %} selected{% endif %}>{{ label }}</option>{% endfor %}</select>
<textarea name="comment_{{ name }}">{{ comment }}</textarea></fieldset>
{% endfor %}</form>{% endblock %}""",
    # The fragment HMU's page fetches when a proposal's responses are opened: no base template.
    "hmu_responses": """<table><caption>{{ code }}</caption><tr><th>LMU</th><th>Holdning</th><th>Kommentar</th></tr>
{% for lmu, label, text in cells %}<tr><th>{{ lmu }}</th><td><span class="s-{{ label }}">{{ label }}</span></td>
<td>{{ text }}</td></tr>{% endfor %}</table>""",
    "signoff": """{% extends "base.html" %}{% block content %}<table>
{% for code, title, url, amounts in econ %}<tr><th><a href="{{ url }}">{{ code }} {{ title }}</a>
</th>{% for v in amounts %}<td>{{ v }}</td>{% endfor %}</tr>
{% endfor %}</table><table>
{% for code, title, label, comment, counts in stances %}<tr><th>{{ code }} {{ title }}</th>
<td>{{ label }}<br>{{ comment }}</td>{% for n in counts %}<td>{{ n }}</td>{% endfor %}</tr>
{% endfor %}</table>{% endblock %}""",
}


def median_ms(func, runs):
    timings = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def setup_django(root):
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()


def run(sizes, runs, pages=PAGES):
    from django.conf import settings
    from django.db import connection, transaction
    from django.http import HttpResponse
    from django.template import engines
    from django.test import Client
    from django.urls import clear_url_caches, path, reverse
    from django.utils import timezone
    from django.utils.formats import date_format

    from approvals import deadlines, hearing, services
    from approvals.models import Committee, HearingResponse, ProposalStance, Stance
    from approvals.views import hmu as hmu_views

    # An older tree (--root) without pages shows every proposal; its HMU floor is then not its
    # cells (only its HTML size, peak and time compare).
    page_size = getattr(hmu_views, "PAGE_SIZE", None)
    from proposals.models import ProposalYear
    from proposals.numbers import format_amount, format_decimal
    from tests.approval_factories import make_committee, make_department_admin
    from tests.factories import make_catalogue, make_department, make_user

    settings.DEBUG = False
    settings.LANGUAGE_CODE = "da"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    floor_data = {}
    templates = {name: engines["django"].from_string(text) for name, text in FLOORS.items()}

    def floor_view(request, name):
        return HttpResponse(templates[name].render(floor_data[name], request))

    urls = types.ModuleType("bench_committee_urls")
    urls.urlpatterns = [path("bench-floor/<str:name>/", floor_view), *__import__("config.urls").urls.urlpatterns]
    sys.modules["bench_committee_urls"] = urls
    settings.ROOT_URLCONF = "bench_committee_urls"
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    clear_url_caches()  # no setup_test_environment(): its template instrumentation is not what users run
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    labels = {value: str(label) for value, label in Stance.choices}
    choices = [("", "Vælg holdning"), *labels.items()]
    results = []
    try:
        for proposals, lmus in sizes:
            start = time.perf_counter()
            with transaction.atomic():
                department = make_department()
                catalogue = make_catalogue(proposals=proposals, department=department)
                admin = make_department_admin(department)
                lmu_users = [make_user() for _ in range(lmus)]
                committees = [
                    make_committee(department, name=f"LMU {i + 1:02d}", members=[user])
                    for i, user in enumerate(lmu_users)
                ]
                hmu_user = make_user()
                make_committee(department, Committee.Kind.HMU, name="HMU", members=[hmu_user])
                process = catalogue.process
                deadline = deadlines.local_today() + datetime.timedelta(days=7)
                services.configure_hearing(process, actor=admin, committees=committees, hearing_deadline=deadline)
                services.open_hearing(process, actor=admin)
                ids = list(catalogue.proposals.order_by("position", "id").values_list("pk", flat=True))
                values = list(labels)
                stances = {pk: (values[i % 4], f"Kommentar {i}") for i, pk in enumerate(ids)}
                responses = HearingResponse.objects.bulk_create(
                    HearingResponse(
                        process=process,
                        committee=c,
                        status=HearingResponse.Status.SUBMITTED,
                        submitted_at=timezone.now(),
                        submitted_by=u,
                        general_comment="Svar",
                    )
                    for c, u in zip(committees[1:], lmu_users[1:], strict=True)
                )
                ProposalStance.objects.bulk_create(
                    ProposalStance(response=r, proposal_id=pk, stance=stances[pk][0], comment=stances[pk][1])
                    for r in responses
                    for pk in ids
                )
            hearing.save_hearing_response(
                process, committees[0], actor=lmu_users[0], general_comment="Kladde", stances=stances
            )
            build_s = time.perf_counter() - start

            # The cells, read and formatted before timing.
            proposal_rows = list(catalogue.proposals.order_by("position", "id").values_list("pk", "code", "title"))
            figures = {}
            for pk, _year, net, fte in (
                ProposalYear.objects.filter(proposal__catalogue=catalogue)
                .order_by("year")
                .values_list("proposal_id", "year", "net_amount", "fte")
            ):
                amounts, ftes = figures.setdefault(pk, ([], []))
                amounts.append(format_amount(catalogue.to_display(net)))
                ftes.append(format_decimal(catalogue.to_display(fte)))
            urls_of = {
                pk: reverse("proposals:proposal_detail", args=[catalogue.slug, pk]) for pk, _c, _t in proposal_rows
            }
            # The form shows a page of ROWS_PER_PAGE proposals (all of them in trees before pages).
            per_page = getattr(import_module("approvals.views.hearing"), "ROWS_PER_PAGE", None)
            floor_data["response"] = {
                "choices": choices,
                "rows": [
                    (code, title, urls_of[pk], *figures[pk], pk, *stances[pk])
                    for pk, code, title in proposal_rows[:per_page]
                ],
            }
            response_client = Client()
            response_client.force_login(lmu_users[0])
            page_urls = {"response": reverse("approvals:response", args=[catalogue.slug, committees[0].pk])}
            clients = {"response": response_client}
            measured = {"response": None}

            def measure(name, clients=clients, page_urls=page_urls, measured=measured):
                if name not in pages:
                    return
                client, url = clients[name], page_urls[name]
                page_bytes = len(client.get(url).content)
                # One request's peak of Python allocations (tracemalloc), apart from the timing.
                gc.collect()
                tracemalloc.start()
                assert client.get(url).status_code == 200
                peak = tracemalloc.get_traced_memory()[1]
                tracemalloc.stop()
                if os.environ.get("BENCH_PROFILE") == name:  # where the time goes, for one request
                    import cProfile
                    import pstats

                    profile = cProfile.Profile()
                    profile.runcall(client.get, url)
                    pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
                queries = []

                def count(execute, sql, params, many, context):
                    queries.append(sql)
                    return execute(sql, params, many, context)

                with connection.execute_wrapper(count):
                    client.get(url)
                page_ms = median_ms(lambda: client.get(url), runs)
                floor_url = f"/bench-floor/{name}/"
                assert client.get(floor_url).status_code == 200
                floor_ms = median_ms(lambda: client.get(floor_url), runs)
                measured[name] = (page_ms, floor_ms, len(queries), page_bytes, peak)

            measure("response")

            services.start_hmu_review(process, actor=admin, reason="Benchmark")
            hearing.save_hmu_review(process, actor=hmu_user, statement="Udtalelse", positions=stances)
            by_lmu = {}
            for cid, pk, stance, comment in ProposalStance.objects.filter(
                response__process=process, response__status=HearingResponse.Status.SUBMITTED
            ).values_list("response__committee_id", "proposal_id", "stance", "comment"):
                by_lmu[(cid, pk)] = (labels[stance], comment)
            submitted = committees[1:]
            hmu_rows, signoff_stances, count_rows = [], [], []
            for index, (pk, code, title) in enumerate(proposal_rows):
                counts = [(labels[v], sum(1 for c in submitted if by_lmu[(c.pk, pk)][0] == labels[v])) for v in labels]
                counts.append(("Ingen holdning", len(committees) - len(submitted)))
                if page_size is None or index < page_size:  # HMU's page shows a page of proposals and counts
                    responses_url = reverse("approvals:hmu_responses", args=[catalogue.slug, pk]) if page_size else ""
                    hmu_rows.append((code, title, urls_of[pk], *figures[pk], counts, responses_url, pk, *stances[pk]))
                    count_rows.append((code, title, [n for _l, n in counts]))
                signoff_stances.append(
                    (code, title, labels[stances[pk][0]], stances[pk][1], [n for _l, n in counts[:4]])
                )
            floor_data["hmu"] = {"choices": choices, "rows": hmu_rows, "count_rows": count_rows}
            first_pk, first_code, _title = proposal_rows[0]
            floor_data["hmu_responses"] = {
                "code": first_code,
                "cells": [(c.name, *by_lmu.get((c.pk, first_pk), ("Ikke svaret", ""))) for c in committees],
            }
            floor_data["signoff"] = {
                "econ": [(code, title, urls_of[pk], figures[pk][0]) for pk, code, title in proposal_rows],
                "stances": signoff_stances,
            }
            slug = catalogue.slug
            floor_data["responses"] = {
                "tabs": [
                    ("Katalog", f"/forloeb/{slug}/"),
                    ("Høringssvar", f"/forloeb/{slug}/hoeringssvar/"),
                    ("HMU", f"/forloeb/{slug}/hmu/"),
                    ("Godkendelse", f"/forloeb/{slug}/godkendelse/"),
                    ("Forslag", f"/kataloger/{slug}/"),
                ],
                "heading": f"Høringssvar: {catalogue.title}",
                "status_line": f"Status: I høring · Høringsfrist: {date_format(deadline, 'DATE_FORMAT')}",
                "hint": "Som administrator ser du alle hørte udvalgs svar, også dem, der endnu ikke er indsendt.",
                "status_label": "Status",
                "status_choices": [("", "Alle"), *((v, str(label)) for v, label in HearingResponse.Status.choices)],
                "committee_label": "LMU",
                "filter_label": "Filtrér",
                "headers": [
                    ("LMU", "-committee"),
                    ("Status", "status"),
                    ("Indsendt", "submitted_at"),
                    ("Indsendt af", "submitted_by"),
                    ("Senest ændret", "updated_at"),
                ],
                "pages": list(range(1, (len(committees) - 1) // 20 + 2)),
                "rows": [
                    (
                        r.committee.name,
                        reverse("approvals:response", args=[catalogue.slug, r.committee_id]),
                        r.get_status_display(),
                        date_format(timezone.localtime(r.submitted_at), "DATETIME_FORMAT") if r.submitted_at else "—",
                        r.submitted_by.username if r.submitted_by else "—",
                        date_format(timezone.localtime(r.updated_at), "DATETIME_FORMAT"),
                    )
                    for r in HearingResponse.objects.filter(process=process)
                    .select_related("committee", "submitted_by")
                    .order_by("committee__name")[:20]
                ],
            }
            admin_client, hmu_client = Client(), Client()
            admin_client.force_login(admin)
            hmu_client.force_login(hmu_user)
            clients.update(responses=admin_client, hmu=hmu_client, hmu_responses=hmu_client, signoff=admin_client)
            page_urls.update(
                responses=reverse("approvals:responses", args=[catalogue.slug]),
                hmu=reverse("approvals:hmu_review", args=[catalogue.slug]),
                hmu_responses=reverse("approvals:hmu_responses", args=[catalogue.slug, first_pk]) + "?fragment=1"
                if page_size
                else "",
                signoff=reverse("approvals:signoff", args=[catalogue.slug]),
            )
            for name in ("responses", "hmu", "hmu_responses", "signoff"):
                if page_urls[name]:  # an older tree has no fragment
                    measure(name)
            for name, values in measured.items():
                if values is None:
                    continue
                page_ms, floor_ms, queries, page_bytes, peak = values
                results.append((proposals, lmus, name, build_s, *values, os.getloadavg()[0]))
                print(
                    f"{proposals:>6} x {lmus:<3} {name:<10} page {page_ms:8.1f} ms  floor {floor_ms:7.1f} ms  "
                    f"ratio {page_ms / floor_ms:5.2f}  queries {queries}  HTML {page_bytes / 1e6:6.2f} MB  "
                    f"peak {peak / 1e6:7.1f} MB  load {os.getloadavg()[0]:.2f}",
                    flush=True,
                )
        server = (
            f"SQLite {connection.Database.sqlite_version}"
            if connection.vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return server, results


def table(server, results):
    lines = [
        f"### {server}",
        "",
        "| Proposals × LMUs | Page | Page (ms) | Floor (ms) | Ratio | Queries | HTML (MB) "
        "| Peak, one request (MB) | Load |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for proposals, lmus, name, _build, page_ms, floor_ms, queries, page_bytes, peak, load in results:
        size = f"{proposals:,}".replace(",", ".")
        ratio = page_ms / floor_ms
        lines.append(
            f"| {size} × {lmus} | {name} | {page_ms:.0f} | {floor_ms:.0f} | {ratio:.2f} | {queries} "
            f"| {page_bytes / 1e6:.2f} | {peak / 1e6:.0f} | {load:.2f} |"
        )
    return "\n".join(lines) + "\n"


def write(label, text):
    """Put ``text`` under "## label" in this benchmark's section of RESULTS.md (targeted edit)."""
    results = HERE / "RESULTS.md"
    content = results.read_text() if results.exists() else ""
    if SECTION not in content:
        content = content.rstrip("\n") + f"\n\n{SECTION}\n\n`bench/committee_pages.py`: see its docstring.\n"
    start = content.index(SECTION)
    following = re.search(r"^# ", content[start + len(SECTION) :], re.M)
    end = start + len(SECTION) + following.start() if following else len(content)
    section = content[start:end]
    block = f"## {label}\n\n{text}\n"
    pattern = re.compile(rf"^## {re.escape(label)}\n.*?(?=^## |\Z)", re.M | re.S)
    section = (
        pattern.sub(lambda _m: block, section) if pattern.search(section) else section.rstrip("\n") + f"\n\n{block}"
    )
    results.write_text(content[:start] + section.rstrip("\n") + "\n" + ("\n" + content[end:] if content[end:] else ""))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000x3,1000x30")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pages", default=",".join(PAGES), help="which pages to measure")
    parser.add_argument("--root", default=str(HERE.parent), help="the code tree to measure")
    parser.add_argument("--write", metavar="LABEL", help='e.g. "After (2026-12-01)"')
    args = parser.parse_args()
    sizes = [tuple(int(n) for n in size.split("x")) for size in args.sizes.split(",")]
    setup_django(Path(args.root))
    server, results = run(sizes, args.runs, args.pages.split(","))
    text = table(server, results)
    text += f"\nPython {platform.python_version()}, {os.cpu_count()} cores (shared); median of {args.runs} runs.\n"
    print(text)
    if args.write:
        write(args.write, text)


if __name__ == "__main__":
    main()
