# SPDX-License-Identifier: GPL-2.0
"""AF_INET peers for the reference examples (CPython's socket, loopback).

  inet_peer.py server PORT      accept one client, print what it sent
  inet_peer.py client HOST PORT [hello]
                                connect (retrying up to 10 s), print the reply;
                                with hello, send one byte first (a radio whose
                                chip books a connection only once it has sent
                                data: spisock.rst, "The slot path")
"""
import socket
import sys
import time


def server(port):
    with socket.create_server(("127.0.0.1", port)) as srv:
        srv.settimeout(60)
        print("listening", flush=True)
        c, addr = srv.accept()
        c.settimeout(10)
        data = b""
        while True:
            d = c.recv(100)
            if not d:
                break
            data += d
        print(f"AF_INET server got {data!r} from {addr[0]}")


def client(host, port, hello=False):
    # A connection closed unanswered is tried again: on a radio whose
    # firmware cannot stop a server (the slot path, spisock.rst) a closed
    # listener's port takes connects until the next listen() on it, which
    # closes them.
    for _ in range(200):
        try:
            c = socket.create_connection((host, port), timeout=10)
        except ConnectionRefusedError:
            time.sleep(0.05)
            continue
        data = b""
        try:
            if hello:
                c.send(b"\n")
            while True:
                d = c.recv(100)
                if not d:
                    break
                data += d
        except ConnectionResetError:
            pass
        c.close()
        if data:
            break
        time.sleep(0.05)
    else:
        sys.exit("no server")
    print(f"AF_INET client got {data!r}")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]), sys.argv[4:5] == ["hello"])
