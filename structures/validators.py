from django.core.exceptions import ValidationError
from stdnum.exceptions import ValidationError as NumberError
from stdnum.fr import siren, siret


def validate_siret(value):
    try:
        siret.validate(value)
    except NumberError:
        raise ValidationError(
            "SIRET invalide : il faut 14 chiffres dont la clé de contrôle est juste.",
            code="invalid_siret",
        ) from None


def validate_siren(value):
    try:
        siren.validate(value)
    except NumberError:
        raise ValidationError(
            "SIREN invalide : il faut 9 chiffres dont la clé de contrôle est juste.",
            code="invalid_siren",
        ) from None
