// SPDX-License-Identifier: GPL-2.0
/*
 * WINC1500 chip model: the firmware behind HIF - request dispatch and the
 * socket group (protocols/winc1500.md §4) over the host's non-blocking
 * POSIX sockets and the configured address map, as the nina model
 * simulates it (the Wi-Fi group, DNS and ping are in winc_net.c). Runs on
 * the firmware thread, under the model's lock.
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

/* socket opcodes (§4.1) */
enum {
	S_BIND = 0x41, S_LISTEN, S_ACCEPT, S_CONNECT, S_SEND, S_RECV,
	S_SENDTO, S_RECVFROM, S_CLOSE, S_DNS, S_SSL_CONNECT, S_SSL_SEND,
	S_SSL_RECV, S_SSL_CLOSE, S_SETSOCKOPT, S_SSL_CREATE,
	S_SSL_SETSOCKOPT, S_PING,
};
#define TCP_TX_OFFSET	80	/* §3.6 */
#define UDP_TX_OFFSET	68
#define APP_OFFSET	(TCP_TX_OFFSET + 8)

static bool room(struct winc_model *m, int n)
{
	return winc_ev_room(m) >= n;
}

/* tstrSockAddr: family LE, port and address in network order (§4.2) */
static void put_addr(uint8_t *p, struct in_addr a, uint16_t port)
{
	winc_put16(p, AF_INET);
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

	winc_put16(r + 2, session);
	winc_event(m, WINC_G_IP, op, r, 4);
}

static void send_reply(struct winc_model *m, uint8_t op, uint8_t sock,
		       int16_t sent, uint16_t session)
{
	uint8_t r[8] = { sock };

	winc_put16(r + 2, (uint16_t)sent);
	winc_put16(r + 4, session);
	winc_event(m, WINC_G_IP, op, r, 8);
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
	winc_put16(r + 8, (uint16_t)status);
	winc_put16(r + 10, m->cfg.winc.rx_offset);
	r[12] = id;
	winc_put16(r + 14, s->recv_session);
	s->recv_pending = false;
	winc_event2(m, WINC_G_IP, op, r, 16, m->cfg.winc.rx_offset, d, n);
}

static void h_bind(struct winc_model *m, const uint8_t *p, size_t n)
{
	struct in_addr a;
	uint16_t port, session = winc_get16(p + 10);
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
	uint16_t session = winc_get16(p + 2);
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
	winc_put16(r + 2, err ? 0 : APP_OFFSET);
	winc_event(m, WINC_G_IP, S_CONNECT, r, 4);
}

static void h_connect(struct winc_model *m, const uint8_t *p, size_t n)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct in_addr a, to;
	uint16_t port, tp;
	int id = (int8_t)p[8];
	struct wsock *s;
	bool mapped;

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
	mapped = nina_map_out(&m->cfg, a, port, &to, &tp);
	if (!winc_linked(m) || (!mapped && id >= WINC_TCP_SOCKS)) {
		connect_reply(m, id, SOCK_EINVAL_ADDR);
		return;
	}
	if (!sk_open(m, id) || (s->st == WS_NEW && !sk_bind(m, s, 0))) {
		sk_close(m, id);
		connect_reply(m, id, SOCK_EINVAL);
		return;
	}
	s->session = winc_get16(p + 10);
	s->peer = a;
	s->peer_port = port;
	s->syn_due = 0;
	if (!mapped) {
		/*
		 * Outside the virtual network: through the gateway, into the
		 * void; the SYNs go unanswered until lwIP gives up.
		 */
		s->st = WS_CONNECTING;
		s->syn_due = winc_now() + winc_ms_ns(m, m->cfg.syn_timeout_ms);
		return;
	}
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
	uint16_t size = winc_get16(p + 2), session = winc_get16(p + 12);
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
	uint32_t tmo = winc_get32(p);
	struct wsock *s;

	if (n != want)
		m->st.violations++;	/* struct size of another version (§7) */
	if (n < 8 || id < 0 || id >= WINC_SOCKS) {
		uint8_t r[16] = { 0 };

		m->st.violations++;
		winc_put16(r + 8, (uint16_t)SOCK_EINVAL);
		r[12] = p[4];
		winc_event(m, WINC_G_IP, op, r, 16);
		return;
	}
	s = &m->sk[id];
	if (!s->used) {
		s->recv_op = op;
		s->recv_session = winc_get16(p + 6);
		recv_reply(m, id, SOCK_EINVAL, (struct in_addr){ 0 }, 0, NULL, 0);
		s->recv_pending = false;
		return;
	}
	if (s->recv_pending)
		m->st.violations++;	/* one receive per socket (§4.6) */
	s->recv_pending = true;
	s->recv_op = op;
	s->recv_session = winc_get16(p + 6);
	s->recv_len = n >= 10 && winc_version_ge(m, 19, 6, 4) ? winc_get16(p + 8) : 0;
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
		m->sk[id].udp_send_cb = winc_get32(p) != 0;
}

/* Link loss: TCP connections die, UDP bindings are forgotten (§7). */
void winc_link_lost(struct winc_model *m, bool notify)
{
	if (m->wifi >= 2)
		m->st.link_losses++;
	if (notify && m->wifi)
		winc_state_changed(m, 0, 0);
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
	winc_wifi_reset(m);
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
		winc_reset_locked(m);
		return;
	}
	if (winc_fault_hit(m, WF_LINK_DROP, op & 0x7f, NULL))
		winc_link_lost(m, true);
	if (gid == WINC_G_WIFI) {
		winc_wifi_request(m, op, p, n);
	} else if (gid == WINC_G_IP) {
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
			winc_dns_request(m, p, n);
			break;
		case S_PING:
			winc_ping_request(m, p, n);
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

	if (s->syn_due) {
		if (winc_now() < s->syn_due)
			return;
		s->syn_due = 0;
		sk_close(m, id);
		connect_reply(m, id, SOCK_EABORTED);
		return;
	}
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
	winc_put16(r + 10, APP_OFFSET);
	winc_event(m, WINC_G_IP, S_ACCEPT, r, 12);
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

void winc_fw_tick(struct winc_model *m)
{
	uint64_t now = winc_now();

	if (m->t_stall && now < m->t_stall)
		return;
	m->t_stall = 0;
	while (m->nrq && room(m, WINC_REQ_ROOM) && m->fw == FW_RUNNING) {
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
	winc_net_tick(m, now);
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
	if (m->nrq && room(m, WINC_REQ_ROOM))
		return m->txb[m->rq[0]].due > 1 ? m->txb[m->rq[0]].due : 1;
	for (int id = 0; id < WINC_TCP_SOCKS; id++)
		free_id |= !m->sk[id].used;
	next_min(&next, winc_net_next(m));
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
		if (s->st == WS_CONNECTING && s->syn_due)
			next_min(&next, s->syn_due);
		else if (s->st == WS_CONNECTING || s->nsq)
			ev |= POLLOUT;
		if (!ev)
			continue;
		p[*np].fd = s->fd;
		p[*np].events = ev;
		(*np)++;
	}
	return next;
}
