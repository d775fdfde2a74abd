/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Configuration of the WINC1500 personality of the chip model: the
 * keywords a configuration with "chip winc1500" adds to the shared ones
 * (access points, address map, hosts, pings, timing, seed). See
 * Documentation/networking/spisock-sim.rst, "The WINC1500 personality".
 */
#ifndef WINC_OPTS_H
#define WINC_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WINC_MAX_FAULTS	16

/* Which chip a configuration describes ("chip" keyword). */
enum sim_chip_kind { SIM_CHIP_NINA = 0, SIM_CHIP_WINC1500 = 1 };

struct winc_opts {
	uint32_t chip_id;	/* 0x1000: 0x1002B0 (rfrev 4 -> 1502B1) */
	uint32_t rf_rev;	/* 0x13F4 */
	char min_driver[16];	/* minimum host driver version the firmware names */
	int tx_buffers;		/* HIF request buffers (16 outstanding sends) */
	int resp_fillers;	/* 0x00 bytes before a command response */
	int token_fillers;	/* 0x00 bytes before a read's first data token */
	int rx_offset;		/* u16DataOffset of receive replies */
	bool eof_aborted;	/* report a peer's FIN as CONN_ABORTED, not 0 */
	int efuse_ms, bootrom_ms, fw_start_ms, dhcp_ms;
	uint32_t hif_us;	/* firmware time per HIF request */
	uint32_t recv_us;	/* ... per receive request (a round trip) */
	uint32_t event_us;	/* firmware time to post one event */
	char faults[WINC_MAX_FAULTS][160];
	int nfaults;
};

void winc_opts_defaults(struct winc_opts *w);

struct nina_config;
/* "chip" changed: the chip's defaults for version and SPI clock. */
void winc_config_chip(struct nina_config *c);
/*
 * One WINC keyword (tok[0]) with its n tokens: 0 when applied, -1 with err
 * set when bad, 1 when the keyword is not a WINC one.
 */
int winc_config_key(struct nina_config *c, char **tok, int n,
		    const char *line, char *err, size_t errlen);

#endif
