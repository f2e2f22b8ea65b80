"""`field__folded=words`: a text column holds words, accents and case ignored.

The one way text is matched in SQL, used by site search and the publications
list's text filter: "Lahner" finds "Lähner", "rodola" finds "Rodolà",
"Penaloza" finds "Peñaloza". Both sides go through the same SQL function, so
a backend compares text folded one way:

- PostgreSQL: ``LOWER(UNACCENT(text))``, the ``unaccent`` extension
  (created by site_config's ``unaccent`` migration; trusted since PostgreSQL 13, so
  the database owner may create it without being a superuser).
- SQLite: ``LABSITE_FOLD(text)``, `site_config.core.text.fold` registered as
  a deterministic SQL function on every connection (``connect()``).

The search term is an SQL parameter and its ``%``/``_`` are escaped, as for
Django's ``contains``.
"""

from django.db import connections, models
from django.db.backends.signals import connection_created
from django.db.models import Lookup, Value

from site_config.core.text import fold

SQLITE_FUNCTION = "LABSITE_FOLD"


class Fold(models.Func):
    """An expression's text folded in SQL: lower case, accents gone."""

    function = SQLITE_FUNCTION
    arity = 1
    output_field = models.TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, template="LOWER(UNACCENT(%(expressions)s))"
        )


@models.CharField.register_lookup
@models.TextField.register_lookup
class FoldedContains(Lookup):
    """``column__folded="term"``: the folded column contains the folded term."""

    lookup_name = "folded"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs_sql, lhs_params = compiler.compile(Fold(self.lhs))
        rhs_sql, rhs_params = compiler.compile(
            Fold(Value(str(self.rhs), output_field=models.TextField()))
        )
        # Django's own contains pattern, with the term's wildcards escaped.
        pattern = connection.pattern_ops["contains"].format(connection.pattern_esc)
        return f"{lhs_sql} {pattern.format(rhs_sql)}", (*lhs_params, *rhs_params)


def _fold_or_null(text):
    return None if text is None else fold(str(text))


def register_sqlite_function(connection):
    """Give one SQLite connection its LABSITE_FOLD; other backends are left alone."""
    if connection.vendor == "sqlite" and connection.connection is not None:
        connection.connection.create_function(
            SQLITE_FUNCTION, 1, _fold_or_null, deterministic=True
        )


def _on_connection_created(sender, connection, **kwargs):
    register_sqlite_function(connection)


def connect():
    """Register LABSITE_FOLD on every SQLite connection, open ones included."""
    connection_created.connect(_on_connection_created, dispatch_uid="labsite_fold")
    for connection in connections.all(initialized_only=True):
        register_sqlite_function(connection)
