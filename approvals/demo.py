"""Demo committees, members and budget parties so a newcomer can walk the whole flow.

Idempotent: running it again updates the same rows; a user who exists keeps their password,
and a catalogue whose process has moved on from draft is left alone. Every person, address
and party contact here is fictitious (example.dk). Only with DEBUG on: the passwords are
printed and known to all (never in production)."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _

from proposals.models import BudgetAgreement, BudgetParty, Catalogue, Department

from . import services
from .deadlines import local_today
from .models import CatalogueProcess, Committee, DepartmentAdministrator, Membership

DEMO_PASSWORD = "demo1234"
ADMIN_USERNAME = ADMIN_PASSWORD = "admin"
DEMO_CATALOGUE_SLUG = "mso-omprioriteringer-velfaerdspuljen-2024"
DEMO_CATALOGUE_TITLE = "Omprioriteringer til Velfærdspuljen"
HEARING_DAYS = 14

LMU, HMU, SIGNOFF = Committee.Kind.LMU, Committee.Kind.HMU, Committee.Kind.SIGNOFF
CHAIR, SECRETARY, MEMBER = Membership.Role.CHAIR, Membership.Role.SECRETARY, Membership.Role.MEMBER

# department code -> [(kind, committee name, [(username, first name, last name, role)])]
COMMITTEES = {
    "MSO": [
        (LMU, "LMU Pleje og Rehabilitering", [("lmu1", "Lone", "Mikkelsen", CHAIR)]),
        (LMU, "LMU Sundhed og Forebyggelse", [("lmu2", "Lars", "Udsen", SECRETARY)]),
        (LMU, "LMU Ældre og Omsorg", [("lmu3", "Lis", "Mortensen", MEMBER)]),
        (HMU, "HMU Sundhed og Omsorg", [("hmu", "Hanne", "Munk", CHAIR)]),
        (SIGNOFF, "Rådmandsmødet Sundhed og Omsorg", [("raadmand", "Rasmus", "Rådmand", MEMBER)]),
    ],
    "MSB": [
        (LMU, "LMU Beskæftigelse", [("msb-lmu1", "Bente", "Skov", CHAIR)]),
        (LMU, "LMU Socialpsykiatri og Udsatte Voksne", [("msb-lmu2", "Søren", "Berg", SECRETARY)]),
        (LMU, "LMU Voksne med Handicap", [("msb-lmu3", "Vibeke", "Holm", MEMBER)]),
        (HMU, "HMU Sociale Forhold og Beskæftigelse", [("msb-hmu", "Henrik", "Bach", CHAIR)]),
        (
            SIGNOFF,
            "Rådmandsmødet Sociale Forhold og Beskæftigelse",
            [("msb-raadmand", "Rikke", "Rådmand", MEMBER)],
        ),
    ],
}

# department code -> its administrator (staff, administers that department only; approvals.policy)
DEPARTMENT_ADMINS = {
    "MSO": ("mso-admin", "Mette", "Sørensen"),
    "MSB": ("msb-admin", "Morten", "Bruun"),
}

AGREEMENT = "Budgetforlig 2024"
# Fictitious contacts. Only the first name is a real party; the rest are placeholders.
DEMO_PARTIES = [
    ("Socialdemokratiet", "Demo Kontakt (S)", "sd@example.dk"),
    ("Forligsparti B (demo)", "Demo Kontakt (B)", "parti-b@example.dk"),
    ("Forligsparti C (demo)", "Demo Kontakt (C)", "parti-c@example.dk"),
]
MANAGER_EMAILS = {
    "MSO": ["direktoer.mso@example.dk", "oekonomichef.mso@example.dk"],
    "MSB": ["direktoer.msb@example.dk", "oekonomichef.msb@example.dk"],
}
# A memo's sender block for a department whose documents state none (MSB's do not).
DEMO_SENDER = {
    "office": "Økonomi (demo)",
    "address": "Demovej 1\n8000 Aarhus C",
    "phone": "89 40 00 00",
    "email": "oekonomi.msb@example.dk",
    "case_officer": "Demo Sagsbehandler",
    "case_officer_title": "Økonomikonsulent",
}


# Shown instead of the password of a user who existed before: it is theirs, not the demo's.
UNCHANGED_PASSWORD = "(uændret)"


class DemoDataRefused(Exception):
    """Demo data asked for outside DEBUG: users with printed passwords have no place in production."""


@dataclass
class DemoResult:
    credentials: list = field(default_factory=list)  # [(username, password, description)]
    parties: list = field(default_factory=list)  # [(party, contact, email)]
    missing_departments: list = field(default_factory=list)
    process: CatalogueProcess | None = None
    process_configured: bool = False


def _user(result, description, username, first_name="", last_name="", *, password=DEMO_PASSWORD, **flags):
    """The demo user, made with the demo password if new; an existing user's password is kept."""
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    user.first_name, user.last_name = first_name, last_name
    user.email = f"{username}@example.dk"
    user.is_active = True
    for key, value in flags.items():
        setattr(user, key, value)
    if created:
        user.set_password(password)
    user.save()
    result.credentials.append((username, password if created else UNCHANGED_PASSWORD, description))
    return user


def _demo_catalogue():
    found = Catalogue.objects.filter(slug=DEMO_CATALOGUE_SLUG).first()
    return found or Catalogue.objects.filter(department__code="MSO", title__icontains="Velfærdspuljen").first()


def ensure_demo_allowed():
    """Raise DemoDataRefused unless DEBUG is on."""
    if not settings.DEBUG:
        raise DemoDataRefused(
            _(
                "Demodata oprettes kun med DEBUG=1 (udvikling og demo): demo-brugernes adgangskoder er "
                "kendte. Intet er oprettet eller ændret."
            )
        )


@transaction.atomic
def create_demo_data(today=None):
    """Create or update the demo committees, users, parties and the demo hearing. Returns a DemoResult.

    Raises DemoDataRefused unless DEBUG is on."""
    ensure_demo_allowed()
    result = DemoResult()
    today = today or local_today()
    admin = _user(
        result,
        "administrator (superbruger): admin og alle handlinger",
        ADMIN_USERNAME,
        "Anna",
        "Administrator",
        password=ADMIN_PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    committees = {}
    for code, specs in COMMITTEES.items():
        department = Department.objects.filter(code=code).first()
        if department is None:
            result.missing_departments.append(code)
            continue
        if not department.manager_emails.strip():
            department.manager_emails = "\n".join(MANAGER_EMAILS[code])
            department.save(update_fields=["manager_emails"])
        if not department.case_officer:
            for name, value in DEMO_SENDER.items():
                setattr(department, name, value)
            department.save(update_fields=list(DEMO_SENDER))
        username, first, last = DEPARTMENT_ADMINS[code]
        description = f"administrator af {department.code} (kun den afdeling)"
        department_admin = _user(result, description, username, first, last, is_staff=True)
        DepartmentAdministrator.objects.get_or_create(user=department_admin, department=department)
        for kind, name, members in specs:
            committee, _created = Committee.objects.update_or_create(
                department=department, name=name, defaults={"kind": kind}
            )
            committees[name] = committee
            for username, first, last, role in members:
                label = Membership.Role(role).label
                user = _user(result, f"{label.lower()} i {name}", username, first, last)
                Membership.objects.update_or_create(committee=committee, user=user, defaults={"role": role})

    agreement = BudgetAgreement.objects.filter(name=AGREEMENT).first()
    if agreement is not None:
        for name, contact, email in DEMO_PARTIES:
            BudgetParty.objects.update_or_create(
                agreement=agreement, name=name, defaults={"contact_name": contact, "contact_email": email}
            )
            result.parties.append((name, contact, email))

    services.ensure_processes()
    catalogue = _demo_catalogue()
    if catalogue is not None:
        process = CatalogueProcess.objects.get(catalogue=catalogue)
        result.process = process
        if process.state == CatalogueProcess.State.DRAFT:
            lmus = [c for c in committees.values() if c.kind == LMU and c.department_id == catalogue.department_id]
            deadline = today + datetime.timedelta(days=HEARING_DAYS)
            services.configure_hearing(
                process,
                actor=admin,
                committees=lmus,
                hearing_deadline=deadline,
                hmu_meeting=deadline + datetime.timedelta(days=2),
                signoff_meeting=deadline + datetime.timedelta(days=3),
            )
            result.process_configured = True
    return result
