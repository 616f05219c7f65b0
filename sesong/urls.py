from django.urls import path

from . import views

app_name = "sesong"

urlpatterns = [
    path("sesong/", views.rounds, name="rounds"),
    path("sesong/mine/", views.my_applications, name="mine"),
    path("sesong/<int:round>/", views.round_page, name="round"),
    path("sesong/<int:round>/sok/", views.apply, name="apply"),
    path("sesong/<int:round>/tildeling/", views.allocation_tool, name="tool"),
    path("sesong/<int:round>/tildeling/forslag/", views.run_proposal, name="run_proposal"),
    path("sesong/<int:round>/tildeling/tildel/", views.set_allocation, name="set_allocation"),
    path("sesong/<int:round>/status/", views.change_state, name="change_state"),
    path(
        "sesong/<int:round>/journal.<str:format>",
        views.journal_export,
        name="journal",
    ),
    path(
        "sesong/tildeling/<int:allocation>/fjern/",
        views.remove_allocation,
        name="remove_allocation",
    ),
    path("sesong/soknad/<int:application>/", views.application_page, name="application"),
    path("sesong/soknad/<int:application>/endre/", views.change, name="change"),
    path("sesong/soknad/<int:application>/trekk/", views.withdraw, name="withdraw"),
    path("sesong/soknad/<int:application>/svar/", views.answer, name="answer"),
    path("sesong/soknad/<int:application>/vedtak/", views.decision_document, name="decision"),
    path("sesong/soknad/<int:application>/vedta/", views.decide, name="decide"),
]
