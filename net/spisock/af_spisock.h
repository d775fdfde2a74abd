/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Private declarations shared by the files of the family core.
 *
 * Lifetime: a struct spisock_sock lives as long as its struct sock; every
 * socket pins spisock.ko through the .owner fields of spisock_proto, the two
 * proto_ops tables and the net_proto_family.
 */
#ifndef _SPISOCK_AF_SPISOCK_H
#define _SPISOCK_AF_SPISOCK_H

#include <linux/in.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/llist.h>
#include <linux/net.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <net/sock.h>
#include <net/spisock.h>

/* 6.3+ and late 6.1.y: both supported kernels have it. */
#include <kunit/visibility.h>

/* TCP keepalive settings a stream socket keeps for its chip (socket.c). */
#define SPISOCK_KEEP_NR		3

/* TCP ports a radio remembers having closed, to keep them out of picks. */
#define SPISOCK_RECENT_PORTS	64

/**
 * struct spisock_recent_port - a TCP port a radio closed recently (ports.c)
 * @port: the port, network byte order
 * @closed: jiffies when it closed, with bit 0 set; 0 marks a free entry
 */
struct spisock_recent_port {
	__be16 port;
	unsigned long closed;
};

struct spisock_join;

/**
 * struct spisock_dev_core - the core's state of one radio
 * @dev: what the driver sees and fills in; spisock_core() goes back
 * @id: the radio's id; set by spisock_register_device() before the radio
 *	is on the registry, constant afterwards (-1 before)
 * @net: the namespace the radio serves; written under spisock_devs_mutex
 *	and @lock both (SET_NETNS, a dying namespace), so either lock keeps
 *	it stable; read without them only with READ_ONCE()
 *	(spisock_dev_net(): events only)
 * @ref: one reference from spisock_alloc_device() (the driver's), one per
 *	socket attached until it is destroyed, one per registry lookup
 * @srcu: every core -> driver call runs in its read section
 *	(spisock_dev_enter())
 * @node: on the registry, under spisock_devs_mutex
 * @free_node: on the list of radios to free after their last put (the
 *	last put may come from any context; freeing may sleep)
 * @lock: spinlock (irqsave) guarding @dead's writes, @socks, @quota,
 *	@recent and @recent_next; taken after lock_sock and
 *	spisock_devs_mutex, before the per-socket spinlock
 * @dead: unregistered; set once under @lock, read locklessly with
 *	READ_ONCE() by the ops gate (spisock_dev_enter()) and the lookups,
 *	which only need to see it eventually: unregister's
 *	synchronize_srcu() waits for every gate that missed it
 * @socks: attached sockets (&spisock_sock.dev_node), under @lock
 * @quota: per-user charges (quota.c), under @lock
 * @recent: TCP ports of connections this radio closed, under @lock
 * @recent_next: the next @recent entry to reuse, under @lock
 * @ctl_lock: serializes the control commands that reach the chip and
 *	guards @link, @join, @auto_relink and @relink_ms (net/spisock/nl.h);
 *	never held while a join waits for the chip
 * @link: the network last joined, for relinking, under @ctl_lock
 * @join: the join in progress, under @ctl_lock
 * @auto_relink: rejoin @link after a loss, under @ctl_lock
 * @relink_ms: the relink back-off, under @ctl_lock
 * @relink_work: runs joins and relinks (nl_link.c)
 * @state_lock: a leaf spinlock guarding @state
 * @state: &enum spisock_state, the link's state
 * @cdev: the radio's class device (class.c), or NULL; set while it is
 *	registered and unregistered, under no lock (one thread does both)
 */
struct spisock_dev_core {
	struct spisock_dev dev;
	int id;
	struct net *net;
	struct kref ref;
	struct srcu_struct srcu;
	struct list_head node;
	struct llist_node free_node;
	spinlock_t lock;	/* see above */
	bool dead;
	struct list_head socks;
	struct list_head quota;
	struct spisock_recent_port recent[SPISOCK_RECENT_PORTS];
	unsigned int recent_next;
	struct mutex ctl_lock;	/* see above */
	struct spisock_link_params *link;
	struct spisock_join *join;
	bool auto_relink;
	unsigned int relink_ms;
	struct delayed_work relink_work;
	spinlock_t state_lock;	/* see above */
	u8 state;
	struct device *cdev;
};

static inline struct spisock_dev_core *spisock_core(struct spisock_dev *dev)
{
	return container_of(dev, struct spisock_dev_core, dev);
}

/* The radio's id (constant once registered). */
static inline int spisock_dev_id(struct spisock_dev *dev)
{
	return spisock_core(dev)->id;
}

/* The radio's namespace, for a caller holding neither of its locks. */
static inline struct net *spisock_dev_net(struct spisock_dev *dev)
{
	return READ_ONCE(spisock_core(dev)->net);
}

/* Whether the radio was unregistered (lockless: see @dead). */
static inline bool spisock_dev_dead(struct spisock_dev *dev)
{
	return READ_ONCE(spisock_core(dev)->dead);
}

/**
 * struct spisock_sock - a spisock socket
 * @sk: the generic socket; must stay first (spisock_sk() casts)
 * @local: the address getsockname() reports (INADDR_ANY:0 until bound)
 * @lock: the per-socket spinlock (irqsave): SOCK_DEAD, and sk_state and
 *	sk_err against the delivery helpers, @accept_q and @accept_len,
 *	@conn_addr; taken after lock_sock and the radio's lock, never nested
 *	with a lock of the driver (include/net/spisock.h, "Locking")
 * @dev: the radio, set once under lock_sock after its open op succeeded
 *	(WRITE_ONCE(): the atomic ops read it from .poll without lock_sock);
 *	holds a reference on it until the socket is destroyed, so it never
 *	dangles while the driver still holds the socket
 * @dev_node: on the radio's &spisock_dev_core.socks, under its lock
 * @drv: the driver's per-socket state (spisock_sock_priv()), owned by it
 * @peer: the connected peer (sin_family 0 while there is none)
 * @tx_mutex: serializes senders of one socket without holding lock_sock
 *	while they wait for SO_SNDBUF room (a reader must not wait on a writer)
 * @tx_bytes: bytes queued for transmission and not yet taken by the chip
 * @accept_q: a listener's accepted children, under @lock
 * @accept_node: a child's entry on its listener's @accept_q
 * @accept_len: entries on @accept_q, written under @lock; .poll, accept's
 *	wait and spisock_accept_room() read it with READ_ONCE() (a stale
 *	count only delays a wake-up the next change brings)
 * @backlog: listen()'s backlog, as given
 * @radio_id: the radio SPISOCK_RADIO chose, -1 for the default
 * @bound: bind (explicit or implicit) succeeded; @local.sin_port is ours.
 *	Both are written under lock_sock with WRITE_ONCE(): another socket's
 *	bind reads them under the radio's lock only (spisock_port_in_use())
 * @nodelay: TCP_NODELAY: off lets the driver coalesce small writes into
 *	one bus command (spisock_tx_nodelay()); the chip's TCP is not told
 * @active: a stream socket that connected out: its port may be in TIME_WAIT
 *	after close
 * @dev_id: the id of @dev once attached (-1 before), for the views: @dev
 *	itself may be gone by the time they look
 * @chip_fd: the chip descriptor the driver reported, or -1
 * @chip_gen: the driver's generation of @chip_fd
 * @conn_addr: the address a connection runs from: the radio's when
 *	connect() started, or when a datagram socket connected, under @lock;
 *	getsockname()'s and the views' local address then
 * @quota: the owner's charge this socket holds on its radio (quota.c), or
 *	NULL; set under the radio's lock when it attaches, dropped when it is
 *	destroyed; read locklessly (READ_ONCE()) by spisock_accept_room()
 * @quota_pool: the &enum spisock_pool @quota charges
 * @keep: TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT as set (0: never set),
 *	under lock_sock; passed to a chip that declares them (socket.c)
 */
struct spisock_sock {
	struct sock sk;
	struct sockaddr_in local;
	struct sockaddr_in peer;
	spinlock_t lock;	/* see above */
	struct spisock_dev *dev;
	struct list_head dev_node;
	void *drv;
	struct mutex tx_mutex;	/* see above */
	atomic_t tx_bytes;
	struct list_head accept_q;
	struct list_head accept_node;
	unsigned int accept_len;
	int backlog;
	int radio_id;
	bool bound;
	bool nodelay;
	bool active;
	int dev_id;
	int chip_fd;
	u32 chip_gen;
	__be32 conn_addr;
	struct spisock_quota *quota;
	u32 keep[SPISOCK_KEEP_NR];

	u8 quota_pool;
};

/**
 * struct spisock_skb_cb - what the core keeps in skb->cb
 * @addr: a datagram's source (receive) or destination (transmit)
 * @offset: bytes of a stream skb already read or sent, under the queue lock
 */
struct spisock_skb_cb {
	struct sockaddr_in addr;
	u32 offset;
};

#define SPISOCK_SKB_CB(skb) ((struct spisock_skb_cb *)(skb)->cb)

static inline struct spisock_sock *spisock_sk(const struct sock *sk)
{
	BUILD_BUG_ON(offsetof(struct spisock_sock, sk) != 0);
	return (struct spisock_sock *)sk;
}

extern struct proto spisock_proto;
extern const struct proto_ops spisock_stream_ops;
extern const struct proto_ops spisock_dgram_ops;

int spisock_check_type(int type, int protocol);
int spisock_need_radio(struct sock *sk);
int spisock_autobind(struct sock *sk);
int spisock_pick_port(struct sock *sk, __be16 *port);
bool spisock_port_in_use(struct sock *sk, __be16 port);
void spisock_port_closed(struct sock *sk);
int spisock_dgram_check_dest(struct sock *sk, const struct sockaddr_in *to);
void spisock_op_want(struct sock *sk, unsigned int mask);
void spisock_op_send(struct sock *sk);
void spisock_op_rx_room(struct sock *sk);
void spisock_op_accept(struct sock *sk);
void spisock_op_recv(struct sock *sk, size_t len);
void spisock_sk_release(struct sock *sk);
void spisock_sk_detach(struct sock *sk);
void spisock_sock_init_common(struct sock *sk);
struct sock *spisock_child_pop(struct sock *parent);
extern int spisock_accept_prefetch;
__poll_t spisock_stream_poll(struct file *file, struct socket *sock,
			     poll_table *wait);
int spisock_wait_connect(struct sock *sk, long *timeo);
int spisock_stream_sendmsg(struct socket *sock, struct msghdr *msg,
			   size_t len);
int spisock_stream_recvmsg(struct socket *sock, struct msghdr *msg,
			   size_t len, int flags);
int spisock_stream_inq(struct sock *sk);
int spisock_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			  size_t len);
int spisock_dgram_recvmsg(struct socket *sock, struct msghdr *msg,
			  size_t len, int flags);
__poll_t spisock_dgram_poll(struct file *file, struct socket *sock,
			    poll_table *wait);
int spisock_dgram_inq(struct sock *sk);
int spisock_check_sockaddr(const struct sockaddr *addr, int addr_len);
#if IS_ENABLED(CONFIG_KUNIT)
int spisock_pick_family(const int *prefs, unsigned int n,
			int (*try_register)(int family, void *ctx), void *ctx);
#endif
void spisock_sock_init(struct socket *sock, struct sock *sk);

struct spisock_dev *spisock_dev_get_default(struct net *net);
struct spisock_dev *spisock_dev_get(struct net *net, int id, const char *name);
struct spisock_dev *spisock_dev_get_next(struct net *net, int min_id);
void spisock_dev_fail_socks(struct spisock_dev *dev, int err_conn, int err);

/* All chip sockets of @dev, both pools together (0: no limit). */
static inline unsigned int spisock_dev_sockets(const struct spisock_dev *dev)
{
	const struct spisock_caps *c = &dev->caps;

	if (c->sockets)
		return c->sockets;
	if (c->tcp_sockets && c->udp_sockets)
		return c->tcp_sockets + c->udp_sockets;
	return 0;
}

/*
 * The pools of chip sockets a radio declares in its caps: one TCP and UDP
 * share, or one for each (see Documentation/networking/spisock.rst, "Pools
 * of chip sockets").
 */
enum spisock_pool {
	SPISOCK_POOL_SHARED,
	SPISOCK_POOL_TCP,
	SPISOCK_POOL_UDP,
	SPISOCK_POOLS
};

/* A chip declares a shared pool or separate ones, never both. */
static inline bool spisock_caps_valid(const struct spisock_caps *c)
{
	return !c->sockets || (!c->tcp_sockets && !c->udp_sockets);
}

/* The pool a socket of @type (SOCK_STREAM or SOCK_DGRAM) takes its id from. */
static inline enum spisock_pool spisock_pool_of(const struct spisock_dev *dev,
						int type)
{
	if (dev->caps.sockets)
		return SPISOCK_POOL_SHARED;
	return type == SOCK_STREAM ? SPISOCK_POOL_TCP : SPISOCK_POOL_UDP;
}

/* Chip sockets in @pool of @dev (0: the chip declared no limit). */
static inline unsigned int spisock_pool_size(const struct spisock_dev *dev,
					     enum spisock_pool pool)
{
	switch (pool) {
	case SPISOCK_POOL_SHARED:
		return dev->caps.sockets;
	case SPISOCK_POOL_TCP:
		return dev->caps.tcp_sockets;
	case SPISOCK_POOL_UDP:
		return dev->caps.udp_sockets;
	default:
		return 0;
	}
}

/**
 * spisock_dev_enter() - start a core -> driver call
 * @dev: the radio
 * @idx: receives the SRCU index for spisock_dev_exit()
 *
 * Every ops call runs between these two: none starts once
 * spisock_unregister_device() marked the device dead, and unregister waits
 * for those in flight.
 *
 * Return: the ops table, or NULL (nothing held) when the device is dead.
 */
static inline const struct spisock_dev_ops *
spisock_dev_enter(struct spisock_dev *dev, int *idx)
{
	struct spisock_dev_core *core = spisock_core(dev);

	*idx = srcu_read_lock(&core->srcu);
	if (READ_ONCE(core->dead)) {
		srcu_read_unlock(&core->srcu, *idx);
		return NULL;
	}
	return dev->ops;
}

static inline void spisock_dev_exit(struct spisock_dev *dev, int idx)
{
	srcu_read_unlock(&spisock_core(dev)->srcu, idx);
}

/**
 * struct spisock_sock_info - a socket as /proc/net/spisock and sock_diag show it
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @state: TCP_* (a datagram socket: TCP_ESTABLISHED when connected)
 * @radio: radio id, or -1 when not attached
 * @chip_fd: chip descriptor, or -1
 * @chip_gen: the driver's generation of @chip_fd
 * @local: bound address
 * @peer: connected peer (zero when none)
 * @tx_queue: bytes queued and not yet taken by the chip
 * @rx_queue: bytes received and not yet read
 * @drops: datagrams or segments dropped on receive
 * @uid: the owner
 * @ino: the socket inode (0 once closed)
 * @dead: closed by the user, still flushing
 */
struct spisock_sock_info {
	int type;
	int state;
	int radio;
	int chip_fd;
	u32 chip_gen;
	struct sockaddr_in local;
	struct sockaddr_in peer;
	u32 tx_queue;
	u32 rx_queue;
	u32 drops;
	kuid_t uid;
	unsigned long ino;
	bool dead;
};

void spisock_table_add(struct sock *sk);
void spisock_table_del(struct sock *sk);
int spisock_table_walk(struct net *net, int skip,
		       int (*fn)(struct sock *sk, void *arg), void *arg);
void spisock_sock_info(struct sock *sk, struct spisock_sock_info *info);
int spisock_diag_init(int family);
void spisock_diag_exit(void);
int spisock_proc_init(void);
void spisock_proc_exit(void);
int spisock_netlink_init(void);
void spisock_netlink_exit(void);
void spisock_nl_dev_event(struct spisock_dev *dev, u8 event);
void spisock_nl_dev_event_net(struct spisock_dev *dev, struct net *net,
			      u8 event);
int spisock_nl_put_dev(struct sk_buff *skb, struct spisock_dev *dev);
struct spisock_dev_stats *spisock_stats_get(struct spisock_dev *dev,
					    const struct spisock_dev_ops *ops);
int spisock_nl_put_stats(struct sk_buff *skb,
			 const struct spisock_dev_stats *st);
void spisock_relink_work(struct work_struct *work);
void spisock_link_dev_gone(struct spisock_dev *dev);
int spisock_dev_move(struct spisock_dev *dev, struct net *net);

struct spisock_quota;
struct spisock_quota *spisock_quota_new(kuid_t uid);
int spisock_quota_prepare(struct sock *sk, struct spisock_dev *dev,
			  struct spisock_quota **q);
int spisock_quota_charge(struct spisock_dev *dev, struct spisock_sock *ssk,
			 struct spisock_quota **q);
int spisock_quota_charge_child(struct spisock_dev *dev,
			       struct spisock_sock *parent,
			       struct spisock_sock *child);
bool spisock_quota_full(const struct spisock_dev *dev,
			const struct spisock_sock *ssk);
unsigned int spisock_quota_limit(const struct spisock_dev *dev,
				 enum spisock_pool pool);
void spisock_quota_uncharge(struct spisock_sock *ssk);
void spisock_quota_release(struct spisock_dev *dev);
int spisock_dev_net_init(void);
void spisock_dev_net_exit(void);
void spisock_dev_free_wait(void);
void spisock_class_add(struct spisock_dev_core *core);
void spisock_class_del(struct spisock_dev_core *core);
int spisock_class_init(void);
void spisock_class_exit(void);

#endif /* _SPISOCK_AF_SPISOCK_H */
