from django.urls import path

from . import views

app_name = "frivillighet"

urlpatterns = [
    path("frivillighet/", views.directory, name="directory"),
    path(
        "frivillighet/organisasjon/<int:organisation>/",
        views.organisation_page,
        name="organisation",
    ),
    path("frivillighet/oppdrag/<int:opportunity>/", views.opportunity_page, name="opportunity"),
    path("frivillighet/vakt/<int:shift>/meld-pa/", views.signup, name="signup"),
    path("frivillighet/vakt/<int:signup>/trekk/", views.withdraw, name="withdraw"),
    path("frivillighet/mine-vakter/", views.my_shifts, name="my_shifts"),
    path("frivillighet/vakt/<int:shift>/melding/", views.shift_message, name="shift_message"),
    path("frivillighet/pamelding/<int:signup>/innsjekk/", views.check_in_out, name="check_in_out"),
    path("frivillighet/profil/", views.profile, name="profile"),
    path("frivillighet/registrer/", views.register_organisation, name="register"),
    path("frivillighet/organisasjon/<int:organisation>/inviter/", views.invite, name="invite"),
    path("frivillighet/invitasjon/<str:token>/", views.accept_invitation, name="accept_invitation"),
    path("frivillighet/koordinator/", views.dashboard, name="dashboard"),
]
