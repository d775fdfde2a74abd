// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_nina: the nina-fw chip driver (u-blox NINA-W102, Adafruit
 * AirLift: ESP32 with nina-fw on SPI). Probe: GPIOs, reset, the worker,
 * firmware detection, registration as a spisock radio "nina%d". Remove:
 * unregister first (no ops call runs afterwards), then stop the worker,
 * then hold the chip in reset.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gpio/consumer.h>
#include <linux/idr.h>
#include <linux/minmax.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <net/spisock.h>

#include "nina.h"

static unsigned int max_speed_hz = 8000000;
module_param(max_speed_hz, uint, 0444);
MODULE_PARM_DESC(max_speed_hz,
		 "SPI clock cap in Hz, below the device's own maximum (default 8000000)");

static unsigned int max_sockets;
module_param(max_sockets, uint, 0444);
MODULE_PARM_DESC(max_sockets,
		 "chip sockets to offer (default 0: the firmware's pool, 10 or 6)");

static DEFINE_IDA(nina_ida);

/* &enum nina_flavour in the registration line. */
static const char *const nina_flavour_title[] = {
	[NINA_FW_ARDUINO] = "Arduino",
	[NINA_FW_ADAFRUIT] = "Adafruit",
	[NINA_FW_UNKNOWN] = "unknown fork",
};

/* Remove: what a successful probe set up, in reverse. */
static void nina_teardown(struct nina_radio *r)
{
	nina_worker_stop(r);
	nina_socks_free(r);
	nina_chip_hold_reset(r);
	nina_debugfs_exit(r);
	ida_free(&nina_ida, r->index);
}

/* What the chosen socket path can do (Documentation: "Chip table"). */
static void nina_fill_caps(const struct nina_radio *r, struct spisock_caps *c)
{
	bool slots = r->path == &nina_slot_path;

	c->tx_frame = slots ? NINA_SLOT_SEND_MAX : NINA_SEND_MAX;
	c->rx_frame = slots ? NINA_SLOT_RECV_MAX : NINA_RECV_MAX;
	c->max_dgram = slots ? NINA_SLOT_UDP_MAX : NINA_SENDTO_MAX;
	/* The pool as probed (fw.c): the slots are the same pool. */
	c->sockets = max_sockets ? min(max_sockets, r->pool) : r->pool;
	c->scan_max = 16;	/* the firmware reports at most 10 */
	c->scan_keeps_link = false;
	/* START_CLIENT_TCP connects inside the firmware's command loop. */
	c->sync_connect = slots;
	/* Without the accept flag, available() names a client with data. */
	c->accept_after_data = slots && !r->accept_flag;
	/* The slot commands have no SETSOCKOPT. */
	c->opts = slots ? 0 : SPISOCK_CAP_SO_REUSEADDR |
			      SPISOCK_CAP_SO_KEEPALIVE |
			      SPISOCK_CAP_SO_BROADCAST;
}

static int nina_probe(struct spi_device *spi)
{
	struct device *dev = &spi->dev;
	struct spisock_dev *sdev;
	struct nina_radio *r;
	int ret;

	r = devm_kzalloc(dev, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->spi = spi;
	r->speed_hz = spi->max_speed_hz ?
		      min(spi->max_speed_hz, max_speed_hz) : max_speed_hz;
	spi->bits_per_word = 8;
	ret = spi_setup(spi);
	if (ret)
		return dev_err_probe(dev, ret, "SPI setup failed\n");

	r->ready = devm_gpiod_get(dev, "ready", GPIOD_IN);
	if (IS_ERR(r->ready))
		return dev_err_probe(dev, PTR_ERR(r->ready),
				     "no READY line\n");
	r->reset = devm_gpiod_get_optional(dev, "reset", GPIOD_OUT_LOW);
	if (IS_ERR(r->reset))
		return dev_err_probe(dev, PTR_ERR(r->reset),
				     "bad RESET line\n");
	r->gpio0 = devm_gpiod_get_optional(dev, "gpio0", GPIOD_IN);
	if (IS_ERR(r->gpio0))
		return dev_err_probe(dev, PTR_ERR(r->gpio0),
				     "bad GPIO0 line\n");

	r->tx = devm_kmalloc(dev, NINA_BUF_LEN, GFP_KERNEL);
	r->rx = devm_kmalloc(dev, NINA_BUF_LEN, GFP_KERNEL);
	r->io = devm_kmalloc(dev, NINA_BUF_LEN, GFP_KERNEL);
	if (!r->tx || !r->rx || !r->io)
		return -ENOMEM;
	ret = nina_transport_init(r);
	if (ret)
		return ret;

	ret = ida_alloc(&nina_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	r->index = ret;
	snprintf(r->name, sizeof(r->name), "nina%d", r->index);
	u64_stats_init(&r->stats.sync);
	nina_debugfs_init(r);

	nina_chip_reset(r);
	ret = nina_worker_start(r);
	if (ret)
		goto err_chip;
	ret = nina_detect_firmware(r);
	if (ret)
		goto err_worker;

	sdev = spisock_alloc_device(sizeof(r));
	if (!sdev) {
		ret = -ENOMEM;
		goto err_worker;
	}
	*(struct nina_radio **)sdev->priv = r;
	sdev->ops = r->path->ops;
	sdev->parent = dev;
	nina_fill_caps(r, &sdev->caps);
	strscpy(sdev->name, r->name, sizeof(sdev->name));
	strscpy(sdev->chip, "nina-w102", sizeof(sdev->chip));
	strscpy(sdev->fw_version, r->fw_version, sizeof(sdev->fw_version));
	strscpy(sdev->fw_flavour, nina_flavour_name(r),
		sizeof(sdev->fw_flavour));
	/* Only DEV_GET reports it: a radio without one still works. */
	if (nina_read_mac(r, sdev->mac))
		dev_warn(dev, "no answer to GET_MACADDR\n");
	ret = spisock_register_device(sdev);
	if (ret)
		goto err_put;
	r->sdev = sdev;
	spi_set_drvdata(spi, r);
	dev_info(dev, "%s: nina-fw %s (%s), %u sockets (%s commands), %u Hz, READY %s\n",
		 sdev->name, r->fw_version,
		 nina_flavour_title[r->flavour], sdev->caps.sockets,
		 r->path->name, r->speed_hz,
		 r->ready_irq ? "interrupt" : "polled");
	return 0;

	/* Unregistered, so no socket ever reached the driver. */
err_put:
	spisock_put_device(sdev);
err_worker:
	nina_worker_stop(r);
err_chip:
	nina_chip_hold_reset(r);
	nina_debugfs_exit(r);
	ida_free(&nina_ida, r->index);
	return ret;
}

static void nina_remove(struct spi_device *spi)
{
	struct nina_radio *r = spi_get_drvdata(spi);

	/* an op waiting for a command the chip holds would hold this up */
	WRITE_ONCE(r->removing, true);
	wake_up(&r->ready_wq);
	spisock_unregister_device(r->sdev);
	/* The worker may still deliver to the device until it stops. */
	nina_teardown(r);
	spisock_put_device(r->sdev);
}

/*
 * The binding's compatibles (u-blox,nina-w102.yaml). Which firmware runs is
 * probed, not taken from the compatible.
 */
static const struct of_device_id nina_of_match[] = {
	{ .compatible = "adafruit,airlift" },
	{ .compatible = "u-blox,nina-w102" },
	{ }
};
MODULE_DEVICE_TABLE(of, nina_of_match);

/*
 * A device-tree SPI device's uevent carries "spi:" and its first compatible
 * without the vendor: udev autoloads the driver through these names.
 */
static const struct spi_device_id nina_spi_ids[] = {
	{ "airlift" },
	{ "nina-w102" },
	{ }
};
MODULE_DEVICE_TABLE(spi, nina_spi_ids);

static struct spi_driver nina_driver = {
	.driver = {
		.name = "spisock_nina",
		.of_match_table = nina_of_match,
	},
	.probe = nina_probe,
	.remove = nina_remove,
	.id_table = nina_spi_ids,
};

static int __init nina_init(void)
{
	int ret;

	nina_debugfs_module_init();
	ret = spi_register_driver(&nina_driver);
	if (ret)
		nina_debugfs_module_exit();
	return ret;
}

static void __exit nina_exit(void)
{
	spi_unregister_driver(&nina_driver);
	nina_debugfs_module_exit();
}

module_init(nina_init);
module_exit(nina_exit);

MODULE_DESCRIPTION("spisock driver for nina-fw (u-blox NINA-W102, ESP32) radios");
MODULE_LICENSE("GPL");
