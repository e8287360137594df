from django.urls import path

from vetserve.public import views

app_name = "public"
urlpatterns = [
    path("", views.public_home, name="home"),
    path("projects/", views.projects_page, name="projects"),
    path("profiles/", views.profiles_page, name="profiles"),
    path("posts/<int:post_id>/", views.post_page, name="post"),
    path("photos/<int:photo_id>/", views.photo_file, name="photo"),
    path("verify/", views.verify_page, name="verify"),
    path("language/<str:language>/", views.language, name="language"),
    path("manage/", views.manage_list, name="manage"),
    path("manage/new/", views.post_new, name="new"),
    path("manage/<int:post_id>/", views.post_edit, name="edit"),
    path("manage/<int:post_id>/photos/", views.photo_upload, name="photo_upload"),
    path("manage/photos/<int:photo_id>/", views.staff_photo_file, name="staff_photo"),
    path("manage/photos/<int:photo_id>/remove/", views.photo_delete, name="photo_remove"),
    # Last: the sections by slug (news, initiatives, key-projects, experience, lessons).
    path("<slug:slug>/", views.section_page, name="section"),
]
