"""Back office pages of catalog imports: upload → mapping → preview → progress → report.

Registered from the package `catalog/admin/`. Managers (permission `catalog.add_importjob`) run
imports; whoever may view import jobs sees the progress and the report and downloads rejected
rows. A kind may ask for more (`Importer.permissions`): the vehicle reference also needs the
permissions to add and change makes, models, generations and modifications
(`vehicles.reference.IMPORT_PERMISSIONS`; managers have them).
"""

import csv
from collections.abc import Iterator

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from unfold.admin import ModelAdmin
from unfold.decorators import display

from mprating.catalog.imports import selectors, services
from mprating.catalog.imports.forms import MappingForm, UploadForm
from mprating.catalog.imports.importers import IMPORTERS, may_import
from mprating.catalog.models import ImportJob
from mprating.core import ratelimits
from mprating.core.admin_actions import AdminAction, admin_action_view
from mprating.core.admin_empty import NoRowsNoQueryMixin
from mprating.core.admin_filters import DateRangeFilter
from mprating.core.errors import ApplicationError
from mprating.core.exports import XLSX_MIME, build_xlsx, looks_like_formula

REPORT_PAGE_SIZE = 100
STATUS_LABELS = {
    ImportJob.Status.DRAFT.label: "info",
    ImportJob.Status.QUEUED.label: "info",
    ImportJob.Status.RUNNING.label: "warning",
    ImportJob.Status.DONE.label: "success",
    ImportJob.Status.FAILED.label: "danger",
}


def _safe_cell(value):
    # The report goes back to Excel: never let a cell of the operator's file become a formula.
    # CSV has no text type: the apostrophe is the only way (the XLSX keeps the text as it is).
    if looks_like_formula(value):
        return "'" + value
    return value


def _restart(*, request, objects, data) -> str:
    for job in objects:
        services.import_job_restart(job_id=job.pk)
    return f"Запущено заново: {len(objects)}."


RESTART = AdminAction(
    title="Запустить импорты заново",
    button="Запустить заново",
    run=_restart,
    intro="Импорт с ошибкой начнётся с первой строки файла; строки, загруженные до ошибки, "
    "обновятся, а не задвоятся. Импорт, обработчик которого перестал отвечать, продолжится "
    "после последней загруженной пачки строк.",
    empty_message="Среди выбранных нет импортов с ошибкой или остановившихся импортов, которые "
    "вы можете запустить.",
)


class ImportJobAdmin(NoRowsNoQueryMixin, ModelAdmin):
    list_display = [
        "created_at",
        "kind",
        "original_name",
        "warehouse",
        "status_label",
        "progress",
        "created_count",
        "updated_count",
        "rejected_count",
        "created_by",
    ]
    list_display_links = ["created_at", "original_name"]
    list_filter = ["kind", "status", "warehouse", ("created_at", DateRangeFilter)]
    list_select_related = ["warehouse", "created_by"]
    search_fields = ["original_name"]
    search_help_text = "Имя файла"
    ordering = ["-created_at", "-id"]
    list_per_page = 50
    show_full_result_count = False
    actions = ["restart_selected"]

    # ---- changelist -------------------------------------------------------------------------

    @display(description="состояние", ordering="status", label=STATUS_LABELS)
    def status_label(self, obj: ImportJob) -> str:
        return obj.get_status_display()

    @display(description="строк")
    def progress(self, obj: ImportJob) -> str:
        if obj.total_rows is None:
            return "—"
        return f"{obj.processed_rows} из {obj.total_rows}"

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # A job is changed only by the import pages and the task, never by a form.
        return False

    def delete_model(self, request, obj: ImportJob) -> None:
        obj.file.delete(save=False)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        for job in queryset:
            job.file.delete(save=False)
        super().delete_queryset(request, queryset)

    @admin.action(
        description="Запустить заново (импорты с ошибкой и остановившиеся)", permissions=["add"]
    )
    def restart_selected(self, request: HttpRequest, queryset):
        kinds = [kind for kind in IMPORTERS if may_import(request.user, kind)]
        stalled = Q(status=ImportJob.Status.RUNNING) & (
            Q(lease_until__isnull=True) | Q(lease_until__lt=timezone.now())
        )
        candidates = ImportJob.objects.filter(
            Q(status=ImportJob.Status.FAILED) | stalled,
            pk__in=queryset.values("pk"),
            kind__in=kinds,
        )
        return admin_action_view(
            self, request, RESTART, candidates, changelist_action="restart_selected"
        )

    # ---- pages ------------------------------------------------------------------------------

    def get_urls(self):
        view = self.admin_site.admin_view
        name = "catalog_importjob"
        return [
            path("<int:job_id>/mapping/", view(self.mapping_view), name=f"{name}_mapping"),
            path("<int:job_id>/preview/", view(self.preview_view), name=f"{name}_preview"),
            path("<int:job_id>/start/", view(self.start_view), name=f"{name}_start"),
            path("<int:job_id>/restart/", view(self.restart_view), name=f"{name}_restart"),
            path("<int:job_id>/progress/", view(self.progress_view), name=f"{name}_progress"),
            path(
                "<int:job_id>/rejected.<str:fmt>",
                view(self.rejected_download_view),
                name=f"{name}_rejected",
            ),
            *super().get_urls(),
        ]

    def _context(self, request: HttpRequest, title: str, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": title,
            "changelist_url": reverse("admin:catalog_importjob_changelist"),
            **extra,
        }

    def _job_for_editing(self, request: HttpRequest, job_id: int) -> ImportJob:
        if not self.has_add_permission(request):
            raise PermissionDenied
        job = get_object_or_404(selectors.import_jobs_for_backoffice(), pk=job_id)
        if not may_import(request.user, job.kind):
            raise PermissionDenied
        return job

    def _job_for_viewing(self, request: HttpRequest, job_id) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(selectors.import_jobs_for_backoffice(), pk=job_id)

    def add_view(self, request: HttpRequest, form_url="", extra_context=None) -> HttpResponse:
        """Step 1: the file, what it is and, for a price list, its warehouse."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        ratelimits.check(
            request, group="upload", rate_setting="RATELIMIT_UPLOAD", key=ratelimits.BY_USER
        )
        form = UploadForm(request.POST or None, request.FILES or None)
        kind_field = form.fields["kind"]
        kind_field.choices = [c for c in kind_field.choices if may_import(request.user, c[0])]
        if request.method == "POST" and form.is_valid():
            try:
                job = services.import_job_create(
                    kind=form.cleaned_data["kind"],
                    upload=form.cleaned_data["file"],
                    warehouse=form.cleaned_data["warehouse"],
                    zero_missing=form.cleaned_data["zero_missing"],
                    actor=request.user,
                )
            except ApplicationError as error:
                form.add_error(error.field if error.field in form.fields else None, error.message)
            else:
                return HttpResponseRedirect(
                    reverse("admin:catalog_importjob_mapping", args=[job.pk])
                )
        context = self._context(
            request,
            "Загрузка файла в каталог",
            step=1,
            form=form,
            kinds=self._kind_help(request.user),
        )
        return TemplateResponse(request, "catalog/admin/import_upload.html", context)

    @staticmethod
    def _kind_help(user) -> list[dict]:
        return [
            {
                "label": ImportJob.Kind(kind).label,
                "required": [f.label for f in importer.fields if f.required],
                "optional": [f.label for f in importer.fields if not f.required],
            }
            for kind, importer in IMPORTERS.items()
            if may_import(user, kind)
        ]

    def mapping_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """Step 2: which column holds which field, pre-filled from the headers."""
        job = self._job_for_editing(request, job_id)
        if job.status != ImportJob.Status.DRAFT:
            return HttpResponseRedirect(reverse("admin:catalog_importjob_change", args=[job.pk]))
        form = MappingForm(request.POST or None, job=job)
        if request.method == "POST" and form.is_valid():
            try:
                services.import_job_set_mapping(job_id=job.pk, mapping=form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                return HttpResponseRedirect(
                    reverse("admin:catalog_importjob_preview", args=[job.pk])
                )
        context = self._context(request, "Соответствие столбцов", step=2, job=job, form=form)
        return TemplateResponse(request, "catalog/admin/import_mapping.html", context)

    def preview_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """Step 3: the first rows as the import will read them, with their checks."""
        job = self._job_for_editing(request, job_id)
        if job.status != ImportJob.Status.DRAFT:
            return HttpResponseRedirect(reverse("admin:catalog_importjob_change", args=[job.pk]))
        fields = selectors.preview_fields(job)
        try:
            rows = selectors.import_preview(job)
        except ApplicationError as error:
            rows, read_error = [], error.message
        else:
            read_error = ""
        context = self._context(
            request,
            "Проверка перед импортом",
            step=3,
            job=job,
            fields=fields,
            rows=rows,
            read_error=read_error,
            bad_rows=sum(1 for row in rows if row.error),
        )
        return TemplateResponse(request, "catalog/admin/import_preview.html", context)

    def start_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """«Запустить импорт»: queue the task and go to the progress page."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job_for_editing(request, job_id)
        try:
            services.import_job_start(job_id=job.pk)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:catalog_importjob_mapping", args=[job.pk]))
        return HttpResponseRedirect(reverse("admin:catalog_importjob_change", args=[job.pk]))

    def restart_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        job = self._job_for_editing(request, job_id)
        try:
            services.import_job_restart(job_id=job.pk)
        except ApplicationError as error:
            self.message_user(request, error.message, messages.ERROR)
        return HttpResponseRedirect(reverse("admin:catalog_importjob_change", args=[job.pk]))

    def change_view(self, request: HttpRequest, object_id, form_url="", extra_context=None):
        """The job's page: progress while it runs, the report once it is finished."""
        job = self._job_for_viewing(request, object_id)
        can_import = self.has_add_permission(request) and may_import(request.user, job.kind)
        if job.status == ImportJob.Status.DRAFT and can_import:
            return HttpResponseRedirect(reverse("admin:catalog_importjob_mapping", args=[job.pk]))
        page = Paginator(selectors.import_rejected_rows(job), REPORT_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context = self._context(
            request,
            f"Импорт: {job.original_name}",
            step=4,
            job=job,
            fields=IMPORTERS[job.kind].fields,
            page=page,
            can_import=can_import,
            stalled=services.import_job_is_stalled(job),
        )
        return TemplateResponse(request, "catalog/admin/import_job.html", context)

    def progress_view(self, request: HttpRequest, job_id: int) -> HttpResponse:
        """The htmx fragment polled every second; once the job ends the page reloads."""
        job = self._job_for_viewing(request, job_id)
        response = TemplateResponse(request, "catalog/admin/import_job.html#progress", {"job": job})
        if job.is_finished and request.GET.get("reload"):
            response["HX-Refresh"] = "true"
        return response

    def rejected_download_view(self, request: HttpRequest, job_id: int, fmt: str):
        job = self._job_for_viewing(request, job_id)
        header, rows = selectors.import_rejected_table(job)
        stamp = timezone.localtime(job.created_at).strftime("%Y-%m-%d_%H-%M")
        filename = f"import_{job.pk}_rejected_{stamp}"
        if fmt == "csv":
            response = StreamingHttpResponse(_csv_lines(header, rows), content_type="text/csv")
            response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
            return response
        if fmt == "xlsx":
            columns = [(name, _getter(i)) for i, name in enumerate(header)]
            content = build_xlsx("Отклонённые строки", columns, rows)
            response = HttpResponse(content, content_type=XLSX_MIME)
            response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
            return response
        raise Http404


def _getter(index: int):
    return lambda row: row[index] if index < len(row) else ""


class _Echo:
    def write(self, value: str) -> str:
        return value


def _csv_lines(header: list[str], rows: Iterator[list]) -> Iterator[str]:
    """CSV for Excel: UTF-8 with BOM, «;» separated, streamed row by row."""
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(header)
    for row in rows:
        yield writer.writerow([_safe_cell(v) for v in row])
