from django.urls import path

from vetserve.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.exchange_page, name="index"),
    path("export/", views.export_view, name="export"),
    path("import/", views.import_view, name="import"),
    path("import/commit/", views.import_commit_view, name="import_commit"),
    path("statement/me/", views.my_statement, name="my_statement"),
    path("statement/volunteer/<int:volunteer_id>/", views.volunteer_statement, name="statement"),
]
