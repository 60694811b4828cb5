# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A small local SMTP server (RFC 5321 subset: EHLO/HELO, MAIL, RCPT, DATA,
RSET, NOOP, QUIT) that accepts every message and remembers what it accepted.
Only on 127.0.0.1; no relaying, nothing leaves the machine."""

import socketserver
import threading
import time
from email.header import decode_header, make_header


def _decode(header):
    """A header's text (RFC 2047 encoded words decoded)."""
    text = header.decode("ascii", "replace")
    return str(make_header(decode_header(text))) if "=?" in text else text


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        try:
            self._session()
        except ConnectionError:
            # The client died mid-session (a killed server): nothing accepted.
            return

    def _session(self):
        sink = self.server.sink
        self._reply("220 localhost crisis-bench SMTP sink")
        rcpts = []
        while True:
            line = self.rfile.readline()
            if not line:
                return
            cmd = line.decode("utf-8", "replace").strip()
            verb = cmd[:4].upper()
            if verb == "EHLO":
                self.wfile.write(b"250-localhost\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n")
            elif verb == "HELO":
                self._reply("250 localhost")
            elif verb == "MAIL":
                rcpts = []
                self._reply("250 OK")
            elif verb == "RCPT":
                rcpts.append(cmd.split(":", 1)[1].strip().strip("<>").split(">")[0])
                self._reply("250 OK")
            elif verb == "DATA":
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                message_id, subject, header = b"", b"", None
                while True:
                    data = self.rfile.readline()
                    if not data or data in (b".\r\n", b".\n"):
                        break
                    # Only the Message-Id is kept, read from the header
                    # block (folded lines included) without parsing the
                    # whole message: a real relay spends no Python on it.
                    if header == b"":
                        continue  # the body
                    if data in (b"\r\n", b"\n"):
                        header = b""
                    elif data[:1] in (b" ", b"\t"):
                        if header == b"message-id":
                            message_id += data.strip()
                        elif header == b"subject":
                            subject += data.rstrip(b"\r\n")
                    else:
                        header = data.split(b":", 1)[0].lower()
                        if header == b"message-id":
                            message_id = data[11:].strip()
                        elif header == b"subject":
                            subject = data[8:].strip()
                sink.accept(
                    message_id.decode("ascii", "replace"), rcpts, _decode(subject)
                )
                self._reply("250 OK queued")
                rcpts = []
            elif verb == "RSET":
                rcpts = []
                self._reply("250 OK")
            elif verb == "NOOP":
                self._reply("250 OK")
            elif verb == "QUIT":
                self._reply("221 Bye")
                return
            else:
                self._reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """``with SmtpSink(port) as sink: ... sink.count, sink.messages``"""

    def __init__(self, port):
        self.port = port
        self.lock = threading.Lock()
        self.messages = []  # (time, message_id, [recipients])
        self.subjects = {}  # message_id -> subject
        self.server = _Server(("127.0.0.1", port), _Handler)
        self.server.sink = self

    def accept(self, message_id, rcpts, subject=""):
        with self.lock:
            self.messages.append((time.time(), message_id, rcpts))
            self.subjects[message_id] = subject

    @property
    def count(self):
        with self.lock:
            return len(self.messages)

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def main():
    """``python bench/smtp_sink.py PORT FILE``: serve until killed, one line
    per accepted message in FILE (time, Message-Id, recipients)."""
    import sys

    port, path = int(sys.argv[1]), sys.argv[2]
    with open(path, "a", buffering=1) as out:

        class FileSink(SmtpSink):
            def accept(self, message_id, rcpts, subject=""):
                out.write(f"{time.time():.4f}\t{message_id}\t{','.join(rcpts)}\n")

        with FileSink(port):
            threading.Event().wait()


if __name__ == "__main__":
    main()
