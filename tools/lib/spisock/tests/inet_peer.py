# SPDX-License-Identifier: GPL-2.0
"""AF_INET peers for the reference examples (CPython's socket, loopback).

  inet_peer.py server PORT      accept one client, print what it sent
  inet_peer.py client HOST PORT connect (retrying up to 10 s), print the reply
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


def client(host, port):
    for _ in range(200):
        try:
            c = socket.create_connection((host, port), timeout=10)
            break
        except ConnectionRefusedError:
            time.sleep(0.05)
    else:
        sys.exit("no server")
    data = b""
    while True:
        d = c.recv(100)
        if not d:
            break
        data += d
    c.close()
    print(f"AF_INET client got {data!r}")


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(int(sys.argv[2]))
    else:
        client(sys.argv[2], int(sys.argv[3]))
