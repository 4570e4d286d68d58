from .reference import Commune, EssFamily, LegalForm, NafCode
from .structure import Structure

__all__ = ["Commune", "EssFamily", "LegalForm", "NafCode", "Structure"]
