// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_sim: the SPI controller of a simulated radio.
 *
 * The controller implements only .set_cs and .transfer_one, like a Pi's
 * bcm2835: message framing, cs_change, chip select held across messages,
 * delays and speed clamping all come from the SPI core. Every chip-select
 * edge and every transfer goes to the chip model as an event; a transfer
 * then sleeps until the model answers with its MISO bytes (the model owns
 * the bus timing). With no model attached the bus is empty: MISO reads 0xFF
 * and the transfer takes as long as its bits take at its clock.
 */

#include <linux/delay.h>
#include <linux/math64.h>
#include <linux/platform_device.h>
#include <linux/spi/spi.h>
#include <linux/string.h>

#include "sim.h"

static struct spi_controller *spisock_sim_alloc_controller(struct device *dev)
{
#ifdef HAVE_SPI_ALLOC_HOST
	return spi_alloc_host(dev, 0);
#else
	return spi_alloc_master(dev, 0);
#endif
}

static size_t spisock_sim_max_transfer_size(struct spi_device *spi)
{
	return SPISOCK_SIM_MAX_XFER;
}

/*
 * @level is the electrical level of the chip-select line: the SPI core has
 * already applied SPI_CS_HIGH, which this controller does not offer, so low
 * means selected. The core calls this under the controller's io_mutex only,
 * which serialises @cs_asserted.
 */
static void spisock_sim_set_cs(struct spi_device *spi, bool level)
{
	struct spisock_sim_radio *radio = spi_controller_get_devdata(spi->controller);
	bool asserted = !level;

	if (asserted == radio->cs_asserted)
		return;
	radio->cs_asserted = asserted;
	if (asserted)
		spisock_sim_cs_ack(radio);
	spisock_sim_post_cs(radio, asserted);
}

/* An empty bus: the clocks still take their time. */
static void spisock_sim_clock_empty(struct spi_transfer *t)
{
	u64 ns;

	if (t->rx_buf)
		memset(t->rx_buf, 0xff, t->len);
	if (!t->speed_hz)
		return;
	ns = div_u64((u64)t->len * BITS_PER_BYTE * NSEC_PER_SEC, t->speed_hz);
	fsleep(DIV_ROUND_UP_ULL(ns, NSEC_PER_USEC));
}

static int spisock_sim_transfer_one(struct spi_controller *ctlr,
				    struct spi_device *spi,
				    struct spi_transfer *t)
{
	struct spisock_sim_radio *radio = spi_controller_get_devdata(ctlr);
	struct spisock_sim_xfer x = { .len = t->len, .rx = t->rx_buf };
	int delay_ns, ret;

	delay_ns = spi_delay_to_ns(&t->delay, t);
	ret = spisock_sim_post_xfer(radio, &x, t->tx_buf, t->speed_hz,
				    max(delay_ns, 0));
	if (ret == -ENODEV) {
		spisock_sim_clock_empty(t);
		return 0;
	}
	if (ret)
		return ret;
	/*
	 * Real clocks always complete, so there is no timeout: the model must
	 * answer, and release() answers for a model that goes away. TASK_IDLE
	 * because a model may legitimately take long (a stopped debugger).
	 */
	wait_event_idle(radio->xferq, smp_load_acquire(&x.done));
	return x.status;
}

/**
 * spisock_sim_spi_register() - register the radio's SPI controller
 * @radio: the radio; @radio->bus_num is the bus number to claim
 *
 * Return: 0, -EBUSY if the bus number is taken, or another negative errno.
 */
int spisock_sim_spi_register(struct spisock_sim_radio *radio)
{
	struct spi_controller *ctlr;
	int ret;

	ctlr = spisock_sim_alloc_controller(&radio->pdev->dev);
	if (!ctlr)
		return -ENOMEM;
	spi_controller_set_devdata(ctlr, radio);
	ctlr->bus_num = radio->bus_num;
	ctlr->num_chipselect = 1;
	/* Both chips are mode 0, MSB first, 8-bit: the only mode offered. */
	ctlr->mode_bits = 0;
	ctlr->bits_per_word_mask = SPI_BPW_MASK(8);
	ctlr->max_speed_hz = SPISOCK_SIM_CTLR_MAX_HZ;
	ctlr->max_transfer_size = spisock_sim_max_transfer_size;
	ctlr->set_cs = spisock_sim_set_cs;
	ctlr->transfer_one = spisock_sim_transfer_one;

	ret = spi_register_controller(ctlr);
	if (ret) {
		spi_controller_put(ctlr);
		return ret;
	}
	radio->ctlr = ctlr;
	return 0;
}

/**
 * spisock_sim_spi_add_radio() - instantiate the radio on chip select 0
 * @radio: the radio, with its controller registered
 *
 * The board description a real board would give: modalias, clock, mode,
 * the interrupt (a WINC1500's IRQN, level low, as a device tree's
 * "interrupts" would resolve it) and the software node with the binding's
 * properties.
 *
 * Return: 0 or a negative errno.
 */
int spisock_sim_spi_add_radio(struct spisock_sim_radio *radio)
{
	const struct spisock_sim_chip_desc *d = radio->desc;
	struct spi_board_info info = {
		.max_speed_hz = d->speed_hz,
		.bus_num = radio->bus_num,
		.chip_select = 0,
		.mode = SPI_MODE_0,
		.swnode = &radio->radio_node,
	};
	int irq;

	strscpy(info.modalias, d->modalias, sizeof(info.modalias));
	if (d->irq_line >= 0) {
		irq = spisock_sim_gpio_irq(radio, d->irq_line, d->irq_type);
		if (irq < 0)
			return irq;
		info.irq = irq;
	}
	radio->spi = spi_new_device(radio->ctlr, &info);
	return radio->spi ? 0 : -ENODEV;
}

/**
 * spisock_sim_spi_unregister() - remove the radio and its controller
 * @radio: the radio
 *
 * Unbinds the radio's driver first (the SPI core removes the devices), which
 * waits for its messages; with no model attached they complete at once.
 */
void spisock_sim_spi_unregister(struct spisock_sim_radio *radio)
{
	if (!radio->ctlr)
		return;
	/* Drops the last reference of a controller not allocated with devm. */
	spi_unregister_controller(radio->ctlr);
	radio->ctlr = NULL;
	radio->spi = NULL;
}
