"""A local SMTP sink for the digest benchmark: accepts every message, counts them and their
Message-IDs, and writes the counts as JSON to ``--stats`` every half second and on SIGTERM.
It offers PIPELINING (RFC 2920), as production's mail servers do.

    python bench/smtp_sink.py --port 2525 --stats var/sink.json
"""

import argparse
import asyncio
import contextlib
import json
import re
import signal
from collections import Counter
from pathlib import Path

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


class Counting:
    def __init__(self):
        self.messages = 0
        self.bytes = 0
        self.ids: Counter[bytes] = Counter()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages += 1
        self.bytes += len(envelope.content)
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        self.ids[found.group(1) if found else b""] += 1
        return "250 OK"

    def stats(self) -> dict:
        return {
            "messages": self.messages,
            "bytes": self.bytes,
            "distinct_message_ids": len(self.ids),
            "repeated_message_ids": sum(1 for count in self.ids.values() if count > 1),
        }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--stats", type=Path, required=True)
    arguments = parser.parse_args()
    handler = Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=arguments.port)
    controller.start()

    def write() -> None:
        arguments.stats.write_text(json.dumps(handler.stats()))

    loop = asyncio.new_event_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)

    async def report() -> None:
        while not stop.is_set():
            write()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 0.5)

    try:
        loop.run_until_complete(report())
    finally:
        controller.stop()
        write()


if __name__ == "__main__":
    main()
