"""A relay between a client and custodyd's control socket that passes everything, except
that once a stored file is asked for (`GET /v1/blobs/…`) it passes only the first `limit`
bytes of the answer and then holds the rest until `release()`: a download stopped
part-way, for as long as a test needs, whatever the machine's speed (a slow link, made
deterministic). Each connection the client makes gets its own connection to the daemon."""

import os
import socket
import threading


class StallingRelay:
    def __init__(self, upstream: str, path: str, limit: int):
        self.upstream, self.path, self.limit = upstream, path, limit
        self.stalled = threading.Event()
        self.released = threading.Event()
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.listener.bind(path)
        self.listener.listen(16)
        threading.Thread(target=self._accept, daemon=True).start()

    def release(self):
        self.released.set()

    def close(self):
        self.released.set()
        self.listener.close()
        os.unlink(self.path)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        daemon = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        daemon.connect(self.upstream)
        blob = threading.Event()
        threading.Thread(target=self._requests, args=(client, daemon, blob), daemon=True).start()
        passed = 0
        try:
            while True:
                data = daemon.recv(65536)
                if not data:
                    break
                if blob.is_set() and not self.released.is_set():
                    room = max(0, self.limit - passed)
                    client.sendall(data[:room])
                    passed += min(room, len(data))
                    if passed >= self.limit:
                        # The rest waits, unread, until the test lets it go.
                        self.stalled.set()
                        self.released.wait()
                        client.sendall(data[room:])
                    continue
                client.sendall(data)
        except OSError:
            pass
        finally:
            # shutdown, not only close: the thread reading the client wakes, and the client sees the end.
            for s in (client, daemon):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    @staticmethod
    def _requests(client, daemon, blob):
        try:
            while True:
                data = client.recv(65536)
                if not data:
                    break
                if b"GET /v1/blobs/" in data:
                    blob.set()
                daemon.sendall(data)
        except OSError:
            pass
        finally:
            try:
                daemon.shutdown(socket.SHUT_WR)
            except OSError:
                pass
