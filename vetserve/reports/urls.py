from django.urls import path

from vetserve.reports import views

app_name = "reports"

urlpatterns = [
    path("story/", views.story_page, name="story"),
]
