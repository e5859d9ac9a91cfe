"""Every workflow button posts here; the URL names the rule of approvals.transitions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .. import services, transitions
from ..exceptions import WorkflowError
from .catalogue import catalogue_page
from .common import form_as_typed, process_or_404, say_refusal
from .hmu import hmu_page
from .signoff import signoff_page

# The pages a button lives on: where an invalid form is shown again and a refusal is said.
PAGES = {
    transitions.CATALOGUE_PAGE: ("approvals:catalogue", catalogue_page),
    transitions.HMU_PAGE: ("approvals:hmu_review", hmu_page),
    transitions.SIGNOFF_PAGE: ("approvals:signoff", signoff_page),
}


@require_POST
def transition(request, slug, action, page=None):
    """POST of any workflow button: the rule's ``may`` (403) → its form → ``services.perform``.

    ``action`` names a rule of approvals.transitions. An invalid form is shown again on
    ``page`` (the button's page: the URL's, a posted ``return_to``, else the rule's); a refused
    step is a message there, the form shown again as typed; after the step the user goes to ``return_to`` or the rule's
    ``done_page``."""
    rule = transitions.RULES.get(action)
    if rule is None:
        raise Http404(_("Handlingen findes ikke."))
    catalogue, process = process_or_404(request, slug)
    if not rule.may(request.user, process):
        raise PermissionDenied(rule.refused)
    return_to = request.POST.get("return_to")
    return_to = return_to if return_to in PAGES else None
    shown_on = return_to or page or rule.page
    url_name, render_page = PAGES[shown_on]
    form = rule.form(request.POST, prefix=rule.prefix, process=process)
    # Shown again if refused: this form bound; the page's other buttons' forms (one form on the
    # sign-off page) with what was typed in them.
    forms = {
        other.form_name: form_as_typed(other, request.POST, process)
        for other in transitions.RULES.values()
        if other.page == shown_on and other is not rule and any(k.startswith(f"{other.prefix}-") for k in request.POST)
    }
    forms[rule.form_name] = form
    if not form.is_valid():
        return render_page(request, catalogue, process, **forms)
    try:
        services.perform(process, rule, actor=request.user, **form.transition_input())
    except WorkflowError as exc:
        # The page again with the form as typed (a redirect would throw the note away).
        say_refusal(request, exc)
        return render_page(request, catalogue, process, **forms)
    messages.success(request, rule.success)
    return redirect(PAGES[return_to or rule.done_page][0], slug)
