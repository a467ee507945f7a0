"""The session engine: Django's `cached_db` (sessions in the database, a copy in the cache, so a
page reads its session without a query) that keeps people signing in while the cache is away.

Django's `cached_db` asks the cache whether a new session key is taken and writes the copy
after a database read without catching errors: with Redis down, every sign-in answered 500.
Here those two fall back to the database alone (the database is the truth; the copy is only
speed). Deleting the copy is left unguarded on purpose: a sign-out that could not remove the
cached copy must fail loudly, or the session would come back from the cache when Redis does.
"""

import logging

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore
from django.contrib.sessions.backends.db import SessionStore as DbStore

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(CachedDbStore):
    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:
            logger.warning("Session cache unavailable: the database decides", exc_info=True)
            return DbStore.exists(self, session_key)

    def load(self):
        try:
            return super().load()
        except Exception:
            logger.warning("Session cache unavailable: read from the database", exc_info=True)
            return DbStore.load(self)


def sessions_end_for_user(user_id: int) -> int:
    """End every open session of `user_id` (the database row and its cached copy); how many.

    Django keeps no index of sessions by user, so the unexpired ones are decoded one by one:
    meant for rare acts (a person's data erased), not for every request.
    """
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    ended = 0
    alive = Session.objects.filter(expire_date__gt=timezone.now()).only(
        "session_key", "session_data"
    )
    for session in alive.iterator(chunk_size=2000):
        data = session.get_decoded()
        if str(data.get(SESSION_KEY)) == str(user_id):
            SessionStore(session_key=session.session_key).delete()
            ended += 1
    return ended
