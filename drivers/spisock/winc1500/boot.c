// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: power and reset lines, the boot handshake (§3.2), the
 * chip's identification (§1.4) and the firmware version check (§5.4).
 * The firmware's struct sizes differ between releases (§7), so only the
 * releases this driver speaks are accepted: 19.5.x to 19.7.x.
 */

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/gpio/consumer.h>
#include <linux/jiffies.h>
#include <linux/spi/spi.h>

#include "winc1500.h"

/* NMI_STATE_REG at boot: the driver's version info, 19.7.7 (§3.2 step 4) */
#define WINC_DRIVER_INFO	0x13771377
/* rNMI_GP_REG_1: bit 8 reserved (always), bit 1 USE_PMU (rev >= 3A0) */
#define WINC_GP1_RESERVED	BIT(8)
#define WINC_GP1_PMU		BIT(1)

/**
 * winc_chip_power() - hold the chip in reset and off, or power it up
 * @r: the radio
 * @on: power up (CHIP_EN, then RESET_N released, §1.3) or hold down
 */
void winc_chip_power(struct winc_radio *r, bool on)
{
	if (!on) {
		gpiod_set_value_cansleep(r->reset, 1);
		gpiod_set_value_cansleep(r->enable, 0);
		return;
	}
	gpiod_set_value_cansleep(r->reset, 1);
	gpiod_set_value_cansleep(r->enable, 0);
	msleep(20);
	gpiod_set_value_cansleep(r->enable, 1);
	usleep_range(10000, 12000);
	gpiod_set_value_cansleep(r->reset, 0);
	usleep_range(10000, 12000);
}

/* Poll @addr until (value & @mask) == @want, every @ms, at most @tries. */
static int winc_poll(struct winc_radio *r, u32 addr, u32 mask, u32 want,
		     unsigned int ms, unsigned int tries)
{
	u32 v;
	int ret;

	while (tries--) {
		ret = winc_reg_read(r, addr, &v);
		if (ret)
			return ret;
		if ((v & mask) == want)
			return 0;
		usleep_range(ms * 1000, ms * 1000 + 500);
	}
	return -ETIMEDOUT;
}

/* The id a host reports: chip id, RF revision, the "flash" nibble (§1.4). */
static int winc_chip_id(struct winc_radio *r, u32 *out)
{
	u32 id, rf;
	int ret;

	ret = winc_reg_read(r, WINC_REG_CHIPID, &id);
	if (!ret)
		ret = winc_reg_read(r, WINC_REG_RFREV, &rf);
	if (ret)
		return ret;
	if (id == 0x1002a0)
		id = rf == 1 ? 0x1002a0 : 0x1002a1;
	else if (id == 0x1002b0)
		id = rf == 3 ? 0x1002b0 : rf == 4 ? 0x1002b1 : 0x1002b2;
	/* WINC1500 only: the WINC3400's registers differ (§8) */
	if ((id & 0xfff00000) != 0x100000 ||
	    ((id & 0xff0) != 0x3a0 && (id & 0xff0) != 0x2b0)) {
		dev_err(&r->spi->dev, "chip id %06x is not an ATWINC1500\n",
			id);
		return -ENODEV;
	}
	*out = (id & ~0xf0000) | 0x50000;
	return 0;
}

/* The running firmware's tstrM2mRev through the GP registers (§5.4). */
static int winc_fw_version(struct winc_radio *r)
{
	u8 gp[8], rev[12];
	u32 ptr;
	int ret;

	ret = winc_reg_read(r, WINC_REG_GP_REG2, &ptr);
	if (ret)
		return ret;
	if (!(ptr & 0xffff)) {
		/* before 19.5: the legacy word only, refused below */
		ret = winc_reg_read(r, WINC_REG_REV, &ptr);
		if (ret)
			return ret;
		r->fw[0] = (ptr >> 8) & 0xff;
		r->fw[1] = (ptr >> 4) & 0xf;
		r->fw[2] = ptr & 0xf;
		return 0;
	}
	ret = winc_block_read(r, (ptr & 0xffff) | 0x30000, gp, sizeof(gp));
	if (ret)
		return ret;
	ptr = winc_get32(gp + 4) & 0xffff;
	if (!ptr)
		return -ENODEV;
	ret = winc_block_read(r, ptr | 0x30000, rev, sizeof(rev));
	if (ret)
		return ret;
	memcpy(r->fw, rev + 4, 3);
	return 0;
}

/**
 * winc_read_mac() - the working MAC address, from the GP registers (§5.4)
 * @r: the radio, booted
 * @mac: 6 bytes
 *
 * Return: 0 or a negative errno.
 */
int winc_read_mac(struct winc_radio *r, u8 *mac)
{
	u8 gp[8];
	u32 ptr;
	int ret;

	mutex_lock(&r->bus_lock);
	ret = winc_reg_read(r, WINC_REG_GP_REG2, &ptr);
	if (!ret && !(ptr & 0xffff))
		ret = -ENODATA;
	if (!ret)
		ret = winc_block_read(r, (ptr & 0xffff) | 0x30000, gp,
				      sizeof(gp));
	if (!ret) {
		ptr = winc_get32(gp) & 0xffff;
		ret = ptr ? winc_block_read(r, ptr | 0x30000, mac, 6) :
			    -ENODATA;
	}
	mutex_unlock(&r->bus_lock);
	return ret;
}

/* Start the firmware and wait for it (§3.2 steps 2 to 8). */
static int winc_start_fw(struct winc_radio *r, u32 id)
{
	u32 v, gp1 = WINC_GP1_RESERVED;
	int ret;

	ret = winc_poll(r, WINC_REG_EFUSE, BIT(31), BIT(31), 1, 1000);
	if (ret)
		return ret;
	ret = winc_reg_read(r, WINC_REG_WAIT_HOST, &v);
	if (ret)
		return ret;
	if (!(v & 1)) {
		ret = winc_poll(r, WINC_REG_BOOTROM, ~0u, WINC_BOOT_FINISH_ROM,
				1, 2000);
		if (ret)
			return ret;
	}
	ret = winc_reg_write(r, WINC_REG_STATE, WINC_DRIVER_INFO);
	if (ret)
		return ret;
	if ((id & 0xfff) >= 0x3a0)
		gp1 |= WINC_GP1_PMU;
	ret = winc_reg_write(r, WINC_REG_GP_REG1, gp1);
	if (!ret)
		ret = winc_poll(r, WINC_REG_GP_REG1, ~0u, gp1, 1, 10);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_BOOTROM, WINC_BOOT_START_FW);
	if (!ret)
		ret = winc_poll(r, WINC_REG_STATE, ~0u, WINC_BOOT_FINISH_INIT,
				2, 1000);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_STATE, 0);
	if (ret)
		return ret;
	/* route the interrupt to IRQN and enable it (§3.2 step 8) */
	ret = winc_reg_read(r, WINC_REG_PIN_MUX, &v);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_PIN_MUX, v | BIT(8));
	if (!ret)
		ret = winc_reg_read(r, WINC_REG_INTR_EN, &v);
	if (!ret)
		ret = winc_reg_write(r, WINC_REG_INTR_EN, v | BIT(16));
	return ret;
}

/**
 * winc_boot() - reset the chip, boot its firmware, check what runs
 * @r: the radio, its IRQ not enabled
 *
 * Return: 0; -ENODEV when the chip is absent or not a WINC1500;
 * -EPROTONOSUPPORT for a firmware release outside 19.5.x to 19.7.x; or
 * the bus's error.
 */
int winc_boot(struct winc_radio *r)
{
	struct device *dev = &r->spi->dev;
	u32 id;
	int ret;

	winc_chip_power(r, true);
	mutex_lock(&r->bus_lock);
	ret = winc_spi_init(r);
	if (ret) {
		dev_err(dev, "no answer on the SPI bus\n");
		goto out;
	}
	ret = winc_chip_id(r, &id);
	if (ret)
		goto out;
	ret = winc_start_fw(r, id);
	if (ret) {
		dev_err(dev, "firmware did not start: %d\n", ret);
		goto out;
	}
	ret = winc_fw_version(r);
	if (ret)
		goto out;
	if (r->fw[0] != 19 || r->fw[1] < 5 || r->fw[1] > 7) {
		dev_err(dev,
			"firmware %u.%u.%u unsupported: this driver speaks 19.5.x to 19.7.x\n",
			r->fw[0], r->fw[1], r->fw[2]);
		ret = -EPROTONOSUPPORT;
		goto out;
	}
	/* tstrRecvCmd grew a buffer length in 19.6.4 (§4.2) */
	r->recv_cmd_len = r->fw[1] > 6 || (r->fw[1] == 6 && r->fw[2] >= 4) ?
			  12 : 8;
	dev_dbg(dev, "chip %06x, firmware %u.%u.%u\n", id, r->fw[0], r->fw[1],
		r->fw[2]);
out:
	mutex_unlock(&r->bus_lock);
	return ret;
}
