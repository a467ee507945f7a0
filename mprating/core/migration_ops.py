"""Operations that data migrations of every app write the same way.

Migrations import these by path and are never edited again, so a function here never changes
what it does: a new need gets a new function.
"""

from django.db import migrations

# {group name: [(app label, permission codename), …]}
Grants = dict[str, list[tuple[str, str]]]


def _ensure_permissions(apps) -> None:
    """Create the permissions of the models migrated so far (Django makes them only after the
    whole `migrate` run, too late for a data migration that grants them)."""
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None


def grant_permissions(grants: Grants) -> migrations.RunPython:
    """Give each role (a group, created when missing, as `accounts/0002_roles` names them) the
    listed permissions; reversing takes exactly those away. A codename that does not exist
    fails the migration instead of being skipped."""

    def forwards(apps, schema_editor) -> None:
        _ensure_permissions(apps)
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
        for group_name, permissions in grants.items():
            group, _ = group_model.objects.get_or_create(name=group_name)
            group.permissions.add(
                *[
                    permission_model.objects.get(content_type__app_label=app, codename=codename)
                    for app, codename in permissions
                ]
            )

    def backwards(apps, schema_editor) -> None:
        group_model = apps.get_model("auth", "Group")
        permission_model = apps.get_model("auth", "Permission")
        for group_name, permissions in grants.items():
            group = group_model.objects.filter(name=group_name).first()
            if group is None:
                continue
            for app, codename in permissions:
                group.permissions.remove(
                    *permission_model.objects.filter(content_type__app_label=app, codename=codename)
                )

    return migrations.RunPython(forwards, backwards)


def drop_covered_indexes(indexes: list[tuple[str, str, str]]) -> list[migrations.RunSQL]:
    """Drop single-column indexes that another index already covers, given as
    (table, column, index name) — only the index: Django's AlterField(db_index=False) on a
    foreign key would drop the key and add it back, re-checking every row under a lock. The
    reverse creates each index as Django did. For `SeparateDatabaseAndState`'s
    database_operations, beside the AlterField in its state_operations."""
    return [
        migrations.RunSQL(
            sql=f'DROP INDEX IF EXISTS "{index}"',
            reverse_sql=f'CREATE INDEX "{index}" ON "{table}" ("{column}")',
        )
        for table, column, index in indexes
    ]
