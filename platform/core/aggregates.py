from django.db.models import Aggregate, TextField, Value


class StringJoin(Aggregate):
    """The values of a group joined by ``separator``, in no particular order: ``string_agg`` on
    PostgreSQL, ``group_concat`` on SQLite."""

    function = "STRING_AGG"

    def __init__(self, expression, separator: str, **extra):
        super().__init__(expression, Value(separator), output_field=TextField(), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)
