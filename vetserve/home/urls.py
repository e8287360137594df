from django.urls import path

from vetserve.home import views

app_name = "home"
urlpatterns = [
    path("", views.home, name="home"),
    path("shifts/", views.shift_list_page, name="shifts"),
]
