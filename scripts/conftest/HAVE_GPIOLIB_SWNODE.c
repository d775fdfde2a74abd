// SPDX-License-Identifier: GPL-2.0
/*
 * 6.2+: gpiolib resolves "*-gpios" references of software nodes (it came with
 * linux/gpio/property.h); before, only lookup tables name a device's GPIOs.
 */
#include <linux/gpio/property.h>
#include <linux/property.h>

static const struct software_node conftest_chip = { .name = "conftest" };

const struct property_entry conftest_props[] = {
	PROPERTY_ENTRY_GPIO("conftest-gpios", &conftest_chip, 0, 0),
	{ }
};
