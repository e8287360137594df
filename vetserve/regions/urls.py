from django.urls import path

from vetserve.regions import views

app_name = "regions"
urlpatterns: list = []
