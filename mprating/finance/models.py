from mprating.finance.onec.models import *  # noqa
