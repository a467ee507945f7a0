"""gunicorn reads this file from the working directory (`gunicorn config.wsgi` in README).

Its own refusal of a too long request line is a bare English «Bad Request» page. The limit is
raised to gunicorn's maximum so that an address longer than the site's `MAX_URL_LENGTH` (4094
by default) reaches Django and gets the Russian answer (mprating/core/middleware.py).
"""

limit_request_line = 8190


def post_worker_init(worker):
    """Once the worker has loaded the app: what is alive now (Django, unfold, ninja, the URL
    and template caches — ~175,000 objects) lives as long as the worker, so it is moved out of
    the garbage collector's sight (`gc.freeze`). A full collection then walks ~30,000 objects
    instead of ~205,000: 24 ms instead of 108 ms, once every ~600 requests of the mixed load,
    ~0.15 ms a request in all (bench/mix_cost.py; issue 13, target 6)."""
    import gc

    gc.collect()
    gc.freeze()
