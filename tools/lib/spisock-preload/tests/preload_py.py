#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Unmodified standard-library clients, run under libspisock-preload in the
VM test. Prints "ok NAME detail" or "fail NAME detail" a line. Several
commands in one run (one interpreter start-up): separate them with "--".

  preload_py.py http HOST PORT PATH     http.client GET, prints status, length
  preload_py.py tcp IP PORT             socket.create_connection echo
  preload_py.py udp IP PORT                      sendto/recvfrom echo
  preload_py.py udp-sides RADIO_IP HOST_IP PORT   a datagram socket decided
                                        on one side refuses the other
  preload_py.py listen PORT             a listener answering one client
  preload_py.py bound-udp ADDR RADIO_IP LOCAL_IP  a port-0 bind on ADDR
                                        keeps its port through the swap: a
                                        native socket on LOCAL_IP receives
                                        from it (recvmsg) via RADIO_IP, and
                                        answers back to that port
  preload_py.py bound-tcp ADDR IP PORT  a port-0 bind on ADDR, then connect:
                                        prints the port (the peer logs it)
  preload_py.py bound-refused IP PORT   a port a radio socket holds: the
                                        sendto fails, the port stays bound
  preload_py.py so-domain IP PORT       SO_DOMAIN of a connected socket
  preload_py.py dns NAME IP             getaddrinfo, gethostbyname_ex and
                                        getnameinfo answer IP; fail.sim fails
"""
import errno
import http.client
import socket
import sys


def out(ok, name, detail):
    print("%s %s %s" % ("ok" if ok else "fail", name, detail), flush=True)
    return 0 if ok else 1


def http_get(host, port, path):
    c = http.client.HTTPConnection(host, int(port), timeout=20)
    c.request("GET", path)
    r = c.getresponse()
    body = r.read()
    return out(r.status == 200, "http", "%d %d" % (r.status, len(body)))


def tcp(ip, port):
    with socket.create_connection((ip, int(port)), timeout=10) as s:
        s.sendall(b"py-tcp\n")
        data = s.recv(100)
    return out(data == b"py-tcp\n", "tcp", repr(data))


def udp(ip, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(10)
    s.sendto(b"py-udp", (ip, int(port)))
    data, peer = s.recvfrom(100)
    return out(data == b"py-udp", "udp", "%r from %s:%d" % (data, peer[0], peer[1]))


def udp_sides(radio_ip, host_ip, port):
    rc = 0
    for first, second in ((radio_ip, host_ip), (host_ip, radio_ip)):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.sendto(b"x", (first, int(port)))
        try:
            s.sendto(b"y", (second, int(port)))
            got = "sent"
        except OSError as e:
            got = errno.errorcode.get(e.errno, str(e.errno))
        rc |= out(got == "EHOSTUNREACH", "udp-sides",
                  "first %s, then %s: %s" % (first, second, got))
        s.close()
    return rc


def bound_udp(addr, radio_ip, local_ip):
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.settimeout(10)
    rx.bind((local_ip, 0))
    rx_port = rx.getsockname()[1]
    tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    tx.settimeout(10)
    tx.bind((addr, 0))
    port = tx.getsockname()[1]
    tx.sendto(b"to-rx", (radio_ip, rx_port))
    data, _, _, peer = rx.recvmsg(100)
    rx.sendto(b"to-tx", peer)
    back, _, _, back_peer = tx.recvmsg(100)
    after = tx.getsockname()[1]
    ok = (data == b"to-rx" and peer[1] == port and back == b"to-tx" and
          back_peer == (radio_ip, rx_port) and after == port)
    return out(ok, "bound-udp", "bound %s:%d, the peer saw %s:%d, the "
               "answer came from %s:%d, getsockname after: port %d" %
               (addr, port, peer[0], peer[1], back_peer[0], back_peer[1],
                after))


def bound_tcp(addr, ip, port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(10)
        s.bind((addr, 0))
        mine = s.getsockname()[1]
        s.connect((ip, int(port)))
        s.sendall(b"bound-tcp\n")
        data = s.recv(100)
        after = s.getsockname()[1]
    return out(data == b"bound-tcp\n" and after == mine, "bound-tcp",
               "port %d, getsockname after: port %d" % (mine, after))


def bound_refused(ip, port):
    a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    a.bind(("127.0.0.1", 0))
    mine = a.getsockname()[1]
    a.sendto(b"a", (ip, int(port)))
    b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    b.bind(("127.0.0.1", mine))
    try:
        b.sendto(b"b", (ip, int(port)))
        got = "sent"
    except OSError as e:
        got = errno.errorcode.get(e.errno, str(e.errno))
    name = b.getsockname()
    return out(got == "EADDRINUSE" and name == ("127.0.0.1", mine),
               "bound-refused", "port %d held on the radio: sendto %s, "
               "getsockname after %s:%d" % (mine, got, name[0], name[1]))


def listen(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", int(port)))
    s.listen(1)
    print("listening", flush=True)
    s.settimeout(30)
    conn, peer = s.accept()
    conn.sendall(b"hello from the listener\n")
    conn.close()
    return out(True, "listen", "accepted %s:%d" % peer)


def dns(name, want):
    gai = sorted({a[4][0] for a in socket.getaddrinfo(name, 80)})
    ex = socket.gethostbyname_ex(name)[2]
    ni = socket.getnameinfo((want, 80), 0)[0]
    try:
        socket.getaddrinfo("fail.sim", 80)
        bad = "resolved"
    except socket.gaierror as e:
        bad = "EAI_NONAME" if e.errno == socket.EAI_NONAME else str(e.errno)
    ok = gai == [want] and ex == [want] and ni == want and bad == "EAI_NONAME"
    return out(ok, "dns", "getaddrinfo %s gethostbyname_ex %s getnameinfo %s "
               "fail.sim %s" % (gai, ex, ni, bad))


def so_domain(ip, port):
    with socket.create_connection((ip, int(port)), timeout=10) as s:
        dom = s.getsockopt(socket.SOL_SOCKET, socket.SO_DOMAIN)
    return out(dom == socket.AF_INET, "so-domain", str(dom))


def main(argv):
    """Run each COMMAND ARGS... of argv, separated by "--"; 0 if all ok."""
    cmds = {"http": http_get, "tcp": tcp, "udp": udp, "udp-sides": udp_sides,
            "listen": listen, "so-domain": so_domain, "dns": dns,
            "bound-udp": bound_udp, "bound-tcp": bound_tcp,
            "bound-refused": bound_refused}
    rc, cur = 0, []
    for word in argv + ["--"]:
        if word != "--":
            cur.append(word)
            continue
        if cur:
            try:
                rc |= cmds[cur[0]](*cur[1:])
            except OSError as e:
                rc |= out(False, cur[0], repr(e))
        cur = []
    return rc


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
