"""The directory as a spreadsheet: export, and import through django-import-export.

Imports run in bulk (the library's default costs four queries a row): references
(communes, legal forms, NAF codes) and the existing structures that the file's
rows match are read once per import, not once per row. Errors are French and
point at the row.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from import_export import exceptions, fields, resources, widgets

from essplan.datacache import DIRECTORY
from essplan.forms import SPACES
from essplan.imports import (
    CachedReferenceWidget,
    ChoiceWidget,
    FileLines,
    FrenchBooleanWidget,
    FrenchDecimalWidget,
    FrenchIntegerWidget,
    missing_parts,
    strip_cells,
)
from essplan.versioning import violated_constraint
from essplan.workbooks import YEAR

from .models import Commune, EssFamily, LegalForm, NafCode, Structure

REQUIRED_COLUMNS = ["Nom", "Code commune"]
SIRET_TAKEN_MEANWHILE = (
    "Une structure porte déjà ce SIRET : elle a été enregistrée par quelqu'un d'autre pendant "
    "l'import. Rien n'a été importé ; chargez le fichier à nouveau pour le vérifier."
)


def folded(name):
    """A commune's name without accents, case, hyphens or apostrophes: « Saint-Lô » = « st lo »."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[-'’ ]+", " ", text).strip()
    return re.sub(r"^st ", "saint ", re.sub(r"^ste ", "sainte ", text))


def field(attribute, column, widget=None, **options):
    return fields.Field(
        attribute=attribute, column_name=column, widget=widget or widgets.CharWidget(), **options
    )


class StructureResource(resources.ModelResource):
    # What a dry run matches rows against: the directory and its reference tables.
    reads_scopes = (DIRECTORY,)
    sheet_name = "Structures"
    siret = field("siret", "SIRET")
    siren = field("siren", "SIREN")
    name = field("name", "Nom")
    acronym = field("acronym", "Sigle")
    rna = field("rna", "RNA")
    legal_form = field(
        "legal_form", "Forme juridique", CachedReferenceWidget(LegalForm, "code", "Forme juridique")
    )
    family = field("family", "Famille ESS", ChoiceWidget(EssFamily.choices, "Famille ESS"))
    naf = field("naf", "Code NAF", CachedReferenceWidget(NafCode, "code", "Code NAF"))
    address = field("address", "Adresse")
    commune = field(
        "commune",
        "Code commune",
        CachedReferenceWidget(Commune, "insee_code", "Commune (code INSEE)"),
    )
    commune_name = fields.Field(attribute="commune__name", column_name="Commune", readonly=True)
    employees = field("employees", "Salariés", FrenchIntegerWidget())
    fte = field("fte", "ETP", FrenchDecimalWidget())
    volunteers = field("volunteers", "Bénévoles", FrenchIntegerWidget())
    founding_year = field("founding_year", "Année de création", FrenchIntegerWidget(YEAR))
    is_scop = field("is_scop", "SCOP", FrenchBooleanWidget())
    is_scic = field("is_scic", "SCIC", FrenchBooleanWidget())
    is_cae = field("is_cae", "CAE", FrenchBooleanWidget())
    is_cuma = field("is_cuma", "CUMA", FrenchBooleanWidget())
    siae_type = field("siae_type", "SIAE", ChoiceWidget(Structure.SiaeType.choices, "Type de SIAE"))
    disability_type = field(
        "disability_type", "EA/ESAT", ChoiceWidget(Structure.DisabilityType.choices, "Type EA/ESAT")
    )
    esus_approved = field("esus_approved", "ESUS", FrenchBooleanWidget())
    committee_member = field("committee_member", "Comité de suivi", FrenchBooleanWidget())
    website = field("website", "Site web")
    email = field("email", "Courriel")
    phone = field("phone", "Téléphone")
    contact_name = field("contact_name", "Contact")
    description = field("description", "Description")

    class Meta:
        model = Structure
        fields = export_order = (
            "siret",
            "siren",
            "name",
            "acronym",
            "rna",
            "legal_form",
            "family",
            "naf",
            "address",
            "commune",
            "commune_name",
            "employees",
            "fte",
            "volunteers",
            "founding_year",
            "is_scop",
            "is_scic",
            "is_cae",
            "is_cuma",
            "siae_type",
            "disability_type",
            "esus_approved",
            "committee_member",
            "website",
            "email",
            "phone",
            "contact_name",
            "description",
        )
        import_id_fields = ()
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        clean_model_instances = True

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.existing = {}
        self.seen = FileLines()
        self.with_siret = {}  # (lower name, INSEE code) -> a structure that has a SIRET
        self.commune_names = {}
        self.notes = []  # remarks for the dry run, which do not stop the import

    # The import id is the SIRET, else the name and the commune.
    @staticmethod
    def row_key(row):
        siret = SPACES.sub("", str(row.get("SIRET") or ""))
        if siret:
            return ("siret", siret)
        return (
            "name",
            str(row.get("Nom") or "").strip().lower(),
            str(row.get("Code commune") or "").strip(),
        )

    @staticmethod
    def file_errors(dataset):
        """What makes the whole file unusable, checked before any row is read."""
        return missing_parts(
            dataset,
            REQUIRED_COLUMNS,
            " La première ligne doit porter les noms de colonnes (voir le modèle d'export).",
        )

    def before_import(self, dataset, **kwargs):
        keys = [self.row_key(row) for row in dataset.dict]
        sirets = [key[1] for key in keys if key[0] == "siret"]
        names = {key[1] for key in keys if key[0] == "name"}
        for structure in Structure.objects.filter(siret__in=sirets):
            self.existing[("siret", structure.siret)] = structure
        if names:
            same_names = (
                Structure.objects.annotate(lower_name=Lower("name"))
                .filter(lower_name__in=names)
                .select_related("commune")
            )
            for structure in same_names:
                key = ("name", structure.name.lower(), structure.commune.insee_code)
                if structure.siret:
                    self.with_siret[key] = structure
                else:
                    self.existing[key] = structure
        if "Commune" in (dataset.headers or []):
            self.commune_names = dict(Commune.objects.values_list("insee_code", "name"))

    def before_import_row(self, row, row_number=None, **kwargs):
        strip_cells(row)
        if row.get("SIRET"):
            row["SIRET"] = SPACES.sub("", str(row["SIRET"]))
        key = self.row_key(row)
        line = self.seen.add(key, row_number, "SIRET" if key[0] == "siret" else "nom et commune")
        twin = self.with_siret.get(key)
        if twin is not None and key not in self.existing:
            self.notes.append(
                f"Ligne {line} : « {row.get('Nom')} » n'a pas de SIRET, mais une "
                f"structure de même nom existe dans cette commune (SIRET "
                f"{twin.siret}) : doublon probable."
            )
        code, named = str(row.get("Code commune") or ""), str(row.get("Commune") or "")
        known = self.commune_names.get(code)
        if named and known and folded(named) != folded(known):
            self.notes.append(
                f"Ligne {line} : la commune « {named} » ne correspond pas au code "
                f"INSEE {code} ({known}) ; c'est le code qui est retenu."
            )

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """The new rows, written in a savepoint of their own. Imports take turns
        (essplan.imports.import_staged), but a form or an accepted listing request does not
        wait for them: a structure it records after before_import read the directory makes a
        row's SIRET a unique violation. The library would catch it without rolling back, and
        its next statement would fail in the aborted transaction (a 500); rolled back here, it
        is the import's French error, and nothing is imported."""
        try:
            with transaction.atomic():
                super().bulk_create(using_transactions, dry_run, True, batch_size=batch_size)
        except exceptions.ImportError as failure:
            error = failure.error
            if (
                isinstance(error, IntegrityError)
                and violated_constraint(error) == "unique_structure_siret"
            ):
                error = ValidationError(SIRET_TAKEN_MEANWHILE)
            self.handle_import_error(result, error, raise_errors)

    def get_bulk_update_fields(self):
        return [name for name, field in self.fields.items() if not field.readonly]

    def get_instance(self, instance_loader, row):
        return self.existing.get(self.row_key(row))

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.commune_id is None and "commune" not in errors:
            errors["commune"] = ["La commune (code INSEE) est obligatoire."]
        if not instance.siren and instance.siret:
            instance.siren = instance.siret[:9]
        if not instance.family or (instance.family == EssFamily.OTHER and instance.legal_form):
            instance.family = instance.legal_form.family if instance.legal_form else EssFamily.OTHER
        try:
            # Uniqueness is settled above (a known SIRET updates its structure) and the
            # foreign keys come from the cached references: checking them again would cost
            # queries on every row.
            instance.full_clean(
                exclude=[*errors, "search_document", "commune", "legal_form", "naf"],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)
