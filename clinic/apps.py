from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ClinicConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic"
    verbose_name = _("Clinic identity")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from clinic import checks  # noqa: F401 - registers the production checks
        from clinic.contact import write_default_clinic_contact
        from clinic.text import strip_bidi_controls

        pre_save.connect(strip_bidi_controls, sender=self.get_model("Clinic"), dispatch_uid="clinic-bidi")
        # The default clinic's name and phone for the error pages, which must work without the database.
        post_save.connect(write_default_clinic_contact, sender=self.get_model("Clinic"), dispatch_uid="clinic-contact")
