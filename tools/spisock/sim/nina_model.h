/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nina_model.h - a userspace chip model of nina-fw (ESP32 SPI Wi-Fi firmware).
 *
 * The model stands in for the radio at the SPI bus: it sees chip-select
 * edges, transfers (MOSI in, MISO out) and the host-driven lines (RESET, and
 * GPIO0 while the chip is held in reset), and it drives READY and GPIO0.
 * See Documentation/networking/spisock-sim.rst.
 *
 * Threads: the bus-side entry points (nina_bus_*) never block: like the
 * ESP32's SPI DMA they always answer the clocks. Commands run on the model's
 * own command-loop thread, which may block (a chip socket in blocking mode
 * really blocks it, as on the chip). Bus-side calls must come from one
 * thread at a time (the "bus"); the other functions are thread-safe.
 *
 * This header does not depend on the kernel ABI (spisock_sim.h).
 */
#ifndef NINA_MODEL_H
#define NINA_MODEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct nina_model;
struct nina_config;

/* Lines, numbered like the kernel ABI's (but this header stands alone). */
enum nina_line {
	NINA_LINE_READY = 0,	/* chip -> host */
	NINA_LINE_GPIO0 = 1,	/* chip -> host after boot; host drives it in reset */
	NINA_LINE_RESET = 2,	/* host -> chip, active low */
	/*
	 * Not a line: to the line callback, "raise READY at the next CS at
	 * once" (the CS-edge ISR's acknowledge, armed before READY falls;
	 * the bus may do it without a round trip). The model raises READY at
	 * that CS itself as well; a callback may ignore it.
	 */
	NINA_LINE_ACK = 3,
};

/*
 * Called whenever the model changes a chip-driven line (READY, GPIO0). It
 * may be called from the bus thread (inside nina_bus_cs()) or from the
 * command-loop thread, with an internal lock held: it must not call back
 * into the model and should return quickly.
 */
typedef void (*nina_line_fn)(void *ctx, enum nina_line line, int level);

/* ---- configuration ---------------------------------------------------- */

/* A new configuration holding the defaults (Arduino flavour, "2.0.0"). */
struct nina_config *nina_config_new(void);
void nina_config_free(struct nina_config *cfg);
/*
 * Parse one configuration line ("key value..."), or a whole file. On error
 * they return -1 and write a message (with the line number) into err.
 */
int nina_config_line(struct nina_config *cfg, const char *line,
		     char *err, size_t errlen);
int nina_config_load(struct nina_config *cfg, const char *path,
		     char *err, size_t errlen);
/* Override the time factor (0 = instantaneous, 1 = real time). */
void nina_config_set_time_factor(struct nina_config *cfg, double factor);

/* ---- life cycle --------------------------------------------------------- */

/*
 * Create a model from cfg (copied; cfg may be freed afterwards). The chip
 * powers up as if RESET had just been released with CS high and GPIO0
 * pulled up: READY goes high now and low after the boot delay.
 */
struct nina_model *nina_model_new(const struct nina_config *cfg,
				  nina_line_fn line_fn, void *ctx);
void nina_model_free(struct nina_model *m);

/* ---- bus side (never blocks) -------------------------------------------- */

/* Chip select: asserted = 1 when CS goes low, 0 when it is released. */
void nina_bus_cs(struct nina_model *m, int asserted);
/*
 * One transfer inside (or outside) a CS frame: len bytes clocked at
 * speed_hz. mosi may be NULL (host sends zeros), miso may be NULL (host
 * does not read). Returns 0, or -EIO when a fault makes the controller
 * fail the transfer (miso is then untouched).
 */
int nina_bus_xfer(struct nina_model *m, const uint8_t *mosi, uint8_t *miso,
		  size_t len, uint32_t speed_hz);
/* The host drives a line: NINA_LINE_RESET (0 = in reset), or NINA_LINE_GPIO0. */
void nina_bus_line(struct nina_model *m, enum nina_line line, int level);
/* Current level of a line as the model drives/sees it. */
int nina_model_line(struct nina_model *m, enum nina_line line);

/* ---- counters ------------------------------------------------------------ */

struct nina_stats {
	uint64_t mosi_bytes;		/* bytes host -> chip (all transfers) */
	uint64_t miso_bytes;		/* bytes chip -> host */
	uint64_t transfers;		/* nina_bus_xfer calls */
	uint64_t transactions;		/* CS-framed transactions (CS fall..rise) */
	uint64_t commands;		/* command frames executed */
	uint64_t cmd_count[128];	/* per opcode */
	uint64_t error_frames;		/* EF 00 EE 00 replies */
	uint64_t unarmed_transactions;	/* CS frames while not armed (desync) */
	uint64_t empty_transactions;	/* armed command phase with no clocks */
	uint64_t frame_warnings;	/* N / END / length mismatches (lax parser) */
	uint64_t violations;		/* host misbehaviour the chip would not survive */
	uint64_t dropped_mosi;		/* bytes past 4092 or in a partial word */
	uint64_t resets;		/* boots (host resets + spontaneous) */
	uint64_t link_losses;
	uint64_t faults_fired;
	uint64_t eio;
	uint32_t open_sockets;		/* chip descriptors open now */
	uint32_t max_open_sockets;
	/* modeled time, never slept (unless real-time mode is configured) */
	uint64_t bus_ns;		/* clocks at the transfer's speed */
	uint64_t turnaround_ns;		/* per transaction */
	uint64_t processing_ns;		/* per command */
	uint64_t modeled_ns;		/* sum of the three */
};

void nina_model_stats(struct nina_model *m, struct nina_stats *st);
/* Human-readable counters ("key value" lines); returns bytes written. */
size_t nina_stats_format(const struct nina_stats *st, char *buf, size_t len);

/* ---- faults -------------------------------------------------------------- */

/*
 * Add one fault rule, in the fault-script syntax (one line, see the docs),
 * e.g. "corrupt op=0x20 nth=3" or "eio p=0.01". Returns 0 or -1 (err set).
 */
int nina_fault_add(struct nina_model *m, const char *rule,
		   char *err, size_t errlen);
int nina_fault_load(struct nina_model *m, const char *path,
		    char *err, size_t errlen);
void nina_fault_clear(struct nina_model *m);
/* Immediate actions (as a fault would trigger them). */
void nina_model_chip_reset(struct nina_model *m);	/* spontaneous reset */
void nina_model_link_drop(struct nina_model *m);	/* lose the AP (reason 200) */

/* The chip's state, for tests and logs. */
enum nina_chip_state {
	NINA_CHIP_RESET,	/* RESET held low */
	NINA_CHIP_BOOTING,
	NINA_CHIP_RUNNING,	/* WiFi/SPI firmware */
	NINA_CHIP_BLE,		/* CS was low at reset: BLE HCI, no SPI */
	NINA_CHIP_BOOTLOADER,	/* GPIO0 was low at reset: ROM bootloader */
};
enum nina_chip_state nina_model_chip_state(struct nina_model *m);

/* Firmware status byte (GET_CONN_STATUS) without a bus transaction. */
int nina_model_wifi_status(struct nina_model *m);

#ifdef __cplusplus
}
#endif
#endif /* NINA_MODEL_H */
