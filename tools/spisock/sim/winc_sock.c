// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: the firmware behind HIF - the socket group (§4),
 * the Wi-Fi group (§5), DNS and ping - over the host's POSIX sockets and
 * the configured network (access points, address map, hosts, pings), as
 * the nina model simulates it. Runs on the firmware thread, under the
 * model's lock; socket calls never block.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "winc_internal.h"

/* groups and opcodes (§3.3, §4.1, §5.1) */
enum { G_WIFI = 1, G_IP = 2 };
enum {
	W_REQ_RSSI = 3, W_RESP_RSSI = 4, W_REQ_CONN_INFO = 5,
	W_RESP_CONN_INFO = 6, W_REQ_SCAN = 16, W_RESP_SCAN_DONE = 17,
	W_REQ_SCAN_RESULT = 18, W_RESP_SCAN_RESULT = 19,
	W_REQ_SYS_TIME = 26, W_RESP_SYS_TIME = 27, W_PASSIVE_SCAN = 35,
	W_REQ_CONNECT = 40, W_REQ_DEFAULT_CONNECT = 41,
	W_RESP_DEFAULT_CONNECT = 42, W_REQ_DISCONNECT = 43,
	W_RESP_CON_STATE = 44, W_REQ_DHCP_CONF = 50,
};
enum {
	S_BIND = 0x41, S_LISTEN, S_ACCEPT, S_CONNECT, S_SEND, S_RECV,
	S_SENDTO, S_RECVFROM, S_CLOSE, S_DNS, S_SSL_CONNECT, S_SSL_SEND,
	S_SSL_RECV, S_SSL_CLOSE, S_SETSOCKOPT, S_SSL_CREATE,
	S_SSL_SETSOCKOPT, S_PING,
};
#define TCP_TX_OFFSET	80	/* §3.6 */
#define UDP_TX_OFFSET	68
#define APP_OFFSET	(TCP_TX_OFFSET + 8)

static uint16_t get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static bool room(struct winc_model *m, int n)
{
	return winc_ev_room(m) >= n;
}

/* tstrSockAddr: family LE, port and address in network order (§4.2) */
static void put_addr(uint8_t *p, struct in_addr a, uint16_t port)
{
	put16(p, AF_INET);
	p[2] = port >> 8;
	p[3] = port;
	memcpy(p + 4, &a.s_addr, 4);
}

static void get_addr(const uint8_t *p, struct in_addr *a, uint16_t *port)
{
	*port = p[2] << 8 | p[3];
	memcpy(&a->s_addr, p + 4, 4);
}

/* ---- sockets ---- */

static void sk_free_sends(struct winc_model *m, struct wsock *s)
{
	for (int i = 0; i < s->nsq; i++)
		winc_txb_free(m, s->sq[i].slot);
	s->nsq = 0;
}

static void sk_close(struct winc_model *m, int id)
{
	struct wsock *s = &m->sk[id];

	if (s->fd >= 0) {
		close(s->fd);
		m->st.open_sockets--;
	}
	sk_free_sends(m, s);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

/* The firmware learns of a host-chosen id at its first request (§4.3). */
static bool sk_open(struct winc_model *m, int id)
{
	struct wsock *s = &m->sk[id];
	int one = 1, buf = (int)m->cfg.sock_buf;

	if (s->used && s->fd >= 0)
		return true;
	if (!s->used) {
		memset(s, 0, sizeof(*s));
		s->udp = id >= WINC_TCP_SOCKS;
		s->udp_send_cb = true;
	}
	s->fd = socket(AF_INET, (s->udp ? SOCK_DGRAM : SOCK_STREAM) |
		       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (s->fd < 0)
		return false;
	setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
	if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
		setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
	s->used = true;
	s->st = WS_NEW;
	if (++m->st.open_sockets > m->st.max_open_sockets)
		m->st.max_open_sockets = m->st.open_sockets;
	return true;
}

static bool sk_bind(struct winc_model *m, struct wsock *s, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	sa.sin_addr = m->cfg.radio_ip;
	sa.sin_port = htons(port);
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)))
		return false;
	getsockname(s->fd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	s->st = WS_BOUND;
	return true;
}

static void reply4(struct winc_model *m, uint8_t op, uint8_t sock, int8_t st,
		   uint16_t session)
{
	uint8_t r[4] = { sock, (uint8_t)st };

	put16(r + 2, session);
	winc_event(m, G_IP, op, r, 4);
}

static void send_reply(struct winc_model *m, uint8_t op, uint8_t sock,
		       int16_t sent, uint16_t session)
{
	uint8_t r[8] = { sock };

	put16(r + 2, (uint16_t)sent);
	put16(r + 4, session);
	winc_event(m, G_IP, op, r, 8);
}

static void recv_reply(struct winc_model *m, int id, int16_t status,
		       struct in_addr a, uint16_t port, const void *d,
		       size_t n)
{
	struct wsock *s = &m->sk[id];
	uint8_t r[16] = { 0 };
	/* UDP data comes back as RECVFROM whatever was asked (§7) */
	uint8_t op = s->udp ? S_RECVFROM : s->recv_op;

	put_addr(r, a, port);
	put16(r + 8, (uint16_t)status);
	put16(r + 10, m->cfg.winc.rx_offset);
	r[12] = id;
	put16(r + 14, s->recv_session);
	s->recv_pending = false;
	winc_event2(m, G_IP, op, r, 16, m->cfg.winc.rx_offset, d, n);
}

static bool linked(struct winc_model *m)
{
	return m->wifi == 3;
}

static void h_bind(struct winc_model *m, const uint8_t *p, size_t n)
{
	struct in_addr a;
	uint16_t port, session = get16(p + 10);
	int id = (int8_t)p[8];
	struct wsock *s;

	if (n < 12 || id < 0 || id >= WINC_SOCKS) {
		m->st.violations++;
		reply4(m, S_BIND, p[8], SOCK_EINVAL, session);
		return;
	}
	get_addr(p, &a, &port);
	s = &m->sk[id];
	if (s->used && s->fd >= 0 && s->st != WS_NEW) {
		reply4(m, S_BIND, id, SOCK_EINVAL, session);
		return;
	}
	if (!sk_open(m, id)) {
		reply4(m, S_BIND, id, SOCK_EINVAL, session);
		return;
	}
	s->session = session;
	if (!sk_bind(m, s, port)) {
		int e = errno;

		sk_close(m, id);
		reply4(m, S_BIND, id, e == EADDRINUSE ? SOCK_EINUSE :
		       SOCK_EINVAL, session);
		return;
	}
	reply4(m, S_BIND, id, SOCK_OK, session);
}

static void h_listen(struct winc_model *m, const uint8_t *p, size_t n)
{
	int id = (int8_t)p[0];
	uint16_t session = get16(p + 2);
	struct wsock *s;

	if (n < 4 || id < 0 || id >= WINC_TCP_SOCKS) {
		m->st.violations++;
		reply4(m, S_LISTEN, p[0], SOCK_EINVAL, session);
		return;
	}
	s = &m->sk[id];
	if (!s->used || s->fd < 0 || s->st != WS_BOUND ||
	    listen(s->fd, p[1] ? p[1] : 1)) {
		reply4(m, S_LISTEN, id, SOCK_EINVAL, session);
		return;
	}
	s->st = WS_LISTEN;
	s->session = session;
	reply4(m, S_LISTEN, id, SOCK_OK, session);
}

static void connect_reply(struct winc_model *m, int id, int8_t err)
{
	uint8_t r[4] = { id, (uint8_t)err };

	/* tstrConnectReply has no session: the offset follows (§4.2) */
	put16(r + 2, err ? 0 : APP_OFFSET);
	winc_event(m, G_IP, S_CONNECT, r, 4);
}

static void h_connect(struct winc_model *m, const uint8_t *p, size_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct in_addr a, to;
	uint16_t port, tp;
	int id = (int8_t)p[8];
	struct wsock *s;

	if (n < 12 || id < 0 || id >= WINC_SOCKS) {
		m->st.violations++;
		connect_reply(m, p[8], SOCK_EINVAL);
		return;
	}
	get_addr(p, &a, &port);
	s = &m->sk[id];
	if (s->used && s->fd >= 0 &&
	    (s->st == WS_CONNECTING || s->st == WS_LISTEN ||
	     (s->st == WS_CONNECTED && !s->udp))) {
		connect_reply(m, id, SOCK_EINVAL);
		return;
	}
	if (!linked(m) || !nina_map_out(&m->cfg, a, port, &to, &tp)) {
		connect_reply(m, id, SOCK_EINVAL_ADDR);
		return;
	}
	if (!sk_open(m, id) || (s->st == WS_NEW && !sk_bind(m, s, 0))) {
		sk_close(m, id);
		connect_reply(m, id, SOCK_EINVAL);
		return;
	}
	s->session = get16(p + 10);
	s->peer = a;
	s->peer_port = port;
	sa.sin_addr = to;
	sa.sin_port = htons(tp);
	if (!connect(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		s->st = WS_CONNECTED;
		connect_reply(m, id, SOCK_OK);
	} else if (errno == EINPROGRESS && !s->udp) {
		s->st = WS_CONNECTING;
	} else {
		sk_close(m, id);
		connect_reply(m, id, SOCK_EABORTED);
	}
}

static void h_send(struct winc_model *m, int slot, uint8_t op,
		   const uint8_t *p, size_t n, uint32_t paddr)
{
	int id = (int8_t)p[0];
	uint16_t size = get16(p + 2), session = get16(p + 12);
	uint8_t rop = op & 0x7f;
	struct wsock *s;
	struct winc_send *q;
	size_t off;

	if (n < 16 || id < 0 || id >= WINC_SOCKS) {
		m->st.violations++;
		send_reply(m, rop, p[0], SOCK_EINVAL, session);
		winc_txb_free(m, slot);
		return;
	}
	s = &m->sk[id];
	off = s->udp || rop == S_SENDTO ? UDP_TX_OFFSET : TCP_TX_OFFSET;
	if (size > WINC_SEND_MAX || n < off + size) {
		if (n < off + size)
			m->st.violations++;
		send_reply(m, rop, id, SOCK_EINVAL_ARG, session);
		winc_txb_free(m, slot);
		return;
	}
	if (!s->used || s->fd < 0 ||
	    (!s->udp && s->st != WS_CONNECTED) ||
	    (s->udp && rop == S_SEND && s->st != WS_CONNECTED)) {
		send_reply(m, rop, id, SOCK_EINVAL, session);
		winc_txb_free(m, slot);
		return;
	}
	q = &s->sq[s->nsq++];
	memset(q, 0, sizeof(*q));
	q->slot = slot;
	q->op = rop;
	q->session = session;
	q->size = size;
	q->data = paddr + off;
	if (rop == S_SENDTO) {
		struct in_addr a, to;
		uint16_t port, tp;

		get_addr(p + 4, &a, &port);
		q->has_to = nina_map_out(&m->cfg, a, port, &to, &tp);
		q->to.sin_family = AF_INET;
		q->to.sin_addr = to;
		q->to.sin_port = htons(tp);
		if (!q->has_to) {	/* off the simulated network: dropped */
			q->has_to = true;
			q->to.sin_port = 0;
		}
	}
	/* the buffer stays allocated until the data left (16 outstanding) */
	m->txb[slot].st = TXB_HELD;
}

static void h_recv(struct winc_model *m, uint8_t op, const uint8_t *p,
		   size_t n)
{
	size_t want = winc_version_ge(m, 19, 6, 4) ? 12 : 8;
	int id = (int8_t)p[4];
	uint32_t tmo = get32(p);
	struct wsock *s;

	if (n != want)
		m->st.violations++;	/* struct size of another version (§7) */
	if (n < 8 || id < 0 || id >= WINC_SOCKS) {
		uint8_t r[16] = { 0 };

		m->st.violations++;
		put16(r + 8, (uint16_t)SOCK_EINVAL);
		r[12] = p[4];
		winc_event(m, G_IP, op, r, 16);
		return;
	}
	s = &m->sk[id];
	if (!s->used) {
		s->recv_op = op;
		s->recv_session = get16(p + 6);
		recv_reply(m, id, SOCK_EINVAL, (struct in_addr){ 0 }, 0, NULL, 0);
		s->recv_pending = false;
		return;
	}
	if (s->recv_pending)
		m->st.violations++;	/* one receive per socket (§4.6) */
	s->recv_pending = true;
	s->recv_op = op;
	s->recv_session = get16(p + 6);
	s->recv_len = n >= 10 && winc_version_ge(m, 19, 6, 4) ? get16(p + 8) : 0;
	/* 0 and 0xFFFFFFFF wait for ever; the host's time, not scaled */
	s->recv_deadline = tmo && tmo != 0xffffffffu ?
			   winc_now() + (uint64_t)tmo * 1000000ull : 0;
}

static void h_close(struct winc_model *m, const uint8_t *p, size_t n)
{
	int id = (int8_t)p[0];

	if (n < 4 || id < 0 || id >= WINC_SOCKS) {
		m->st.violations++;
		return;
	}
	sk_close(m, id);
}

static void h_setsockopt(struct winc_model *m, const uint8_t *p, size_t n)
{
	int id = (int8_t)p[4];

	if (n < 8 || id < 0 || id >= WINC_SOCKS) {
		m->st.violations++;
		return;
	}
	/* SO_SET_UDP_SEND_CALLBACK; the others change nothing modeled */
	if (p[5] == 0 && sk_open(m, id))
		m->sk[id].udp_send_cb = get32(p) != 0;
}

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

static void h_dns(struct winc_model *m, const uint8_t *p, size_t n)
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
	} else if (linked(m)) {
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

static void h_ping(struct winc_model *m, const uint8_t *p, size_t n)
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
	count = get16(p + 8);
	for (int i = 0; i < m->cfg.nping; i++)
		if (m->cfg.ping[i].addr.s_addr == a.s_addr)
			rtt = m->cfg.ping[i].rtt_ms;
	if (!linked(m)) {
		err = 1;	/* destination unreachable */
		rtt = 0;
	} else if (rtt < 0 || !nina_map_out(&m->cfg, a, 0, &to, &tp)) {
		err = 2;	/* timeout */
		rtt = m->cfg.ping_timeout_ms;
	}
	q->ping = true;
	memcpy(q->reply, p, 8);		/* address and the host's token */
	put32(q->reply + 8, err ? 0 : rtt);
	put16(q->reply + 12, err ? 0 : count);
	put16(q->reply + 14, err ? count : 0);
	q->reply[16] = err;
	q->len = 20;
	q->due = winc_now() + winc_ms_ns(m, rtt);
}

/* ---- Wi-Fi group ---- */

static void state_changed(struct winc_model *m, int state, int err)
{
	uint8_t r[4] = { state, err };

	winc_event(m, G_WIFI, W_RESP_CON_STATE, r, 4);
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

static void h_wifi(struct winc_model *m, uint8_t op, const uint8_t *p,
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
			winc_event(m, G_WIFI, W_RESP_DEFAULT_CONNECT, r, 4);
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
		winc_event(m, G_WIFI, W_RESP_SCAN_RESULT, res, 44);
		return;
	}
	case W_REQ_RSSI:
		r[0] = m->wifi >= 2 ? (uint8_t)m->cfg.ap[m->cur_ap].rssi : 0;
		winc_event(m, G_WIFI, W_RESP_RSSI, r, 4);
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
		winc_event(m, G_WIFI, W_RESP_CONN_INFO, r, 48);
		return;
	case W_REQ_SYS_TIME: {
		time_t t = time(NULL);
		struct tm tm;

		gmtime_r(&t, &tm);
		put16(r, tm.tm_year + 1900);
		r[2] = tm.tm_mon + 1;
		r[3] = tm.tm_mday;
		r[4] = tm.tm_hour;
		r[5] = tm.tm_min;
		r[6] = tm.tm_sec;
		winc_event(m, G_WIFI, W_RESP_SYS_TIME, r, 8);
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
		put32(r + 16, 86400);
		n = 20;
	} else {
		memcpy(r + 12, &m->cfg.dns[1].s_addr, 4);
		memcpy(r + 16, &m->mask.s_addr, 4);
		put32(r + 20, 86400);
		n = 24;
	}
	winc_event(m, G_WIFI, W_REQ_DHCP_CONF, r, n);
}

/* Link loss: TCP connections die, UDP bindings are forgotten (§7). */
void winc_link_lost(struct winc_model *m, bool notify)
{
	if (m->wifi >= 2)
		m->st.link_losses++;
	if (notify && m->wifi)
		state_changed(m, 0, 0);
	m->wifi = 0;
	m->ip.s_addr = 0;
	for (int id = 0; id < WINC_SOCKS; id++) {
		struct wsock *s = &m->sk[id];

		if (!s->used)
			continue;
		if (s->udp) {
			if (s->fd >= 0) {
				close(s->fd);
				m->st.open_sockets--;
			}
			s->fd = -1;
			s->st = WS_NEW;
			sk_free_sends(m, s);
			continue;
		}
		if (s->st == WS_CONNECTING)
			connect_reply(m, id, SOCK_EABORTED);
		if (s->recv_pending)
			recv_reply(m, id, SOCK_EABORTED, s->peer, s->peer_port,
				   NULL, 0);
		sk_close(m, id);
	}
}

void winc_net_reset(struct winc_model *m)
{
	for (int id = 0; id < WINC_SOCKS; id++)
		if (m->sk[id].used || m->sk[id].fd >= 0)
			sk_close(m, id);
	memset(m->pend, 0, sizeof(m->pend));
	m->wifi = 0;
	m->scanning = false;
	m->have_creds = false;
	m->cur_ap = -1;
	m->ip.s_addr = 0;
	m->t_stall = 0;
}

/* ---- request dispatch ---- */

static void do_request(struct winc_model *m, int slot)
{
	uint32_t addr = WINC_TXBUF_BASE + slot * WINC_TXBUF_SIZE;
	const uint8_t *msg = m->shm + (addr - WINC_SHM_BASE);
	uint8_t gid = msg[0], op = (m->txb[slot].word >> 8) & 0xff;
	size_t n = m->txb[slot].size - WINC_HIF_HDR;
	const uint8_t *p = msg + WINC_HIF_HDR;
	uint64_t gen = m->gen;

	m->st.processing_ns += (uint64_t)winc_req_us(m, m->txb[slot].word) * 1000;
	m->st.modeled_ns += (uint64_t)winc_req_us(m, m->txb[slot].word) * 1000;
	if (winc_fault_hit(m, WF_RESET, op & 0x7f, NULL)) {
		winc_reset_locked(m, false);
		return;
	}
	if (winc_fault_hit(m, WF_LINK_DROP, op & 0x7f, NULL))
		winc_link_lost(m, true);
	if (gid == G_WIFI) {
		h_wifi(m, op, p, n);
	} else if (gid == G_IP) {
		switch (op & 0x7f) {
		case S_BIND:
			h_bind(m, p, n);
			break;
		case S_LISTEN:
			h_listen(m, p, n);
			break;
		case S_CONNECT:
			h_connect(m, p, n);
			break;
		case S_SEND:
		case S_SENDTO:
			h_send(m, slot, op, p, n, addr + WINC_HIF_HDR);
			return;		/* the send owns the buffer now */
		case S_RECV:
		case S_RECVFROM:
			h_recv(m, op & 0x7f, p, n);
			break;
		case S_CLOSE:
			h_close(m, p, n);
			break;
		case S_SETSOCKOPT:
			h_setsockopt(m, p, n);
			break;
		case S_DNS:
			h_dns(m, p, n);
			break;
		case S_PING:
			h_ping(m, p, n);
			break;
		default:
			break;	/* TLS and the rest are not modeled */
		}
	}
	if (m->gen == gen)
		winc_txb_free(m, slot);
}

/* ---- the firmware's periodic work ---- */

static void tick_connect(struct winc_model *m, int id)
{
	struct wsock *s = &m->sk[id];
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	int e = 0;
	socklen_t el = sizeof(e);

	if (poll(&p, 1, 0) <= 0)
		return;
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el);
	if (e) {
		sk_close(m, id);
		connect_reply(m, id, SOCK_EABORTED);
		return;
	}
	s->st = WS_CONNECTED;
	connect_reply(m, id, SOCK_OK);
}

static void tick_accept(struct winc_model *m, int id)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct in_addr a;
	uint16_t port;
	uint8_t r[12];
	int nid, fd;

	/* the firmware picks the id: the lowest it does not know (§4.4) */
	for (nid = 0; nid < WINC_TCP_SOCKS; nid++)
		if (!m->sk[nid].used)
			break;
	if (nid == WINC_TCP_SOCKS)
		return;		/* the connection waits in the backlog */
	fd = accept4(m->sk[id].fd, (struct sockaddr *)&sa, &sl,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return;
	memset(&m->sk[nid], 0, sizeof(m->sk[nid]));
	m->sk[nid].used = true;
	m->sk[nid].fd = fd;
	m->sk[nid].st = WS_CONNECTED;
	if (++m->st.open_sockets > m->st.max_open_sockets)
		m->st.max_open_sockets = m->st.open_sockets;
	nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &a, &port);
	m->sk[nid].peer = a;
	m->sk[nid].peer_port = port;
	put_addr(r, a, port);
	r[8] = id;
	r[9] = nid;
	put16(r + 10, APP_OFFSET);
	winc_event(m, G_IP, S_ACCEPT, r, 12);
}

static size_t recv_max(struct winc_model *m, struct wsock *s)
{
	size_t max = WINC_HIF_MAX - WINC_HIF_HDR - m->cfg.winc.rx_offset;

	/* since 19.6.4 never more than the host asked for (§4.4) */
	if (s->recv_len && s->recv_len < max)
		return s->recv_len;
	return max;
}

static void tick_recv(struct winc_model *m, int id)
{
	static uint8_t buf[65536];
	struct wsock *s = &m->sk[id];
	size_t max = recv_max(m, s);
	ssize_t r;

	if (s->udp) {
		struct sockaddr_in sa;
		socklen_t sl = sizeof(sa);
		struct in_addr a;
		uint16_t port;

		r = recvfrom(s->fd, buf, sizeof(buf), MSG_DONTWAIT,
			     (struct sockaddr *)&sa, &sl);
		if (r < 0)
			goto wait;
		/* the rest of a datagram larger than the request is lost */
		nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &a, &port);
		recv_reply(m, id, (int16_t)((size_t)r < max ? (size_t)r : max),
			   a, port, buf, (size_t)r < max ? (size_t)r : max);
		return;
	}
	if (s->st != WS_CONNECTED)
		goto wait;
	if (s->eof)
		r = 0;
	else
		r = recv(s->fd, buf, max, MSG_DONTWAIT);
	if (r > 0) {
		recv_reply(m, id, (int16_t)r, s->peer, s->peer_port, buf, r);
		return;
	}
	if (r == 0) {
		s->eof = true;
		recv_reply(m, id, m->cfg.winc.eof_aborted ? SOCK_EABORTED : 0,
			   s->peer, s->peer_port, NULL, 0);
		return;
	}
	if (errno != EAGAIN && errno != EWOULDBLOCK) {
		recv_reply(m, id, SOCK_EABORTED, s->peer, s->peer_port, NULL, 0);
		return;
	}
wait:
	if (s->recv_deadline && winc_now() >= s->recv_deadline)
		recv_reply(m, id, SOCK_ETIMEOUT, s->peer, s->peer_port, NULL, 0);
}

static void tick_send(struct winc_model *m, int id)
{
	struct wsock *s = &m->sk[id];

	while (s->nsq && room(m, 1)) {
		struct winc_send *q = &s->sq[0];
		const uint8_t *d = m->shm + (q->data - WINC_SHM_BASE);
		ssize_t w;
		int16_t res;

		if (q->has_to)
			w = q->to.sin_port ?
			    sendto(s->fd, d, q->size, MSG_DONTWAIT | MSG_NOSIGNAL,
				   (struct sockaddr *)&q->to, sizeof(q->to)) :
			    q->size;
		else
			w = send(s->fd, d + q->done, q->size - q->done,
				 MSG_DONTWAIT | MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (w >= 0 && !s->udp && q->done + w < q->size) {
			q->done += w;
			continue;
		}
		res = w < 0 && !s->udp ? SOCK_EABORTED : (int16_t)q->size;
		if (!s->udp || s->udp_send_cb)
			send_reply(m, q->op, id, res, q->session);
		winc_txb_free(m, q->slot);
		memmove(s->sq, s->sq + 1, (--s->nsq) * sizeof(s->sq[0]));
	}
}

static void tick_wifi(struct winc_model *m, uint64_t now)
{
	if (m->wifi == 1 && now >= m->t_assoc && room(m, 1)) {
		if (m->assoc_err) {
			m->wifi = 0;
			state_changed(m, 0, m->assoc_err);
		} else {
			m->wifi = 2;
			state_changed(m, 1, 0);
			m->t_dhcp = now + winc_ms_ns(m, m->cfg.winc.dhcp_ms);
		}
	}
	if (m->wifi == 2 && now >= m->t_dhcp && room(m, 1)) {
		m->wifi = 3;
		dhcp_event(m);
	}
	if (m->scanning && now >= m->t_scan && room(m, 1)) {
		uint8_t r[4] = { m->nscan, 0 };

		m->scanning = false;
		winc_event(m, G_WIFI, W_RESP_SCAN_DONE, r, 4);
	}
	for (int i = 0; i < WINC_MAX_PEND; i++) {
		struct winc_pend *q = &m->pend[i];

		if (!q->used || now < q->due || !room(m, 1))
			continue;
		q->used = false;
		winc_event(m, G_IP, q->ping ? S_PING : S_DNS, q->reply, q->len);
	}
}

void winc_fw_tick(struct winc_model *m)
{
	uint64_t now = winc_now();

	if (m->t_stall && now < m->t_stall)
		return;
	m->t_stall = 0;
	while (m->nrq && room(m, 4) && m->fw == FW_RUNNING) {
		int slot = m->rq[0];
		struct winc_fault *f;

		if (m->txb[slot].due > now)
			break;		/* realtime: still being processed */
		if (winc_fault_hit(m, WF_STALL, (m->txb[slot].word >> 8) & 0x7f,
				   &f)) {
			/* the firmware freezes before this request */
			m->t_stall = now + (uint64_t)f->ms * 1000000ull;
			return;
		}
		memmove(m->rq, m->rq + 1, (--m->nrq) * sizeof(m->rq[0]));
		do_request(m, slot);
		if (m->fw != FW_RUNNING)
			return;
	}
	tick_wifi(m, now);
	for (int id = 0; id < WINC_SOCKS; id++) {
		struct wsock *s = &m->sk[id];

		if (!s->used || s->fd < 0)
			continue;
		if (s->st == WS_CONNECTING && room(m, 1))
			tick_connect(m, id);
		if (s->st == WS_LISTEN && room(m, 1))
			tick_accept(m, id);
		if (s->recv_pending && room(m, 1))
			tick_recv(m, id);
		if (s->nsq)
			tick_send(m, id);
	}
}

static void next_min(uint64_t *next, uint64_t t)
{
	if (t && (!*next || t < *next))
		*next = t;
}

uint64_t winc_fw_next(struct winc_model *m, struct pollfd *p, int *np)
{
	uint64_t next = 0;
	bool free_id = false;

	if (m->t_stall)
		return m->t_stall;
	if (m->nrq && room(m, 4))
		return m->txb[m->rq[0]].due > 1 ? m->txb[m->rq[0]].due : 1;
	for (int id = 0; id < WINC_TCP_SOCKS; id++)
		free_id |= !m->sk[id].used;
	if (m->wifi == 1)
		next_min(&next, m->t_assoc);
	if (m->wifi == 2)
		next_min(&next, m->t_dhcp);
	if (m->scanning)
		next_min(&next, m->t_scan);
	for (int i = 0; i < WINC_MAX_PEND; i++)
		if (m->pend[i].used)
			next_min(&next, m->pend[i].due);
	if (!room(m, 1))
		return next;
	for (int id = 0; id < WINC_SOCKS; id++) {
		struct wsock *s = &m->sk[id];
		short ev = 0;

		if (!s->used || s->fd < 0)
			continue;
		if (s->recv_pending) {
			if (s->udp || s->st == WS_CONNECTED)
				ev |= POLLIN;
			if (s->eof)
				return 1;
			next_min(&next, s->recv_deadline);
		}
		if (s->st == WS_LISTEN && free_id)
			ev |= POLLIN;
		if (s->st == WS_CONNECTING || s->nsq)
			ev |= POLLOUT;
		if (!ev)
			continue;
		p[*np].fd = s->fd;
		p[*np].events = ev;
		(*np)++;
	}
	return next;
}
