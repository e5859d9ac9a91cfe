from django.urls import path

from . import views

app_name = "memos"

urlpatterns = [
    path("", views.memo_list, name="list"),
    path("<int:pk>/", views.memo_detail, name="detail"),
    path("<int:pk>/pdf/", views.memo_pdf, name="pdf"),
    # The budget parties' signed links (approvals.memos.links): no login.
    path("laes/<str:token>/", views.memo_reader, name="reader"),
    path("laes/<str:token>/pdf/", views.memo_reader_pdf, name="reader_pdf"),
]
