"""A loopback TCP bridge to custodyd's Unix control socket, for tools that speak
HTTP over TCP only (Schemathesis). Each TCP connection accepted on 127.0.0.1 gets
its own connection to the socket, and bytes are copied both ways until either side
closes. The daemon identifies the caller by SO_PEERCRED, so it sees whoever runs
the bridge: run it as the user whose roles a test means to use.

    python3 loopback_bridge.py SOCKET PORTFILE

It listens on an ephemeral port of 127.0.0.1 only, writes the port to PORTFILE, and
serves until killed.
"""

import socket
import sys
import threading


def pipe(source, sink):
    try:
        while True:
            data = source.recv(65536)
            if not data:
                break
            sink.sendall(data)
    except OSError:
        pass
    finally:
        for s, how in ((sink, socket.SHUT_WR), (source, socket.SHUT_RD)):
            try:
                s.shutdown(how)
            except OSError:
                pass


def serve(client, unix_path):
    upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        upstream.connect(unix_path)
    except OSError:
        client.close()
        upstream.close()
        return
    back = threading.Thread(target=pipe, args=(upstream, client), daemon=True)
    back.start()
    pipe(client, upstream)
    back.join()
    client.close()
    upstream.close()


def main():
    unix_path, port_file = sys.argv[1], sys.argv[2]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))  # loopback only: nothing off this machine reaches the daemon
    listener.listen(64)
    with open(port_file + ".tmp", "w") as f:
        f.write(str(listener.getsockname()[1]))
    import os
    os.replace(port_file + ".tmp", port_file)
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve, args=(client, unix_path), daemon=True).start()


if __name__ == "__main__":
    main()
