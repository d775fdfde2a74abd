/* SPDX-License-Identifier: GPL-2.0 */
/*
 * spisock_winc1500: the ATWINC1500 chip driver's internals. Section numbers
 * (§n) refer to the fact sheet protocols/winc1500.md of the project.
 */
#ifndef _SPISOCK_WINC1500_H
#define _SPISOCK_WINC1500_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <net/spisock.h>

struct gpio_desc;
struct spi_device;
struct dentry;

/* SPI commands (§2.1) */
#define WINC_CMD_INTERNAL_WRITE	0xc3
#define WINC_CMD_INTERNAL_READ	0xc4
#define WINC_CMD_DMA_EXT_WRITE	0xc7
#define WINC_CMD_DMA_EXT_READ	0xc8
#define WINC_CMD_SINGLE_WRITE	0xc9
#define WINC_CMD_SINGLE_READ	0xca
#define WINC_CMD_RESET		0xcf

/* registers (§3.1) */
#define WINC_REG_CHIPID		0x1000
#define WINC_REG_EFUSE		0x1014
#define WINC_REG_CTRL3		0x106c
#define WINC_REG_CTRL0		0x1070
#define WINC_REG_CTRL2		0x1078
#define WINC_REG_CTRL1		0x1084
#define WINC_REG_STATE		0x108c
#define WINC_REG_RFREV		0x13f4
#define WINC_REG_GLB_RESET	0x1400
#define WINC_REG_PIN_MUX	0x1408
#define WINC_REG_GP_REG1	0x14a0
#define WINC_REG_INTR_EN	0x1a00
#define WINC_REG_SPI_PROTO	0xe824
#define WINC_REG_GP_REG2	0xc0008
#define WINC_REG_BOOTROM	0xc000c
#define WINC_REG_REV		0x207ac
#define WINC_REG_WAIT_HOST	0x207bc
#define WINC_REG_CTRL4		0x150400

#define WINC_BOOT_FINISH_ROM	0x10add09e
#define WINC_BOOT_START_FW	0xef522f61
#define WINC_BOOT_FINISH_INIT	0x02532636

/* HIF (§3.3) */
#define WINC_HIF_HDR		8
#define WINC_HIF_MAX		1596
#define WINC_REQ_DATA_PKT	0x80
#define WINC_GID_WIFI		1
#define WINC_GID_IP		2

/* Wi-Fi opcodes (§5.1) */
#define WINC_W_REQ_RSSI		3
#define WINC_W_RESP_RSSI	4
#define WINC_W_REQ_CONN_INFO	5
#define WINC_W_RESP_CONN_INFO	6
#define WINC_W_REQ_SCAN		16
#define WINC_W_RESP_SCAN_DONE	17
#define WINC_W_REQ_SCAN_RESULT	18
#define WINC_W_RESP_SCAN_RESULT	19
#define WINC_W_REQ_CONNECT	40
#define WINC_W_REQ_DISCONNECT	43
#define WINC_W_RESP_CON_STATE	44
#define WINC_W_REQ_DHCP_CONF	50
#define WINC_W_REQ_DHCP_FAILURE	61

/* socket opcodes (§4.1) */
#define WINC_S_BIND		0x41
#define WINC_S_LISTEN		0x42
#define WINC_S_ACCEPT		0x43
#define WINC_S_CONNECT		0x44
#define WINC_S_SEND		0x45
#define WINC_S_RECV		0x46
#define WINC_S_SENDTO		0x47
#define WINC_S_RECVFROM		0x48
#define WINC_S_CLOSE		0x49
#define WINC_S_DNS		0x4a
#define WINC_S_PING		0x52

/* socket errors (§4.5) */
#define WINC_SOCK_ERR_ADDR_IN_USE	-2
#define WINC_SOCK_ERR_INVALID_ARG	-6
#define WINC_SOCK_ERR_CONN_ABORTED	-12
#define WINC_SOCK_ERR_TIMEOUT		-13
#define WINC_SOCK_ERR_BUFFER_FULL	-14

/* sockets (§4.3) */
#define WINC_TCP_SOCKS		7
#define WINC_UDP_SOCKS		4
#define WINC_SOCKS		(WINC_TCP_SOCKS + WINC_UDP_SOCKS)
#define WINC_SEND_MAX		1400	/* SOCKET_BUFFER_MAX_LENGTH */
#define WINC_TCP_TX_OFFSET	80	/* §3.6 */
#define WINC_UDP_TX_OFFSET	68
#define WINC_SENDS_MAX		16	/* outstanding sends (§4.6) */
#define WINC_RECV_MAX		(WINC_HIF_MAX - WINC_HIF_HDR - 16)

/* The largest block transfer one DMA command carries (one 8 KiB packet). */
#define WINC_XFER_MAX		2048
#define WINC_BUF_LEN		(WINC_XFER_MAX + 32)

/* Bus counters, kept under @bus_lock or atomically. */
struct winc_stats {
	atomic64_t bus_tx_bytes;
	atomic64_t bus_rx_bytes;
	atomic64_t bus_transactions;
	atomic64_t err_timeout;
	atomic64_t err_invalid;
	atomic64_t err_frame;
	atomic64_t retries;
	atomic64_t resets;
	atomic64_t wd_resets;
	atomic64_t link_drops;
	atomic64_t sock_tx_bytes;
	atomic64_t sock_rx_bytes;
	atomic64_t irqs;
	atomic64_t irqs_spurious;
	atomic64_t events;
	atomic64_t requests;
	atomic64_t alloc_fails;
	atomic64_t stale_session;
};

/**
 * struct winc_waiter - a control request waiting for its reply event
 * @node: on &winc_radio.waiters
 * @gid: the reply's group
 * @op: the reply's opcode
 * @sock: the socket id the reply carries at byte @sock_at, or -1: any
 * @sock_at: offset of the socket id in the reply
 * @buf: where the reply's payload goes
 * @len: in: room in @buf; out: bytes copied
 * @failed: the chip was reset before it answered
 * @done: completed by the IRQ thread
 */
struct winc_waiter {
	struct list_head node;
	u8 gid, op;
	int sock;
	unsigned int sock_at;
	void *buf;
	size_t len;
	bool failed;
	struct completion done;
};

enum winc_sk_state {
	WINC_SK_NEW,
	WINC_SK_BOUND,
	WINC_SK_LISTEN,
	WINC_SK_CONNECTING,
	WINC_SK_ESTABLISHED,
	WINC_SK_DEAD,		/* failed or peer closed: no more chip work */
};

/**
 * struct winc_sock - a socket's driver state (spisock_sock_priv())
 * @node: on &winc_radio.socks
 * @sk: the core's socket, held (sock_hold()) while this lives
 * @type: SOCK_STREAM or SOCK_DGRAM
 * @id: the chip's socket id, or -1
 * @session: the session id of @id, echoed in every reply
 * @state: &enum winc_sk_state
 * @port: bound port (network order)
 * @recv_pending: a RECV/RECVFROM is posted
 * @eof: the peer closed (stream)
 * @closing: the close op ran; the work item flushes and frees
 * @close_by: give up flushing then (jiffies)
 * @in_flight: bytes of sends the chip has not answered yet
 * @n_sends: sends posted and not answered
 * @sizes: their sizes, oldest first (a ring of WINC_SENDS_MAX)
 * @head: index of the oldest in @sizes
 *
 * Every field but @node, @sk and @type is guarded by &winc_radio.lock.
 */
struct winc_sock {
	struct list_head node;
	struct sock *sk;
	int type;
	int id;
	u16 session;
	u8 state;
	__be16 port;
	bool recv_pending;
	bool eof;
	bool closing;
	unsigned long close_by;
	size_t in_flight;
	unsigned int n_sends;
	u16 sizes[WINC_SENDS_MAX];
	unsigned int head;
};

/**
 * struct winc_radio - one ATWINC1500
 * @spi: the SPI device
 * @reset: RESET_N (optional), @enable: CHIP_EN (optional), @wake: WAKE
 *	(optional)
 * @irq: IRQN's interrupt
 * @sdev: the registered radio, NULL until registered
 * @name: "winc<index>"
 * @index: from the driver's IDA
 * @bus_lock: serialises the SPI bus: a command with its response and
 *	data, a HIF request (allocate, write, TX done), an event's read and
 *	RX done. Protects @crc, @tx, @rx, @req
 * @crc: CRC7/CRC16 are on (until the host turns them off at boot)
 * @tx, @rx: DMA-safe bounce buffers of WINC_BUF_LEN bytes
 * @req: a request's message (WINC_HIF_MAX bytes)
 * @evbuf: the current event's message (WINC_HIF_MAX + 4 bytes), the IRQ
 *	thread's only
 * @lock: spinlock guarding @waiters, @socks, @by_id, per-socket state,
 *	@session, @next_tcp, @next_udp, @sends, @linked, @dhcp
 * @waiters: &struct winc_waiter list
 * @socks: every &struct winc_sock
 * @by_id: chip socket id to its owner
 * @session: the last session id handed out
 * @next_tcp, @next_udp: round-robin id allocation (§4.3)
 * @sends: sends in flight on the whole radio
 * @linked: the chip reported the link up and gave an address
 * @tx_lock: a socket's bytes in flight and its transmit queue's head
 *	change together under it: the peek at the in-flight offset and the
 *	send (work item), the consume on the chip's answer (IRQ thread).
 *	Taken outside @bus_lock; no op takes it
 * @work: posts sends and receives, flushes closing sockets (atomic ops
 *	only record work); runs on @wq
 * @link_work: reports a link loss the chip announced
 * @retry: @work again shortly after the chip had no buffer, on @wq
 * @reset_work: the watchdog's chip reset, on @wq
 * @tick: the status tick (system_wq)
 * @wd_count: bus failures in a row
 * @resetting: the chip is being reset: its failures count for nothing
 * @stopping: remove has begun: no reset is started any more
 * @wq: ordered workqueue for @work, @link_work and @reset_work
 * @fw: firmware major, minor, patch
 * @recv_cmd_len: tstrRecvCmd's size for this firmware (8 or 12)
 * @link_wait: waits for the join's outcome
 * @link_state: 0 waiting, 1 connected, 2 address, <0 failed (chip code)
 * @joins: joins started (under @lock)
 * @loss_joins: @joins when the chip last reported a link loss: the loss
 *	is reported to the core only if no join started since (under @lock)
 * @ip: address, gateway, DNS, netmask from the DHCP event
 * @stats: counters
 * @debugfs: the radio's debugfs directory
 */
struct winc_radio {
	struct spi_device *spi;
	struct gpio_desc *reset;
	struct gpio_desc *enable;
	struct gpio_desc *wake;
	int irq;
	struct spisock_dev *sdev;
	char name[16];
	int index;

	struct mutex bus_lock;	/* the SPI bus, @crc, @tx, @rx, @req */
	bool crc;
	u8 *tx;
	u8 *rx;
	u8 *req;
	u8 *evbuf;

	spinlock_t lock;	/* see above */
	struct list_head waiters;
	struct list_head socks;
	struct winc_sock *by_id[WINC_SOCKS];
	u16 session;
	unsigned int next_tcp, next_udp;
	unsigned int sends;
	bool linked;

	struct mutex tx_lock;	/* see above */
	struct work_struct work;
	struct work_struct link_work;
	struct delayed_work retry;
	struct work_struct reset_work;
	struct delayed_work tick;
	atomic_t wd_count;
	bool resetting;
	bool stopping;
	struct workqueue_struct *wq;

	u8 fw[3];
	unsigned int recv_cmd_len;

	wait_queue_head_t link_wait;
	int link_state;
	unsigned int joins, loss_joins;
	__be32 ip[4];

	struct winc_stats stats;
	struct dentry *debugfs;
};

static inline struct winc_radio *winc_radio(struct spisock_dev *sdev)
{
	return *(struct winc_radio **)sdev->priv;
}

static inline u16 winc_get16(const u8 *p)
{
	return p[0] | p[1] << 8;
}

static inline u32 winc_get32(const u8 *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (u32)p[3] << 24;
}

static inline void winc_put16(u8 *p, u16 v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void winc_put32(u8 *p, u32 v)
{
	winc_put16(p, v);
	winc_put16(p + 2, v >> 16);
}

/* spi.c */
u8 winc_crc7(const u8 *p, size_t n);
u16 winc_crc16(const u8 *p, size_t n);
int winc_reg_read(struct winc_radio *r, u32 addr, u32 *val);
int winc_reg_write(struct winc_radio *r, u32 addr, u32 val);
int winc_block_read(struct winc_radio *r, u32 addr, void *buf, size_t len);
int winc_block_write(struct winc_radio *r, u32 addr, const void *buf,
		     size_t len);
int winc_spi_reset_cmd(struct winc_radio *r);
int winc_spi_init(struct winc_radio *r);

/* boot.c */
void winc_chip_power(struct winc_radio *r, bool on);
int winc_boot(struct winc_radio *r);
int winc_read_mac(struct winc_radio *r, u8 *mac);

/* hif.c */
const char *winc_op_name(u8 gid, u8 op);
int winc_hif_send(struct winc_radio *r, u8 gid, u8 op, const void *ctrl,
		  size_t clen, const void *data, size_t dlen, size_t doff);
int winc_hif_request(struct winc_radio *r, u8 gid, u8 op, const void *ctrl,
		     size_t clen);
void winc_waiter_add(struct winc_radio *r, struct winc_waiter *w, u8 gid,
		     u8 op, int sock, unsigned int sock_at, void *buf,
		     size_t len);
int winc_waiter_wait(struct winc_radio *r, struct winc_waiter *w,
		     unsigned int ms);
void winc_check_alive(struct winc_radio *r);
irqreturn_t winc_irq_thread(int irq, void *data);

/* wifi.c */
extern const struct spisock_dev_ops winc_dev_ops;
void winc_wifi_event(struct winc_radio *r, u8 op, const u8 *p, size_t n);
void winc_link_work(struct work_struct *work);

int winc_rssi(struct winc_radio *r, s32 *rssi);

/* recover.c */
void winc_wd_feed(struct winc_radio *r, int err);
void winc_reset_request(struct winc_radio *r);
void winc_reset_work(struct work_struct *work);
void winc_tick_work(struct work_struct *work);

/* sock.c */
int winc_sock_open(struct spisock_dev *sdev, struct sock *sk, int type);
int winc_sock_bind(struct spisock_dev *sdev, struct sock *sk,
		   const struct sockaddr_in *addr);
int winc_sock_listen(struct spisock_dev *sdev, struct sock *sk, int backlog);
int winc_sock_connect(struct spisock_dev *sdev, struct sock *sk,
		      const struct sockaddr_in *addr);
void winc_sock_close(struct spisock_dev *sdev, struct sock *sk);
void winc_sock_kick(struct spisock_dev *sdev, struct sock *sk);
void winc_sock_recv(struct spisock_dev *sdev, struct sock *sk, size_t len);
void winc_sock_want(struct spisock_dev *sdev, struct sock *sk,
		    unsigned int mask);
void winc_sock_event(struct winc_radio *r, u8 op, const u8 *p, size_t n);
void winc_sock_work(struct work_struct *work);
void winc_sock_retry(struct work_struct *work);
void winc_socks_lost(struct winc_radio *r);
void winc_socks_free(struct winc_radio *r);

/* stats.c */
int winc_dev_stats(struct spisock_dev *sdev, struct spisock_dev_stats *st);
unsigned int winc_dev_stats_count(struct spisock_dev *sdev);
void winc_debugfs_init(struct winc_radio *r);
void winc_debugfs_exit(struct winc_radio *r);
void winc_debugfs_module_init(void);
void winc_debugfs_module_exit(void);

#endif /* _SPISOCK_WINC1500_H */
