"""Factories for workflow data: committees with members, and a catalogue's process set up for hearing."""

import datetime

from approvals import deadlines, hearing, services
from approvals.models import CatalogueProcess, Committee, DepartmentAdministrator, Membership
from tests.factories import make_catalogue, make_department, make_user


def make_committee(department, kind=Committee.Kind.LMU, name=None, members=()):
    committee = Committee.objects.create(
        department=department,
        kind=kind,
        name=name or f"{kind.upper()} {department.code} {Committee.objects.count() + 1}",
    )
    for user in members:
        Membership.objects.create(committee=committee, user=user)
    return committee


def make_department_admin(*departments, **kwargs):
    """A staff user who administers ``departments`` (none: a staff user who administers nothing)."""
    user = make_user(is_staff=True, **kwargs)
    for department in departments:
        DepartmentAdministrator.objects.create(user=user, department=department)
    return user


class Setup:
    """A catalogue with two heard LMUs, an HMU and a sign-off body, one member each, and an
    administrator of its department."""

    def __init__(self, *, deadline_in_days=7, state=None, **catalogue_kwargs):
        self.department = make_department()
        self.catalogue = make_catalogue(department=self.department, **catalogue_kwargs)
        self.admin = make_department_admin(self.department)
        self.lmu1_user = make_user()
        self.lmu2_user = make_user()
        self.other_lmu_user = make_user()
        self.hmu_user = make_user()
        self.signoff_user = make_user()
        self.outsider = make_user()
        self.lmu1 = make_committee(self.department, name="LMU Et", members=[self.lmu1_user])
        self.lmu2 = make_committee(self.department, name="LMU To", members=[self.lmu2_user])
        self.lmu_not_heard = make_committee(self.department, name="LMU Tre", members=[self.other_lmu_user])
        self.hmu = make_committee(self.department, Committee.Kind.HMU, name="HMU", members=[self.hmu_user])
        self.signoff = make_committee(
            self.department, Committee.Kind.SIGNOFF, name="Rådmandsmødet", members=[self.signoff_user]
        )
        self.process = CatalogueProcess.objects.get(catalogue=self.catalogue)
        today = deadlines.local_today()
        self.deadline = today + datetime.timedelta(days=deadline_in_days)
        services.configure_hearing(
            self.process,
            actor=self.admin,
            committees=[self.lmu1, self.lmu2],
            hearing_deadline=self.deadline,
            hmu_meeting=self.deadline + datetime.timedelta(days=2),
            signoff_meeting=self.deadline + datetime.timedelta(days=3),
        )
        self.proposals = list(self.catalogue.proposals.order_by("position"))

    def all_stances(self, stance="support", comment=""):
        return {p.pk: (stance, comment) for p in self.proposals}

    def submit(self, committee, user):
        return hearing.save_hearing_response(
            self.process, committee, actor=user, general_comment="Svar", stances=self.all_stances(), submit=True
        )

    def to_hearing(self):
        services.open_hearing(self.process, actor=self.admin)
        return self

    def to_hmu_review(self):
        self.to_hearing()
        self.submit(self.lmu1, self.lmu1_user)
        self.submit(self.lmu2, self.lmu2_user)
        services.start_hmu_review(self.process, actor=self.hmu_user)
        return self

    def to_awaiting_signoff(self):
        self.to_hmu_review()
        hearing.save_hmu_review(
            self.process, actor=self.hmu_user, statement="HMU bakker op", positions=self.all_stances()
        )
        services.forward_to_signoff(self.process, actor=self.hmu_user)
        return self

    def to_signed_off(self):
        self.to_awaiting_signoff()
        # Signed off today, before the meeting the set-up plans: with the member's tick.
        services.sign_off(self.process, actor=self.signoff_user, note="Godkendt", approved_before_meeting=True)
        return self

    def reload(self):
        self.process = CatalogueProcess.objects.get(pk=self.process.pk)
        return self.process
