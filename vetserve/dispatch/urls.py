from django.urls import path

from vetserve.dispatch import views

app_name = "dispatch"
urlpatterns = [
    path("", views.callout_index, name="list"),
    path("new/", views.callout_new, name="new"),
    path("<int:callout_id>/", views.callout_detail, name="detail"),
    path("<int:callout_id>/live/", views.callout_live, name="live"),
    path("<int:callout_id>/act/", views.callout_action, name="act"),
    path("me/invitations/", views.my_invitation_list, name="my_invitations"),
    path("me/availability/", views.my_availability, name="my_availability"),
    path(
        "volunteer/<int:volunteer_id>/availability/",
        views.volunteer_availability,
        name="volunteer_availability",
    ),
]
