"""The budget parties' signed links to a memo: no login, read-only, expiring,
logged when opened; and who sees the parties' e-mail addresses on the memo page."""

import re
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals import policy, sweep
from approvals.memos import issuing, links, memo_pages
from approvals.memos.models import Memo, MemoDelivery, MemoLinkOpening
from approvals.models import Committee, Membership
from approvals.outbox import delivery as outbox
from proposals.models import ProposalYear
from tests.approval_factories import make_department_admin
from tests.factories import make_user
from tests.memo_factories import make_memo_with_one_change

pytestmark = pytest.mark.django_db

SUBJECT = "Ændringer i Omprioriteringer til Velfærdspuljen efter godkendelse"


@pytest.fixture
def memo():
    return make_memo_with_one_change()


def delivery_to(memo, email="anna@parti-a.example"):
    return memo.deliveries.get(outbox_email__email=email)


def link_in(text):
    found = re.findall(r"https?://[^\s\"<>]+/notater/laes/[^\s\"<>]+/", text)
    assert found, text
    return found[0]


def path_of(url):
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_the_email_carries_the_recipients_own_link_which_opens_without_login(client, memo, settings):
    settings.SITE_URL = "https://budget.kommune.example"
    delivery = delivery_to(memo)
    outbox.deliver(delivery.outbox_email_id)
    [message] = mail.outbox
    html = message.alternatives[0][0]
    url = link_in(message.body)
    assert url.startswith("https://budget.kommune.example/notater/laes/")
    assert url in html and "kræver ikke login" in message.body
    assert reverse("memos:detail", args=[memo.pk]) not in message.body  # no login wall behind the link

    response = client.get(path_of(url))  # a fresh client: nobody is logged in
    assert response.status_code == 200
    page = response.content.decode()
    assert SUBJECT in page and "1.500" in page
    # Read-only and private: no other recipients, no admin or archive links, not cached or indexed.
    assert "bo@parti-v.example" not in page and "anna@parti-a.example" not in page
    assert f'href="{reverse("memos:list")}"' not in page and "Forsendelser" not in page
    assert response["Referrer-Policy"] == "no-referrer" and "no-store" in response["Cache-Control"]
    [opening] = MemoLinkOpening.objects.all()
    assert opening.delivery == delivery and opening.kind == MemoLinkOpening.Kind.HTML


def test_each_recipient_gets_a_different_link(memo):
    anna, bo = delivery_to(memo), delivery_to(memo, "bo@parti-v.example")
    assert links.reader_url(anna) != links.reader_url(bo)
    assert links.delivery_for(links.token(bo)) == bo


def test_the_pdf_link_returns_the_memo_pdf_and_is_logged(client, memo):
    delivery = delivery_to(memo)
    page = client.get(links.reader_path(delivery)).content.decode()
    pdf_url = re.search(r'href="([^"]+/pdf/\?download=1)"', page).group(1)
    response = client.get(pdf_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == bytes(Memo.objects.get(pk=memo.pk).pdf) and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    kinds = sorted(MemoLinkOpening.objects.filter(delivery=delivery).values_list("kind", flat=True))
    assert kinds == ["html", "pdf"]


class _SignedLongAgo(signing.TimestampSigner):
    """Signs as if it were ``days`` ago (TimestampSigner reads the clock in ``timestamp``)."""

    days = 0

    def timestamp(self):
        return signing.b62_encode(int(time.time() - timedelta(days=self.days).total_seconds()))


def signed_days_ago(delivery, days):
    signer = _SignedLongAgo(salt=links.SALT)
    signer.days = days
    return signer.sign(str(delivery.pk))


def test_an_expired_link_says_so_in_danish_with_410_and_no_login_wall(client, memo, settings):
    settings.MEMO_READER_LINK_MAX_AGE_DAYS = 30
    delivery = delivery_to(memo)
    fresh = signed_days_ago(delivery, 29)
    assert client.get(reverse("memos:reader", args=[fresh])).status_code == 200
    old = signed_days_ago(delivery, 31)
    for url in (reverse("memos:reader", args=[old]), reverse("memos:reader_pdf", args=[old])):
        response = client.get(url)
        assert response.status_code == 410
        page = response.content.decode()
        assert "Linket er udløbet" in page and "30 dage" in page
        assert SUBJECT not in page and "login" not in response.get("Location", "")
    assert MemoLinkOpening.objects.filter(delivery=delivery).count() == 1  # only the fresh one


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token.replace(token.split(":")[0], str(int(token.split(":")[0]) + 1), 1),  # another delivery
        lambda token: token[:-3],  # cut short
        lambda token: "noget-helt-andet",
    ],
)
def test_an_altered_link_is_refused_with_403(client, memo, tamper):
    token = links.token(delivery_to(memo))
    response = client.get(reverse("memos:reader", args=[tamper(token)]))
    assert response.status_code == 403
    assert "Linket er ugyldigt" in response.content.decode()
    assert not MemoLinkOpening.objects.exists()


def test_a_link_of_a_deleted_delivery_is_invalid(client, memo):
    delivery = delivery_to(memo)
    token = links.token(delivery)
    MemoDelivery.objects.filter(pk=delivery.pk).delete()
    assert client.get(reverse("memos:reader", args=[token])).status_code == 403


def test_the_link_is_read_only(client, memo):
    url = links.reader_path(delivery_to(memo))
    assert client.post(url).status_code == 405
    assert not MemoLinkOpening.objects.exists()


def test_a_link_signed_for_something_else_is_refused(client, memo):
    # Same secret key, another purpose (salt): not a memo link.
    token = signing.TimestampSigner(salt="something-else").sign(str(delivery_to(memo).pk))
    assert client.get(reverse("memos:reader", args=[token])).status_code == 403


# --- who sees the parties' addresses ------------------------------------------------------


def committee_member(department):
    committee = Committee.objects.create(department=department, kind=Committee.Kind.LMU, name="LMU Adresser")
    user = make_user()
    Membership.objects.create(committee=committee, user=user)
    return user


def test_only_administrators_see_the_parties_addresses_on_the_memo_page(client, memo):
    department = memo.process.catalogue.department
    member, admin = committee_member(department), make_department_admin(department)
    url = reverse("memos:detail", args=[memo.pk])

    client.force_login(member)
    page = client.get(url).content.decode()
    assert "Forsendelser" in page and "Anna A" in page and "Afventer" in page  # who, not where
    assert "anna@parti-a.example" not in page and "bo@parti-v.example" not in page
    assert "direktor@aarhus.example" not in page  # a manager's address, without a name

    client.force_login(admin)
    page = client.get(url).content.decode()
    assert "anna@parti-a.example" in page and "direktor@aarhus.example" in page


def test_the_policy_predicate_and_filter_agree(memo):
    department = memo.process.catalogue.department
    member, admin, other_admin = (
        committee_member(department),
        make_department_admin(department),
        make_department_admin(),
    )
    for user, allowed in ((member, False), (admin, True), (other_admin, False)):
        assert policy.user_has_permission(user, "memo.see_recipients", memo) is allowed
        assert (
            policy.instances_user_has_permission_for(user, "memo.see_recipients", Memo.objects.all())
            .filter(pk=memo.pk)
            .exists()
            is allowed
        )


def test_the_memo_page_shows_administrators_when_a_link_was_opened(client, memo):
    delivery = delivery_to(memo)
    client.get(links.reader_path(delivery))
    client.get(links.reader_path(delivery))
    client.force_login(make_department_admin(memo.process.catalogue.department))
    page = client.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "2 gange, senest" in page


def test_a_new_memo_is_rendered_for_its_readers_once_issued(django_capture_on_commit_callbacks, memo):
    proposal = memo.process.catalogue.proposals.order_by("position").first()
    ProposalYear.objects.filter(proposal=proposal, year=2025).update(net_amount=-1800)
    with django_capture_on_commit_callbacks(execute=True):
        second = issuing.issue_memo(memo.process)
    second.refresh_from_db()
    stored = second.pages[f"{memo_pages.rendering()}:da"]
    assert "Notat nr. 2" in stored["body"]


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


def test_a_stored_page_is_read_without_the_memos_documents_and_a_get_never_writes_one(client, memo):
    client.force_login(make_department_admin(memo.process.catalogue.department))
    url = reverse("memos:detail", args=[memo.pk])
    assert memo.pages == {}  # issued in this test's transaction: the worker's after-commit write did not run
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Notat nr. 1" in page  # rendered in memory for this request ...
    assert writes(queries.captured_queries) == []  # ... and not saved by it
    memo.refresh_from_db()
    assert memo.pages == {}

    memo_pages.store_pages(memo.pk)  # the worker, after the issue committed
    memo.refresh_from_db()
    assert sorted(memo.pages) == [f"{memo_pages.rendering()}:da", f"{memo_pages.rendering()}:en"]
    body = memo.pages[f"{memo_pages.rendering()}:da"]["body"]
    Memo.objects.filter(pk=memo.pk).update(changes=[])  # were it read, the page would change
    assert body in client.get(url).content.decode()


def test_after_a_deployment_a_stale_page_is_rendered_per_request_and_written_anew_by_the_sweep(client, memo):
    client.force_login(make_department_admin(memo.process.catalogue.department))
    url = reverse("memos:detail", args=[memo.pk])
    stale = {"older-rendering:da": {"subject": "Gammel", "body": "Gammel"}}
    Memo.objects.filter(pk=memo.pk).update(pages=stale)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    assert "Gammel" not in page and "Notat nr. 1" in page
    assert writes(queries.captured_queries) == []
    memo.refresh_from_db()
    assert memo.pages == stale

    assert sweep.sweep()["pages"] == 1  # the sweep writes it, once
    memo.refresh_from_db()
    assert sorted(memo.pages) == [f"{memo_pages.rendering()}:da", f"{memo_pages.rendering()}:en"]
    assert sweep.sweep()["pages"] == 0


def test_a_party_opening_the_link_writes_only_that_it_was_opened(client, memo):
    url = links.reader_path(delivery_to(memo))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    [opening] = writes(queries.captured_queries)
    assert "approvals_memolinkopening" in opening
    assert Memo.objects.get(pk=memo.pk).pages == {}


# --- who sees when the parties opened the memo ---------------------------------------------


def test_only_administrators_see_who_opened_the_memo_link_and_how_often(client, memo):
    department = memo.process.catalogue.department
    delivery = delivery_to(memo)
    client.get(links.reader_path(delivery))
    client.get(links.reader_path(delivery))
    url = reverse("memos:detail", args=[memo.pk])
    manager = make_user()
    User.objects.filter(pk=manager.pk).update(email="direktor@aarhus.example")  # a manager (manager_emails)
    for user in (committee_member(department), manager):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        assert "Anna A" in page and "Afventer" in page  # whom it went to by name, and how far it got
        assert "Åbnet via link" not in page and "2 gange" not in page and "senest" not in page
        assert all(row.opened_count is None and row.address == "" for row in response.context["deliveries"])

    client.force_login(make_department_admin(department))
    page = client.get(url).content.decode()
    assert "Åbnet via link" in page and "2 gange, senest" in page
