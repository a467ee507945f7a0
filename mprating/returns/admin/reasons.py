"""«Настройки → Причины возврата»."""

from django.contrib import admin
from django.http import HttpRequest
from unfold.admin import ModelAdmin

from mprating.core.admin_editable import PlannedEditableAdmin
from mprating.returns.models import ReturnReason


@admin.register(ReturnReason)
class ReturnReasonAdmin(PlannedEditableAdmin, ModelAdmin):
    """«Причины возврата»: managers add, rename, switch off and reorder them; a reason that
    returns refer to is never deleted (switch it off)."""

    list_display = ["name", "restock_default", "is_active", "sort_order"]
    list_editable = ["restock_default", "is_active", "sort_order"]
    ordering = ["sort_order", "name"]
    fields = ["name", "restock_default", "is_active", "sort_order"]

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
