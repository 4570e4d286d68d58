"""Requests to appear on the public directory: received from the public form (a honeypot and
a rate limit per sender), then accepted or refused by the ESS team. A request publishes only
the new fiche it makes; for a structure already in the directory, its values are proposals the
team takes field by field, and its publication stays the consent recorded on its fiche.

A sender is known by a keyed hash of its address (``essplan.throttle.client_key``), never by
the address itself; the key is emptied once the request is decided.
"""

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from essplan import notify
from essplan.throttle import take_turns
from essplan.versioning import violated_constraint

from .models import ListingRequest, Structure
from .models.reference import suggested_family

PUBLIC_REQUEST_SOURCE = "Demande d'inscription du site public"


class TooManyRequests(Exception):
    """The sender sent LISTING_REQUESTS_PER_HOUR requests within the last hour."""


class AlreadyPending(Exception):
    """A request for the same SIRET was saved at the same moment, and waits."""


class AlreadyDecided(Exception):
    """Another member of the team decided the request first."""

    def __init__(self, listing):
        super().__init__(listing.get_state_display())
        self.listing = listing


@transaction.atomic
def receive(form, key):
    """FORM's request saved, unless KEY sent too many within the hour, or a request for its
    SIRET already waits (AlreadyPending: the form checked it, but another may have been saved
    meanwhile; the constraint one_pending_listing_request_per_siret refuses the second). The
    sender's lock makes two requests sent at the same moment count one after the other."""
    take_turns(f"listing-request:{key}")
    since = timezone.now() - timedelta(hours=1)
    if (
        ListingRequest.objects.filter(client_key=key, created_at__gte=since).count()
        >= settings.LISTING_REQUESTS_PER_HOUR
    ):
        raise TooManyRequests
    form.instance.client_key = key
    try:
        with transaction.atomic():
            listing = form.save()
    except IntegrityError as error:
        if violated_constraint(error) != "one_pending_listing_request_per_siret":
            raise
        raise AlreadyPending from None
    notify.notify(notify.Kind.LISTING_RECEIVED, listing, notify.team())
    return listing


def _pending(pk):
    """The request PK, locked; AlreadyDecided once someone decided it."""
    listing = ListingRequest.objects.select_for_update().get(pk=pk)
    if listing.state != ListingRequest.State.PENDING:
        raise AlreadyDecided(listing)
    return listing


def _decided(listing, state, user):
    listing.state, listing.decided_by, listing.decided_at = state, user, timezone.now()
    listing.client_key = ""
    listing.save()
    notify.notify(notify.Kind.LISTING_DECIDED, listing, [listing.email])
    return listing


# What a request proposes for a structure's fiche: field of the structure -> field of the
# request.
PROPOSED = {
    "name": "name",
    "commune": "commune",
    "description": "activity",
    "website": "website",
    "public_contact": "public_contact",
    "contact_name": "contact_name",
    "email": "email",
}


def proposals(listing, structure):
    """What LISTING proposes for STRUCTURE (the directory's fiche of its SIRET), field by
    field: [(field, label, current value, proposed value)], the values as the page prints
    them; a proposed value is None where there is nothing to take (empty, or already the
    fiche's)."""
    rows = []
    for field, source in PROPOSED.items():
        current, proposed = getattr(structure, field), getattr(listing, source)
        rows.append(
            (
                field,
                Structure._meta.get_field(field).verbose_name,
                current,
                proposed if proposed and proposed != current else None,
            )
        )
    return rows


@transaction.atomic
def accept(pk, user, *, taken=()):
    """The request PK accepted by USER.

    Without a structure of its SIRET, a new fiche is made of the request and published with
    the consent the form recorded. A structure already in the directory is another matter:
    anyone may type its SIRET, so the request neither publishes it (that is its fiche's
    consent, recorded by the team) nor writes to it, except the proposed values the team
    chose to take (TAKEN, fields of PROPOSED)."""
    listing = _pending(pk)
    structure, created = Structure.objects.select_for_update().get_or_create(
        siret=listing.siret,
        defaults={
            "name": listing.name,
            "siren": listing.siret[:9],
            "commune": listing.commune,
            "legal_form": listing.legal_form,
            "family": listing.family or suggested_family(listing.legal_form),
            "description": listing.activity,
            "website": listing.website,
            "email": listing.email,
            "contact_name": listing.contact_name,
            "public_contact": listing.public_contact,
            "source": PUBLIC_REQUEST_SOURCE,
            "public_since": timezone.now(),
            "public_recorded_by": user,
        },
    )
    fields = [field for field in PROPOSED if field in taken]
    if not created and fields:
        for field in fields:
            setattr(structure, field, getattr(listing, PROPOSED[field]))
        structure.save(update_fields=[*fields, "updated_at"])
    listing.structure = structure
    return _decided(listing, ListingRequest.State.ACCEPTED, user)


@transaction.atomic
def refuse(pk, user):
    return _decided(_pending(pk), ListingRequest.State.REFUSED, user)
