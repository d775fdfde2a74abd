// SPDX-License-Identifier: GPL-2.0
/*
 * Configuration of the WINC1500 personality: its keywords (called by the
 * shared parser for keywords it does not know) and its fault rules.
 * Documented in Documentation/networking/spisock-sim.rst.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "winc_internal.h"

void winc_opts_defaults(struct winc_opts *w)
{
	memset(w, 0, sizeof(*w));
	w->chip_id = 0x1002b0;		/* rfrev 4: "1502B1" (§1.4) */
	w->rf_rev = 4;
	strcpy(w->min_driver, "19.3.0");	/* 0x13301352 in §5.4 */
	w->tx_buffers = 16;		/* WiFi101 issue #118 */
	w->resp_fillers = 0;
	w->token_fillers = 0;
	w->rx_offset = 16;		/* just after tstrRecvReply (§9) */
	w->efuse_ms = 1;
	w->bootrom_ms = 10;
	w->fw_start_ms = 50;
	w->dhcp_ms = 200;
	w->hif_us = 200;
	w->recv_us = 7000;		/* openmv PR #3240: 7-11 ms */
	w->event_us = 100;
}

void winc_config_chip(struct nina_config *c)
{
	bool winc = c->chip == SIM_CHIP_WINC1500;

	if (!c->version_set)
		strcpy(c->version, winc ? "19.7.7" : "2.0.0");
	/* W101 and Microchip's tutorials clock 12 MHz (§1.2) */
	if (winc && c->spi_hz == 8000000)
		c->spi_hz = 12000000;
	else if (!winc && c->spi_hz == 12000000)
		c->spi_hz = 8000000;
}

static void seterr(char *err, size_t errlen, const char *msg, const char *k)
{
	if (err && errlen)
		snprintf(err, errlen, "%s: %s", k, msg);
}

int winc_config_key(struct nina_config *c, char **tok, int n,
		    const char *line, char *err, size_t errlen)
{
	static const struct { const char *k; size_t off; int min, max; } ints[] = {
#define I(name, field, lo, hi) { name, offsetof(struct winc_opts, field), lo, hi }
		I("winc-tx-buffers", tx_buffers, 1, WINC_MAX_TXBUF),
		I("winc-resp-fillers", resp_fillers, 0, 16),
		I("winc-token-fillers", token_fillers, 0, 16),
		I("winc-rx-offset", rx_offset, 16, 256),
		I("winc-efuse-ms", efuse_ms, 0, 100000),
		I("winc-bootrom-ms", bootrom_ms, 0, 100000),
		I("winc-fw-start-ms", fw_start_ms, 0, 100000),
		I("winc-dhcp-ms", dhcp_ms, 0, 100000),
		I("winc-hif-us", hif_us, 0, 1000000),
		I("winc-event-us", event_us, 0, 1000000),
		I("winc-recv-us", recv_us, 0, 1000000),
#undef I
	};
	struct winc_opts *w = &c->winc;
	const char *k = tok[0];

	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
		char *end;
		long v;

		if (strcmp(k, ints[i].k))
			continue;
		if (n < 2)
			return seterr(err, errlen, "missing argument", k), -1;
		v = strtol(tok[1], &end, 0);
		if (*end || v < ints[i].min || v > ints[i].max)
			return seterr(err, errlen, "bad argument", k), -1;
		*(int *)((char *)w + ints[i].off) = (int)v;
		return 0;
	}
	if (!strcmp(k, "winc-chip-id") || !strcmp(k, "winc-rf-rev")) {
		char *end;
		unsigned long v;

		if (n < 2)
			return seterr(err, errlen, "missing argument", k), -1;
		v = strtoul(tok[1], &end, 0);
		if (*end || v > 0xffffffffu)
			return seterr(err, errlen, "bad argument", k), -1;
		if (!strcmp(k, "winc-chip-id"))
			w->chip_id = v;
		else
			w->rf_rev = v;
		return 0;
	}
	if (!strcmp(k, "winc-min-driver")) {
		int a, b, d;

		if (n < 2 || strlen(tok[1]) >= sizeof(w->min_driver) ||
		    sscanf(tok[1], "%d.%d.%d", &a, &b, &d) != 3)
			return seterr(err, errlen, "want major.minor.patch", k), -1;
		strcpy(w->min_driver, tok[1]);
		return 0;
	}
	if (!strcmp(k, "winc-peer-close")) {
		if (n < 2)
			return seterr(err, errlen, "missing argument", k), -1;
		if (!strcasecmp(tok[1], "zero"))
			w->eof_aborted = false;
		else if (!strcasecmp(tok[1], "aborted"))
			w->eof_aborted = true;
		else
			return seterr(err, errlen, "zero|aborted", k), -1;
		return 0;
	}
	if (!strcmp(k, "winc-fault")) {
		const char *rest = strstr(line, "winc-fault") + 10;
		struct winc_fault f;

		if (w->nfaults >= WINC_MAX_FAULTS)
			return seterr(err, errlen, "too many rules", k), -1;
		if (winc_fault_parse(rest, &f, err, errlen))
			return -1;
		snprintf(w->faults[w->nfaults++], sizeof(w->faults[0]), "%s",
			 rest);
		return 0;
	}
	return 1;
}

/* ---- fault rules: "kind key=value..." as the nina model's ---- */

static const char *const fault_names[WF_NKINDS] = {
	[WF_CRC] = "crc",
	[WF_NO_RESPONSE] = "no-response",
	[WF_ERROR_STATE] = "error-state",
	[WF_IRQ_DROP] = "irq-drop",
	[WF_IRQ_STORM] = "irq-storm",
	[WF_RESET] = "reset",
	[WF_LINK_DROP] = "link-drop",
	[WF_HOSTILE] = "hostile",
	[WF_EIO] = "eio",
	[WF_ALLOC_FAIL] = "alloc-fail",
	[WF_STALL] = "stall",
};

int winc_fault_parse(const char *rule, struct winc_fault *f, char *err,
		     size_t errlen)
{
	char buf[256], *save = NULL, *t;
	int i;

	snprintf(buf, sizeof(buf), "%s", rule);
	buf[strcspn(buf, "#")] = 0;
	memset(f, 0, sizeof(*f));
	f->op = -1;
	f->ms = 100;
	f->len = -1;
	t = strtok_r(buf, " \t", &save);
	if (!t) {
		snprintf(err, errlen, "empty fault rule");
		return -1;
	}
	for (i = 0; i < WF_NKINDS; i++)
		if (!strcmp(t, fault_names[i]))
			break;
	if (i == WF_NKINDS) {
		snprintf(err, errlen, "unknown fault '%s'", t);
		return -1;
	}
	f->kind = i;
	while ((t = strtok_r(NULL, " \t", &save))) {
		char *eq = strchr(t, '='), *v, *end;

		if (!eq) {
			snprintf(err, errlen, "fault: '%s' is not key=value", t);
			return -1;
		}
		*eq = 0;
		v = eq + 1;
		if (!strcmp(t, "p")) {
			f->p = strtod(v, &end);
			if (f->p <= 0 || f->p > 1)
				goto bad;
		} else if (!strcmp(t, "nth")) {
			f->nth = strtoull(v, &end, 0);
			if (!f->nth)
				goto bad;
		} else if (!strcmp(t, "every")) {
			f->every = strtoull(v, &end, 0);
			if (!f->every)
				goto bad;
		} else if (!strcmp(t, "count")) {
			f->count = strtoull(v, &end, 0);
		} else if (!strcmp(t, "op")) {
			f->op = strtol(v, &end, 0);
			if (f->op < 0 || f->op > 0xff)
				goto bad;
		} else if (!strcmp(t, "ms")) {
			f->ms = strtol(v, &end, 0);
		} else if (!strcmp(t, "len")) {
			f->len = strtol(v, &end, 0);
		} else {
			snprintf(err, errlen, "fault: unknown key '%s'", t);
			return -1;
		}
		if (*end)
			goto bad;
		continue;
bad:
		snprintf(err, errlen, "fault: bad value for '%s'", t);
		return -1;
	}
	return 0;
}
