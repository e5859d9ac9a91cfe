"""Object-level permission predicates of the workflow, shared by services, views and admin.

Pure reads: they never write, and they answer False for anonymous or inactive users.
Who is who:
- administrators: active staff users (the admin; they configure and steer the workflow);
- LMU members: write their own committee's response on catalogues their LMU is heard on;
- HMU members of a catalogue's department: see all submitted responses, record HMU's review;
- sign-off body members of a catalogue's department: approve or send back.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from .models import CatalogueProcess, Committee, HearingResponse, Membership

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def _active(user):
    return user is not None and user.is_authenticated and user.is_active


def is_admin(user):
    return _active(user) and (user.is_staff or user.is_superuser)


def is_member(user, committee):
    if not _active(user) or committee is None:
        return False
    return Membership.objects.filter(user=user, committee=committee).exists()


def _department_member(user, department_id, kind):
    if not _active(user):
        return False
    return Membership.objects.filter(user=user, committee__department_id=department_id, committee__kind=kind).exists()


def _process_of(catalogue):
    """The catalogue's process or None, without creating one (predicates never write)."""
    return CatalogueProcess.objects.filter(catalogue=catalogue).first()


def lmu_committees_heard(user, process):
    """The user's LMUs that are heard on the process (a queryset, possibly empty)."""
    if not _active(user) or process is None or process.pk is None:
        return Committee.objects.none()
    return process.heard_committees.filter(kind=Committee.Kind.LMU, memberships__user=user).distinct()


def is_hmu_member(user, process):
    return process is not None and _department_member(user, process.catalogue.department_id, Committee.Kind.HMU)


def is_signoff_member(user, process):
    return process is not None and _department_member(user, process.catalogue.department_id, Committee.Kind.SIGNOFF)


def can_view_catalogue(user, catalogue):
    """Staff; HMU and sign-off members of its department; members of an LMU heard on it
    once the hearing has opened (a draft is the administration's business)."""
    if not _active(user):
        return False
    if is_admin(user):
        return True
    if Membership.objects.filter(
        user=user,
        committee__department_id=catalogue.department_id,
        committee__kind__in=[Committee.Kind.HMU, Committee.Kind.SIGNOFF],
    ).exists():
        return True
    process = _process_of(catalogue)
    if process is None or process.state == CatalogueProcess.State.DRAFT:
        return False
    return lmu_committees_heard(user, process).exists()


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
            % {"deadline": date_format(process.hearing_deadline, "j. F Y")},
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


def can_reopen_response(user):
    return is_admin(user)


def can_open_hearing(user, process=None):
    return is_admin(user)


def can_start_hmu_review(user, process):
    return is_admin(user) or is_hmu_member(user, process)


def can_forward_to_signoff(user, process):
    return is_admin(user) or is_hmu_member(user, process)


def can_send_back_to_hearing(user, process):
    return is_admin(user) or is_hmu_member(user, process)


def can_send_back_to_hmu(user, process):
    return is_signoff_member(user, process)
