"""Test data for memos: a catalogue in the approved state, without the workflow's steps.

The workflow (approvals.services.sign_off) is tested on its own; memo tests start from the
state it leaves behind: CatalogueProcess(state="signed_off") and an approved SignOff with
the catalogue's snapshot."""

from datetime import datetime
from zoneinfo import ZoneInfo

from approvals.memos import issuing
from approvals.models import CatalogueProcess, Email, SignOff
from proposals.models import BudgetAgreement, BudgetParty, Catalogue, Department, Proposal, ProposalYear
from proposals.snapshots import catalogue_snapshot
from tests.factories import make_catalogue, make_user

SIGNOFF_AT = datetime(2023, 12, 8, 14, 0, tzinfo=ZoneInfo("Europe/Copenhagen"))


def make_mso_department(code="MSO"):
    department, _ = Department.objects.update_or_create(
        code=code,
        defaults=dict(
            name="Sundhed og Omsorg",
            municipality="Aarhus Kommune",
            office="Økonomi og Bygninger",
            unit="Mål- og Økonomistyring",
            address="Grøndalsvej 2,\n8260 Viby J.",
            phone="41874622",
            email="krmi@aarhus.example",
            case_officer="Kristian Mikkelsen",
            case_officer_title="Kontorchef",
            manager_emails="direktor@aarhus.example\nKRMI@aarhus.example\n",
        ),
    )
    return department


def make_agreement(name="Budgetforlig 2024"):
    agreement, _ = BudgetAgreement.objects.get_or_create(name=name)
    for party, contact, email in (
        ("Socialdemokratiet", "Anna A", "anna@parti-a.example"),
        ("Venstre", "Bo B", "bo@parti-v.example"),
        ("Radikale Venstre", "", ""),  # no contact: not a recipient
    ):
        BudgetParty.objects.get_or_create(
            agreement=agreement, name=party, defaults={"contact_name": contact, "contact_email": email}
        )
    return agreement


def sign_off_directly(catalogue, *, at=SIGNOFF_AT, user=None):
    """Put the catalogue in the approved state the workflow's sign-off leaves behind."""
    process, _ = CatalogueProcess.objects.get_or_create(catalogue=catalogue)
    process.state = CatalogueProcess.State.SIGNED_OFF
    process.save()
    SignOff.objects.create(
        process=process,
        decision=SignOff.Decision.APPROVED,
        decided_by=user or make_user(),
        decided_at=at,
        snapshot=catalogue_snapshot(catalogue),
    )
    return process


def make_signed_off_catalogue(*, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, **kwargs):
    """An MSO-like catalogue (savings positive) with agreement, parties and managers, signed off."""
    kwargs.setdefault("department", make_mso_department())
    kwargs.setdefault("agreement", make_agreement())
    kwargs.setdefault("title", "Omprioriteringer til Velfærdspuljen")
    catalogue = make_catalogue(sign_convention=sign_convention, **kwargs)
    return sign_off_directly(catalogue)


def make_memo_with_one_change():
    """A signed-off MSO-like catalogue whose first proposal changed in 2024 (-1.000 -> -1.500), and
    its issued memo (deliveries pending: on_commit does not run inside a test transaction)."""
    process = make_signed_off_catalogue()
    proposal = Proposal.objects.filter(catalogue=process.catalogue).order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2024).update(net_amount=-1500)
    return issuing.issue_memo(process)


def memo_emails(memo):
    """The memo's outbox rows (one per recipient, beside its delivery)."""
    return Email.objects.filter(memo_delivery__memo=memo)
