"""Who may do what in the directory: one helper per object type, called first in every
view of the app (403 without the role, 404 for an unknown structure)."""

from django.db.models import Manager, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from essplan.roles import Someone, require

from .models import ListingRequest, Structure

VIEW = "structures.view_structure"
ADD = "structures.add_structure"
EDIT = "structures.change_structure"
DECIDE = "structures.change_listingrequest"


def can_read_directory(user: Someone) -> bool:
    """Whether USER reads the directory (its pages, its map, its structures in the search)."""
    return user.has_perm(VIEW)


def can_edit(user: Someone) -> bool:
    return user.has_perm(EDIT)


def can_decide_listings(user: Someone) -> bool:
    """Whether USER decides the requests to appear on the public directory."""
    return user.has_perm(DECIDE)


def structures(
    request: HttpRequest,
    *,
    perm: str = VIEW,
    queryset: Manager[Structure] | QuerySet[Structure] = Structure.objects,
) -> QuerySet[Structure]:
    """The structures the user may see (or add to, with ADD)."""
    require(request.user, perm)
    return queryset.all()


def get_structure(
    request: HttpRequest,
    pk: int,
    *,
    perm: str = VIEW,
    queryset: Manager[Structure] | QuerySet[Structure] = Structure.objects,
) -> Structure:
    """The structure PK if the user holds PERM."""
    require(request.user, perm)
    return get_object_or_404(queryset, pk=pk)


def listing_requests(request: HttpRequest) -> QuerySet[ListingRequest]:
    """The requests to appear on the public directory, for those who decide them."""
    require(request.user, DECIDE)
    return ListingRequest.objects.all()
