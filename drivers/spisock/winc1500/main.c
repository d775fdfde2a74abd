// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the ATWINC1500 chip driver (Microchip/Atmel WINC1500
 * firmware 19.5.x to 19.7.x on SPI). Probe: lines, buffers, the boot and
 * firmware check, the IRQN thread, registration as a spisock radio
 * "winc%d". Remove: unregister first (no ops call runs afterwards), then
 * stop the IRQ and the work, then hold the chip in reset.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gpio/consumer.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/minmax.h>
#include <linux/mod_devicetable.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <net/spisock.h>

#include "winc1500.h"

static unsigned int max_speed_hz = 12000000;
module_param(max_speed_hz, uint, 0444);
MODULE_PARM_DESC(max_speed_hz,
		 "SPI clock cap in Hz, below the device's own maximum (default 12000000)");

static DEFINE_IDA(winc_ida);

/* What the WINC1500's socket API can do (Documentation: "Chip table"). */
static void winc_fill_caps(struct spisock_caps *c)
{
	c->tx_frame = WINC_SEND_MAX;
	c->rx_frame = WINC_RECV_MAX;
	c->max_dgram = WINC_SEND_MAX;
	c->tcp_sockets = WINC_TCP_SOCKS;
	c->udp_sockets = WINC_UDP_SOCKS;
	c->scan_max = 16;
	c->scan_keeps_link = true;
}

static int winc_get_lines(struct winc_radio *r)
{
	struct device *dev = &r->spi->dev;

	/* held in reset and off until the boot (§1.3) */
	r->reset = devm_gpiod_get_optional(dev, "reset", GPIOD_OUT_HIGH);
	if (IS_ERR(r->reset))
		return dev_err_probe(dev, PTR_ERR(r->reset), "bad RESET line\n");
	r->enable = devm_gpiod_get_optional(dev, "enable", GPIOD_OUT_LOW);
	if (IS_ERR(r->enable))
		return dev_err_probe(dev, PTR_ERR(r->enable),
				     "bad CHIP_EN line\n");
	/* awake: the driver sets no power-save mode (§3.7) */
	r->wake = devm_gpiod_get_optional(dev, "wake", GPIOD_OUT_HIGH);
	if (IS_ERR(r->wake))
		return dev_err_probe(dev, PTR_ERR(r->wake), "bad WAKE line\n");
	if (r->spi->irq <= 0)
		return dev_err_probe(dev, -EINVAL, "no IRQN interrupt\n");
	r->irq = r->spi->irq;
	return 0;
}

static int winc_alloc_bufs(struct winc_radio *r)
{
	struct device *dev = &r->spi->dev;

	r->tx = devm_kmalloc(dev, WINC_BUF_LEN, GFP_KERNEL);
	r->rx = devm_kmalloc(dev, WINC_BUF_LEN, GFP_KERNEL);
	r->req = devm_kmalloc(dev, WINC_HIF_MAX, GFP_KERNEL);
	r->evbuf = devm_kmalloc(dev, WINC_HIF_MAX + 4, GFP_KERNEL);
	return r->tx && r->rx && r->req && r->evbuf ? 0 : -ENOMEM;
}

static struct spisock_dev *winc_new_sdev(struct winc_radio *r)
{
	struct spisock_dev *sdev;

	sdev = spisock_alloc_device(sizeof(r));
	if (!sdev)
		return NULL;
	*(struct winc_radio **)sdev->priv = r;
	sdev->ops = &winc_dev_ops;
	sdev->parent = &r->spi->dev;
	winc_fill_caps(&sdev->caps);
	strscpy(sdev->name, r->name, sizeof(sdev->name));
	strscpy(sdev->chip, "atwinc1500", sizeof(sdev->chip));
	snprintf(sdev->fw_version, sizeof(sdev->fw_version), "%u.%u.%u",
		 r->fw[0], r->fw[1], r->fw[2]);
	strscpy(sdev->fw_flavour, "microchip", sizeof(sdev->fw_flavour));
	/* Only DEV_GET reports it: a radio without one still works. */
	if (winc_read_mac(r, sdev->mac))
		dev_warn(&r->spi->dev, "no MAC address in the GP registers\n");
	return sdev;
}

static int winc_probe(struct spi_device *spi)
{
	struct device *dev = &spi->dev;
	struct spisock_dev *sdev;
	struct winc_radio *r;
	int ret;

	r = devm_kzalloc(dev, sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->spi = spi;
	spi->mode = SPI_MODE_0;
	spi->bits_per_word = 8;
	spi->max_speed_hz = spi->max_speed_hz ?
			    min(spi->max_speed_hz, max_speed_hz) : max_speed_hz;
	ret = spi_setup(spi);
	if (ret)
		return dev_err_probe(dev, ret, "SPI setup failed\n");
	ret = winc_get_lines(r);
	if (ret)
		return ret;
	ret = winc_alloc_bufs(r);
	if (ret)
		return ret;
	mutex_init(&r->bus_lock);
	mutex_init(&r->tx_lock);
	spin_lock_init(&r->lock);
	INIT_LIST_HEAD(&r->waiters);
	INIT_LIST_HEAD(&r->socks);
	init_waitqueue_head(&r->link_wait);
	INIT_WORK(&r->work, winc_sock_work);
	INIT_WORK(&r->link_work, winc_link_work);
	INIT_WORK(&r->reset_work, winc_reset_work);
	INIT_DELAYED_WORK(&r->retry, winc_sock_retry);
	INIT_DELAYED_WORK(&r->tick, winc_tick_work);

	ret = ida_alloc(&winc_ida, GFP_KERNEL);
	if (ret < 0)
		return ret;
	r->index = ret;
	snprintf(r->name, sizeof(r->name), "winc%d", r->index);
	r->wq = alloc_ordered_workqueue("spisock_%s", WQ_MEM_RECLAIM, r->name);
	if (!r->wq) {
		ret = -ENOMEM;
		goto err_ida;
	}
	winc_debugfs_init(r);

	ret = winc_boot(r);
	if (ret)
		goto err_chip;
	sdev = winc_new_sdev(r);
	if (!sdev) {
		ret = -ENOMEM;
		goto err_chip;
	}
	r->sdev = sdev;
	ret = request_threaded_irq(r->irq, NULL, winc_irq_thread, IRQF_ONESHOT,
				   r->name, r);
	if (ret) {
		dev_err(dev, "IRQ %d: %d\n", r->irq, ret);
		goto err_put;
	}
	ret = spisock_register_device(sdev);
	if (ret)
		goto err_irq;
	spi_set_drvdata(spi, r);
	queue_delayed_work(system_wq, &r->tick, 0);
	dev_info(dev, "%s: ATWINC1500, firmware %s, %u Hz\n", sdev->name,
		 sdev->fw_version, spi->max_speed_hz);
	return 0;

	/* Unregistered, so no socket ever reached the driver. */
err_irq:
	free_irq(r->irq, r);
err_put:
	spisock_put_device(sdev);
err_chip:
	winc_chip_power(r, false);
	winc_debugfs_exit(r);
	destroy_workqueue(r->wq);
err_ida:
	ida_free(&winc_ida, r->index);
	return ret;
}

static void winc_remove(struct spi_device *spi)
{
	struct winc_radio *r = spi_get_drvdata(spi);

	spisock_unregister_device(r->sdev);
	/* The IRQ thread and the work may deliver until they stop. */
	WRITE_ONCE(r->stopping, true);
	cancel_delayed_work_sync(&r->tick);
	cancel_work_sync(&r->reset_work);
	free_irq(r->irq, r);
	/* the work re-arms @retry only while not stopping */
	cancel_delayed_work_sync(&r->retry);
	flush_workqueue(r->wq);
	cancel_delayed_work_sync(&r->retry);
	destroy_workqueue(r->wq);
	winc_socks_free(r);
	winc_chip_power(r, false);
	winc_debugfs_exit(r);
	ida_free(&winc_ida, r->index);
	spisock_put_device(r->sdev);
}

static const struct of_device_id winc_of_match[] = {
	{ .compatible = "atmel,atwinc1500" },
	{ }
};
MODULE_DEVICE_TABLE(of, winc_of_match);

/* A device-tree SPI device's modalias: "spi:" and its compatible's name. */
static const struct spi_device_id winc_spi_ids[] = {
	{ "atwinc1500" },
	{ }
};
MODULE_DEVICE_TABLE(spi, winc_spi_ids);

static struct spi_driver winc_driver = {
	.driver = {
		.name = "spisock_winc1500",
		.of_match_table = winc_of_match,
	},
	.probe = winc_probe,
	.remove = winc_remove,
	.id_table = winc_spi_ids,
};

static int __init winc_init(void)
{
	int ret;

	winc_debugfs_module_init();
	ret = spi_register_driver(&winc_driver);
	if (ret)
		winc_debugfs_module_exit();
	return ret;
}

static void __exit winc_exit(void)
{
	spi_unregister_driver(&winc_driver);
	winc_debugfs_module_exit();
}

module_init(winc_init);
module_exit(winc_exit);

MODULE_DESCRIPTION("spisock driver for ATWINC1500 radios (WINC1500 firmware 19.5 to 19.7)");
MODULE_LICENSE("GPL");
