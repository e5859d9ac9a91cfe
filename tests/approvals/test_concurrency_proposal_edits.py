"""Two administrators saving the same proposal at the same moment (PostgreSQL row lock): exactly
one save goes through, the other is refused with the first one's change, never both "saved"."""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse

from proposals.models import Proposal, ProposalYear
from tests.approvals.test_concurrency import race
from tests.factories import make_catalogue
from tests.view_support import change_form_data

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no SELECT ... FOR UPDATE row locks (run with DATABASE_URL=postgres://...)",
    ),
]


def test_two_saves_of_one_version_at_once():
    proposal = make_catalogue(proposals=1).proposals.get()
    url = reverse("admin:proposals_proposal_change", args=[proposal.pk])
    clients, forms = [], []
    for name, amount in (("anne", "-1.200"), ("bo", "-1.700")):
        client = Client()
        client.force_login(get_user_model().objects.create_superuser(name, f"{name}@example.dk", "pw-123456"))
        data = change_form_data(client.get(url))
        index = next(i for i in range(10) if data.get(f"years-{i}-year") == 2025)
        data[f"years-{index}-net_amount"] = amount
        clients.append(client)
        forms.append(data)

    results, errors = race(2, lambda i: clients[i].post(url, forms[i]).status_code)
    assert not errors and sorted(results) == [200, 302]  # one saved, one refused
    saved = ProposalYear.objects.get(proposal=proposal, year=2025).net_amount
    assert saved in (-1200, -1700)
    assert Proposal.objects.get(pk=proposal.pk).version == proposal.version + 1
