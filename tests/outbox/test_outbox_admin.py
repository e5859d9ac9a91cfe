"""The outbox as administrators see it: every e-mail (workflow, memo) with its state, failed ones
sent again, and the health endpoint's oldest waiting e-mail."""

from datetime import timedelta

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from approvals import services
from approvals.models import Email
from approvals.outbox import sweep as outbox_sweep
from approvals.outbox.selectors import oldest_undelivered_email_queued_at
from tests.approval_factories import Setup
from tests.memo_factories import make_memo_with_one_change, memo_emails

pytestmark = pytest.mark.django_db


def test_the_admin_lists_each_email_with_its_state_and_sends_failed_ones_again(admin_client, settings):
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    settings.EMAIL_MAX_ATTEMPTS = 1
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
    outbox_sweep.sweep()
    assert set(Email.objects.values_list("status", flat=True)) == {Email.Status.FAILED}

    page = admin_client.get(reverse("admin:approvals_email_changelist")).content.decode()
    assert s.lmu1_user.email in page and s.lmu2_user.email in page and "Fejlet" in page
    detail = admin_client.get(reverse("admin:approvals_email_change", args=[Email.objects.first().pk]))
    assert "ConnectionRefusedError" in detail.content.decode()

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        reverse("admin:approvals_email_changelist"),
        {"action": "resend", ACTION_CHECKBOX_NAME: list(Email.objects.values_list("pk", flat=True))},
        follow=True,
    )
    assert "2 e-mails er sat i kø igen." in response.content.decode()
    outbox_sweep.sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([s.lmu1_user.email, s.lmu2_user.email])


def test_a_department_administrator_sees_only_the_departments_emails(client):
    s = Setup()
    other = Setup()
    services.open_hearing(s.process, actor=s.admin)
    services.open_hearing(other.process, actor=other.admin)
    client.force_login(s.admin)
    page = client.get(reverse("admin:approvals_email_changelist")).content.decode()
    assert s.lmu1_user.email in page and other.lmu1_user.email not in page


def test_the_oldest_waiting_email_is_asked_of_every_kind_of_row():
    assert oldest_undelivered_email_queued_at() is None
    memo = make_memo_with_one_change()
    assert oldest_undelivered_email_queued_at() == memo.issued_at  # a memo's e-mails are queued when it is issued
    s = Setup()
    services.open_hearing(s.process, actor=s.admin)
    earlier = memo.issued_at - timedelta(hours=2)
    Email.objects.filter(email=s.lmu1_user.email).update(queued_at=earlier)
    assert oldest_undelivered_email_queued_at() == earlier
    Email.objects.filter(kind=Email.Kind.MEMO).update(status=Email.Status.SENT)
    Email.objects.exclude(kind=Email.Kind.MEMO).update(
        status=Email.Status.FAILED, queued_at=timezone.now() - timedelta(days=1)
    )
    assert oldest_undelivered_email_queued_at() is None  # failed ones are the admin's to resend


def test_a_memos_emails_are_listed_with_the_others_and_sent_again_from_there(admin_client, settings):
    memo = make_memo_with_one_change()
    settings.EMAIL_MAX_ATTEMPTS = 1
    refuse(settings)
    outbox_sweep.sweep()
    assert set(memo_emails(memo).values_list("status", flat=True)) == {Email.Status.FAILED}
    page = admin_client.get(reverse("admin:approvals_email_changelist") + "?kind=memo").content.decode()
    assert "anna@parti-a.example" in page and "Notat nr. 1: Ændringer i" in page and "Fejlet" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = admin_client.post(
        reverse("admin:approvals_email_changelist"),
        {"action": "resend", ACTION_CHECKBOX_NAME: list(memo_emails(memo).values_list("pk", flat=True))},
        follow=True,
    )
    assert "4 e-mails er sat i kø igen." in response.content.decode()
    outbox_sweep.sweep()
    assert sorted(m.to[0] for m in mail.outbox) == sorted(memo_emails(memo).values_list("email", flat=True))
    assert all(m.attachments for m in mail.outbox)  # the memo, built when sent


def refuse(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens on the discard port
