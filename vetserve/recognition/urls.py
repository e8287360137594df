from django.urls import path

from vetserve.recognition import views

app_name = "recognition"
urlpatterns = [
    path("me/", views.my_recognition, name="me"),
    path("volunteer/<int:volunteer_id>/", views.volunteer_recognition, name="volunteer"),
    path("volunteer/<int:volunteer_id>/grant/", views.grant, name="grant"),
    path("awards/<int:award_id>/document/", views.award_document, name="award_document"),
    path("stars/", views.stars, name="stars"),
    path("rolls/", views.rolls, name="rolls"),
    path("honours/", views.honours, name="honours"),
    path("team/<int:org_id>/", views.team_honours, name="team"),
    path(
        "honours/<int:honour_id>/document/",
        views.team_honour_document,
        name="team_honour_document",
    ),
    path("settings/", views.settings_page, name="settings"),
]
