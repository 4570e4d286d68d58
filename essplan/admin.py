"""The Django admin's side of the version check: an administrator's save is refused, with a
French message, when someone saved the same record after the administrator opened it.

Every change form and inline of a versioned model uses VersionCheckedForm (through
VersionedAdmin and VersionedInline). The admin saves a page inside one transaction: the row
is locked when its version is checked, so nobody can slip a save in before this one ends.
"""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from import_export.admin import ExportMixin

from .accounts import AccountAdmin
from .exports import neutralised
from .models import Notification
from .versioning import CONFLICT_MESSAGE


class VersionCheckedForm(forms.ModelForm):
    # Named apart from the model's "version", which is not editable.
    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["edit_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any] | None:
        data = super().clean()
        if self.instance._state.adding:
            return data
        current = (
            type(self.instance)
            ._default_manager.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if current is None or current != data.get("edit_version"):  # type: ignore[union-attr]
            raise ValidationError(CONFLICT_MESSAGE, code="concurrent_edit")
        return data


class VersionChecked:
    """For a ModelAdmin or an inline of a versioned model: its form carries and checks the
    version, whatever fields or fieldsets the admin class lists."""

    form = VersionCheckedForm

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> Any:
        (name, options), *others = super().get_fieldsets(request, obj)  # type: ignore[misc]
        if "edit_version" in options["fields"]:
            return [(name, options), *others]
        return [(name, {**options, "fields": [*options["fields"], "edit_version"]}), *others]


class VersionedAdmin(VersionChecked, admin.ModelAdmin):  # type: ignore[misc]
    pass


class VersionedTabularInline(VersionChecked, admin.TabularInline):  # type: ignore[misc]
    pass


class SafeExportMixin(ExportMixin):
    """django-import-export's admin export, its formula-like cells neutralised as the
    application's exports do. Imports go through the application's import pages (their
    reader, dry run and single confirmation), never through the admin."""

    def get_data_for_export(
        self, request: HttpRequest, queryset: QuerySet[Any], **kwargs: Any
    ) -> Any:
        return neutralised(super().get_data_for_export(request, queryset, **kwargs))


# Accounts: the address is required and unique (essplan.accounts).
admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The hand-off e-mails, to see what went and what waits (with its error)."""

    list_display = ["kind", "address", "created_at", "sent_at", "attempts", "last_error"]
    list_filter = ["kind", ("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["address"]
    readonly_fields = [field.name for field in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
