"""Benchmark: the LMU response form of one large catalogue (issue 26), before and after.

    .venv/bin/python bench/response_form.py [--proposals 1000,20000] [--runs 3] [--root /tmp/old-tree]

Per size: a catalogue of that many proposals in hearing (tests.approval_factories.Setup), its
first LMU's member opens the form (median time of ``--runs`` GETs after one warm-up; the page's
bytes and its input fields), and saves a draft of what the page shows (median POST time; the
status: 302 saved, 400 Django refused the POST for its number of fields, as the one-page form of
20.000 proposals was). Django's throwaway test database of DATABASE_URL (SQLite by default).
``--root`` measures another code tree. Printed as a Markdown table for bench/RESULTS.md."""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", default="1000,20000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--root", default=str(HERE.parent))
    args = parser.parse_args()
    root = Path(args.root).resolve()
    sys.path.insert(0, str(root))
    os.chdir(root)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from tests.approval_factories import Setup

    settings.DEBUG = False
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    lines = [
        f"`{' '.join(['bench/response_form.py', *sys.argv[1:]])}` ({connection.vendor}, load average before "
        + ", ".join(f"{x:.2f}" for x in os.getloadavg())
        + ")",
        "",
        "| Proposals | GET form (ms) | Page (bytes) | Rows shown | Fields posted | POST a draft (ms) | Status |",
        "|---|---|---|---|---|---|---|",
    ]
    try:
        for size in [int(n) for n in args.proposals.split(",")]:
            s = Setup(proposals=size).to_hearing()
            client = Client()
            client.force_login(s.lmu1_user)
            url = reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])
            client.get(url)
            gets = []
            for _ in range(args.runs):
                start = time.perf_counter()
                page = client.get(url)
                gets.append((time.perf_counter() - start) * 1000)
            html = page.content.decode()
            rows = re.findall(r'<select name="stance_(\d+)"', html)
            data = {"general_comment": "Kladde", "action": "save"}
            for n, pk in enumerate(rows):
                data[f"stance_{pk}"] = "support"
                data[f"comment_{pk}"] = f"Kommentar {n}"
            posts, status = [], None
            for _ in range(args.runs):
                start = time.perf_counter()
                status = client.post(url, data).status_code
                posts.append((time.perf_counter() - start) * 1000)
            lines.append(
                f"| {size:,} | {statistics.median(gets):.0f} | {len(page.content):,} | {len(rows):,} "
                f"| {len(data):,} | {statistics.median(posts):.0f} | {status} |".replace(",", ".")
            )
            print(lines[-1], flush=True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
