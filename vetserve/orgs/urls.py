from django.urls import path

from vetserve.orgs import views

app_name = "orgs"
urlpatterns: list = []
