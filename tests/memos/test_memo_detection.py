"""Change detection after sign-off: states are compared, changes are batched by a quiet period."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import sweep
from approvals.memos import detection, issuing
from approvals.models import CatalogueProcess, Memo, NextMemo
from proposals.models import Catalogue, CatalogueYear, Proposal, ProposalYear
from tests.factories import make_catalogue
from tests.memo_factories import make_agreement, make_mso_department, make_signed_off_catalogue, sign_off_directly
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


def reload(process):
    return CatalogueProcess.objects.select_related("catalogue").get(pk=process.pk)


def next_memo(process):
    return NextMemo.of(reload(process))


def first_proposal(process):
    return Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()


def test_no_changes_after_sign_off_means_nothing_pending_and_no_memo():
    process = make_signed_off_catalogue()
    assert detection.pending_changes(process) == []
    assert issuing.check_catalogue(process.catalogue_id) is None
    assert not Memo.objects.exists()


def test_not_signed_off_catalogue_is_never_checked():
    catalogue = make_catalogue()
    process, _ = CatalogueProcess.objects.get_or_create(catalogue=catalogue)
    ProposalYear.objects.filter(proposal__catalogue=catalogue).update(net_amount=-5)
    assert detection.pending_changes(process) == []
    assert issuing.check_catalogue(catalogue.pk) is None


def test_bulk_update_is_found_by_comparing_states():
    process = make_signed_off_catalogue()
    ProposalYear.objects.filter(proposal=first_proposal(process), year=2025).update(net_amount=-1234)
    changes = detection.pending_changes(process)
    assert [(c["kind"], c["code"], c["year"], c["before"], c["after"]) for c in changes] == [
        ("net", "1", "2025", -1000, -1234)
    ]


def test_quiet_period_batches_changes_and_restarts_on_each_new_change(settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    process = make_signed_off_catalogue()
    t0 = timezone.now()
    ProposalYear.objects.filter(proposal=first_proposal(process), year=2024).update(net_amount=-1100)
    assert issuing.check_catalogue(process.catalogue_id, now=t0) is None
    seen = next_memo(process)
    assert seen.changes_seen_at == t0 and len(seen.changes_fingerprint) == 64

    # Another change five minutes later: the clock starts again.
    t1 = t0 + timedelta(minutes=5)
    CatalogueYear.objects.filter(catalogue=process.catalogue, year=2024).update(target=-3100)
    assert issuing.check_catalogue(process.catalogue_id, now=t1) is None
    assert next_memo(process).changes_seen_at == t1

    # Looking again without further changes does not move the clock.
    assert issuing.check_catalogue(process.catalogue_id, now=t1 + timedelta(minutes=9)) is None
    assert next_memo(process).changes_seen_at == t1

    memo = issuing.check_catalogue(process.catalogue_id, now=t1 + timedelta(minutes=10))
    assert memo is not None and memo.number == 1
    assert sorted(c["kind"] for c in memo.changes) == ["net", "target"]
    after = next_memo(process)
    assert after.changes_seen_at is None and after.changes_fingerprint == ""
    # Nothing new: no second memo.
    assert issuing.check_catalogue(process.catalogue_id, now=t1 + timedelta(hours=1)) is None
    assert Memo.objects.count() == 1


def test_change_undone_before_the_quiet_period_ends_sends_nothing(settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 600
    process = make_signed_off_catalogue()
    row = ProposalYear.objects.get(proposal=first_proposal(process), year=2024)
    t0 = timezone.now()
    ProposalYear.objects.filter(pk=row.pk).update(net_amount=-1)
    issuing.check_catalogue(process.catalogue_id, now=t0)
    ProposalYear.objects.filter(pk=row.pk).update(net_amount=row.net_amount)
    assert issuing.check_catalogue(process.catalogue_id, now=t0 + timedelta(hours=1)) is None
    assert next_memo(process).changes_seen_at is None
    assert not Memo.objects.exists()


def test_told_state_moves_to_the_latest_memo():
    process = make_signed_off_catalogue()
    proposal = first_proposal(process)
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1100)
    first = issuing.issue_memo(process)
    told, source = detection.told_state(process)
    assert source == first and told == first.snapshot
    assert detection.pending_changes(process) == []

    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1200)
    second = issuing.check_catalogue(process.catalogue_id)
    assert second.number == 2
    assert second.previous_snapshot == first.snapshot
    assert [(c["before"], c["after"]) for c in second.changes] == [(-1100, -1200)]


def test_a_new_sign_off_after_memos_becomes_the_told_state():
    from approvals.models import SignOff
    from proposals.snapshots import catalogue_snapshot

    process = make_signed_off_catalogue()
    ProposalYear.objects.filter(proposal=first_proposal(process), year=2024).update(net_amount=-1100)
    memo = issuing.issue_memo(process)
    ProposalYear.objects.filter(proposal=first_proposal(process), year=2024).update(net_amount=-900)
    SignOff.objects.create(
        process=process,
        decision=SignOff.Decision.APPROVED,
        decided_by=memo.process.signoffs.first().decided_by,
        decided_at=memo.issued_at + timedelta(seconds=1),
        snapshot=catalogue_snapshot(process.catalogue),
    )
    told, source = detection.told_state(process)
    assert isinstance(source, SignOff)
    assert detection.pending_changes(process) == []


def test_save_signal_enqueues_one_check_per_catalogue_per_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        # The test runs in one transaction, like an admin save or an import does.
        process = make_signed_off_catalogue()
        proposal = first_proposal(process)
        for row in ProposalYear.objects.filter(proposal=proposal):
            row.net_amount -= 100
            row.save()
        proposal.title = "Ny titel"
        proposal.save()
    memo_callbacks = [c for c in callbacks if getattr(c, "memo_catalogue_id", None) == process.catalogue_id]
    assert len(memo_callbacks) == 1
    # On commit the check runs (in-process Celery in tests) and, with no quiet period, issues the memo.
    memo_callbacks[0]()
    memo = Memo.objects.get()
    assert sorted({c["kind"] for c in memo.changes}) == ["field", "net"]
    assert len([c for c in memo.changes if c["kind"] == "net"]) == 4


def test_admin_style_save_issues_a_memo_on_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        process = make_signed_off_catalogue()
        row = ProposalYear.objects.filter(proposal=first_proposal(process)).first()
        row.net_amount = -4321
        row.save()
    assert Memo.objects.get().changes[0]["after"] == -4321


def test_deleting_a_proposal_signals_and_is_a_withdrawal(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        process = make_signed_off_catalogue(proposals=2)
        first_proposal(process).delete()
    memo = Memo.objects.get()
    assert [c["kind"] for c in memo.changes] == ["proposal_removed"]


def test_sweep_finds_bulk_updates_on_every_signed_off_catalogue(settings):
    a = make_signed_off_catalogue()
    b = make_signed_off_catalogue()
    untouched = make_signed_off_catalogue()
    Proposal.objects.filter(catalogue=a.catalogue).update(risk_assessment="Lav")
    ProposalYear.objects.filter(proposal__catalogue=b.catalogue).update(fte=None)
    result = sweep.sweep()
    assert sorted(m.process_id for m in result["memos"]) == sorted([a.pk, b.pk])
    assert not Memo.objects.filter(process=untouched).exists()


def test_signals_ignore_catalogues_that_are_not_signed_off(django_capture_on_commit_callbacks):
    catalogue = make_catalogue()
    with django_capture_on_commit_callbacks(execute=True):
        p = Proposal.objects.filter(catalogue=catalogue).first()
        p.title = "x"
        p.save()
    assert not Memo.objects.exists()


def test_an_admin_save_with_a_browsers_line_breaks_reports_only_the_real_change(admin_client):
    catalogue = make_catalogue(
        sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE,
        department=make_mso_department(),
        agreement=make_agreement(),
    )
    proposal = catalogue.proposals.order_by("position").first()
    proposal.description = "Første afsnit.\n\nAndet afsnit med en linje  \nmere."
    proposal.save()
    process = sign_off_directly(catalogue)

    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    data = change_form_data(admin_client.get(url))
    # A browser sends a textarea's line breaks as CRLF.
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    index = next(i for i in range(4) if data[f"years-{i}-year"] == 2024)
    data[f"years-{index}-net_amount"] = "1200"
    data["change_reason"] = "Rettet efter budgetopfølgningen."  # required after sign-off
    assert admin_client.post(url, data).status_code == 302

    changes = detection.pending_changes(reload(process))
    assert [(c["kind"], c.get("year"), c.get("before"), c.get("after")) for c in changes] == [
        ("net", "2024", -1000, -1200)
    ]
