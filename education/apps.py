from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "education"
    verbose_name = _("Patient leaflets")

    def ready(self):
        from education import jobs, signals

        signals.version_published.connect(jobs.prerender_published_handout, dispatch_uid="prerender-handout")
        signals.version_withdrawn.connect(jobs.forget_withdrawn_handouts, dispatch_uid="forget-withdrawn-handouts")
