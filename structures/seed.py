"""The directory's part of ``manage.py load_seed``."""

from .services import load_demo_structures, load_reference_data


def load(*, demo):
    communes, forms, codes = load_reference_data()
    yield f"Référentiels : {communes} communes, {forms} formes juridiques, {codes} codes NAF."
    if demo:
        yield f"Structures fictives créées : {load_demo_structures()}."
