from django.urls import path

from . import views

app_name = "memos"

urlpatterns = [
    path("", views.memo_list, name="list"),
    path("<int:pk>/", views.memo_detail, name="detail"),
    path("<int:pk>/pdf/", views.memo_pdf, name="pdf"),
]
