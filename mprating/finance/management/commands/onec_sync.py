from mprating.finance.onec.command import Command  # noqa: F401
