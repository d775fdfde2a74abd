// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw transport: the GPIO lines, the reset sequence and the READY
 * handshake around each SPI transaction (facts §1.3, §1.5).
 *
 * A command costs two CS-framed transactions. For each: wait for READY low
 * (the chip armed a transaction), lock the bus, assert CS with an empty
 * transfer that keeps it asserted, give the chip up to ack_timeout_us to
 * acknowledge with READY high (and go on regardless, as WiFiNINA does),
 * clock the bytes, release CS, unlock the bus. Only the worker thread calls
 * in here.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/gpio/consumer.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/module.h>
#include <linux/spi/spi.h>

#include "nina.h"

#include <trace/events/spisock.h>

static unsigned int reset_ms = 10;
module_param(reset_ms, uint, 0644);
MODULE_PARM_DESC(reset_ms, "RESET pulse length in ms (default 10)");

static unsigned int boot_ms = 750;
module_param(boot_ms, uint, 0644);
MODULE_PARM_DESC(boot_ms, "wait after releasing RESET in ms (default 750)");

static unsigned int ready_timeout_ms = 1000;
module_param(ready_timeout_ms, uint, 0644);
MODULE_PARM_DESC(ready_timeout_ms,
		 "longest wait for READY low before a command in ms (default 1000)");

static unsigned int ack_timeout_us = 5000;
module_param(ack_timeout_us, uint, 0644);
MODULE_PARM_DESC(ack_timeout_us,
		 "wait for the READY acknowledge after CS in us, then go on (default 5000)");

static unsigned int ready_poll_us = 200;
module_param(ready_poll_us, uint, 0644);
MODULE_PARM_DESC(ready_poll_us,
		 "READY polling interval in us without its interrupt (default 200)");

/* First bytes clocked in for a reply: most replies fit. */
#define NINA_REPLY_FIRST	32

static irqreturn_t nina_ready_irq(int irq, void *data)
{
	struct nina_radio *r = data;

	atomic_set(&r->ready_event, 1);
	wake_up(&r->ready_wq);
	return IRQ_HANDLED;
}

/**
 * nina_transport_init() - set up READY's interrupt, or polling
 * @r: the radio, with its GPIOs
 *
 * Return: 0, or a negative errno from requesting the interrupt.
 */
int nina_transport_init(struct nina_radio *r)
{
	struct device *dev = &r->spi->dev;
	int irq, ret;

	init_waitqueue_head(&r->ready_wq);
	irq = gpiod_to_irq(r->ready);
	if (irq <= 0) {
		dev_info(dev, "READY has no interrupt, polling it\n");
		return 0;
	}
	ret = devm_request_irq(dev, irq, nina_ready_irq,
			       IRQF_TRIGGER_RISING | IRQF_TRIGGER_FALLING,
			       dev_name(dev), r);
	if (ret) {
		dev_info(dev, "READY interrupt unavailable (%d), polling it\n",
			 ret);
		return 0;
	}
	r->ready_irq = irq;
	return 0;
}

/* Wait until READY reads @level, for up to @us; 0 or -ETIMEDOUT. */
static int nina_wait_ready(struct nina_radio *r, int level, unsigned long us)
{
	ktime_t end = ktime_add_us(ktime_get(), us);
	int v;

	for (;;) {
		atomic_set(&r->ready_event, 0);
		v = gpiod_get_value_cansleep(r->ready);
		if (v < 0)
			return v;
		if (v == level)
			return 0;
		if (READ_ONCE(r->removing))
			return -ENODEV;
		if (ktime_after(ktime_get(), end))
			return -ETIMEDOUT;
		if (r->ready_irq) {
			/* The level decides; the interrupt only wakes us. */
			wait_event_timeout(r->ready_wq,
					   atomic_read(&r->ready_event),
					   msecs_to_jiffies(10));
		} else {
			usleep_range(ready_poll_us, ready_poll_us * 2 + 1);
		}
	}
}

static int nina_clock(struct nina_radio *r, const void *tx, void *rx,
		      size_t len, bool keep_cs)
{
	struct spi_transfer t = {
		.tx_buf = tx,
		.rx_buf = rx,
		.len = len,
		.cs_change = keep_cs,
		.speed_hz = r->speed_hz,
	};
	struct spi_message m;

	spi_message_init_with_transfers(&m, &t, 1);
	return spi_sync_locked(r->spi, &m);
}

/*
 * Wait for READY low, take the bus and select the chip. On success the bus
 * is locked and CS asserted; nina_deselect() undoes both.
 */
static int nina_select(struct nina_radio *r, unsigned long us)
{
	int ret;

	ret = nina_wait_ready(r, 0, us);
	if (ret)
		return ret;
	spi_bus_lock(r->spi->controller);
	ret = nina_clock(r, NULL, NULL, 0, true);
	if (ret) {
		spi_bus_unlock(r->spi->controller);
		return ret;
	}
	/* Without the acknowledge, go on: the reply's wait judges the chip. */
	nina_wait_ready(r, 1, ack_timeout_us);
	return 0;
}

static void nina_deselect(struct nina_radio *r)
{
	nina_clock(r, NULL, NULL, 0, false);
	spi_bus_unlock(r->spi->controller);
}

/* Clock in the reply to @op into r->rx, as long as its lengths say. */
static int nina_read_reply(struct nina_radio *r, u8 op, size_t *len)
{
	size_t have = NINA_REPLY_FIRST, need;
	int ret;

	ret = nina_clock(r, NULL, r->rx, have, true);
	while (!ret) {
		need = nina_reply_need(r->rx, have, op);
		if (need <= have)
			break;
		need = min_t(size_t, ALIGN(need, 4), NINA_BUF_LEN);
		ret = nina_clock(r, NULL, r->rx + have, need - have, true);
		have = need;
	}
	*len = have;
	return ret;
}

/**
 * nina_transact() - one command: the frame in r->tx, the reply into r->rx
 * @r: the radio
 * @cmd_len: the encoded (padded) command length
 * @op: its opcode
 * @reply_ms: how long the chip may take to arm the reply
 * @reply_len: set to the reply bytes clocked in
 *
 * Context: the worker thread only.
 * Return: 0, -ETIMEDOUT when READY did not come, or the bus's errno.
 */
int nina_transact(struct nina_radio *r, size_t cmd_len, u8 op,
		  unsigned int reply_ms, size_t *reply_len)
{
	int ret;

	r->cmd_sent = false;
	ret = nina_select(r, ready_timeout_ms * USEC_PER_MSEC);
	if (ret)
		return ret;
	r->xacts++;
	ret = nina_clock(r, r->tx, NULL, cmd_len, false);
	spi_bus_unlock(r->spi->controller);
	if (ret)
		return ret;
	/* From here on the chip may execute the command, whatever follows. */
	r->cmd_sent = true;

	ret = nina_select(r, (unsigned long)reply_ms * USEC_PER_MSEC);
	if (ret)
		return ret;
	r->xacts++;
	ret = nina_read_reply(r, op, reply_len);
	nina_deselect(r);
	return ret;
}

/**
 * nina_chip_reset() - the hosts' reset sequence (facts §1.3)
 * @r: the radio
 *
 * CS stays high (deselected); GPIO0 is driven high so that the ESP32 boots
 * the application; RESET is pulsed for reset_ms, then the firmware gets
 * boot_ms to start, and GPIO0 becomes an input again. Without a RESET line
 * the chip is assumed to be running already.
 */
void nina_chip_reset(struct nina_radio *r)
{
	if (!r->reset)
		return;
	if (r->gpio0)
		gpiod_direction_output(r->gpio0, 1);
	gpiod_set_value_cansleep(r->reset, 1);
	msleep(reset_ms);
	gpiod_set_value_cansleep(r->reset, 0);
	msleep(boot_ms);
	if (r->gpio0)
		gpiod_direction_input(r->gpio0);
	nina_count(r, &r->stats.resets, 1);
	trace_spisock_radio_event(nina_name(r), "reset", 0);
}

/**
 * nina_chip_hold_reset() - keep the chip in reset (on remove), if possible
 * @r: the radio
 */
void nina_chip_hold_reset(struct nina_radio *r)
{
	if (r->reset)
		gpiod_set_value_cansleep(r->reset, 1);
}
