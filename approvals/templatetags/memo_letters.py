"""``{% addressee_role delivery as role %}``: as what a memo e-mail's recipient gets it, a
``addressees.Role`` (compare with "party", "manager", "copy"), decided in approvals.memos.addressees."""

from django import template

from approvals.memos.addressees import Role, role_of

register = template.Library()


@register.simple_tag
def addressee_role(delivery):
    return Role(role_of(delivery)) if delivery is not None else Role.PARTY
