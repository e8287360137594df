from django.urls import path

from vetserve.accounts import views

app_name = "accounts"
urlpatterns: list = []
