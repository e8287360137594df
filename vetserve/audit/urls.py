from django.urls import path

from vetserve.audit import views

app_name = "audit"
urlpatterns: list = []
