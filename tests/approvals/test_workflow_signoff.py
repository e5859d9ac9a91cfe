"""Sign-off stores an immutable record of exactly what was approved."""

import pytest
from django.core.exceptions import ValidationError

from approvals import selectors, services
from approvals.models import SignOff
from proposals.models import ProposalYear
from tests.approval_factories import Setup

pytestmark = pytest.mark.django_db


def test_sign_off_freezes_the_catalogue_as_it_stood():
    s = Setup(amount=-1250).to_awaiting_signoff()
    first = s.proposals[0]
    signoff = services.sign_off(
        s.process, actor=s.signoff_user, note="Godkendt på rådmandsmødet", approved_before_meeting=True
    )
    snap = SignOff.objects.get(pk=signoff.pk).snapshot
    assert snap["catalogue"]["slug"] == s.catalogue.slug
    assert [p["code"] for p in snap["proposals"]] == ["1", "2", "3"]
    assert snap["proposals"][0]["title"] == first.title
    assert snap["proposals"][0]["net"]["2024"] == -1250
    assert snap["catalogue"]["targets"]["2025"] == -3750

    # A later change to the catalogue does not touch the approved record.
    ProposalYear.objects.filter(proposal=first, year=2024).update(net_amount=-999)
    assert SignOff.objects.get(pk=signoff.pk).snapshot["proposals"][0]["net"]["2024"] == -1250
    assert selectors.latest_approval(s.process).pk == signoff.pk


def test_sign_off_record_cannot_be_changed():
    Setup().to_signed_off()
    signoff = SignOff.objects.get()
    signoff.note = "Omskrevet historie"
    with pytest.raises(ValidationError):
        signoff.save()
    assert SignOff.objects.get().note == "Godkendt"


def test_signed_off_catalogue_cannot_be_signed_again():
    s = Setup().to_signed_off()
    with pytest.raises(services.TransitionNotAllowed):
        services.sign_off(s.process, actor=s.signoff_user, approved_before_meeting=True)
    assert SignOff.objects.count() == 1


def test_latest_approval_after_a_send_back_and_a_new_approval():
    s = Setup().to_awaiting_signoff()
    services.send_back(s.process, actor=s.signoff_user, reason="Uddyb forslag 3")
    assert selectors.latest_approval(s.process) is None
    services.forward_to_signoff(s.process, actor=s.hmu_user)
    approval = services.sign_off(s.process, actor=s.signoff_user, approved_before_meeting=True)
    assert selectors.latest_approval(s.process) == approval
    assert [d.decision for d in selectors.signoffs_for(s.process)] == ["approved", "sent_back"]
