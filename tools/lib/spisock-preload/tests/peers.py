#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Native AF_INET peers for libspisock-preload's VM test (never preloaded).

  peers.py tcp-echo PORT LOG [ADDR]  echo every connection's bytes; log
                                 peers (ADDR default 0.0.0.0)
  peers.py udp-echo PORT LOG     echo every datagram; log peers
  peers.py client IP PORT        connect, print one line of greeting
"""
import selectors
import socket
import sys
import threading


def log(path, text):
    with open(path, "a") as f:
        f.write(text + "\n")


def serve_tcp(conn, peer, path):
    log(path, "tcp %s:%d" % peer)
    with conn:
        while True:
            data = conn.recv(65536)
            if not data:
                return
            conn.sendall(data)


def tcp_echo(port, path, addr="0.0.0.0"):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, port))
    s.listen(16)
    print("listening", flush=True)
    while True:
        conn, peer = s.accept()
        threading.Thread(target=serve_tcp, args=(conn, peer, path),
                         daemon=True).start()


def udp_echo(port, path):
    # One socket per address, so a reply leaves from the address the
    # datagram went to (a 0.0.0.0 socket would answer from 127.0.0.1, which
    # a connected peer of 127.0.0.10 rightly ignores).
    sel = selectors.DefaultSelector()
    for addr in ("127.0.0.1", "127.0.0.10"):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((addr, port))
        sel.register(s, selectors.EVENT_READ)
    print("listening", flush=True)
    while True:
        for key, _ in sel.select():
            data, peer = key.fileobj.recvfrom(2048)
            log(path, "udp %s:%d" % peer)
            key.fileobj.sendto(data, peer)


def client(ip, port):
    with socket.create_connection((ip, port), timeout=10) as s:
        s.sendall(b"hi\n")
        print(s.recv(100).decode().strip())


if __name__ == "__main__":
    if sys.argv[1] == "tcp-echo":
        tcp_echo(int(sys.argv[2]), *sys.argv[3:5])
    elif sys.argv[1] == "udp-echo":
        udp_echo(int(sys.argv[2]), sys.argv[3])
    else:
        client(sys.argv[2], int(sys.argv[3]))
