"""Benchmark: from a change to a signed-off catalogue to its memo's e-mails, through the
sweep, against Django's ``sendtestemail`` (issue 26).

    .venv/bin/python bench/memo_email.py [--catalogues 30] [--proposals 30] [--copies 6] [--runs 5]

Builds, in a throwaway database (an SQLite file, or PostgreSQL ``memo_email_bench`` when
DATABASE_URL points at PostgreSQL), ``--catalogues`` signed-off catalogues of ``--proposals``
proposals each (a municipality's years of them, unchanged), the first with its budget parties,
managers and ``--copies`` extra recipients. Then, in turns (median of ``--runs``):

- **floor**: ``manage.py sendtestemail`` to the memo's recipients, in a fresh process (Django's
  start and one e-mail);
- **sweep, fresh process**: one proposal's figure changed as the admin writes it (a save, in
  this process), then ``manage.py memo_sweep`` in a fresh process, as cron would run it: it
  finds the change, issues the memo (its PDF) and sends its e-mails (no broker; console
  back-end, its output counted to check that every e-mail went);
- **sweep, warm**: the same change and one pass of ``approvals.sweep.sweep`` in this process,
  which has swept before (what beat's worker or ``memo_sweep --loop`` does after its start),
  against ``sendtestemail`` called in this process;
- **sweep, nothing changed**: one pass of the sweep in this process with no change anywhere
  (its cost with a municipality's years of signed-off catalogues).

Wall seconds for the fresh processes (their CPU seconds beside: the machine is shared), CPU
seconds of this process for the warm pass. The change's on-commit check is switched off here,
so the sweep does the work."""

import argparse
import os
import platform
import resource
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_process(args, env):
    """(wall seconds, CPU seconds, stdout) of ``manage.py *args`` in a fresh process."""
    cpu, start = children_cpu(), time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    return time.perf_counter() - start, children_cpu() - cpu, done.stdout


def run(catalogues, proposals, copies, runs):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings_test")
    import django

    django.setup()
    from django.conf import settings
    from django.core import mail
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.test.utils import setup_test_environment

    settings.DEBUG = False
    settings.MEMO_QUIET_PERIOD_SECONDS = 0
    setup_test_environment()  # locmem e-mail in this process
    vendor = connection.vendor
    if vendor == "sqlite":
        tmp = tempfile.NamedTemporaryFile(suffix=".sqlite3", delete=False)
        tmp.close()
        connection.settings_dict["TEST"]["NAME"] = tmp.name
        database_url = f"sqlite:///{tmp.name}"
    else:
        connection.settings_dict["TEST"]["NAME"] = "memo_email_bench"
        database_url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/memo_email_bench"
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "MEMO_QUIET_PERIOD_SECONDS": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DEBUG", None)
    env.pop("CELERY_BROKER_URL", None)
    try:
        from approvals import sweep
        from approvals.models import Memo, NextMemo
        from proposals.models import ProposalYear
        from proposals.signals import catalogue_changed
        from tests.memo_factories import make_signed_off_catalogue

        # The sweep does the work, not the on-commit check of the change.
        catalogue_changed.disconnect(dispatch_uid="approvals_memo_check")
        followed = [make_signed_off_catalogue(proposals=proposals) for _ in range(catalogues)]
        changed = followed[0]
        NextMemo.objects.update_or_create(
            process=changed, defaults={"extra_recipients": "\n".join(f"kopi{i}@example.org" for i in range(copies))}
        )
        sweep.sweep()  # every catalogue looked at once (the full check's first pass)
        row = ProposalYear.objects.filter(proposal__catalogue=changed.catalogue, year=2025).order_by("pk").first()

        def change():
            with transaction.atomic():
                row.net_amount -= 1
                row.save()

        def recipients():
            return [address for address, _name, _role in Memo.objects.latest("pk").letterhead["addressees"]]

        change()
        sweep.sweep()
        addresses = recipients()
        floor_wall, floor_cpu, sweep_wall, sweep_cpu = [], [], [], []
        for _ in range(runs):
            wall, cpu, _out = timed_process(["sendtestemail", *addresses], env)
            floor_wall.append(wall)
            floor_cpu.append(cpu)
            before = Memo.objects.count()
            change()
            wall, cpu, out = timed_process(["memo_sweep"], env)
            assert Memo.objects.count() == before + 1, "the sweep issued no memo"
            assert out.count("Message-ID:") == len(addresses), out[-2000:]
            sweep_wall.append(wall)
            sweep_cpu.append(cpu)

        warm_floor, warm_sweep = [], []
        for _ in range(runs):
            mail.outbox = []
            start = time.process_time()
            call_command("sendtestemail", *addresses)
            warm_floor.append(time.process_time() - start)
            change()
            mail.outbox = []
            start = time.process_time()
            result = sweep.sweep()
            warm_sweep.append(time.process_time() - start)
            assert len(result["memos"]) == 1 and len(mail.outbox) == len(addresses)
        quiet = []
        for _ in range(runs):
            start = time.process_time()
            assert sweep.sweep()["memos"] == []
            quiet.append(time.process_time() - start)
        server = (
            f"SQLite {connection.Database.sqlite_version}"
            if vendor == "sqlite"
            else "PostgreSQL {}.{}".format(*divmod(connection.cursor().connection.info.server_version, 10000))
        )
    finally:
        connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
        if vendor == "sqlite":
            Path(connection.settings_dict["TEST"]["NAME"]).unlink(missing_ok=True)

    med = statistics.median
    print(
        f"Date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  ·  {os.cpu_count()} cores  ·  "
        f"Python {platform.python_version()}  ·  {server}  ·  load average {os.getloadavg()[0]:.1f}  ·  "
        f"median of {runs}  ·  {catalogues} signed-off catalogues of {proposals} proposals, "
        f"{len(addresses)} recipients"
    )
    print()
    print("| | floor: sendtestemail | change → e-mails through the sweep | ratio |")
    print("|---|---:|---:|---:|")
    print(
        f"| fresh process, wall s | {med(floor_wall):.2f} | {med(sweep_wall):.2f} | "
        f"{med(sweep_wall) / med(floor_wall):.2f}× |"
    )
    print(
        f"| fresh process, CPU s | {med(floor_cpu):.2f} | {med(sweep_cpu):.2f} | "
        f"{med(sweep_cpu) / med(floor_cpu):.2f}× |"
    )
    print(
        f"| warm process, CPU ms | {1000 * med(warm_floor):.1f} | {1000 * med(warm_sweep):.1f} | "
        f"{med(warm_sweep) / med(warm_floor):.1f}× |"
    )
    print(f"| warm process, a sweep with nothing changed, CPU ms | | {1000 * med(quiet):.1f} | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--catalogues", type=int, default=30)
    parser.add_argument("--proposals", type=int, default=30)
    parser.add_argument("--copies", type=int, default=6)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    run(args.catalogues, args.proposals, args.copies, args.runs)


if __name__ == "__main__":
    main()
