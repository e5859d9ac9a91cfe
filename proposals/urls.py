from django.urls import path

from . import views

app_name = "proposals"

urlpatterns = [
    path("", views.catalogue_list, name="catalogue_list"),
    path("<slug:slug>/", views.catalogue_detail, name="catalogue_detail"),
    path("<slug:slug>/forslag/<int:pk>/", views.proposal_detail, name="proposal_detail"),
]
