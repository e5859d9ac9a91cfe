"""``{% approval_meeting process transition.at as meeting %}``: the sign-off meeting an approval
given at ``at`` was given at, or None when it came before the planned meeting or none was set
(approvals.signoff_dates.meeting_held, the one rule every text follows)."""

from django import template
from django.utils import timezone

from approvals.signoff_dates import meeting_held

register = template.Library()


@register.simple_tag
def approval_meeting(process, at):
    return meeting_held(process.signoff_meeting, timezone.localdate(at) if at else None)
