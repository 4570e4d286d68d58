import pytest
from django.urls import reverse

from actions.models import Plan
from tests.conftest import COTENTIN

pytestmark = pytest.mark.django_db

CHANGELISTS = [
    "plan",
    "axis",
    "objective",
    "action",
    "direction",
    "progressupdate",
    "budgetline",
    "event",
]


@pytest.mark.parametrize("model", CHANGELISTS)
def test_admin_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:actions_{model}_changelist"))
    assert response.status_code == 200


def test_action_changelist_searches_and_filters(client_for):
    client = client_for("admin_user")
    url = reverse("admin:actions_action_changelist")
    cotentin = Plan.objects.get(slug=COTENTIN).pk
    response = client.get(url, {"q": "PTCE"})
    # Cotentin's 1.4.6 by its title, Caen la mer's 4 by its description
    assert [action.code for action in response.context["cl"].result_list] == ["1.4.6", "4"]
    response = client.get(url, {"q": "PTCE", "plan__id__exact": cotentin})
    assert [action.code for action in response.context["cl"].result_list] == ["1.4.6"]
    response = client.get(url, {"plan__id__exact": cotentin})
    assert response.context["cl"].result_count == 45
    assert client.get(url, {"priority__exact": "haute"}).context["cl"].result_count == 0


def test_admin_is_in_french(client_for):
    html = client_for("admin_user").get(reverse("admin:index")).content.decode()
    assert "Plans d’actions" in html or "Plans d&#x27;actions" in html
    assert "Axes stratégiques" in html
    assert "Objectifs opérationnels" in html


@pytest.mark.parametrize("persona", ["viewer", "editor"])
def test_admin_changelist_is_closed_to_non_administrators(client_for, persona):
    response = client_for(persona).get(reverse("admin:actions_action_changelist"))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")


def test_action_change_page_with_its_follow_up_inlines(client_for, action):
    response = client_for("admin_user").get(
        reverse("admin:actions_action_change", args=[action.pk])
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Points d&#x27;avancement" in html


@pytest.mark.parametrize("model", ["structure", "commune", "legalform", "nafcode"])
def test_directory_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:structures_{model}_changelist"))
    assert response.status_code == 200


def test_admin_exports_but_leaves_imports_to_the_import_pages(client_for):
    from django.urls import NoReverseMatch

    with pytest.raises(NoReverseMatch):
        reverse("admin:structures_structure_import")
    response = client_for("admin_user").get(reverse("admin:structures_structure_export"))
    assert response.status_code == 200


def test_admin_export_neutralises_formulas(client_for):
    from structures.models import Structure

    structure = Structure.objects.order_by("pk").first()
    Structure.objects.filter(pk=structure.pk).update(
        phone="+33 2 33 00 00 00", address='=HYPERLIEN("http://x")'
    )
    admin = client_for("admin_user")
    response = admin.post(
        reverse("admin:structures_structure_export"),
        {
            "format": "0",
            "resource": "0",
            "export_items": [structure.pk],
            **{f"structureresource_{name}": "on" for name in ("name", "address", "phone")},
        },
    )
    content = response.content.decode("utf-8-sig")
    assert "'=HYPERLIEN" in content and "'+33 2 33 00 00 00" in content


@pytest.mark.parametrize("model", ["indicator", "measurement"])
def test_indicator_changelists_open_for_administrators(client_for, model):
    response = client_for("admin_user").get(reverse(f"admin:indicators_{model}_changelist"))
    assert response.status_code == 200


def admin_form(client, url):
    """The admin change form's fields as a browser would post them back."""
    response = client.get(url)
    form = response.context["adminform"].form
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        if isinstance(value, list):
            data[name] = [str(item.pk if hasattr(item, "pk") else item) for item in value]
        else:
            data[name] = value
    for formset in response.context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[f"{formset.formset.prefix}-{name}"] = management[name].value()
        for subform in formset.formset.forms:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = value
    return data


def test_an_admin_save_after_an_editors_is_refused_in_french(client_for, action, editor):
    from django.test import Client

    admin = client_for("admin_user")
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = admin_form(admin, url)
    assert data["edit_version"] == action.version
    # An editor saves the fiche in the application meanwhile.
    other = Client()
    other.force_login(editor)
    assert (
        other.post(
            action.url("actions:action_edit"),
            {
                "version": action.version,
                "priority": "normale",
                "description": "Écrit par Émile",
                "pilot_direction": "",
            },
        ).status_code
        == 302
    )
    response = admin.post(url, {**data, "description": "Écrit par Alice"})
    assert response.status_code == 200
    assert "Quelqu&#x27;un a enregistré cette fiche après que vous l&#x27;avez ouverte" in (
        response.content.decode()
    )
    action.refresh_from_db()
    assert action.description == "Écrit par Émile"


def test_an_admin_inline_save_after_an_editors_is_refused(client_for, action):
    from actions.models import ProgressUpdate

    update = ProgressUpdate.objects.create(action=action, year=2024, status="en_cours", progress=10)
    admin = client_for("admin_user")
    url = reverse("admin:actions_action_change", args=[action.pk])
    data = admin_form(admin, url)
    ProgressUpdate.objects.filter(pk=update.pk).update(progress=70)  # someone else's save
    prefix = next(key for key, value in data.items() if value == update.pk).rsplit("-", 1)[0]
    response = admin.post(url, {**data, f"{prefix}-progress": "20"})
    assert response.status_code == 200
    assert "Quelqu&#x27;un a enregistré cette fiche" in response.content.decode()
    update.refresh_from_db()
    assert update.progress == 70


def test_an_admin_save_from_the_current_version_goes_through(client_for, action):
    admin = client_for("admin_user")
    url = reverse("admin:actions_action_change", args=[action.pk])
    response = admin.post(url, {**admin_form(admin, url), "description": "Écrit par Alice"})
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Écrit par Alice"


def test_the_plan_admin_shows_the_deliberations_budget_table(client_for):
    caen = Plan.objects.get(slug="caen-la-mer-ess-2013-2015")
    response = client_for("admin_user").get(reverse("admin:actions_plan_change", args=[caen.pk]))
    assert response.status_code == 200
    formset = next(
        formset
        for formset in response.context["inline_admin_formsets"]
        if formset.formset.model.__name__ == "DeliberationBudgetRow"
    )
    labels = [form.instance.label for form in formset.formset.forms]
    assert len(labels) == 25
    assert labels[-2:] == ["Total budget communication + RH", "Total budget Dévéco"]
