"""The embedded Celery broker: messages are files, and no reader ever sees half of one.

kombu's file-system transport creates a message file in the queue folder and then writes into it,
so a worker listing the folder at that moment reads an empty or partial file and dies with
``JSONDecodeError`` (kombu issue 1551); its exchange tables are rewritten in place the same way.
Here every file is written in a staging folder beside its destination and renamed into place
(``os.replace`` is atomic within one file system): a reader sees the whole file or nothing.

A consumer claims a message by renaming it into a claim folder of its own, and deletes it once the
message is acknowledged. The claim folder carries a POSIX lock held for the life of the process,
so when a worker is killed, the next consumer to start finds the lock free and puts the killed
worker's messages back in the queue: with late acknowledgement no task is lost to a crash.

``config.celery_app`` makes ``filesystem://`` mean this transport.
"""

import contextlib
import fcntl
import logging
import os
import tempfile
import threading
import time
import uuid
from pathlib import Path
from queue import Empty

from kombu.exceptions import ChannelError
from kombu.transport import filesystem, virtual
from kombu.utils.encoding import bytes_to_str, str_to_bytes
from kombu.utils.json import dumps, loads

logger = logging.getLogger(__name__)

STAGING = ".staging"  # files being written, renamed into their folder when whole
CLAIMS = ".claimed"  # one folder per consuming channel: messages delivered, not yet acknowledged
REJECTED = ".unreadable"  # files that are not a message, kept for a human to look at
NEW_CLAIM_FOLDER = ".new-"  # a claim folder before its lock is taken
OWNER = ".owner"  # the locked file that says a claim folder's process is alive
TABLE_LOCK = ".lock"

# Claim folders this process holds. POSIX locks belong to the process, so probing one of our own
# would succeed (and closing the probe would drop the lock).
_claimed_here: set[Path] = set()


def write_atomically(path: Path, data: bytes) -> None:
    """Write `path` so that a reader finds all of `data` there or no file at all."""
    staging = path.parent / STAGING
    staging.mkdir(exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=staging)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def message_file_name(queue: str) -> str:
    """Names sort in the order messages were sent, as kombu's do (the queue follows the dot)."""
    return f"{time.monotonic_ns():020d}_{uuid.uuid4().hex}.{queue}.msg"


class Channel(filesystem.Channel):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._claim_folder: Path | None = None
        self._owner = None
        self._claims: dict[str, Path] = {}  # delivery tag -> claimed file
        self._no_ack_queues: set[str] = set()
        self._settled = threading.Condition()  # notified when a message is acknowledged

    # --- Publishing -------------------------------------------------------------------------------

    def _put(self, queue, payload, **kwargs):
        path = Path(self.data_folder_out) / message_file_name(queue)
        try:
            write_atomically(path, str_to_bytes(dumps(payload)))
        except OSError as error:
            raise ChannelError(f"Cannot add a message to {path.parent}") from error

    # --- Consuming --------------------------------------------------------------------------------

    def _get(self, queue):
        folder = Path(self.data_folder_in)
        claims = self._own_claim_folder()
        for name in sorted(os.listdir(folder)):
            if name.partition(".")[2] != f"{queue}.msg":
                continue
            claimed = claims / name
            try:
                os.rename(folder / name, claimed)
            except FileNotFoundError:
                continue  # another consumer claimed it first
            payload = self._read_claimed(claimed)
            if payload is not None:
                self._hold(claimed, payload, queue)
                return payload
        raise Empty()

    def _read_claimed(self, claimed: Path) -> dict | None:
        try:
            return loads(bytes_to_str(claimed.read_bytes()))
        except ValueError:
            rejected = Path(self.data_folder_in) / REJECTED
            rejected.mkdir(exist_ok=True)
            os.replace(claimed, rejected / claimed.name)
            logger.error("Broker file %s is not a message; moved to %s", claimed.name, rejected)
            return None

    def _hold(self, claimed: Path, payload: dict, queue: str) -> None:
        """Keep the claimed file until the message is acknowledged (or at once if it never is)."""
        delivery_tag = payload.get("properties", {}).get("delivery_tag")
        if delivery_tag is None or queue in self._no_ack_queues:
            claimed.unlink()
        else:
            self._claims[delivery_tag] = claimed

    def _release(self, delivery_tag) -> None:
        claimed = self._claims.pop(delivery_tag, None)
        if claimed is not None:
            with contextlib.suppress(FileNotFoundError):
                claimed.unlink()
        with self._settled:
            self._settled.notify_all()

    def drain_events(self, timeout=None, callback=None):
        if self._consumers:
            # With late acknowledgement and a prefetch limit the worker takes its next message
            # when a task ends: wait for that, rather than sleep through a whole polling interval.
            with self._settled:
                self._settled.wait_for(self.qos.can_consume, self.connection.polling_interval)
        return super().drain_events(timeout=timeout, callback=callback)

    def basic_consume(self, queue, no_ack, *args, **kwargs):
        if no_ack:
            self._no_ack_queues.add(queue)
        return super().basic_consume(queue, no_ack, *args, **kwargs)

    def basic_get(self, queue, no_ack=False, **kwargs):
        message = super().basic_get(queue, no_ack=no_ack, **kwargs)
        if message is not None and no_ack:
            self._release(message.delivery_tag)
        return message

    def basic_ack(self, delivery_tag, multiple=False):
        super().basic_ack(delivery_tag, multiple)
        self._release(delivery_tag)

    def basic_reject(self, delivery_tag, requeue=False):
        super().basic_reject(delivery_tag, requeue=requeue)  # a requeue writes a new file first
        self._release(delivery_tag)

    def _restore(self, message):
        super()._restore(message)
        self._release(message.delivery_tag)

    def close(self):
        super().close()  # gives unacknowledged messages back through _restore
        if self._claim_folder is not None:
            _claimed_here.discard(self._claim_folder)
            self._give_back(self._claim_folder)
            self._owner.close()
            self._claim_folder = self._owner = None

    # --- Claim folders ----------------------------------------------------------------------------

    def _own_claim_folder(self) -> Path:
        if self._claim_folder is None:
            root = Path(self.data_folder_in) / CLAIMS
            root.mkdir(exist_ok=True)
            # Locked before it gets the name other consumers look at, so none takes it for dead.
            new = Path(tempfile.mkdtemp(prefix=NEW_CLAIM_FOLDER, dir=root))
            owner = open(new / OWNER, "ab")  # noqa: SIM115 - held open for the channel's life
            fcntl.lockf(owner, fcntl.LOCK_EX)
            folder = root / new.name.removeprefix(NEW_CLAIM_FOLDER)
            new.rename(folder)
            self._claim_folder, self._owner = folder, owner
            _claimed_here.add(folder)
            self._recover_abandoned_claims(root)
        return self._claim_folder

    def _recover_abandoned_claims(self, root: Path) -> None:
        for folder in root.iterdir():
            if folder.name.startswith(NEW_CLAIM_FOLDER) or folder in _claimed_here:
                continue
            try:
                owner = open(folder / OWNER, "ab")  # noqa: SIM115 - closed below
            except FileNotFoundError:
                continue  # given back meanwhile
            with owner:
                try:
                    fcntl.lockf(owner, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    continue  # its process is alive
                with contextlib.suppress(FileNotFoundError):  # another consumer was quicker
                    self._give_back(folder)

    def _give_back(self, folder: Path) -> None:
        """Return the messages claimed in `folder` to their queues and remove it."""
        messages = [path for path in folder.iterdir() if path.name != OWNER]
        for path in messages:
            os.replace(path, Path(self.data_folder_in) / path.name)
        if messages:
            logger.warning("Put %d unacknowledged message(s) back in the queue", len(messages))
        (folder / OWNER).unlink(missing_ok=True)
        folder.rmdir()

    # --- Exchange tables --------------------------------------------------------------------------

    def get_table(self, exchange):
        try:
            data = self._exchange_file(exchange).read_bytes()
        except FileNotFoundError:
            return []
        except OSError as error:
            raise ChannelError(f"Cannot read the bindings of {exchange!r}") from error
        return [filesystem.exchange_queue_t(*binding) for binding in loads(bytes_to_str(data))]

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._tables_locked():
            table = self.get_table(exchange)
            if binding not in table:
                self._write_table(exchange, [binding, *table])

    def _delete(self, queue, exchange, routing_key, pattern, *args, **kwargs):
        virtual.Channel._delete(self, queue, exchange, routing_key, pattern, *args, **kwargs)
        binding = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        with self._tables_locked():
            table = self.get_table(exchange)
            if binding in table:
                table.remove(binding)
                self._write_table(exchange, table)

    def _write_table(self, exchange, table) -> None:
        write_atomically(self._exchange_file(exchange), str_to_bytes(dumps(table)))

    @contextlib.contextmanager
    def _tables_locked(self):
        """Serialises read-modify-write of the exchange tables; readers need no lock."""
        self.control_folder.mkdir(parents=True, exist_ok=True)
        with open(self.control_folder / TABLE_LOCK, "ab") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield


class Transport(filesystem.Transport):
    Channel = Channel
    # kombu keeps one in-memory record of declared bindings per process, which would stop a
    # second broker folder from ever getting its binding files: one record per folder here.
    states: dict[str, virtual.BrokerState] = {}

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        folder = os.path.abspath(client.transport_options.get("control_folder", "control"))
        self.state = self.states.setdefault(folder, virtual.BrokerState())
