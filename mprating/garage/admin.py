"""Back office of the garage: VIN requests with their chat, their settings and the special
original catalogs of makes (`admin_vin.py`). The vehicle reference is `mprating.vehicles.admin`."""

from mprating.garage import admin_vin  # noqa: F401 — registers the admins
