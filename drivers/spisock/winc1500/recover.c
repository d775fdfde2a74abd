// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_winc1500: the status tick, the watchdog and chip recovery, with
 * the NINA driver's policy and events (Documentation/networking/spisock.rst,
 * "Link loss and chip reset"). Every HIF request and event read feeds the
 * watchdog: a bus failure counts one, a good exchange clears the count;
 * wd_fails failures in a row reset the chip. The tick asks a linked radio
 * for its RSSI every status_interval_ms, so a chip that reset itself or
 * stopped answering is found even when idle.
 */

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/spi/spi.h>

#include "winc1500.h"

#include <trace/events/spisock.h>

static unsigned int status_interval_ms = 2000;
module_param(status_interval_ms, uint, 0644);
MODULE_PARM_DESC(status_interval_ms,
		 "link monitoring: one RSSI request per interval while linked (default 2000, 0: off)");

static unsigned int wd_fails = 3;
module_param(wd_fails, uint, 0644);
MODULE_PARM_DESC(wd_fails,
		 "bus failures in a row that make the driver reset the chip (default 3, 0: never)");

/**
 * winc_wd_feed() - a bus exchange's outcome, for the watchdog
 * @r: the radio
 * @err: 0, or the exchange's error (-ENOBUFS, the chip busy, is not one)
 */
void winc_wd_feed(struct winc_radio *r, int err)
{
	unsigned int n = READ_ONCE(wd_fails);

	if (!err || err == -ENOBUFS) {
		atomic_set(&r->wd_count, 0);
		return;
	}
	if (!r->sdev || READ_ONCE(r->resetting) || READ_ONCE(r->stopping))
		return;
	if (n && atomic_inc_return(&r->wd_count) == n) {
		trace_spisock_radio_event(r->name, "watchdog", n);
		queue_work(r->wq, &r->reset_work);
	}
}

/**
 * winc_reset_request() - reset the chip now, whatever the watchdog's count
 * @r: the radio
 *
 * For a state only a reset recovers (an event lost after its claim). Not
 * before the radio is registered, nor while it resets or stops.
 */
void winc_reset_request(struct winc_radio *r)
{
	if (!r->sdev || READ_ONCE(r->resetting) || READ_ONCE(r->stopping))
		return;
	queue_work(r->wq, &r->reset_work);
}

/**
 * winc_check_alive() - reset the chip now if it reset itself
 * @r: the radio
 *
 * A chip that reset itself (a brown-out, its own watchdog) runs its boot
 * ROM and has lost what the boot configured, such as the IRQ routing bit
 * of NMI_PIN_MUX_0 (winc1500.md §3.2 step 8), and expects CRC7 again,
 * which the host turned off (§2): the read fails. It answers no request,
 * and the watchdog would need three request timeouts (15 s) to see it:
 * a cleared bit resets the chip at once, a failed read counts for the
 * watchdog as any failed transfer does.
 *
 * Context: process; takes @bus_lock.
 */
void winc_check_alive(struct winc_radio *r)
{
	u32 v;
	int ret;

	if (!r->sdev || READ_ONCE(r->resetting) || READ_ONCE(r->stopping))
		return;
	mutex_lock(&r->bus_lock);
	ret = winc_reg_read(r, WINC_REG_PIN_MUX, &v);
	mutex_unlock(&r->bus_lock);
	if (ret) {
		winc_wd_feed(r, ret);
		return;
	}
	if (v & BIT(8))
		return;
	dev_warn_ratelimited(&r->spi->dev, "%s: the chip reset itself\n",
			     r->name);
	winc_reset_request(r);
}

/* Answer every waiter with nothing: the chip that would reply is gone. */
static void winc_waiters_fail(struct winc_radio *r)
{
	struct winc_waiter *w, *tmp;

	spin_lock(&r->lock);
	list_for_each_entry_safe(w, tmp, &r->waiters, node) {
		w->len = 0;
		w->failed = true;
		list_del_init(&w->node);
		complete(&w->done);
	}
	spin_unlock(&r->lock);
}

/**
 * winc_reset_work() - reset a wedged chip and fail the radio's sockets
 * @work: &winc_radio.reset_work
 *
 * The IRQ is held off while the chip boots again; then, if the radio was
 * linked, the link-down event that starts the core's auto-relink; every
 * socket fails as on a link loss (the chip forgot them); then the
 * dev-reset event. A boot that fails leaves the count at zero: wd_fails more
 * failures reset the chip again.
 */
void winc_reset_work(struct work_struct *work)
{
	struct winc_radio *r = container_of(work, struct winc_radio,
					    reset_work);
	struct spisock_link_cause cause = {
		.reason = SPISOCK_LINK_REASON_UNSPECIFIED,
	};
	bool was_linked;
	int ret;

	if (READ_ONCE(r->stopping))
		return;
	WRITE_ONCE(r->resetting, true);
	atomic64_inc(&r->stats.resets);
	atomic64_inc(&r->stats.wd_resets);
	disable_irq(r->irq);
	spin_lock(&r->lock);
	r->link_state = -255;	/* a join waiting now has failed */
	spin_unlock(&r->lock);
	wake_up(&r->link_wait);
	winc_waiters_fail(r);
	ret = winc_boot(r);
	trace_spisock_radio_event(r->name, "reset", ret);
	atomic_set(&r->wd_count, 0);
	WRITE_ONCE(r->resetting, false);
	enable_irq(r->irq);
	if (ret)
		dev_warn(&r->spi->dev, "%s: no firmware after the reset (%d)\n",
			 r->name, ret);
	else
		dev_info(&r->spi->dev, "%s: chip reset, firmware %u.%u.%u\n",
			 r->name, r->fw[0], r->fw[1], r->fw[2]);
	/*
	 * The core hears of the link's loss before the sockets fail: who
	 * sees a socket fail sees the radio unlinked, and a LINK then joins.
	 */
	spin_lock(&r->lock);
	was_linked = r->linked;
	r->linked = false;
	spin_unlock(&r->lock);
	WRITE_ONCE(r->sdev->addr, 0);
	if (was_linked)
		spisock_link_event(r->sdev, &cause);
	atomic64_inc(&r->stats.link_drops);
	winc_socks_lost(r);
	spisock_dev_reset_event(r->sdev);
}

/**
 * winc_tick_work() - the status tick: RSSI of a linked radio
 * @work: &winc_radio.tick.work
 */
void winc_tick_work(struct work_struct *work)
{
	struct winc_radio *r = container_of(to_delayed_work(work),
					    struct winc_radio, tick);
	unsigned int ms = READ_ONCE(status_interval_ms);
	s32 rssi;

	if (READ_ONCE(r->linked) && ms && !READ_ONCE(r->resetting))
		winc_rssi(r, &rssi);	/* its failure feeds the watchdog */
	/* not on @wq: a reply waited for would hold the socket work back */
	queue_delayed_work(system_wq, &r->tick,
			   msecs_to_jiffies(ms ? ms : 1000));
}
