"""Mail goes out pipelined (RFC 2920) where the server offers it: MAIL, RCPT and DATA in one
write, each reply still read and answered as smtplib answers it."""

import smtplib
import socket
import threading

import pytest
from aiosmtpd.controller import Controller
from django.core.mail import EmailMessage, get_connection

from core.mail import PipeliningSMTP
from tests.conftest import SMTP_BACKEND, SMTPInbox, free_port

MESSAGE = b"Subject: Hello\r\n\r\nFirst line\r\n.a line that starts with a dot\r\nLast line\r\n"


class Answering(SMTPInbox):
    """An inbox whose server answers MAIL, RCPT or DATA as told (``{"MAIL": "550 ..."}``)."""

    def __init__(self, answers=None, **kwargs):
        super().__init__(**kwargs)
        self.answers = answers or {}

    async def handle_MAIL(self, server, session, envelope, address, options):  # noqa: N802
        if "MAIL" in self.answers:
            return self.answers["MAIL"]
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        refused = self.answers.get("RCPT", {})
        if address in refused:
            return refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if "DATA" in self.answers:
            return self.answers["DATA"]
        self.recipients = list(envelope.rcpt_tos)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def server():
    controllers = []

    def start(answers=None, *, pipelining=True) -> tuple[Answering, PipeliningSMTP]:
        inbox = Answering(answers, pipelining=pipelining)
        controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
        controller.start()
        controllers.append(controller)
        return inbox, PipeliningSMTP("127.0.0.1", controller.port, timeout=10)

    yield start
    for controller in controllers:
        controller.stop()


def test_a_message_arrives_whole_with_its_dots(server):
    inbox, client = server()
    assert client.sendmail("a@example.org", ["b@example.org"], MESSAGE) == {}
    [received] = inbox.wait_for(1)
    assert received.get_content().splitlines() == [
        "First line",
        ".a line that starts with a dot",
        "Last line",
    ]
    client.quit()


def test_a_refused_recipient_is_named_and_the_others_get_the_message(server):
    inbox, client = server({"RCPT": {"gone@example.org": "550 5.1.1 No such mailbox"}})
    refused = client.sendmail("a@example.org", ["gone@example.org", "b@example.org"], MESSAGE)
    assert refused == {"gone@example.org": (550, b"5.1.1 No such mailbox")}
    inbox.wait_for(1)
    assert inbox.recipients == ["b@example.org"]


@pytest.mark.parametrize("pipelining", [True, False])
def test_refusals_raise_smtplibs_errors_and_the_connection_goes_on(server, pipelining):
    inbox, client = server({"MAIL": "550 5.7.1 Sender refused"}, pipelining=pipelining)
    client.ehlo()
    assert client.has_extn("pipelining") == pipelining
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        client.sendmail("a@example.org", ["b@example.org"], MESSAGE)
    assert (refused.value.smtp_code, refused.value.sender) == (550, "a@example.org")
    inbox.answers = {"RCPT": {"b@example.org": "550 5.1.1 No such mailbox"}}
    with pytest.raises(smtplib.SMTPRecipientsRefused) as nobody:
        client.sendmail("a@example.org", ["b@example.org"], MESSAGE)
    assert nobody.value.recipients == {"b@example.org": (550, b"5.1.1 No such mailbox")}
    inbox.answers = {"DATA": "451 4.3.0 Try again later"}
    with pytest.raises(smtplib.SMTPDataError) as later:
        client.sendmail("a@example.org", ["b@example.org"], MESSAGE)
    assert later.value.smtp_code == 451
    inbox.answers = {}
    client.sendmail("a@example.org", ["b@example.org"], MESSAGE)
    assert len(inbox.wait_for(1)) == 1
    client.quit()


def test_a_server_closing_with_421_closes_the_connection(server):
    _inbox, client = server({"MAIL": "421 4.3.2 Shutting down"})
    with pytest.raises(smtplib.SMTPSenderRefused):
        client.sendmail("a@example.org", ["b@example.org"], MESSAGE)
    assert client.sock is None


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_421_at_the_end_of_data_is_a_data_error_whatever_a_recipient_said(server, pipelining):
    _inbox, client = server(
        {"RCPT": {"gone@example.org": "550 5.1.1 No such mailbox"}, "DATA": "421 4.3.2 Bye"},
        pipelining=pipelining,
    )
    with pytest.raises(smtplib.SMTPDataError) as closing:
        client.sendmail("a@example.org", ["gone@example.org", "b@example.org"], MESSAGE)
    assert closing.value.smtp_code == 421
    assert client.sock is None


@pytest.mark.parametrize("pipelining", [True, False])
def test_a_421_to_a_recipient_refuses_the_recipients_and_closes(server, pipelining):
    _inbox, client = server({"RCPT": {"gone@example.org": "421 4.3.2 Bye"}}, pipelining=pipelining)
    with pytest.raises(smtplib.SMTPRecipientsRefused) as closing:
        client.sendmail("a@example.org", ["gone@example.org", "b@example.org"], MESSAGE)
    assert closing.value.recipients == {"gone@example.org": (421, b"4.3.2 Bye")}
    assert client.sock is None


@pytest.mark.parametrize(
    "address", ["b@example.org\r\nRCPT TO:<c@example.org>", "b@example.org\nDATA"]
)
def test_a_line_break_in_an_address_cannot_add_a_command(server, address):
    inbox, client = server()
    client.sendmail("a@example.org", [address], MESSAGE)
    inbox.wait_for(1)
    assert inbox.recipients == ["b@example.org"]
    client.quit()


class OneServer(threading.Thread):
    """A server on a raw socket recording what the client wrote in its first write after EHLO."""

    def __init__(self):
        super().__init__(daemon=True)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.after_ehlo = b""

    def run(self):
        peer, _ = self.listener.accept()
        with peer, peer.makefile("rb") as lines:
            peer.sendall(b"220 ready\r\n")
            lines.readline()  # EHLO
            peer.sendall(b"250-one.example\r\n250-PIPELINING\r\n250 SIZE 100000\r\n")
            self.after_ehlo = peer.recv(4096)
            peer.sendall(b"250 OK\r\n250 OK\r\n354 Go on\r\n")
            while lines.readline() != b".\r\n":
                pass
            peer.sendall(b"250 Queued\r\n")
            lines.readline()  # QUIT
            peer.sendall(b"221 Bye\r\n")


def test_mail_rcpt_and_data_go_in_one_write():
    listener = OneServer()
    listener.start()
    connection = get_connection(SMTP_BACKEND, host="127.0.0.1", port=listener.port)
    sent = EmailMessage("Hello", "Body", "a@example.org", ["b@example.org"], connection=connection)
    assert sent.send() == 1
    listener.join(timeout=10)
    assert listener.after_ehlo.startswith(b"MAIL FROM:<a@example.org> SIZE=")
    assert listener.after_ehlo.endswith(b"\r\nRCPT TO:<b@example.org>\r\nDATA\r\n")
