"""The hearing's dates as Danes count them: whole days in Copenhagen, the deadline inclusive."""

from zoneinfo import ZoneInfo

from django.utils import timezone

COPENHAGEN = ZoneInfo("Europe/Copenhagen")


def local_today():
    """Today in Copenhagen: deadlines are whole Danish days, inclusive."""
    return timezone.localdate(timezone.now(), COPENHAGEN)


def deadline_passed(process):
    return process.hearing_deadline is not None and local_today() > process.hearing_deadline
