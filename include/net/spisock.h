/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock: interface of the family core (spisock.ko) to chip drivers.
 *
 * A chip driver allocates a struct spisock_dev, fills in its ops and limits,
 * and registers it. The core owns sockets, host-side buffers, waiting,
 * timeouts and poll; it calls the driver through the ops table and the driver
 * reports back through the delivery helpers below. Drivers never touch
 * struct sock themselves: for them a struct sock * is an opaque handle.
 *
 * Lock order: lock_sock -> per-socket spinlock -> radio request spinlock
 * (the driver's). The core's per-radio socket list lock is a leaf.
 *
 * References: every socket attached to a radio holds a reference on its
 * struct spisock_dev, never a reference on the driver's module. Every ops
 * call runs inside the device's SRCU read section; after
 * spisock_unregister_device() returns no ops call is running or will start.
 * See Documentation/networking/spisock.rst, "Chip-driver interface".
 */
#ifndef _NET_SPISOCK_H
#define _NET_SPISOCK_H

#include <linux/in.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>

struct net;
struct sock;
struct spisock_dev;

/**
 * spisock_family() - the address family number spisock.ko registered
 *
 * The number is chosen at module load (module parameter "family", or the
 * first free of the preference list) and is also published read-only in
 * /sys/module/spisock/parameters/family.
 *
 * Return: the registered family number, valid while spisock.ko is loaded.
 */
int spisock_family(void);

/* Interest bits for &spisock_dev_ops.want. */
#define SPISOCK_WANT_IN		BIT(0)	/* data, EOF or error to read */
#define SPISOCK_WANT_OUT	BIT(1)	/* room to send, connect completion */
#define SPISOCK_WANT_ACCEPT	BIT(2)	/* a connection to accept */

/**
 * struct spisock_link_params - what &spisock_dev_ops.link joins
 * @ssid: network name, NUL-terminated
 * @ssid_len: its length, 1..32
 * @passphrase: WPA passphrase, NUL-terminated, or empty for an open network;
 *	owned by the caller, which wipes it after the call
 */
struct spisock_link_params {
	u8 ssid[33];
	u8 ssid_len;
	char passphrase[65];
};

/**
 * struct spisock_status - the radio's state, for &spisock_dev_ops.status
 * @linked: joined to an access point
 * @addr: the radio's IPv4 address (0 when not linked)
 * @rssi: signal strength in dBm
 */
struct spisock_status {
	bool linked;
	__be32 addr;
	s8 rssi;
};

/**
 * struct spisock_scan_result - one network found by &spisock_dev_ops.scan
 * @ssid: network name, NUL-terminated
 * @rssi: signal strength in dBm
 * @channel: channel number
 * @encrypted: whether the network needs a passphrase
 */
struct spisock_scan_result {
	u8 ssid[33];
	s8 rssi;
	u8 channel;
	bool encrypted;
};

/**
 * struct spisock_dev_ops - what the core asks of a chip driver
 *
 * Socket ops get the socket as an opaque handle; the driver keeps its own
 * per-socket state behind spisock_sock_priv(). Unless noted, ops run in
 * process context under lock_sock() and may sleep; they return 0, a negative
 * errno, or -EINPROGRESS when the result comes later through the delivery
 * helpers (spisock_set_state(), spisock_set_error()). A driver with a worker
 * thread (nina-fw) queues a request and waits for it or returns
 * -EINPROGRESS; an asynchronous driver (WINC1500) sends its request and
 * reports the reply from its IRQ thread. Ops marked "atomic" must neither
 * sleep nor take a mutex: they are called from .poll and with spinlocks
 * held, and only record work for the driver's own context.
 *
 * @open: a socket of @type (SOCK_STREAM or SOCK_DGRAM) was attached to the
 *	radio; set up per-socket state (no chip command needs to be issued yet).
 * @bind: bind to @addr (INADDR_ANY or the radio's address, host byte order
 *	port already chosen by the core).
 * @listen: start listening; @backlog is the caller's, unclamped.
 * @accept: atomic. A listener's host accept queue has room: produce the next
 *	connection (nina-fw: SOCKET_ACCEPT; WINC1500: accepts are unsolicited,
 *	nothing to do). The driver hands each connection over with
 *	spisock_child_alloc() and spisock_child_queue().
 * @connect: connect to @addr; usually returns -EINPROGRESS and reports the
 *	outcome with spisock_set_state(TCP_ESTABLISHED) or spisock_set_error().
 * @send: atomic. Data was queued on the transmit queue; take it with
 *	spisock_tx_peek()/spisock_tx_consume().
 * @recv: atomic. A reader waits for up to @len bytes (a hint; WINC1500 posts
 *	a RECV of that size, nina-fw records read interest).
 * @close: the socket is being released: flush (within SO_LINGER, if the
 *	driver chooses), close the chip socket, free per-socket state. May
 *	complete after returning; the driver then holds a sock_hold() until
 *	done. Called at most once, and not at all after unregister.
 * @setsockopt: set a chip-level option (@level, @optname, value in @val).
 * @getsockopt: read a chip-level option into @val.
 * @want: atomic. Record interest in the SPISOCK_WANT_* bits of @mask.
 * @rx_room: atomic. The reader freed room in a receive queue that was full.
 * @options: atomic. A SOL_SOCKET option the chip has too (SO_REUSEADDR,
 *	SO_KEEPALIVE, SO_BROADCAST) may have changed: push the values @sk
 *	holds to the chip socket. Drivers also push them when they create the
 *	chip socket and before every datagram they send.
 * @link: join the network described by @p (may block up to the driver's
 *	link bound).
 * @unlink: leave the network.
 * @scan: fill up to @max entries of @res; return how many, or an errno.
 * @status: fill @st.
 * @resolve: resolve @name (NUL-terminated) to an IPv4 address in @addr.
 * @ping: ping @addr with @ttl; the round trip time in ms goes to @rtt_ms.
 * @power_save: set the chip's power-save mode (0 off, driver-defined above).
 *
 * Every op is optional; a missing one gives -EOPNOTSUPP (atomic ones are
 * skipped).
 */
struct spisock_dev_ops {
	int (*open)(struct spisock_dev *dev, struct sock *sk, int type);
	int (*bind)(struct spisock_dev *dev, struct sock *sk,
		    const struct sockaddr_in *addr);
	int (*listen)(struct spisock_dev *dev, struct sock *sk, int backlog);
	void (*accept)(struct spisock_dev *dev, struct sock *sk);
	int (*connect)(struct spisock_dev *dev, struct sock *sk,
		       const struct sockaddr_in *addr);
	void (*send)(struct spisock_dev *dev, struct sock *sk);
	void (*recv)(struct spisock_dev *dev, struct sock *sk, size_t len);
	void (*close)(struct spisock_dev *dev, struct sock *sk);
	int (*setsockopt)(struct spisock_dev *dev, struct sock *sk, int level,
			  int optname, u32 val);
	int (*getsockopt)(struct spisock_dev *dev, struct sock *sk, int level,
			  int optname, u32 *val);
	void (*want)(struct spisock_dev *dev, struct sock *sk, unsigned int mask);
	void (*rx_room)(struct spisock_dev *dev, struct sock *sk);
	void (*options)(struct spisock_dev *dev, struct sock *sk);

	int (*link)(struct spisock_dev *dev,
		    const struct spisock_link_params *p);
	int (*unlink)(struct spisock_dev *dev);
	int (*scan)(struct spisock_dev *dev, struct spisock_scan_result *res,
		    unsigned int max);
	int (*status)(struct spisock_dev *dev, struct spisock_status *st);
	int (*resolve)(struct spisock_dev *dev, const char *name,
		       __be32 *addr);
	int (*ping)(struct spisock_dev *dev, __be32 addr, u8 ttl,
		    u32 *rtt_ms);
	int (*power_save)(struct spisock_dev *dev, int mode);
};

/**
 * struct spisock_dev - one radio
 * @ops: the driver's ops; set before registration, never changed
 * @name: the radio's name (e.g. "nina0"); set before registration
 * @parent: the bus device, for messages; may be NULL
 * @max_sockets: chip sockets the firmware offers (0: no known limit)
 * @ipv6: the chip runs IPv6 (false for nina-fw and WINC1500)
 * @max_dgram: largest datagram payload the chip sends (0: 65507)
 * @addr: the radio's IPv4 address while linked, else 0; the driver updates
 *	it with WRITE_ONCE() when it learns it (link, status)
 * @priv: the driver's private area (spisock_alloc_device()'s @priv_size
 *	bytes, zeroed); lives as long as the struct
 *
 * The fields after @priv belong to the core.
 */
/* TCP ports a radio remembers having closed, to keep them out of picks. */
#define SPISOCK_RECENT_PORTS	64

struct spisock_dev {
	const struct spisock_dev_ops *ops;
	char name[16];
	struct device *parent;
	unsigned int max_sockets;
	bool ipv6;
	unsigned int max_dgram;
	__be32 addr;
	void *priv;

	/* private: */
	int id;
	struct net *net;
	struct kref ref;
	struct srcu_struct srcu;
	struct mutex ctl_lock;		/* serializes link and unlink */
	struct list_head node;		/* on the registry, under its mutex */
	spinlock_t lock;		/* leaf: @dead and @socks */
	bool dead;
	struct list_head socks;		/* attached sockets */
	struct spisock_recent_port {
		__be16 port;
		unsigned long closed;	/* jiffies */
	} recent[SPISOCK_RECENT_PORTS];	/* under @lock */
	unsigned int recent_next;	/* under @lock */
};

struct spisock_dev *spisock_alloc_device(size_t priv_size);
int spisock_register_device(struct spisock_dev *dev);
void spisock_unregister_device(struct spisock_dev *dev);
void spisock_put_device(struct spisock_dev *dev);

void *spisock_sock_priv(const struct sock *sk);
void spisock_sock_set_priv(struct sock *sk, void *priv);

struct sk_buff *spisock_rx_alloc(struct sock *sk, unsigned int len, gfp_t gfp);
int spisock_rx_skb(struct sock *sk, struct sk_buff *skb,
		   const struct sockaddr_in *from);
void spisock_rx_eof(struct sock *sk);
size_t spisock_tx_peek(struct sock *sk, void *buf, size_t len,
		       struct sockaddr_in *to);
void spisock_tx_consume(struct sock *sk, size_t len);
void spisock_tx_discard(struct sock *sk);
void spisock_set_state(struct sock *sk, int state);
unsigned int spisock_rx_space(struct sock *sk);
bool spisock_tx_pending(struct sock *sk);
bool spisock_sk_waiting(struct sock *sk);
bool spisock_accept_room(struct sock *sk);
long spisock_linger_jiffies(struct sock *sk);
struct sock *spisock_child_alloc(struct sock *parent,
				 const struct sockaddr_in *peer);
int spisock_child_queue(struct sock *parent, struct sock *child);
void spisock_child_drop(struct sock *child);
void spisock_set_error(struct sock *sk, int err);
void spisock_sock_set_chip(struct sock *sk, int fd, u32 gen);
void spisock_link_lost(struct spisock_dev *dev);

#endif /* _NET_SPISOCK_H */
