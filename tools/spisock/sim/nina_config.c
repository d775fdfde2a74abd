// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration of the nina-fw chip model: a line-based text format
 * ("keyword args...", '#' comments), documented in
 * Documentation/networking/spisock-sim.rst.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nina_internal.h"

static void seterr(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static struct in_addr ip4(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a;
}

void nina_config_defaults(struct nina_config *c)
{
	static const uint8_t mac[6] = { 0x24, 0x0a, 0xc4, 0x5e, 0x1a, 0x01 };

	memset(c, 0, sizeof(*c));
	c->flavour = FLAVOUR_ARDUINO;
	strcpy(c->version, "2.0.0");
	c->bsd = -1;
	c->pad_replies = -1;
	c->mac_reversed = -1;
	c->dma_drop_partial = true;
	c->filler = 0x00;
	memcpy(c->mac, mac, 6);
	c->radio_ip = ip4("127.0.2.1");
	c->radio_mask = ip4("255.255.255.0");
	c->radio_gw = ip4("127.0.2.254");
	c->ap_ip = ip4("127.0.4.1");
	c->ap_mask = ip4("255.255.255.0");
	c->dns[0] = ip4("127.0.2.53");
	c->time_factor = 1.0;
	c->boot_ms = 750;
	c->assoc_ms = 1500;
	c->scan_ms = 2000;
	c->dns_ms = 20;
	c->ntp_ms = 2000;
	c->ap_ms = 300;
	c->wifi_ms = 100;
	c->ping_ms = 3;
	c->ping_timeout_ms = 5000;
	/* lwIP's SYN back-off: 3 s doubled, TCP_SYNMAXRTX 6 (facts §4) */
	c->syn_timeout_ms = 189000;
	c->auth_fail_reason = 15;	/* ESP-IDF 3.x: 4WAY_HANDSHAKE_TIMEOUT */
	c->spi_hz = 8000000;
	c->turnaround_us = 150;
	c->cmd_us = 50;
	c->io_cmd_us = 100;
	c->sock_buf = 5744;	/* lwIP's TCP window */
	c->seed = 1;
	winc_opts_defaults(&c->winc);
}

struct nina_config *nina_config_new(void)
{
	struct nina_config *c = malloc(sizeof(*c));

	if (c)
		nina_config_defaults(c);
	return c;
}

void nina_config_free(struct nina_config *cfg)
{
	free(cfg);
}

void nina_config_set_time_factor(struct nina_config *cfg, double f)
{
	cfg->time_factor = f < 0 ? 0 : f;
}

int nina_version_cmp(const char *v, int maj, int min, int pat)
{
	int a = 0, b = 0, c = 0;

	sscanf(v, "%d.%d.%d", &a, &b, &c);
	if (a != maj)
		return a < maj ? -1 : 1;
	if (b != min)
		return b < min ? -1 : 1;
	if (c != pat)
		return c < pat ? -1 : 1;
	return 0;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++) {
		if (b[i] > 255)
			return -1;
		mac[i] = b[i];
	}
	return 0;
}

static int parse_ip(const char *s, struct in_addr *a)
{
	return inet_pton(AF_INET, s, a) == 1 ? 0 : -1;
}

/* "a.b.c.d" or "a.b.c.d:port" */
static int parse_ep(const char *s, struct in_addr *a, uint16_t *port)
{
	char buf[64];
	char *colon;

	snprintf(buf, sizeof(buf), "%s", s);
	colon = strchr(buf, ':');
	*port = 0;
	if (colon) {
		char *end;
		long p;

		*colon = 0;
		p = strtol(colon + 1, &end, 0);
		if (*end || p <= 0 || p > 65535)
			return -1;
		*port = p;
	}
	return parse_ip(buf, a);
}

static int parse_bool(const char *s)
{
	if (!strcasecmp(s, "1") || !strcasecmp(s, "yes") || !strcasecmp(s, "on") ||
	    !strcasecmp(s, "true"))
		return 1;
	if (!strcasecmp(s, "0") || !strcasecmp(s, "no") || !strcasecmp(s, "off") ||
	    !strcasecmp(s, "false"))
		return 0;
	return -1;
}

#define MAXTOK 16

static int tokenize(char *s, char **tok)
{
	int n = 0;

	while (*s && n < MAXTOK) {
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			break;
		if (*s == '"') {
			tok[n++] = ++s;
			while (*s && *s != '"')
				s++;
		} else {
			tok[n++] = s;
			while (*s && !isspace((unsigned char)*s))
				s++;
		}
		if (*s)
			*s++ = 0;
	}
	return n;
}

/* key=value lookup among tokens from index 1 */
static const char *kv(char **tok, int n, const char *key)
{
	size_t kl = strlen(key);

	for (int i = 1; i < n; i++)
		if (!strncmp(tok[i], key, kl) && tok[i][kl] == '=')
			return tok[i] + kl + 1;
	return NULL;
}

static int parse_ap(struct nina_config *c, char **tok, int n, char *err,
		    size_t errlen)
{
	struct nina_ap *ap;
	const char *v;

	if (c->nap >= NINA_MAX_APS) {
		seterr(err, errlen, "too many access points");
		return -1;
	}
	ap = &c->ap[c->nap];
	memset(ap, 0, sizeof(*ap));
	v = kv(tok, n, "ssid");
	if (!v || strlen(v) > 32) {
		seterr(err, errlen, "ap: ssid= (1..32 bytes) required");
		return -1;
	}
	strcpy(ap->ssid, v);
	ap->channel = 6;
	ap->rssi = -50;
	ap->bssid[0] = 0x02;
	ap->bssid[1] = 0x00;
	ap->bssid[5] = c->nap + 1;
	if ((v = kv(tok, n, "bssid")) && parse_mac(v, ap->bssid)) {
		seterr(err, errlen, "ap: bad bssid");
		return -1;
	}
	if ((v = kv(tok, n, "channel")))
		ap->channel = atoi(v);
	if ((v = kv(tok, n, "rssi")))
		ap->rssi = atoi(v);
	ap->sec = SEC_OPEN;
	if ((v = kv(tok, n, "security"))) {
		if (!strcasecmp(v, "open"))
			ap->sec = SEC_OPEN;
		else if (!strcasecmp(v, "wep"))
			ap->sec = SEC_WEP;
		else if (!strcasecmp(v, "wpa"))
			ap->sec = SEC_WPA;
		else if (!strcasecmp(v, "wpa2"))
			ap->sec = SEC_WPA2;
		else if (!strcasecmp(v, "enterprise"))
			ap->sec = SEC_ENT;
		else {
			seterr(err, errlen, "ap: security is open|wep|wpa|wpa2|enterprise");
			return -1;
		}
	}
	if ((v = kv(tok, n, "passphrase"))) {
		if (strlen(v) > 64) {
			seterr(err, errlen, "ap: passphrase longer than 64");
			return -1;
		}
		strcpy(ap->pass, v);
		if (ap->sec == SEC_OPEN && !kv(tok, n, "security"))
			ap->sec = SEC_WPA2;
	}
	if ((v = kv(tok, n, "hidden")))
		ap->hidden = parse_bool(v) == 1;
	if ((v = kv(tok, n, "ip"))) {
		ap->has_ip = true;
		ap->mask.s_addr = c->radio_mask.s_addr;
		ap->gw.s_addr = c->radio_gw.s_addr;
		if (parse_ip(v, &ap->ip)) {
			seterr(err, errlen, "ap: bad ip");
			return -1;
		}
		if ((v = kv(tok, n, "netmask")) && parse_ip(v, &ap->mask))
			return seterr(err, errlen, "ap: bad netmask"), -1;
		if ((v = kv(tok, n, "gateway")) && parse_ip(v, &ap->gw))
			return seterr(err, errlen, "ap: bad gateway"), -1;
	}
	c->nap++;
	return 0;
}

int nina_config_line(struct nina_config *c, const char *line, char *err,
		     size_t errlen)
{
	char buf[1024];
	char *tok[MAXTOK];
	const char *k;
	int n;

	snprintf(buf, sizeof(buf), "%s", line);
	n = tokenize(buf, tok);
	if (n == 0)
		return 0;
	k = tok[0];
#define NEED(x) do { if (n < (x) + 1) { seterr(err, errlen, "%s: missing argument", k); return -1; } } while (0)
#define BAD() do { seterr(err, errlen, "%s: bad argument", k); return -1; } while (0)
	if (!strcmp(k, "chip")) {
		NEED(1);
		if (!strcasecmp(tok[1], "nina"))
			c->chip = SIM_CHIP_NINA;
		else if (!strcasecmp(tok[1], "winc1500"))
			c->chip = SIM_CHIP_WINC1500;
		else
			BAD();
		winc_config_chip(c);
	} else if (!strcmp(k, "flavour") || !strcmp(k, "flavor")) {
		NEED(1);
		if (!strcasecmp(tok[1], "arduino"))
			c->flavour = FLAVOUR_ARDUINO;
		else if (!strcasecmp(tok[1], "adafruit"))
			c->flavour = FLAVOUR_ADAFRUIT;
		else
			BAD();
		if (!c->version_set)
			strcpy(c->version, c->flavour == FLAVOUR_ADAFRUIT ?
			       "3.3.0" : "2.0.0");
	} else if (!strcmp(k, "version")) {
		NEED(1);
		if (strlen(tok[1]) > 31)
			BAD();
		strcpy(c->version, tok[1]);
		c->version_set = true;
	} else if (!strcmp(k, "sockets")) {
		NEED(1);
		c->sockets = atoi(tok[1]);
		if (c->sockets < 1 || c->sockets > NINA_MAX_SOCKETS)
			BAD();
	} else if (!strcmp(k, "bsd") || !strcmp(k, "pad-replies") ||
		   !strcmp(k, "mac-reversed") || !strcmp(k, "dma-drop-partial") ||
		   !strcmp(k, "realtime")) {
		int b;

		NEED(1);
		b = !strcmp(tok[1], "auto") ? -1 : parse_bool(tok[1]);
		if (b == -1 && strcmp(tok[1], "auto"))
			BAD();
		if (!strcmp(k, "bsd"))
			c->bsd = b;
		else if (!strcmp(k, "pad-replies"))
			c->pad_replies = b;
		else if (!strcmp(k, "mac-reversed"))
			c->mac_reversed = b;
		else if (b < 0)
			BAD();
		else if (!strcmp(k, "dma-drop-partial"))
			c->dma_drop_partial = b;
		else
			c->realtime = b;
	} else if (!strcmp(k, "filler")) {
		NEED(1);
		c->filler = strtoul(tok[1], NULL, 0);
	} else if (!strcmp(k, "mac")) {
		NEED(1);
		if (parse_mac(tok[1], c->mac))
			BAD();
	} else if (!strcmp(k, "radio-ip") || !strcmp(k, "netmask") ||
		   !strcmp(k, "gateway") || !strcmp(k, "ap-ip") ||
		   !strcmp(k, "ap-netmask")) {
		struct in_addr a;

		NEED(1);
		if (parse_ip(tok[1], &a))
			BAD();
		if (!strcmp(k, "radio-ip")) {
			if ((ntohl(a.s_addr) >> 24) != 127) {
				seterr(err, errlen, "radio-ip must be in 127.0.0.0/8");
				return -1;
			}
			c->radio_ip = a;
		} else if (!strcmp(k, "netmask")) {
			c->radio_mask = a;
		} else if (!strcmp(k, "gateway")) {
			c->radio_gw = a;
		} else if (!strcmp(k, "ap-ip")) {
			if ((ntohl(a.s_addr) >> 24) != 127) {
				seterr(err, errlen, "ap-ip must be in 127.0.0.0/8");
				return -1;
			}
			c->ap_ip = a;
		} else {
			c->ap_mask = a;
		}
	} else if (!strcmp(k, "dns")) {
		NEED(1);
		if (parse_ip(tok[1], &c->dns[0]))
			BAD();
		if (n > 2 && parse_ip(tok[2], &c->dns[1]))
			BAD();
	} else if (!strcmp(k, "ap")) {
		return parse_ap(c, tok, n, err, errlen);
	} else if (!strcmp(k, "map")) {
		struct nina_map *mp;

		NEED(2);
		if (c->nmap >= NINA_MAX_MAPS)
			BAD();
		mp = &c->map[c->nmap];
		if (parse_ep(tok[1], &mp->from, &mp->from_port) ||
		    parse_ep(tok[2], &mp->to, &mp->to_port))
			BAD();
		if ((ntohl(mp->to.s_addr) >> 24) != 127) {
			seterr(err, errlen, "map: target must be in 127.0.0.0/8");
			return -1;
		}
		if (!mp->from_port && mp->to_port)
			BAD();
		c->nmap++;
	} else if (!strcmp(k, "echo")) {
		NEED(1);
		if (parse_ep(tok[1], &c->echo_addr, &c->echo_port) ||
		    !c->echo_port)
			BAD();
	} else if (!strcmp(k, "host") || !strcmp(k, "host-fail")) {
		struct nina_host *h;
		const char *v;
		bool fail = !strcmp(k, "host-fail");

		NEED(fail ? 1 : 2);
		if (c->nhost >= NINA_MAX_HOSTS || strlen(tok[1]) > 255)
			BAD();
		h = &c->host[c->nhost];
		memset(h, 0, sizeof(*h));
		strcpy(h->name, tok[1]);
		h->fail = fail;
		if (!fail && parse_ip(tok[2], &h->addr))
			BAD();
		h->delay_ms = -1;
		if ((v = kv(tok, n, "delay")))
			h->delay_ms = atoi(v);
		c->nhost++;
	} else if (!strcmp(k, "ping")) {
		NEED(2);
		if (c->nping >= NINA_MAX_PINGS ||
		    parse_ip(tok[1], &c->ping[c->nping].addr))
			BAD();
		c->ping[c->nping].rtt_ms = !strcmp(tok[2], "timeout") ? -1 :
					   atoi(tok[2]);
		c->nping++;
	} else if (!strcmp(k, "time")) {
		NEED(1);
		if (!strcmp(tok[1], "host")) {
			c->time_fixed = false;
			c->time_offset = n > 2 ? strtoll(tok[2], NULL, 0) : 0;
		} else {
			c->time_fixed = true;
			c->time_value = strtoll(tok[1], NULL, 0);
		}
	} else if (!strcmp(k, "time-factor")) {
		NEED(1);
		c->time_factor = strtod(tok[1], NULL);
		if (c->time_factor < 0)
			BAD();
	} else if (!strcmp(k, "seed")) {
		NEED(1);
		c->seed = strtoull(tok[1], NULL, 0);
	} else if (!strcmp(k, "fault")) {
		struct nina_fault f;
		const char *rest = strstr(line, "fault") + 5;

		if (c->nfaults >= NINA_MAX_FAULTS)
			BAD();
		if (nina_fault_parse(rest, &f, err, errlen))
			return -1;
		snprintf(c->faults[c->nfaults++], sizeof(c->faults[0]), "%s", rest);
	} else {
		static const struct { const char *k; size_t off; } ints[] = {
#define I(name, field) { name, offsetof(struct nina_config, field) }
			I("boot-ms", boot_ms), I("assoc-ms", assoc_ms),
			I("scan-ms", scan_ms), I("dns-ms", dns_ms),
			I("ntp-ms", ntp_ms), I("ap-ms", ap_ms),
			I("wifi-ms", wifi_ms), I("ping-ms", ping_ms),
			I("ping-timeout-ms", ping_timeout_ms),
			I("syn-timeout-ms", syn_timeout_ms),
			I("auth-fail-reason", auth_fail_reason),
#undef I
		};
		static const struct { const char *k; size_t off; } u32s[] = {
			{ "spi-hz", offsetof(struct nina_config, spi_hz) },
			{ "turnaround-us", offsetof(struct nina_config, turnaround_us) },
			{ "cmd-us", offsetof(struct nina_config, cmd_us) },
			{ "io-cmd-us", offsetof(struct nina_config, io_cmd_us) },
			{ "sock-buf", offsetof(struct nina_config, sock_buf) },
		};

		for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
			if (strcmp(k, ints[i].k))
				continue;
			NEED(1);
			*(int *)((char *)c + ints[i].off) = atoi(tok[1]);
			return 0;
		}
		for (size_t i = 0; i < sizeof(u32s) / sizeof(u32s[0]); i++) {
			if (strcmp(k, u32s[i].k))
				continue;
			NEED(1);
			*(uint32_t *)((char *)c + u32s[i].off) =
				strtoul(tok[1], NULL, 0);
			return 0;
		}
		n = winc_config_key(c, tok, n, line, err, errlen);
		if (n <= 0)
			return n;
		seterr(err, errlen, "unknown keyword '%s'", k);
		return -1;
	}
	return 0;
#undef NEED
#undef BAD
}

int nina_config_load(struct nina_config *c, const char *path, char *err,
		     size_t errlen)
{
	char line[1024], e[200];
	int lineno = 0;
	FILE *f = fopen(path, "r");

	if (!f) {
		seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		line[strcspn(line, "\r\n")] = 0;
		if (nina_config_line(c, line, e, sizeof(e))) {
			seterr(err, errlen, "%s:%d: %s", path, lineno, e);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

/* ---- fault rules ---- */

static const char *const fault_names[F_NKINDS] = {
	[F_READY_DROP] = "ready-drop",
	[F_READY_DELAY] = "ready-delay",
	[F_CS_NACK] = "cs-nack",
	[F_CORRUPT] = "corrupt",
	[F_TRUNCATE] = "truncate",
	[F_ERROR_FRAME] = "error-frame",
	[F_EIO] = "eio",
	[F_STALL] = "stall",
	[F_RESET] = "reset",
	[F_LINK_DROP] = "link-drop",
	[F_REFUSE] = "refuse-sockets",
	[F_HOSTILE] = "hostile",
};

int nina_fault_parse(const char *rule, struct nina_fault *f, char *err,
		     size_t errlen)
{
	char buf[256];
	char *tok[MAXTOK];
	int n, i;

	snprintf(buf, sizeof(buf), "%s", rule);
	n = tokenize(buf, tok);
	memset(f, 0, sizeof(*f));
	f->op = -1;
	f->ms = 100;
	f->len = -1;
	if (n == 0) {
		seterr(err, errlen, "empty fault rule");
		return -1;
	}
	for (i = 0; i < F_NKINDS; i++)
		if (!strcmp(tok[0], fault_names[i]))
			break;
	if (i == F_NKINDS) {
		seterr(err, errlen, "unknown fault '%s'", tok[0]);
		return -1;
	}
	f->kind = i;
	for (i = 1; i < n; i++) {
		char *eq = strchr(tok[i], '=');
		char *v, *end;

		if (!eq) {
			seterr(err, errlen, "fault: '%s' is not key=value", tok[i]);
			return -1;
		}
		*eq = 0;
		v = eq + 1;
		if (!strcmp(tok[i], "p")) {
			f->p = strtod(v, &end);
			if (f->p <= 0 || f->p > 1)
				goto bad;
		} else if (!strcmp(tok[i], "nth")) {
			f->nth = strtoull(v, &end, 0);
			if (!f->nth)
				goto bad;
		} else if (!strcmp(tok[i], "every")) {
			f->every = strtoull(v, &end, 0);
			if (!f->every)
				goto bad;
		} else if (!strcmp(tok[i], "count")) {
			f->count = strtoull(v, &end, 0);
		} else if (!strcmp(tok[i], "op")) {
			f->op = strtol(v, &end, 0);
			if (f->op < 0 || f->op > 0x7f)
				goto bad;
		} else if (!strcmp(tok[i], "ms")) {
			f->ms = strtol(v, &end, 0);
		} else if (!strcmp(tok[i], "len")) {
			f->len = strtol(v, &end, 0);
		} else {
			seterr(err, errlen, "fault: unknown key '%s'", tok[i]);
			return -1;
		}
		if (*end)
			goto bad;
		continue;
bad:
		seterr(err, errlen, "fault: bad value for '%s'", tok[i]);
		return -1;
	}
	return 0;
}

/* ---- address map ---- */

bool nina_map_out(const struct nina_config *c, struct in_addr a, uint16_t port,
		  struct in_addr *to, uint16_t *to_port)
{
	for (int i = 0; i < c->nmap; i++) {
		const struct nina_map *mp = &c->map[i];

		if (mp->from.s_addr == a.s_addr && mp->from_port &&
		    mp->from_port == port) {
			*to = mp->to;
			*to_port = mp->to_port ? mp->to_port : port;
			return true;
		}
	}
	for (int i = 0; i < c->nmap; i++) {
		const struct nina_map *mp = &c->map[i];

		if (mp->from.s_addr == a.s_addr && !mp->from_port) {
			*to = mp->to;
			*to_port = port;
			return true;
		}
	}
	if ((ntohl(a.s_addr) >> 24) == 127) {
		*to = a;
		*to_port = port;
		return true;
	}
	return false;
}

void nina_map_in(const struct nina_config *c, struct in_addr a, uint16_t port,
		 struct in_addr *from, uint16_t *from_port)
{
	for (int i = 0; i < c->nmap; i++) {
		const struct nina_map *mp = &c->map[i];
		uint16_t tp = mp->to_port ? mp->to_port : mp->from_port;

		if (mp->to.s_addr == a.s_addr && mp->from_port && tp == port) {
			*from = mp->from;
			*from_port = mp->from_port;
			return;
		}
	}
	for (int i = 0; i < c->nmap; i++) {
		const struct nina_map *mp = &c->map[i];

		if (mp->to.s_addr == a.s_addr && !mp->from_port) {
			*from = mp->from;
			*from_port = port;
			return;
		}
	}
	*from = a;
	*from_port = port;
}

/* ---- the radio's own subnets (spisock-simd's network namespace) ---- */

static int add_net(struct in_addr *net, int *plen, int n, int max,
		   struct in_addr a, struct in_addr mask)
{
	int len = __builtin_popcount(mask.s_addr);

	if (!a.s_addr)
		return n;
	a.s_addr &= mask.s_addr;
	for (int i = 0; i < n; i++)
		if (net[i].s_addr == a.s_addr && plen[i] == len)
			return n;
	if (n < max) {
		net[n] = a;
		plen[n++] = len;
	}
	return n;
}

int sim_config_nets(const struct nina_config *c, struct in_addr *net,
		    int *plen, int max)
{
	int n = add_net(net, plen, 0, max, c->radio_ip, c->radio_mask);

	if (c->chip == SIM_CHIP_NINA)
		n = add_net(net, plen, n, max, c->ap_ip, c->ap_mask);
	for (int i = 0; i < c->nap; i++)
		if (c->ap[i].has_ip)
			n = add_net(net, plen, n, max, c->ap[i].ip, c->ap[i].mask);
	return n;
}
