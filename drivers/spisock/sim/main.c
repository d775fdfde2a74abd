// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_sim: simulated NINA-W102 or ATWINC1500 radios on simulated SPI
 * buses.
 *
 * Each radio is described to the kernel exactly as a board would describe a
 * real one: an spi_board_info (modalias, speed, mode, and for a WINC1500 its
 * interrupt) and a software node with the device-tree binding's properties,
 * whose GPIO references point to the radio's GPIO chip. Which chip a radio
 * is comes from the chip= module parameter (nina by default): the chip
 * model behind /dev/spisock-simN must be the same (SPISOCK_SIM_IOC_CHIP).
 * On kernels that cannot resolve GPIOs through software nodes (before 6.2)
 * a GPIO lookup table for "spi<bus>.<cs>" says the same. A chip driver
 * therefore needs no simulator-specific code.
 *
 * Setup order per radio: parent device -> GPIO chip software node -> char
 * device (and the event queue) -> GPIO chip -> SPI controller -> lookup
 * table -> radio device. GPIO flags are gpiolib's enum gpio_lookup_flags,
 * whose values equal the binding's (dt-bindings/gpio/gpio.h).
 * Teardown is the reverse; the char device goes first there, which is safe
 * because no model can hold it open (that pins the module), so every
 * transfer still in flight completes with 0xFF at its speed before
 * spi_unregister_controller() returns.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gpio/machine.h>
#include <linux/idr.h>
#include <linux/irq.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>

#include "sim.h"

#define SPISOCK_SIM_MAX_RADIOS	16
/* How many taken bus numbers to step over before giving up. */
#define SPISOCK_SIM_BUS_TRIES	32

static unsigned int radios = 1;
module_param(radios, uint, 0444);
MODULE_PARM_DESC(radios, "number of simulated radios (1-16, default 1)");

static char *chip[SPISOCK_SIM_MAX_RADIOS];
static unsigned int nr_chip;
module_param_array(chip, charp, &nr_chip, 0444);
MODULE_PARM_DESC(chip, "chip of each radio: nina (default) or winc1500, comma-separated");

static DEFINE_IDA(spisock_sim_bus_ida);
static struct spisock_sim_radio *spisock_sim_radios[SPISOCK_SIM_MAX_RADIOS];

/* Indexed by enum spisock_sim_chip. */
static const struct spisock_sim_chip_desc spisock_sim_chips[] = {
	[SPISOCK_SIM_CHIP_NINA] = {
		.name = "nina",
		.modalias = "nina-w102",
		.compatible = "u-blox,nina-w102",
		.speed_hz = 8000000,
		.irq_line = -1,
		.gpios = {
			{ "ready-gpios", "ready", SPISOCK_SIM_LINE_READY, GPIO_ACTIVE_HIGH },
			{ "reset-gpios", "reset", SPISOCK_SIM_LINE_RESET, GPIO_ACTIVE_LOW },
			{ "gpio0-gpios", "gpio0", SPISOCK_SIM_LINE_GPIO0, GPIO_ACTIVE_HIGH },
		},
		.nr_gpios = 3,
	},
	/* 12 MHz: the clock Arduino's WiFi101 runs the chip at. */
	[SPISOCK_SIM_CHIP_WINC1500] = {
		.name = "winc1500",
		.modalias = "atwinc1500",
		.compatible = "atmel,atwinc1500",
		.speed_hz = 12000000,
		.irq_line = SPISOCK_SIM_LINE_IRQN,
		.irq_type = IRQ_TYPE_LEVEL_LOW,
		.gpios = {
			{ "reset-gpios", "reset", SPISOCK_SIM_LINE_RESET, GPIO_ACTIVE_LOW },
			{ "enable-gpios", "enable", SPISOCK_SIM_LINE_CHIP_EN, GPIO_ACTIVE_HIGH },
			{ "wake-gpios", "wake", SPISOCK_SIM_LINE_WAKE, GPIO_ACTIVE_HIGH },
		},
		.nr_gpios = 3,
	},
};

/* The chip= entry of radio @index; -EINVAL for an unknown name. */
static int spisock_sim_chip_of(unsigned int index)
{
	unsigned int i;

	if (index >= nr_chip || !chip[index] || !*chip[index])
		return SPISOCK_SIM_CHIP_NINA;
	for (i = 0; i < ARRAY_SIZE(spisock_sim_chips); i++)
		if (sysfs_streq(chip[index], spisock_sim_chips[i].name))
			return i;
	return -EINVAL;
}

/*
 * Fill the radio's software node. The references must live as long as the
 * node (software_node_register() does not copy them), hence per radio.
 */
static void spisock_sim_describe(struct spisock_sim_radio *radio)
{
	const struct spisock_sim_chip_desc *d = radio->desc;
	struct property_entry *p = radio->props;
	unsigned int i;

	radio->gpio_node.name = radio->name;
	radio->radio_node.name = radio->radio_name;
	*p++ = PROPERTY_ENTRY_STRING("compatible", d->compatible);
	*p++ = PROPERTY_ENTRY_U32("spi-max-frequency", d->speed_hz);
	for (i = 0; i < d->nr_gpios; i++) {
		radio->gpio_refs[i][0] = SOFTWARE_NODE_REFERENCE(&radio->gpio_node,
								 d->gpios[i].line,
								 d->gpios[i].flags);
		*p++ = PROPERTY_ENTRY_REF_ARRAY(d->gpios[i].prop, radio->gpio_refs[i]);
	}
	/* The array's last entry stays zeroed: the terminator. */
	BUILD_BUG_ON(ARRAY_SIZE(radio->props) < 2 + SPISOCK_SIM_MAX_GPIO_PROPS + 1);
	radio->radio_node.properties = radio->props;
}

#ifndef HAVE_GPIOLIB_SWNODE
/* Before 6.2 gpiolib ignores software nodes: say it with a lookup table. */
static int spisock_sim_add_lookup(struct spisock_sim_radio *radio)
{
	const struct spisock_sim_chip_desc *d = radio->desc;
	struct gpiod_lookup_table *t;
	unsigned int i;

	t = kzalloc(struct_size(t, table, d->nr_gpios + 1), GFP_KERNEL);
	if (!t)
		return -ENOMEM;
	t->dev_id = kasprintf(GFP_KERNEL, "spi%d.0", radio->bus_num);
	if (!t->dev_id) {
		kfree(t);
		return -ENOMEM;
	}
	for (i = 0; i < d->nr_gpios; i++)
		t->table[i] = (struct gpiod_lookup)
			GPIO_LOOKUP(radio->name, d->gpios[i].line,
				    d->gpios[i].con_id, d->gpios[i].flags);
	gpiod_add_lookup_table(t);
	radio->lookup = t;
	return 0;
}

static void spisock_sim_remove_lookup(struct spisock_sim_radio *radio)
{
	if (!radio->lookup)
		return;
	gpiod_remove_lookup_table(radio->lookup);
	kfree(radio->lookup->dev_id);
	kfree(radio->lookup);
	radio->lookup = NULL;
}
#else
static int spisock_sim_add_lookup(struct spisock_sim_radio *radio)
{
	return 0;
}

static void spisock_sim_remove_lookup(struct spisock_sim_radio *radio)
{
}
#endif

/*
 * Register the controller on the first bus number of our IDA that nobody
 * else uses: a board may already have spi0 (a Pi does), and the SPI core
 * refuses a fixed number that is taken with -EBUSY.
 */
static int spisock_sim_register_bus(struct spisock_sim_radio *radio)
{
	unsigned int min = 0, tries;
	int id, ret = -EBUSY;

	for (tries = 0; tries < SPISOCK_SIM_BUS_TRIES && ret == -EBUSY; tries++) {
		id = ida_alloc_range(&spisock_sim_bus_ida, min, S16_MAX, GFP_KERNEL);
		if (id < 0)
			return id;
		radio->bus_num = id;
		ret = spisock_sim_spi_register(radio);
		if (ret) {
			ida_free(&spisock_sim_bus_ida, id);
			min = id + 1;
		}
	}
	if (ret)
		radio->bus_num = -1;
	return ret;
}

static void spisock_sim_radio_destroy(struct spisock_sim_radio *radio)
{
	spisock_sim_cdev_exit(radio);
	if (radio->bus_num >= 0) {
		spisock_sim_spi_unregister(radio);
		ida_free(&spisock_sim_bus_ida, radio->bus_num);
	}
	spisock_sim_remove_lookup(radio);
	spisock_sim_gpio_exit(radio);
	software_node_unregister(&radio->gpio_node);
	platform_device_unregister(radio->pdev);
	kfree(radio);
}

static struct spisock_sim_radio *spisock_sim_radio_create(unsigned int index,
							  unsigned int kind)
{
	struct spisock_sim_radio *radio;
	int ret;

	radio = kzalloc(sizeof(*radio), GFP_KERNEL);
	if (!radio)
		return ERR_PTR(-ENOMEM);
	radio->index = index;
	radio->chip = kind;
	radio->desc = &spisock_sim_chips[kind];
	radio->bus_num = -1;
	snprintf(radio->name, sizeof(radio->name), "spisock-sim%u", index);
	snprintf(radio->radio_name, sizeof(radio->radio_name), "%s-%s", radio->name,
		 radio->desc->name);
	spisock_sim_describe(radio);

	radio->pdev = platform_device_register_simple("spisock-sim", index, NULL, 0);
	if (IS_ERR(radio->pdev)) {
		ret = PTR_ERR(radio->pdev);
		goto err_free;
	}
	ret = software_node_register(&radio->gpio_node);
	if (ret)
		goto err_pdev;
	ret = spisock_sim_cdev_init(radio);
	if (ret)
		goto err_destroy;
	ret = spisock_sim_gpio_init(radio);
	if (ret)
		goto err_destroy;
	ret = spisock_sim_register_bus(radio);
	if (ret)
		goto err_destroy;
	ret = spisock_sim_add_lookup(radio);
	if (ret)
		goto err_destroy;
	ret = spisock_sim_spi_add_radio(radio);
	if (ret)
		goto err_destroy;
	return radio;

err_pdev:
	platform_device_unregister(radio->pdev);
err_free:
	kfree(radio);
	return ERR_PTR(ret);
err_destroy:
	/* Every step from the GPIO node on undoes itself only if it was done. */
	spisock_sim_radio_destroy(radio);
	return ERR_PTR(ret);
}

static void spisock_sim_destroy_all(void)
{
	int i;

	for (i = SPISOCK_SIM_MAX_RADIOS - 1; i >= 0; i--) {
		if (spisock_sim_radios[i])
			spisock_sim_radio_destroy(spisock_sim_radios[i]);
		spisock_sim_radios[i] = NULL;
	}
}

static int __init spisock_sim_init(void)
{
	struct spisock_sim_radio *radio;
	unsigned int i;
	int kind;

	if (radios < 1 || radios > SPISOCK_SIM_MAX_RADIOS) {
		pr_err("radios=%u: must be 1 to %d\n", radios, SPISOCK_SIM_MAX_RADIOS);
		return -EINVAL;
	}
	for (i = 0; i < SPISOCK_SIM_MAX_RADIOS; i++) {
		if (spisock_sim_chip_of(i) < 0) {
			pr_err("chip=%s (radio %u): must be nina or winc1500\n", chip[i], i);
			return -EINVAL;
		}
	}
	for (i = 0; i < radios; i++) {
		kind = spisock_sim_chip_of(i);
		radio = spisock_sim_radio_create(i, kind);
		if (IS_ERR(radio)) {
			pr_err("radio %u: setup failed: %pe\n", i, radio);
			spisock_sim_destroy_all();
			return PTR_ERR(radio);
		}
		spisock_sim_radios[i] = radio;
		pr_info("radio %u: %s %s on spi%d, /dev/%s\n", i, radio->desc->name,
			dev_name(&radio->spi->dev), radio->bus_num, radio->name);
	}
	return 0;
}

static void __exit spisock_sim_exit(void)
{
	spisock_sim_destroy_all();
	ida_destroy(&spisock_sim_bus_ida);
}

module_init(spisock_sim_init);
module_exit(spisock_sim_exit);

MODULE_DESCRIPTION("spisock simulated NINA/WINC1500 radio: SPI controller, GPIO lines and chip-model bridge");
MODULE_LICENSE("GPL");
