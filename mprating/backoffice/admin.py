"""Unfold styling for the background tasks list of django-tasks-db («Настройки → Фоновые
задачи»): the package registers a plain ModelAdmin, which would render half-styled. The
client's card («Пользователи → Клиенты») completed with other apps' data: `clients.py`."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from unfold.admin import ModelAdmin

from mprating.backoffice import clients  # noqa: F401  (registers the client's card)

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin, ModelAdmin):
    list_display = ("task_name", "status", "enqueued_at", "started_at", "finished_at", "queue_name")
    search_fields = ("task_path",)
