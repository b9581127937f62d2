from django.urls import path

from education import views

app_name = "education"
urlpatterns = [
    path("leaflets/", views.leaflet_index, name="index"),
    path("leaflets/<slug:slug>/", views.leaflet_current, name="leaflet"),
    path("leaflets/<slug:slug>/v<int:number>/", views.leaflet_version, name="leaflet_version"),
    path("leaflets/<slug:slug>/v<int:number>/feedback/", views.leaflet_feedback, name="leaflet_feedback"),
    path("leaflets/<slug:slug>/handout.pdf", views.leaflet_handout, name="leaflet_handout"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/notifications/read/", views.notifications_read, name="notifications_read"),
    path("staff/email-language/", views.email_language, name="email_language"),
    path("figures/<str:name>", views.figure_file, name="figure_file"),
    path("staff/handout/", views.handout_create, name="handout_create"),
    path("s/<str:token>/", views.share_page, name="share"),
    path("s/<str:token>/handout.pdf", views.share_handout, name="share_handout"),
    path("s/<str:token>/feedback/", views.share_feedback, name="share_feedback"),
    path("staff/share/", views.share_create, name="share_create"),
]
