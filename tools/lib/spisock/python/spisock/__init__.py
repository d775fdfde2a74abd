# SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
"""spisock: the reference's socket API on AF_SPISOCK sockets.

  spisock.socket  the reference's socket module: constants, the socket
                  class, ip_to_tuple, the timeout exception
  spisock.wifi    link, unlink, is_linked, scan, link_info, rssi,
                  gethostbyname, WIFI_*, select_radio

Both name what the extension spisock._spisock implements over libspisock.
"""
from . import socket, wifi

__all__ = ["socket", "wifi"]
