from django.urls import path

from .views import catalogue, dashboard, hearing, hmu, signoff, transition

app_name = "approvals"

# The names are fixed: e-mails and the catalogue panel link to them.
urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("forloeb/<slug:slug>/", catalogue.catalogue, name="catalogue"),
    # Every workflow button posts to transition.transition; the URL names the rule (and the button's page).
    path("forloeb/<slug:slug>/aabn-hoering/", transition.transition, {"action": "open_hearing"}, name="open_hearing"),
    path(
        "forloeb/<slug:slug>/start-hmu/", transition.transition, {"action": "start_hmu_review"}, name="start_hmu_review"
    ),
    path("forloeb/<slug:slug>/videresend/", transition.transition, {"action": "forward_to_signoff"}, name="forward"),
    path("forloeb/<slug:slug>/hoeringssvar/", hearing.responses, name="responses"),
    path("forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/", hearing.response, name="response"),
    path(
        "forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/genaabn/", hearing.reopen_response, name="response_reopen"
    ),
    path(
        "forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/holdning/<int:proposal_id>/",
        hearing.revise_stale_stance,
        name="stance_revise",
    ),
    path("forloeb/<slug:slug>/hmu/", hmu.hmu_review, name="hmu_review"),
    path("forloeb/<slug:slug>/hmu/forslag/<int:proposal_id>/", hmu.hmu_responses, name="hmu_responses"),
    path(
        "forloeb/<slug:slug>/hmu/videresend/",
        transition.transition,
        {"action": "forward_to_signoff", "page": "hmu_review"},
        name="hmu_forward",
    ),
    path(
        "forloeb/<slug:slug>/hmu/tilbage/",
        transition.transition,
        {"action": "send_back_to_hearing"},
        name="send_back_to_hearing",
    ),
    path("forloeb/<slug:slug>/godkendelse/", signoff.signoff, name="signoff"),
    path("forloeb/<slug:slug>/godkendelse/godkend/", transition.transition, {"action": "sign_off"}, name="approve"),
    path(
        "forloeb/<slug:slug>/godkendelse/tilbage/",
        transition.transition,
        {"action": "send_back_to_hmu"},
        name="send_back",
    ),
]
