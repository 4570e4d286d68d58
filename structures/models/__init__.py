from .listing import ListingRequest
from .reference import Commune, EssFamily, LegalForm, NafCode
from .snapshot import DirectorySnapshot
from .structure import Structure

__all__ = [
    "Commune",
    "DirectorySnapshot",
    "EssFamily",
    "LegalForm",
    "ListingRequest",
    "NafCode",
    "Structure",
]
