from django.urls import path

from . import memo_views

app_name = "memos"

urlpatterns = [
    path("", memo_views.memo_list, name="list"),
    path("<int:pk>/", memo_views.memo_detail, name="detail"),
    path("<int:pk>/pdf/", memo_views.memo_pdf, name="pdf"),
]
