"""The admin as a case officer uses it: after a save, back at the catalogue's own proposals;
after a save on a signed-off catalogue, told which memo the change goes into and when; the
proposal list never mixes two sign conventions without saying so."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.urls import reverse

from approvals.memos import issuing
from proposals.models import Catalogue
from tests.approval_factories import Setup
from tests.factories import make_catalogue
from tests.view_support import change_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(get_user_model().objects.create_superuser("chef", "chef@example.dk", "pw-123456"))
    return client


def _post(admin_client, proposal, url_query="", **changes):
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk]) + url_query
    data = change_form_data(admin_client.get(url))
    data.update(changes)
    return admin_client.post(url, data)


def test_a_save_returns_to_the_catalogues_own_proposals(admin_client):
    catalogue = make_catalogue(proposals=2)
    make_catalogue(proposals=2)
    response = _post(admin_client, catalogue.proposals.first(), title="Ny titel")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:proposals_proposal_changelist") + (
        f"?catalogue__id__exact={catalogue.pk}"
    )


def test_the_catalogues_list_filters_are_kept_and_another_catalogues_are_not(admin_client):
    catalogue, other = make_catalogue(proposals=2), make_catalogue(proposals=1)
    proposal = catalogue.proposals.first()
    same = f"?_changelist_filters=catalogue__id__exact%3D{catalogue.pk}%26saving_type__exact%3DEff"
    response = _post(admin_client, proposal, same, title="Ny titel")
    assert response["Location"].endswith(f"?catalogue__id__exact={catalogue.pk}&saving_type__exact=Eff")
    elsewhere = f"?_changelist_filters=catalogue__id__exact%3D{other.pk}"
    response = _post(admin_client, proposal, elsewhere, title="Anden titel")
    assert response["Location"].endswith(f"?catalogue__id__exact={catalogue.pk}")


def test_a_save_after_sign_off_names_the_memo_and_when(admin_client, settings):
    settings.MEMO_QUIET_PERIOD_SECONDS = 1200
    s = Setup().to_signed_off()
    response = _post(admin_client, s.proposals[0], title="Ny titel", change_reason="Præcisering.")
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    [memo_text] = [t for t in texts if "notat nr." in t]
    assert memo_text.startswith("Ændringen kommer med i notat nr. 1 til forligspartierne.")
    assert "når der har været ro i 20 minutter, dvs. tidligst" in memo_text

    assert issuing.issue_memo(s.reload()) is not None
    response = _post(admin_client, s.proposals[0], title="Tredje titel", change_reason="Igen.")
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(t.startswith("Ændringen kommer med i notat nr. 2 til forligspartierne.") for t in texts)


def test_a_save_before_sign_off_names_no_memo(admin_client):
    catalogue = make_catalogue(proposals=1)
    response = _post(admin_client, catalogue.proposals.first(), title="Ny titel")
    assert not [m for m in get_messages(response.wsgi_request) if "notat" in str(m)]


def test_the_list_of_one_catalogue_says_its_convention_and_of_several_each_rows(admin_client):
    positive = make_catalogue(proposals=1, sign_convention=Catalogue.SignConvention.SAVINGS_POSITIVE, amount=-1100)
    negative = make_catalogue(proposals=1, amount=-1960)
    url = reverse("admin:proposals_proposal_changelist")
    html = admin_client.get(url, {"catalogue__id__exact": positive.pk}).content.decode()
    assert f"{positive.title} · beløb i 1.000 kr. · Besparelse vises positivt" in html
    assert '<td class="field-net_2024">1.100</td>' in html
    html = admin_client.get(url, {"catalogue__id__exact": negative.pk}).content.decode()
    assert "Besparelse vises negativt (med minus)" in html and '<td class="field-net_2024">-1.960</td>' in html
    html = admin_client.get(url).content.decode()
    assert "field-net_2024" not in html  # no column holding both conventions
    assert html.count('<td class="field-sign_convention">Besparelse vises positivt</td>') == 1
    assert html.count('<td class="field-sign_convention">Besparelse vises negativt (med minus)</td>') == 1
