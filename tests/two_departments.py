"""Two departments with a row in every admin list: A, administered by ``admin_a``, and B, whose
every name carries the marker ``Bravoxyz`` so a page can be searched for anything of B's.

B has a draft catalogue (seen by nobody but B's administrators), a catalogue in hearing with a
response and a reminder, a signed-off catalogue with an issued memo, committees, a theme,
proposals, a breakdown line, workflow e-mails and a directory group mapping."""

import datetime

from django.utils import timezone

from approvals import services
from approvals.memos import issuing
from approvals.models import (
    CatalogueProcess,
    Committee,
    Email,
    HearingReminder,
    HearingResponse,
    SsoGroupMapping,
)
from proposals.models import BreakdownLine, ProposalYear, Theme
from tests.approval_factories import make_committee, make_department_admin
from tests.factories import make_catalogue, make_department, make_user
from tests.memo_factories import make_agreement, make_signed_off_catalogue

MARKER = "bravoxyz"  # in every name of B's (compared in lower case)
State = CatalogueProcess.State


class TwoDepartments:
    def __init__(self):
        self.superuser = make_user("root", is_staff=True, is_superuser=True)
        self.a = make_department("AAA", name="Alfa-afdelingen")
        self.b = make_department("BXZ", name="Bravoxyz-afdelingen")
        self.admin_a = make_department_admin(self.a, username="admin-a")
        self.admin_b = make_department_admin(self.b, username="admin-b")
        self.staff_none = make_department_admin(username="staff-none")
        self.member_a = make_user("member-a")
        self.member_b = make_user("member-b")
        make_agreement()
        self.a_catalogue = make_catalogue(department=self.a, title="Alfa katalog", slug="alfa", lines=True)
        self.a_lmu = make_committee(self.a, name="Alfa LMU", members=[self.member_a])
        self.b_draft = make_catalogue(department=self.b, title="Bravoxyz kladde", slug="bravoxyz-kladde", lines=True)
        self.b_hearing = make_catalogue(department=self.b, title="Bravoxyz høring", slug="bravoxyz-hoering")
        for catalogue in (self.b_draft, self.b_hearing):
            Theme.objects.filter(catalogue=catalogue).update(title="Bravoxyz tema")
            catalogue.proposals.update(title="Bravoxyz forslag")
        BreakdownLine.objects.filter(proposal__catalogue=self.b_draft).update(text="Bravoxyz linje")
        self.b_lmu = make_committee(self.b, name="Bravoxyz LMU", members=[self.member_b])
        self.b_hmu = make_committee(self.b, Committee.Kind.HMU, name="Bravoxyz HMU")
        self.b_process = CatalogueProcess.objects.get(catalogue=self.b_hearing)
        deadline = timezone.localdate() + datetime.timedelta(days=7)
        services.configure_hearing(
            self.b_process,
            actor=self.admin_b,
            committees=[self.b_lmu],
            hearing_deadline=deadline,
            hmu_meeting=deadline + datetime.timedelta(days=2),
            signoff_meeting=deadline + datetime.timedelta(days=3),
        )
        CatalogueProcess.objects.filter(pk=self.b_process.pk).update(state=State.HEARING)
        HearingResponse.objects.create(process=self.b_process, committee=self.b_lmu, general_comment="Bravoxyz svar")
        HearingReminder.objects.create(
            process=self.b_process, committee=self.b_lmu, deadline=deadline, sent_at=timezone.now()
        )
        Email.objects.create(
            process=self.b_process,
            kind=Email.Kind.HEARING_OPENED,
            key="bravoxyz-hearing",
            email="lmu@bravoxyz.example",
            subject="Bravoxyz høring er åbnet",
            body="Bravoxyz",
        )
        signed = make_signed_off_catalogue(department=self.b, title="Bravoxyz godkendt", slug="bravoxyz-godkendt")
        ProposalYear.objects.filter(proposal__catalogue=signed.catalogue, year=2024).update(net_amount=-1500)
        self.b_memo = issuing.issue_memo(signed)
        SsoGroupMapping.objects.create(group="bravoxyz-gruppe", committee=self.b_lmu)

    def b_objects(self):
        """One object of B's per admin-registered model that has them (for change and history pages)."""
        return [
            self.b,
            self.b_draft,
            self.b_draft.proposals.first(),
            Theme.objects.filter(catalogue=self.b_draft).first(),
            BreakdownLine.objects.filter(proposal__catalogue=self.b_draft).first(),
            self.b_lmu,
            self.b_process,
            HearingResponse.objects.filter(process=self.b_process).first(),
            HearingReminder.objects.filter(process=self.b_process).first(),
            Email.objects.filter(process=self.b_process).first(),
            self.b_memo,
        ]
