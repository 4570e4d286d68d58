"""The open-data API's URLconf, which the root URLconf includes by its dotted name: the core
app (essplan) sits below every domain app in the import order and imports none of them.
Its namespace is the API's own (« public-api »), as a name of the application too."""

from .api import public_urls

urlpatterns, _, app_name = public_urls()
