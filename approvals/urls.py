from django.urls import path

from . import views

app_name = "approvals"

# The names are fixed: e-mails and the catalogue panel link to them.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("forloeb/<slug:slug>/", views.catalogue, name="catalogue"),
    # Every workflow button posts to views.transition; the URL names the rule (and the button's page).
    path("forloeb/<slug:slug>/aabn-hoering/", views.transition, {"action": "open_hearing"}, name="open_hearing"),
    path("forloeb/<slug:slug>/start-hmu/", views.transition, {"action": "start_hmu_review"}, name="start_hmu_review"),
    path("forloeb/<slug:slug>/videresend/", views.transition, {"action": "forward_to_signoff"}, name="forward"),
    path("forloeb/<slug:slug>/hoeringssvar/", views.responses, name="responses"),
    path("forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/", views.response, name="response"),
    path("forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/genaabn/", views.reopen_response, name="response_reopen"),
    path("forloeb/<slug:slug>/hmu/", views.hmu_review, name="hmu_review"),
    path(
        "forloeb/<slug:slug>/hmu/videresend/",
        views.transition,
        {"action": "forward_to_signoff", "page": "hmu_review"},
        name="hmu_forward",
    ),
    path(
        "forloeb/<slug:slug>/hmu/tilbage/",
        views.transition,
        {"action": "send_back_to_hearing"},
        name="send_back_to_hearing",
    ),
    path("forloeb/<slug:slug>/godkendelse/", views.signoff, name="signoff"),
    path("forloeb/<slug:slug>/godkendelse/godkend/", views.transition, {"action": "sign_off"}, name="approve"),
    path(
        "forloeb/<slug:slug>/godkendelse/tilbage/", views.transition, {"action": "send_back_to_hmu"}, name="send_back"
    ),
]
