"""Single sign-on links an account to the directory's stable subject (``sub``), never to a
name: a directory account named like a local one does not become it, a second subject cannot
take a linked account, an administrator's explicit link is honoured once, and an e-mail claim
the provider did not verify grants nothing."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import RequestFactory

from accounts.models import SsoIdentity
from accounts.sso import OidcBackend
from approvals import policy
from approvals.models import Committee, Membership, SsoGroupMapping
from tests.approval_factories import Setup, make_committee
from tests.factories import make_department, make_user

pytestmark = pytest.mark.django_db

ISSUER = "https://login.kommune.example"


@pytest.fixture
def directory(settings):
    settings.OIDC_RP_CLIENT_ID = "budgetkataloger"
    settings.OIDC_RP_CLIENT_SECRET = "hemmelig"
    settings.OIDC_OP_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{ISSUER}/auth"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{ISSUER}/token"
    settings.OIDC_OP_USER_ENDPOINT = ""  # the ID token's claims only
    settings.OIDC_OP_JWKS_ENDPOINT = f"{ISSUER}/jwks"
    settings.OIDC_EMAIL_VERIFIED_BY_PROVIDER = False


def sign_in(sub, username, **claims):
    """What the callback does once the ID token is verified: claims -> user (None: refused)."""
    backend = OidcBackend()
    backend.request = RequestFactory().get("/oidc/callback/")
    payload = {"iss": ISSUER, "sub": sub, "preferred_username": username, **claims}
    user = backend.get_or_create_user("access-token", "id-token", payload)
    return user, getattr(backend.request, "sso_refusal", None)


def test_a_directory_account_named_like_the_local_superuser_does_not_become_it(directory, caplog):
    admin = get_user_model().objects.create_superuser("admin", "admin@kommune.example", "lokal-kode-42")
    user, refusal = sign_in("entra-oid-9", "ADMIN", email="angriber@example.com", email_verified=True, name="A B")
    assert user is None
    assert "brugernavnet »ADMIN«" in refusal and "administrator" in refusal
    admin.refresh_from_db()
    assert (admin.email, admin.first_name, admin.last_name) == ("admin@kommune.example", "", "")
    assert not SsoIdentity.objects.exists()
    assert any("single sign-on refused" in r.getMessage() and "entra-oid-9" in r.getMessage() for r in caplog.records)


def test_the_first_sign_in_makes_an_account_linked_to_the_subject(directory):
    user, _ = sign_in("sub-anna", "anna@aarhus.example", email="anna@aarhus.example", email_verified=True)
    assert user.username == "anna@aarhus.example" and not user.has_usable_password()
    identity = user.sso_identity
    assert (identity.issuer, identity.subject) == (ISSUER, "sub-anna") and identity.linked_at
    # Renamed in the directory: still the same account, found by its subject.
    again, _ = sign_in("sub-anna", "anna.lund@aarhus.example", email="anna.lund@aarhus.example", email_verified=True)
    assert again == user and get_user_model().objects.count() == 1


def test_a_second_subject_cannot_take_a_linked_account(directory):
    first, _ = sign_in("sub-1", "hans")
    user, refusal = sign_in("sub-2", "Hans")
    assert user is None and "»Hans«" in refusal
    assert SsoIdentity.objects.get().subject == "sub-1"
    assert sign_in("sub-1", "hans")[0] == first


def test_an_administrator_links_a_local_account_once(directory):
    local = make_user("rita", is_staff=True)
    assert sign_in("sub-rita", "rita")[0] is None  # not until an administrator says so
    SsoIdentity.objects.create(user=local)  # the admin's "link at next sign-in"
    user, _ = sign_in("sub-rita", "rita", email="rita@aarhus.example", email_verified=True)
    assert user == local
    local.sso_identity.refresh_from_db()
    assert local.sso_identity.subject == "sub-rita" and not local.sso_identity.awaiting_sign_in
    # Bound: another subject with the same name is refused; the linked one still signs in.
    assert sign_in("sub-other", "rita")[0] is None
    assert sign_in("sub-rita", "rita")[0] == local


def test_an_unverified_email_claim_grants_no_manager_access(directory, settings):
    s = Setup(title="Katalog B").to_hearing()
    s.department.manager_emails = "leder@b.example"
    s.department.save()

    user, _ = sign_in("sub-x", "x", email="LEDER@B.EXAMPLE")  # no email_verified
    assert user.email == ""
    assert not policy.user_has_permission(user, "catalogue.view", s.catalogue)

    user, _ = sign_in("sub-x", "x", email="LEDER@B.EXAMPLE", email_verified=False)
    assert user.email == "" and not policy.user_has_permission(user, "catalogue.view", s.catalogue)

    user, _ = sign_in("sub-x", "x", email="LEDER@B.EXAMPLE", email_verified=True)
    assert user.email == "LEDER@B.EXAMPLE" and policy.user_has_permission(user, "catalogue.view", s.catalogue)


def test_a_provider_declared_to_verify_every_address_is_trusted(directory, settings):
    settings.OIDC_EMAIL_VERIFIED_BY_PROVIDER = True
    user, _ = sign_in("sub-y", "y", email="y@aarhus.example")
    assert user.email == "y@aarhus.example"


def test_groups_still_decide_committees_at_sign_in(directory):
    department = make_department()
    lmu = make_committee(department, Committee.Kind.LMU, name="LMU Syd")
    SsoGroupMapping.objects.create(group="grp-lmu-syd", committee=lmu)
    user, _ = sign_in("sub-z", "z", groups=["grp-lmu-syd"])
    assert Membership.objects.filter(user=user, committee=lmu).exists()
    sign_in("sub-z", "z", groups=[])
    assert not Membership.objects.filter(user=user).exists()


def test_accounts_the_directory_made_before_identities_may_bind_once(directory):
    """The data migration: passwordless, non-staff accounts (made by single sign-on when users
    were found by name) may bind at their next sign-in; staff and superusers, never by a name."""
    directory_made = get_user_model().objects.create_user("anna.lmu")
    staff = get_user_model().objects.create_user("chef", is_staff=True)
    with_password = make_user("lokal")
    migration = importlib.import_module("accounts.migrations.0002_directory_accounts_made_before_identities")
    migration.allow_binding(apps, None)
    assert list(SsoIdentity.objects.values_list("user__username", "subject")) == [("anna.lmu", "")]
    assert not SsoIdentity.objects.filter(user__in=[staff, with_password]).exists()
    assert sign_in("sub-anna", "anna.lmu")[0] == directory_made
    assert sign_in("sub-chef", "chef")[0] is None
