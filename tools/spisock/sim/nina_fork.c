// SPDX-License-Identifier: GPL-2.0
/*
 * nina-fw chip model: what the two firmware flavours answer differently
 * beyond the socket pool (facts §3.8, §3.9).
 *
 * 0x4A-0x4F are WPA2-Enterprise setup on Adafruit's firmware (every
 * version) and BLE over SPI on Arduino's from 3.0.0; Arduino's older
 * releases leave them empty. 0x5E (GET_FW_VERSION_U32, WiFiNINA 2.x) is
 * Arduino's from 3.0.0 and empty on Adafruit's. Both flavours' 3.x report
 * "3.x.y" from GET_FW_VERSION, so a host tells them apart by these. Runs on
 * the command-loop thread; a false return is the error frame.
 */
#include <stdio.h>

#include "nina_internal.h"

static bool arduino_3(const struct nina_model *m)
{
	return m->cfg.flavour == FLAVOUR_ARDUINO &&
	       nina_version_cmp(m->cfg.version, 3, 0, 0) >= 0;
}

/* Adafruit: SET_ENT_IDENT/UNAME/PASSWD, 0x4D/0x4E unimplemented, ENABLE. */
static bool adafruit_ent(struct nina_model *m, int op)
{
	if (op == 0x4D || op == 0x4E)
		return false;
	nina_rep_u8(m, 1);
	return true;
}

/*
 * Arduino 3.x: BLE_BEGIN (0: ESP_OK), BLE_END, BLE_AVAILABLE (16 bits,
 * big-endian), BLE_PEEK/BLE_READ (16-bit length, nothing: no BLE peer is
 * modelled), BLE_WRITE (bytes taken, little-endian: none).
 */
static bool arduino_ble(struct nina_model *m, int op)
{
	static const uint8_t zero[2];

	switch (op) {
	case 0x4A:
		nina_rep_u8(m, 0);
		break;
	case 0x4B:
		nina_rep_u8(m, 1);
		break;
	case 0x4C:
	case 0x4F:
		nina_rep_p8(m, zero, 2);
		break;
	default:
		nina_rep_p16(m, zero, 0);
		break;
	}
	return true;
}

bool nina_h_fork_4x(struct nina_model *m, uint64_t gen)
{
	int op = m->cmd[1];

	(void)gen;
	if (m->cfg.flavour == FLAVOUR_ADAFRUIT)
		return adafruit_ent(m, op);
	if (arduino_3(m))
		return arduino_ble(m, op);
	return false;
}

/* Major, minor, patch and a zero byte (WiFiNINA reads the first three). */
bool nina_h_fw_version_u32(struct nina_model *m, uint64_t gen)
{
	int v[3] = { 0, 0, 0 };
	uint8_t b[4] = { 0 };

	(void)gen;
	if (!arduino_3(m))
		return false;
	sscanf(m->cfg.version, "%d.%d.%d", &v[0], &v[1], &v[2]);
	for (int i = 0; i < 3; i++)
		b[i] = v[i];
	nina_rep_p8(m, b, 4);
	return true;
}
