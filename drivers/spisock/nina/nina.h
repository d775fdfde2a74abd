/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nina-fw chip driver: what its parts share. One radio is one struct
 * nina_radio; only its worker thread talks to the bus (transport.c), and it
 * executes the requests other contexts queue (cmd.c).
 */
#ifndef _SPISOCK_NINA_H
#define _SPISOCK_NINA_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "frame.h"

struct gpio_desc;
struct spi_device;
struct spisock_dev;
struct task_struct;

/* Extra opcodes (frame.h lists the socket and station ones). */
#define NINA_GET_REASON_CODE	0x1f
#define NINA_GET_CURR_RSSI	0x25
#define NINA_SET_KEY		0x12
#define NINA_SCAN_NETWORKS	0x27
#define NINA_PING		0x3e

/* GET_CONN_STATUS values (facts §3.1). */
#define NINA_WL_IDLE		0
#define NINA_WL_NO_SSID_AVAIL	1
#define NINA_WL_CONNECTED	3
#define NINA_WL_CONNECT_FAILED	4

#define NINA_FW_VERSION_MAX	32

/**
 * struct nina_req - one command for the worker
 * @node: on the radio's queue, under @nina_radio.lock
 * @op: opcode
 * @params: command parameters (owned by the submitter)
 * @n: their number
 * @reply: where the validated reply frame is copied (owned by the submitter)
 * @reply_size: its size
 * @out: the reply's parameters, pointing into @reply
 * @status: number of reply parameters, or a negative errno
 * @done: completed by the worker
 *
 * Fixed size, filled by the submitter (on its stack or in per-socket
 * slots): queueing never allocates.
 */
struct nina_req {
	struct list_head node;
	u8 op;
	const struct nina_param *params;
	unsigned int n;
	u8 *reply;
	size_t reply_size;
	struct nina_param out[NINA_MAX_PARAMS];
	int status;
	struct completion done;
};

/**
 * struct nina_radio - one NINA-W102 on a SPI bus
 * @spi: the bus device
 * @sdev: the registered radio (NULL before registration)
 * @ready: READY input
 * @reset: RESET output (may be NULL)
 * @gpio0: GPIO0 (may be NULL)
 * @ready_irq: interrupt on READY edges, or 0 to poll
 * @ready_event: set by the interrupt, cleared before each look at READY
 * @ready_wq: woken by the interrupt
 * @speed_hz: SPI clock
 * @tx: command buffer (DMA-safe, NINA_BUF_LEN)
 * @rx: reply buffer (DMA-safe, NINA_BUF_LEN)
 * @lock: protects @queue and @stopping
 * @queue: pending requests
 * @stopping: the worker is stopping; new requests fail
 * @worker: the thread that alone talks to the bus
 * @worker_wq: wakes the worker
 * @nacks: CS selections without the READY acknowledge
 * @fw_version: GET_FW_VERSION's string, NUL-terminated
 * @adafruit: the firmware looks like Adafruit's fork
 * @index: the "nina%d" number
 */
struct nina_radio {
	struct spi_device *spi;
	struct spisock_dev *sdev;
	struct gpio_desc *ready;
	struct gpio_desc *reset;
	struct gpio_desc *gpio0;
	int ready_irq;
	atomic_t ready_event;
	wait_queue_head_t ready_wq;
	u32 speed_hz;
	u8 *tx;
	u8 *rx;

	spinlock_t lock;	/* protects @queue and @stopping */
	struct list_head queue;
	bool stopping;
	struct task_struct *worker;
	wait_queue_head_t worker_wq;

	unsigned long nacks;
	char fw_version[NINA_FW_VERSION_MAX + 1];
	bool adafruit;
	int index;
};

/* transport.c */
int nina_transport_init(struct nina_radio *r);
void nina_chip_reset(struct nina_radio *r);
void nina_chip_hold_reset(struct nina_radio *r);
int nina_transact(struct nina_radio *r, size_t cmd_len, u8 op,
		  unsigned int reply_ms, size_t *reply_len);

/* cmd.c */
int nina_cmd_timeout_ms(u8 op);
int nina_worker_start(struct nina_radio *r);
void nina_worker_stop(struct nina_radio *r);
int nina_cmd(struct nina_radio *r, struct nina_req *req);
int nina_cmd_u8(struct nina_radio *r, u8 op, const struct nina_param *params,
		unsigned int n);

/* ops.c */
extern const struct spisock_dev_ops nina_dev_ops;
int nina_detect_firmware(struct nina_radio *r);

#endif /* _SPISOCK_NINA_H */
