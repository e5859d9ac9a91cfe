"""The economic overview keeps the catalogue's tab bar (the workflow app renders it through
proposals.hooks), and the breadcrumbs show a separator between their steps."""

import pytest
from django.urls import reverse

from proposals.hooks import render_catalogue_tabs
from tests.approval_factories import Setup
from tests.browser import expect, shot
from tests.factories import make_catalogue, make_user

pytestmark = pytest.mark.django_db


def test_the_overview_tab_is_open_in_the_tab_bar(client):
    s = Setup()
    client.force_login(s.admin)
    html = client.get(reverse("proposals:catalogue_detail", args=[s.catalogue.slug])).content.decode()
    overview = reverse("proposals:catalogue_detail", args=[s.catalogue.slug])
    assert 'class="app-subnav"' in html
    assert f'<a href="{overview}" aria-current="page">Økonomisk overblik</a>' in html
    assert reverse("approvals:catalogue", args=[s.catalogue.slug]) in html
    assert reverse("approvals:responses", args=[s.catalogue.slug]) in html
    assert reverse("approvals:signoff", args=[s.catalogue.slug]) in html  # an administrator's tab


def test_a_member_sees_only_the_tabs_of_their_pages(client):
    s = Setup().to_hearing()
    client.force_login(s.lmu1_user)
    html = client.get(reverse("proposals:catalogue_detail", args=[s.catalogue.slug])).content.decode()
    assert reverse("approvals:responses", args=[s.catalogue.slug]) in html
    assert reverse("approvals:signoff", args=[s.catalogue.slug]) not in html


def test_no_tabs_for_a_user_who_may_not_see_the_catalogue(rf):
    request = rf.get("/")
    request.user = make_user()
    assert render_catalogue_tabs(request, make_catalogue(proposals=1)) == ""


@pytest.mark.browser
def test_breadcrumbs_and_tab_bar_in_chromium(admin_page, live_server):
    catalogue = make_catalogue(proposals=2)
    admin_page.goto(live_server.url + reverse("proposals:catalogue_detail", args=[catalogue.slug]))
    crumbs = admin_page.locator(".breadcrumbs__list-item")
    expect(crumbs).to_have_count(2)
    separator = crumbs.nth(1).evaluate("el => getComputedStyle(el, '::before').content")
    assert "›" in separator
    current = admin_page.locator(".app-subnav a[aria-current=page]")
    expect(current).to_have_text("Økonomisk overblik")
    assert current.evaluate("el => getComputedStyle(el).fontWeight") == "700"  # app.css reached this page
    shot(admin_page, "catalogue-overview-tabs")
