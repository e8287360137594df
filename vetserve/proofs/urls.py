from django.urls import path

from vetserve.proofs import views

app_name = "proofs"
urlpatterns = [
    path("", views.proof_index, name="list"),
    path("me/", views.my_proofs, name="me"),
    path("volunteer/<int:volunteer_id>/", views.volunteer_proofs, name="volunteer"),
    path("<int:proof_id>/", views.proof_detail, name="detail"),
    path("<int:proof_id>/pdf/", views.proof_pdf_view, name="pdf"),
    path("<int:proof_id>/revoke/", views.proof_revoke_view, name="revoke"),
]
