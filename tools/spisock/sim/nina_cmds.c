// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw chip model: command frames, replies, the Wi-Fi state machine and
 * the BSD socket commands (0x70-0x7F) over real POSIX sockets.
 *
 * Runs on the command-loop thread only. Handlers read parameters at the
 * fixed offsets of the firmware (facts §3), through the zeroed 4092-byte
 * command buffer, so short frames read zeros as on the chip.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nina_internal.h"

#define START_CMD	0xE0
#define END_CMD		0xEE
#define REPLY_FLAG	0x80

/* ---- reply builder ---- */

static void rep_begin(struct nina_model *m)
{
	memset(m->rep, 0, NINA_BUF);
	m->rep_pos = 3;
	m->rep_nparams = 0;
}

void nina_rep_p8(struct nina_model *m, const void *d, size_t n)
{
	if (n > 255)
		n = 255;
	m->rep[m->rep_pos++] = n;
	if (d)
		memcpy(m->rep + m->rep_pos, d, n);
	m->rep_pos += n;
	m->rep_nparams++;
}

void nina_rep_p16(struct nina_model *m, const void *d, size_t n)
{
	m->rep[m->rep_pos++] = n >> 8;
	m->rep[m->rep_pos++] = n & 0xff;
	if (d)
		memcpy(m->rep + m->rep_pos, d, n);
	m->rep_pos += n;
	m->rep_nparams++;
}

void nina_rep_u8(struct nina_model *m, uint8_t v)
{
	nina_rep_p8(m, &v, 1);
}

static void rep_finish(struct nina_model *m, int op)
{
	size_t len;

	m->rep[0] = START_CMD;
	m->rep[1] = op | REPLY_FLAG;
	m->rep[2] = m->rep_nparams;
	m->rep[m->rep_pos] = END_CMD;
	len = m->rep_pos + 1;
	if (m->pad)
		len = (len + 3) & ~(size_t)3;
	/* the SPI slave sends at most its DMA buffer (GET_DATABUF overflow) */
	m->rep_len = len > NINA_BUF ? NINA_BUF : len;
}

static void rep_error(struct nina_model *m)
{
	memset(m->rep, 0, 4);
	m->rep[0] = 0xEF;
	m->rep[1] = 0x00;
	m->rep[2] = END_CMD;
	m->rep_len = 4;
}

/* ---- request accessors ---- */

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = v;
	p[1] = v >> 8;
	p[2] = v >> 16;
	p[3] = v >> 24;
}

/*
 * Parameter idx of an 8-bit-length layout, walking length bytes from
 * offset 3 as the firmware computes its offsets. Returns its data offset
 * and length; false if it would extend past the 4092-byte buffer.
 */
static bool param8(struct nina_model *m, int idx, size_t *off, size_t *len)
{
	size_t o = 3;

	for (int i = 0; i < idx; i++) {
		if (o >= NINA_BUF)
			return false;
		o += 1 + m->cmd[o];
	}
	if (o >= NINA_BUF)
		return false;
	*len = m->cmd[o];
	*off = o + 1;
	return *off + *len <= NINA_BUF;
}

static void get_str(struct nina_model *m, int idx, char *out, size_t max)
{
	size_t off, len;

	out[0] = 0;
	if (!param8(m, idx, &off, &len))
		return;
	if (len > max) {
		m->st.violations++;	/* the firmware would overflow here */
		len = max;
	}
	memcpy(out, m->cmd + off, len);
	out[len] = 0;
}

static struct in_addr addr_at(struct nina_model *m, size_t off)
{
	struct in_addr a;

	memcpy(&a.s_addr, m->cmd + off, 4);
	return a;
}

int nina_cmd_width16(int op)
{
	return op == 0x44 || op == 0x45 || op == 0x46 || op == 0x77 || op == 0x79;
}

int nina_reply_width16(int op)
{
	return op == 0x45 || op == 0x78 || op == 0x7A;
}

void nina_stat_inc(struct nina_model *m, uint64_t *p)
{
	pthread_mutex_lock(&m->lock);
	(*p)++;
	pthread_mutex_unlock(&m->lock);
}

/* ---- Wi-Fi state ---- */

static void set_status(struct nina_model *m, int status, int reason)
{
	pthread_mutex_lock(&m->lock);
	m->status = status;
	if (reason >= 0)
		m->reason = reason;
	pthread_mutex_unlock(&m->lock);
}

/*
 * GET_CONN_STATUS after a disconnect with @reason: the firmware's event
 * handler answers CONNECT_FAILED for NO_AP_FOUND and AUTH_FAIL (Adafruit's
 * 1.x for ASSOC_FAIL too), DISCONNECTED for every other reason.
 */
int nina_fail_status(struct nina_model *m, int reason)
{
	if (reason == 201 || reason == 202 || (reason == 203 && nina_af1(m)))
		return 4;
	return 6;
}

/* Adafruit's 1.x (before 2.0.0+adafruit): its own older command table. */
bool nina_af1(struct nina_model *m)
{
	return m->cfg.flavour == FLAVOUR_ADAFRUIT &&
	       nina_version_cmp(m->cfg.version, 2, 0, 0) < 0;
}

bool nina_linked(struct nina_model *m)
{
	return (m->mode == WM_STA && m->status == 3) || m->mode == WM_AP;
}

static struct in_addr bind_addr(struct nina_model *m)
{
	if ((ntohl(m->ip.s_addr) >> 24) == 127 && nina_linked(m))
		return m->ip;
	return m->mode == WM_AP ? m->cfg.ap_ip : m->cfg.radio_ip;
}

void nina_update_open_count(struct nina_model *m)
{
	uint32_t n = 0;

	for (int i = 0; i < m->nsockets; i++)
		n += m->sk[i].used;
	pthread_mutex_lock(&m->lock);
	m->st.open_sockets = n;
	if (n > m->st.max_open_sockets)
		m->st.max_open_sockets = n;
	pthread_mutex_unlock(&m->lock);
}

void nina_sock_free(struct nina_model *m, struct csock *s)
{
	(void)m;
	if (s->fd >= 0)
		close(s->fd);
	nina_echo_close(s);
	memset(s, 0, sizeof(*s));
	s->fd = -1;
}

void nina_link_lost(struct nina_model *m, int reason, int status)
{
	bool was = nina_linked(m) && m->mode == WM_STA;

	if (was || m->connecting) {
		/* handleWiFiDisconnect: close sockets with a non-zero local address */
		for (int i = 0; i < m->nsockets; i++)
			if (m->sk[i].used && m->sk[i].local_nonzero)
				nina_sock_free(m, &m->sk[i]);
		nina_update_open_count(m);
	}
	if (was)
		nina_stat_inc(m, &m->st.link_losses);
	m->connecting = false;
	m->cur_ap = -1;
	if (!m->static_ip)
		m->ip.s_addr = m->mask.s_addr = m->gw.s_addr = 0;
	set_status(m, status, reason);
}

void nina_net_reset(struct nina_model *m)
{
	for (int i = 0; i < NINA_MAX_SOCKETS; i++)
		if (m->sk[i].used || m->sk[i].fd >= 0)
			nina_sock_free(m, &m->sk[i]);
	nina_slots_reset(m);
	nina_update_open_count(m);
	pthread_mutex_lock(&m->lock);
	m->mode = WM_NONE;
	m->status = 0;
	m->reason = 0;
	m->link_drop_req = false;
	pthread_mutex_unlock(&m->lock);
	m->connecting = false;
	m->cur_ap = -1;
	m->static_ip = false;
	m->ip.s_addr = m->mask.s_addr = m->gw.s_addr = 0;
	m->dns[0] = m->cfg.dns[0];
	m->dns[1] = m->cfg.dns[1];
	snprintf(m->hostname, sizeof(m->hostname), "arduino-%02x%02x",
		 m->cfg.mac[4], m->cfg.mac[5]);
	m->power_mode = 0;
	m->last_if_ap = false;
	m->nscan = 0;
	m->dns_result.s_addr = 0;
	m->err = 0;
}

static int find_ap(struct nina_model *m, const char *ssid)
{
	for (int i = 0; i < m->cfg.nap; i++)
		if (!strcmp(m->cfg.ap[i].ssid, ssid))
			return i;
	return -1;
}

void nina_net_update(struct nina_model *m)
{
	const struct nina_ap *ap;
	int i;

	if (!m->connecting || nina_now_ns() < m->due_ns)
		return;
	m->connecting = false;
	i = find_ap(m, m->join_ssid);
	if (i < 0) {
		set_status(m, 4, 201);	/* NO_AP_FOUND */
		return;
	}
	ap = &m->cfg.ap[i];
	if (ap->sec == SEC_ENT ||
	    (ap->sec != SEC_OPEN && !m->join_has_pass)) {
		set_status(m, 4, 202);	/* AUTH_FAIL */
		return;
	}
	if (ap->sec != SEC_OPEN && strcmp(ap->pass, m->join_pass)) {
		/*
		 * A wrong passphrase fails the handshake: ESP-IDF 3.x reports
		 * 4WAY_HANDSHAKE_TIMEOUT (or AUTH_EXPIRE, or no reason), and
		 * the firmware's event handler answers status 4 only for 201
		 * and 202: any other reason is status 6 (facts §3.1).
		 */
		set_status(m, nina_fail_status(m, m->cfg.auth_fail_reason),
			   m->cfg.auth_fail_reason);
		return;
	}
	m->cur_ap = i;
	if (!m->static_ip) {
		if (ap->has_ip) {
			m->ip = ap->ip;
			m->mask = ap->mask;
			m->gw = ap->gw;
		} else {
			m->ip = m->cfg.radio_ip;
			m->mask = m->cfg.radio_mask;
			m->gw = m->cfg.radio_gw;
		}
	}
	m->linked_ns = nina_now_ns();
	m->last_if_ap = false;
	set_status(m, 3, 0);
}

double nina_tf_ms(struct nina_model *m, int ms)
{
	return ms * m->cfg.time_factor;
}

/*
 * WiFi.begin(): stop Wi-Fi (dropping a link), restart as STA, connect. It
 * sets NO_SSID_AVAIL first; the disconnect (ASSOC_LEAVE) that stopping a
 * link posts reaches the event handler after, so a join that replaced a
 * link reads DISCONNECTED until it ends (facts §3.1).
 */
static void sta_join(struct nina_model *m, uint64_t gen, const char *ssid,
		     const char *pass, bool has_pass)
{
	bool left = m->mode == WM_STA && m->status == 3;

	if (m->mode == WM_STA && (m->status == 3 || m->connecting))
		nina_link_lost(m, 8, 6);	/* ASSOC_LEAVE */
	m->mode = WM_STA;
	nina_sleep_ms(m, nina_tf_ms(m, m->cfg.wifi_ms), gen);
	snprintf(m->join_ssid, sizeof(m->join_ssid), "%s", ssid);
	snprintf(m->join_pass, sizeof(m->join_pass), "%s", pass);
	m->join_has_pass = has_pass;
	if (!ssid[0] || (has_pass && m->join_pass[0] &&
			 (strlen(pass) < 5 || strlen(pass) > 64))) {
		/* esp_wifi_set_config() rejects it */
		set_status(m, 4, -1);
		return;
	}
	if (!left)
		set_status(m, 1, 0);	/* "connecting" */
	m->connecting = true;
	m->due_ns = nina_now_ns() + (uint64_t)(nina_tf_ms(m, m->cfg.assoc_ms) * 1e6);
	nina_net_update(m);
}

static uint8_t enc_type(enum nina_sec s)
{
	switch (s) {
	case SEC_OPEN: return 7;
	case SEC_WEP: return 5;
	case SEC_WPA: return 2;
	case SEC_WPA2: return 4;
	default: return 255;
	}
}

static void put_mac(struct nina_model *m, const uint8_t *mac)
{
	uint8_t b[6];

	for (int i = 0; i < 6; i++)
		b[i] = m->mac_rev ? mac[5 - i] : mac[i];
	nina_rep_p8(m, b, 6);
}

static void ap_mac(struct nina_model *m, uint8_t *mac)
{
	memcpy(mac, m->cfg.mac, 6);
	mac[5] += 1;	/* ESP32: the soft-AP MAC is the station MAC + 1 */
}

/* ---- handlers: return false for the error frame ---- */

typedef bool (*handler_fn)(struct nina_model *m, uint64_t gen);

static bool h_set_net(struct nina_model *m, uint64_t gen)
{
	char ssid[33];

	get_str(m, 0, ssid, 32);
	sta_join(m, gen, ssid, "", false);
	nina_rep_u8(m, 1);
	return true;
}

static bool h_set_passphrase(struct nina_model *m, uint64_t gen)
{
	char ssid[33], pass[65];

	get_str(m, 0, ssid, 32);
	get_str(m, 1, pass, 64);
	sta_join(m, gen, ssid, pass, true);
	nina_rep_u8(m, 1);
	return true;
}

static bool h_set_key(struct nina_model *m, uint64_t gen)
{
	char ssid[33], key[65];

	get_str(m, 0, ssid, 32);
	get_str(m, 2, key, 64);
	if (strlen(key) > 26)
		nina_stat_inc(m, &m->st.violations);	/* firmware's key[27] overflows */
	sta_join(m, gen, ssid, key, true);
	nina_rep_u8(m, 1);
	return true;
}

static bool h_set_ip_config(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	m->static_ip = true;
	m->ip = addr_at(m, 6);
	m->gw = addr_at(m, 11);
	m->mask = addr_at(m, 16);
	m->dns[0].s_addr = m->dns[1].s_addr = 0;
	nina_rep_u8(m, 0);	/* the handler never writes its result byte */
	return true;
}

static bool h_set_dns_config(struct nina_model *m, uint64_t gen)
{
	struct in_addr d1 = addr_at(m, 6), d2 = addr_at(m, 11);

	(void)gen;
	if (d1.s_addr)
		m->dns[0] = d1;
	if (d2.s_addr)
		m->dns[1] = d2;
	nina_rep_u8(m, 1);
	return true;
}

static bool h_set_hostname(struct nina_model *m, uint64_t gen)
{
	char name[256];

	(void)gen;
	get_str(m, 0, name, 255);
	snprintf(m->hostname, sizeof(m->hostname), "%.32s", name);
	nina_rep_u8(m, 1);
	return true;
}

static bool h_set_power_mode(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	m->power_mode = m->cmd[4];
	nina_rep_u8(m, 1);
	return true;
}

static bool start_ap(struct nina_model *m, uint64_t gen, const char *ssid,
		     const char *pass, int channel, enum nina_sec sec)
{
	if (m->mode == WM_STA)
		nina_link_lost(m, 8, 0);
	m->connecting = false;
	nina_sleep_ms(m, nina_tf_ms(m, m->cfg.ap_ms), gen);
	if (!ssid[0] || channel < 1 || channel > 13 ||
	    (sec != SEC_OPEN && (strlen(pass) < 8 || strlen(pass) > 63))) {
		m->mode = WM_NONE;
		set_status(m, 9, -1);	/* WL_AP_FAILED */
		return false;
	}
	pthread_mutex_lock(&m->lock);
	m->mode = WM_AP;
	pthread_mutex_unlock(&m->lock);
	snprintf(m->ap_ssid, sizeof(m->ap_ssid), "%s", ssid);
	m->ap_channel = channel;
	m->ap_sec = sec;
	m->last_if_ap = true;
	if (!m->static_ip) {
		m->ip = m->cfg.ap_ip;
		m->mask = m->cfg.ap_mask;
		m->gw = m->cfg.ap_ip;
	}
	set_status(m, 7, -1);	/* WL_AP_LISTENING */
	return true;
}

static bool h_set_ap_net(struct nina_model *m, uint64_t gen)
{
	char ssid[33];
	size_t off, len;
	int ch = 0;

	get_str(m, 0, ssid, 32);
	if (param8(m, 1, &off, &len))
		ch = m->cmd[off];
	nina_rep_u8(m, start_ap(m, gen, ssid, "", ch, SEC_OPEN));
	return true;
}

static bool h_set_ap_passphrase(struct nina_model *m, uint64_t gen)
{
	char ssid[33], pass[65];
	size_t off, len;
	int ch = 0;

	get_str(m, 0, ssid, 32);
	get_str(m, 1, pass, 64);
	if (param8(m, 2, &off, &len))
		ch = m->cmd[off];
	nina_rep_u8(m, start_ap(m, gen, ssid, pass, ch, SEC_WPA2));
	return true;
}

static bool h_set_debug(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_u8(m, 1);
	return true;
}

static bool h_get_temperature(struct nina_model *m, uint64_t gen)
{
	float t = 42.5f;	/* little-endian float32 on x86 and on the ESP32 */

	(void)gen;
	nina_rep_p8(m, &t, 4);
	return true;
}

static bool h_get_dns_config(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	if (nina_version_cmp(m->cfg.version, 1, 6, 0) < 0 || nina_af1(m))
		return false;	/* empty table slot before 1.6.0 and on AF 1.x */
	nina_rep_p8(m, &m->dns[0].s_addr, 4);
	nina_rep_p8(m, &m->dns[1].s_addr, 4);
	return true;
}

static bool h_get_reason(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	/* NF 1.2.3 added it; Adafruit's 1.x never had it (AF 1.7.7's table) */
	if (nina_version_cmp(m->cfg.version, 1, 2, 3) < 0 || nina_af1(m))
		return false;
	nina_rep_u8(m, m->reason);
	return true;
}

static bool h_get_status(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_u8(m, m->status);
	return true;
}

static bool h_get_ipaddr(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_p8(m, &m->ip.s_addr, 4);
	nina_rep_p8(m, &m->mask.s_addr, 4);
	nina_rep_p8(m, &m->gw.s_addr, 4);
	return true;
}

static bool h_get_mac(struct nina_model *m, uint64_t gen)
{
	uint8_t mac[6];

	(void)gen;
	if (m->last_if_ap)
		ap_mac(m, mac);
	else
		memcpy(mac, m->cfg.mac, 6);
	put_mac(m, mac);
	return true;
}

static bool h_get_curr_ssid(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	if (m->mode == WM_AP)
		nina_rep_p8(m, m->ap_ssid, strlen(m->ap_ssid));
	else if (m->cur_ap >= 0 && m->status == 3)
		nina_rep_p8(m, m->cfg.ap[m->cur_ap].ssid, strlen(m->cfg.ap[m->cur_ap].ssid));
	else
		nina_rep_p8(m, NULL, 0);
	return true;
}

static bool h_get_curr_bssid(struct nina_model *m, uint64_t gen)
{
	uint8_t mac[6] = { 0 };

	(void)gen;
	if (m->mode == WM_AP)
		ap_mac(m, mac);
	else if (m->cur_ap >= 0 && m->status == 3)
		memcpy(mac, m->cfg.ap[m->cur_ap].bssid, 6);
	put_mac(m, mac);
	return true;
}

static bool h_get_curr_rssi(struct nina_model *m, uint64_t gen)
{
	uint8_t b[4];
	int32_t r = 0;

	(void)gen;
	if (m->mode == WM_STA && m->cur_ap >= 0 && m->status == 3)
		r = m->cfg.ap[m->cur_ap].rssi;
	put_le32(b, (uint32_t)r);
	nina_rep_p8(m, b, 4);
	return true;
}

static bool h_get_curr_enct(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	if (m->mode == WM_AP)
		nina_rep_u8(m, enc_type(m->ap_sec));
	else if (m->cur_ap >= 0)
		nina_rep_u8(m, enc_type(m->cfg.ap[m->cur_ap].sec));
	else
		nina_rep_u8(m, enc_type(SEC_OPEN));	/* zeroed AP record */
	return true;
}

static bool h_scan(struct nina_model *m, uint64_t gen)
{
	/* scanNetworks(): stops Wi-Fi (the STA link drops), scans, restarts */
	if (m->mode == WM_STA && (m->status == 3 || m->connecting))
		nina_link_lost(m, 8, 6);
	if (m->mode == WM_AP)
		m->last_if_ap = false;
	pthread_mutex_lock(&m->lock);
	m->mode = WM_STA;
	pthread_mutex_unlock(&m->lock);
	nina_sleep_ms(m, nina_tf_ms(m, m->cfg.scan_ms), gen);
	m->nscan = 0;
	for (int i = 0; i < m->cfg.nap && m->nscan < NINA_MAX_SCAN; i++) {
		if (m->cfg.ap[i].hidden)
			continue;
		m->scan_idx[m->nscan++] = i;
		nina_rep_p8(m, m->cfg.ap[i].ssid, strlen(m->cfg.ap[i].ssid));
	}
	set_status(m, 2, -1);
	return true;
}

static const struct nina_ap *scan_ap(struct nina_model *m)
{
	int idx = m->cmd[4];

	if (idx >= m->nscan) {
		nina_stat_inc(m, &m->st.violations);	/* unchecked index on the chip */
		return NULL;
	}
	return &m->cfg.ap[m->scan_idx[idx]];
}

static bool h_idx_rssi(struct nina_model *m, uint64_t gen)
{
	const struct nina_ap *ap = scan_ap(m);
	uint8_t b[4];

	(void)gen;
	put_le32(b, ap ? (uint32_t)ap->rssi : 0);
	nina_rep_p8(m, b, 4);
	return true;
}

static bool h_idx_enct(struct nina_model *m, uint64_t gen)
{
	const struct nina_ap *ap = scan_ap(m);

	(void)gen;
	nina_rep_u8(m, ap ? enc_type(ap->sec) : 0);
	return true;
}

static bool h_idx_bssid(struct nina_model *m, uint64_t gen)
{
	const struct nina_ap *ap = scan_ap(m);
	uint8_t z[6] = { 0 };

	(void)gen;
	put_mac(m, ap ? ap->bssid : z);
	return true;
}

static bool h_idx_channel(struct nina_model *m, uint64_t gen)
{
	const struct nina_ap *ap = scan_ap(m);

	(void)gen;
	nina_rep_u8(m, ap ? ap->channel : 0);
	return true;
}

/*
 * WiFi.hostByName(): a dotted quad is parsed, any other name is looked up
 * in the hosts table after its delay. 1 resolved, 0 failed, -1 the chip
 * was reset meanwhile. Shared by REQ_HOST_BY_NAME and START_CLIENT_TCP.
 */
int nina_resolve(struct nina_model *m, const char *name, struct in_addr *out,
		 uint64_t gen)
{
	const struct nina_host *h = NULL;
	struct in_addr a;
	int delay;

	if (inet_pton(AF_INET, name, &a) == 1) {
		*out = a;
		return 1;
	}
	if (!nina_linked(m))
		return 0;
	for (int i = 0; i < m->cfg.nhost; i++)
		if (!strcasecmp(m->cfg.host[i].name, name)) {
			h = &m->cfg.host[i];
			break;
		}
	delay = h && h->delay_ms >= 0 ? h->delay_ms : m->cfg.dns_ms;
	if (!nina_sleep_ms(m, nina_tf_ms(m, delay), gen))
		return -1;
	if (!h || h->fail)
		return 0;
	*out = h->addr;
	return 1;
}

static bool h_req_host(struct nina_model *m, uint64_t gen)
{
	char name[256];
	struct in_addr a;
	int r;

	get_str(m, 0, name, 255);
	m->dns_result.s_addr = 0xffffffff;
	r = nina_resolve(m, name, &a, gen);
	if (r < 0)
		return true;
	if (r)
		m->dns_result = a;
	nina_rep_u8(m, r);
	return true;
}

static bool h_get_host(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_p8(m, &m->dns_result.s_addr, 4);
	return true;
}

static bool h_start_scan(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_u8(m, 1);	/* a no-op on the firmware */
	return true;
}

static bool h_disconnect(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	if (m->mode == WM_AP) {
		set_status(m, 0, -1);
	} else if (m->mode == WM_STA) {
		if (m->status == 3 || m->connecting)
			nina_link_lost(m, 8, 6);
	}
	pthread_mutex_lock(&m->lock);
	m->mode = WM_NONE;
	pthread_mutex_unlock(&m->lock);
	nina_rep_u8(m, 1);
	return true;
}

static bool h_fw_version(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_p8(m, m->cfg.version, strlen(m->cfg.version) + 1);
	return true;
}

static bool h_get_time(struct nina_model *m, uint64_t gen)
{
	uint8_t b[4];
	uint32_t t = 0;

	(void)gen;
	if (m->mode == WM_STA && m->status == 3 &&
	    nina_now_ns() - m->linked_ns >= (uint64_t)(nina_tf_ms(m, m->cfg.ntp_ms) * 1e6)) {
		if (m->cfg.time_fixed)
			t = (uint32_t)m->cfg.time_value;
		else
			t = (uint32_t)(time(NULL) + m->cfg.time_offset);
	}
	put_le32(b, t);
	nina_rep_p8(m, b, 4);
	return true;
}

static bool h_ping(struct nina_model *m, uint64_t gen)
{
	struct in_addr a = addr_at(m, 4), to;
	uint16_t tp;
	int rtt = -1;
	int16_t r;
	uint8_t b[2];

	if (nina_linked(m)) {
		bool found = false;

		for (int i = 0; i < m->cfg.nping; i++)
			if (m->cfg.ping[i].addr.s_addr == a.s_addr) {
				rtt = m->cfg.ping[i].rtt_ms;
				found = true;
			}
		if (!found && nina_map_out(&m->cfg, a, 0, &to, &tp))
			rtt = m->cfg.ping_ms;
	}
	if (!nina_sleep_ms(m, nina_tf_ms(m, rtt < 0 ? m->cfg.ping_timeout_ms : rtt), gen))
		return true;
	r = rtt;
	b[0] = (uint16_t)r & 0xff;
	b[1] = (uint16_t)r >> 8;
	nina_rep_p8(m, b, 2);
	return true;
}

/* ---- BSD sockets ---- */

int nina_nerr(int e)
{
	switch (e) {
	case 0: return 0;
	case EAGAIN: return NE_EAGAIN;
	case EBADF: return NE_EBADF;
	case ENOMEM: return NE_ENOMEM;
	case EINVAL: return NE_EINVAL;
	case EMFILE: case ENFILE: return NE_ENFILE;
	case EPIPE: return NE_ENOTCONN;
	case EOPNOTSUPP: return NE_EOPNOTSUPP;
	case ECONNRESET: return NE_ECONNRESET;
	case ENOBUFS: return NE_ENOBUFS;
	case EAFNOSUPPORT: return NE_EAFNOSUPPORT;
	case EPROTOTYPE: return NE_EPROTOTYPE;
	case ENOTSOCK: return NE_ENOTSOCK;
	case ENOPROTOOPT: return NE_ENOPROTOOPT;
	case ECONNREFUSED: return NE_ECONNREFUSED;
	case EADDRINUSE: return NE_EADDRINUSE;
	case ECONNABORTED: return NE_ECONNABORTED;
	case ENETUNREACH: return NE_ENETUNREACH;
	case ENETDOWN: return NE_ENETDOWN;
	case ETIMEDOUT: return NE_ETIMEDOUT;
	case EHOSTUNREACH: return NE_EHOSTUNREACH;
	case EINPROGRESS: return NE_EINPROGRESS;
	case EALREADY: return NE_EALREADY;
	case EDESTADDRREQ: return NE_EDESTADDRREQ;
	case EMSGSIZE: return NE_EMSGSIZE;
	case EADDRNOTAVAIL: return NE_EADDRNOTAVAIL;
	case EISCONN: return NE_EISCONN;
	case ENOTCONN: return NE_ENOTCONN;
	default: return NE_EIO;
	}
}

static struct csock *sock_get(struct nina_model *m, int fd)
{
	int i = fd - m->fd_base;

	if (i < 0 || i >= m->nsockets || !m->sk[i].used) {
		m->err = NE_EBADF;
		return NULL;
	}
	return &m->sk[i];
}

static int sock_fd(struct nina_model *m, struct csock *s)
{
	return m->fd_base + (int)(s - m->sk);
}

struct csock *nina_sock_alloc(struct nina_model *m, int type)
{
	int one = 1, buf = (int)m->cfg.sock_buf;

	for (int i = 0; i < m->nsockets; i++) {
		struct csock *s = &m->sk[i];

		if (s->used)
			continue;
		memset(s, 0, sizeof(*s));
		s->fd = socket(AF_INET, (type == 1 ? SOCK_STREAM : SOCK_DGRAM) |
			       SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (s->fd < 0) {
			m->err = nina_nerr(errno);
			s->fd = -1;
			return NULL;
		}
		setsockopt(s->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		/* Past rmem_max/wmem_max (the benchmark's 1 MiB) if allowed. */
		if (setsockopt(s->fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)))
			setsockopt(s->fd, SOL_SOCKET, SO_SNDBUF, &buf, sizeof(buf));
		if (setsockopt(s->fd, SOL_SOCKET, SO_RCVBUFFORCE, &buf, sizeof(buf)))
			setsockopt(s->fd, SOL_SOCKET, SO_RCVBUF, &buf, sizeof(buf));
		s->used = true;
		s->type = type;
		s->st = CSK_NEW;
		return s;
	}
	m->err = NE_ENFILE;
	return NULL;
}

static bool port_in_use(struct nina_model *m, struct csock *self, uint16_t port)
{
	for (int i = 0; i < m->nsockets; i++) {
		struct csock *s = &m->sk[i];

		if (s == self || !s->used || !s->bound || s->type != self->type)
			continue;
		if (s->port == port && !(s->opt_reuse && self->opt_reuse))
			return true;
	}
	return false;
}

/*
 * lwIP's tcp_bind() looks at the TIME_WAIT list unless the new socket has
 * SO_REUSEADDR, whoever the old connection belonged to. The POSIX sockets
 * all carry SO_REUSEADDR (Linux would otherwise also want it on the old
 * socket), so ask Linux with a probe that has none.
 */
static bool port_in_time_wait(const struct sockaddr_in *sa)
{
	int p = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool busy;

	if (p < 0)
		return false;
	busy = bind(p, (const struct sockaddr *)sa, sizeof(*sa)) &&
	       errno == EADDRINUSE;
	close(p);
	return busy;
}

bool nina_do_bind(struct nina_model *m, struct csock *s, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);

	if (s->bound) {
		m->err = NE_EINVAL;
		return false;
	}
	if (port && port_in_use(m, s, port)) {
		m->err = NE_EADDRINUSE;
		return false;
	}
	sa.sin_addr = bind_addr(m);
	sa.sin_port = htons(port);
	if (port && s->type == 1 && !s->opt_reuse && port_in_time_wait(&sa)) {
		m->err = NE_EADDRINUSE;
		return false;
	}
	if (bind(s->fd, (struct sockaddr *)&sa, sizeof(sa))) {
		m->err = nina_nerr(errno);
		return false;
	}
	getsockname(s->fd, (struct sockaddr *)&sa, &sl);
	s->port = ntohs(sa.sin_port);
	s->bound = true;
	if (s->st == CSK_NEW)
		s->st = CSK_BOUND;
	return true;
}

/*
 * A connect's failure as lwIP reports it: the RST that refuses a SYN is
 * ERR_RST, ECONNRESET (104), from connect and SO_ERROR alike (facts §3.7).
 */
int nina_connect_err(int e)
{
	return e == ECONNREFUSED ? NE_ECONNRESET : nina_nerr(e);
}

void nina_connect_failed(struct csock *s, int ne)
{
	s->pending_err = ne;
	s->errevent = true;
	s->st = CSK_BOUND;
}

/* resolve a non-blocking connect in progress */
void nina_check_connect(struct csock *s)
{
	struct pollfd p = { .fd = s->fd, .events = POLLOUT };
	int e = 0;
	socklen_t el = sizeof(e);

	if (s->st != CSK_CONNECTING)
		return;
	if (s->blackhole) {
		/* SYN retries exhausted: tcp_slowtmr aborts, ERR_ABRT */
		if (nina_now_ns() >= s->syn_due_ns)
			nina_connect_failed(s, NE_ECONNABORTED);
		return;
	}
	if (poll(&p, 1, 0) <= 0) {
		/* a peer that drops SYNs: lwIP's bound, not the host's retries */
		if (nina_now_ns() >= s->syn_due_ns)
			nina_connect_failed(s, NE_ECONNABORTED);
		return;
	}
	getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el);
	if (e)
		nina_connect_failed(s, nina_connect_err(e));
	else
		s->st = CSK_CONNECTED;
}

static bool h_sock_socket(struct nina_model *m, uint64_t gen)
{
	int type = m->cmd[4];
	struct csock *s = NULL;

	(void)gen;
	if (nina_fault_hit(m, F_REFUSE, 0x70, NULL))
		m->err = NE_ENFILE;
	else if (type == 3)
		m->err = NE_EPROTONOSUPPORT;	/* raw sockets: not modeled */
	else if (type != 1 && type != 2)
		m->err = NE_EINVAL;
	else
		s = nina_sock_alloc(m, type);
	nina_update_open_count(m);
	nina_rep_u8(m, s ? sock_fd(m, s) : 255);
	return true;
}

static bool h_sock_close(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);

	(void)gen;
	if (s) {
		nina_sock_free(m, s);
		nina_update_open_count(m);
	}
	nina_rep_u8(m, s != NULL);
	return true;
}

static bool h_sock_errno(struct nina_model *m, uint64_t gen)
{
	(void)gen;
	nina_rep_u8(m, m->err);
	return true;
}

static bool h_sock_bind(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	uint16_t port = m->cmd[6] << 8 | m->cmd[7];

	(void)gen;
	nina_rep_u8(m, s && nina_do_bind(m, s, port));
	return true;
}

static bool h_sock_listen(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	bool ok = false;

	(void)gen;
	if (!s)
		goto out;
	if (s->type != 1) {
		m->err = NE_EOPNOTSUPP;
		goto out;
	}
	if (!s->bound && !nina_do_bind(m, s, 0))
		goto out;
	if (listen(s->fd, m->cmd[6] ? m->cmd[6] : 1)) {
		m->err = nina_nerr(errno);
		goto out;
	}
	s->st = CSK_LISTEN;
	ok = true;
out:
	nina_rep_u8(m, ok);
	return true;
}

/* wait on a blocking chip socket; false (err set) on timeout or reset */
static bool block_wait(struct nina_model *m, struct csock *s, short ev,
		       uint32_t tmo_ms, uint64_t gen)
{
	int r = nina_wait_fd(m, s->fd, ev, tmo_ms ? (int)tmo_ms : -1, gen);

	if (r == 0)
		m->err = NE_EAGAIN;	/* lwIP: ERR_TIMEOUT -> EWOULDBLOCK */
	return r == 1;
}

static bool h_sock_accept(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]), *n = NULL;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	struct in_addr pa = { 0 };
	uint16_t pp = 0;
	uint8_t port[2] = { 0, 0 };
	int fd;

	if (!s)
		goto out;
	if (s->st != CSK_LISTEN) {
		m->err = NE_EINVAL;
		goto out;
	}
	for (;;) {
		fd = accept4(s->fd, (struct sockaddr *)&sa, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd >= 0 || errno != EAGAIN || s->nonblock)
			break;
		if (!block_wait(m, s, POLLIN, s->rcvtimeo_ms, gen))
			goto out;
	}
	if (fd < 0) {
		m->err = nina_nerr(errno);
		goto out;
	}
	if (nina_fault_hit(m, F_REFUSE, 0x75, NULL)) {
		close(fd);
		m->err = NE_ENFILE;
		goto out;
	}
	for (int i = 0; i < m->nsockets; i++)
		if (!m->sk[i].used) {
			n = &m->sk[i];
			break;
		}
	if (!n) {
		close(fd);	/* lwIP drops the connection it cannot hold */
		m->err = NE_ENFILE;
		goto out;
	}
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->fd = fd;
	n->type = 1;
	n->st = CSK_CONNECTED;
	n->bound = true;
	n->port = s->port;
	/* lwIP: accepted pcbs inherit SOF_INHERITED (REUSEADDR, KEEPALIVE). */
	n->opt_reuse = s->opt_reuse;
	n->opt_keepalive = s->opt_keepalive;
	n->local_nonzero = true;
	nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &pa, &pp);
	n->peer = pa;
	n->peer_port = pp;
	port[0] = pp & 0xff;	/* little-endian (facts §2.6) */
	port[1] = pp >> 8;
	nina_update_open_count(m);
out:
	if (!n)
		pa.s_addr = 0;
	nina_rep_u8(m, n ? sock_fd(m, n) : 255);
	nina_rep_p8(m, &pa.s_addr, 4);
	nina_rep_p8(m, port, 2);
	return true;
}

static bool h_sock_connect(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	struct in_addr a = addr_at(m, 6), to;
	uint16_t port = m->cmd[11] << 8 | m->cmd[12], tp;
	struct sockaddr_in sa = { .sin_family = AF_INET };
	bool ok = false;
	int r;

	if (!s)
		goto out;
	nina_check_connect(s);
	if (s->st == CSK_CONNECTED && s->type == 1) {
		m->err = NE_EISCONN;
		goto out;
	}
	if (s->st == CSK_CONNECTING) {
		m->err = NE_EALREADY;
		goto out;
	}
	if (s->st == CSK_LISTEN) {
		m->err = NE_EINVAL;
		goto out;
	}
	if (!nina_linked(m)) {
		m->err = NE_EHOSTUNREACH;	/* ERR_RTE: no netif, no route */
		goto out;
	}
	if (!s->bound && !nina_do_bind(m, s, 0))
		goto out;
	s->peer = a;
	s->peer_port = port;
	/* Outside the virtual network: through the gateway, into the void. */
	s->blackhole = !nina_echo_connect(m, s, a, port, &to, &tp) &&
		       !nina_map_out(&m->cfg, a, port, &to, &tp);
	if (s->blackhole) {
		r = -1;
		errno = EINPROGRESS;
	} else {
		sa.sin_addr = to;
		sa.sin_port = htons(tp);
		r = connect(s->fd, (struct sockaddr *)&sa, sizeof(sa));
	}
	if (s->type == 2) {
		if (r && !s->blackhole) {
			m->err = nina_nerr(errno);
			goto out;
		}
		s->st = CSK_CONNECTED;
		ok = true;
		goto out;
	}
	s->local_nonzero = true;
	s->syn_due_ns = nina_now_ns() +
			(uint64_t)(nina_tf_ms(m, m->cfg.syn_timeout_ms) * 1e6);
	if (r == 0)
		s->st = CSK_CONNECTED;
	else if (errno == EINPROGRESS)
		s->st = CSK_CONNECTING;
	else
		nina_connect_failed(s, nina_connect_err(errno));
	if (s->nonblock) {
		/* lwIP: a non-blocking connect always answers EINPROGRESS */
		m->err = NE_EINPROGRESS;
		goto out;
	}
	while (s->st == CSK_CONNECTING) {
		if (s->blackhole) {
			uint64_t now = nina_now_ns();

			if (now < s->syn_due_ns &&
			    !nina_sleep_ms(m, (s->syn_due_ns - now) / 1e6, gen))
				goto out;
		} else if (nina_wait_fd(m, s->fd, POLLOUT, -1, gen) < 0) {
			goto out;
		}
		nina_check_connect(s);
	}
	if (s->st == CSK_CONNECTED) {
		ok = true;
	} else {
		m->err = s->pending_err;
		s->pending_err = 0;
		s->local_nonzero = false;
	}
out:
	nina_rep_u8(m, ok);
	return true;
}

static bool h_sock_send(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[5]);
	size_t len = m->cmd[6] << 8 | m->cmd[7];
	ssize_t n = 0;
	uint8_t b[2];

	if (!s)
		goto out;
	nina_check_connect(s);
	if (s->type == 1 && s->st != CSK_CONNECTED && s->st != CSK_CLOSED_PEER) {
		m->err = s->pending_err ? s->pending_err : NE_ENOTCONN;
		s->pending_err = 0;
		goto out;
	}
	if (s->type == 2 && s->st != CSK_CONNECTED) {
		m->err = NE_ENOTCONN;
		goto out;
	}
	if (s->type == 2 && len > NINA_UDP_MAX) {
		m->err = NE_EMSGSIZE;
		goto out;
	}
	if (s->type == 2 && s->blackhole) {
		n = len;	/* sent towards the gateway; nothing comes back */
		goto out;
	}
	for (;;) {
		n = send(s->fd, m->cmd + 8, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n >= 0 || errno != EAGAIN || s->nonblock)
			break;
		if (!block_wait(m, s, POLLOUT, s->sndtimeo_ms, gen)) {
			n = 0;
			goto out;
		}
	}
	if (n < 0) {
		m->err = nina_nerr(errno);
		n = 0;
	}
	nina_echo_sent(m, s, n, gen);
out:
	b[0] = (uint16_t)n >> 8;	/* big-endian (facts §2.6) */
	b[1] = n & 0xff;
	nina_rep_p8(m, b, 2);
	return true;
}

/* receive one datagram, dropping those the chip could not reassemble */
ssize_t nina_recv_dgram(struct csock *s, uint8_t *buf, size_t size,
			struct sockaddr_in *sa)
{
	for (;;) {
		socklen_t sl = sizeof(*sa);
		uint8_t big[65536];
		ssize_t n = recvfrom(s->fd, big, sizeof(big), MSG_DONTWAIT,
				     (struct sockaddr *)sa, &sl);

		if (n < 0)
			return n;
		if (n > NINA_UDP_MAX)
			continue;	/* would need IP fragments: never arrives */
		if ((size_t)n > size)
			n = size;	/* lwIP drops the rest of the datagram */
		memcpy(buf, big, n);
		return n;
	}
}

static ssize_t sock_read(struct nina_model *m, struct csock *s, uint8_t *buf,
			 size_t size, struct sockaddr_in *sa, uint64_t gen)
{
	ssize_t n;

	nina_check_connect(s);
	if (s->type == 1 && s->st != CSK_CONNECTED && s->st != CSK_CLOSED_PEER) {
		m->err = s->pending_err ? s->pending_err : NE_ENOTCONN;
		s->pending_err = 0;
		return -1;
	}
	for (;;) {
		if (s->type == 2) {
			n = nina_recv_dgram(s, buf, size, sa);
		} else {
			socklen_t sl = sizeof(*sa);

			n = recv(s->fd, buf, size, MSG_DONTWAIT);
			if (n >= 0)
				getpeername(s->fd, (struct sockaddr *)sa, &sl);
		}
		if (n >= 0 || errno != EAGAIN || s->nonblock)
			break;
		if (!block_wait(m, s, POLLIN, s->rcvtimeo_ms, gen))
			return -1;
	}
	if (n < 0) {
		m->err = nina_nerr(errno);
		return -1;
	}
	if (n == 0 && s->type == 1 && size) {
		/*
		 * lwIP meets ERR_CLSD on the first read after the FIN and
		 * ERR_CONN on every later one: ENOTCONN either way (facts
		 * §3.7, 0x78).
		 */
		s->st = CSK_CLOSED_PEER;
		m->err = NE_ENOTCONN;
	}
	return n;
}

static bool h_sock_recv(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	size_t size = m->cmd[6] | m->cmd[7] << 8;	/* little-endian */
	struct sockaddr_in sa;
	ssize_t n = -1;
	uint8_t *data = m->rep + 3 + 2;

	if (size > NINA_RECV_MAX)
		size = NINA_RECV_MAX;
	if (s)
		n = sock_read(m, s, data, size, &sa, gen);
	if (n < 0)
		n = 0;
	nina_rep_p16(m, NULL, n);
	return true;
}

static bool h_sock_sendto(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[5]);
	struct in_addr a = addr_at(m, 8), to;
	uint16_t port = m->cmd[14] << 8 | m->cmd[15], tp;
	size_t len = m->cmd[16] << 8 | m->cmd[17];
	struct sockaddr_in sa = { .sin_family = AF_INET };
	ssize_t n = 0;
	uint8_t b[2];

	if (!s)
		goto out;
	if (s->type != 2) {
		m->err = NE_EOPNOTSUPP;
		goto out;
	}
	if (len > NINA_UDP_MAX) {
		m->err = NE_EMSGSIZE;	/* no IP fragmentation on the chip */
		goto out;
	}
	if (!nina_linked(m)) {
		m->err = NE_EHOSTUNREACH;
		goto out;
	}
	if (!s->bound && !nina_do_bind(m, s, 0))
		goto out;
	if (!nina_map_out(&m->cfg, a, port, &to, &tp)) {
		/* The chip routes it through its gateway and reports nothing. */
		n = len;
		goto out;
	}
	sa.sin_addr = to;
	sa.sin_port = htons(tp);
	for (;;) {
		n = sendto(s->fd, m->cmd + 18, len, MSG_DONTWAIT | MSG_NOSIGNAL,
			   (struct sockaddr *)&sa, sizeof(sa));
		if (n >= 0 || errno != EAGAIN || s->nonblock)
			break;
		if (!block_wait(m, s, POLLOUT, s->sndtimeo_ms, gen)) {
			n = 0;
			goto out;
		}
	}
	if (n < 0) {
		m->err = nina_nerr(errno);
		n = 0;
	}
out:
	b[0] = (uint16_t)n >> 8;
	b[1] = n & 0xff;
	nina_rep_p8(m, b, 2);
	return true;
}

static bool h_sock_recvfrom(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	size_t size = m->cmd[6] | m->cmd[7] << 8;
	struct sockaddr_in sa = { 0 };
	struct in_addr pa = { 0 };
	uint16_t pp = 0;
	uint8_t port[2] = { 0, 0 };
	uint8_t *data = m->rep + 3 + 6 + 4 + 2;
	ssize_t n = -1;

	if (size > NINA_RECV_MAX) {
		/* the firmware does not clamp: it would overrun its buffer */
		nina_stat_inc(m, &m->st.violations);
		size = NINA_RECV_MAX;
	}
	if (s)
		n = sock_read(m, s, data, size, &sa, gen);
	if (n < 0) {
		n = 0;
	} else {
		nina_map_in(&m->cfg, sa.sin_addr, ntohs(sa.sin_port), &pa, &pp);
		port[0] = pp & 0xff;	/* little-endian */
		port[1] = pp >> 8;
	}
	nina_rep_p16(m, &pa.s_addr, 4);
	nina_rep_p16(m, port, 2);
	nina_rep_p16(m, NULL, n);
	return true;
}

static bool h_sock_ioctl(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	uint32_t cmd = le32(m->cmd + 6);
	size_t n = m->cmd[10];
	uint8_t arg[128] = { 0 };
	int v;

	(void)gen;
	if (n > 127)
		n = 127;
	memcpy(arg, m->cmd + 11, n);
	if (!s)
		goto fail;
	if (cmd == LW_FIONBIO) {
		s->nonblock = le32(arg) != 0;
	} else if (cmd == LW_FIONREAD) {
		v = 0;
		if (s->st != CSK_LISTEN && ioctl(s->fd, FIONREAD, &v))
			v = 0;
		put_le32(arg, (uint32_t)v);
	} else {
		m->err = NE_EINVAL;
		goto fail;
	}
	nina_rep_p8(m, arg, n);
	return true;
fail:
	nina_rep_p8(m, NULL, 0);
	return true;
}

static bool h_sock_poll(struct nina_model *m, uint64_t gen)
{
	struct csock *s;
	struct pollfd p;
	uint8_t fl = 0;

	(void)gen;
	if (m->cmd[4] < m->fd_base) {
		/* below LWIP_SOCKET_OFFSET: lwip_selscan() never looks */
		nina_rep_u8(m, 0x00);
		return true;
	}
	s = sock_get(m, m->cmd[4]);
	if (!s) {
		/*
		 * lwip_select() fails (EBADF) without copying its sets back:
		 * the handler's three bits stay set, with the failure bit.
		 */
		nina_rep_u8(m, 0x87);
		return true;
	}
	nina_check_connect(s);
	p.fd = s->fd;
	p.events = POLLIN | POLLOUT;
	p.revents = 0;
	poll(&p, 1, 0);
	if (s->type == 1 && s->st == CSK_CONNECTED && (p.revents & POLLERR))
		s->errevent = true;	/* a RST: err_tcp, as for a connect */
	if (s->errevent || s->pending_err) {
		/* err_tcp posts read and write events; errevent is sticky */
		fl = 0x07;
	} else if (s->st == CSK_LISTEN) {
		fl = (p.revents & POLLIN) ? 0x01 : 0;
	} else if (s->type == 1 && (s->st == CSK_NEW || s->st == CSK_BOUND ||
				    s->st == CSK_CONNECTING)) {
		fl = 0;	/* lwIP: a new TCP socket is neither readable nor writable */
	} else {
		if (p.revents & (POLLIN | POLLHUP | POLLERR))
			fl |= 0x01;
		if (p.revents & POLLOUT)
			fl |= 0x02;
	}
	nina_rep_u8(m, fl);
	return true;
}

static bool h_sock_setsockopt(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	uint32_t opt = le32(m->cmd + 6);
	size_t n = m->cmd[10];
	uint8_t val[16] = { 0 };
	bool ok = false;
	int v, one;

	(void)gen;
	if (n > 16)
		n = 16;
	memcpy(val, m->cmd + 11, n);
	if (!s)
		goto out;
	v = (int)le32(val);
	one = v != 0;
	switch (opt) {
	case LW_SO_REUSEADDR:
	case LW_SO_KEEPALIVE:
	case LW_SO_BROADCAST:
	case LW_SO_NO_CHECK:
		if (n < 4) {
			m->err = NE_EINVAL;
			goto out;
		}
		if (opt == LW_SO_REUSEADDR)
			s->opt_reuse = one;
		else if (opt == LW_SO_KEEPALIVE) {
			s->opt_keepalive = one;
			if (s->type == 1)
				setsockopt(s->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		} else if (opt == LW_SO_BROADCAST) {
			s->opt_broadcast = one;
			setsockopt(s->fd, SOL_SOCKET, SO_BROADCAST, &one, sizeof(one));
		} else if (s->type != 2) {
			m->err = NE_ENOPROTOOPT;
			goto out;
		}
		break;
	case LW_SO_SNDTIMEO:
	case LW_SO_RCVTIMEO: {
		uint32_t ms;

		if (n < 8) {
			m->err = NE_EINVAL;
			goto out;
		}
		ms = le32(val) * 1000 + le32(val + 4) / 1000;
		if (opt == LW_SO_SNDTIMEO)
			s->sndtimeo_ms = ms;
		else
			s->rcvtimeo_ms = ms;
		break;
	}
	default:
		m->err = NE_ENOPROTOOPT;
		goto out;
	}
	ok = true;
out:
	nina_rep_u8(m, ok);
	return true;
}

static bool h_sock_getsockopt(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	uint32_t opt = le32(m->cmd + 6);
	size_t n = m->cmd[11];
	uint8_t val[16] = { 0 };
	uint32_t v = 0;

	(void)gen;
	if (n > 16)
		n = 16;
	if (!s)
		goto fail;
	if (n < 4) {
		m->err = NE_EINVAL;
		goto fail;
	}
	switch (opt) {
	case LW_SO_ERROR:
		nina_check_connect(s);
		v = s->pending_err;
		s->pending_err = 0;
		if (v)
			s->local_nonzero = false;
		break;
	case LW_SO_TYPE:
		v = s->type;
		break;
	case LW_SO_ACCEPTCONN:
		v = s->st == CSK_LISTEN;
		break;
	/* lwIP returns the option bit itself (so_options & opt) */
	case LW_SO_REUSEADDR:
		v = s->opt_reuse ? opt : 0;
		break;
	case LW_SO_KEEPALIVE:
		v = s->opt_keepalive ? opt : 0;
		break;
	case LW_SO_BROADCAST:
		v = s->opt_broadcast ? opt : 0;
		break;
	case LW_SO_SNDTIMEO:
	case LW_SO_RCVTIMEO: {
		uint32_t ms = opt == LW_SO_SNDTIMEO ? s->sndtimeo_ms : s->rcvtimeo_ms;

		if (n < 8) {
			m->err = NE_EINVAL;
			goto fail;
		}
		put_le32(val, ms / 1000);
		put_le32(val + 4, (ms % 1000) * 1000);
		nina_rep_p8(m, val, n);
		return true;
	}
	default:
		m->err = NE_ENOPROTOOPT;
		goto fail;
	}
	put_le32(val, v);
	nina_rep_p8(m, val, n);
	return true;
fail:
	nina_rep_p8(m, NULL, 0);
	return true;
}

static bool h_sock_getpeername(struct nina_model *m, uint64_t gen)
{
	struct csock *s = sock_get(m, m->cmd[4]);
	struct in_addr a = { 0 };
	uint8_t port[2] = { 0, 0 };
	bool ok = false;

	(void)gen;
	if (s) {
		nina_check_connect(s);
		if (s->st == CSK_CONNECTED || s->st == CSK_CLOSED_PEER) {
			ok = true;
			a = s->peer;
			port[0] = s->peer_port & 0xff;
			port[1] = s->peer_port >> 8;
		} else {
			m->err = NE_ENOTCONN;
		}
	}
	nina_rep_u8(m, ok);
	nina_rep_p8(m, &a.s_addr, 4);
	nina_rep_p8(m, port, 2);
	return true;
}

/* ---- dispatch ---- */

struct cmd_desc {
	handler_fn fn;
	uint8_t min_n, max_n;
	bool io;		/* SEND/RECV-class processing time */
};

static const struct cmd_desc cmds[128] = {
	[0x10] = { h_set_net, 1, 1 },
	[0x11] = { h_set_passphrase, 2, 2 },
	[0x12] = { h_set_key, 3, 3 },
	[0x14] = { h_set_ip_config, 4, 4 },
	[0x15] = { h_set_dns_config, 3, 3 },
	[0x16] = { h_set_hostname, 1, 1 },
	[0x17] = { h_set_power_mode, 1, 1 },
	[0x18] = { h_set_ap_net, 2, 2 },
	[0x19] = { h_set_ap_passphrase, 3, 3 },
	[0x1A] = { h_set_debug, 1, 1 },
	[0x1B] = { h_get_temperature, 0, 1 },
	[0x1E] = { h_get_dns_config, 0, 1 },
	[0x1F] = { h_get_reason, 0, 1 },
	[0x20] = { h_get_status, 0, 1 },
	[0x21] = { h_get_ipaddr, 0, 1 },
	[0x22] = { h_get_mac, 0, 1 },
	[0x23] = { h_get_curr_ssid, 0, 1 },
	[0x24] = { h_get_curr_bssid, 0, 1 },
	[0x25] = { h_get_curr_rssi, 0, 1 },
	[0x26] = { h_get_curr_enct, 0, 1 },
	[0x27] = { h_scan, 0, 1 },
	[0x28] = { nina_h_start_server, 3, 4 },
	[0x29] = { nina_h_get_state, 1, 1 },
	[0x2A] = { nina_h_data_sent, 1, 1 },
	[0x2B] = { nina_h_avail_data, 1, 2 },
	[0x2C] = { nina_h_get_data, 2, 2 },
	[0x2D] = { nina_h_start_client, 4, 6 },
	[0x2E] = { nina_h_stop_client, 1, 1 },
	[0x2F] = { nina_h_client_state, 1, 1 },
	[0x30] = { h_disconnect, 0, 1 },
	[0x32] = { h_idx_rssi, 1, 1 },
	[0x33] = { h_idx_enct, 1, 1 },
	[0x34] = { h_req_host, 1, 1 },
	[0x35] = { h_get_host, 0, 1 },
	[0x36] = { h_start_scan, 0, 1 },
	[0x37] = { h_fw_version, 0, 1 },
	[0x39] = { nina_h_send_udp, 1, 1 },
	[0x3A] = { nina_h_remote_data, 1, 1 },
	[0x3B] = { h_get_time, 0, 1 },
	[0x3C] = { h_idx_bssid, 1, 1 },
	[0x3D] = { h_idx_channel, 1, 1 },
	[0x3E] = { h_ping, 2, 2 },
	[0x3F] = { nina_h_get_socket, 0, 1 },
	[0x44] = { nina_h_send_data, 2, 2, true },
	[0x45] = { nina_h_get_databuf, 2, 2, true },
	[0x46] = { nina_h_insert_databuf, 2, 2, true },
	[0x4A] = { nina_h_fork_4x, 0, 1 },
	[0x4B] = { nina_h_fork_4x, 0, 1 },
	[0x4C] = { nina_h_fork_4x, 0, 1 },
	[0x4D] = { nina_h_fork_4x, 0, 1 },
	[0x4E] = { nina_h_fork_4x, 0, 1 },
	[0x4F] = { nina_h_fork_4x, 0, 1 },
	[0x5E] = { nina_h_fw_version_u32, 0, 1 },
	[0x70] = { h_sock_socket, 2, 2 },
	[0x71] = { h_sock_close, 1, 1 },
	[0x72] = { h_sock_errno, 0, 1 },
	[0x73] = { h_sock_bind, 2, 2 },
	[0x74] = { h_sock_listen, 2, 2 },
	[0x75] = { h_sock_accept, 1, 1 },
	[0x76] = { h_sock_connect, 3, 3 },
	[0x77] = { h_sock_send, 2, 2, true },
	[0x78] = { h_sock_recv, 2, 2, true },
	[0x79] = { h_sock_sendto, 4, 4, true },
	[0x7A] = { h_sock_recvfrom, 2, 2, true },
	[0x7B] = { h_sock_ioctl, 3, 3 },
	[0x7C] = { h_sock_poll, 1, 1 },
	[0x7D] = { h_sock_setsockopt, 3, 3 },
	[0x7E] = { h_sock_getsockopt, 3, 3 },
	[0x7F] = { h_sock_getpeername, 1, 1 },
};

/*
 * Walk the frame as a strict host would (N parameters of the command's
 * width, then END). The firmware does not: it only logs-worthy. Returns
 * false when a length field points past the 4092-byte buffer, which on
 * the chip would read (or copy) outside it.
 */
static bool frame_check(struct nina_model *m, int op, const struct cmd_desc *d)
{
	size_t o = 3;
	int n = m->cmd[2];
	bool w16 = nina_cmd_width16(op), warn = false;

	if (n < d->min_n || n > d->max_n)
		warn = true;
	for (int i = 0; i < n; i++) {
		size_t len;

		if (o + (w16 ? 2 : 1) > NINA_BUF)
			return false;
		len = w16 ? (size_t)(m->cmd[o] << 8 | m->cmd[o + 1]) : m->cmd[o];
		o += (w16 ? 2 : 1) + len;
		if (o > NINA_BUF)
			return false;
	}
	if (o >= m->cmd_len || m->cmd[o] != END_CMD)
		warn = true;
	if (warn)
		nina_stat_inc(m, &m->st.frame_warnings);
	return true;
}

/* lengths the firmware trusts for its copies (facts §3.7 offsets) */
static bool data_len_ok(struct nina_model *m, int op)
{
	if (op == 0x77)
		return 8 + (size_t)(m->cmd[6] << 8 | m->cmd[7]) <= NINA_BUF;
	if (op == 0x79)
		return 18 + (size_t)(m->cmd[16] << 8 | m->cmd[17]) <= NINA_BUF;
	return true;
}

void nina_exec(struct nina_model *m, uint64_t gen)
{
	int op = m->cmd[1];
	const struct cmd_desc *d = op < 0x80 ? &cmds[op] : NULL;
	struct nina_fault *f;
	bool ok = false;
	uint32_t us;

	nina_net_update(m);
	pthread_mutex_lock(&m->lock);
	if (m->link_drop_req) {
		m->link_drop_req = false;
		pthread_mutex_unlock(&m->lock);
		if (m->mode == WM_STA && m->status == 3)
			nina_link_lost(m, 200, 6);	/* BEACON_TIMEOUT */
		pthread_mutex_lock(&m->lock);
	}
	m->st.commands++;
	m->st.cmd_count[op & 0x7f]++;
	us = d && d->io ? m->cfg.io_cmd_us : m->cfg.cmd_us;
	m->last_proc_us = us;
	m->st.processing_ns += (uint64_t)us * 1000;
	m->st.modeled_ns += (uint64_t)us * 1000;
	pthread_mutex_unlock(&m->lock);

	if (nina_fault_hit(m, F_STALL, op & 0x7f, &f))
		nina_sleep_ms(m, f->ms, gen);
	if (nina_fault_hit(m, F_RESET, op & 0x7f, NULL)) {
		pthread_mutex_lock(&m->lock);
		m->pending_reset_fault = true;
		pthread_mutex_unlock(&m->lock);
		return;
	}
	if (nina_fault_hit(m, F_LINK_DROP, op & 0x7f, NULL) &&
	    m->mode == WM_STA && m->status == 3)
		nina_link_lost(m, 200, 6);

	rep_begin(m);
	if (m->cmd[0] != START_CMD || !d || !d->fn ||
	    (op >= 0x70 && !m->bsd)) {
		rep_error(m);
		return;
	}
	if (!frame_check(m, op, d) || !data_len_ok(m, op) ||
	    !nina_slot_cmd_ok(m, op)) {
		nina_stat_inc(m, &m->st.violations);
		rep_error(m);
		return;
	}
	if (op >= 0x70 && op != 0x72)
		m->err = 0;
	ok = d->fn(m, gen);
	if (nina_aborted(m, gen))
		return;
	nina_slots_gpio0(m);
	if (ok)
		rep_finish(m, op);
	else
		rep_error(m);
}
