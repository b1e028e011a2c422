"""The embedded broker (core.broker): several processes sending while one consumes, a killed
consumer, a file that is not a message."""

import builtins
import io
import multiprocessing
import os
import signal
import time
from collections import Counter
from queue import Empty

import kombu
from kombu.transport import filesystem

from config.celery_app import app
from core import broker

SENDERS, MESSAGES_EACH = 3, 20
PAUSE = 0.05  # seconds between the two halves of every file a sender writes
fork = multiprocessing.get_context("fork")


def connect(folder, transport=broker.Transport) -> kombu.Connection:
    options = {
        "data_folder_in": str(folder),
        "data_folder_out": str(folder),
        "control_folder": str(folder / "control"),
    }
    return kombu.Connection("filesystem://", transport=transport, transport_options=options)


class WrittenInTwoHalves:
    """A file open for writing on a slow disk (or holding a large message): each write lands
    half at first and the rest PAUSE later."""

    def __init__(self, file):
        self._file = file

    def write(self, data):
        half = len(data) // 2
        self._file.write(data[:half])
        self._file.flush()
        time.sleep(PAUSE)
        self._file.write(data[half:])
        return len(data)

    def __getattr__(self, name):
        return getattr(self._file, name)

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        return self._file.__exit__(*exception)


def write_slowly_from_now_on() -> None:
    """In this process, every file opened for writing is written in two halves."""
    real_open = io.open

    def open_slowly(file, mode="r", *args, **kwargs):
        opened = real_open(file, mode, *args, **kwargs)
        return WrittenInTwoHalves(opened) if "w" in mode else opened

    builtins.open = io.open = open_slowly


def send_messages(folder, transport, sender: int) -> None:
    write_slowly_from_now_on()
    with connect(folder, transport) as connection:
        queue = connection.SimpleQueue("tasks")
        for number in range(MESSAGES_EACH):
            queue.put({"sender": sender, "number": number})


def consume_while_sending(folder, transport) -> tuple[Counter, list[str]]:
    """What one consumer reads while SENDERS processes send, and the errors it meets."""
    received, errors = Counter(), []
    with connect(folder, transport) as connection:
        queue = connection.SimpleQueue("tasks")
        senders = [
            fork.Process(target=send_messages, args=(folder, transport, sender))
            for sender in range(SENDERS)
        ]
        for sender in senders:
            sender.start()
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            sending = any(sender.is_alive() for sender in senders)
            try:
                message = queue.get(block=False)
            except Empty:
                if not sending:
                    break
                time.sleep(0.001)
            except Exception as error:  # what kills a Celery worker
                errors.append(type(error).__name__)
            else:
                received[message.payload["sender"], message.payload["number"]] += 1
                message.ack()
    assert [sender.exitcode for sender in senders] == [0] * SENDERS
    return received, errors


def test_kombu_file_transport_hands_a_reader_messages_still_being_written(tmp_path):
    """Why core.broker exists (kombu issue 1551)."""
    _received, errors = consume_while_sending(tmp_path, filesystem.Transport)
    assert "JSONDecodeError" in errors


def test_every_message_sent_by_several_processes_is_read_whole_and_once(tmp_path):
    received, errors = consume_while_sending(tmp_path, broker.Transport)
    assert errors == []
    sent = Counter((sender, number) for sender in range(SENDERS) for number in range(MESSAGES_EACH))
    assert received == sent
    assert not list(tmp_path.glob("*.msg"))


def hold_without_acknowledging(folder, report) -> None:
    with connect(folder) as connection:
        message = connection.SimpleQueue("tasks").get(timeout=10)
        report.send(message.payload)
        time.sleep(60)  # killed before this ends


def test_messages_a_killed_consumer_held_go_back_to_the_queue(tmp_path):
    with connect(tmp_path) as connection:
        connection.SimpleQueue("tasks").put({"mail": "verify your address"})
    report, reported = fork.Pipe()
    consumer = fork.Process(target=hold_without_acknowledging, args=(tmp_path, reported))
    consumer.start()
    assert report.poll(20)
    assert report.recv() == {"mail": "verify your address"}

    with connect(tmp_path) as connection:
        queue = connection.SimpleQueue("tasks")
        assert queue.qsize() == 0  # a living consumer's message is not taken from it
    os.kill(consumer.pid, signal.SIGKILL)
    consumer.join()

    with connect(tmp_path) as connection:
        message = connection.SimpleQueue("tasks").get(timeout=5)
        assert message.payload == {"mail": "verify your address"}
        message.ack()
    assert not list(tmp_path.glob("*.msg"))
    assert not list((tmp_path / broker.CLAIMS).iterdir())


def test_a_message_given_back_unacknowledged_is_delivered_again(tmp_path):
    with connect(tmp_path) as connection:
        queue = connection.SimpleQueue("tasks")
        queue.put({"task": 1})
        queue.get(timeout=5).reject(requeue=True)
        again = queue.get(timeout=5)
        assert again.payload == {"task": 1}
        again.ack()
        assert queue.qsize() == 0


def test_a_file_that_is_not_a_message_is_set_aside_and_the_queue_goes_on(tmp_path):
    with connect(tmp_path) as connection:
        queue = connection.SimpleQueue("tasks")
        (tmp_path / f"{'0' * 20}_broken.tasks.msg").write_bytes(b"")
        queue.put({"task": "after the broken file"})
        assert queue.get(timeout=5).payload == {"task": "after the broken file"}
    assert (tmp_path / broker.REJECTED / f"{'0' * 20}_broken.tasks.msg").exists()


def test_the_platform_sends_filesystem_urls_through_the_atomic_transport():
    with app.connection_for_write("filesystem://") as connection:
        assert isinstance(connection.transport, broker.Transport)
