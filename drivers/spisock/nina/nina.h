/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nina-fw chip driver: what its parts share. One radio is one struct
 * nina_radio; only its worker thread talks to the bus (transport.c), and it
 * executes the requests other contexts queue (cmd.c).
 */
#ifndef _SPISOCK_NINA_H
#define _SPISOCK_NINA_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/lockdep.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/u64_stats_sync.h>
#include <linux/wait.h>
#include <linux/in.h>

#include <net/spisock.h>

#include "frame.h"
#include "policy.h"

struct gpio_desc;
struct spi_device;
struct spisock_dev;
struct sock;
struct task_struct;

/* What the status tick watches (&nina_radio.tick_state). */
#define NINA_TICK_NONE		0	/* not linked: nothing to watch */
#define NINA_TICK_JOINING	1	/* an interrupted join goes on */
#define NINA_TICK_LINKED	2	/* linked: watch for a loss */

#define NINA_SCAN_MAX		10	/* MAX_SCAN_RESULTS (facts §4) */

/* GET_CONN_STATUS values (facts §3.1). */
#define NINA_WL_IDLE		0
#define NINA_WL_NO_SSID_AVAIL	1
#define NINA_WL_CONNECTED	3
#define NINA_WL_CONNECT_FAILED	4
#define NINA_WL_DISCONNECTED	6

#define NINA_FW_VERSION_MAX	32

/*
 * Which fork the firmware is (&nina_radio.flavour): its 3.x releases give
 * 0x4A-0x4F different meanings (facts §3.9). UNKNOWN: a 3.x the probe
 * confirmed as neither; no forked opcode may go to it.
 */
enum nina_flavour {
	NINA_FW_ARDUINO,
	NINA_FW_ADAFRUIT,
	NINA_FW_UNKNOWN,
};

/* The largest lwIP socket pool nina-fw is built with (facts §4). */
#define NINA_POOL_MAX		10

/* Chip descriptors are one byte; 255 is SOCKET_SOCKET's failure value. */
#define NINA_NO_FD		255
#define NINA_SLOT_COUNT		10	/* the firmware's MAX_SOCKETS slots */

/*
 * SOCKET_POLL flags (facts §3.7). With FAIL (lwip_select() failed, EBADF
 * for a descriptor the chip lacks: 0x87) the other bits mean nothing; a
 * connection error sets EX with RD and WR (0x07), and EX stays.
 */
#define NINA_POLL_RD		0x01
#define NINA_POLL_WR		0x02
#define NINA_POLL_EX		0x04
#define NINA_POLL_FAIL		0x80

/* lwIP numbers the firmware passes through. */
#define NINA_FIONBIO		0x8004667e
#define NINA_FIONREAD		0x4004667f
#define NINA_SO_REUSEADDR	0x0004
#define NINA_SO_KEEPALIVE	0x0008
#define NINA_SO_BROADCAST	0x0020
#define NINA_SO_ERROR		0x1007
#define NINA_FW_EAGAIN		11
#define NINA_FW_ECONNRESET	104
#define NINA_FW_ECONNABORTED	113
#define NINA_FW_EINPROGRESS	119
#define NINA_FW_ENOTCONN	128

/**
 * struct nina_sock - the driver's side of one spisock socket
 * @node: on &nina_radio.socks, under &nina_radio.lock
 * @sk: the socket; the driver holds a reference until it frees this
 * @fd: chip descriptor, or -1; written under the radio's lock (the loss
 *	procedure takes it from the worker while the socket's calls run),
 *	read without it through nina_sock_fd()
 * @gen: the radio's generation when @fd was obtained; written with @fd by
 *	the command the socket's own call waits for, or before the socket is
 *	on @socks
 * @type: SOCK_STREAM or SOCK_DGRAM, set before the socket is on @socks
 * @port: the bound port, network order (the socket's calls, under
 *	lock_sock)
 * @state: see &enum nina_sock_state; written under the radio's lock
 *	(nina_sock_set_state()), read without it through nina_sock_state()
 * @want: SPISOCK_WANT_* interest, under the radio's lock; the worker also
 *	reads it without (READ_ONCE())
 * @want_at: jiffies of the last recorded interest, under the radio's lock
 * @next_poll: ktime_get_ns() before which the worker leaves the socket
 *	alone, under the radio's lock
 * @interval_ms: current back-off interval, under the radio's lock
 * @looked_at: ktime_get_ns() of the worker's last look, under the radio's
 *	lock
 * @unwatched: the last look missed with nobody waiting, and @next_poll is
 *	the ceiling's (nina_look_delay()); the reader's next call brings it
 *	back (nina_sock_want()). Under the radio's lock
 * @kick: serve at the next pass regardless of back-off, under the radio's
 *	lock
 * @closing: released by the core; flush, then SOCKET_CLOSE. Set under the
 *	radio's lock, never cleared; the worker also reads it without
 *	(READ_ONCE())
 * @close_by: jiffies after which a close stops flushing; set with
 *	@closing, under the radio's lock
 * @rx_eof: the chip reported the peer's FIN (worker only)
 * @rx_more: the last SOCKET_RECV came back full: read on without a poll
 *	(worker only)
 * @tx_hold_until: ktime_get_ns() until which a partial frame waits for
 *	more (TCP_NODELAY off, a SEND just went; see nina_tx_hold()), under
 *	the radio's lock
 * @tx_held: the worker held data back and will look again by
 *	@tx_hold_until, under the radio's lock
 * @opts: the NINA_OPT_* options the chip socket has now; written by whoever
 *	runs the socket's commands, read by the worker's pass
 *	(READ_ONCE()/WRITE_ONCE())
 * @rx_sync: SIOCINQ's requests to read what the chip holds now, under the
 *	radio's lock
 * @rx_synced: the last request the worker served (woken on
 *	&nina_radio.sync_wq), under the radio's lock; read without it
 * @rx_chip: what the chip still held after that (worker only; READ_ONCE())
 * @vt: its virtual time, the bytes its turns on the bus moved
 *	(nina_turn_pick()), under the radio's lock
 * @eager: polls of its own left that a miss does not back off
 *	(nina_eager_next()), under the radio's lock
 * @wait_until: ktime_get_ns() until which its request waits for an answer:
 *	it is due after each turn of another socket (nina_answer_wait()),
 *	under the radio's lock
 * @turn_at: &nina_radio.turns after its last turn, under the radio's lock
 *
 * Freed only by the worker (after SOCKET_CLOSE) or, once the worker has
 * stopped, by the driver's teardown, which first clears the socket's
 * private pointer; so the worker may use it unlocked.
 */
struct nina_sock {
	struct list_head node;
	struct sock *sk;
	int fd;
	u32 gen;
	u8 type;
	__be16 port;
	u8 state;
	unsigned int want;
	unsigned long want_at;
	u64 next_poll;
	unsigned int interval_ms;
	u64 looked_at;
	bool unwatched;
	bool kick;
	bool closing;
	unsigned long close_by;
	bool rx_eof;
	bool rx_more;
	u64 tx_hold_until;
	bool tx_held;
	u8 opts;
	unsigned int rx_sync;
	unsigned int rx_synced;
	unsigned int rx_chip;
	u64 vt;
	unsigned int eager;
	u64 wait_until;
	u32 turn_at;
};

struct nina_radio;

/**
 * struct nina_path - how the driver serves sockets on this firmware
 * @name: "bsd" or "slot", for the log and debugfs
 * @ops: the ops table registered with the core
 * @serve: the worker serves one socket that is due; whether anything
 *	happened (poll.c's back-off)
 * @close_step: the worker flushes and closes a socket the core released,
 *	and frees its state once done
 * @close_fd: the worker closes a chip socket nobody owns any more (the
 *	loss procedure)
 *
 * Chosen once at probe (nina_detect_firmware()): the BSD socket commands
 * (0x70-0x7F, poll.c and sock.c) when the firmware answers them, else the
 * legacy slot commands (slot.c).
 */
struct nina_path {
	const char *name;
	const struct spisock_dev_ops *ops;
	int (*serve)(struct nina_radio *r, struct nina_sock *ns);
	void (*close_step)(struct nina_radio *r, struct nina_sock *ns);
	void (*close_fd)(struct nina_radio *r, u8 fd);
};

extern const struct nina_path nina_bsd_path;
extern const struct nina_path nina_slot_path;

typedef int (*nina_run_fn)(struct nina_radio *r, const struct nina_sock *ns,
			   u8 op, const struct nina_param *params,
			   unsigned int n);

/**
 * struct nina_guard - the socket a queued socket command is for
 * @owner: must still own the descriptor in the command's first parameter;
 *	NULL for a SOCKET_CLOSE whose owner has already forgotten it (then
 *	nobody may own it)
 * @gen: the descriptor generation it belongs to
 *
 * A system call reads its descriptor, then waits in the queue; meanwhile
 * the chip may lose its sockets and give the number to another socket
 * (decision 6). The worker checks the guard before sending.
 */
struct nina_guard {
	const struct nina_sock *owner;
	u32 gen;
};

/**
 * struct nina_counters - what the driver did on the bus (stats.c)
 * @sync: 64-bit reads on 32-bit hosts (one writer: probe, then the worker)
 * @cmd: commands run, by opcode
 * @mosi_bytes: command bytes clocked out
 * @miso_bytes: reply bytes clocked in
 * @transactions: chip-select-framed transactions (two per command)
 * @err_timeout: commands READY never answered
 * @err_invalid: replies that failed validation, and other bus errors
 * @err_frame: the firmware's error frame (unknown command)
 * @retries: socket commands that failed on the bus, retried later
 * @resets: chip resets
 * @wd_resets: resets the watchdog decided on (a stuck or insane chip)
 * @uncertain: socket commands the chip may have executed without the host
 *	learning the outcome, and closes that failed on the bus (the socket
 *	failed, or a descriptor sweep ran)
 * @link_drops: times the chip lost its sockets (link loss, reset)
 * @poll_hits: socket services that moved data or changed state
 * @poll_misses: socket services that found nothing
 * @sock_tx_bytes: payload taken from sockets and sent by the chip
 * @sock_rx_bytes: payload read from the chip into sockets
 */
struct nina_counters {
	struct u64_stats_sync sync;
	u64 cmd[NINA_NR_OPS];
	u64 mosi_bytes;
	u64 miso_bytes;
	u64 transactions;
	u64 err_timeout;
	u64 err_invalid;
	u64 err_frame;
	u64 retries;
	u64 resets;
	u64 wd_resets;
	u64 uncertain;
	u64 link_drops;
	u64 poll_hits;
	u64 poll_misses;
	u64 sock_tx_bytes;
	u64 sock_rx_bytes;
};

/**
 * struct nina_req - one command for the worker
 * @node: on the radio's queue, under @nina_radio.lock
 * @op: opcode
 * @params: command parameters (owned by the submitter)
 * @n: their number
 * @reply: where the validated reply frame is copied (owned by the submitter)
 * @reply_size: its size
 * @out: the reply's parameters, pointing into @reply
 * @status: number of reply parameters, or a negative errno
 * @then_errno: when the one-byte reply is @fail, read SOCKET_ERRNO at once
 * @fail: the reply byte that means "failed, see errno"
 * @fw_errno: the firmware's errno read after @fail, or a negative errno
 * @sent: set by the worker: the command reached the chip, so a failure
 *	leaves its effect unknown
 * @guard: for a socket command from a system call, the socket it is for;
 *	the worker fails it with -ENETDOWN, unsent, when that is stale
 * @claim: for SOCKET_SOCKET, the socket that owns the new descriptor; the
 *	worker records it before it polls anything else
 * @claim_err: the result of that, 0 or -ENETRESET (nina_fd_own())
 * @slot: for a slot-path command that takes a new slot: the worker runs
 *	GET_SOCKET just before it, writes the slot here (a byte the command's
 *	parameters point at) and makes @claim its owner; a failure of that is
 *	the request's status
 * @done: completed by the worker
 *
 * Fixed size, filled by the submitter (on its stack or in per-socket
 * slots): queueing never allocates.
 */
struct nina_req {
	struct list_head node;
	u8 op;
	const struct nina_param *params;
	unsigned int n;
	u8 *reply;
	size_t reply_size;
	struct nina_param out[NINA_MAX_PARAMS];
	int status;
	bool then_errno;
	u8 fail;
	int fw_errno;
	bool sent;
	const struct nina_guard *guard;
	struct nina_sock *claim;
	int claim_err;
	u8 *slot;
	struct completion done;
};

/**
 * struct nina_radio - one NINA-W102 on a SPI bus
 * @spi: the bus device
 * @sdev: the registered radio (NULL before registration)
 * @ready: READY input
 * @reset: RESET output (may be NULL)
 * @gpio0: GPIO0 (may be NULL)
 * @ready_irq: interrupt on READY edges, or 0 to poll
 * @ready_event: set by the interrupt, cleared before each look at READY
 * @ready_wq: woken by the interrupt
 * @speed_hz: SPI clock
 * @tx: command buffer (DMA-safe, NINA_BUF_LEN)
 * @rx: reply buffer (DMA-safe, NINA_BUF_LEN)
 * @lock: the radio's lock, taken by the core's atomic ops (send, want,
 *	accept, rx_room), the socket ops and the worker. It guards @queue,
 *	@stopping, @socks, @owner, @nfds, @gen, @kick, @vclock, @turns, @loss,
 *	@sweep, @parked and, of every &struct nina_sock on @socks, @state and @fd (for
 *	writing), @want, @want_at, @next_poll, @interval_ms, @looked_at,
 *	@unwatched, @kick, @closing, @close_by, @tx_hold_until, @tx_held,
 *	@vt, @eager, @wait_until and @turn_at. Read without it, with
 *	READ_ONCE(): @owner and @nfds (the worker's sweeps, the socket
 *	count), @loss (the worker's check before each command), and a
 *	socket's @state, @fd, @want and @closing. A leaf below the core's
 *	locks: under it the driver calls only the core's lockless helpers
 *	(spisock_sock_set_chip(), the spisock_tx_*() and spisock_rx_space()
 *	queries, spisock_accept_room(), spisock_sk_waiting()
 *	under RCU).
 * @queue: pending requests
 * @stopping: the worker is stopping; new requests fail
 * @removing: the device is being removed: a wait for READY ends (-ENODEV),
 *	so that a command the chip holds (a slot-path connect, up to
 *	connect_timeout_ms) does not hold the removal; written once, read
 *	without a lock
 * @worker: the thread that alone talks to the bus
 * @worker_wq: wakes the worker
 * @sync_wq: SIOCINQ waits here for the worker's read (&nina_sock.rx_sync)
 * @fw_version: GET_FW_VERSION's string, NUL-terminated
 * @flavour: which fork, &enum nina_flavour (nina_detect_firmware())
 * @pool: the chip's socket pool as probed, descriptors 64 - @pool to 63
 * @fw_major: the version's major number
 * @fw_minor: its minor number
 * @fw_patch: its patch number (0 when the string has none)
 * @no_reason: the firmware has no GET_REASON_CODE (Adafruit's 1.x, Arduino's
 *	before 1.2.3): a join's failure is told by its status alone
 * @accept_flag: AVAIL_DATA_TCP takes the accept flag (Arduino's from 1.6.0,
 *	Adafruit's from 2.0.0): a listener's connection gets a slot before it
 *	has sent data
 * @path: the socket path chosen at probe, never changed afterwards
 * @name: the radio's name ("nina<index>"), for messages and traces
 * @index: the "nina%d" number
 * @stats: counters, for DEV_GET and debugfs
 * @xacts: transactions of the command in progress (worker only)
 * @cmd_sent: the command in progress was clocked out (worker only)
 * @wd_count: transport failures in a row (worker only)
 * @wd_wedged: the watchdog decided to reset the chip (worker only)
 * @wd_recovering: a watchdog reset is in progress (worker only)
 * @sweep: a SOCKET_SOCKET or SOCKET_ACCEPT may have opened a descriptor
 *	the host never learned of, or a failed SOCKET_CLOSE left one open;
 *	close the unowned ones (under @lock)
 * @debugfs: the radio's debugfs directory, or NULL
 * @socks: every &struct nina_sock, under @lock
 * @owner: chip descriptor -> the socket owning it, under @lock; the
 *	worker's sweeps read it without (READ_ONCE())
 * @nfds: chip descriptors in use, under @lock; read without it for the
 *	socket limit and the status (READ_ONCE())
 * @parked: the slot path's slot -> port (network order) of the server a
 *	closed listener left listening there (no command stops one), 0 for
 *	none; a listen() on that port adopts it (slot.c). Under @lock
 * @gen: bumped when chip state is lost (link loss, reset), under @lock
 * @kick: a socket wants the worker's attention, under @lock
 * @vclock: the latest virtual time picked for a turn on the bus
 *	(nina_turn_pick(), nina_vclock_next()), under @lock
 * @turns: turns on the bus so far (wraps), under @lock
 * @loss: the chip proved it lost its sockets; the worker recovers. Set
 *	under @lock; the worker also reads it without (READ_ONCE())
 * @io: the worker's payload scratch buffer (NINA_BUF_LEN)
 * @tick_state: NINA_TICK_*, what the status tick watches
 * @tick_at: jiffies of the next status tick
 * @link_proof: a connected stream socket moved data since the last status
 *	tick (nina_tick()); the worker's alone
 * @join_until: jiffies after which an interrupted join counts as failed
 * @scan: the last scan's networks (BSSID -> channel for the link), under
 *	the core's per-radio control lock
 * @nscan: their number
 */
struct nina_radio {
	struct spi_device *spi;
	struct spisock_dev *sdev;
	struct gpio_desc *ready;
	struct gpio_desc *reset;
	struct gpio_desc *gpio0;
	int ready_irq;
	atomic_t ready_event;
	wait_queue_head_t ready_wq;
	u32 speed_hz;
	u8 *tx;
	u8 *rx;

	spinlock_t lock;	/* see the kernel-doc: what it guards */
	struct list_head queue;
	bool stopping;
	bool removing;
	struct task_struct *worker;
	wait_queue_head_t worker_wq;
	wait_queue_head_t sync_wq;

	char fw_version[NINA_FW_VERSION_MAX + 1];
	enum nina_flavour flavour;
	unsigned int pool;
	unsigned int fw_major;
	unsigned int fw_minor;
	unsigned int fw_patch;
	bool no_reason;
	bool accept_flag;
	const struct nina_path *path;
	int index;
	char name[16];
	struct nina_counters stats;
	unsigned int xacts;
	bool cmd_sent;
	unsigned int wd_count;
	bool wd_wedged;
	bool wd_recovering;
	bool sweep;
	struct dentry *debugfs;

	struct list_head socks;
	struct nina_sock *owner[NINA_NO_FD];
	unsigned int nfds;
	__be16 parked[NINA_SLOT_COUNT];
	u32 gen;
	bool kick;
	u64 vclock;
	u32 turns;
	bool loss;
	u8 *io;

	int tick_state;
	unsigned long tick_at;
	bool link_proof;
	unsigned long join_until;
	struct spisock_scan_result scan[NINA_SCAN_MAX];
	unsigned int nscan;
};

/* The radio behind a core device (its priv area holds the pointer). */
static inline struct nina_radio *nina_radio(struct spisock_dev *sdev)
{
	return *(struct nina_radio **)sdev->priv;
}

static inline const char *nina_name(const struct nina_radio *r)
{
	return r->name;
}

/* A socket's state, written under the radio's lock (see &nina_sock). */
static inline void nina_sock_set_state(struct nina_radio *r,
				       struct nina_sock *ns, u8 state)
{
	lockdep_assert_held(&r->lock);
	WRITE_ONCE(ns->state, state);
}

/* Its state without the lock: the loss procedure may fail it meanwhile. */
static inline u8 nina_sock_state(const struct nina_sock *ns)
{
	return READ_ONCE(ns->state);
}

/* Its descriptor without the lock: the loss procedure may take it. */
static inline int nina_sock_fd(const struct nina_sock *ns)
{
	return READ_ONCE(ns->fd);
}

/* Record a chip descriptor's owner; under the radio's lock. */
static inline void nina_owner_set(struct nina_radio *r, u8 fd,
				  struct nina_sock *ns)
{
	lockdep_assert_held(&r->lock);
	/* The sweeps read the table without the lock. */
	WRITE_ONCE(r->owner[fd], ns);
}

/*
 * Add @n to counter @c of @r; from the counters' one writer only. The writer
 * is a preemptible thread: on 32-bit hosts the irqsave form keeps it from
 * being preempted inside the sequence (a no-op on 64-bit).
 */
static inline void nina_count(struct nina_radio *r, u64 *c, u64 n)
{
	unsigned long flags = u64_stats_update_begin_irqsave(&r->stats.sync);

	*c += n;
	u64_stats_update_end_irqrestore(&r->stats.sync, flags);
}

/* stats.c */
unsigned int nina_stats_count(struct nina_radio *r);
int nina_stats_fill(struct nina_radio *r, struct spisock_dev_stats *st);
int nina_dev_stats(struct spisock_dev *sdev, struct spisock_dev_stats *st);
unsigned int nina_dev_stats_count(struct spisock_dev *sdev);

/* The one-byte answer of executed @req (@ret: its status), or an errno. */
static inline int nina_reply_u8(const struct nina_req *req, int ret)
{
	if (ret < 0)
		return ret;
	if (ret != 1 || req->out[0].len != 1)
		return -EIO;
	return req->out[0].data[0];
}

/* debugfs.c */
void nina_debugfs_init(struct nina_radio *r);
void nina_debugfs_exit(struct nina_radio *r);
void nina_debugfs_module_init(void);
void nina_debugfs_module_exit(void);

/* transport.c */
int nina_transport_init(struct nina_radio *r);
void nina_chip_reset(struct nina_radio *r);
void nina_chip_hold_reset(struct nina_radio *r);
int nina_transact(struct nina_radio *r, size_t cmd_len, u8 op,
		  unsigned int reply_ms, size_t *reply_len);

/* cmd.c */
int nina_cmd_timeout_ms(u8 op);
int nina_worker_start(struct nina_radio *r);
void nina_worker_stop(struct nina_radio *r);
int nina_cmd(struct nina_radio *r, struct nina_req *req);
int nina_cmd_u8(struct nina_radio *r, u8 op, const struct nina_param *params,
		unsigned int n);
int nina_cmd_u8_errno(struct nina_radio *r, u8 op,
		      const struct nina_param *params, unsigned int n, u8 fail,
		      int *fw_errno);
int nina_cmd_u8_guarded(struct nina_radio *r, const struct nina_guard *g,
			u8 op, const struct nina_param *params, unsigned int n,
			u8 fail, int *fw_errno);
int nina_exec(struct nina_radio *r, struct nina_req *req);
int nina_w_u8(struct nina_radio *r, u8 op, const struct nina_param *params,
	      unsigned int n);
void nina_kick(struct nina_radio *r);

/* sock.c */
extern unsigned int nina_poll_ceiling_ms;
extern unsigned int nina_nagle_us;
int nina_sock_open(struct spisock_dev *sdev, struct sock *sk, int type);
int nina_sock_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr);
int nina_sock_listen(struct spisock_dev *sdev, struct sock *sk, int backlog);
int nina_sock_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr);
void nina_sock_close(struct spisock_dev *sdev, struct sock *sk);
void nina_sock_want(struct spisock_dev *sdev, struct sock *sk,
		    unsigned int mask);
void nina_sock_kick(struct spisock_dev *sdev, struct sock *sk);
void nina_sock_send(struct spisock_dev *sdev, struct sock *sk);
void nina_sock_recv(struct spisock_dev *sdev, struct sock *sk, size_t len);
int nina_sock_inq(struct spisock_dev *sdev, struct sock *sk);
void nina_socks_free(struct nina_radio *r);
int nina_fd_own(struct nina_radio *r, struct nina_sock *ns, u8 fd);
u8 nina_opts_wanted(const struct nina_sock *ns);
bool nina_opts_due(const struct nina_sock *ns);
int nina_sock_push_opts(struct nina_radio *r, struct nina_sock *ns,
			nina_run_fn run);
void nina_fd_release(struct nina_radio *r, struct nina_sock *ns);

/* poll.c: the worker's side of the sockets */
ktime_t nina_poll_pass(struct nina_radio *r);
void nina_loss_recover(struct nina_radio *r);
void nina_loss_forget(struct nina_radio *r, const char *why);
void nina_sweep(struct nina_radio *r);
void nina_sock_forget(struct nina_radio *r, struct nina_sock *ns);
void nina_adopt(struct nina_radio *r, struct nina_sock *ns, u8 nfd,
		const struct sockaddr_in *peer);

/* watchdog.c */
void nina_wd_note(struct nina_radio *r, int ret);
bool nina_wd_suspect(const struct nina_radio *r);
void nina_wd_recover(struct nina_radio *r);

/* slot.c: the legacy slot commands (facts §3.6) */
#define NINA_SLOT_SEND_MAX	4000	/* SEND_DATA_TCP data, as hosts clamp */
#define NINA_SLOT_RECV_MAX	4000	/* GET_DATABUF_TCP: the chip never clamps */
#define NINA_SLOT_UDP_MAX	1472	/* INSERT_DATABUF: one datagram, unfragmented */
int nina_slot_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr);
int nina_slot_listen(struct spisock_dev *sdev, struct sock *sk, int backlog);
int nina_slot_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr);

/* ops.c */
extern const struct spisock_dev_ops nina_dev_ops;
extern const struct spisock_dev_ops nina_slot_dev_ops;
int nina_detect_firmware(struct nina_radio *r);
const char *nina_flavour_name(const struct nina_radio *r);
void nina_status_tick(struct nina_radio *r);
int nina_read_mac(struct nina_radio *r, u8 *mac);

#endif /* _SPISOCK_NINA_H */
