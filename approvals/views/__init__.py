"""The workflow's web pages. Thin: parse input, call one service or selector, render.

A catalogue the user may not see is a 404; a page or action that is not theirs is a 403
(PermissionDenied); a refused workflow step (WorkflowError) becomes a message. Forms that
carry typed text (hearing response, HMU review) are shown again with the error instead of
redirecting, so nothing the user wrote is lost.

Every workflow button posts to one view, ``transition.transition``: it asks the rule of
approvals.transitions who may, validates the rule's form and calls ``services.perform``. Pages
show a button when ``transitions.allowed`` offers its rule. No view writes on a GET.

Modules: ``dashboard``, ``catalogue`` (the workflow page), ``hearing`` (hearing responses),
``hmu`` (HMU review), ``signoff``, ``transition`` (every button); ``common`` the shared parts."""
