from django.urls import path

from vetserve.notify import views

app_name = "notify"
urlpatterns = [
    path("", views.notification_list_page, name="list"),
    path("read/", views.notification_mark_read, name="mark_read"),
]
