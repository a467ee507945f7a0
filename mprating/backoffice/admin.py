"""Unfold styling for the background tasks list of django-tasks-db («Настройки → Фоновые
задачи»): the package registers a plain ModelAdmin, which would render half-styled. The
client's card («Пользователи → Клиенты») completed with other apps' data: `clients.py`.
django-axes' logs of sign-ins («Ошибки доступа», «Логи доступа»): the package's own admins,
with a row checkbox that is not rendered through the widget's template per row and no
statement for the rows of an empty log (issue 13); the same pages."""

from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.utils.html import format_html
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult, get_date_max
from unfold.admin import ModelAdmin
from unfold.decorators import display

from mprating.backoffice import clients  # noqa: F401  (registers the client's card)
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.admin_rows import django_action_checkbox

# An empty value reads «—» (a dash), not Django's hyphen «-».
admin.site.empty_value_display = "—"

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin, ModelAdmin):
    list_display = ("task", "status", "enqueued_at", "started_at", "finished_at", "queue_name")
    search_fields = ("task_path",)

    # django-tasks-db labels these columns in English literals, outside its translations.
    @display(description="Задача", ordering="task_path")
    def task(self, obj: DBTaskResult) -> str:
        return obj.task_path

    @display(description="Трассировка")
    def formatted_traceback(self, obj: DBTaskResult) -> str:
        if not obj.traceback:
            return self.get_empty_value_display()
        return format_html("<pre>{}</pre>", obj.traceback)

    @display(description="Запустить после")
    def display_run_after(self, obj: DBTaskResult):
        if obj.run_after == get_date_max():
            return self.get_empty_value_display()
        return obj.run_after


class _AxesLogAdmin(NoRowsNoQueryMixin):
    def action_checkbox(self, obj):
        return django_action_checkbox(self, obj)


for _model, _admin in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, type(_admin.__name__, (_AxesLogAdmin, _admin), {}))
