from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EducationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "education"
    verbose_name = _("Patient leaflets")

    def ready(self):
        from django.db.models.signals import pre_save

        from clinic.text import strip_bidi_controls
        from education import jobs, middleware, signals

        for model in self.get_models():
            pre_save.connect(strip_bidi_controls, sender=model, dispatch_uid=f"bidi-{model._meta.label}")

        signals.version_published.connect(jobs.prerender_published_handout, dispatch_uid="prerender-handout")
        signals.version_withdrawn.connect(jobs.forget_withdrawn_handouts, dispatch_uid="forget-withdrawn-handouts")
        signals.version_withdrawn.connect(middleware.forget_stale_pages, dispatch_uid="forget-stale-pages")
