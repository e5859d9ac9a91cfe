"""The memo sweep's cost follows the changes (issue 26): it looks only at the signed-off
catalogues changed since it last looked (proposals' "changed since" marks, written in the
changing transaction), plus a slow full check as the safety net for writes that mark nothing."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from approvals import sweep
from approvals.memos import issuing
from approvals.models import Memo, NextMemo
from proposals.models import CatalogueChange, Proposal, ProposalYear
from tests.factories import make_catalogue
from tests.memo_factories import make_signed_off_catalogue

pytestmark = pytest.mark.django_db


def first_proposal(process):
    return Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()


def change_title(process, title):
    """A change as the admin writes it: a save, whose signal marks the catalogue changed."""
    proposal = first_proposal(process)
    proposal.title = title
    proposal.save()


def settled(count):
    """``count`` signed-off catalogues, each looked at once by a sweep (nothing to tell)."""
    processes = [make_signed_off_catalogue() for _ in range(count)]
    assert sweep.sweep()["memos"] == []
    return processes


def sweep_queries(now=None):
    with CaptureQueriesContext(connection) as queries:
        result = sweep.sweep(now=now)
    return len(queries), result


def test_a_sweep_over_unchanged_signed_off_catalogues_takes_the_same_queries_however_many_there_are():
    settled(2)
    few, result = sweep_queries()
    assert result["memos"] == []
    settled(6)  # eight now
    many, result = sweep_queries()
    assert result["memos"] == []
    assert many == few
    assert few <= 12  # it was about 30 per catalogue: a snapshot and a comparison each


def test_a_change_is_picked_up_and_only_the_changed_catalogue_is_looked_at():
    changed, *unchanged = settled(4)
    baseline, _ = sweep_queries()
    change_title(changed, "Ny titel")
    assert CatalogueChange.objects.filter(catalogue=changed.catalogue).exists()
    queries, result = sweep_queries()
    assert [m.process_id for m in result["memos"]] == [changed.pk]
    assert result["memos"][0].snapshot["proposals"][0]["title"] == "Ny titel"
    # The look cleared its marks; the other catalogues were not looked at.
    assert not CatalogueChange.objects.exists()
    assert not Memo.objects.filter(process__in=unchanged).exists()
    again, result = sweep_queries()
    assert result["memos"] == [] and again == baseline


def test_an_import_or_bulk_write_that_sends_the_signal_marks_once_per_transaction():
    process = settled(1)[0]
    with transaction.atomic():
        for year in ProposalYear.objects.filter(proposal__catalogue=process.catalogue):
            year.net_amount -= 10
            year.save()
    assert CatalogueChange.objects.filter(catalogue=process.catalogue).count() == 1


def test_a_write_that_marks_nothing_is_found_by_the_daily_full_check():
    process = settled(1)[0]
    # A bulk update sends no signal: no mark.
    ProposalYear.objects.filter(proposal=first_proposal(process), year=2024).update(net_amount=-4321)
    assert sweep.sweep()["memos"] == []
    later = timezone.now() + timedelta(hours=25)
    memos = sweep.sweep(now=later)["memos"]
    assert [m.process_id for m in memos] == [process.pk]
    assert NextMemo.objects.get(process=process).checked_at == later


def test_the_full_check_looks_at_a_few_catalogues_per_sweep_the_least_recently_looked_at_first(settings):
    settings.MEMO_FULL_CHECKS_PER_SWEEP = 2
    processes = [make_signed_off_catalogue() for _ in range(3)]
    CatalogueChange.objects.all().delete()  # never looked at, no marks: only the full check looks
    sweep.sweep()
    looked = NextMemo.objects.filter(checked_at__isnull=False).values_list("process_id", flat=True)
    assert sorted(looked) == sorted(p.pk for p in processes[:2])
    sweep.sweep()
    assert NextMemo.objects.filter(checked_at__isnull=False).count() == 3


def test_a_change_committed_while_the_sweep_looks_is_not_lost(monkeypatch):
    """The change lands after the look read the marks and took its snapshot: the look tells
    nothing and clears only the marks it had read; the change's own mark brings the next sweep."""
    process = settled(1)[0]
    snapshot = issuing.catalogue_snapshot

    def snapshot_then_a_change_lands(catalogue, **kwargs):
        taken = snapshot(catalogue, **kwargs)
        change_title(process, "Ændret mens der blev kigget")
        return taken

    # Something must be marked for the sweep to look at all: an unrelated change first.
    change_title(process, first_proposal(process).title)
    monkeypatch.setattr(issuing, "catalogue_snapshot", snapshot_then_a_change_lands)
    assert sweep.sweep()["memos"] == []
    monkeypatch.undo()

    assert CatalogueChange.objects.filter(catalogue=process.catalogue).count() == 1
    memos = sweep.sweep()["memos"]
    assert [m.process_id for m in memos] == [process.pk]
    assert memos[0].snapshot["proposals"][0]["title"] == "Ændret mens der blev kigget"


def test_marks_of_catalogues_nobody_follows_are_forgotten_after_two_full_check_periods():
    settled(1)
    draft = make_catalogue()
    assert CatalogueChange.objects.filter(catalogue=draft).exists()
    sweep.sweep(now=timezone.now() + timedelta(hours=47))
    assert CatalogueChange.objects.filter(catalogue=draft).exists()
    sweep.sweep(now=timezone.now() + timedelta(hours=49))
    assert not CatalogueChange.objects.filter(catalogue=draft).exists()


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_change_committed_by_another_connection_after_the_snapshot_is_not_lost(monkeypatch):
    """The real race: another connection's transaction changes a proposal while the sweep looks
    and commits after the sweep's snapshot. Its mark, invisible when the sweep read the marks,
    survives the sweep's clearing and brings the next sweep."""
    if connection.vendor != "postgresql":
        pytest.skip("two connections at once: the suite's PostgreSQL run")
    from approvals.memos import tasks

    monkeypatch.setattr(tasks, "enqueue_check", lambda catalogue_id: None)  # the sweep alone looks
    process = settled(1)[0]
    editing, commit, committed = threading.Event(), threading.Event(), threading.Event()

    def editor():
        try:
            with transaction.atomic():
                change_title(process, "Ændret fra en anden forbindelse")
                editing.set()
                commit.wait(30)
            committed.set()
        finally:
            connection.close()

    snapshot = issuing.catalogue_snapshot

    def snapshot_then_the_other_commits(catalogue, **kwargs):
        taken = snapshot(catalogue, **kwargs)
        commit.set()
        assert committed.wait(30)
        return taken

    thread = threading.Thread(target=editor)
    thread.start()
    assert editing.wait(30)
    # The editor's mark is not committed yet: something else must bring the sweep to look (a
    # save of another row: the editor holds the first proposal's).
    other = Proposal.objects.filter(catalogue=process.catalogue).order_by("position")[1]
    other.save()
    monkeypatch.setattr(issuing, "catalogue_snapshot", snapshot_then_the_other_commits)
    try:
        assert sweep.sweep()["memos"] == []
    finally:
        commit.set()
        thread.join()
    assert committed.is_set()
    # The look finished (with the state before the editor's commit) and cleared only its own mark.
    assert NextMemo.objects.get(process=process).changes_seen_at is None
    assert CatalogueChange.objects.filter(catalogue=process.catalogue).count() == 1
    monkeypatch.setattr(issuing, "catalogue_snapshot", snapshot)
    memos = sweep.sweep()["memos"]
    assert [m.process_id for m in memos] == [process.pk]
    assert memos[0].snapshot["proposals"][0]["title"] == "Ændret fra en anden forbindelse"
