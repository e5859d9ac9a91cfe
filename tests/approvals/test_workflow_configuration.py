"""Configuring a hearing: heard LMUs and dates, by administrators, in draft or hearing only."""

import datetime

import pytest

from approvals import services
from approvals.exceptions import NotPermitted, TransitionNotAllowed, WorkflowError
from approvals.models import CatalogueProcess, Committee
from tests.approval_factories import Setup
from tests.factories import make_catalogue

pytestmark = pytest.mark.django_db
D = datetime.date


def configure(s, actor=None, **kwargs):
    values = {"committees": [s.lmu1], "hearing_deadline": D(2030, 12, 5), "hmu_meeting": D(2030, 12, 7)}
    values.update(kwargs)
    return services.configure_hearing(s.process, actor=actor or s.admin, **values)


def stored(s):
    p = CatalogueProcess.objects.get(pk=s.process.pk)
    return (p.hearing_deadline, p.hmu_meeting, p.signoff_meeting, sorted(c.name for c in p.heard_committees.all()))


def test_configure_sets_committees_and_dates():
    s = Setup()
    configure(s, signoff_meeting=D(2030, 12, 8))
    assert stored(s) == (D(2030, 12, 5), D(2030, 12, 7), D(2030, 12, 8), ["LMU Et"])
    assert s.process.hearing_deadline == D(2030, 12, 5)


def test_configure_only_by_admin():
    s = Setup()
    before = stored(s)
    for user in (s.lmu1_user, s.hmu_user, s.signoff_user):
        with pytest.raises(NotPermitted):
            configure(s, actor=user)
    assert stored(s) == before


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"hmu_meeting": D(2030, 12, 1)}, "HMU-mødet"),
        ({"signoff_meeting": D(2030, 12, 6)}, "Rådmandsmødet"),
        ({"committees": "hmu"}, "ikke et LMU"),
    ],
)
def test_configure_refuses_bad_input(kwargs, message):
    s = Setup()
    if kwargs.get("committees") == "hmu":
        kwargs["committees"] = [s.hmu]
    before = stored(s)
    with pytest.raises(WorkflowError, match=message):
        configure(s, **kwargs)
    assert stored(s) == before


def test_draft_may_be_configured_without_a_deadline_yet():
    s = Setup()
    configure(s, hearing_deadline=None, hmu_meeting=None)
    assert stored(s) == (None, None, None, ["LMU Et"])


def test_configure_during_hearing_may_extend_the_deadline_but_keeps_an_lmu_and_a_deadline():
    s = Setup().to_hearing()
    configure(s, committees=[s.lmu1, s.lmu2], hearing_deadline=D(2030, 12, 10), hmu_meeting=None)
    assert stored(s)[0] == D(2030, 12, 10)
    with pytest.raises(WorkflowError, match="mindst ét"):
        configure(s, committees=[])
    with pytest.raises(WorkflowError, match="høringsfrist"):
        configure(s, hearing_deadline=None)
    assert stored(s)[0] == D(2030, 12, 10)


def test_configure_refused_after_the_hearing():
    s = Setup().to_hmu_review()
    before = stored(s)
    with pytest.raises(TransitionNotAllowed):
        configure(s)
    assert stored(s) == before


def test_every_catalogue_gets_a_process():
    catalogue = make_catalogue()
    assert CatalogueProcess.objects.get(catalogue=catalogue).state == CatalogueProcess.State.DRAFT
    CatalogueProcess.objects.filter(catalogue=catalogue).delete()
    assert services.ensure_processes() == 1
    assert CatalogueProcess.objects.get(catalogue=catalogue).state == CatalogueProcess.State.DRAFT
    assert services.ensure_processes() == 0


def test_committee_kinds_are_distinct():
    s = Setup()
    assert {c.kind for c in Committee.objects.filter(department=s.department)} == {"lmu", "hmu", "signoff"}
