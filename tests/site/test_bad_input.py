"""No 500 from bad input on any page: every admin change list and every list page of the site is
asked each of its own filter, search, sort and page parameters with a NUL byte, an over-long
value and an unknown one; a NUL byte anywhere in the address is the Danish 400 page
(config.middleware.RefuseNullCharactersMiddleware), anything else the ordinary answer: an empty
or unfiltered list, Django's "?e=1", a form error, at worst a 404. And an over-long user name
on both login pages is the ordinary "wrong user name or password".

PostgreSQL is where these were 500s (it refuses NUL in text; django-axes wrote the whole user
name into a 255-character column); CI runs this file on it (and on SQLite)."""

import django_filters
import pytest
from django.contrib import admin
from django.urls import reverse
from django_tables2 import Table

from tests.two_departments import TwoDepartments

pytestmark = pytest.mark.django_db

NUL = "\x00"
# Past every integer column, longer than any choice, and no date: over-long and unknown at once.
OVER_LONG = "9" * 30
UNKNOWN = "ukendt-værdi-" + "x" * 300


@pytest.fixture
def world():
    return TwoDepartments()


@pytest.fixture
def site(client, world):
    client.raise_request_exception = False  # a 500 is an answer here, as in production
    client.force_login(world.superuser)  # every row and filter choice there is
    return client


def _admin_parameters(model_admin, changelist):
    params = set()
    for spec in changelist.filter_specs:
        params.update(spec.expected_parameters())
    if model_admin.search_fields:
        params.add("q")
    if model_admin.date_hierarchy:
        params.update(f"{model_admin.date_hierarchy}__{part}" for part in ("year", "month", "day"))
    return params | {"o", "p"}


def _is_refused_nul(response):
    return response.status_code == 400 and "Forkert forespørgsel" in response.content.decode()


def test_every_admin_change_list_takes_nul_over_long_and_unknown_filter_values(site):
    wrong, asked = [], 0
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        first = site.get(url)
        assert first.status_code == 200, url
        params = _admin_parameters(model_admin, first.context["cl"])
        for param in sorted(params):
            asked += 1
            response = site.get(url, {param: f"a{NUL}b"})
            if not _is_refused_nul(response):
                wrong.append((url, param, "NUL", response.status_code))
            status = site.get(url, {param: OVER_LONG}).status_code
            if status not in (200, 302):
                wrong.append((url, param, "over-long", status))
        status = site.get(url, dict.fromkeys(params, UNKNOWN)).status_code
        if status not in (200, 302):
            wrong.append((url, "every parameter", "unknown", status))
    assert asked > 60
    assert wrong == []


def test_a_date_out_of_range_in_the_admins_date_hierarchy_is_djangos_unknown_filter_page(site):
    url = reverse("admin:approvals_memo_changelist")
    for params in ({"issued_at__year": "9" * 20}, {"issued_at__year": "9999", "issued_at__month": "12"}):
        response = site.get(url, params)
        assert (response.status_code, response["Location"]) == (302, f"{url}?e=1"), params


def _site_parameters(response):
    """The filter fields and the tables' sort and page parameters of a page, as it has them."""
    params = set()

    def walk(value):
        if isinstance(value, django_filters.FilterSet):
            params.update(value.form.fields)
        elif isinstance(value, Table):
            params.update({value.prefixed_order_by_field, value.prefixed_page_field})
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    for context in response.context:
        for value in context.flatten().values():
            walk(value)
    return params


def _site_pages(world):
    hearing = world.b_process.catalogue.slug
    return {
        reverse("proposals:catalogue_list"): set(),
        reverse("home"): set(),
        reverse("approvals:responses", args=[hearing]): set(),
        reverse("memos:list"): set(),
        reverse("proposals:catalogue_detail", args=[hearing]): {"aendringer_siden", "_export"},
        reverse("proposals:catalogue_detail", args=[world.b_memo.process.catalogue.slug]): {
            "aendringer_siden_godkendelse"
        },
        reverse("approvals:hmu_review", args=[hearing]): {"c-sort"},
    }


def test_every_list_page_of_the_site_takes_nul_over_long_and_unknown_filter_values(site, world):
    wrong, asked = [], set()
    for url, extra in _site_pages(world).items():
        first = site.get(url)
        assert first.status_code == 200, url
        params = _site_parameters(first) | extra
        for param in sorted(params):
            asked.add(param)
            response = site.get(url, {param: NUL})
            if not _is_refused_nul(response):
                wrong.append((url, param, "NUL", response.status_code))
            status = site.get(url, {param: OVER_LONG}).status_code
            if status not in (200, 404):
                wrong.append((url, param, "over-long", status))
        status = site.get(url, dict.fromkeys(params, UNKNOWN)).status_code
        if status not in (200, 404):
            wrong.append((url, "every parameter", "unknown", status))
    # The pages' own filters and tables were found (not just the hand-named extras).
    assert {"q", "department", "kind", "state", "deadline_after", "status", "committee", "sort", "a-sort"} <= asked
    assert wrong == []


def test_a_nul_byte_anywhere_in_the_address_is_the_400_page(client, world):
    client.raise_request_exception = False
    for user in (None, world.member_a):
        if user:
            client.force_login(user)
        for url in ("/kataloger/%00/", "/login/?next=/%00", "/?x%00=1", "/admin/?q=%00"):
            response = client.get(url)
            assert _is_refused_nul(response), (user, url, response.status_code)
            assert 'lang="da"' in response.content.decode()


@pytest.mark.parametrize("login_url", ["/login/", "/admin/login/"])
def test_an_over_long_user_name_is_the_ordinary_wrong_login(client, world, login_url):
    client.raise_request_exception = False
    # The login page's one message for every form error; the admin's error note above its form.
    expected = {"/login/": "Brugernavn eller adgangskode er forkert", "/admin/login/": 'class="errornote"'}[login_url]
    for username in ("x" * 256, "y" * 10_000, "root" + "z" * 300, f"ro{NUL}ot"):
        response = client.post(login_url, {"username": username, "password": "forkert"})
        assert response.status_code == 200, (username[:10], response.status_code)
        assert expected in response.content.decode()
    # The real user still signs in (the long names were not counted against "root").
    world.superuser.set_password("rigtig-adgangskode")
    world.superuser.save()
    response = client.post(login_url, {"username": "root", "password": "rigtig-adgangskode"})
    assert response.status_code == 302
