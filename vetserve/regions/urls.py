from django.urls import path

from vetserve.regions import views

app_name = "regions"
urlpatterns = [
    path("", views.region_index, name="list"),
    path("search/", views.region_search, name="search"),
    path("<str:code>/", views.region_detail, name="detail"),
    path("<str:code>/new/", views.region_create_view, name="create"),
    path("<str:code>/edit/", views.region_edit, name="edit"),
]
