from .reference import Commune, EssFamily, LegalForm, NafCode
from .snapshot import DirectorySnapshot
from .structure import Structure

__all__ = ["Commune", "DirectorySnapshot", "EssFamily", "LegalForm", "NafCode", "Structure"]
