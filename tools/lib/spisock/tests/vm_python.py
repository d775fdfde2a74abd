# SPDX-License-Identifier: GPL-2.0
"""The Python module spisock in the VM (run --radio: nina0 linked to the
chip model), every name against AF_INET peers on loopback, in one
interpreter. TAP on stdout.

usage: PYTHONPATH=build/lib/python python3 vm_python.py SPISOCK_RUN WORKDIR
"""
import errno
import gc
import os
import socket as pysock
import ssl
import subprocess
import sys
import threading
import time

import spisock
from spisock import socket, wifi

RADIO_IP = "127.0.2.1"
results = []


def ok(cond, name):
    results.append((bool(cond), name))
    print(("ok" if cond else "not ok"), len(results), "-", name, flush=True)


def check(name):
    """Decorator: run a test function, a raised exception is a failure."""
    def run(fn):
        try:
            fn()
        except Exception as e:  # noqa: BLE001
            ok(False, f"{name}: {type(e).__name__}: {e}")
        return fn
    return run


def raises(fn, exc, err=None):
    try:
        fn()
    except exc as e:
        return err is None or e.errno == err
    except Exception as e:  # noqa: BLE001
        print(f"# got {type(e).__name__}: {e}")
        return False
    return False


def listener():
    srv = pysock.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(10)
    return srv, srv.getsockname()[1]


def pair():
    srv, port = listener()
    s = socket.socket()
    s.connect(("127.0.0.1", port))
    peer, _ = srv.accept()
    srv.close()
    return s, peer


def later(ms, fn):
    t = threading.Timer(ms / 1000, fn)
    t.start()
    return t


print("TAP version 13", flush=True)


@check("constants")
def _():
    names = ["AF_INET", "AF_INET6", "AF_CAN", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW",
             "SOL_SOCKET", "SO_RCVTIMEO", "IPPROTO_TCP", "IPPROTO_UDP"]
    ok(all(isinstance(getattr(socket, n), int) for n in names),
       "spisock.socket has " + ", ".join(names))
    ok(socket.AF_INET == pysock.AF_INET and socket.SOCK_DGRAM == pysock.SOCK_DGRAM,
       "constants have the BSD values")
    ok([wifi.WIFI_OPEN, wifi.WIFI_WEP, wifi.WIFI_WPA, wifi.WIFI_WPA2] == [0, 1, 2, 3],
       "spisock.wifi has WIFI_OPEN, WIFI_WEP, WIFI_WPA, WIFI_WPA2")
    ok(issubclass(socket.timeout, OSError) and socket.timeout is not OSError,
       "socket.timeout is an OSError of its own")
    ok(socket.ip_to_tuple("192.168.1.10") == (192, 168, 1, 10), "ip_to_tuple")
    ok(raises(lambda: socket.ip_to_tuple("192.168.1"), OSError, errno.EINVAL),
       "ip_to_tuple of a bad address: EINVAL")


@check("socket()")
def _():
    s = socket.socket()
    ok((s.family, s.type, s.proto) == (socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP),
       "socket() defaults: AF_INET, SOCK_STREAM, IPPROTO_TCP")
    fd = s.fileno()
    fam = int(open("/sys/module/spisock/parameters/family").read())
    dup = pysock.socket(fileno=os.dup(fd))
    ok(isinstance(fd, int) and dup.getsockopt(pysock.SOL_SOCKET, pysock.SO_DOMAIN) == fam,
       f"fileno() is an AF_SPISOCK ({fam}) descriptor")
    dup.close()
    w = socket.socket(fileno=os.dup(fd))
    ok(w.fileno() != fd and w.type == socket.SOCK_STREAM, "socket(fileno=...) wraps a descriptor")
    w.close()
    s.close()
    ok(raises(s.fileno, OSError, errno.EBADF), "close(); fileno() then raises EBADF")
    ok(raises(lambda: socket.socket(socket.AF_INET6), IOError, errno.EAFNOSUPPORT),
       "socket(AF_INET6) raises IOError (EAFNOSUPPORT)")
    ok(raises(lambda: socket.socket(type=socket.SOCK_RAW), IOError, errno.ESOCKTNOSUPPORT),
       "socket(type=SOCK_RAW) raises IOError")
    u = socket.socket(type=socket.SOCK_DGRAM)
    ok(u.type == socket.SOCK_DGRAM and u.proto == socket.IPPROTO_UDP,
       "socket(type=SOCK_DGRAM): UDP despite the default proto")
    u.close()
    with socket.socket() as c:
        fd = c.fileno()
    ok(raises(c.fileno, OSError, errno.EBADF), "context manager closes")
    c = socket.socket()
    fd = c.fileno()
    del c
    gc.collect()
    ok(raises(lambda: os.fstat(fd), OSError, errno.EBADF), "collection closes the descriptor")


@check("connect/send")
def _():
    srv, port = listener()
    forms = [("127.0.0.1", port), (127, 0, 0, 1, port), f"127.0.0.1:{port}"]
    for form in forms:
        s = socket.socket()
        s.connect(form)
        peer, addr = srv.accept()
        ok(addr[0] == RADIO_IP, f"connect({form!r})")
        peer.close()
        s.close()
    s = socket.socket()
    for bad in ["127.0.0", (127, 0, 0), ("127.0.0.1", 70000), [127, 0, 0, 1, port], 3.5]:
        ok(raises(lambda: s.connect(bad), OSError, errno.EINVAL), f"connect({bad!r}): EINVAL")
    srv.settimeout(0.3)
    ok(raises(srv.accept, pysock.timeout), "... and nothing was sent")
    srv.settimeout(10)
    s.connect(("127.0.0.1", port))
    peer, _ = srv.accept()
    for data in ["str é", b"bytes", bytearray(b"bytearray"), memoryview(b"xxmemoryview")[2:]]:
        n = s.send(data)
        raw = data.encode() if isinstance(data, str) else bytes(data)
        got = b""
        while len(got) < len(raw):
            got += peer.recv(100)
        ok(n == len(raw) and got == raw, f"send({type(data).__name__}) -> {n}")
    big = bytes(range(256)) * 1000
    got = bytearray()

    def drain():
        while len(got) < len(big):
            d = peer.recv(65536)
            if not d:
                break
            got.extend(d)
    t = threading.Thread(target=drain)
    t.start()
    ok(s.sendall(big) is None, "sendall returns None")
    t.join(30)
    ok(got == big, "the peer got all 256000 bytes")
    ok(s.sendall("text") is None and peer.recv(10) == b"text", "sendall(str)")
    s.close()
    peer.close()
    srv.close()
    ok(raises(lambda: socket.socket().connect(("127.0.0.1", port)), ConnectionRefusedError),
       "connect to a closed port: ConnectionRefusedError")


@check("recv")
def _():
    s, peer = pair()
    peer.send(b"12345")
    t = later(300, lambda: peer.send(b"67890"))
    t0 = time.monotonic()
    data = s.recv(10)
    t.join()
    ok(type(data) is bytearray and data == b"1234567890" and time.monotonic() - t0 >= 0.25,
       "recv(10) returns a bytearray after all 10 bytes (300 ms apart)")
    import signal
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    t = later(500, lambda: peer.send(b"0123456789"))
    data = s.recv(10)
    t.join()
    ok(fired and data == b"0123456789", "a signal during recv runs its handler, recv goes on")

    def boom(*a):
        raise KeyboardInterrupt
    signal.signal(signal.SIGALRM, boom)
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    ok(raises(lambda: s.recv(10), KeyboardInterrupt), "a handler that raises ends recv with its exception")
    signal.signal(signal.SIGALRM, old)
    s.sendtimeout(400)
    ok(s.gettimeout() == 400, "sendtimeout(400); gettimeout() == 400")
    peer.send(b"abcd")
    ok(s.recv(10) == b"abcd", "timeout with 4 of 10 bytes: the 4 are returned")
    t0 = time.monotonic()
    try:
        s.recv(10)
        ok(False, "recv with nothing raises timeout")
    except socket.timeout as e:
        ok(e.errno == errno.ETIMEDOUT and isinstance(e, OSError) and
           time.monotonic() - t0 >= 0.39, f"recv with nothing raises socket.timeout ({e})")
    s.settimeout(0)
    ok(raises(lambda: s.recv(10), BlockingIOError), "settimeout(0): non-blocking (BlockingIOError)")
    s.sendtimeout(None)
    ok(s.gettimeout() is None, "sendtimeout(None): blocking")
    peer.send(b"hello world")
    buf = bytearray(5)
    ok(s.recv_into(buf) == 5 and buf == b"hello", "recv_into(buffer): bufsize -1 is len(buffer)")
    buf = bytearray(10)
    ok(s.recv_into(buf, 3) == 3 and buf[:3] == b" wo", "recv_into(buffer, 3)")
    ok(raises(lambda: s.recv_into(bytearray(2), 5), ValueError), "recv_into(bufsize > len): ValueError")
    data, addr = s.recvfrom(10)
    ok(data == b"rld" and addr[0] == "127.0.0.1", f"recvfrom on a stream: {addr}")
    peer.send(b"into")
    buf = bytearray(10)
    n, addr = s.recvfrom_into(buf)
    ok(n == 4 and buf[:4] == b"into", "recvfrom_into(buffer)")
    peer.send(b"end")
    peer.close()
    ok(s.recv(10) == b"end" and s.recv(10) == b"", "EOF: the 3 bytes, then an empty bytearray")
    s.close()


@check("server")
def _():
    l = socket.socket()
    ok(raises(lambda: l.bind("nowhere"), OSError, errno.EINVAL), "bind(bad): EINVAL")
    l.bind(7301)
    l.listen()
    c = pysock.create_connection((RADIO_IP, 7301), timeout=10)
    a, addr = l.accept()
    ok(isinstance(a, socket.socket) and addr[0] == "127.0.0.1" and addr[1] == c.getsockname()[1],
       f"bind(7301), listen(), accept() -> (socket, {addr})")
    a.sendall("Hello!")
    ok(c.recv(10) == b"Hello!", "the AF_INET client got Hello!")
    a.close()
    c.close()
    l.sendtimeout(300)
    ok(raises(l.accept, socket.timeout), "accept with a 300 ms timeout raises socket.timeout")
    l.close()
    l = socket.socket()
    l.bind(("0.0.0.0", 7302))
    l.listen(maxlog=1)
    ok(True, "bind((\"0.0.0.0\", 7302)), listen(maxlog=1)")
    l.close()


@check("udp")
def _():
    peer = pysock.socket(pysock.AF_INET, pysock.SOCK_DGRAM)
    peer.bind(("127.0.0.1", 0))
    peer.settimeout(5)
    port = peer.getsockname()[1]
    u = socket.socket(type=socket.SOCK_DGRAM)
    u.bind((0, 0, 0, 0, 7401))
    peer.sendto(b"d1", (RADIO_IP, 7401))
    u.sendtimeout(5000)
    data, addr = u.recvfrom(100)
    ok(data == b"d1" and addr == ("127.0.0.1", port), f"recvfrom -> ({data!r}, {addr})")
    peer.sendto(b"d22", (RADIO_IP, 7401))
    buf = bytearray(8)
    n, addr = u.recvfrom_into(buf)
    ok(n == 3 and buf[:3] == b"d22", "recvfrom_into")
    for form in [("127.0.0.1", port), (127, 0, 0, 1, port), f"127.0.0.1:{port}"]:
        n = u.sendto(b"back", form)
        ok(n == 4 and peer.recv(10) == b"back", f"sendto(b'back', {form!r})")
    ok(raises(lambda: u.sendto(b"x", "1.2.3"), OSError, errno.EINVAL) and
       raises(lambda: u.sendto(b"x", (1, 2, 3, 4, 5, 6)), OSError, errno.EINVAL),
       "sendto(bad): EINVAL")
    u.settimeout(300)
    ok(raises(lambda: u.recvfrom(10), socket.timeout), "recvfrom with nothing: timeout")
    u.close()
    peer.close()


@check("connect timeout")
def _():
    srv = pysock.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fill = []
    for _ in range(4):
        c = pysock.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fill.append(c)
    time.sleep(0.2)
    s = socket.socket()
    s.sendtimeout(500)
    t0 = time.monotonic()
    ok(raises(lambda: s.connect(("127.0.0.1", port)), socket.timeout, errno.ETIMEDOUT),
       f"a connect that times out raises socket.timeout ({time.monotonic() - t0:.2f} s)")
    s.close()
    for c in fill:
        c.close()
    srv.close()


@check("wifi")
def _():
    ok(wifi.select_radio("your_preferred_net_driver") >= 0, "select_radio(any name) with one radio")
    ok(wifi.is_linked() is True, "is_linked() is True")
    wifi.link("Your Wifi SSID", wifi.WIFI_WPA2, "Your Wifi Password")
    ok(wifi.rssi() == -52, "link(\"Your Wifi SSID\", WIFI_WPA2, ...); rssi() == -52")
    info = wifi.link_info()
    ok(info[0] == RADIO_IP and len(info) == 5, f"link_info() -> {info}")
    ok(info[1:4] == ("255.255.255.0", "127.0.2.254", "127.0.2.53") and
       info[4] == bytes.fromhex("240ac45e1a01"), "link_info(): netmask, gateway, DNS, MAC")
    s, peer = pair()
    wifi.link("Your Wifi SSID", wifi.WIFI_WPA2, "Your Wifi Password")
    s.sendall("alive")
    ok(peer.recv(10) == b"alive", "link() with the same credentials keeps connections")
    s.close()
    peer.close()
    ok(raises(lambda: wifi.link("Your Wifi SSID", wifi.WIFI_WEP, "012"), OSError, errno.EINVAL),
       "link(WIFI_WEP) with a 3-character key: EINVAL")
    ok(raises(lambda: wifi.link("Your Wifi SSID", wifi.WIFI_WPA2, "bad password"),
              PermissionError), "a wrong password: PermissionError (EACCES)")
    wifi.unlink()
    ok(wifi.is_linked() is False, "unlink(); is_linked() is False")
    nets = wifi.scan()
    ok(("Your Wifi SSID", wifi.WIFI_WPA2, -52, bytes.fromhex("020000000003")) in nets,
       f"scan() while not linked finds the examples' network: {nets}")
    wifi.link("Your Wifi SSID", wifi.WIFI_WPA2, "Your Wifi Password")
    ok(wifi.is_linked(), "linked again")
    ok(raises(wifi.scan, OSError, errno.EBUSY), "scan() on a linked radio: EBUSY")
    ok(wifi.gethostbyname("192.168.1.10") == "192.168.1.10", "gethostbyname(dotted)")
    ok(wifi.gethostbyname("localhost.sim") == "127.0.0.1", "gethostbyname(name) through the radio")


@check("ssl")
def _():
    work = sys.argv[2]
    key, cert = os.path.join(work, "k.pem"), os.path.join(work, "c.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", key, "-out", cert,
                    "-days", "1", "-subj", "/CN=localhost", "-addext",
                    "subjectAltName=DNS:localhost"], check=True, capture_output=True)
    port = 7443
    srv = subprocess.Popen(["openssl", "s_server", "-quiet", "-accept", f"127.0.0.1:{port}",
                            "-cert", cert, "-key", key, "-www"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["grep", "-q", f":{port:04X} ", "/proc/net/tcp"]).returncode == 0:
                break
            time.sleep(0.1)
        s = socket.socket()
        s.connect(("127.0.0.1", port))
        raw = pysock.socket(pysock.AF_INET, pysock.SOCK_STREAM, 0, fileno=os.dup(s.fileno()))
        s.close()
        ctx = ssl.create_default_context(cafile=cert)
        with ctx.wrap_socket(raw, server_hostname="localhost") as t:
            t.sendall(b"GET / HTTP/1.0\r\n\r\n")
            data = b""
            while True:
                d = t.recv(4096)
                if not d:
                    break
                data += d
            ok(t.version() is not None and data.startswith(b"HTTP/1.0 200"),
               f"ssl wraps a connected spisock socket: {t.version()} to openssl s_server")
    finally:
        srv.terminate()
        srv.wait()


@check("spisock-run isolation")
def _():
    work = sys.argv[2]
    script = os.path.join(work, "iso.py")
    with open(script, "w") as f:
        f.write("import socket, sys, builtins, http.client\n"
                "from wireless import wifi\n"
                "from driver.wifi.anything import anything\n"
                "anything.init()\n"
                "assert socket.__name__ == 'spisock.socket', socket\n"
                "assert http.client.socket.__name__ == 'socket'\n"
                "assert http.client.socket is sys.modules['socket']\n"
                "assert hasattr(http.client.socket, 'create_connection')\n"
                "assert not hasattr(builtins, 'SOCK_STREAM')\n"
                "assert SOCK_STREAM == 1 and WIFI_WPA2 == 3 and AF_INET == 2\n"
                "wifi.link('Your Wifi SSID', WIFI_WPA2, 'Your Wifi Password')\n"
                "assert wifi.is_linked()\n"
                "print('isolated', sys.argv[1:])\n")
    r = subprocess.run([sys.argv[1], script, "arg"], capture_output=True, text=True)
    ok(r.returncode == 0 and "isolated ['arg']" in r.stdout,
       "spisock-run: the script's imports are spisock's, the stdlib's socket is CPython's"
       + ("" if r.returncode == 0 else " # " + r.stderr.replace("\n", " | ")))


@check("unlink at the end")
def _():
    wifi.unlink()  # leave no note behind: the next test links otherwise
    ok(not wifi.is_linked(), "unlink() at the end")


print(f"1..{len(results)}")
sys.exit(0 if all(r[0] for r in results) else 1)
