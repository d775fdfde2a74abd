/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock_sim: one simulated radio per struct spisock_sim_radio.
 *
 * A radio is a platform device (the parent), a SPI controller with the radio
 * on chip select 0, a GPIO chip (READY, GPIO0, RESET, IRQN, CHIP_EN, WAKE)
 * with a private irq domain, and /dev/spisock-simN, through which a
 * userspace chip model sees the bus and drives the chip's lines. The radio
 * is described as a NINA-W102 or as an ATWINC1500 (struct
 * spisock_sim_chip_desc), chosen per radio at module load.
 *
 * Lifetime: radios are created at module init and destroyed at module exit
 * only. The misc device's fops pin the module while the model holds the node
 * open, and requested GPIO lines and irqs pin it through the GPIO chip's
 * owner, so a radio outlives every file, line and irq that points to it.
 *
 * Locks, never nested in each other:
 * - @xfer_lock (mutex): the transfer waiting for the model's reply
 *   (@pending). Taken by .transfer_one to post a transfer, by write() to
 *   answer it and by release() to complete it with 0xFF. Nobody sleeps on
 *   anything else while holding it, so release() cannot block the SPI
 *   message pump.
 * - @ev_lock (spinlock): the model's attachment (@attached) and the event
 *   queue. Producers may run in atomic context (GPIO set from atomic
 *   callers), so it is taken with interrupts off.
 * - @line_lock (raw spinlock): line levels, direction of GPIO0 and the irq
 *   state. Raw because the irq chip callbacks run under the irq descriptor's
 *   raw lock.
 */
#ifndef _SPISOCK_SIM_H
#define _SPISOCK_SIM_H

#include <linux/gpio/driver.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/property.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <uapi/linux/spisock_sim.h>

/* GPIO properties a chip's description names (at most). */
#define SPISOCK_SIM_MAX_GPIO_PROPS	3

/**
 * struct spisock_sim_gpio_prop - one GPIO property of a device description
 * @prop: the binding's property name
 * @con_id: the same as a GPIO lookup table's connection id
 * @line: enum spisock_sim_line
 * @flags: enum gpio_lookup_flags (equal to the binding's flags)
 */
struct spisock_sim_gpio_prop {
	const char *prop;
	const char *con_id;
	unsigned int line;
	unsigned long flags;
};

/**
 * struct spisock_sim_chip_desc - how a board describes one kind of radio
 * @name: the module parameter's name for it, and its software node's suffix
 * @modalias: SPI modalias
 * @compatible: the binding's compatible
 * @speed_hz: spi-max-frequency
 * @irq_line: the line whose interrupt is the device's irq, or -1 for none
 * @irq_type: IRQ_TYPE_* of that interrupt
 * @gpios: the binding's GPIO properties
 * @nr_gpios: entries of @gpios
 */
struct spisock_sim_chip_desc {
	const char *name;
	const char *modalias;
	const char *compatible;
	u32 speed_hz;
	int irq_line;
	unsigned int irq_type;
	struct spisock_sim_gpio_prop gpios[SPISOCK_SIM_MAX_GPIO_PROPS];
	unsigned int nr_gpios;
};

/* The controller's own limit, like a Pi's core clock divided by 2. */
#define SPISOCK_SIM_CTLR_MAX_HZ	125000000
/* Events a model may leave unread before non-blocking producers drop. */
#define SPISOCK_SIM_MAX_EVENTS	4096

struct platform_device;
struct spi_controller;
struct spi_device;
struct gpiod_lookup_table;

/**
 * struct spisock_sim_xfer - a transfer waiting for the model's MISO
 * @seq: sequence number of its SPISOCK_SIM_EV_XFER event
 * @len: length in bytes
 * @rx: where MISO goes (NULL: the host does not read it)
 * @status: 0 or the controller error to report
 * @done: set (release) once @rx and @status are final
 *
 * Lives on .transfer_one's stack; only touched under the radio's
 * @xfer_lock while it is the radio's @pending transfer.
 */
struct spisock_sim_xfer {
	u32 seq;
	unsigned int len;
	void *rx;
	int status;
	bool done;
};

/**
 * struct spisock_sim_line_state - one line of the GPIO chip
 * @chip_level: level the chip model drives (READY, GPIO0)
 * @host_level: level the host drives (RESET, GPIO0 as output)
 * @irq_type: IRQ_TYPE_* requested for the line's interrupt
 * @irq_masked: the interrupt is masked
 * @irq_latched: an edge arrived that has not been delivered yet
 */
struct spisock_sim_line_state {
	u8 chip_level;
	u8 host_level;
	u8 irq_type;
	bool irq_masked;
	bool irq_latched;
};

/**
 * struct spisock_sim_radio - one simulated radio
 * @index: N of /dev/spisock-simN
 * @chip: enum spisock_sim_chip
 * @desc: the description of @chip
 * @bus_num: the SPI bus number (from the module's IDA)
 * @name: "spisock-simN": misc device name, GPIO chip label and name of
 *	the GPIO chip's software node
 * @radio_name: name of the radio's software node, "spisock-simN-nina" or
 *	"spisock-simN-winc1500"
 *	(from 6.2 the SPI core names the device after it: "spi-<name>")
 * @pdev: parent device of the controller and the GPIO chip
 * @ctlr: the SPI controller (its last reference goes with unregister)
 * @spi: the radio on chip select 0
 * @gc: the GPIO chip
 * @gpio_registered: @gc was added
 * @domain: irq domain of READY, GPIO0 and IRQN
 * @domain_fwnode: named fwnode of @domain
 * @irq_work: delivers latched or level interrupts in hard irq context
 * @lines: state of each enum spisock_sim_line
 * @gpio0_output: the host drives GPIO0 (during reset)
 * @reset_unread: RESET changes queued for the model that it has not read
 *	yet; while any is, or RESET is asserted, the model's writes to READY
 *	and GPIO0 are ignored (a chip in reset drives nothing)
 * @line_lock: protects @lines, @gpio0_output and @reset_unread
 * @gpio_node: software node of the GPIO chip (named @name)
 * @radio_node: software node of the radio (the binding's properties)
 * @props: properties of @radio_node
 * @gpio_refs: the references of @props' GPIO properties
 * @lookup: GPIO lookup table for kernels without software-node GPIO lookup
 * @misc: /dev/spisock-simN
 * @misc_registered: @misc was registered
 * @ev_lock: protects @attached, @events, @nr_events, @seq
 * @attached: a chip model holds the device open
 * @events: queued struct spisock_sim_event_node, oldest first
 * @nr_events: length of @events
 * @seq: sequence number of the next event
 * @readq: the model waits here for events
 * @roomq: chip-select producers wait here for room in @events
 * @read_lock: serialises readers (an event leaves the queue after its copy)
 * @xfer_lock: protects @pending (see the top of this file)
 * @pending: the transfer waiting for a reply, or NULL
 * @xferq: .transfer_one waits here for @pending's completion
 * @cs_asserted: last chip-select state told to the model
 * @dropped: events dropped because the queue was full
 * @ack_armed: the model asked for READY at the next CS assertion
 *	(SPISOCK_SIM_RE_ACK), under @line_lock
 */
struct spisock_sim_radio {
	unsigned int index;
	u32 chip;
	const struct spisock_sim_chip_desc *desc;
	int bus_num;
	char name[24];
	char radio_name[32];
	struct platform_device *pdev;

	struct spi_controller *ctlr;
	struct spi_device *spi;

	struct gpio_chip gc;
	bool gpio_registered;
	struct irq_domain *domain;
	struct fwnode_handle *domain_fwnode;
	struct irq_work irq_work;
	struct spisock_sim_line_state lines[SPISOCK_SIM_NR_LINES];
	bool gpio0_output;
	unsigned int reset_unread;
	raw_spinlock_t line_lock;	/* see above */

	struct software_node gpio_node;
	struct software_node radio_node;
	struct property_entry props[6];
	struct software_node_ref_args gpio_refs[SPISOCK_SIM_MAX_GPIO_PROPS][1];
	struct gpiod_lookup_table *lookup;

	struct miscdevice misc;
	bool misc_registered;
	spinlock_t ev_lock;	/* see above */
	bool attached;
	struct list_head events;
	unsigned int nr_events;
	u32 seq;
	wait_queue_head_t readq;
	wait_queue_head_t roomq;
	struct mutex read_lock;	/* see above */

	struct mutex xfer_lock;	/* see above */
	struct spisock_sim_xfer *pending;
	wait_queue_head_t xferq;

	bool cs_asserted;
	unsigned long dropped;
	bool ack_armed;
};

/* chardev.c: /dev/spisock-simN and the event queue */
int spisock_sim_cdev_init(struct spisock_sim_radio *radio);
void spisock_sim_cdev_exit(struct spisock_sim_radio *radio);
int spisock_sim_post_event(struct spisock_sim_radio *radio, u16 type, u16 line,
			   u32 value, gfp_t gfp);
int spisock_sim_post_cs(struct spisock_sim_radio *radio, bool asserted);
int spisock_sim_post_xfer(struct spisock_sim_radio *radio,
			  struct spisock_sim_xfer *x, const void *mosi,
			  u32 speed_hz, u32 delay_ns);

/* gpio.c: the GPIO chip and its irq domain */
int spisock_sim_gpio_init(struct spisock_sim_radio *radio);
void spisock_sim_gpio_exit(struct spisock_sim_radio *radio);
void spisock_sim_reset_seen(struct spisock_sim_radio *radio, bool all);
void spisock_sim_set_chip_line(struct spisock_sim_radio *radio,
			       unsigned int line, int value);
void spisock_sim_ack_arm(struct spisock_sim_radio *radio);
void spisock_sim_cs_ack(struct spisock_sim_radio *radio);
int spisock_sim_gpio_irq(struct spisock_sim_radio *radio, unsigned int line,
			 unsigned int type);

/* spi.c: the SPI controller and the radio on it */
int spisock_sim_spi_register(struct spisock_sim_radio *radio);
int spisock_sim_spi_add_radio(struct spisock_sim_radio *radio);
void spisock_sim_spi_unregister(struct spisock_sim_radio *radio);

#endif /* _SPISOCK_SIM_H */
