// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_sim: the GPIO chip of a simulated radio.
 *
 * Six lines. As wired on an AirLift: READY (chip -> host), GPIO0 (chip ->
 * host after boot; the host drives it as a boot strap during reset) and
 * RESET (host -> chip, active low). As wired on an ATWINC1500 breakout:
 * IRQN (chip -> host, active low), CHIP_EN and WAKE (host -> chip), and the
 * same RESET. Every radio has all six; its device description names those
 * of its chip. READY, GPIO0 and IRQN interrupt through a private linear irq
 * domain; the interrupts are raised from an irq_work, so a driver's handler
 * runs in hard irq context as it would on a Pi (a threaded handler with
 * IRQF_ONESHOT keeps a level interrupt masked until its thread is done).
 *
 * Like a Pi's GPIO controller the chip does not sleep (can_sleep is false):
 * drivers may read READY from their hard irq handler. Host-driven changes go
 * to the chip model as SPISOCK_SIM_EV_LINE events.
 */

#include <linux/gpio/driver.h>
#include <linux/interrupt.h>
#include <linux/irq.h>
#include <linux/irqdomain.h>
#include <linux/platform_device.h>

#include "sim.h"

static bool spisock_sim_line_has_irq(unsigned int line)
{
	return line == SPISOCK_SIM_LINE_READY || line == SPISOCK_SIM_LINE_GPIO0 ||
	       line == SPISOCK_SIM_LINE_IRQN;
}

/* Only the chip drives these: the host may not. */
static bool spisock_sim_chip_only(unsigned int line)
{
	return line == SPISOCK_SIM_LINE_READY || line == SPISOCK_SIM_LINE_IRQN;
}

/* Level the host reads on @line. Called with @line_lock held. */
static int spisock_sim_level(struct spisock_sim_radio *radio, unsigned int line)
{
	const struct spisock_sim_line_state *l = &radio->lines[line];

	lockdep_assert_held(&radio->line_lock);
	switch (line) {
	case SPISOCK_SIM_LINE_READY:
	case SPISOCK_SIM_LINE_IRQN:
		return l->chip_level;
	case SPISOCK_SIM_LINE_GPIO0:
		return radio->gpio0_output ? l->host_level : l->chip_level;
	default:
		return l->host_level;
	}
}

/* Would the interrupt of @line fire now? Called with @line_lock held. */
static bool spisock_sim_irq_due(struct spisock_sim_radio *radio, unsigned int line)
{
	const struct spisock_sim_line_state *l = &radio->lines[line];
	int level;

	lockdep_assert_held(&radio->line_lock);
	if (l->irq_masked)
		return false;
	if (l->irq_latched)
		return true;
	level = spisock_sim_level(radio, line);
	return (l->irq_type == IRQ_TYPE_LEVEL_HIGH && level) ||
	       (l->irq_type == IRQ_TYPE_LEVEL_LOW && !level);
}

/* Latch an edge from @old to the current level. Called with @line_lock held. */
static bool spisock_sim_edge(struct spisock_sim_radio *radio, unsigned int line,
			     int old)
{
	struct spisock_sim_line_state *l = &radio->lines[line];
	int now = spisock_sim_level(radio, line);

	lockdep_assert_held(&radio->line_lock);
	if (now == old || !spisock_sim_line_has_irq(line))
		return false;
	if ((now && (l->irq_type & IRQ_TYPE_EDGE_RISING)) ||
	    (!now && (l->irq_type & IRQ_TYPE_EDGE_FALLING)))
		l->irq_latched = true;
	return spisock_sim_irq_due(radio, line);
}

/* Hard irq context: deliver what is due, outside @line_lock. */
static void spisock_sim_irq_work(struct irq_work *work)
{
	struct spisock_sim_radio *radio =
		container_of(work, struct spisock_sim_radio, irq_work);
	unsigned long flags;
	unsigned int line;
	bool due;

	for (line = 0; line < SPISOCK_SIM_NR_LINES; line++) {
		if (!spisock_sim_line_has_irq(line))
			continue;
		raw_spin_lock_irqsave(&radio->line_lock, flags);
		due = spisock_sim_irq_due(radio, line);
		if (due)
			radio->lines[line].irq_latched = false;
		raw_spin_unlock_irqrestore(&radio->line_lock, flags);
		if (due)
			generic_handle_domain_irq_safe(radio->domain, line);
	}
}

/*
 * A chip in reset drives nothing: READY and GPIO0 float, pulled up. The
 * model learns of the reset only when it reads the RESET events, which may
 * be long after the host's pulse on a busy machine, so the levels it drove
 * before (READY low: armed) would otherwise still read as the chip's after
 * the host's boot wait. Held from the host's RESET assert until the model
 * has read every RESET change queued for it. Called with @line_lock held.
 */
static bool spisock_sim_chip_held(const struct spisock_sim_radio *radio)
{
	lockdep_assert_held(&radio->line_lock);
	return !radio->lines[SPISOCK_SIM_LINE_RESET].host_level ||
	       radio->reset_unread;
}

/*
 * RESET asserted: the chip's lines float high (IRQN's pull-up holds it
 * inactive). Called with @line_lock held.
 */
static bool spisock_sim_float_chip_lines(struct spisock_sim_radio *radio)
{
	static const unsigned int chip_lines[] = {
		SPISOCK_SIM_LINE_READY, SPISOCK_SIM_LINE_GPIO0,
		SPISOCK_SIM_LINE_IRQN,
	};
	bool due = false;
	unsigned int i;
	int old;

	lockdep_assert_held(&radio->line_lock);
	radio->ack_armed = false;
	for (i = 0; i < ARRAY_SIZE(chip_lines); i++) {
		old = spisock_sim_level(radio, chip_lines[i]);
		radio->lines[chip_lines[i]].chip_level = 1;
		due |= spisock_sim_edge(radio, chip_lines[i], old);
	}
	return due;
}

/**
 * spisock_sim_reset_seen() - the model read a RESET change, or detached
 * @radio: the radio
 * @all: the model detached: nothing it was told is unread any more
 */
void spisock_sim_reset_seen(struct spisock_sim_radio *radio, bool all)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&radio->line_lock, flags);
	if (all)
		radio->reset_unread = 0;
	else if (radio->reset_unread)
		radio->reset_unread--;
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
}

/**
 * spisock_sim_set_chip_line() - the chip model drives READY, GPIO0 or IRQN
 * @radio: the radio
 * @line: SPISOCK_SIM_LINE_READY, SPISOCK_SIM_LINE_GPIO0 or SPISOCK_SIM_LINE_IRQN
 * @value: 0 or 1
 *
 * Raises the line's interrupt if the change matches its trigger. While the
 * host drives GPIO0 the chip's level is recorded and seen once the host
 * lets go. Ignored while the chip is held in reset (spisock_sim_chip_held()).
 */
void spisock_sim_set_chip_line(struct spisock_sim_radio *radio,
			       unsigned int line, int value)
{
	unsigned long flags;
	bool due;
	int old;

	raw_spin_lock_irqsave(&radio->line_lock, flags);
	/* READY driven high by the model: the acknowledge is its own again. */
	if (line == SPISOCK_SIM_LINE_READY && value)
		radio->ack_armed = false;
	if (spisock_sim_chip_held(radio)) {
		raw_spin_unlock_irqrestore(&radio->line_lock, flags);
		return;
	}
	old = spisock_sim_level(radio, line);
	radio->lines[line].chip_level = value;
	due = spisock_sim_edge(radio, line, old);
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
	if (due)
		irq_work_queue(&radio->irq_work);
}

static bool cs_ack = true;
module_param(cs_ack, bool, 0644);
MODULE_PARM_DESC(cs_ack,
		 "raise READY at a CS assertion the model armed (SPISOCK_SIM_RE_ACK) without its round trip (default on)");

/**
 * spisock_sim_ack_arm() - the model armed the acknowledge of the next CS
 * @radio: the radio
 */
void spisock_sim_ack_arm(struct spisock_sim_radio *radio)
{
	unsigned long flags;

	raw_spin_lock_irqsave(&radio->line_lock, flags);
	radio->ack_armed = READ_ONCE(cs_ack);
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
}

/**
 * spisock_sim_cs_ack() - the host asserted CS: READY high if armed
 * @radio: the radio
 *
 * A NINA's CS-edge interrupt raises READY within microseconds; through
 * the model it cost the host a sleep and a wake-up per transaction. The
 * model still sees the CS event and drives READY high itself: no edge.
 */
void spisock_sim_cs_ack(struct spisock_sim_radio *radio)
{
	unsigned long flags;
	bool due = false;
	int old;

	raw_spin_lock_irqsave(&radio->line_lock, flags);
	if (radio->ack_armed && !spisock_sim_chip_held(radio)) {
		old = spisock_sim_level(radio, SPISOCK_SIM_LINE_READY);
		radio->lines[SPISOCK_SIM_LINE_READY].chip_level = 1;
		due = spisock_sim_edge(radio, SPISOCK_SIM_LINE_READY, old);
	}
	radio->ack_armed = false;
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
	if (due)
		irq_work_queue(&radio->irq_work);
}

/* The host drives @line (RESET, CHIP_EN, WAKE, or GPIO0 as output): tell the model. */
static void spisock_sim_host_drive(struct spisock_sim_radio *radio,
				   unsigned int line, int value, bool output)
{
	unsigned long flags;
	bool changed, due, reset;
	int old;

	value = !!value;
	raw_spin_lock_irqsave(&radio->line_lock, flags);
	old = spisock_sim_level(radio, line);
	changed = radio->lines[line].host_level != value ||
		  (line == SPISOCK_SIM_LINE_GPIO0 && !radio->gpio0_output);
	radio->lines[line].host_level = value;
	if (line == SPISOCK_SIM_LINE_GPIO0)
		radio->gpio0_output = output;
	due = spisock_sim_edge(radio, line, old);
	reset = line == SPISOCK_SIM_LINE_RESET && changed;
	if (reset && !value)
		due |= spisock_sim_float_chip_lines(radio);
	/* Counted before it is queued: the model may read it at once. */
	if (reset)
		radio->reset_unread++;
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
	if (changed && spisock_sim_post_event(radio, SPISOCK_SIM_EV_LINE, line,
					      value, GFP_ATOMIC) && reset)
		spisock_sim_reset_seen(radio, false);	/* never queued */
	if (due)
		irq_work_queue(&radio->irq_work);
}

static int spisock_sim_get_direction(struct gpio_chip *gc, unsigned int offset)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);

	switch (offset) {
	case SPISOCK_SIM_LINE_READY:
	case SPISOCK_SIM_LINE_IRQN:
		return GPIO_LINE_DIRECTION_IN;
	case SPISOCK_SIM_LINE_GPIO0:
		return READ_ONCE(radio->gpio0_output) ? GPIO_LINE_DIRECTION_OUT :
							GPIO_LINE_DIRECTION_IN;
	default:
		return GPIO_LINE_DIRECTION_OUT;
	}
}

static int spisock_sim_direction_input(struct gpio_chip *gc, unsigned int offset)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);
	unsigned long flags;
	bool due;
	int old;

	switch (offset) {
	case SPISOCK_SIM_LINE_READY:
	case SPISOCK_SIM_LINE_IRQN:
		return 0;
	case SPISOCK_SIM_LINE_GPIO0:
		/* The host lets go: the host now reads the chip's level. */
		raw_spin_lock_irqsave(&radio->line_lock, flags);
		old = spisock_sim_level(radio, offset);
		radio->gpio0_output = false;
		due = spisock_sim_edge(radio, offset, old);
		raw_spin_unlock_irqrestore(&radio->line_lock, flags);
		if (due)
			irq_work_queue(&radio->irq_work);
		return 0;
	default:
		/* RESET, CHIP_EN and WAKE are wired to chip inputs only. */
		return -EPERM;
	}
}

static int spisock_sim_direction_output(struct gpio_chip *gc,
					unsigned int offset, int value)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);

	/* Driving READY or IRQN would fight the chip's output. */
	if (spisock_sim_chip_only(offset))
		return -EPERM;
	spisock_sim_host_drive(radio, offset, value, true);
	return 0;
}

static int spisock_sim_get(struct gpio_chip *gc, unsigned int offset)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);
	unsigned long flags;
	int level;

	raw_spin_lock_irqsave(&radio->line_lock, flags);
	level = spisock_sim_level(radio, offset);
	raw_spin_unlock_irqrestore(&radio->line_lock, flags);
	return level;
}

static void spisock_sim_set(struct gpio_chip *gc, unsigned int offset, int value)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);

	/* gpiolib only sets lines whose direction is output. */
	if (!spisock_sim_chip_only(offset))
		spisock_sim_host_drive(radio, offset, value, true);
}

static int spisock_sim_to_irq(struct gpio_chip *gc, unsigned int offset)
{
	struct spisock_sim_radio *radio = gpiochip_get_data(gc);
	unsigned int virq;

	if (!spisock_sim_line_has_irq(offset))
		return -ENXIO;
	virq = irq_create_mapping(radio->domain, offset);
	return virq ? virq : -ENXIO;
}

static void spisock_sim_irq_mask(struct irq_data *d)
{
	struct spisock_sim_radio *radio = irq_data_get_irq_chip_data(d);

	raw_spin_lock(&radio->line_lock);
	radio->lines[irqd_to_hwirq(d)].irq_masked = true;
	raw_spin_unlock(&radio->line_lock);
}

/*
 * Unmasking delivers what arrived while masked (a latched edge, or a level
 * still active), as a real controller does; not from here, because the
 * irq descriptor's lock is held.
 */
static void spisock_sim_irq_unmask(struct irq_data *d)
{
	struct spisock_sim_radio *radio = irq_data_get_irq_chip_data(d);
	unsigned int line = irqd_to_hwirq(d);
	bool due;

	raw_spin_lock(&radio->line_lock);
	radio->lines[line].irq_masked = false;
	due = spisock_sim_irq_due(radio, line);
	raw_spin_unlock(&radio->line_lock);
	if (due)
		irq_work_queue(&radio->irq_work);
}

static int spisock_sim_irq_set_type(struct irq_data *d, unsigned int type)
{
	struct spisock_sim_radio *radio = irq_data_get_irq_chip_data(d);
	unsigned int line = irqd_to_hwirq(d);

	type &= IRQ_TYPE_SENSE_MASK;
	if (type == IRQ_TYPE_NONE)
		return -EINVAL;
	raw_spin_lock(&radio->line_lock);
	radio->lines[line].irq_type = type;
	radio->lines[line].irq_latched = false;
	raw_spin_unlock(&radio->line_lock);
	if (type & IRQ_TYPE_LEVEL_MASK)
		irq_set_handler_locked(d, handle_level_irq);
	else
		irq_set_handler_locked(d, handle_simple_irq);
	return 0;
}

/* Mark the line as used for an interrupt (and pin the module). */
static int spisock_sim_irq_reqres(struct irq_data *d)
{
	struct spisock_sim_radio *radio = irq_data_get_irq_chip_data(d);

	return gpiochip_reqres_irq(&radio->gc, irqd_to_hwirq(d));
}

static void spisock_sim_irq_relres(struct irq_data *d)
{
	struct spisock_sim_radio *radio = irq_data_get_irq_chip_data(d);

	gpiochip_relres_irq(&radio->gc, irqd_to_hwirq(d));
}

static const struct irq_chip spisock_sim_irq_chip = {
	.name = "spisock-sim",
	.irq_mask = spisock_sim_irq_mask,
	.irq_unmask = spisock_sim_irq_unmask,
	.irq_set_type = spisock_sim_irq_set_type,
	.irq_request_resources = spisock_sim_irq_reqres,
	.irq_release_resources = spisock_sim_irq_relres,
	.flags = IRQCHIP_IMMUTABLE | IRQCHIP_SKIP_SET_WAKE,
};

static int spisock_sim_irq_map(struct irq_domain *domain, unsigned int virq,
			       irq_hw_number_t hwirq)
{
	if (!spisock_sim_line_has_irq(hwirq))
		return -ENXIO;
	irq_set_chip_data(virq, domain->host_data);
	irq_set_chip_and_handler(virq, &spisock_sim_irq_chip, handle_simple_irq);
	irq_set_noprobe(virq);
	return 0;
}

static const struct irq_domain_ops spisock_sim_irq_domain_ops = {
	.map = spisock_sim_irq_map,
	.xlate = irq_domain_xlate_twocell,
};

static int spisock_sim_irq_init(struct spisock_sim_radio *radio)
{
	unsigned int line;

	init_irq_work(&radio->irq_work, spisock_sim_irq_work);
	for (line = 0; line < SPISOCK_SIM_NR_LINES; line++)
		radio->lines[line].irq_masked = true;
	radio->domain_fwnode = irq_domain_alloc_named_fwnode(radio->name);
	if (!radio->domain_fwnode)
		return -ENOMEM;
	radio->domain = irq_domain_create_linear(radio->domain_fwnode,
						 SPISOCK_SIM_NR_LINES,
						 &spisock_sim_irq_domain_ops, radio);
	if (!radio->domain) {
		irq_domain_free_fwnode(radio->domain_fwnode);
		radio->domain_fwnode = NULL;
		return -ENOMEM;
	}
	return 0;
}

static void spisock_sim_irq_exit(struct spisock_sim_radio *radio)
{
	unsigned int line, virq;

	if (!radio->domain)
		return;
	irq_work_sync(&radio->irq_work);
	for (line = 0; line < SPISOCK_SIM_NR_LINES; line++) {
		virq = irq_find_mapping(radio->domain, line);
		if (virq)
			irq_dispose_mapping(virq);
	}
	irq_domain_remove(radio->domain);
	irq_domain_free_fwnode(radio->domain_fwnode);
	radio->domain = NULL;
}

/**
 * spisock_sim_gpio_init() - register the radio's GPIO chip and irq domain
 * @radio: the radio, with @name and @pdev set
 *
 * Initial levels: READY high (busy: a chip that has not armed a
 * transaction), GPIO0 high (its pull-up), IRQN high (no interrupt), RESET
 * and CHIP_EN high (running: the chip models power up enabled) and WAKE low.
 *
 * Return: 0 or a negative errno.
 */
int spisock_sim_gpio_init(struct spisock_sim_radio *radio)
{
	struct gpio_chip *gc = &radio->gc;
	int ret;

	raw_spin_lock_init(&radio->line_lock);
	radio->lines[SPISOCK_SIM_LINE_READY].chip_level = 1;
	radio->lines[SPISOCK_SIM_LINE_GPIO0].chip_level = 1;
	radio->lines[SPISOCK_SIM_LINE_GPIO0].host_level = 1;
	radio->lines[SPISOCK_SIM_LINE_RESET].host_level = 1;
	radio->lines[SPISOCK_SIM_LINE_IRQN].chip_level = 1;
	radio->lines[SPISOCK_SIM_LINE_CHIP_EN].host_level = 1;

	ret = spisock_sim_irq_init(radio);
	if (ret)
		return ret;

	/* gpiolib finds a software node's chip by label (6.2+). */
	gc->label = radio->name;
	gc->parent = &radio->pdev->dev;
	/*
	 * No owner: the lines' only consumers are devices on this radio's own
	 * SPI bus, which teardown removes before the chip. So rmmod may take
	 * the simulator away under a bound driver, as a real radio can vanish.
	 */
	gc->base = -1;
	gc->ngpio = SPISOCK_SIM_NR_LINES;
	gc->can_sleep = false;
	gc->get_direction = spisock_sim_get_direction;
	gc->direction_input = spisock_sim_direction_input;
	gc->direction_output = spisock_sim_direction_output;
	gc->get = spisock_sim_get;
	gc->set = spisock_sim_set;
	gc->to_irq = spisock_sim_to_irq;

	ret = gpiochip_add_data(gc, radio);
	if (ret) {
		spisock_sim_irq_exit(radio);
		return ret;
	}
	radio->gpio_registered = true;
	return 0;
}

/**
 * spisock_sim_gpio_irq() - the interrupt of a chip line, with its trigger set
 * @radio: the radio, with its GPIO chip registered
 * @line: SPISOCK_SIM_LINE_IRQN (or another interrupt-capable line)
 * @type: IRQ_TYPE_*, as a device tree's interrupts property would give it
 *
 * What a board description's "interrupts" resolves to: a driver requests
 * the number as it is (spi->irq), without trigger flags of its own.
 *
 * Return: the Linux irq number or a negative errno.
 */
int spisock_sim_gpio_irq(struct spisock_sim_radio *radio, unsigned int line,
			 unsigned int type)
{
	int virq, ret;

	virq = spisock_sim_to_irq(&radio->gc, line);
	if (virq < 0)
		return virq;
	ret = irq_set_irq_type(virq, type);
	return ret ? ret : virq;
}

/**
 * spisock_sim_gpio_exit() - remove the GPIO chip and its irq domain
 * @radio: the radio; safe if spisock_sim_gpio_init() failed or never ran
 *
 * Requested lines and irqs pin the module, so none is left by now.
 */
void spisock_sim_gpio_exit(struct spisock_sim_radio *radio)
{
	if (radio->gpio_registered)
		gpiochip_remove(&radio->gc);
	radio->gpio_registered = false;
	spisock_sim_irq_exit(radio);
}
