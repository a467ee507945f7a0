from mprating.finance.onec import admin as onec_admin  # noqa: F401
