/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * spisock_sim: the simulated SPI radio's character device ABI.
 *
 * spisock_sim.ko registers a real SPI controller and a GPIO chip per radio.
 * Everything that happens on that bus (chip-select edges, transfers) and on
 * the host-driven lines (RESET, CHIP_EN, WAKE) is read() from
 * /dev/spisock-simN as events by a userspace chip model, which write()s
 * replies: the MISO bytes of each transfer, and level changes of the
 * chip-driven lines (READY, GPIO0; IRQN on a WINC1500). Every radio has all
 * six lines; which ones its device description uses depends on the chip it
 * is described as (enum spisock_sim_chip, SPISOCK_SIM_IOC_CHIP).
 *
 * One model may hold the device open at a time (a second open gets EBUSY).
 * With no model attached the bus behaves like hardware with nothing on it:
 * MISO reads 0xFF and READY/GPIO0 keep their last level. A chip in reset
 * drives nothing: from the host's RESET assert until the model has read the
 * RESET changes, READY/GPIO0/IRQN read high and line replies are ignored.
 *
 * read(): returns exactly one event: a struct spisock_sim_event, followed for
 * SPISOCK_SIM_EV_XFER by @len bytes of MOSI. A buffer too small for the next
 * event gets EMSGSIZE (the event stays queued). O_NONBLOCK and poll() work.
 *
 * write(): one or more replies, each a struct spisock_sim_reply followed for
 * SPISOCK_SIM_RE_XFER by @len bytes of MISO. A malformed reply gets EINVAL.
 * A transfer waits for its SPISOCK_SIM_RE_XFER (as real clocks always
 * complete, the model must answer every transfer; if the model closes the
 * device instead, the transfer completes with 0xFF).
 */
#ifndef _UAPI_LINUX_SPISOCK_SIM_H
#define _UAPI_LINUX_SPISOCK_SIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define SPISOCK_SIM_DEV_PREFIX	"/dev/spisock-sim"

/* Lines of a radio's GPIO chip (offsets in the chip). */
enum spisock_sim_line {
	SPISOCK_SIM_LINE_READY = 0,	/* chip -> host, interrupt-capable */
	SPISOCK_SIM_LINE_GPIO0 = 1,	/* chip -> host after boot; host drives it during reset */
	SPISOCK_SIM_LINE_RESET = 2,	/* host -> chip, active low */
	SPISOCK_SIM_LINE_IRQN = 3,	/* WINC1500: chip -> host, active low, interrupt-capable */
	SPISOCK_SIM_LINE_CHIP_EN = 4,	/* WINC1500: host -> chip, high = enabled */
	SPISOCK_SIM_LINE_WAKE = 5,	/* WINC1500: host -> chip */
	SPISOCK_SIM_NR_LINES
};

/* The chip a radio is described as (module parameter chip=). */
enum spisock_sim_chip {
	SPISOCK_SIM_CHIP_NINA = 0,	/* u-blox NINA-W102 with nina-fw */
	SPISOCK_SIM_CHIP_WINC1500 = 1,	/* Microchip ATWINC1500 */
};

/* Event types (kernel -> model). */
enum spisock_sim_event_type {
	SPISOCK_SIM_EV_CS = 1,		/* @value: 1 = CS asserted (low), 0 = released */
	SPISOCK_SIM_EV_XFER = 2,	/* a transfer; MOSI bytes follow; reply required */
	SPISOCK_SIM_EV_LINE = 3,	/* the host set @line (RESET, CHIP_EN, WAKE, GPIO0 out) */
};

/* SPISOCK_SIM_EV_XFER flags (in @value). */
#define SPISOCK_SIM_XFER_TX	0x1	/* the host sent data (else MOSI is all 0x00) */
#define SPISOCK_SIM_XFER_RX	0x2	/* the host reads MISO */

/**
 * struct spisock_sim_event - one bus or line event
 * @type: enum spisock_sim_event_type
 * @line: SPISOCK_SIM_EV_LINE: enum spisock_sim_line
 * @seq: increases by one per event; a reply to a transfer names it
 * @time_ns: CLOCK_MONOTONIC time of the event
 * @len: SPISOCK_SIM_EV_XFER: transfer length in bytes (MOSI bytes following)
 * @speed_hz: SPISOCK_SIM_EV_XFER: SCK frequency of the transfer
 * @value: CS level, line level, or SPISOCK_SIM_XFER_* flags
 * @delay_ns: SPISOCK_SIM_EV_XFER: delay the host asked for after it
 */
struct spisock_sim_event {
	__u16 type;
	__u16 line;
	__u32 seq;
	__u64 time_ns;
	__u32 len;
	__u32 speed_hz;
	__u32 value;
	__u32 delay_ns;
};

/* Reply types (model -> kernel). */
enum spisock_sim_reply_type {
	SPISOCK_SIM_RE_XFER = 1,	/* MISO for transfer @seq (@len bytes follow), or @status */
	SPISOCK_SIM_RE_LINE = 2,	/* drive chip line @line (READY, GPIO0, IRQN) to @value */
	/*
	 * Acknowledge the next chip select at once: drive READY to 1 when the
	 * host next asserts CS, as the chip's CS-edge interrupt does, without
	 * a round trip to the model (other fields 0). The model driving READY
	 * to 1 itself cancels it; ignored with the module's cs_ack=0.
	 */
	SPISOCK_SIM_RE_ACK = 3,
};

/**
 * struct spisock_sim_reply - one reply of the chip model
 * @type: enum spisock_sim_reply_type
 * @line: SPISOCK_SIM_RE_LINE: SPISOCK_SIM_LINE_READY, _GPIO0 or _IRQN
 * @seq: SPISOCK_SIM_RE_XFER: the @seq of the transfer event
 * @len: SPISOCK_SIM_RE_XFER: MISO bytes following; equal to the event's @len
 *	(or 0 with a non-zero @status)
 * @status: SPISOCK_SIM_RE_XFER: 0, or -EIO to fail the transfer as a
 *	controller error
 * @value: SPISOCK_SIM_RE_LINE: level 0 or 1
 * @reserved: must be 0
 */
struct spisock_sim_reply {
	__u16 type;
	__u16 line;
	__u32 seq;
	__u32 len;
	__s32 status;
	__u32 value;
	__u32 reserved;
};

/**
 * struct spisock_sim_info - what SPISOCK_SIM_IOC_INFO returns
 * @index: N of /dev/spisock-simN
 * @bus_num: the SPI controller's bus number
 * @chip_select: the radio's chip select
 * @max_speed_hz: the radio's spi-max-frequency
 * @mode: SPI mode bits of the radio
 * @max_xfer: longest transfer the controller accepts, in bytes
 */
struct spisock_sim_info {
	__u32 index;
	__u32 bus_num;
	__u32 chip_select;
	__u32 max_speed_hz;
	__u32 mode;
	__u32 max_xfer;
};

#define SPISOCK_SIM_IOC_MAGIC	0xb5
#define SPISOCK_SIM_IOC_INFO	_IOR(SPISOCK_SIM_IOC_MAGIC, 1, struct spisock_sim_info)
/* The radio's enum spisock_sim_chip: a model checks it serves that chip. */
#define SPISOCK_SIM_IOC_CHIP	_IOR(SPISOCK_SIM_IOC_MAGIC, 2, __u32)

/* Longest transfer: a whole nina-fw buffer with room to spare. */
#define SPISOCK_SIM_MAX_XFER	65536

#endif /* _UAPI_LINUX_SPISOCK_SIM_H */
