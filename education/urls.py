from django.urls import path

from education import views

app_name = "education"
urlpatterns = [
    path("leaflets/", views.leaflet_index, name="index"),
    path("leaflets/<slug:slug>/", views.leaflet_current, name="leaflet"),
    path("leaflets/<slug:slug>/v<int:number>/", views.leaflet_version, name="leaflet_version"),
]
