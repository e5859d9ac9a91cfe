from django.urls import path

from . import views

app_name = "approvals"

# The names are fixed: e-mails and the catalogue panel link to them.
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("forloeb/<slug:slug>/", views.catalogue, name="catalogue"),
    path("forloeb/<slug:slug>/aabn-hoering/", views.open_hearing, name="open_hearing"),
    path("forloeb/<slug:slug>/start-hmu/", views.start_hmu_review, name="start_hmu_review"),
    path("forloeb/<slug:slug>/videresend/", views.forward_to_signoff, name="forward"),
    path("forloeb/<slug:slug>/hoeringssvar/", views.responses, name="responses"),
    path("forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/", views.response, name="response"),
    path("forloeb/<slug:slug>/hoeringssvar/<int:committee_id>/genaabn/", views.reopen_response, name="response_reopen"),
    path("forloeb/<slug:slug>/hmu/", views.hmu_review, name="hmu_review"),
    path("forloeb/<slug:slug>/hmu/videresend/", views.hmu_forward, name="hmu_forward"),
    path("forloeb/<slug:slug>/hmu/tilbage/", views.send_back_to_hearing, name="send_back_to_hearing"),
    path("forloeb/<slug:slug>/godkendelse/", views.signoff, name="signoff"),
    path("forloeb/<slug:slug>/godkendelse/godkend/", views.approve, name="approve"),
    path("forloeb/<slug:slug>/godkendelse/tilbage/", views.send_back, name="send_back"),
]
