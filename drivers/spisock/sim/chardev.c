// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_sim: /dev/spisock-simN, the bridge to the userspace chip model.
 *
 * The ABI is include/uapi/linux/spisock_sim.h. The bus and the host's line
 * changes produce events into a per-radio queue that the model read()s; the
 * model write()s replies: MISO for the one transfer in flight, and levels of
 * the chip's lines. Only one model may hold the node open; with none, events
 * are not produced at all (the bus is empty).
 *
 * The queue is bounded. A transfer is always the last event until answered,
 * and chip-select edges wait for room (they come from the SPI message pump,
 * which may sleep), so only the host's line changes, which may come from
 * atomic context, are dropped when a model stops reading.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/spi/spi.h>
#include <linux/uaccess.h>

#include "sim.h"

/**
 * struct spisock_sim_event_node - a queued event
 * @list: in the radio's @events
 * @ev: the event as read() returns it
 * @payload: SPISOCK_SIM_EV_XFER: the MOSI bytes (@ev.len of them)
 */
struct spisock_sim_event_node {
	struct list_head list;
	struct spisock_sim_event ev;
	u8 payload[];
};

static size_t spisock_sim_payload_len(const struct spisock_sim_event *ev)
{
	return ev->type == SPISOCK_SIM_EV_XFER ? ev->len : 0;
}

static struct spisock_sim_event_node *
spisock_sim_node_alloc(u16 type, u16 line, u32 value, size_t len, gfp_t gfp)
{
	struct spisock_sim_event_node *n;

	n = kvmalloc(struct_size(n, payload, len), gfp);
	if (!n)
		return NULL;
	memset(&n->ev, 0, sizeof(n->ev));
	n->ev.type = type;
	n->ev.line = line;
	n->ev.value = value;
	return n;
}

/*
 * Queue @n if a model is attached and, unless @force, there is room. Called
 * with @ev_lock held. Returns -ENODEV (no model) or -ENOSPC (full).
 */
static int spisock_sim_enqueue(struct spisock_sim_radio *radio,
			       struct spisock_sim_event_node *n, bool force)
{
	if (!radio->attached)
		return -ENODEV;
	if (!force && radio->nr_events >= SPISOCK_SIM_MAX_EVENTS)
		return -ENOSPC;
	n->ev.seq = radio->seq++;
	n->ev.time_ns = ktime_get_ns();
	list_add_tail(&n->list, &radio->events);
	radio->nr_events++;
	return 0;
}

/**
 * spisock_sim_post_event() - queue an event without a payload for the model
 * @radio: the radio
 * @type: enum spisock_sim_event_type
 * @line: enum spisock_sim_line, for SPISOCK_SIM_EV_LINE
 * @value: the event's @value
 * @gfp: allocation flags (GFP_ATOMIC from atomic context)
 *
 * Never waits: when the queue is full the event is dropped and counted.
 *
 * Return: 0, -ENODEV with no model attached, -ENOSPC or -ENOMEM (dropped).
 */
int spisock_sim_post_event(struct spisock_sim_radio *radio, u16 type, u16 line,
			   u32 value, gfp_t gfp)
{
	struct spisock_sim_event_node *n;
	unsigned long flags;
	int ret;

	if (!READ_ONCE(radio->attached))
		return -ENODEV;
	n = spisock_sim_node_alloc(type, line, value, 0, gfp);
	if (!n)
		return -ENOMEM;
	spin_lock_irqsave(&radio->ev_lock, flags);
	ret = spisock_sim_enqueue(radio, n, false);
	if (ret == -ENOSPC)
		radio->dropped++;
	spin_unlock_irqrestore(&radio->ev_lock, flags);
	if (ret) {
		kvfree(n);
		if (ret == -ENOSPC)
			pr_warn_ratelimited("%s: model not reading, event dropped\n",
					    radio->name);
		return ret;
	}
	wake_up_interruptible(&radio->readq);
	return 0;
}

/**
 * spisock_sim_post_cs() - tell the model about a chip-select edge
 * @radio: the radio
 * @asserted: CS went low (selected), or high
 *
 * Process context (the SPI core's set_cs): waits for room in the queue, as
 * a bus whose slave is slow stalls the host.
 *
 * Return: 0, -ENODEV with no model attached, or -ENOMEM.
 */
int spisock_sim_post_cs(struct spisock_sim_radio *radio, bool asserted)
{
	struct spisock_sim_event_node *n;
	int ret;

	if (!READ_ONCE(radio->attached))
		return -ENODEV;
	n = spisock_sim_node_alloc(SPISOCK_SIM_EV_CS, 0, asserted, 0, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	for (;;) {
		spin_lock_irq(&radio->ev_lock);
		ret = spisock_sim_enqueue(radio, n, false);
		spin_unlock_irq(&radio->ev_lock);
		if (ret != -ENOSPC)
			break;
		wait_event_idle(radio->roomq,
				READ_ONCE(radio->nr_events) < SPISOCK_SIM_MAX_EVENTS ||
				!READ_ONCE(radio->attached));
	}
	if (ret) {
		kvfree(n);
		return ret;
	}
	wake_up_interruptible(&radio->readq);
	return 0;
}

/**
 * spisock_sim_post_xfer() - hand a transfer to the model
 * @radio: the radio
 * @x: the transfer; becomes the radio's pending transfer
 * @mosi: the bytes the host sends, or NULL (zeros)
 * @speed_hz: its clock
 * @delay_ns: the delay the host asked for after it
 *
 * On success the caller waits for @x->done: write() sets it with the
 * model's MISO, release() with 0xFF.
 *
 * Return: 0, -ENODEV with no model attached, or -ENOMEM.
 */
int spisock_sim_post_xfer(struct spisock_sim_radio *radio,
			  struct spisock_sim_xfer *x, const void *mosi,
			  u32 speed_hz, u32 delay_ns)
{
	struct spisock_sim_event_node *n;
	u32 flags = 0;
	int ret;

	if (!READ_ONCE(radio->attached))
		return -ENODEV;
	if (mosi)
		flags |= SPISOCK_SIM_XFER_TX;
	if (x->rx)
		flags |= SPISOCK_SIM_XFER_RX;
	n = spisock_sim_node_alloc(SPISOCK_SIM_EV_XFER, 0, flags, x->len, GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->ev.len = x->len;
	n->ev.speed_hz = speed_hz;
	n->ev.delay_ns = delay_ns;
	if (mosi)
		memcpy(n->payload, mosi, x->len);
	else
		memset(n->payload, 0, x->len);

	mutex_lock(&radio->xfer_lock);
	spin_lock_irq(&radio->ev_lock);
	/* Forced: the SPI core has one transfer in flight per controller. */
	ret = spisock_sim_enqueue(radio, n, true);
	if (!ret)
		x->seq = n->ev.seq;
	spin_unlock_irq(&radio->ev_lock);
	if (!ret)
		radio->pending = x;
	mutex_unlock(&radio->xfer_lock);
	if (ret) {
		kvfree(n);
		return ret;
	}
	wake_up_interruptible(&radio->readq);
	return 0;
}

/* Complete the pending transfer. Called with @xfer_lock held. */
static void spisock_sim_complete(struct spisock_sim_radio *radio, int status)
{
	struct spisock_sim_xfer *x = radio->pending;

	radio->pending = NULL;
	x->status = status;
	/* Pairs with .transfer_one's acquire; @x is gone after this. */
	smp_store_release(&x->done, true);
	wake_up(&radio->xferq);
}

static int spisock_sim_open(struct inode *inode, struct file *file)
{
	struct spisock_sim_radio *radio =
		container_of(file->private_data, struct spisock_sim_radio, misc);
	int ret;

	ret = stream_open(inode, file);
	if (ret)
		return ret;
	spin_lock_irq(&radio->ev_lock);
	if (radio->attached)
		ret = -EBUSY;
	radio->attached = true;
	spin_unlock_irq(&radio->ev_lock);
	if (ret)
		return ret;
	file->private_data = radio;
	return 0;
}

/*
 * The model is gone: the bus is empty from now on. Only our own short locks
 * are taken here, never anything the SPI message pump holds, and a transfer
 * waiting for this model completes with 0xFF.
 */
static int spisock_sim_release(struct inode *inode, struct file *file)
{
	struct spisock_sim_radio *radio = file->private_data;
	struct spisock_sim_event_node *n, *tmp;
	LIST_HEAD(stale);

	mutex_lock(&radio->xfer_lock);
	spin_lock_irq(&radio->ev_lock);
	radio->attached = false;
	list_splice_init(&radio->events, &stale);
	radio->nr_events = 0;
	spin_unlock_irq(&radio->ev_lock);
	if (radio->pending) {
		if (radio->pending->rx)
			memset(radio->pending->rx, 0xff, radio->pending->len);
		spisock_sim_complete(radio, 0);
	}
	mutex_unlock(&radio->xfer_lock);
	wake_up(&radio->roomq);
	spisock_sim_reset_seen(radio, true);

	list_for_each_entry_safe(n, tmp, &stale, list)
		kvfree(n);
	return 0;
}

static bool spisock_sim_have_events(struct spisock_sim_radio *radio)
{
	return READ_ONCE(radio->nr_events) != 0;
}

/*
 * Wait for the oldest event. Only readers remove events and they are
 * serialised by @read_lock (release() cannot run during a read), so the
 * event stays valid after @ev_lock is dropped.
 */
static struct spisock_sim_event_node *
spisock_sim_first_event(struct spisock_sim_radio *radio, bool nonblock)
{
	struct spisock_sim_event_node *n;
	int ret;

	for (;;) {
		spin_lock_irq(&radio->ev_lock);
		n = list_first_entry_or_null(&radio->events,
					     struct spisock_sim_event_node, list);
		spin_unlock_irq(&radio->ev_lock);
		if (n)
			return n;
		if (nonblock)
			return ERR_PTR(-EAGAIN);
		ret = wait_event_interruptible(radio->readq,
					       spisock_sim_have_events(radio));
		if (ret)
			return ERR_PTR(ret);
	}
}

static ssize_t spisock_sim_read(struct file *file, char __user *buf,
				size_t count, loff_t *ppos)
{
	struct spisock_sim_radio *radio = file->private_data;
	struct spisock_sim_event_node *n;
	size_t plen;
	ssize_t ret;

	if (mutex_lock_interruptible(&radio->read_lock))
		return -ERESTARTSYS;
	n = spisock_sim_first_event(radio, file->f_flags & O_NONBLOCK);
	if (IS_ERR(n)) {
		ret = PTR_ERR(n);
		goto out;
	}
	plen = spisock_sim_payload_len(&n->ev);
	ret = -EMSGSIZE;
	if (count < sizeof(n->ev) + plen)
		goto out;
	/* On a fault the event stays queued. */
	ret = -EFAULT;
	if (copy_to_user(buf, &n->ev, sizeof(n->ev)) ||
	    copy_to_user(buf + sizeof(n->ev), n->payload, plen))
		goto out;

	spin_lock_irq(&radio->ev_lock);
	list_del(&n->list);
	radio->nr_events--;
	spin_unlock_irq(&radio->ev_lock);
	wake_up(&radio->roomq);
	if (n->ev.type == SPISOCK_SIM_EV_LINE && n->ev.line == SPISOCK_SIM_LINE_RESET)
		spisock_sim_reset_seen(radio, false);
	kvfree(n);
	ret = sizeof(struct spisock_sim_event) + plen;
out:
	mutex_unlock(&radio->read_lock);
	return ret;
}

static int spisock_sim_reply_line(struct spisock_sim_radio *radio,
				  const struct spisock_sim_reply *re)
{
	if (re->seq || re->len || re->status || re->value > 1)
		return -EINVAL;
	if (re->line != SPISOCK_SIM_LINE_READY && re->line != SPISOCK_SIM_LINE_GPIO0 &&
	    re->line != SPISOCK_SIM_LINE_IRQN)
		return -EINVAL;
	spisock_sim_set_chip_line(radio, re->line, re->value);
	return 0;
}

/*
 * Answer the pending transfer with @re and the @avail bytes after it.
 * Returns the payload bytes used or a negative errno.
 */
static ssize_t spisock_sim_reply_xfer(struct spisock_sim_radio *radio,
				      const struct spisock_sim_reply *re,
				      const char __user *payload, size_t avail)
{
	struct spisock_sim_xfer *x;
	ssize_t ret = -EINVAL;

	if (re->line || re->value)
		return -EINVAL;
	if (re->status && (re->status != -EIO || re->len))
		return -EINVAL;
	if (re->len > avail)
		return -EINVAL;

	mutex_lock(&radio->xfer_lock);
	x = radio->pending;
	if (!x || x->seq != re->seq || (!re->status && re->len != x->len))
		goto out;
	if (!re->status && x->rx && copy_from_user(x->rx, payload, re->len)) {
		ret = -EFAULT;
		goto out;
	}
	spisock_sim_complete(radio, re->status);
	ret = re->len;
out:
	mutex_unlock(&radio->xfer_lock);
	return ret;
}

/* One reply at @buf; returns the bytes it takes or a negative errno. */
static ssize_t spisock_sim_reply(struct spisock_sim_radio *radio,
				 const char __user *buf, size_t avail)
{
	struct spisock_sim_reply re;
	ssize_t ret;

	if (avail < sizeof(re))
		return -EINVAL;
	if (copy_from_user(&re, buf, sizeof(re)))
		return -EFAULT;
	if (re.reserved)
		return -EINVAL;
	switch (re.type) {
	case SPISOCK_SIM_RE_XFER:
		ret = spisock_sim_reply_xfer(radio, &re, buf + sizeof(re),
					     avail - sizeof(re));
		break;
	case SPISOCK_SIM_RE_LINE:
		ret = spisock_sim_reply_line(radio, &re);
		break;
	case SPISOCK_SIM_RE_ACK:
		ret = -EINVAL;
		if (re.line || re.seq || re.len || re.status || re.value)
			break;
		spisock_sim_ack_arm(radio);
		ret = 0;
		break;
	default:
		ret = -EINVAL;
	}
	return ret < 0 ? ret : sizeof(re) + ret;
}

/* Replies are applied in order; a bad one ends the write (short count). */
static ssize_t spisock_sim_write(struct file *file, const char __user *buf,
				 size_t count, loff_t *ppos)
{
	struct spisock_sim_radio *radio = file->private_data;
	size_t done = 0;
	ssize_t ret = -EINVAL;

	while (done < count) {
		ret = spisock_sim_reply(radio, buf + done, count - done);
		if (ret < 0)
			break;
		done += ret;
		cond_resched();
	}
	return done ? done : ret;
}

static __poll_t spisock_sim_poll(struct file *file, poll_table *wait)
{
	struct spisock_sim_radio *radio = file->private_data;
	__poll_t mask = EPOLLOUT | EPOLLWRNORM;

	poll_wait(file, &radio->readq, wait);
	if (spisock_sim_have_events(radio))
		mask |= EPOLLIN | EPOLLRDNORM;
	return mask;
}

static long spisock_sim_ioctl(struct file *file, unsigned int cmd,
			      unsigned long arg)
{
	struct spisock_sim_radio *radio = file->private_data;
	struct spisock_sim_info info = {
		.index = radio->index,
		.bus_num = radio->bus_num,
		.chip_select = 0,
		.max_speed_hz = radio->desc->speed_hz,
		.mode = SPI_MODE_0,
		.max_xfer = SPISOCK_SIM_MAX_XFER,
	};

	switch (cmd) {
	case SPISOCK_SIM_IOC_INFO:
		if (copy_to_user((void __user *)arg, &info, sizeof(info)))
			return -EFAULT;
		return 0;
	case SPISOCK_SIM_IOC_CHIP:
		return put_user(radio->chip, (u32 __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations spisock_sim_fops = {
	.owner = THIS_MODULE,
	.open = spisock_sim_open,
	.release = spisock_sim_release,
	.read = spisock_sim_read,
	.write = spisock_sim_write,
	.poll = spisock_sim_poll,
	.unlocked_ioctl = spisock_sim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
};

/**
 * spisock_sim_cdev_init() - set up the radio's queues and /dev/spisock-simN
 * @radio: the radio, with @index and @name set
 *
 * Runs before the GPIO chip and the SPI controller exist, which post events.
 *
 * Return: 0 or a negative errno.
 */
int spisock_sim_cdev_init(struct spisock_sim_radio *radio)
{
	int ret;

	spin_lock_init(&radio->ev_lock);
	INIT_LIST_HEAD(&radio->events);
	init_waitqueue_head(&radio->readq);
	init_waitqueue_head(&radio->roomq);
	init_waitqueue_head(&radio->xferq);
	mutex_init(&radio->read_lock);
	mutex_init(&radio->xfer_lock);

	radio->misc.minor = MISC_DYNAMIC_MINOR;
	radio->misc.name = radio->name;
	radio->misc.fops = &spisock_sim_fops;
	radio->misc.mode = 0600;
	ret = misc_register(&radio->misc);
	if (ret)
		return ret;
	radio->misc_registered = true;
	return 0;
}

/**
 * spisock_sim_cdev_exit() - remove /dev/spisock-simN
 * @radio: the radio; safe if spisock_sim_cdev_init() failed
 *
 * No model holds the node (that pins the module), so the queue is empty.
 */
void spisock_sim_cdev_exit(struct spisock_sim_radio *radio)
{
	if (!radio->misc_registered)
		return;
	misc_deregister(&radio->misc);
	radio->misc_registered = false;
}
