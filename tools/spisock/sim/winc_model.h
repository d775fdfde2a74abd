/* SPDX-License-Identifier: GPL-2.0 */
/*
 * winc_model.h - the WINC1500 personality of the chip model: an ATWINC1500
 * running firmware 19.5.x-19.7.x as its SPI host interface presents it
 * (protocols/winc1500.md). Chosen with "chip winc1500" in the shared
 * configuration (nina_model.h's nina_config_*); the network side (access
 * points, address map, hosts, pings) is the same as the nina model's.
 * See Documentation/networking/spisock-sim.rst.
 *
 * Threads: the bus-side entry points (winc_bus_*) never block: the SPI
 * block answers every clock from its own state, and HIF requests are handed
 * to the model's firmware thread, which runs the sockets and posts events.
 * Bus-side calls must come from one thread at a time; the others are
 * thread-safe.
 */
#ifndef WINC_MODEL_H
#define WINC_MODEL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#include "nina_model.h"
#include "winc_opts.h"

#ifdef __cplusplus
extern "C" {
#endif

struct winc_model;

/* Lines (module pins, §1.1). */
enum winc_line {
	WINC_LINE_IRQN = 0,	/* chip -> host, active low */
	WINC_LINE_RESET = 2,	/* host -> chip, RESET_N, active low */
	WINC_LINE_CHIP_EN = 3,	/* host -> chip, high = enabled */
	WINC_LINE_WAKE = 4,	/* host -> chip (recorded only) */
};

/*
 * Called whenever the model changes IRQN, with the model's lock held (from
 * the bus thread or the firmware thread): must not call back into the model.
 */
typedef void (*winc_line_fn)(void *ctx, enum winc_line line, int level);

/* The chip a configuration names ("chip" keyword; default nina). */
enum sim_chip_kind sim_config_chip(const struct nina_config *cfg);

/*
 * The subnets a configuration's radio takes addresses from (its station
 * address, a NINA's access-point address, each "ap ... ip=" address), at
 * most @max, without duplicates: how many were written.
 */
int sim_config_nets(const struct nina_config *cfg, struct in_addr *net,
		    int *plen, int max);

/*
 * Create a model from cfg (copied). NULL when cfg does not name chip
 * winc1500 or its version is not "19.x.y". The chip powers up as if RESET_N
 * had just been released with CHIP_EN high: the boot ROM runs (§3.2).
 */
struct winc_model *winc_model_new(const struct nina_config *cfg,
				  winc_line_fn line_fn, void *ctx);
void winc_model_free(struct winc_model *m);

/* ---- bus side (never blocks) -------------------------------------------- */

/* Chip select: asserted = 1 when CS goes low. Protocol state survives CS. */
void winc_bus_cs(struct winc_model *m, int asserted);
/* As nina_bus_xfer(): -EIO when a fault makes the controller fail it. */
int winc_bus_xfer(struct winc_model *m, const uint8_t *mosi, uint8_t *miso,
		  size_t len, uint32_t speed_hz);
void winc_bus_line(struct winc_model *m, enum winc_line line, int level);
int winc_model_line(struct winc_model *m, enum winc_line line);

/* ---- counters ------------------------------------------------------------ */

struct winc_stats {
	uint64_t mosi_bytes, miso_bytes, transfers, transactions;
	uint64_t commands;		/* SPI commands executed */
	uint64_t cmd_count[16];		/* per command byte 0xC0..0xCF */
	uint64_t crc7_errors;		/* commands refused for a bad CRC7 */
	uint64_t crc16_errors;		/* write packets refused for a bad CRC16 */
	uint64_t bad_commands;		/* unsupported command bytes */
	uint64_t junk_bytes;		/* non-zero bytes outside a command */
	uint64_t dma_read_bytes, dma_write_bytes;
	uint64_t hif_requests;		/* TX done with a valid buffer */
	uint64_t hif_events;		/* messages posted to the host */
	uint64_t hif_group[8];		/* requests per group id */
	uint64_t alloc_failures;	/* buffer requests answered with 0 */
	uint32_t tx_held, tx_held_max;	/* request buffers allocated now / max */
	uint64_t events_queued_max;
	uint64_t events_lost;		/* event queue full: a model limit, not the chip's */
	uint64_t violations;		/* host misbehaviour (see the docs) */
	uint64_t resets, link_losses, faults_fired, eio;
	uint64_t irq_asserts;
	uint32_t open_sockets, max_open_sockets;
	uint64_t bus_ns, processing_ns, modeled_ns;
};

void winc_model_stats(struct winc_model *m, struct winc_stats *st);
size_t winc_stats_format(const struct winc_stats *st, char *buf, size_t len);

/* ---- faults -------------------------------------------------------------- */

/* One rule ("crc p=0.01", "irq-drop nth=3", ...; see the docs). */
int winc_fault_add(struct winc_model *m, const char *rule,
		   char *err, size_t errlen);
void winc_fault_clear(struct winc_model *m);
void winc_model_chip_reset(struct winc_model *m);	/* spontaneous reset */
void winc_model_link_drop(struct winc_model *m);	/* the AP goes away */

enum winc_chip_state {
	WINC_CHIP_OFF,		/* RESET_N low or CHIP_EN low */
	WINC_CHIP_BOOTROM,	/* boot ROM: waiting for M2M_START_FIRMWARE */
	WINC_CHIP_STARTING,	/* firmware starting */
	WINC_CHIP_RUNNING,	/* firmware up: HIF served */
};
enum winc_chip_state winc_model_chip_state(struct winc_model *m);
/* 0 disconnected, 1 associating, 2 associated, 3 address obtained */
int winc_model_wifi_state(struct winc_model *m);

#ifdef __cplusplus
}
#endif
#endif /* WINC_MODEL_H */
