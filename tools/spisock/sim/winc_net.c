// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: the firmware's network side behind HIF - the Wi-Fi
 * group (protocols/winc1500.md §5: join, DHCP, scan, RSSI, connection
 * info), DNS and ping (§4.1) - over the configured access points, hosts
 * and pings, as the nina model simulates its network. Runs on the firmware
 * thread, under the model's lock.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "winc_internal.h"

/* Wi-Fi opcodes (§5.1) */
enum {
	W_REQ_RSSI = 3, W_RESP_RSSI = 4, W_REQ_CONN_INFO = 5,
	W_RESP_CONN_INFO = 6, W_REQ_SCAN = 16, W_RESP_SCAN_DONE = 17,
	W_REQ_SCAN_RESULT = 18, W_RESP_SCAN_RESULT = 19,
	W_REQ_SYS_TIME = 26, W_RESP_SYS_TIME = 27, W_PASSIVE_SCAN = 35,
	W_REQ_CONNECT = 40, W_REQ_DEFAULT_CONNECT = 41,
	W_RESP_DEFAULT_CONNECT = 42, W_REQ_DISCONNECT = 43,
	W_RESP_CON_STATE = 44, W_REQ_DHCP_CONF = 50,
};
/* IP-group opcodes served here (§4.1) */
enum { S_DNS = 0x4a, S_PING = 0x52 };

static struct winc_pend *pend_new(struct winc_model *m)
{
	for (int i = 0; i < WINC_MAX_PEND; i++)
		if (!m->pend[i].used) {
			memset(&m->pend[i], 0, sizeof(m->pend[i]));
			m->pend[i].used = true;
			return &m->pend[i];
		}
	return NULL;
}

void winc_dns_request(struct winc_model *m, const uint8_t *p, size_t n)
{
	char name[65] = { 0 };
	struct winc_pend *q = pend_new(m);
	const struct nina_host *h = NULL;
	struct in_addr a = { 0 };
	int delay = m->cfg.dns_ms;

	memcpy(name, p, n < 64 ? n : 64);
	if (!q)
		return;		/* too many in flight: no answer, as lost */
	if (inet_pton(AF_INET, name, &a) == 1) {
		delay = 0;
	} else if (winc_linked(m)) {
		for (int i = 0; i < m->cfg.nhost; i++)
			if (!strcasecmp(m->cfg.host[i].name, name)) {
				h = &m->cfg.host[i];
				break;
			}
		if (h && h->delay_ms >= 0)
			delay = h->delay_ms;
		if (h && !h->fail)
			a = h->addr;
	}
	memcpy(q->reply, name, 64);
	memcpy(q->reply + 64, &a.s_addr, 4);
	q->len = 68;
	q->due = winc_now() + winc_ms_ns(m, delay);
}

void winc_ping_request(struct winc_model *m, const uint8_t *p, size_t n)
{
	struct winc_pend *q;
	struct in_addr a, to;
	uint16_t count, tp;
	int rtt = m->cfg.ping_ms, err = 0;

	if (n < 12 || !(q = pend_new(m))) {
		m->st.violations += n < 12;
		return;
	}
	memcpy(&a.s_addr, p, 4);
	count = winc_get16(p + 8);
	for (int i = 0; i < m->cfg.nping; i++)
		if (m->cfg.ping[i].addr.s_addr == a.s_addr)
			rtt = m->cfg.ping[i].rtt_ms;
	if (!winc_linked(m)) {
		err = 1;	/* destination unreachable */
		rtt = 0;
	} else if (rtt < 0 || !nina_map_out(&m->cfg, a, 0, &to, &tp)) {
		err = 2;	/* timeout */
		rtt = m->cfg.ping_timeout_ms;
	}
	q->ping = true;
	memcpy(q->reply, p, 8);		/* address and the host's token */
	winc_put32(q->reply + 8, err ? 0 : rtt);
	winc_put16(q->reply + 12, err ? 0 : count);
	winc_put16(q->reply + 14, err ? count : 0);
	q->reply[16] = err;
	q->len = 20;
	q->due = winc_now() + winc_ms_ns(m, rtt);
}

/* ---- Wi-Fi group ---- */

void winc_state_changed(struct winc_model *m, int state, int err)
{
	uint8_t r[4] = { state, err };

	winc_event(m, WINC_G_WIFI, W_RESP_CON_STATE, r, 4);
}

static bool sec_matches(const struct nina_ap *ap, int sec, const char *key)
{
	switch (sec) {
	case 1:		/* OPEN */
		return ap->sec == SEC_OPEN;
	case 2:		/* WPA_PSK */
		return (ap->sec == SEC_WPA || ap->sec == SEC_WPA2) &&
		       !strcmp(ap->pass, key);
	default:	/* WEP and 802.1X are not simulated */
		return false;
	}
}

static void start_connect(struct winc_model *m, const uint8_t *p)
{
	char ssid[33] = { 0 }, key[65] = { 0 };
	int sec = p[65];

	memcpy(key, p, 64);
	memcpy(ssid, p + 70, 32);
	if (m->wifi)
		winc_link_lost(m, m->wifi >= 2);
	m->cur_ap = -1;
	m->assoc_err = 1;	/* SCAN_FAIL: no such network */
	for (int i = 0; i < m->cfg.nap; i++) {
		if (strcmp(m->cfg.ap[i].ssid, ssid))
			continue;
		m->cur_ap = i;
		m->assoc_err = sec_matches(&m->cfg.ap[i], sec, key) ? 0 : 3;
		break;
	}
	m->wifi = 1;
	m->t_assoc = winc_now() + winc_ms_ns(m, m->cfg.assoc_ms);
}

void winc_wifi_request(struct winc_model *m, uint8_t op, const uint8_t *p,
		       size_t n)
{
	uint8_t r[48] = { 0 };

	switch (op & 0x7f) {
	case W_REQ_CONNECT:
		if (n < 108) {
			m->st.violations++;
			return;
		}
		if (!p[103]) {		/* credentials kept unless "don't save" */
			memcpy(m->creds, p, 108);
			m->have_creds = true;
		}
		start_connect(m, p);
		return;
	case W_REQ_DEFAULT_CONNECT:
		if (!m->have_creds) {
			r[0] = (uint8_t)-20;	/* empty list */
			winc_event(m, WINC_G_WIFI, W_RESP_DEFAULT_CONNECT, r, 4);
			return;
		}
		start_connect(m, m->creds);
		return;
	case W_REQ_DISCONNECT:
		if (m->wifi)
			winc_link_lost(m, true);
		return;
	case W_REQ_SCAN:
	case W_PASSIVE_SCAN: {
		int ch = n >= 1 ? p[0] : 255;

		if (m->scanning)
			return;
		m->nscan = 0;
		for (int i = 0; i < m->cfg.nap && m->nscan < WINC_MAX_SCAN; i++)
			if (!m->cfg.ap[i].hidden &&
			    (ch == 255 || ch == m->cfg.ap[i].channel))
				m->scan_idx[m->nscan++] = i;
		m->scanning = true;
		m->t_scan = winc_now() + winc_ms_ns(m, m->cfg.scan_ms);
		return;
	}
	case W_REQ_SCAN_RESULT: {
		int i = n >= 1 ? p[0] : 0xff;
		uint8_t res[44] = { 0 };

		res[0] = i;
		if (i < m->nscan) {
			const struct nina_ap *ap = &m->cfg.ap[m->scan_idx[i]];

			res[1] = (uint8_t)ap->rssi;
			res[2] = ap->sec == SEC_OPEN ? 1 : ap->sec == SEC_WEP ? 3 :
				 ap->sec == SEC_ENT ? 4 : 2;
			res[3] = ap->channel;
			memcpy(res + 4, ap->bssid, 6);
			memcpy(res + 10, ap->ssid, strlen(ap->ssid));
		}
		winc_event(m, WINC_G_WIFI, W_RESP_SCAN_RESULT, res, 44);
		return;
	}
	case W_REQ_RSSI:
		r[0] = m->wifi >= 2 ? (uint8_t)m->cfg.ap[m->cur_ap].rssi : 0;
		winc_event(m, WINC_G_WIFI, W_RESP_RSSI, r, 4);
		return;
	case W_REQ_CONN_INFO:
		if (m->wifi >= 2) {
			const struct nina_ap *ap = &m->cfg.ap[m->cur_ap];

			memcpy(r, ap->ssid, strlen(ap->ssid));
			r[33] = ap->sec == SEC_OPEN ? 1 : 2;
			memcpy(r + 34, &m->ip.s_addr, 4);
			memcpy(r + 38, ap->bssid, 6);
			r[44] = (uint8_t)ap->rssi;
		}
		winc_event(m, WINC_G_WIFI, W_RESP_CONN_INFO, r, 48);
		return;
	case W_REQ_SYS_TIME: {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		winc_put16(r, tm.tm_year + 1900);
		r[2] = tm.tm_mon + 1;
		r[3] = tm.tm_mday;
		r[4] = tm.tm_hour;
		r[5] = tm.tm_min;
		r[6] = tm.tm_sec;
		winc_event(m, WINC_G_WIFI, W_RESP_SYS_TIME, r, 8);
		return;
	}
	default:
		return;		/* settings the model accepts and ignores */
	}
}

static void dhcp_event(struct winc_model *m)
{
	const struct nina_ap *ap = &m->cfg.ap[m->cur_ap];
	uint8_t r[24] = { 0 };
	struct in_addr dns = m->cfg.dns[0];
	size_t n;

	m->ip = ap->has_ip ? ap->ip : m->cfg.radio_ip;
	m->mask = ap->has_ip ? ap->mask : m->cfg.radio_mask;
	m->gw = ap->has_ip ? ap->gw : m->cfg.radio_gw;
	memcpy(r, &m->ip.s_addr, 4);
	memcpy(r + 4, &m->gw.s_addr, 4);
	memcpy(r + 8, &dns.s_addr, 4);
	/* tstrM2MIPConfig grew with the firmware (§5.2) */
	if (!winc_version_ge(m, 19, 5, 0)) {
		memcpy(r + 12, &m->mask.s_addr, 4);
		n = 16;
	} else if (!winc_version_ge(m, 19, 7, 0)) {
		memcpy(r + 12, &m->mask.s_addr, 4);
		winc_put32(r + 16, 86400);
		n = 20;
	} else {
		memcpy(r + 12, &m->cfg.dns[1].s_addr, 4);
		memcpy(r + 16, &m->mask.s_addr, 4);
		winc_put32(r + 20, 86400);
		n = 24;
	}
	winc_event(m, WINC_G_WIFI, W_REQ_DHCP_CONF, r, n);
}

/* Association, DHCP, scan, DNS and ping complete when their time comes. */
void winc_net_tick(struct winc_model *m, uint64_t now)
{
	if (m->wifi == 1 && now >= m->t_assoc && winc_ev_room(m) > 0) {
		if (m->assoc_err) {
			m->wifi = 0;
			winc_state_changed(m, 0, m->assoc_err);
		} else {
			m->wifi = 2;
			winc_state_changed(m, 1, 0);
			m->t_dhcp = now + winc_ms_ns(m, m->cfg.winc.dhcp_ms);
		}
	}
	if (m->wifi == 2 && now >= m->t_dhcp && winc_ev_room(m) > 0) {
		m->wifi = 3;
		dhcp_event(m);
	}
	if (m->scanning && now >= m->t_scan && winc_ev_room(m) > 0) {
		uint8_t r[4] = { m->nscan, 0 };

		m->scanning = false;
		winc_event(m, WINC_G_WIFI, W_RESP_SCAN_DONE, r, 4);
	}
	for (int i = 0; i < WINC_MAX_PEND; i++) {
		struct winc_pend *q = &m->pend[i];

		if (!q->used || now < q->due || winc_ev_room(m) < 1)
			continue;
		q->used = false;
		winc_event(m, WINC_G_IP, q->ping ? S_PING : S_DNS, q->reply, q->len);
	}
}

/* The earliest of those times, 0 when none is pending. */
uint64_t winc_net_next(struct winc_model *m)
{
	uint64_t next = 0;

	if (m->wifi == 1)
		next = m->t_assoc;
	if (m->wifi == 2)
		next = m->t_dhcp;
	if (m->scanning && (!next || m->t_scan < next))
		next = m->t_scan;
	for (int i = 0; i < WINC_MAX_PEND; i++)
		if (m->pend[i].used && (!next || m->pend[i].due < next))
			next = m->pend[i].due;
	return next;
}

void winc_wifi_reset(struct winc_model *m)
{
	memset(m->pend, 0, sizeof(m->pend));
	m->wifi = 0;
	m->scanning = false;
	m->have_creds = false;
	m->cur_ap = -1;
	m->ip.s_addr = 0;
}
