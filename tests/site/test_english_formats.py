"""English mode writes figures and dates the English way wherever it shows them, and says "by"
(issue 23, finding 9: "DKK 1,000" above "17.700", Danish dates inside English memo text,
"Submitted … of <name>"). Typed figures and import files stay Danish: the one parser reads them."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from approvals.memos import issuing
from proposals.form_fields import DanishNumberField
from proposals.numbers import (
    FTE,
    NumberFormatError,
    check_decimal_limits,
    danish_amount,
    danish_decimal,
    format_amount,
    format_decimal,
)
from proposals.spreadsheets.export import export_dataset
from tests.approval_factories import Setup
from tests.factories import make_catalogue, make_user
from tests.memo_factories import make_memo_with_one_change


@pytest.mark.parametrize(
    "language, amounts, decimals",
    [
        ("da", ("17.700", "-1.960", "+12.000", "0"), ("2,8", "-10,5", "1.234,5")),
        ("en", ("17,700", "-1,960", "+12,000", "0"), ("2.8", "-10.5", "1,234.5")),
    ],
)
def test_figures_follow_the_active_language(language, amounts, decimals):
    with translation.override(language):
        shown = (format_amount(17700), format_amount(-1960), format_amount(12000, signed=True), format_amount(0))
        assert shown == amounts
        assert tuple(format_decimal(Decimal(x)) for x in ("2.80", "-10.5", "1234.5")) == decimals


def test_typed_and_filed_figures_stay_danish_in_english():
    with translation.override("en"):
        assert danish_amount(17700) == "17.700" and danish_decimal(Decimal("2.8")) == "2,8"
        # An input shows what the parser reads back.
        assert DanishNumberField().prepare_value(17700) == "17.700"
        assert DanishNumberField(figure_range=FTE).prepare_value(Decimal("2.80")) == "2,8"
        # The message in the page's language, the figure as it was typed (Danish).
        with pytest.raises(NumberFormatError, match="«1,234» has more than 2 decimals"):
            check_decimal_limits(Decimal("1.234"), max_digits=5, decimal_places=2)


@pytest.mark.django_db
def test_the_import_format_export_stays_danish_in_english():
    catalogue = make_catalogue(amount=-17700)
    with translation.override("en"):
        row = export_dataset(catalogue)[0]
    assert "-17.700" in row and "-17,700" not in row


@pytest.fixture
def english(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(make_user(is_superuser=True))
    return client


def test_the_overview_in_english_has_english_figures_under_an_english_unit(english):
    catalogue = make_catalogue(amount=-17700, unit="1.000 kr.")
    html = english.get(reverse("proposals:catalogue_detail", args=[catalogue.slug])).content.decode()
    assert "(2024-PL in DKK 1,000)" in html or "in DKK 1,000)" in html  # the overview's heading
    assert "-17,700" in html and "-53,100" in html  # a proposal's cell, the total of three
    assert not re.search(r">-?\d{1,3}\.\d{3}<", html), "a Danish-formatted figure in an English page"


def test_the_overview_in_danish_is_unchanged(client, db):
    client.force_login(make_user(is_superuser=True))
    catalogue = make_catalogue(amount=-17700)
    html = client.get(reverse("proposals:catalogue_detail", args=[catalogue.slug])).content.decode()
    assert "-17.700" in html and "-53.100" in html and "-17,700" not in html


def test_the_memo_page_in_english_has_english_dates_and_figures(english):
    memo = make_memo_with_one_change()
    html = english.get(reverse("memos:detail", args=[memo.pk])).content.decode()
    assert "was finally approved on 8 December 2023" in html
    assert "8. december 2023" not in html
    assert "1,500" in html and "1.500" not in html
    # The PDF and the e-mails stay Danish.
    with translation.override("en"):
        body = issuing.delivery.build_message(memo.deliveries.first().outbox_email).body
    assert "8. december 2023" in body and "1.500" in body


@pytest.mark.django_db
def test_a_submitted_response_says_by_whom_in_english(client):
    s = Setup().to_hearing()
    s.submit(s.lmu1, s.lmu1_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(s.lmu1_user)
    html = client.get(reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])).content.decode()
    name = s.lmu1_user.get_full_name() or s.lmu1_user.username
    assert re.search(rf"<dt>Submitted</dt><dd>\d+ \w+ \d{{4}} \d\d:\d\d by {re.escape(name)}</dd>", html), html[:200]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "da"
    html = client.get(reverse("approvals:response", args=[s.catalogue.slug, s.lmu1.pk])).content.decode()
    assert re.search(rf"<dt>Indsendt</dt><dd>\d+\. \w+ \d{{4}} \d\d:\d\d af {re.escape(name)}</dd>", html)
