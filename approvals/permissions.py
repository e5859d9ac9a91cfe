"""Object-level permission predicates of the workflow, shared by services, views and admin.

Pure reads: they never write, and they answer False for anonymous or inactive users.
Who sees which catalogue, and who administers which department, is approvals.policy's
answer; this module asks it. Who is who:
- administrators: superusers, and active staff users given the catalogue's department
  (they configure and steer its workflow);
- LMU members: write their own committee's response on catalogues their LMU is heard on;
- HMU members of a catalogue's department: see all submitted responses, record HMU's review;
- sign-off body members of a catalogue's department: approve or send back.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import policy
from .models import CatalogueProcess, Committee, HearingResponse

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def is_admin(user, process):
    """An administrator of the process's catalogue's department (policy)."""
    return policy.can_administer_process(user, process)


def is_member(user, committee):
    return policy.is_member(user, committee)


def lmu_committees_heard(user, process):
    """The user's LMUs that are heard on the process (a queryset, possibly empty)."""
    if not _active(user) or process is None or process.pk is None:
        return Committee.objects.none()
    lmus = policy.committees_of_kind(user, Committee.Kind.LMU)
    if not lmus:  # administrators, HMU and sign-off members: no query
        return Committee.objects.none()
    return process.heard_committees.filter(pk__in=sorted(lmus))


def is_hmu_member(user, process):
    return process is not None and policy.is_committee_kind_member(
        user, process.catalogue.department_id, Committee.Kind.HMU
    )


def is_signoff_member(user, process):
    return process is not None and policy.is_committee_kind_member(
        user, process.catalogue.department_id, Committee.Kind.SIGNOFF
    )


def can_view_catalogue(user, catalogue):
    """The policy's rule: a draft for its department's administrators only; from the hearing
    on also for the department's users and the heard LMUs' members."""
    return policy.can_view_catalogue(user, catalogue)


def local_today():
    """Today in Copenhagen: deadlines are whole Danish days, inclusive."""
    return timezone.localdate(timezone.now(), COPENHAGEN)


def deadline_passed(process):
    return process.hearing_deadline is not None and local_today() > process.hearing_deadline


def response_edit_refusal(user, response, process, committee):
    """Why ``user`` may not write ``committee``'s response now, as (kind, message), or None.

    kind is "permission" (not theirs to write) or "workflow" (not now). Services raise the
    message; views use ``can_edit_response`` to show the form read-only."""
    if not _active(user) or not is_member(user, committee):
        return ("permission", _("Du er ikke medlem af %(committee)s.") % {"committee": committee})
    if committee.kind != Committee.Kind.LMU or not process.heard_committees.filter(pk=committee.pk).exists():
        return ("permission", _("%(committee)s er ikke hørt på dette katalog.") % {"committee": committee})
    if process.state != CatalogueProcess.State.HEARING:
        return (
            "workflow",
            _("Kataloget er ikke i høring (status: %(state)s).") % {"state": process.get_state_display()},
        )
    if response is not None and response.status == HearingResponse.Status.SUBMITTED:
        return ("workflow", _("Høringssvaret er indsendt og kan ikke længere ændres."))
    reopened = response is not None and bool(response.reopened_reason)
    if process.hearing_deadline is None:
        return ("workflow", _("Høringen har ingen frist."))
    if deadline_passed(process) and not reopened:
        return (
            "workflow",
            _("Høringsfristen %(deadline)s er overskredet; svaret kan ikke længere ændres.")
            % {"deadline": date_format(process.hearing_deadline, "DATE_FORMAT")},
        )
    return None


def can_edit_response(user, response, process, committee):
    return response_edit_refusal(user, response, process, committee) is None


def can_view_response(user, response):
    """Own committee's response in any status; others' only when submitted and the catalogue is visible."""
    if response is None or not _active(user):
        return False
    if is_member(user, response.committee):
        return True
    if response.status != HearingResponse.Status.SUBMITTED:
        return False
    return can_view_catalogue(user, response.process.catalogue)


def can_record_hmu(user, process):
    return is_hmu_member(user, process)


def can_sign_off(user, process):
    return is_signoff_member(user, process)


def can_reopen_response(user, process):
    return is_admin(user, process)


def can_open_hearing(user, process):
    return is_admin(user, process)


def can_start_hmu_review(user, process):
    return is_admin(user, process) or is_hmu_member(user, process)


def can_forward_to_signoff(user, process):
    return is_admin(user, process) or is_hmu_member(user, process)


def can_send_back_to_hearing(user, process):
    return is_admin(user, process) or is_hmu_member(user, process)


def can_send_back_to_hmu(user, process):
    return is_signoff_member(user, process)
