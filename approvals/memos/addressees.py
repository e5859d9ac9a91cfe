"""Who a memo goes to, and as what: the one place that decides both.

A memo is addressed to the budget parties (their contacts); the department's managers
(``Department.manager_emails``) and the extra recipients an administrator added
(``NextMemo.extra_recipients``) get it for their information, and their e-mail says so
rather than addressing them as the parties. The list is frozen in the memo's letterhead at
issue (rendering.letterhead), its delivery rows are written from it (issuing.issue_memo), and
a delivery's e-mail asks ``role_of`` which text its recipient gets."""

from typing import NamedTuple

from django.db import models
from django.utils.translation import gettext_lazy as _

from .models import NextMemo


class Role(models.TextChoices):
    PARTY = "party", _("Forligsparti")
    MANAGER = "manager", _("Leder i magistratsafdelingen")
    COPY = "copy", _("Ekstra modtager")


class Addressee(NamedTuple):
    email: str
    name: str
    role: str  # a Role value


def recipients(process):
    """[Addressee]: the budget parties' contacts, the department's managers, the extra recipients.

    Deduplicated case-insensitively, first mention wins: a party's contact who is also a
    manager is addressed as the party."""
    catalogue = process.catalogue
    found = []
    if catalogue.agreement_id:
        for party in catalogue.agreement.parties.all():
            if party.contact_email:
                found.append(Addressee(party.contact_email, party.contact_name or party.name, Role.PARTY))
    found.extend(Addressee(email, "", Role.MANAGER) for email in catalogue.department.manager_email_list())
    extra = NextMemo.of(process).extra_recipients
    found.extend(Addressee(e.strip(), "", Role.COPY) for e in extra.splitlines() if e.strip())
    seen, out = set(), []
    for addressee in found:
        if addressee.email.lower() not in seen:
            seen.add(addressee.email.lower())
            out.append(Addressee(addressee.email, addressee.name, str(addressee.role)))
    return out


def frozen(process):
    """The recipients as the letterhead keeps them (JSON): [[email, name, role], ...]."""
    return [list(addressee) for addressee in recipients(process)]


def role_of(delivery):
    """The role of a delivery's recipient, as frozen in its memo's letterhead. A memo issued
    before roles were kept addressed everyone as the parties, and so reads as it did."""
    wanted = delivery.outbox_email.email.lower()
    for email, _name, role in delivery.memo.letterhead.get("addressees", ()):
        if email.lower() == wanted:
            return role
    return Role.PARTY.value
