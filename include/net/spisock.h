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
#include <linux/string.h>
#include <linux/types.h>
#include <linux/workqueue.h>
#include <uapi/linux/spisock.h>

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
 * @ssid: network name (not a string: any bytes), NUL-padded
 * @ssid_len: its length, 1..32
 * @security: &enum spisock_security (open, WEP, WPA, WPA2)
 * @key: WPA passphrase (8..63 characters or 64 hex digits) or WEP key (5 or
 *	13 characters, 10 or 26 hex digits), NUL-terminated; empty for an
 *	open network. Secret: the core frees it with kfree_sensitive() and it
 *	is never reported, logged or traced
 * @addr: static IPv4 address, or 0 for DHCP
 * @netmask: static netmask (with @addr)
 * @gateway: static gateway (with @addr)
 * @dns: static DNS server, or 0
 * @hostname: the DHCP host name, NUL-terminated, or empty for the chip's
 * @timeout_ms: give up after this long (0: the driver's default bound)
 */
struct spisock_link_params {
	u8 ssid[33];
	u8 ssid_len;
	u8 security;
	char key[65];
	__be32 addr;
	__be32 netmask;
	__be32 gateway;
	__be32 dns;
	char hostname[33];
	unsigned int timeout_ms;
};

/**
 * struct spisock_status - the radio's state, for &spisock_dev_ops.status
 * @linked: joined to an access point
 * @addr: the radio's IPv4 address (0 when not linked)
 * @rssi: signal strength in dBm
 * @sockets_used: chip sockets in use
 * @ssid: the network, when linked (not a string)
 * @ssid_len: its length (0: unknown)
 * @bssid: the access point, when linked
 * @has_bssid: @bssid is valid
 * @channel: the channel, 0 when unknown
 * @security: &enum spisock_security of the network
 * @netmask: when linked
 * @gateway: when linked
 * @dns: the first DNS server, when linked (0: unknown)
 *
 * Only @linked, @addr, @rssi and @sockets_used are filled unless the op
 * was asked for the full link (@full of &spisock_dev_ops.status).
 */
struct spisock_status {
	bool linked;
	__be32 addr;
	s32 rssi;
	unsigned int sockets_used;
	u8 ssid[32];
	u8 ssid_len;
	u8 bssid[6];
	bool has_bssid;
	u8 channel;
	u8 security;
	__be32 netmask;
	__be32 gateway;
	__be32 dns;
};

/**
 * struct spisock_scan_result - one network found by &spisock_dev_ops.scan
 * @ssid: network name (not a string)
 * @ssid_len: its length, 0..32
 * @bssid: the access point
 * @rssi: signal strength in dBm
 * @channel: channel number
 * @security: &enum spisock_security
 */
struct spisock_scan_result {
	u8 ssid[32];
	u8 ssid_len;
	u8 bssid[6];
	s32 rssi;
	u8 channel;
	u8 security;
};

/* The longest name of a driver's named counter, with its NUL. */
#define SPISOCK_STAT_NAME_LEN	32

/**
 * enum spisock_stat_kind - what a named counter counts
 * @SPISOCK_STAT_CMD: runs of one chip command (a nina-fw opcode, a WINC1500
 *	group and opcode), named by the driver
 * @SPISOCK_STAT_DRIVER: something only this driver keeps (nina's socket
 *	poll hits and misses)
 */
enum spisock_stat_kind {
	SPISOCK_STAT_CMD,
	SPISOCK_STAT_DRIVER,
};

/**
 * struct spisock_stat - one named counter
 * @name: the driver's name for it, NUL-terminated
 * @value: its value
 * @kind: &enum spisock_stat_kind
 */
struct spisock_stat {
	char name[SPISOCK_STAT_NAME_LEN];
	u64 value;
	u8 kind;
};

/**
 * struct spisock_dev_stats - a radio's counters, for DEV_GET
 * @bus_tx_bytes: bytes clocked to the chip
 * @bus_rx_bytes: bytes clocked from the chip
 * @bus_transactions: chip-select-framed transactions
 * @err_timeout: commands the chip never answered
 * @err_invalid: replies that failed validation
 * @err_frame: commands the chip refused (an error frame or status)
 * @retries: commands retried after a bus error
 * @resets: chip resets
 * @wd_resets: of @resets, those the driver decided on (a stuck chip)
 * @link_drops: times the chip lost its sockets (link loss, reset)
 * @sock_tx_bytes: payload taken from sockets and sent by the chip
 * @sock_rx_bytes: payload received from the chip into sockets
 * @n_named: entries of @named filled in (spisock_stat_add())
 * @room: entries @named has (&spisock_dev_ops.stats_count)
 * @named: per-command and driver-specific counters, by name
 *
 * The fixed fields are what every chip on a bus has; a driver that does
 * not keep one leaves it 0. The core zeroes the snapshot before
 * &spisock_dev_ops.stats fills it in.
 */
struct spisock_dev_stats {
	u64 bus_tx_bytes;
	u64 bus_rx_bytes;
	u64 bus_transactions;
	u64 err_timeout;
	u64 err_invalid;
	u64 err_frame;
	u64 retries;
	u64 resets;
	u64 wd_resets;
	u64 link_drops;
	u64 sock_tx_bytes;
	u64 sock_rx_bytes;
	unsigned int n_named;
	unsigned int room;
	struct spisock_stat named[];
};

/**
 * spisock_stat_add() - add a named counter to a snapshot
 * @st: the snapshot &spisock_dev_ops.stats fills in
 * @kind: &enum spisock_stat_kind
 * @name: the counter's name (truncated to SPISOCK_STAT_NAME_LEN - 1)
 * @value: its value
 *
 * Return: 0, or -ENOSPC when @st has no room left (the driver counted
 * more than its &spisock_dev_ops.stats_count).
 */
static inline int spisock_stat_add(struct spisock_dev_stats *st,
				   enum spisock_stat_kind kind,
				   const char *name, u64 value)
{
	struct spisock_stat *s;

	if (st->n_named >= st->room)
		return -ENOSPC;
	s = &st->named[st->n_named++];
	strscpy(s->name, name, sizeof(s->name));
	s->value = value;
	s->kind = kind;
	return 0;
}

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
 * @link: join the network described by @p; return once linked (0),
 *	failed (an errno, with the chip's reason code in @reason: -EACCES for
 *	an authentication failure, -ENETUNREACH for an absent network),
 *	timed out (-ETIMEDOUT; the driver abandons the join) or interrupted
 *	by a signal (-EINTR; the join goes on and the driver reports its
 *	outcome with spisock_link_event()).
 * @unlink: leave the network; the radio's sockets fail as on a link loss.
 * @scan: fill up to @max entries of @res; return how many, or an errno.
 *	A chip that drops its link to scan fails the radio's sockets as on a
 *	link loss (the core restores the link afterwards).
 * @status: fill @st; with @full, every field of the link (more commands).
 * @resolve: resolve @name (NUL-terminated) to an IPv4 address in @addr
 *	(-ENOENT: no such host).
 * @ping: ping @addr with @ttl; the round trip time in ms goes to @rtt_ms
 *	(-ETIMEDOUT: no answer).
 * @power_save: set the chip's power-save mode (0 off, 1 on).
 * @stats: copy the radio's counters into @st (zeroed by the core, with
 *	room for @stats_count named ones, added with spisock_stat_add()); may
 *	sleep, issues no chip command.
 * @stats_count: the most named counters @stats adds (commands by name and
 *	the driver's own); required with @stats.
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
		    const struct spisock_link_params *p, u32 *reason);
	int (*unlink)(struct spisock_dev *dev);
	int (*scan)(struct spisock_dev *dev, struct spisock_scan_result *res,
		    unsigned int max);
	int (*status)(struct spisock_dev *dev, struct spisock_status *st,
		      bool full);
	int (*resolve)(struct spisock_dev *dev, const char *name,
		       __be32 *addr);
	int (*ping)(struct spisock_dev *dev, __be32 addr, u8 ttl,
		    u32 *rtt_ms);
	int (*power_save)(struct spisock_dev *dev, int mode);
	int (*stats)(struct spisock_dev *dev, struct spisock_dev_stats *st);
	unsigned int (*stats_count)(struct spisock_dev *dev);
};

/* Bits of &spisock_caps.opts: options the chip itself applies. */
#define SPISOCK_CAP_SO_REUSEADDR	BIT(0)	/* SOL_SOCKET SO_REUSEADDR */
#define SPISOCK_CAP_SO_KEEPALIVE	BIT(1)	/* SOL_SOCKET SO_KEEPALIVE */
#define SPISOCK_CAP_SO_BROADCAST	BIT(2)	/* SOL_SOCKET SO_BROADCAST */
#define SPISOCK_CAP_TCP_KEEPIDLE	BIT(3)	/* IPPROTO_TCP TCP_KEEPIDLE */
#define SPISOCK_CAP_TCP_KEEPINTVL	BIT(4)	/* IPPROTO_TCP TCP_KEEPINTVL */
#define SPISOCK_CAP_TCP_KEEPCNT		BIT(5)	/* IPPROTO_TCP TCP_KEEPCNT */

/**
 * struct spisock_caps - what a chip can do, declared once before registration
 * @tx_frame: the most stream payload one send command carries, in bytes
 *	(nina-fw SOCKET_SEND: 4000); the core queues transmit data in skbs
 *	of at most this size. 0: no limit of the chip's
 * @rx_frame: the most payload one receive command returns, in bytes
 *	(nina-fw SOCKET_RECV: 4076)
 * @max_dgram: the largest datagram payload the chip sends (0: 65507);
 *	larger sends get EMSGSIZE
 * @sockets: chip sockets TCP and UDP share (nina-fw: 10, or 6 on
 *	Adafruit's 3.x); 0 when the chip has separate pools
 * @tcp_sockets: chip sockets only TCP uses, listeners and accepted
 *	connections included (WINC1500: 7); 0: none of its own
 * @udp_sockets: chip sockets only UDP uses (WINC1500: 4); 0: none of its own
 * @scan_max: the most networks one scan reports (0: 16)
 * @scan_keeps_link: a scan leaves the link up; when false the chip drops
 *	its link to scan, so the core asks for confirmation
 *	(SPISOCK_ATTR_FORCE), fails the radio's sockets as on a link loss and
 *	relinks afterwards
 * @ipv6: the chip runs IPv6 (false for nina-fw and WINC1500)
 * @opts: SPISOCK_CAP_* bits, the options the chip applies itself. The core
 *	passes these to &spisock_dev_ops.setsockopt (TCP level) or
 *	&spisock_dev_ops.options (SOL_SOCKET level); the TCP keepalive
 *	options a chip does not take are accepted and have no effect (see
 *	Documentation/networking/spisock.rst, "Socket options")
 *
 * A driver fills these in after spisock_alloc_device() and before
 * spisock_register_device(); the core never changes them.
 */
struct spisock_caps {
	unsigned int tx_frame;
	unsigned int rx_frame;
	unsigned int max_dgram;
	unsigned int sockets;
	unsigned int tcp_sockets;
	unsigned int udp_sockets;
	unsigned int scan_max;
	bool scan_keeps_link;
	bool ipv6;
	u32 opts;
};

/**
 * struct spisock_dev - one radio
 * @ops: the driver's ops; set before registration, never changed
 * @name: the radio's name (e.g. "nina0"); set before registration
 * @parent: the bus device, for messages; may be NULL
 * @caps: what the chip can do; set before registration, never changed
 * @addr: the radio's IPv4 address while linked, else 0; the driver updates
 *	it with WRITE_ONCE() when it learns it (link, status)
 * @chip: the chip's name (e.g. "nina-w102"), for DEV_GET
 * @fw_version: the firmware's version string, for DEV_GET
 * @fw_flavour: the firmware's flavour (e.g. "arduino"), for DEV_GET
 * @mac: the radio's MAC address, for DEV_GET (all zero: unknown)
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
	struct spisock_caps caps;
	__be32 addr;
	char chip[16];
	char fw_version[33];
	char fw_flavour[16];
	u8 mac[6];
	void *priv;

	/* private: */
	int id;
	struct net *net;
	struct kref ref;
	struct srcu_struct srcu;
	struct mutex ctl_lock;		/* serializes control commands */
	struct spisock_link_params *link;	/* in use, under @ctl_lock */
	bool auto_relink;		/* under @ctl_lock */
	unsigned int relink_ms;		/* back-off, under @ctl_lock */
	struct delayed_work relink_work;
	spinlock_t state_lock;		/* leaf: @state */
	u8 state;			/* enum spisock_state */
	struct list_head node;		/* on the registry, under its mutex */
	spinlock_t lock;		/* leaf: @dead and @socks */
	bool dead;
	struct list_head socks;		/* attached sockets */
	struct list_head quota;		/* per-user charges, under @lock */
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
size_t spisock_tx_queued(struct sock *sk);
bool spisock_tx_nodelay(struct sock *sk);
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
void spisock_link_event(struct spisock_dev *dev, bool up, u32 reason);
void spisock_dev_reset_event(struct spisock_dev *dev);

#endif /* _NET_SPISOCK_H */
