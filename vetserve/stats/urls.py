from django.urls import path

from vetserve.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
]
