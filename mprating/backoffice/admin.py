"""Unfold styling for the background tasks list of django-tasks-db («Настройки → Фоновые
задачи»): the package registers a plain ModelAdmin, which would render half-styled."""

from django.contrib import admin
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult
from unfold.admin import ModelAdmin

admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin, ModelAdmin):
    list_display = ("task_name", "status", "enqueued_at", "started_at", "finished_at", "queue_name")
    search_fields = ("task_path",)
