// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw chip model: the legacy slot-indexed socket commands (facts §3.6):
 * 0x28-0x2F, 0x39, 0x3A, 0x3F, 0x44-0x46, with the firmware's quirks.
 *
 * The slots hold the firmware's per-slot objects (WiFiClient, WiFiServer,
 * WiFiUDP); their sockets come from the same lwIP pool (sk[]) as the BSD
 * commands' descriptors, as on the chip. Runs on the command-loop thread.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "nina_internal.h"

#define SLOT_TCP	0
#define SLOT_UDP	1

/* ---- version gates (facts §3.6) ---- */

/*
 * AVAIL_DATA_TCP's accept flag at offset 6: NF >= 1.6.0 (da5aca8), AF from
 * 2.0.0+adafruit; AF 1.7.7's handler reads no flag (only what sent data).
 */
static bool has_accept_flag(struct nina_model *m)
{
	return nina_version_cmp(m->cfg.version, 1, 6, 0) >= 0 && !nina_af1(m);
}

/* AF >= 3.0: arduino-esp32's WiFiUDP (begin(0) before beginPacket) */
static bool af3(struct nina_model *m)
{
	return m->cfg.flavour == FLAVOUR_ADAFRUIT &&
	       nina_version_cmp(m->cfg.version, 3, 0, 0) >= 0;
}

/* AF 3.3.0 (a74f9b2): GET_CLIENT_STATE frees only once-connected slots */
static bool frees_connected_only(struct nina_model *m)
{
	return m->cfg.flavour == FLAVOUR_ADAFRUIT &&
	       nina_version_cmp(m->cfg.version, 3, 3, 0) >= 0;
}

/* ---- the pool ---- */

static struct csock *sk_at(struct nina_model *m, int idx)
{
	if (idx < 0 || idx >= m->nsockets || !m->sk[idx].used)
		return NULL;
	return &m->sk[idx];
}

static int sk_idx(struct nina_model *m, struct csock *s)
{
	return (int)(s - m->sk);
}

static void sk_close(struct nina_model *m, int *idx)
{
	struct csock *s = sk_at(m, *idx);

	if (s) {
		nina_sock_free(m, s);
		nina_update_open_count(m);
	}
	*idx = -1;
}

/*
 * The firmware does not check slot numbers (facts §6.5): a host sending one
 * past the table would corrupt memory. The model counts it and answers the
 * error frame.
 */
static struct nina_slot *slot_at(struct nina_model *m, int i)
{
	if (i >= m->nsockets) {
		nina_stat_inc(m, &m->st.violations);
		return NULL;
	}
	return &m->slot[i];
}

void nina_slots_reset(struct nina_model *m)
{
	for (int i = 0; i < NINA_MAX_SOCKETS; i++) {
		struct nina_slot *sl = &m->slot[i];

		memset(sl, 0, sizeof(*sl));
		sl->type = NINA_SLOT_FREE;
		sl->client = -1;
		sl->server = -1;
		sl->udp = -1;
		for (int j = 0; j < NINA_MAX_SOCKETS; j++)
			sl->spawned[j] = -1;
	}
}

/* ---- WiFiClient ---- */

static int cl_available(struct nina_model *m, int idx)
{
	struct csock *s = sk_at(m, idx);
	int v = 0;

	if (!s || s->type != 1 || s->st == CSK_LISTEN ||
	    ioctl(s->fd, FIONREAD, &v))
		return 0;
	return v;
}

/*
 * connected(): a one-byte peek updates the state; the end of the stream or
 * an error closes the socket (the firmware's "connected test may close").
 */
static bool cl_connected(struct nina_model *m, int *idx)
{
	struct csock *s = sk_at(m, *idx);
	uint8_t b;
	ssize_t n;

	if (!s)
		return false;
	n = recv(s->fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);
	if (n > 0 || (n < 0 && errno == EAGAIN))
		return true;
	sk_close(m, idx);
	return false;
}

static ssize_t cl_read(struct nina_model *m, int *idx, uint8_t *buf,
		       size_t len, int flags)
{
	struct csock *s = sk_at(m, *idx);
	ssize_t n;

	if (!s || !cl_available(m, *idx))
		return -1;
	n = recv(s->fd, buf, len, MSG_DONTWAIT | flags);
	if (n == 0 || (n < 0 && errno != EAGAIN)) {
		sk_close(m, idx);
		return 0;
	}
	return n;
}

/* non-blocking send: partial or nothing when lwIP's buffer is full */
static size_t cl_write(struct nina_model *m, int idx, const uint8_t *buf,
		       size_t len)
{
	struct csock *s = sk_at(m, idx);
	ssize_t n;

	if (!s)
		return 0;
	n = send(s->fd, buf, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	return n < 0 ? 0 : (size_t)n;
}

/* wait for a blocking connect (lwip_connect on a blocking socket) */
static bool cl_wait_connect(struct nina_model *m, struct csock *s, uint64_t gen)
{
	while (s->st == CSK_CONNECTING) {
		uint64_t now = nina_now_ns();
		int left = now < s->syn_due_ns ?
			   (int)((s->syn_due_ns - now + 999999) / 1000000) : 0;

		/* lwIP's SYN retries end it, whatever the host's would do */
		if (s->blackhole) {
			if (left && !nina_sleep_ms(m, left, gen))
				return false;
		} else if (left && nina_wait_fd(m, s->fd, POLLOUT, left, gen) < 0) {
			return false;
		}
		nina_check_connect(s);
	}
	return s->st == CSK_CONNECTED;
}

/*
 * WiFiClient::connect(): a new lwIP socket, a blocking connect (the command
 * loop waits, READY high), then FIONBIO. The slot's previous socket, if
 * the host never stopped it, stays open: the firmware overwrites its fd.
 */
static bool cl_connect(struct nina_model *m, int *idx, struct in_addr a,
		       uint16_t port, uint64_t gen)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct in_addr to;
	struct csock *s;
	uint16_t tp;
	int r;

	if (!nina_linked(m))
		return false;	/* ERR_RTE: no route */
	s = nina_sock_alloc(m, 1);
	if (!s)
		return false;
	nina_update_open_count(m);
	if (!nina_do_bind(m, s, 0))
		goto fail;
	s->peer = a;
	s->peer_port = port;
	s->local_nonzero = true;
	/* The echo service's peer (nina_echo.c), as the BSD commands reach it. */
	s->blackhole = !nina_echo_connect(m, s, a, port, &to, &tp) &&
		       !nina_map_out(&m->cfg, a, port, &to, &tp);
	s->syn_due_ns = nina_now_ns() +
			(uint64_t)(nina_tf_ms(m, m->cfg.syn_timeout_ms) * 1e6);
	if (s->blackhole) {
		s->st = CSK_CONNECTING;
	} else {
		sa.sin_addr = to;
		sa.sin_port = htons(tp);
		r = connect(s->fd, (struct sockaddr *)&sa, sizeof(sa));
		if (r == 0)
			s->st = CSK_CONNECTED;
		else if (errno == EINPROGRESS)
			s->st = CSK_CONNECTING;
		else
			nina_connect_failed(s, nina_connect_err(errno));
	}
	if (!cl_wait_connect(m, s, gen))
		goto fail;
	s->nonblock = true;
	*idx = sk_idx(m, s);
	return true;
fail:
	if (s->used)
		nina_sock_free(m, s);
	nina_update_open_count(m);
	return false;
}

/* ---- WiFiServer ---- */

static bool sv_listening(struct nina_model *m, struct nina_slot *sl)
{
	struct csock *s = sk_at(m, sl->server);

	return s && s->st == CSK_LISTEN;
}

/* begin(): socket, bind, listen(backlog 1), non-blocking */
static bool sv_begin(struct nina_model *m, struct nina_slot *sl, uint16_t port)
{
	struct csock *s = nina_sock_alloc(m, 1);

	sl->server = -1;	/* a previous listener stays open (overwritten) */
	for (int j = 0; j < NINA_MAX_SOCKETS; j++)
		sl->spawned[j] = -1;
	if (!s)
		return false;
	if (!nina_do_bind(m, s, port) || listen(s->fd, 1)) {
		nina_sock_free(m, s);
		nina_update_open_count(m);
		return false;
	}
	s->st = CSK_LISTEN;
	s->nonblock = true;
	sl->server = sk_idx(m, s);
	nina_update_open_count(m);
	return true;
}

/* lwip_accept() of one pending connection into the pool; -1 if none */
static int sv_accept(struct nina_model *m, struct nina_slot *sl)
{
	struct csock *ls = sk_at(m, sl->server), *n = NULL;
	struct sockaddr_in sa;
	socklen_t sl_len = sizeof(sa);
	int fd;

	if (!ls || ls->st != CSK_LISTEN)
		return -1;
	fd = accept4(ls->fd, (struct sockaddr *)&sa, &sl_len,
		     SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd < 0)
		return -1;
	for (int i = 0; i < m->nsockets; i++)
		if (!m->sk[i].used) {
			n = &m->sk[i];
			break;
		}
	if (!n) {
		close(fd);	/* lwIP drops the connection it cannot hold */
		return -1;
	}
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->fd = fd;
	n->type = 1;
	n->st = CSK_CONNECTED;
	n->bound = true;
	n->port = ls->port;
	n->nonblock = true;
	n->local_nonzero = true;
	nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &n->peer,
		    &n->peer_port);
	nina_update_open_count(m);
	return sk_idx(m, n);
}

/*
 * available(): accept one pending connection into the spawned list, forget
 * spawned sockets no longer connected, return the first one with data.
 */
static int sv_available(struct nina_model *m, struct nina_slot *sl)
{
	int a = sv_accept(m, sl);

	if (a >= 0)
		for (int j = 0; j < NINA_MAX_SOCKETS; j++)
			if (sl->spawned[j] < 0) {
				sl->spawned[j] = a;
				break;
			}
	for (int j = 0; j < NINA_MAX_SOCKETS; j++) {
		if (sl->spawned[j] < 0)
			continue;
		if (!cl_connected(m, &sl->spawned[j]))
			sl->spawned[j] = -1;
		else if (cl_available(m, sl->spawned[j]))
			return sl->spawned[j];
	}
	return -1;
}

/* write(): to every spawned client; the sum of what each took */
static size_t sv_write(struct nina_model *m, struct nina_slot *sl,
		       const uint8_t *buf, size_t len)
{
	size_t n = 0;

	for (int j = 0; j < NINA_MAX_SOCKETS; j++)
		if (sl->spawned[j] >= 0)
			n += cl_write(m, sl->spawned[j], buf, len);
	return n;
}

/* ---- WiFiUDP ---- */

static bool u_begin(struct nina_model *m, struct nina_slot *sl, uint16_t port)
{
	struct csock *s = nina_sock_alloc(m, 2);

	sl->udp = -1;	/* a previous socket stays open (overwritten) */
	sl->rx_len = 0;
	sl->rx_pos = 0;
	sl->tx_len = 0;
	if (!s)
		return false;
	if (!nina_do_bind(m, s, port)) {
		nina_sock_free(m, s);
		nina_update_open_count(m);
		return false;
	}
	s->nonblock = true;
	sl->udp = sk_idx(m, s);
	nina_update_open_count(m);
	return true;
}

static void u_stop(struct nina_model *m, struct nina_slot *sl)
{
	sk_close(m, &sl->udp);
}

/*
 * parsePacket(): once the current datagram is exhausted, the next one
 * (non-blocking) into the 1500-byte buffer, the rest of a longer one lost.
 */
static void u_parse(struct nina_model *m, struct nina_slot *sl)
{
	struct csock *s = sk_at(m, sl->udp);
	struct sockaddr_in sa;
	ssize_t n;

	if (!s || s->type != 2 || sl->rx_pos < sl->rx_len)
		return;
	n = nina_recv_dgram(s, sl->rxb, NINA_UDP_BUF, &sa);
	if (n < 0)
		return;
	sl->rx_len = n;
	sl->rx_pos = 0;
	nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &sl->rx_from,
		    &sl->rx_port);
}

static size_t u_available(struct nina_slot *sl)
{
	return sl->rx_len - sl->rx_pos;
}

static ssize_t u_read(struct nina_slot *sl, uint8_t *buf, size_t len, bool peek)
{
	size_t n = u_available(sl);

	if (!n)
		return -1;
	if (n > len)
		n = len;
	memcpy(buf, sl->rxb + sl->rx_pos, n);
	if (!peek)
		sl->rx_pos += n;
	return n;
}

/*
 * write(): the count is cut at the 1500-byte buffer but the firmware copies
 * the full length past it (facts §6.10). The model copies what fits and
 * counts the overflow as a violation.
 */
static size_t u_write(struct nina_model *m, struct nina_slot *sl,
		      const uint8_t *buf, size_t len)
{
	size_t room = NINA_UDP_BUF - sl->tx_len, n = len;

	if (n > room) {
		nina_stat_inc(m, &m->st.violations);
		n = room;
	}
	memcpy(sl->txb + sl->tx_len, buf, n);
	sl->tx_len += n;
	return n;
}

/* endPacket(): sendto of the buffer; the buffer is kept (beginPacket clears) */
static bool u_end(struct nina_model *m, struct nina_slot *sl)
{
	struct csock *s = sk_at(m, sl->udp);
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct in_addr to;
	uint16_t tp;

	if (!s || s->type != 2 || !nina_linked(m))
		return false;
	if (sl->tx_len > NINA_UDP_MAX)
		return false;	/* no IP fragmentation on the chip */
	if (!nina_map_out(&m->cfg, sl->tx_to, sl->tx_port, &to, &tp))
		return true;	/* via the gateway, into the void */
	sa.sin_addr = to;
	sa.sin_port = htons(tp);
	return sendto(s->fd, sl->txb, sl->tx_len, MSG_DONTWAIT | MSG_NOSIGNAL,
		      (struct sockaddr *)&sa, sizeof(sa)) >= 0;
}

/* ---- the GPIO0 updater task (facts §1.7) ---- */

static bool listener_pending(struct nina_model *m, int idx)
{
	struct csock *s = sk_at(m, idx);
	struct pollfd p;

	if (!s || s->st != CSK_LISTEN)
		return false;
	p.fd = s->fd;
	p.events = POLLIN;
	p.revents = 0;
	return poll(&p, 1, 0) > 0;
}

/*
 * High while a slot has something for the host: a server with a waiting
 * or readable client, a client with data, a UDP slot with a datagram (the
 * task is what calls parsePacket()). Run after every command; the chip
 * also runs it on every received frame, which the model does not see
 * between commands.
 */
void nina_slots_gpio0(struct nina_model *m)
{
	bool on = false;

	for (int i = 0; i < m->nsockets; i++) {
		struct nina_slot *sl = &m->slot[i];

		if (sl->type == SLOT_TCP && sv_listening(m, sl)) {
			on |= listener_pending(m, sl->server);
			for (int j = 0; j < NINA_MAX_SOCKETS; j++)
				on |= cl_available(m, sl->spawned[j]) > 0;
		} else if (sl->type == SLOT_TCP) {
			on |= cl_available(m, sl->client) > 0;
		} else if (sl->type == SLOT_UDP) {
			u_parse(m, sl);
			on |= u_available(sl) > 0;
		}
	}
	pthread_mutex_lock(&m->lock);
	nina_set_line_locked(m, NINA_LINE_GPIO0, on);
	pthread_mutex_unlock(&m->lock);
}

/* ---- handlers ---- */

static void rep_u16le(struct nina_model *m, unsigned int v)
{
	uint8_t b[2] = { v & 0xff, (v >> 8) & 0xff };

	nina_rep_p8(m, b, 2);
}

/* 0x3F: the first free slot, not reserved */
bool nina_h_get_socket(struct nina_model *m, uint64_t gen)
{
	int r = 255;

	(void)gen;
	for (int i = 0; i < m->nsockets; i++)
		if (m->slot[i].type == NINA_SLOT_FREE) {
			r = i;
			break;
		}
	nina_rep_u8(m, r);
	return true;
}

/* 0x28: form A (3 params) port, slot, type; form B (4) ip, port, slot, type */
bool nina_h_start_server(struct nina_model *m, uint64_t gen)
{
	const uint8_t *c = m->cmd;
	bool a = c[2] == 3, ok = false;
	uint16_t port = a ? c[4] << 8 | c[5] : c[9] << 8 | c[10];
	struct nina_slot *sl = slot_at(m, a ? c[7] : c[12]);
	int type = a ? c[9] : c[14];

	(void)gen;
	if (!sl)
		return false;
	if (type == 0 && (sv_begin(m, sl, port) || !m->bsd)) {
		/*
		 * Before begin() answered (the release that brought the BSD
		 * commands: Arduino 1.5.0, Adafruit 2.0.0) the slot is a TCP
		 * one and the answer 1 whether the server listens or not
		 * (a port taken): only GET_STATE_TCP tells.
		 */
		sl->type = SLOT_TCP;
		ok = true;
	} else if ((type == 1 || type == 3) && u_begin(m, sl, port)) {
		/* type 3 joins group ip too: membership is not modeled */
		sl->type = SLOT_UDP;
		ok = true;
	}
	nina_rep_u8(m, ok);
	return true;
}

/* 0x29: 1 while the slot's server listens */
bool nina_h_get_state(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);

	(void)gen;
	if (!sl)
		return false;
	nina_rep_u8(m, sv_listening(m, sl));
	return true;
}

/* 0x2A: a no-op */
bool nina_h_data_sent(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_u8(m, 1);
	return true;
}

/* AVAIL_DATA on a server slot, accept path: the first free slot only */
static int avail_accept(struct nina_model *m, struct nina_slot *sl)
{
	for (int i = 0; i < m->nsockets; i++) {
		int c;

		if (m->slot[i].type != NINA_SLOT_FREE)
			continue;
		c = sv_accept(m, sl);
		if (c < 0)
			return 255;
		m->slot[i].type = SLOT_TCP;
		m->slot[i].client = c;	/* a stale socket there is overwritten */
		return i;
	}
	return 255;
}

/* available() path: the slot already holding that client, or a new one */
static int avail_server(struct nina_model *m, struct nina_slot *sl, int me)
{
	int c = sv_available(m, sl);

	if (c < 0)
		return 255;
	for (int i = 0; i < m->nsockets; i++)
		if (i != me && m->slot[i].type == SLOT_TCP &&
		    m->slot[i].client == c)
			return i;
	for (int i = 0; i < m->nsockets; i++)
		if (i != me && m->slot[i].type == NINA_SLOT_FREE) {
			m->slot[i].type = SLOT_TCP;
			m->slot[i].client = c;
			return i;
		}
	return 255;
}

/*
 * 0x2B: a client's FIONREAD, a UDP slot's rest of the current datagram, a
 * server's slot number. Offset 6 is read whatever N says: a one-parameter
 * request's padding byte there selects the accept path (facts §6.4).
 */
bool nina_h_avail_data(struct nina_model *m, uint64_t gen)
{
	int me = m->cmd[4];
	struct nina_slot *sl = slot_at(m, me);
	unsigned int v = 0;

	(void)gen;
	if (!sl)
		return false;
	if (sl->type == SLOT_TCP && sv_listening(m, sl)) {
		if (has_accept_flag(m) && m->cmd[6])
			v = avail_accept(m, sl);
		else
			v = avail_server(m, sl, me);
	} else if (sl->type == SLOT_TCP) {
		v = cl_available(m, sl->client);
	} else if (sl->type == SLOT_UDP) {
		if (af3(m))
			u_parse(m, sl);
		v = u_available(sl);
	}
	rep_u16le(m, v > 0xffff ? 0xffff : v);
	return true;
}

/* 0x2C: one byte, read or peeked; the peek flag is offset 6 */
bool nina_h_get_data(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);
	bool peek = m->cmd[6];
	uint8_t b = 0;
	ssize_t n;

	(void)gen;
	if (!sl)
		return false;
	if (sl->type == SLOT_TCP) {
		n = cl_read(m, &sl->client, &b, 1, peek ? MSG_PEEK : 0);
		if (n != 1)
			b = 0xff;	/* read() == -1 */
	} else if (sl->type == SLOT_UDP) {
		if (u_read(sl, &b, 1, peek) != 1)
			b = 0xff;
	}
	nina_rep_u8(m, b);
	return true;
}

/* modeled time: a command that held the loop is charged its whole length */
static void charge(struct nina_model *m, uint64_t t0)
{
	uint64_t ns = nina_now_ns() - t0;

	pthread_mutex_lock(&m->lock);
	m->st.processing_ns += ns;
	m->st.modeled_ns += ns;
	pthread_mutex_unlock(&m->lock);
}

static bool start_client(struct nina_model *m, struct nina_slot *sl,
			 const char *host, struct in_addr ip, uint16_t port,
			 int type, uint64_t gen)
{
	int r;

	if (type == 1 && af3(m) && !u_begin(m, sl, 0))
		return false;
	if (host[0]) {
		r = nina_resolve(m, host, &ip, gen);
		if (r <= 0)
			return false;
	}
	if (type == 0) {
		if (!cl_connect(m, &sl->client, ip, port, gen))
			return false;
		sl->type = SLOT_TCP;
		sl->was_connected = true;
		return true;
	}
	if (type == 1) {
		/* beginPacket(): the destination, an empty buffer */
		sl->tx_to = ip;
		sl->tx_port = port;
		sl->tx_len = 0;
		sl->type = SLOT_UDP;
		return true;
	}
	return false;	/* TLS (2), BearSSL (4): not modeled */
}

/*
 * 0x2D: form A (4 params) ip, port, slot, type; form B (5 or more) host,
 * ip, port, slot, type [, timeout: ignored]. Failure: zero parameters.
 */
bool nina_h_start_client(struct nina_model *m, uint64_t gen)
{
	const uint8_t *c = m->cmd;
	size_t l = c[2] == 4 ? 0 : c[3];
	size_t o = c[2] == 4 ? 0 : 1 + l;	/* form B's offsets are past host */
	char host[256] = "";
	struct in_addr ip;
	uint16_t port = c[9 + o] << 8 | c[10 + o];
	struct nina_slot *sl = slot_at(m, c[12 + o]);
	uint64_t t0 = nina_now_ns();
	bool ok;

	if (!sl)
		return false;
	if (l) {
		memcpy(host, c + 4, l);
		host[l] = 0;
	}
	memcpy(&ip.s_addr, c + 4 + o, 4);
	ok = start_client(m, sl, host, ip, port, c[14 + o], gen);
	charge(m, t0);
	if (ok)
		nina_rep_u8(m, 1);
	return true;
}

/* 0x2E: stops the client or UDP socket, frees the slot, never the server */
bool nina_h_stop_client(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);

	(void)gen;
	if (!sl)
		return false;
	if (sl->type == SLOT_TCP)
		sk_close(m, &sl->client);
	else if (sl->type == SLOT_UDP)
		u_stop(m, sl);
	sl->type = NINA_SLOT_FREE;
	sl->was_connected = false;
	nina_rep_u8(m, 1);
	return true;
}

/*
 * 0x2F: 4 while the TCP client is connected; else 0 and the slot is freed,
 * even a UDP one, its socket left open (AF >= 3.3.0: only a slot that was
 * once connected).
 */
bool nina_h_client_state(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);

	(void)gen;
	if (!sl)
		return false;
	if (sl->type == SLOT_TCP && cl_connected(m, &sl->client)) {
		nina_rep_u8(m, 4);
		return true;
	}
	if (!frees_connected_only(m) || sl->was_connected) {
		sl->type = NINA_SLOT_FREE;
		sl->was_connected = false;
	}
	nina_rep_u8(m, 0);
	return true;
}

/* 0x39: endPacket() */
bool nina_h_send_udp(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);

	(void)gen;
	if (!sl)
		return false;
	nina_rep_u8(m, u_end(m, sl));
	return true;
}

/* 0x3A: the TCP peer or the last datagram's sender; the port big-endian */
bool nina_h_remote_data(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[4]);
	struct in_addr a = { 0 };
	uint16_t p = 0;
	uint8_t b[2];

	(void)gen;
	if (!sl)
		return false;
	if (sl->type == SLOT_TCP) {
		struct csock *s = sk_at(m, sl->client);

		if (s) {
			a = s->peer;
			p = s->peer_port;
		}
	} else if (sl->type == SLOT_UDP) {
		a = sl->rx_from;
		p = sl->rx_port;
	}
	b[0] = p >> 8;
	b[1] = p & 0xff;
	nina_rep_p8(m, &a.s_addr, 4);
	nina_rep_p8(m, b, 2);
	return true;
}

/*
 * 0x44: P16 slot @5, P16 data (length @6..7, data @8). A TCP slot with a
 * server writes to every client the server accepted; else the client's
 * non-blocking send. Bytes taken, little-endian.
 */
bool nina_h_send_data(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[5]);
	size_t len = m->cmd[6] << 8 | m->cmd[7];
	struct csock *s;
	size_t n = 0;

	if (!sl)
		return false;
	if (sl->type == SLOT_TCP && sv_listening(m, sl)) {
		n = sv_write(m, sl, m->cmd + 8, len);
	} else if (sl->type == SLOT_TCP) {
		n = cl_write(m, sl->client, m->cmd + 8, len);
		/* the echo service answers before the reply goes back */
		s = sk_at(m, sl->client);
		if (s)
			nina_echo_sent(m, s, n, gen);
	}
	rep_u16le(m, n & 0xffff);
	return true;
}

/*
 * 0x45: P16 slot @5, P16 length @8..9 whose value is little-endian. The
 * firmware reads that many bytes into its reply without a clamp: past
 * 4086 they run over its 4092-byte buffer. The model reads them too
 * (counted as a violation) and the SPI slave sends the first 4092 bytes
 * of the frame (nina_exec cuts it), so the rest is lost to the host.
 */
bool nina_h_get_databuf(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[5]);
	size_t len = m->cmd[8] | m->cmd[9] << 8;
	uint8_t *data = m->rep + 3 + 2;
	ssize_t n = -1;

	(void)gen;
	if (!sl)
		return false;
	if (len > NINA_BUF - 6) {
		nina_stat_inc(m, &m->st.violations);
		if (len > NINA_HOSTILE_BUF - 8)
			len = NINA_HOSTILE_BUF - 8;
	}
	if (sl->type == SLOT_TCP)
		n = cl_read(m, &sl->client, data, len, 0);
	else if (sl->type == SLOT_UDP)
		n = u_read(sl, data, len, false);
	nina_rep_p16(m, NULL, n < 0 ? 0 : n);
	return true;
}

/* 0x46: P16 slot @5, P16 data: append to the UDP send buffer */
bool nina_h_insert_databuf(struct nina_model *m, uint64_t gen)
{
	struct nina_slot *sl = slot_at(m, m->cmd[5]);
	size_t len = m->cmd[6] << 8 | m->cmd[7];

	(void)gen;
	if (!sl)
		return false;
	nina_rep_u8(m, u_write(m, sl, m->cmd + 8, len) != 0);
	return true;
}

/* the lengths the firmware trusts for its copies stay inside the frame */
bool nina_slot_cmd_ok(struct nina_model *m, int op)
{
	if (op == 0x44 || op == 0x46)
		return 8 + (size_t)(m->cmd[6] << 8 | m->cmd[7]) <= NINA_BUF;
	if (op == 0x2D && m->cmd[2] != 4)
		return 16 + (size_t)m->cmd[3] <= NINA_BUF;
	return true;
}
