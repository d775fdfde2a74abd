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
 * Locking, outermost first (the same in Documentation/networking/spisock.rst,
 * "Locking"):
 *
 *   lock_sock(sk)                 the socket's owner; every socket op runs
 *                                 under it, in process context
 *   the radio's control mutex     control commands (link, scan, move); never
 *                                 taken with lock_sock held, nor it with
 *                                 this one
 *   the core's registry mutex     radio lookups, under lock_sock or the
 *                                 control mutex
 *   the radio's socket-list lock  core-private spinlock (irqsave)
 *   the per-socket spinlock       core-private (irqsave); the delivery
 *                                 helpers take it
 *   sk_receive_queue.lock,
 *   sk_write_queue.lock           taken inside the per-socket lock, or alone
 *
 * A driver's own locks sit beside the core's spinlocks, never inside or
 * around them: the core calls no op while it holds one of its spinlocks
 * (only lock_sock, and for the control ops the radio's control mutex), and
 * a driver calls no helper that takes a lock of the core (those that
 * deliver, change state or consume) while it holds one of its own
 * spinlocks or a mutex an op may wait on. The lockless questions
 * (spisock_sock_priv(), spisock_rx_space(), spisock_tx_pending(),
 * spisock_tx_queued(), spisock_tx_nodelay(), spisock_sk_waiting(),
 * spisock_accept_room(), spisock_linger_jiffies(), spisock_sock_set_chip())
 * may be asked under any lock. Atomic ops may take the driver's spinlocks;
 * the other ops its mutexes too.
 *
 * References: every socket attached to a radio holds a reference on its
 * struct spisock_dev until the socket is destroyed (not merely closed),
 * never a reference on the driver's module. Every ops
 * call runs inside the device's SRCU read section; after
 * spisock_unregister_device() returns no ops call is running or will start.
 * See Documentation/networking/spisock.rst, "Chip-driver interface".
 */
#ifndef _NET_SPISOCK_H
#define _NET_SPISOCK_H

#include <linux/in.h>
#include <linux/mutex.h>
#include <linux/skbuff.h>
#include <linux/spinlock.h>
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
 * struct spisock_link_cause - why a join failed or a link went down
 * @reason: &enum spisock_link_reason, the driver's mapping of @chip
 * @chip: the chip's own code (nina-fw: an ESP-IDF disconnect reason;
 *	WINC1500: its connection error), reported beside @reason; 0: none
 */
struct spisock_link_cause {
	u32 reason;
	u32 chip;
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
 * reports the reply from its IRQ thread. A socket op that waits for its
 * reply must not wait for anything that needs lock_sock() of the same
 * socket: the driver's context never takes it. Ops marked "atomic" must
 * neither sleep nor take a mutex: they are called from .poll and with
 * spinlocks held, and only record work for the driver's own context.
 *
 * @open: a socket of @type (SOCK_STREAM or SOCK_DGRAM) was attached to the
 *	radio; set up per-socket state (no chip command needs to be issued yet).
 * @bind: bind to @addr (INADDR_ANY or the radio's address, host byte order
 *	port already chosen by the core).
 * @listen: start listening; @backlog as listen(2) passed it (the socket
 *	layer clamps it to net.core.somaxconn).
 * @accept: atomic. Only for a chip that accepts when asked (nina-fw:
 *	SOCKET_ACCEPT): a listener's host accept queue has room (ask
 *	spisock_accept_room()), produce the next connection. A chip that
 *	accepts on its own (WINC1500) leaves it NULL. Either way each
 *	connection is handed over with spisock_child_alloc() and
 *	spisock_child_queue().
 * @connect: connect to @addr; usually returns -EINPROGRESS and reports the
 *	outcome with spisock_set_state(TCP_ESTABLISHED) or spisock_set_error()
 *	(which alone fails the connect), from any context, even before this op
 *	returns. Returning 0 means connected; another errno fails at once.
 * @send: atomic. Data was queued on the transmit queue; take it with
 *	spisock_tx_peek() and release it with spisock_tx_consume() (several
 *	sends may be in flight, see spisock_tx_peek()).
 * @recv: atomic. A reader found the receive queue empty and waits (or
 *	returns EAGAIN) for up to @len bytes; a hint (WINC1500 posts a RECV of
 *	that size, nina-fw records read interest). Without it the core calls
 *	@want with SPISOCK_WANT_IN instead. poll and SIOCINQ, which have no
 *	length, call @want.
 * @inq: optional; may sleep, under lock_sock. SIOCINQ on a connected
 *	stream: bring what the chip holds for @sk into its receive queue now
 *	(as its room allows) and return the bytes the chip still holds
 *	beyond that, or 0. The core adds the queue's count, so FIONREAD
 *	counts the chip's bytes as AF_INET's does, and a recv() after it
 *	finds them. Without it FIONREAD counts the queue alone.
 * @close: the socket is being released: flush (within SO_LINGER, if the
 *	driver chooses), close the chip socket, free per-socket state. May
 *	complete after returning; the driver then holds a sock_hold() until
 *	done. Called at most once, and not at all after unregister.
 * @setsockopt: set a chip-level option: IPPROTO_TCP TCP_KEEPIDLE,
 *	TCP_KEEPINTVL or TCP_KEEPCNT (@val in TCP's range), only those the
 *	chip declares in &spisock_caps.opts. Called when the option is set on
 *	an attached stream socket (its error is setsockopt(2)'s), and right
 *	after @open for what was set before the socket had a radio (an error
 *	then leaves the chip's default). The driver keeps the value and
 *	applies it to its chip socket whenever it creates one. Accepted
 *	sockets start with the chip's values.
 * @want: atomic. Record interest in the SPISOCK_WANT_* bits of @mask.
 * @rx_room: atomic. The reader freed room in a receive queue that was full.
 * @options: atomic. A SOL_SOCKET option the chip has too (SO_REUSEADDR,
 *	SO_KEEPALIVE, SO_BROADCAST) may have changed: push the values @sk
 *	holds to the chip socket. Drivers also push them when they create the
 *	chip socket and before every datagram they send.
 * @link: join the network described by @p. Called from the core's link
 *	work item (never with the radio's control lock held: status, unlink
 *	and the other control ops may be called meanwhile); blocks until
 *	linked (0), failed (an errno, with @cause filled in: -EACCES for an
 *	authentication failure, -ENETUNREACH for an absent network), timed
 *	out (-ETIMEDOUT; the driver abandons the join) or cancelled (a
 *	driver that waits long checks spisock_link_cancelled() and then
 *	abandons the join and returns -ECANCELED). A failure whose @cause the
 *	driver leaves zero is given one from the errno.
 * @unlink: leave the network; the radio's sockets fail as on a link loss.
 *	Also called to leave a network a cancelled join reached.
 * @scan: fill up to @max entries of @res (@max is &spisock_caps.scan_max);
 *	return how many, or an errno. A chip that drops its link to scan
 *	(&spisock_caps.scan_keeps_link false) fails the radio's sockets as on
 *	a link loss (the core rejoins afterwards).
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
	int (*inq)(struct spisock_dev *dev, struct sock *sk);
	void (*close)(struct spisock_dev *dev, struct sock *sk);
	int (*setsockopt)(struct spisock_dev *dev, struct sock *sk, int level,
			  int optname, u32 val);
	void (*want)(struct spisock_dev *dev, struct sock *sk, unsigned int mask);
	void (*rx_room)(struct spisock_dev *dev, struct sock *sk);
	void (*options)(struct spisock_dev *dev, struct sock *sk);

	int (*link)(struct spisock_dev *dev,
		    const struct spisock_link_params *p,
		    struct spisock_link_cause *cause);
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
 * @sockets: the one pool of chip sockets TCP and UDP share (nina-fw: 10,
 *	or 6 on Adafruit's 3.x); 0 when the chip has separate pools
 * @tcp_sockets: with @sockets 0, the pool of chip sockets TCP uses,
 *	listeners and accepted connections included (WINC1500: 7); 0: size
 *	not declared
 * @udp_sockets: with @sockets 0, the pool UDP uses (WINC1500: 4); 0: size
 *	not declared
 * @scan_max: the most networks one scan reports (0: 16)
 * @scan_keeps_link: a scan leaves the link up; when false the chip drops
 *	its link to scan, so the core asks for confirmation
 *	(SPISOCK_ATTR_FORCE), fails the radio's sockets as on a link loss and
 *	relinks afterwards
 * @ipv6: the chip runs IPv6 (false for nina-fw and WINC1500)
 * @sync_connect: the chip's connect holds it until the connection is made
 *	or has failed (nina-fw's slot commands): &spisock_dev_ops.connect
 *	returns only then, whatever the socket's flags and timeouts; DEV_GET
 *	reports it (SPISOCK_ATTR_SYNC_CONNECT) so that libraries can tell
 * @accept_after_data: a connection reaches &spisock_dev_ops.accept only
 *	once its peer has sent data (the chip offers no other); DEV_GET
 *	reports it (SPISOCK_ATTR_ACCEPT_AFTER_DATA)
 * @opts: SPISOCK_CAP_* bits, the options the chip applies itself. The core
 *	passes these to &spisock_dev_ops.setsockopt (TCP level) or
 *	&spisock_dev_ops.options (SOL_SOCKET level); the TCP keepalive
 *	options a chip does not take are accepted and have no effect (see
 *	Documentation/networking/spisock.rst, "Socket options")
 *
 * A driver fills these in after spisock_alloc_device() and before
 * spisock_register_device(); the core never changes them. A chip declares
 * one shared pool or separate ones, never both (registration fails with
 * -EINVAL). The per-user quota counts each pool apart, and the driver
 * fails a socket whose pool the chip has used up with -ENOBUFS
 * (Documentation/networking/spisock.rst, "Per-user quota of chip sockets").
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
	bool sync_connect;
	bool accept_after_data;
	u32 opts;
};

/**
 * struct spisock_dev - one radio, as its driver sees it
 * @ops: the driver's ops; set before registration, never changed
 * @name: the radio's name (e.g. "nina0"); set before registration
 * @parent: the bus device, for messages; may be NULL
 * @caps: what the chip can do; set before registration, never changed
 * @addr: the radio's IPv4 address while linked, else 0; the driver updates
 *	it with WRITE_ONCE() when it learns it (link, status), and the core
 *	reads it with READ_ONCE() from any context (no lock guards it)
 * @chip: the chip's name (e.g. "nina-w102"), for DEV_GET
 * @fw_version: the firmware's version string, for DEV_GET
 * @fw_flavour: the firmware's flavour (e.g. "arduino"), for DEV_GET
 * @mac: the radio's MAC address, for DEV_GET (all zero: unknown)
 * @priv: the driver's private area (spisock_alloc_device()'s @priv_size
 *	bytes, zeroed); lives as long as the struct
 *
 * spisock_alloc_device() allocates it inside the core's own state of the
 * radio (id, namespace, references, socket list, quota, the link), which
 * drivers do not see.
 */
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

};

struct spisock_dev *spisock_alloc_device(size_t priv_size);
int spisock_register_device(struct spisock_dev *dev);
void spisock_unregister_device(struct spisock_dev *dev);
void spisock_put_device(struct spisock_dev *dev);

void *spisock_sock_priv(const struct sock *sk);
void spisock_sock_set_priv(struct sock *sk, void *priv);

/*
 * Delivery helpers: the driver's reports to the core (kernel-doc at their
 * definitions in net/spisock/). None takes lock_sock() or waits for a
 * syscall, so the driver's worker or threaded IRQ handler may call them
 * while a syscall holds the socket; the driver holds a reference on the
 * socket and none of its own spinlocks. Any context but NMI, never
 * sleeping: the rx_*, tx_* and set_* helpers, spisock_child_queue(),
 * spisock_link_lost() and the lockless questions (spisock_rx_alloc()
 * with GFP_ATOMIC outside process context). Process context only (a
 * worker or threaded IRQ handler): spisock_child_alloc(),
 * spisock_child_drop(), spisock_link_event(), spisock_dev_reset_event().
 *
 * Connect: -EINPROGRESS from &spisock_dev_ops.connect, then
 * spisock_set_state(TCP_ESTABLISHED) or spisock_set_error() alone.
 * Transmit: spisock_tx_peek() at the offset of the bytes in flight,
 * spisock_tx_consume() from the head on acknowledgment. Accept: children
 * from spisock_child_alloc() (NULL: over the listener owner's quota) and
 * spisock_child_queue() (-ENOBUFS: backlog + 1 already queued; -EPIPE: not
 * listening); on either refusal the driver closes the chip's socket.
 */
struct sk_buff *spisock_rx_alloc(struct sock *sk, unsigned int len, gfp_t gfp);
int spisock_rx_skb(struct sock *sk, struct sk_buff *skb,
		   const struct sockaddr_in *from);
void spisock_rx_eof(struct sock *sk);
size_t spisock_tx_peek(struct sock *sk, size_t off, void *buf, size_t len,
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
void spisock_link_event(struct spisock_dev *dev,
			const struct spisock_link_cause *cause);
bool spisock_link_cancelled(struct spisock_dev *dev);
void spisock_dev_reset_event(struct spisock_dev *dev);

#endif /* _NET_SPISOCK_H */
