"""A department's administrator sees only their own department in the admin: no list filter,
search, add page, autocomplete answer, history page, "view on site" redirect or import page
names anything of another department's (approvals.policy through proposals.admin_scope);
what they may not see is a 404, as on its change page. And the user search behind a
committee's membership rows works for them (the users they may add: every active user).

Department B's every name carries a marker (tests/two_departments.py); each page below is
searched for it."""

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import NoReverseMatch, reverse

from approvals.models import Membership
from proposals.models import Catalogue
from tests.factories import make_catalogue, make_user
from tests.two_departments import MARKER, TwoDepartments
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return TwoDepartments()


def _url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def _leaks(response):
    return MARKER in response.content.decode().lower()


def _autocomplete_sources():
    """Every foreign key, one-to-one and many-to-many field of every model whose target has a
    ModelAdmin: the (app_label, model_name, field_name) Django's autocomplete answers for."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model in admin.site._registry:
                yield model._meta.app_label, model._meta.model_name, field.name


def test_no_list_filter_search_or_add_page_names_another_departments_objects(client, world):
    client.force_login(world.admin_a)
    leaks, seen = [], 0
    for model, model_admin in admin.site._registry.items():
        changelist = client.get(_url(model, "changelist"))
        assert changelist.status_code in (200, 403), model
        if changelist.status_code == 200:
            seen += 1
            if _leaks(changelist):
                leaks.append((model._meta.label, "list"))
            # Searching for B's names finds nothing either.
            if model_admin.search_fields:
                found = client.get(_url(model, "changelist"), {"q": MARKER}).context["cl"].result_count
                if found:
                    leaks.append((model._meta.label, "search", found))
        try:
            add = client.get(_url(model, "add"))
        except NoReverseMatch:
            continue
        if add.status_code == 200 and _leaks(add):
            leaks.append((model._meta.label, "add"))
    assert seen >= 12  # every list of a department's data was looked at
    assert leaks == []


def _filter_choices(client, model):
    response = client.get(_url(model, "changelist"))
    changelist = response.context["cl"]
    return [str(choice["display"]) for spec in changelist.filter_specs for choice in spec.choices(changelist)]


def test_the_related_filters_offer_what_the_list_holds(client, world):
    """The superuser filters by every department's catalogues and committees; A's administrator
    by A's only (a filter with one choice left is not shown, as Django does)."""
    proposals_ = apps.get_model("proposals", "Proposal")
    committees = apps.get_model("approvals", "Committee")
    for user, shows_b in ((world.superuser, True), (world.admin_a, False)):
        client.force_login(user)
        for model in (Catalogue, proposals_, committees):
            choices = _filter_choices(client, model)
            assert any(MARKER in choice.lower() for choice in choices) == shows_b, (user, model, choices)
    client.force_login(world.admin_a)
    assert "Alfa katalog" not in _filter_choices(client, proposals_)  # A's one catalogue: no filter
    make_catalogue(department=world.a, title="Alfa katalog 2")
    assert {"Alfa katalog", "Alfa katalog 2"} <= set(
        _filter_choices(client, Catalogue) + _filter_choices(client, proposals_)
    )


# Autocomplete of models nobody searches (only the membership rows' user field is offered)
# pages through lists without an order.
@pytest.mark.filterwarnings("ignore::django.core.paginator.UnorderedObjectListWarning")
def test_autocomplete_answers_only_with_the_users_own_rows(client, world):
    client.force_login(world.admin_a)
    leaks, answered = [], 0
    for app_label, model_name, field_name in _autocomplete_sources():
        response = client.get(
            reverse("admin:autocomplete"),
            {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""},
        )
        assert response.status_code in (200, 403, 404), (model_name, field_name)
        if response.status_code == 200:
            answered += 1
            if _leaks(response):
                leaks.append((app_label, model_name, field_name))
    assert answered > 10
    assert leaks == []


def test_history_change_delete_and_view_on_site_of_another_departments_object_are_404(client, world):
    world.b_draft.title = "Bravoxyz kladde, rettet"
    world.b_draft.save()  # a change, so the catalogue has a version page
    version = world.b_draft.history.order_by("-history_id").first()
    for user in (world.admin_a, world.staff_none):
        client.force_login(user)
        wrong = []
        for obj in world.b_objects():
            for view in ("change", "history", "delete"):
                status = client.get(_url(obj, view, obj.pk)).status_code
                if status != 404:
                    wrong.append((obj._meta.label, view, status))
            content_type = ContentType.objects.get_for_model(obj)
            response = client.get(reverse("admin:view_on_site", args=[content_type.pk, obj.pk]))
            if response.status_code != 404:
                wrong.append((obj._meta.label, "view on site", response.status_code, response.get("Location")))
        status = client.get(_url(Catalogue, "simple_history", world.b_draft.pk, version.history_id)).status_code
        if status != 404:
            wrong.append(("catalogue version", status))
        assert wrong == [], user
    # Their own department's are there.
    client.force_login(world.admin_b)
    assert client.get(_url(Catalogue, "simple_history", world.b_draft.pk, version.history_id)).status_code == 200
    content_type = ContentType.objects.get_for_model(Catalogue)
    response = client.get(reverse("admin:view_on_site", args=[content_type.pk, world.b_draft.pk]))
    assert response.status_code == 302 and response["Location"].endswith(world.b_draft.get_absolute_url())


def test_the_import_page_is_for_administrators_and_their_catalogues(client, world):
    page = reverse("admin:proposals_proposal_import")
    client.force_login(world.staff_none)
    assert client.get(page).status_code == 403
    assert client.get(page, {"catalogue": world.b_draft.pk}).status_code == 403
    client.force_login(world.admin_a)
    theirs = client.get(page, {"catalogue": world.b_draft.pk})
    assert theirs.status_code == 404 and not _leaks(theirs)
    assert client.get(page, {"catalogue": "99999999999999999999999"}).status_code == 404
    ours = client.get(page, {"catalogue": world.a_catalogue.pk})
    assert ours.status_code == 200
    assert ours.context["form"].initial["catalogue"] == world.a_catalogue.pk
    assert "Netto 2027" in ours.content.decode()  # the catalogue's columns are listed
    assert not _leaks(ours)


def _member_search(client, term=""):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "approvals", "model_name": "membership", "field_name": "user", "term": term},
    )
    usernames = [row["text"] for row in json.loads(response.content)["results"]] if response.status_code == 200 else []
    return response.status_code, usernames


def test_a_department_administrator_finds_the_users_to_add_to_its_committees(client, world):
    newcomer = make_user("nyansat-medarbejder")
    gone = make_user("fratraadt", is_active=False)
    client.force_login(world.admin_a)
    status, found = _member_search(client)
    assert status == 200
    assert "nyansat-medarbejder" in found and "member-b" in found and "admin-a" in found
    assert "fratraadt" not in found
    assert _member_search(client, "nyansat") == (200, ["nyansat-medarbejder"])
    # The committee page's new membership row takes the user found.
    committee = world.a_lmu
    page = client.get(_url(committee, "change", committee.pk))
    assert page.status_code == 200
    data = change_form_data(page)
    row = data["memberships-INITIAL_FORMS"]
    data.update({f"memberships-{row}-user": newcomer.pk, f"memberships-{row}-role": Membership.Role.MEMBER})
    response = client.post(_url(committee, "change", committee.pk), data)
    assert response.status_code == 302, response.context and response.context["inline_admin_formsets"][0].formset.errors
    assert Membership.objects.filter(committee=committee, user=newcomer).exists()
    # A staff user given no department finds no one; nor does a member without staff.
    for user in (world.staff_none, world.member_a):
        client.force_login(user)
        status, found = _member_search(client)
        assert found == [] and status in (302, 403)
    # The user list itself stays the superusers'.
    client.force_login(world.admin_a)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_change", args=[gone.pk])).status_code == 403
