"""Benchmark of a memo's PDF: 200 changed proposals of 1.000, against WeasyPrint's floor.

    .venv/bin/python bench/memo_pdf.py [--proposals 1000] [--changed 200] [--runs 3]

Builds a signed-off catalogue of ``--proposals`` proposals in a throwaway database (SQLite,
or PostgreSQL ``memo_bench`` when DATABASE_URL points at PostgreSQL), changes the figures
of ``--changed`` of them (and the description of every tenth changed one), and times, in
the same run (median of ``--runs``):

- **floor**: the same changed rows (code, title, net before and after per year) as one plain
  HTML table, rendered to PDF by WeasyPrint: what any PDF of these rows costs at least;
- **memo PDF**: ``rendering.render_memo_pdf`` of the issued memo (the letterhead, sections,
  tables and text diffs, PDF/A);
- **issue_memo**: the whole issuing service (diff, reasons, PDF, outbox rows), once, without
  the deliveries it enqueues after commit;
- the number of JSON documents decoded while issuing.

Floor and memo are timed in turns, as CPU seconds of this process (the machine is shared).

Prints the ratio memo PDF / floor with both figures beside it."""

import argparse
import io
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def measure_interleaved(funcs, runs):
    """Median CPU seconds of each function, run in turns (a, b, a, b, …).

    CPU time of this process, not wall time: the machine is shared (2 cores, other test runs),
    and a wall clock mostly measures who else was running. Rendering is single-threaded."""
    timings = [[] for _ in funcs]
    for _ in range(runs):
        for func, times in zip(funcs, timings, strict=True):
            start = time.process_time()
            func()
            times.append(time.process_time() - start)
    return [statistics.median(times) for times in timings]


class DecodeCounter:
    """Counts json.JSONDecoder.decode calls (json.loads and the database's JSON fields)."""

    def __init__(self):
        self.count = 0
        self._original = json.JSONDecoder.decode

    def __enter__(self):
        counter = self

        def decode(self, *args, **kwargs):
            counter.count += 1
            return counter._original(self, *args, **kwargs)

        json.JSONDecoder.decode = decode
        return self

    def __exit__(self, *exc):
        json.JSONDecoder.decode = self._original


def floor_html(memo):
    """Every figure row the memo prints (each changed proposal's before, after and change per
    year, the totals), the same formatted cells, as one plain table: no letterhead, headings,
    text diffs or page rules."""
    from django.utils.html import escape

    from approvals.memos.document import MemoDocument

    doc = MemoDocument(previous_snapshot=memo.previous_snapshot, snapshot=memo.snapshot, changes=memo.changes)
    head = "".join(f"<th>{y}</th>" for y in doc.years)
    rows = []
    tables = [(s.code, escape(s.title), s.figures) for s in doc.proposals if s.figures] + [("", "", doc.totals)]
    for code, title, table in tables:
        for label, cells, _css in table.rows:
            tds = "".join(f"<td>{c}</td>" for c in cells)
            rows.append(f"<tr><td>{code}</td><td>{title}</td><td>{escape(label)}</td>{tds}</tr>")
    return (
        '<!DOCTYPE html><html lang="da"><head><meta charset="utf-8"><style>'
        "table{border-collapse:collapse;width:100%;font-size:8.5pt}td,th{border-bottom:.5pt solid #bbb}"
        f"</style></head><body><table><thead><tr><th>Nr.</th><th>Titel</th><th></th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )


def run(proposals, changed, runs):
    sys.path.insert(0, str(ROOT))
    # The test suite's settings (a throw-away SECRET_KEY) where they exist.
    test_settings = (ROOT / "config" / "settings_test.py").exists()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test" if test_settings else "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    setup_test_environment()  # locmem e-mail
    vendor = connection.vendor
    if vendor == "sqlite":
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        tmp.close()
        connection.settings_dict["TEST"]["NAME"] = tmp.name
    else:
        connection.settings_dict["TEST"]["NAME"] = "memo_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        from pypdf import PdfReader
        from weasyprint import HTML

        from approvals.memos import issuing, rendering
        from proposals.models import Proposal, ProposalYear
        from tests.memo_factories import make_signed_off_catalogue

        process = make_signed_off_catalogue(proposals=proposals)
        chosen = list(Proposal.objects.filter(catalogue=process.catalogue).order_by("position")[:changed])
        ProposalYear.objects.filter(proposal__in=chosen, year=2025).update(net_amount=-1500)
        for proposal in chosen[::10]:
            proposal.description = (
                "Forslaget omlægger opgaven. Borgerne får samme service. "
                "Besparelsen hentes gennem færre ledere og en ny vagtplan."
            )
            proposal.save(update_fields=["description"])

        # Issuing alone: the deliveries it enqueues run after commit (in process here), apart.
        with transaction.atomic(), DecodeCounter() as decodes:
            start = time.process_time()
            memo = issuing.issue_memo(process)
            issue_s = time.process_time() - start
        assert memo is not None and len({c.get("code") for c in memo.changes}) >= changed
        memo.refresh_from_db()
        base_url = str(settings.BASE_DIR)
        floor_source = floor_html(memo)
        HTML(string=floor_source, base_url=base_url).write_pdf()  # warm fonts once
        floor_s, memo_s = measure_interleaved(
            [lambda: HTML(string=floor_source, base_url=base_url).write_pdf(), lambda: rendering.render_memo_pdf(memo)],
            runs,
        )
        floor_rows = floor_source.count("<tr>") - 1
        pages = len(PdfReader(io.BytesIO(bytes(memo.pdf))).pages)
        server = (
            f"SQLite {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if vendor == "sqlite":
            Path(connection.settings_dict["TEST"]["NAME"]).unlink(missing_ok=True)
    print(
        f"Date: {time.strftime('%Y-%m-%d')}  ·  {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores  ·  Python {platform.python_version()}  ·  {server}  ·  median of {runs} runs"
    )
    print()
    print(
        "| Changed / proposals | Floor: plain table of the same rows (CPU s) | Memo PDF (CPU s) "
        "| Memo / floor (target ≤ 1.5) | issue_memo (CPU s) | JSON decodes in issue_memo | Memo pages |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {changed} / {proposals} | {floor_s:.2f} ({floor_rows} rows) | {memo_s:.2f} | {memo_s / floor_s:.2f} "
        f"| {issue_s:.2f} | {decodes.count} | {pages} |"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--proposals", type=int, default=1000)
    parser.add_argument("--changed", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    run(args.proposals, args.changed, args.runs)


if __name__ == "__main__":
    main()
