"""A read replica for the heavy reads that may lag a little behind: reports and their exports.

With ``DATABASE_REPLICA_URL`` set, the settings name it the ``replica`` database. What runs
inside ``reading_replica()`` reads there: through the ORM by ``ReplicaRouter``, and through raw
SQL on ``connections[read_alias()]``. Every other read, and every write, goes to the primary, so
nobody meets replication lag on their own changes.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS

REPLICA = "replica"
_reading = ContextVar("reading_replica", default=False)


@contextmanager
def reading_replica() -> Iterator[None]:
    token = _reading.set(True)
    try:
        yield
    finally:
        _reading.reset(token)


def read_alias() -> str:
    """The database to read from here: the replica inside ``reading_replica()``, if there is
    one; the primary otherwise."""
    return REPLICA if _reading.get() and REPLICA in settings.DATABASES else DEFAULT_DB_ALIAS


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return read_alias()

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} or None

    def allow_migrate(self, db, app_label, **hints):
        return db != REPLICA  # it copies the primary, migrations included
