# SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
"""The reference's socket module on AF_SPISOCK sockets.

Timeouts are milliseconds (None: blocking, 0: non-blocking); recv returns a
bytearray; addresses take the reference's forms ("a.b.c.d", (a,b,c,d),
("a.b.c.d",port), (a,b,c,d,port), "a.b.c.d:port") and come back as
("a.b.c.d", port). An elapsed timeout raises `timeout` (a TimeoutError);
bytes a receive had read when it raised are the next receive's first.
"""
from ._spisock import (  # noqa: F401
    AF_CAN, AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_TCP, IPPROTO_UDP,
    MSG_DONTWAIT, MSG_PEEK, MSG_WAITALL, SO_KEEPALIVE, SO_LINGER, SO_RCVTIMEO,
    SO_REUSEADDR, SO_SNDTIMEO, SOCK_DGRAM, SOCK_RAW, SOCK_STREAM, SOL_SOCKET,
    TCP_NODELAY, error, ip_to_tuple, socket, timeout,
)

__all__ = [
    "AF_CAN", "AF_INET", "AF_INET6", "IPPROTO_IP", "IPPROTO_TCP", "IPPROTO_UDP",
    "MSG_DONTWAIT", "MSG_PEEK", "MSG_WAITALL", "SO_KEEPALIVE", "SO_LINGER",
    "SO_RCVTIMEO", "SO_REUSEADDR", "SO_SNDTIMEO", "SOCK_DGRAM", "SOCK_RAW",
    "SOCK_STREAM", "SOL_SOCKET", "TCP_NODELAY", "error", "ip_to_tuple", "socket",
    "timeout",
]
