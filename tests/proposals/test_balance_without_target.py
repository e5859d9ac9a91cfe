"""The word "balances" is said only when there is a target to compare with.

A catalogue without targets says so on every page, in the report (text and JSON), in the
list and in the admin; its lines and FTE are still checked."""

import json
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from proposals.balance import BalanceReport, check_balance
from proposals.models import BreakdownLineYear
from proposals.selectors import catalogue_overview
from tests.factories import make_catalogue, make_user

pytestmark = pytest.mark.django_db

NO_TARGET = "Der er ikke sat måltal, så balancen mod måltallet kan ikke tjekkes; linjer og årsværk stemmer."


def test_the_check_distinguishes_balanced_unbalanced_and_no_target():
    assert check_balance(catalogue_overview(make_catalogue())).status == BalanceReport.BALANCED
    report = check_balance(catalogue_overview(make_catalogue(target=None)))
    assert (report.status, report.balanced, report.consistent) == (BalanceReport.NO_TARGET, False, True)
    assert report.verdict() == NO_TARGET


def test_lines_are_still_checked_without_a_target():
    catalogue = make_catalogue(target=None, lines=True, proposals=1)
    BreakdownLineYear.objects.filter(line__proposal__catalogue=catalogue, year=2025).update(amount=-900)
    report = check_balance(catalogue_overview(catalogue))
    assert report.status == BalanceReport.UNBALANCED
    assert report.verdict() == "Kataloget balancerer ikke: 1 afvigelse."


def test_text_and_json_report_say_no_target_and_exit_zero():
    catalogue = make_catalogue(target=None)
    out = StringIO()
    call_command("catalogue_report", catalogue.slug, stdout=out)
    assert out.getvalue().strip().splitlines()[-1] == NO_TARGET
    assert "Kataloget balancerer." not in out.getvalue()
    out = StringIO()
    call_command("catalogue_report", catalogue.slug, "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["balanced"], data["balance_status"], data["target_set"]) == (False, "no_target", False)


def test_pages_list_and_admin_say_no_target(client):
    catalogue = make_catalogue(target=None, title="Uden måltal")
    client.force_login(make_user(is_superuser=True))  # a reader who may see every catalogue
    page = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug])).content.decode()
    assert NO_TARGET in page and "Kataloget balancerer." not in page
    listing = client.get(reverse("proposals:catalogue_list")).content.decode()
    assert "Intet måltal" in listing
    admin = get_user_model().objects.create_superuser("admin", "admin@example.dk", "pw-123456")
    client.force_login(admin)
    html = client.get(reverse("admin:proposals_catalogue_change", args=[catalogue.pk])).content.decode()
    assert NO_TARGET in html and "Kataloget balancerer." not in html
