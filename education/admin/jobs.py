"""Background jobs (education/jobs.py) in the admin: django-tasks-db's read-only list of queued, running, done
and failed jobs, with the job's own name, its attempt and the error in the list."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult


class BackgroundJobAdmin(DBTaskResultAdmin):
    list_display = ("job", "attempt", "status", "error", "enqueued_at", "finished_at")
    list_filter = ("status",)
    date_hierarchy = "enqueued_at"

    def _job_arguments(self, obj) -> dict:
        kwargs = (obj.args_kwargs or {}).get("kwargs") or {}
        return kwargs if isinstance(kwargs, dict) else {}

    @admin.display(description=_("job"))
    def job(self, obj) -> str:
        return str(self._job_arguments(obj).get("job") or obj.task_path)

    @admin.display(description=_("attempt"))
    def attempt(self, obj):
        return self._job_arguments(obj).get("attempt", "")

    @admin.display(description=_("error"))
    def error(self, obj) -> str:
        return obj.exception_class_path.rsplit(".", 1)[-1] if obj.exception_class_path else ""


# Named in the clinic's words (the package calls them "Task results" of the "Tasks Database Backend").
DBTaskResult._meta.verbose_name = _("background job")
DBTaskResult._meta.verbose_name_plural = _("background jobs")
DBTaskResult._meta.app_config.verbose_name = _("Background jobs")

admin.site.unregister(DBTaskResult)
admin.site.register(DBTaskResult, BackgroundJobAdmin)
