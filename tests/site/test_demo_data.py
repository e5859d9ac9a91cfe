"""create_demo_data: committees, members who can sign in, parties, the demo hearing; idempotent."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command

from approvals import deadlines, hearing, selectors, services
from approvals.models import CatalogueProcess, Committee, DepartmentAdministrator, Membership
from proposals.models import BudgetParty, Department

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _debug(settings):
    # Demo data only in DEBUG (tests/accounts/test_production_accounts.py: refused without it).
    settings.DEBUG = True


def run():
    out = StringIO()
    call_command("create_demo_data", stdout=out)
    return out.getvalue()


def test_without_catalogues_it_says_so_and_creates_nothing():
    output = run()
    assert "load_seed_catalogues" in output
    assert not Committee.objects.exists()


def test_demo_data_on_the_seed_catalogues_is_idempotent():
    call_command("load_seed_catalogues", stdout=StringIO())
    output = run()
    counts = (Committee.objects.count(), Membership.objects.count(), BudgetParty.objects.count())
    assert counts == (10, 10, 3)
    assert run()  # second run
    assert (Committee.objects.count(), Membership.objects.count(), BudgetParty.objects.count()) == counts

    # The printed credentials work.
    assert "admin" in output and "demo1234" in output and "fiktive" in output
    assert authenticate(username="admin", password="admin").is_superuser
    for username in ("lmu1", "lmu2", "lmu3", "hmu", "raadmand", "msb-hmu"):
        assert authenticate(username=username, password="demo1234") is not None, username
        assert username in output
    assert set(Membership.objects.values_list("role", flat=True)) == {"chair", "secretary", "member"}
    # Each department's demo administrator is staff and administers that department only.
    for username, code in (("mso-admin", "MSO"), ("msb-admin", "MSB")):
        user = authenticate(username=username, password="demo1234")
        assert user.is_staff and not user.is_superuser and username in output
        assert list(DepartmentAdministrator.objects.filter(user=user).values_list("department__code", flat=True)) == [
            code
        ]

    mso = Department.objects.get(code="MSO")
    assert {c.name for c in Committee.objects.filter(department=mso)} == {
        "LMU Pleje og Rehabilitering",
        "LMU Sundhed og Forebyggelse",
        "LMU Ældre og Omsorg",
        "HMU Sundhed og Omsorg",
        "Rådmandsmødet Sundhed og Omsorg",
    }
    assert mso.manager_email_list()
    # The documents state MSO's sender block; MSB's gets a fictitious one for its memos.
    assert mso.case_officer == "Kristian Mikkelsen"
    msb = Department.objects.get(code="MSB")
    assert msb.case_officer == "Demo Sagsbehandler" and msb.email.endswith("@example.dk")
    assert all(p.contact_email.endswith("@example.dk") for p in BudgetParty.objects.all())

    process = CatalogueProcess.objects.get(catalogue__title="Omprioriteringer til Velfærdspuljen")
    assert process.state == "draft"
    assert process.heard_committees.count() == 3
    assert process.hearing_deadline == deadlines.local_today() + datetime.timedelta(days=14)
    assert process.hmu_meeting > process.hearing_deadline and process.signoff_meeting > process.hmu_meeting
    assert "/forloeb/" in output  # the walk-through links


def test_demo_users_can_walk_the_flow():
    call_command("load_seed_catalogues", stdout=StringIO())
    run()
    users = {u.username: u for u in get_user_model().objects.all()}
    process = CatalogueProcess.objects.get(catalogue__title="Omprioriteringer til Velfærdspuljen")
    services.open_hearing(process, actor=users["admin"])
    proposals = process.catalogue.proposals.all()
    for username in ("lmu1", "lmu2", "lmu3"):
        [committee] = selectors.own_heard_committees(users[username], process)
        hearing.save_hearing_response(
            process,
            committee,
            actor=users[username],
            general_comment="Demo",
            stances={p.pk: ("no_remarks", "") for p in proposals},
            submit=True,
        )
    services.start_hmu_review(process, actor=users["hmu"])
    hearing.save_hmu_review(process, actor=users["hmu"], statement="HMU tager til efterretning", positions={})
    services.forward_to_signoff(process, actor=users["hmu"])
    signoff = services.sign_off(process, actor=users["raadmand"], approved_before_meeting=True)
    # MSO's 2024 total is the 17.700 target (stored negative: savings are negative internally).
    assert sum(p["net"]["2024"] for p in signoff.snapshot["proposals"]) == -17700
    out = run()  # a process that has moved on is left alone
    assert "allerede i gang" in out
    assert CatalogueProcess.objects.get(pk=process.pk).state == "signed_off"


@pytest.mark.parametrize(
    "backend, expected, not_expected",
    [
        ("django.core.mail.backends.console.EmailBackend", "E-mails skrives i konsollen", "SMTP"),
        ("django.core.mail.backends.smtp.EmailBackend", "sendes til SMTP-serveren mail.example.org:2525.", "konsol"),
    ],
)
def test_the_walk_through_says_where_e_mail_really_goes(settings, backend, expected, not_expected):
    """Issue 23, finding 10: it said "E-mails vises i konsollen" with an SMTP server configured."""
    settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT = backend, "mail.example.org", 2525
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    call_command("load_seed_catalogues", stdout=StringIO())
    output = run()
    assert expected in output and not_expected not in output
