"""A per-process store of pieces worked out once by exactly what they depend on (issue 13).

The key is everything the piece depends on, so a kept piece is never stale and has no time to
live; the store only needs a bound on its size. When it is full it is emptied at once (the
pieces are cheap to make again and the common states come back first), not evicted one by one.
"""

from collections.abc import Callable, Hashable


class Kept(dict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        value = self.get(key)
        if value is None:
            value = make()
            if len(self) >= self.limit:
                self.clear()
            self[key] = value
        return value
