# SPDX-License-Identifier: LGPL-2.1 OR GPL-2.0
"""The reference's wifi module on spisock's control plane.

link_info() returns (ip, netmask, gateway, dns, mac) and scan()
[(ssid, security, rssi, bssid)], MACs as "24:0a:c4:5e:1a:01".
select_radio(name) picks the radio new sockets use; radio_info() describes
it as a dict (id, name, chip, firmware, flavour, sockets, sync_connect:
True when its connect holds the radio until it ends, so that no timeout
bounds it; accept_after_data: True when a connection is accepted only once
its peer has sent data).
"""
from ._spisock import (  # noqa: F401
    WIFI_OPEN, WIFI_WEP, WIFI_WPA, WIFI_WPA2, gethostbyname, is_linked, link,
    link_info, radio_info, rssi, scan, select_radio, unlink,
)

__all__ = [
    "WIFI_OPEN", "WIFI_WEP", "WIFI_WPA", "WIFI_WPA2", "gethostbyname", "is_linked",
    "link", "link_info", "radio_info", "rssi", "scan", "select_radio", "unlink",
]
