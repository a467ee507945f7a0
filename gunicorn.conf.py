"""gunicorn reads this file from the working directory (`gunicorn config.wsgi` in README).

Its own refusal of a too long request line is a bare English «Bad Request» page. The limit is
raised to gunicorn's maximum so that an address longer than the site's `MAX_URL_LENGTH` (4094
by default) reaches Django and gets the Russian answer (mprating/core/middleware.py).
"""

limit_request_line = 8190
