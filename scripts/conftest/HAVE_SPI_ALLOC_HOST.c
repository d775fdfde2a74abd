// SPDX-License-Identifier: GPL-2.0
/* 6.2+ (and late 6.1.y): spi_alloc_host() next to the older spi_alloc_master(). */
#include <linux/spi/spi.h>

struct spi_controller *conftest_alloc(struct device *dev)
{
	return spi_alloc_host(dev, 0);
}
