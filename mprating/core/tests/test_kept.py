from mprating.core.kept import Kept


def test_a_piece_is_made_once_and_the_full_store_is_emptied():
    kept = Kept(limit=2)
    made = []

    def make(value):
        made.append(value)
        return value

    assert kept.get_or_make("a", lambda: make("A")) == "A"
    assert kept.get_or_make("a", lambda: make("again")) == "A"  # kept, not made again
    kept.get_or_make("b", lambda: make("B"))
    kept.get_or_make("c", lambda: make("C"))  # full at two: emptied, then «c» kept
    assert dict(kept) == {"c": "C"}
    assert made == ["A", "B", "C"]
