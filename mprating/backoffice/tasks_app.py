"""django-tasks-db under a Russian name: the package's own is an English literal («Tasks
Database Backend») that its translations cannot reach. INSTALLED_APPS names this class."""

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "Фоновые задачи"
