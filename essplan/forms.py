"""Forms, fields and widgets shared by the apps."""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SPACES = re.compile(r"[\s\u00a0\u202f]")


class FrenchDecimalField(forms.DecimalField):
    """Accepts what French users type: "1 234,50", "1234.5", "1 234 €"."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal"}))
        kwargs.setdefault("localize", True)
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        if isinstance(value, (int, Decimal)):
            return super().to_python(value)
        text = SPACES.sub("", str(value)).removesuffix("€").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValidationError(
                "Saisissez un montant, par exemple 1 234,50.", code="invalid"
            ) from None
        if not number.is_finite():
            raise ValidationError("Saisissez un montant, par exemple 1 234,50.", code="invalid")
        return number


class VersionField(forms.IntegerField):
    """The version the user started from, sent back with the form."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(min_value=1, **kwargs)


ACTIONS_HELP = (
    "Cochez les actions concernées ; le filtre retrouve une action par son code "
    "ou un mot de son intitulé."
)


class ChoicePicker(forms.CheckboxSelectMultiple):
    """Checkboxes with a filter box (static/js/choice-picker.js): a long list of choices (the
    45 actions of a plan) found by a code or a word, ticked, and the ticked ones always in
    view. Without JavaScript, the plain checkboxes (includes/field.html draws them)."""


class PlainSelect(forms.Select):
    """A <select> of flat choices written in Python, for busy pages: every pilot of a plan
    in a filter (150 options on a large one), the status of each row of the bulk entry.
    Django's Select draws each option with a template of its own, many times the work; the
    markup is the same, the first matching option selected. The options are escaped once
    per widget, however many times it is drawn."""

    _options: list[tuple[str, str, str]] | None

    @property
    def choices(self) -> Any:
        return self._choices

    @choices.setter
    def choices(self, value: Iterable[tuple[Any, Any]]) -> None:
        self._choices, self._options = value, None

    def escaped_options(self) -> list[tuple[str, str, str]]:
        """(value as compared, value escaped, label escaped) of each choice."""
        if self._options is None:
            self._options = []
            for value, label in self.choices:
                value = "" if value is None else value  # as Django's Select writes it
                self._options.append(
                    (str(value), conditional_escape(value), conditional_escape(label))
                )
        return self._options

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        wanted, found = {str(v) for v in self.format_value(value)}, False
        options = []
        for key, escaped, label in self.escaped_options():
            selected = not found and key in wanted
            found |= selected
            options.append(
                f'<option value="{escaped}"{" selected" if selected else ""}>{label}</option>'
            )
        attrs = {"name": name, **self.build_attrs(self.attrs, attrs)}
        return mark_safe(
            f"<select{''.join(map(attribute, attrs.items()))}>{''.join(options)}</select>"
        )


def attribute(item: tuple[str, Any]) -> str:
    """One attribute (NAME, VALUE) of a tag, escaped, as django/forms/widgets/attrs.html
    writes it."""
    name, value = item
    if value is False:
        return ""
    return f" {conditional_escape(name)}" + (
        "" if value is True else f'="{conditional_escape(value)}"'
    )


# What the mixin adds to: a form (the type checker's view; at run time, the form class
# that follows it in the bases).
if TYPE_CHECKING:
    _Form = forms.BaseForm
else:
    _Form = object


class StyledFormMixin(_Form):
    """Give every widget its Bootstrap class; invalid fields get is-invalid."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(
                widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple, forms.RadioSelect)
            ):
                css = "form-check-input"
            elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"


class VersionedForm(StyledFormMixin, forms.ModelForm):
    """A ModelForm of a versioned model: the version the user started from travels with
    the form, so that essplan.versioning can refuse a save that would overwrite another. A
    form opened on a row that does not exist yet carries none: the row must still not exist
    when the form is saved."""

    version = VersionField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance._state.adding:
            self.fields["version"].initial = self.instance.version


class FilterForm(StyledFormMixin, forms.Form):
    """The form of the apps' django-filter FilterSets, styled like every other form."""


MAX_UPLOAD = 10 * 1024 * 1024
UPLOAD_EXTENSIONS = {".csv", ".xlsx", ".ods"}


class ImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="Fichier à importer",
        help_text="CSV (séparateur « ; » ou « , », UTF-8 ou Windows-1252), XLSX ou ODS ; 10 Mo au plus.",
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not any(name.endswith(extension) for extension in UPLOAD_EXTENSIONS):
            raise ValidationError(
                "Format non pris en charge : importez un fichier CSV, XLSX ou ODS."
            )
        if upload.size > MAX_UPLOAD:
            raise ValidationError("Fichier trop volumineux : 10 Mo au plus.")
        return upload
