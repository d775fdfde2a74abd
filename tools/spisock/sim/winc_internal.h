/* SPDX-License-Identifier: GPL-2.0 */
/* Internals of the WINC1500 chip model. Not an API. */
#ifndef WINC_INTERNAL_H
#define WINC_INTERNAL_H

#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "nina_internal.h"
#include "winc_model.h"

/* §3.3: M2M_HIF_MAX_PACKET_SIZE */
#define WINC_HIF_MAX		1596
#define WINC_HIF_HDR		8
#define WINC_MAX_TXBUF		32
/* shared memory window of the 24-bit bus (§9: any free region works) */
#define WINC_SHM_BASE		0x30000u
#define WINC_SHM_SIZE		0x10000u
#define WINC_GPREGS		0x30100u	/* tstrGpRegs */
#define WINC_MAC_OTP		0x30200u
#define WINC_MAC_WORK		0x30210u
#define WINC_REV_RUN		0x30280u	/* tstrM2mRev, running image */
#define WINC_REV_OTA		0x30300u
#define WINC_TXBUF_BASE		0x31000u
#define WINC_TXBUF_SIZE		0x640u		/* 1600 */
#define WINC_RXBUF		0x3E000u
#define WINC_MAX_DMA		0x20000u	/* longest DMA command served */
#define WINC_OUT_MAX		(WINC_MAX_DMA + WINC_MAX_DMA / 256 * 3 + 64)
#define WINC_NREGS		128
#define WINC_EVQ		64
/* room a request needs: a join's link loss answers every socket */
#define WINC_REQ_ROOM		(WINC_SOCKS + 4)
#define WINC_TCP_SOCKS		7
#define WINC_UDP_SOCKS		4
#define WINC_SOCKS		(WINC_TCP_SOCKS + WINC_UDP_SOCKS)
#define WINC_SEND_MAX		1400	/* SOCKET_BUFFER_MAX_LENGTH */
#define WINC_MAX_SCAN		16
#define WINC_MAX_PEND		8	/* DNS or ping requests in flight */

/* registers (§3.1) */
#define R_CHIPID		0x1000
#define R_EFUSE			0x1014
#define R_CTRL3			0x106C
#define R_CTRL0			0x1070
#define R_CTRL2			0x1078
#define R_CTRL1			0x1084
#define R_STATE			0x108C
#define R_RFREV			0x13F4
#define R_GLB_RESET		0x1400
#define R_PIN_MUX		0x1408
#define R_GP_REG1		0x14A0
#define R_INTR_EN		0x1A00
#define R_GP_REG2		0xC0008
#define R_BOOTROM		0xC000C
#define R_REV			0x207AC
#define R_WAIT_HOST		0x207BC
#define R_CTRL4			0x150400
#define R_SPI_BASE		0xE800
#define R_SPI_PROTO		0xE824

#define BOOT_FINISH_ROM		0x10ADD09Eu
#define BOOT_START_FW		0xEF522F61u
#define BOOT_START_PS_FW	0x94992610u
#define BOOT_FINISH_INIT	0x02532636u

/* SPI error states (§2.4) */
enum { SPI_OK = 0, SPI_EUNSUP = 1, SPI_EDATA = 2, SPI_ECRC7 = 3,
       SPI_ECRC16 = 4, SPI_EINTERNAL = 5 };

/* socket layer (§4) */
enum { SOCK_OK = 0, SOCK_EINVAL_ADDR = -1, SOCK_EINUSE = -2,
       SOCK_EINVAL_ARG = -6, SOCK_EINVAL = -9, SOCK_EABORTED = -12,
       SOCK_ETIMEOUT = -13, SOCK_EFULL = -14 };

enum winc_fault_kind {
	WF_CRC, WF_NO_RESPONSE, WF_ERROR_STATE, WF_IRQ_DROP, WF_IRQ_STORM,
	WF_RESET, WF_LINK_DROP, WF_HOSTILE, WF_EIO, WF_ALLOC_FAIL, WF_STALL,
	WF_NKINDS
};

struct winc_fault {
	enum winc_fault_kind kind;
	double p;
	uint64_t nth, every, count;
	int op;			/* SPI command byte or HIF opcode; -1 any */
	int ms, len;
	uint64_t seen, fired;
};

enum spi_state { SP_IDLE, SP_CMD, SP_WTOKEN, SP_WDATA, SP_WCRC };

struct winc_spi {
	bool crc7, crc16;
	uint32_t proto;		/* 0xE824 */
	enum spi_state st;
	uint8_t cmd[10];
	size_t cmd_len, cmd_need;
	/* DMA write in progress */
	uint32_t waddr, wleft, pkt_left;
	uint8_t *wbuf;		/* one packet (8 KiB max) */
	size_t wpos;
	uint8_t wcrc[2];
	int wcrc_n;
	bool wbad;
	/* MISO queue */
	uint8_t *out;
	size_t out_len, out_pos;
};

enum txb_state { TXB_FREE, TXB_ALLOC, TXB_QUEUED, TXB_HELD };

struct winc_txbuf {
	enum txb_state st;
	uint16_t size;
	uint32_t word;		/* NMI_STATE_REG at allocation */
	uint64_t due;		/* realtime: processed no earlier */
};

struct winc_event {
	uint8_t gid, op;
	uint16_t len;		/* payload bytes */
	uint8_t data[WINC_HIF_MAX - WINC_HIF_HDR];
};

enum ws_state { WS_NEW, WS_BOUND, WS_LISTEN, WS_CONNECTING, WS_CONNECTED };

struct winc_send {
	int slot;
	uint8_t op;
	uint16_t session, size, done;
	uint32_t data;		/* bus address of the payload */
	struct sockaddr_in to;	/* sendto */
	bool has_to;
};

struct wsock {
	bool used;		/* the firmware knows this id */
	int fd;
	bool udp;
	enum ws_state st;
	uint16_t session;
	uint16_t port;
	struct in_addr peer;	/* as the program sees it */
	uint16_t peer_port;
	bool udp_send_cb;
	/* one receive outstanding (§4.6) */
	bool recv_pending;
	uint8_t recv_op;
	uint16_t recv_session;
	uint32_t recv_len;	/* 0: no limit given (8-byte command) */
	uint64_t recv_deadline;	/* 0: none */
	bool eof;
	/* connect in progress */
	uint16_t conn_session;
	uint64_t syn_due;	/* to nowhere (the gateway): when lwIP gives up */
	/* sends in order */
	struct winc_send sq[WINC_MAX_TXBUF];
	int nsq;
};

struct winc_pend {		/* DNS or ping in flight */
	bool used, ping;
	uint64_t due;
	uint8_t reply[68];
	uint16_t len;
};

enum fw_state { FW_OFF, FW_BOOTROM, FW_STARTING, FW_RUNNING };

struct winc_model {
	struct nina_config cfg;
	winc_line_fn line_fn;
	void *ctx;
	int fw_maj, fw_min, fw_pat;

	pthread_mutex_t lock;
	pthread_t thread;
	int wake[2];
	bool quit;
	uint64_t gen;		/* bumped at every reset */

	/* lines */
	int irqn, reset_in, chip_en, wake_in, cs_low;

	/* boot */
	enum fw_state fw;
	uint64_t t_efuse, t_bootrom, t_fw;
	uint32_t drv_word;	/* NMI_STATE_REG as the host wrote it at boot */

	struct winc_spi spi;
	uint8_t *shm;
	struct { uint32_t a, v; } regs[WINC_NREGS];
	int nregs;
	uint32_t ctrl0, ctrl1, ctrl2, ctrl4, state, pin_mux, intr_en, gp1;

	/* HIF */
	struct winc_txbuf txb[WINC_MAX_TXBUF];
	int ntxb;
	int rq[WINC_MAX_TXBUF];	/* queued requests: slot indices, in order */
	int nrq;
	struct winc_event *evq;	/* WINC_EVQ ring */
	int ev_head, ev_n;
	bool ev_busy;		/* a message is posted, waiting for RX done */
	bool irq_pending;	/* CTRL_0 bit0 not yet acknowledged */
	bool irq_suppressed;	/* fault: this message raises no IRQ */

	/* faults */
	struct winc_fault faults[WINC_MAX_FAULTS * 2];
	int nfaults;
	uint64_t rng;
	bool link_drop_req;
	int storm_left;

	struct winc_stats st;

	/* firmware (firmware thread, under lock) */
	int wifi;		/* winc_model_wifi_state() */
	int cur_ap;
	uint64_t t_assoc, t_dhcp, t_scan;
	int assoc_err;
	bool scanning;
	int nscan;
	int scan_idx[WINC_MAX_SCAN];
	bool have_creds;
	uint8_t creds[108];
	struct in_addr ip, mask, gw;
	struct wsock sk[WINC_SOCKS];
	struct winc_pend pend[WINC_MAX_PEND];
	uint64_t t_stall;	/* fault: the firmware does nothing until then */
};

/* little-endian fields of HIF messages (§4.2) */
static inline uint16_t winc_get16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

static inline uint32_t winc_get32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void winc_put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static inline void winc_put32(uint8_t *p, uint32_t v)
{
	winc_put16(p, v);
	winc_put16(p + 2, v >> 16);
}

/* groups (§3.3) */
enum { WINC_G_WIFI = 1, WINC_G_IP = 2 };

/* winc_model.c */
uint64_t winc_now(void);
uint64_t winc_ms_ns(struct winc_model *m, int ms);
uint32_t winc_req_us(struct winc_model *m, uint32_t word);
bool winc_fault_hit(struct winc_model *m, enum winc_fault_kind k, int op,
		    struct winc_fault **out);
uint32_t winc_rand(struct winc_model *m);
void winc_reset_locked(struct winc_model *m);
void winc_kick(struct winc_model *m);
bool winc_version_ge(struct winc_model *m, int maj, int min, int pat);
int winc_fault_parse(const char *rule, struct winc_fault *f, char *err,
		     size_t errlen);

/* winc_spi.c: the SPI command layer */
void winc_spi_reset(struct winc_spi *s);
uint8_t winc_crc7(const uint8_t *p, size_t n);
uint16_t winc_crc16(const uint8_t *p, size_t n);
void winc_spi_byte(struct winc_model *m, uint8_t in, uint8_t *out);

/* winc_hif.c: registers, memory, boot, HIF */
uint32_t winc_reg_read(struct winc_model *m, uint32_t addr);
void winc_reg_write(struct winc_model *m, uint32_t addr, uint32_t v);
uint32_t winc_clockless_read(struct winc_model *m, uint32_t addr);
void winc_clockless_write(struct winc_model *m, uint32_t addr, uint32_t v);
void winc_bus_read(struct winc_model *m, uint32_t addr, uint8_t *p, size_t n);
void winc_bus_write(struct winc_model *m, uint32_t addr, const uint8_t *p,
		    size_t n);
void winc_regs_reset(struct winc_model *m);
void winc_boot_tick(struct winc_model *m);
bool winc_event(struct winc_model *m, uint8_t gid, uint8_t op,
		const void *p, size_t n);
bool winc_event2(struct winc_model *m, uint8_t gid, uint8_t op,
		 const void *p, size_t n, size_t off, const void *d, size_t dn);
int winc_ev_room(struct winc_model *m);
void winc_post_locked(struct winc_model *m);
void winc_txb_free(struct winc_model *m, int slot);
void winc_set_irq(struct winc_model *m);

/* winc_sock.c: the firmware (sockets, Wi-Fi, DNS, ping) */
void winc_fw_tick(struct winc_model *m);
uint64_t winc_fw_next(struct winc_model *m, struct pollfd *p, int *np);
void winc_net_reset(struct winc_model *m);
void winc_link_lost(struct winc_model *m, bool notify);

/* winc_net.c: the Wi-Fi group, DNS and ping */
static inline bool winc_linked(struct winc_model *m)
{
	return m->wifi == 3;
}

void winc_wifi_request(struct winc_model *m, uint8_t op, const uint8_t *p,
		       size_t n);
void winc_dns_request(struct winc_model *m, const uint8_t *p, size_t n);
void winc_ping_request(struct winc_model *m, const uint8_t *p, size_t n);
void winc_state_changed(struct winc_model *m, int state, int err);
void winc_net_tick(struct winc_model *m, uint64_t now);
uint64_t winc_net_next(struct winc_model *m);
void winc_wifi_reset(struct winc_model *m);

#endif
