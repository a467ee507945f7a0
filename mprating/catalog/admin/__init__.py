"""Back office «Каталог» (issue 3): brands with aliases, products, categories, warehouses,
offers, cross-references, applicability, and the imports (`catalog/imports/admin.py`).

One module per sub-topic: `brands`, `categories` (and warehouses), `products` (and offers),
`links` (cross-references and applicability); `common` holds the shared filters and article
search. The vehicle reference has its own admin (`mprating.vehicles.admin`).

Every changelist runs a fixed number of queries whatever the page size (tests pin it):
related rows come through `list_select_related`, never a query per row. Articles are searched
in any spelling: the search term is normalized like the stored article.
"""

from django.contrib import admin

from mprating.catalog.admin import brands, categories, links, products  # noqa: F401 — register
from mprating.catalog.imports.admin import ImportJobAdmin
from mprating.catalog.models import ImportJob

admin.site.register(ImportJob, ImportJobAdmin)
