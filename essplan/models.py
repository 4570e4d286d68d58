"""The core app has no model: its SQL objects (the accent-folding function, the data
versions) are made by its migrations. This module makes Django send it post_migrate."""
