/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the nina-fw chip model. Not an API. */
#ifndef NINA_INTERNAL_H
#define NINA_INTERNAL_H

#include <netinet/in.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "nina_model.h"
#include "winc_opts.h"

#define NINA_BUF		4092	/* SPI_MAX_DMA_LEN */
#define NINA_HOSTILE_BUF	8192
#define NINA_MAX_SOCKETS	10
#define NINA_MAX_APS		16
#define NINA_MAX_MAPS		32
#define NINA_MAX_HOSTS		32
#define NINA_MAX_PINGS		16
#define NINA_MAX_FAULTS		32
#define NINA_MAX_SCAN		10
#define NINA_UDP_MAX		1472
#define NINA_RECV_MAX		4076

/* newlib errno numbers (facts §3.7) */
enum {
	NE_EIO = 5, NE_EBADF = 9, NE_EAGAIN = 11, NE_ENOMEM = 12,
	NE_EINVAL = 22, NE_ENFILE = 23, NE_EPIPE = 32,
	NE_EOPNOTSUPP = 95, NE_ECONNRESET = 104, NE_ENOBUFS = 105,
	NE_EAFNOSUPPORT = 106, NE_EPROTOTYPE = 107, NE_ENOTSOCK = 108,
	NE_ENOPROTOOPT = 109, NE_ECONNREFUSED = 111, NE_EADDRINUSE = 112,
	NE_ECONNABORTED = 113, NE_ENETUNREACH = 114, NE_ENETDOWN = 115,
	NE_ETIMEDOUT = 116, NE_EHOSTUNREACH = 118, NE_EINPROGRESS = 119,
	NE_EALREADY = 120, NE_EDESTADDRREQ = 121, NE_EMSGSIZE = 122,
	NE_EPROTONOSUPPORT = 123, NE_EADDRNOTAVAIL = 125, NE_EISCONN = 127,
	NE_ENOTCONN = 128,
};

/* lwIP constants (facts §3.7) */
#define LW_SO_ACCEPTCONN	0x0002
#define LW_SO_REUSEADDR		0x0004
#define LW_SO_KEEPALIVE		0x0008
#define LW_SO_BROADCAST		0x0020
#define LW_SO_SNDTIMEO		0x1005
#define LW_SO_RCVTIMEO		0x1006
#define LW_SO_ERROR		0x1007
#define LW_SO_TYPE		0x1008
#define LW_SO_NO_CHECK		0x100A
#define LW_FIONBIO		0x8004667Eu
#define LW_FIONREAD		0x4004667Fu

enum nina_flavour { FLAVOUR_ARDUINO, FLAVOUR_ADAFRUIT };
enum nina_sec { SEC_OPEN, SEC_WEP, SEC_WPA, SEC_WPA2, SEC_ENT };

struct nina_ap {
	char ssid[33];
	uint8_t bssid[6];
	int channel;
	int rssi;
	enum nina_sec sec;
	char pass[65];
	bool hidden;
	bool has_ip;
	struct in_addr ip, mask, gw;
};

struct nina_map {
	struct in_addr from, to;
	uint16_t from_port, to_port;	/* host order; 0 = any port (keep it) */
};

struct nina_host {
	char name[256];
	struct in_addr addr;
	bool fail;
	int delay_ms;
};

struct nina_ping {
	struct in_addr addr;
	int rtt_ms;		/* -1: no answer */
};

struct nina_config {
	enum nina_flavour flavour;
	char version[33];
	bool version_set;
	int sockets;		/* 0 = from the flavour */
	int bsd;		/* -1 auto, 0, 1 */
	int pad_replies;	/* -1 auto (fw >= 1.4.0), 0, 1 */
	int mac_reversed;	/* -1 auto (reversed), 0, 1 */
	bool dma_drop_partial;
	uint8_t filler;		/* MISO past the reply / when not armed */
	uint8_t mac[6];
	struct in_addr radio_ip, radio_mask, radio_gw;
	struct in_addr ap_ip, ap_mask;
	struct in_addr dns[2];
	double time_factor;
	int boot_ms, assoc_ms, scan_ms, dns_ms, ntp_ms, ap_ms, wifi_ms;
	int ping_ms, ping_timeout_ms;
	int syn_timeout_ms;	/* a SYN nobody answers: lwIP gives up */
	int auth_fail_reason;	/* wrong passphrase: the disconnect reason */
	int64_t time_offset;	/* added to the host clock for GET_TIME */
	bool time_fixed;
	int64_t time_value;
	uint32_t spi_hz;
	uint32_t turnaround_us, cmd_us, io_cmd_us;
	uint32_t sock_buf;	/* SO_SNDBUF/SO_RCVBUF of the POSIX sockets */
	bool realtime;
	uint64_t seed;
	int nap;
	struct nina_ap ap[NINA_MAX_APS];
	int nmap;
	struct nina_map map[NINA_MAX_MAPS];
	struct in_addr echo_addr;	/* "echo": the echo service */
	uint16_t echo_port;		/* 0: none */
	int nhost;
	struct nina_host host[NINA_MAX_HOSTS];
	int nping;
	struct nina_ping ping[NINA_MAX_PINGS];
	char faults[NINA_MAX_FAULTS][160];
	int nfaults;
	enum sim_chip_kind chip;	/* "chip": nina (default) or winc1500 */
	struct winc_opts winc;		/* the winc1500 personality's keywords */
};

enum fault_kind {
	F_READY_DROP, F_READY_DELAY, F_CS_NACK, F_CORRUPT, F_TRUNCATE,
	F_ERROR_FRAME, F_EIO, F_STALL, F_RESET, F_LINK_DROP, F_REFUSE,
	F_HOSTILE, F_NKINDS
};

struct nina_fault {
	enum fault_kind kind;
	double p;		/* probability per occurrence (if > 0) */
	uint64_t nth;		/* fire on the nth occurrence (if > 0) */
	uint64_t every;		/* fire on every nth occurrence */
	uint64_t count;		/* max firings, 0 = unlimited */
	int op;			/* -1 any; else command opcode filter */
	int ms;
	int len;
	uint64_t seen, fired;
};

/* Chip socket (lwIP descriptor) */
enum csk_state { CSK_NEW, CSK_BOUND, CSK_LISTEN, CSK_CONNECTING,
		 CSK_CONNECTED, CSK_CLOSED_PEER };

struct csock {
	bool used;
	int fd;			/* POSIX socket */
	int type;		/* 1 stream, 2 dgram */
	enum csk_state st;
	bool nonblock;
	bool bound;
	uint16_t port;		/* chip-level local port, host order */
	bool local_nonzero;	/* lwIP local address non-zero (closes on link loss) */
	int pending_err;	/* newlib errno for SO_ERROR */
	bool errevent;		/* lwIP's errevent: sticky, POLL's 0x04 */
	bool blackhole;		/* peer outside the virtual network: routed via
				 * the gateway, nothing ever answers */
	uint64_t syn_due_ns;	/* blackhole connect: when lwIP gives up */
	int opt_reuse, opt_keepalive, opt_broadcast;
	uint32_t rcvtimeo_ms, sndtimeo_ms;
	struct in_addr peer;	/* program-visible peer */
	uint16_t peer_port;
	bool echo;		/* connected to the echo service (nina_echo.c): */
	int echo_lfd, echo_fd;	/* its listener, then its peer's end, or -1 */
};

/*
 * The legacy API's slot (facts §3.6): socketTypes[i] and the per-slot
 * objects of the firmware (tcpClients[i], tcpServers[i], udps[i]). The
 * objects live on whatever the type byte says: GET_CLIENT_STATE frees the
 * type, not the sockets, and STOP_CLIENT leaves the server alone. Each
 * object holds an index into the shared lwIP pool (sk[]), or -1; an index
 * whose socket was closed elsewhere (link loss, connected()) is stale, as
 * the firmware's fd is, and may name a later socket.
 */
#define NINA_SLOT_FREE		255
#define NINA_UDP_BUF		1500	/* WiFiUDP's send and receive buffers */

struct nina_slot {
	uint8_t type;		/* 0 TCP, 1 UDP, 255 free */
	bool was_connected;	/* AF >= 3.3.0 socketWasConnected[] */
	int client;		/* WiFiClient: sk index or -1 */
	int server;		/* WiFiServer's listener: sk index or -1 */
	int spawned[NINA_MAX_SOCKETS];	/* WiFiServer's accepted sockets */
	int udp;		/* WiFiUDP: sk index or -1 */
	uint8_t rxb[NINA_UDP_BUF];
	size_t rx_len, rx_pos;	/* the current datagram */
	struct in_addr rx_from;
	uint16_t rx_port;
	uint8_t txb[NINA_UDP_BUF];
	size_t tx_len;
	struct in_addr tx_to;
	uint16_t tx_port;
};

enum slave_state { SL_OFF, SL_IDLE, SL_ARMED_RX, SL_RX, SL_ARMED_TX, SL_TX };

enum wifi_mode { WM_NONE, WM_STA, WM_AP };

struct nina_model {
	struct nina_config cfg;
	nina_line_fn line_fn;
	void *ctx;

	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_t thread;
	int wake[2];
	bool quit;

	/* lines */
	int ready, gpio0_out, reset_in, gpio0_in, cs_low;
	bool gpio0_driven_by_chip;

	/* power */
	enum nina_chip_state chip;
	uint64_t gen;		/* bumped on every reset */
	bool boot_pending;
	int strap_cs_low, strap_gpio0_low;

	/* slave */
	enum slave_state sl;
	bool in_txn, txn_armed;
	uint8_t rx[NINA_BUF];
	size_t rx_len, rx_clocked;
	bool rx_done, tx_done;
	uint8_t *tx;		/* NINA_HOSTILE_BUF */
	size_t tx_len, tx_pos;

	/* faults (under lock) */
	struct nina_fault faults[NINA_MAX_FAULTS];
	int nfaults;
	uint64_t rng;
	bool nack_this_txn;
	bool drop_ready;
	bool pending_reset_fault;
	bool link_drop_req;
	int cur_op;		/* opcode of the command in progress, -1 none */
	uint32_t last_proc_us;	/* modeled processing of the last command */

	struct nina_stats st;

	/* --- command-loop (firmware) state: loop thread only, except where noted */
	uint8_t cmd[NINA_BUF];
	size_t cmd_len;
	uint8_t *rep;		/* NINA_HOSTILE_BUF */
	size_t rep_len;
	int rep_nparams, rep_pos;
	int err;		/* errno of the last 0x7x command (newlib) */

	/* wifi (under lock: read by nina_model_wifi_status) */
	enum wifi_mode mode;
	int status, reason;
	bool connecting;
	uint64_t due_ns;	/* association completes */
	uint64_t linked_ns;
	int cur_ap;		/* index into cfg.ap, or -1 */
	char join_ssid[33];
	char join_pass[65];
	bool join_has_pass;
	char ap_ssid[33];
	int ap_channel;
	enum nina_sec ap_sec;
	bool static_ip;
	struct in_addr ip, mask, gw;
	struct in_addr dns[2];
	char hostname[33];
	int power_mode;
	bool last_if_ap;
	int nscan;
	int scan_idx[NINA_MAX_SCAN];
	struct in_addr dns_result;

	struct csock sk[NINA_MAX_SOCKETS];
	struct nina_slot slot[NINA_MAX_SOCKETS];
	int nsockets;		/* lwIP pool = legacy slots (facts §4) */
	int fd_base;
	bool bsd;
	bool pad;
	bool mac_rev;
};

/* model core */
uint64_t nina_now_ns(void);
void nina_set_line_locked(struct nina_model *m, enum nina_line line, int level);
bool nina_aborted(struct nina_model *m, uint64_t gen);
/* interruptible sleep/poll on the command loop; false if a reset/quit came */
bool nina_sleep_ms(struct nina_model *m, double ms, uint64_t gen);
int nina_wait_fd(struct nina_model *m, int fd, short events, int timeout_ms,
		 uint64_t gen);
bool nina_fault_hit(struct nina_model *m, enum fault_kind k, int op,
		    struct nina_fault **out);
uint32_t nina_rand(struct nina_model *m);

/* commands (nina_cmds.c) */
void nina_exec(struct nina_model *m, uint64_t gen);
void nina_net_reset(struct nina_model *m);	/* power-on state, closes sockets */
void nina_net_update(struct nina_model *m);	/* lazy association */
void nina_link_lost(struct nina_model *m, int reason, int status);
int nina_cmd_width16(int op);			/* request uses 16-bit lengths */
int nina_reply_width16(int op);

/* shared by the BSD (nina_cmds.c) and legacy (nina_slots.c) sockets */
void nina_rep_p8(struct nina_model *m, const void *d, size_t n);
void nina_rep_p16(struct nina_model *m, const void *d, size_t n);
void nina_rep_u8(struct nina_model *m, uint8_t v);
void nina_stat_inc(struct nina_model *m, uint64_t *p);
bool nina_linked(struct nina_model *m);
bool nina_af1(struct nina_model *m);
int nina_fail_status(struct nina_model *m, int reason);
double nina_tf_ms(struct nina_model *m, int ms);
int nina_resolve(struct nina_model *m, const char *name, struct in_addr *out,
		 uint64_t gen);
int nina_nerr(int e);
struct csock *nina_sock_alloc(struct nina_model *m, int type);
void nina_sock_free(struct nina_model *m, struct csock *s);
void nina_update_open_count(struct nina_model *m);
bool nina_do_bind(struct nina_model *m, struct csock *s, uint16_t port);
int nina_connect_err(int e);
void nina_connect_failed(struct csock *s, int ne);
void nina_check_connect(struct csock *s);
ssize_t nina_recv_dgram(struct csock *s, uint8_t *buf, size_t size,
			struct sockaddr_in *sa);

/* the echo service (nina_echo.c) */
bool nina_echo_connect(struct nina_model *m, struct csock *s,
		       struct in_addr a, uint16_t port, struct in_addr *to,
		       uint16_t *to_port);
void nina_echo_sent(struct nina_model *m, struct csock *s, size_t n,
		    uint64_t gen);
void nina_echo_close(struct csock *s);

/* legacy slot commands (nina_slots.c) */
void nina_slots_reset(struct nina_model *m);
void nina_slots_gpio0(struct nina_model *m);	/* the GPIO0 updater task */
bool nina_slot_cmd_ok(struct nina_model *m, int op);	/* lengths it copies */
bool nina_h_start_server(struct nina_model *m, uint64_t gen);
bool nina_h_get_state(struct nina_model *m, uint64_t gen);
bool nina_h_data_sent(struct nina_model *m, uint64_t gen);
bool nina_h_avail_data(struct nina_model *m, uint64_t gen);
bool nina_h_get_data(struct nina_model *m, uint64_t gen);
bool nina_h_start_client(struct nina_model *m, uint64_t gen);
bool nina_h_stop_client(struct nina_model *m, uint64_t gen);
bool nina_h_client_state(struct nina_model *m, uint64_t gen);
bool nina_h_send_udp(struct nina_model *m, uint64_t gen);
bool nina_h_remote_data(struct nina_model *m, uint64_t gen);
bool nina_h_get_socket(struct nina_model *m, uint64_t gen);
bool nina_h_send_data(struct nina_model *m, uint64_t gen);
bool nina_h_get_databuf(struct nina_model *m, uint64_t gen);
bool nina_h_insert_databuf(struct nina_model *m, uint64_t gen);

/* nina_fork.c: 0x4A-0x4F and 0x5E, by flavour (facts §3.8, §3.9) */
bool nina_h_fork_4x(struct nina_model *m, uint64_t gen);
bool nina_h_fw_version_u32(struct nina_model *m, uint64_t gen);

/* config (nina_config.c) */
void nina_config_defaults(struct nina_config *cfg);
int nina_fault_parse(const char *rule, struct nina_fault *f,
		     char *err, size_t errlen);
int nina_version_cmp(const char *v, int maj, int min, int pat);
bool nina_map_out(const struct nina_config *cfg, struct in_addr a,
		  uint16_t port, struct in_addr *to, uint16_t *to_port);
void nina_map_in(const struct nina_config *cfg, struct in_addr a,
		 uint16_t port, struct in_addr *from, uint16_t *from_port);

#endif
