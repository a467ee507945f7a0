"""The back office pages of «Аккаунты маркетплейсов» (django-unfold)."""

from mprating.marketplaces.admin import accounts, buyouts, settings  # noqa: F401
