"""One cost of compiling every ORM query, taken out (issue 13: the back office's fixed cost).

The compiler hashes the selected columns (`Col`) to find ORDER BY terms among them; a `Col`'s
hash is its `identity`, which Django derives for any expression by binding the constructor's
arguments to its signature (`inspect.Signature.bind_partial`, ~25 µs a column, ~20 columns a
list page query). For a `Col` the arguments are known — `(alias, target, output_field=None)` —
so the very same tuple is built directly. Anything else (a subclass, arguments passed another
way) takes Django's path. `test_orm_speed` compares both on the columns of real queries.
"""

from django.db.models.expressions import Col, Expression
from django.utils.functional import cached_property

_django_identity = Expression.__dict__["identity"].func


def col_identity(self) -> tuple:
    args, kwargs = self._constructor_args
    if type(self) is not Col or kwargs or not 2 <= len(args) <= 3:
        return _django_identity(self)
    identify = Col._identity
    return (
        Col,
        ("alias", identify(args[0])),
        ("target", identify(args[1])),
        ("output_field", identify(args[2] if len(args) == 3 else None)),
    )


def install() -> None:
    if "identity" in Col.__dict__:
        return
    identity = cached_property(col_identity)
    identity.__set_name__(Col, "identity")
    Col.identity = identity
