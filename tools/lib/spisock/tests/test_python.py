# SPDX-License-Identifier: GPL-2.0
"""The Python package spisock on the host (no spisock.ko needed): a
pure-Python package over the extension spisock._spisock, whose socket class
is a heap type and whose state (the class, the timeout exception) is each
module object's own (PEP 489 multi-phase initialisation). TAP on stdout.

usage: PYTHONPATH=build/lib/python python3 test_python.py
"""
import importlib.util
import sys

results = []


def ok(cond, name):
    results.append(bool(cond))
    print(("ok" if cond else "not ok"), len(results), "-", name, flush=True)


print("TAP version 13", flush=True)
import spisock  # noqa: E402
from spisock import socket, wifi  # noqa: E402

ok(spisock.__file__.endswith("spisock/__init__.py") and hasattr(spisock, "__path__"),
   f"spisock is a package of Python files: {spisock.__file__}")
ok(socket.__file__.endswith("spisock/socket.py") and wifi.__file__.endswith("spisock/wifi.py"),
   "spisock.socket and spisock.wifi are its modules")
ext = sys.modules.get("spisock._spisock")
ok(ext is not None and ext.__file__.endswith(".so") and ext.__spec__.name == "spisock._spisock",
   "over the extension spisock._spisock")
names = ["AF_INET", "AF_INET6", "AF_CAN", "SOCK_STREAM", "SOCK_DGRAM", "SOCK_RAW", "SOL_SOCKET",
         "SO_RCVTIMEO", "IPPROTO_TCP", "IPPROTO_UDP", "socket", "timeout", "error", "ip_to_tuple"]
ok(all(hasattr(socket, n) for n in names), "spisock.socket has the reference's names")
wnames = ["link", "unlink", "is_linked", "scan", "link_info", "rssi", "gethostbyname",
          "WIFI_OPEN", "WIFI_WEP", "WIFI_WPA", "WIFI_WPA2", "select_radio"]
ok(all(hasattr(wifi, n) for n in wnames), "spisock.wifi has the reference's names")
ok(socket.socket.__module__ == "spisock.socket" and socket.timeout.__module__ == "spisock.socket",
   "socket and timeout belong to spisock.socket")
ok(socket.socket.__flags__ & (1 << 9), "the socket class is a heap type")
ok(issubclass(socket.timeout, TimeoutError) and socket.error is OSError,
   "timeout is a TimeoutError, error is OSError")

# A second module object from the same extension: its own class and exception.
spec = importlib.util.find_spec("spisock._spisock")
other = importlib.util.module_from_spec(spec)
spec.loader.exec_module(other)
ok(other is not ext and other.socket is not ext.socket and other.timeout is not ext.timeout,
   "a second instance of the extension has its own socket class and timeout (module state)")
ok(other.socket.__name__ == "socket" and issubclass(other.timeout, TimeoutError),
   "... of the same kind")


class Mine(socket.socket):
    pass


ok(issubclass(Mine, socket.socket), "the socket class can be subclassed")
ok(socket.ip_to_tuple("192.168.1.10") == (192, 168, 1, 10), "ip_to_tuple works without a radio")
try:
    socket.ip_to_tuple("192.168.1")
    ok(False, "ip_to_tuple of a bad address raises")
except OSError as e:
    ok(e.errno == 22, "ip_to_tuple of a bad address: OSError EINVAL")
print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
