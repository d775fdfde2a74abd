// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side tests of the nina-fw model's legacy slot commands (facts §3.6):
 * the host flows of WiFiNINA and ESP32SPI byte for byte through the bus
 * API, and one test per quirk. TAP output.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nina_model.h"
#include "tap.h"
#include "test_host.h"

static struct host H;
static struct nina_model *M;
static struct reply R;

#define P(...) ((struct param){ __VA_ARGS__ })
#define B(...) ((const uint8_t[]){ __VA_ARGS__ })
#define PB(...) P(B(__VA_ARGS__), sizeof(B(__VA_ARGS__)))
#define PS(s) P((s), strlen(s))
#define P1(v) P((uint8_t[]){ (v) }, 1)
#define PORT(p) P((uint8_t[]){ (p) >> 8, (p) & 0xff }, 2)

static const uint8_t LO[4] = { 127, 0, 0, 1 };

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void msleep(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* a linked radio; extra config lines; WiFiNINA's padding unless changed */
static void start(const char **extra)
{
	static const char *base[] = {
		"ap ssid=OpenCafe security=open",
		"host example.com 127.0.0.1",
		"host-fail broken.example",
		"assoc-ms 0", "wifi-ms 0", "boot-ms 0", "dns-ms 0",
		NULL
	};
	struct nina_config *c = nina_config_new();
	char err[200];

	for (int i = 0; base[i]; i++)
		nina_config_line(c, base[i], err, sizeof(err));
	for (int i = 0; extra && extra[i]; i++)
		if (nina_config_line(c, extra[i], err, sizeof(err)))
			diag("config: %s", err);
	host_init(&H);
	M = nina_model_new(c, host_line, &H);
	H.m = M;
	nina_config_free(c);
	host_wait_ready(&H, 0, 3000);
	host_cmd(&H, 0x10, 1, (struct param[]){ PS("OpenCafe") }, &R);
	for (int i = 0; i < 100; i++) {
		host_cmd(&H, 0x20, 0, NULL, &R);
		if (rep_u(&R, 0) == 3)
			break;
		msleep(2);
	}
}

static void stop(void)
{
	nina_model_free(M);
	host_destroy(&H);
	M = NULL;
}

static int cmd(int op, int n, const struct param *p)
{
	return host_cmd(&H, op, n, p, &R);
}

static int cmd_u8(int op, int n, const struct param *p)
{
	if (cmd(op, n, p) || R.error_frame)
		return -1;
	return (int)rep_u(&R, 0);
}

static uint64_t violations(void)
{
	struct nina_stats st;

	nina_model_stats(M, &st);
	return st.violations;
}

static uint32_t open_sockets(void)
{
	struct nina_stats st;

	nina_model_stats(M, &st);
	return st.open_sockets;
}

/* ---- host-side peers ---- */

static int listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;

	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	listen(fd, 8);
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static int accept_tmo(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return accept(lfd, NULL, NULL);
}

static int udp_sock(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	getsockname(fd, (struct sockaddr *)&sa, &sl);
	*port = ntohs(sa.sin_port);
	return fd;
}

static ssize_t recv_tmo(int fd, void *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) <= 0)
		return -1;
	return recv(fd, buf, len, MSG_DONTWAIT);
}

/* a peer connecting to the radio's server (radio address 127.0.2.1) */
static int connect_radio(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_radio_udp(int fd, uint16_t port, const void *d, size_t len)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };

	inet_pton(AF_INET, "127.0.2.1", &sa.sin_addr);
	sendto(fd, d, len, 0, (struct sockaddr *)&sa, sizeof(sa));
}

/* ---- the slot commands ---- */

static int get_socket(void)
{
	return cmd_u8(0x3F, 0, NULL);
}

/* START_CLIENT_TCP form A: ip, port, slot, type; 1 ok, 0 zero params */
static int start_client(const uint8_t *ip, uint16_t port, int slot, int type)
{
	if (cmd(0x2D, 4, (struct param[]){ P(ip, 4), PORT(port), P1(slot), P1(type) }))
		return -1;
	return R.n == 1 && rep_u(&R, 0) == 1;
}

/* form B as WiFiNINA 2.x sends it: host, ip, port, slot, type, timeout */
static int start_client_host(const char *host, uint16_t port, int slot, int type)
{
	if (cmd(0x2D, 6, (struct param[]){ PS(host), PB(0, 0, 0, 0), PORT(port),
					   P1(slot), P1(type), PB(0x27, 0x10) }))
		return -1;
	return R.n == 1 && rep_u(&R, 0) == 1;
}

static int start_server(uint16_t port, int slot, int type)
{
	return cmd_u8(0x28, 3, (struct param[]){ PORT(port), P1(slot), P1(type) });
}

static int client_state(int slot)
{
	return cmd_u8(0x2F, 1, (struct param[]){ P1(slot) });
}

static int stop_client(int slot)
{
	return cmd_u8(0x2E, 1, (struct param[]){ P1(slot) });
}

/* AVAIL_DATA_TCP, 2-param form with the accept byte at offset 6 */
static int avail2(int slot, int accept)
{
	if (cmd(0x2B, 2, (struct param[]){ P1(slot), P1(accept) }) || R.plen[0] != 2)
		return -1;
	return R.p[0][0] | R.p[0][1] << 8;
}

/* 1-param form, raw, with the padding byte at offset 6 chosen */
static int avail1_pad(int slot, uint8_t pad)
{
	uint8_t f[8] = { 0xE0, 0x2B, 0x01, 0x01, slot, 0xEE, pad, pad };

	host_send_raw(&H, f, 8);
	if (host_recv(&H, 0x2B, &R) || R.plen[0] != 2)
		return -1;
	return R.p[0][0] | R.p[0][1] << 8;
}

/* SEND_DATA_TCP: bytes taken (LE) */
static int send_data(int slot, const void *d, size_t len)
{
	if (cmd(0x44, 2, (struct param[]){ P1(slot), P(d, len) }) || R.error_frame ||
	    R.plen[0] != 2)
		return -1;
	return R.p[0][0] | R.p[0][1] << 8;
}

/* GET_DATABUF_TCP: the length sent little-endian, as the hosts do */
static int get_databuf(int slot, uint16_t len)
{
	if (cmd(0x45, 2, (struct param[]){ P1(slot), P((uint8_t[]){ len & 0xff, len >> 8 }, 2) }))
		return -1;
	return (int)R.plen[0];
}

static int insert_databuf(int slot, const void *d, size_t len)
{
	return cmd_u8(0x46, 2, (struct param[]){ P1(slot), P(d, len) });
}

static int send_udp(int slot)
{
	return cmd_u8(0x39, 1, (struct param[]){ P1(slot) });
}

/* ---------------------------------------------------------------- flows */

/* WiFiNINA WiFiClient: connect, write, available/read gated by GPIO0, stop */
static void test_wifinina_client(void)
{
	uint16_t port;
	int lfd = listener(&port), pfd, s;
	char buf[64];

	start(NULL);
	H.pad = PAD_WIFININA;
	s = get_socket();
	ok(s == 0, "WiFiNINA: GET_SOCKET -> slot 0");
	ok(start_client_host("example.com", port, s, 0) == 1,
	   "WiFiNINA: START_CLIENT_TCP 6-param form, host resolved, connected (1)");
	ok(client_state(s) == 4, "WiFiNINA: GET_CLIENT_STATE_TCP -> 4 (ESTABLISHED)");
	pfd = accept_tmo(lfd, 1000);
	ok(pfd >= 0, "WiFiNINA: the peer accepted the connection");
	ok(send_data(s, "hello", 5) == 5, "WiFiNINA: SEND_DATA_TCP -> 5 (LE)");
	ok(cmd_u8(0x2A, 1, (struct param[]){ P1(s) }) == 1, "DATA_SENT_TCP: a no-op answering 1");
	ok(recv_tmo(pfd, buf, sizeof(buf), 1000) == 5 && !memcmp(buf, "hello", 5),
	   "WiFiNINA: the peer received the bytes");
	ok(H.gpio0 == 0, "GPIO0: low while nothing is pending");
	send(pfd, "world!", 6, 0);
	msleep(30);
	client_state(s);	/* any command: the updater runs after it */
	ok(H.gpio0 == 1, "GPIO0: high once a client slot has data (after a command)");
	ok(avail2(s, 0) == 6, "WiFiNINA: AVAIL_DATA_TCP -> 6 (FIONREAD)");
	ok(get_databuf(s, 64) == 6 && !memcmp(R.p[0], "world!", 6),
	   "WiFiNINA: GET_DATABUF_TCP -> the 6 bytes (P16 reply)");
	ok(H.gpio0 == 0, "GPIO0: low again once read");
	close(pfd);
	msleep(30);
	ok(client_state(s) == 0, "WiFiNINA: peer closed -> GET_CLIENT_STATE_TCP 0");
	ok(get_socket() == s, "WiFiNINA: ... and the slot is free again");
	ok(open_sockets() == 0, "WiFiNINA: connected() closed the socket at the end of stream");
	stop();
	close(lfd);
}

/*
 * The echo service through the slot commands, as through the BSD ones: the
 * answer is at the chip when SEND_DATA_TCP's reply comes.
 */
static void test_echo(void)
{
	static const char *extra[] = { "echo 192.0.2.7:7", NULL };
	static char big[3000];
	int s, n = 0, got;

	start(extra);
	s = get_socket();
	ok(start_client(B(192, 0, 2, 7), 7, s, 0) == 1 && client_state(s) == 4,
	   "echo: START_CLIENT_TCP connects to the echo service");
	ok(send_data(s, "ping!", 5) == 5 && avail2(s, 0) == 5 &&
	   get_databuf(s, 64) == 5 && !memcmp(R.p[0], "ping!", 5),
	   "echo: the answer is available right after SEND_DATA_TCP, no wait");
	memset(big, 'e', sizeof(big));
	if (send_data(s, big, sizeof(big)) == (int)sizeof(big))
		while ((got = avail2(s, 0)) > 0 && get_databuf(s, got) > 0)
			n += R.plen[0];
	ok(n == (int)sizeof(big), "echo: 3000 bytes back at once (%d)", n);
	ok(stop_client(s) == 1 && open_sockets() == 0, "echo: STOP_CLIENT_TCP closes");
	stop();
}

/* ESP32SPI: socket_open (4-param), poll 0x2F, 64-byte writes, available, read */
static void test_esp32spi_client(void)
{
	uint16_t port;
	int lfd = listener(&port), pfd, s, total = 0;
	char msg[150], buf[200];

	start(NULL);
	H.pad = PAD_CIRCUITPY;
	for (size_t i = 0; i < sizeof(msg); i++)
		msg[i] = 'a' + i % 26;
	s = get_socket();
	ok(start_client(LO, port, s, 0) == 1, "ESP32SPI: socket_open 4-param form connects");
	ok(client_state(s) == 4, "ESP32SPI: socket_connect's 0x2F poll -> 4");
	pfd = accept_tmo(lfd, 1000);
	for (size_t o = 0; o < sizeof(msg); o += 64) {
		size_t n = sizeof(msg) - o < 64 ? sizeof(msg) - o : 64;

		total += send_data(s, msg + o, n);
	}
	cmd(0x2A, 1, (struct param[]){ P1(s) });
	ok(total == (int)sizeof(msg), "ESP32SPI: socket_write in 64-byte chunks (%d)", total);
	ok(recv_tmo(pfd, buf, sizeof(buf), 1000) > 0, "ESP32SPI: the peer got them");
	send(pfd, msg, 100, 0);
	msleep(30);
	ok(avail1_pad(s, 0) == 100, "ESP32SPI: socket_available (1 param) -> 100");
	ok(get_databuf(s, 40) == 40 && !memcmp(R.p[0], msg, 40),
	   "ESP32SPI: socket_read with an LE size of 40 -> 40 bytes");
	ok(avail1_pad(s, 0) == 60, "ESP32SPI: 60 left");
	ok(stop_client(s) == 1 && open_sockets() == 0 && get_socket() == s,
	   "ESP32SPI: socket_close (STOP_CLIENT_TCP) closes and frees");
	close(pfd);
	/* socket_open with a host name: 5 params, ip 0.0.0.0 */
	ok(cmd(0x2D, 5, (struct param[]){ PS("example.com"), PB(0, 0, 0, 0), PORT(port),
					  P1(s), P1(0) }) == 0 && R.n == 1 && rep_u(&R, 0) == 1,
	   "ESP32SPI: socket_open 5-param form with a host name connects");
	pfd = accept_tmo(lfd, 1000);
	ok(pfd >= 0 && client_state(s) == 4, "ESP32SPI: ... ESTABLISHED");
	stop_client(s);
	close(pfd);
	stop();
	close(lfd);
}

/* a server slot: listen, accept through AVAIL_DATA's accept flag */
static void test_server_accept(void)
{
	int pfd, c, s;
	char buf[16];

	start(NULL);
	s = get_socket();
	ok(start_server(8080, s, 0) == 1, "server: START_SERVER_TCP form A, type 0 -> 1");
	ok(cmd_u8(0x29, 1, (struct param[]){ P1(s) }) == 1, "server: GET_STATE_TCP -> 1 (listening)");
	ok(avail2(s, 1) == 255, "server: accept flag, nothing pending -> 255");
	pfd = connect_radio(8080);
	msleep(30);
	c = avail2(s, 1);
	ok(c == 1, "server: accept flag -> the first free slot (1)");
	ok(client_state(c) == 4, "server: the accepted slot is ESTABLISHED");
	ok(send_data(c, "hi", 2) == 2 && recv_tmo(pfd, buf, sizeof(buf), 1000) == 2,
	   "server: SEND_DATA_TCP on the accepted slot reaches the peer");
	send(pfd, "abc", 3, 0);
	msleep(30);
	ok(get_databuf(c, 16) == 3 && !memcmp(R.p[0], "abc", 3),
	   "server: GET_DATABUF_TCP on the accepted slot");
	cmd(0x3A, 1, (struct param[]){ P1(c) });
	ok(R.n == 2 && !memcmp(R.p[0], B(127, 0, 0, 1), 4),
	   "server: GET_REMOTE_DATA names the peer");
	close(pfd);
	stop();
}

/* UDP: a slot bound by START_SERVER type 1, receive, answer */
static void test_udp_flow(void)
{
	uint16_t pport;
	int pfd = udp_sock(&pport), s;
	char buf[64];

	start(NULL);
	s = get_socket();
	ok(start_server(9000, s, 1) == 1, "UDP: START_SERVER_TCP type 1 binds the slot");
	send_radio_udp(pfd, 9000, "ping!", 5);
	msleep(30);
	get_socket();	/* a command: the GPIO0 task's parsePacket() */
	ok(H.gpio0 == 1, "UDP: GPIO0 high with a datagram parsed");
	ok(avail2(s, 0) == 5, "UDP: AVAIL_DATA_TCP -> 5 bytes in the datagram");
	cmd(0x3A, 1, (struct param[]){ P1(s) });
	ok(R.n == 2 && !memcmp(R.p[0], LO, 4) && R.p[1][0] == pport >> 8 &&
	   R.p[1][1] == (pport & 0xff),
	   "UDP: GET_REMOTE_DATA -> sender, port big-endian");
	ok(get_databuf(s, 64) == 5 && !memcmp(R.p[0], "ping!", 5), "UDP: GET_DATABUF_TCP -> datagram");
	ok(start_client(LO, pport, s, 1) == 1, "UDP: START_CLIENT_TCP type 1 (beginPacket) -> 1");
	ok(insert_databuf(s, "pong", 4) == 1, "UDP: INSERT_DATABUF -> 1");
	ok(send_udp(s) == 1, "UDP: SEND_UDP_DATA -> 1");
	ok(recv_tmo(pfd, buf, sizeof(buf), 1000) == 4 && !memcmp(buf, "pong", 4),
	   "UDP: the peer received the datagram");
	/* endPacket() keeps the buffer: a second send repeats, an insert appends */
	ok(send_udp(s) == 1 && recv_tmo(pfd, buf, sizeof(buf), 1000) == 4,
	   "UDP quirk: SEND_UDP_DATA again resends the kept buffer");
	insert_databuf(s, "!", 1);
	send_udp(s);
	ok(recv_tmo(pfd, buf, sizeof(buf), 1000) == 5 && !memcmp(buf, "pong!", 5),
	   "UDP quirk: INSERT_DATABUF after a send appends (only beginPacket clears)");
	stop();
	close(pfd);
}

/* ---------------------------------------------------------------- quirks */

/* AF >= 3: START_CLIENT type 1 opens its own socket (udps.begin(0)) */
static void test_udp_af3(void)
{
	const char *af33[] = { "flavour adafruit", "version 3.3.0", NULL };
	uint16_t pport;
	int pfd = udp_sock(&pport);
	char buf[16];

	start(af33);
	ok(start_client(LO, pport, 0, 1) == 1 && insert_databuf(0, "af3", 3) == 1 &&
	   send_udp(0) == 1 && recv_tmo(pfd, buf, sizeof(buf), 1000) == 3,
	   "AF 3.3.0: START_CLIENT_TCP type 1 alone (ESP32SPI's UDP socket_open) sends");
	stop();
	close(pfd);
}

static void test_get_socket(void)
{
	uint16_t port;
	int lfd = listener(&port);

	start(NULL);
	ok(get_socket() == 0 && get_socket() == 0,
	   "GET_SOCKET: does not reserve (0 twice)");
	start_client(LO, port, 0, 0);
	ok(get_socket() == 1, "GET_SOCKET: the next free slot once 0 is used");
	cmd(0x2F, 1, (struct param[]){ P1(10) });
	ok(R.error_frame && violations() == 1,
	   "slot past the table: error frame, violation counted (no bounds check on the chip)");
	stop();
	close(lfd);
}

static void test_start_server_forms(void)
{
	uint16_t pport;
	int pfd = udp_sock(&pport);

	start(NULL);
	ok(cmd_u8(0x28, 4, (struct param[]){ PB(0, 0, 0, 0), PORT(8081), P1(2), P1(0) }) == 1 &&
	   cmd_u8(0x29, 1, (struct param[]){ P1(2) }) == 1,
	   "START_SERVER_TCP form B (ip, port, slot, type): slot 2 listens");
	ok(cmd_u8(0x28, 4, (struct param[]){ PB(239, 1, 2, 3), PORT(9001), P1(3), P1(3) }) == 1,
	   "START_SERVER_TCP type 3 (multicast) -> 1");
	send_radio_udp(pfd, 9001, "m", 1);
	msleep(30);
	get_socket();
	ok(avail2(3, 0) == 1, "START_SERVER_TCP type 3: a UDP slot (type 1)");
	ok(start_server(8082, 4, 2) == 0, "START_SERVER_TCP type 2 -> 0");
	ok(cmd_u8(0x29, 1, (struct param[]){ P1(3) }) == 0, "GET_STATE_TCP: 0 for a UDP slot");
	ok(start_server(8081, 5, 0) == 0, "START_SERVER_TCP: port already listening -> 0");
	stop();
	close(pfd);
}

/* Before the BSD commands, begin() answered nothing: START_SERVER_TCP is 1. */
static void test_start_server_old(void)
{
	const char *af17[] = { "flavour adafruit", "version 1.7.7", NULL };
	const char *a148[] = { "version 1.4.8", NULL };
	const char **fw[] = { af17, a148 };

	for (int i = 0; i < 2; i++) {
		start(fw[i]);
		ok(start_server(8081, 0, 0) == 1 &&
		   cmd_u8(0x29, 1, (struct param[]){ P1(0) }) == 1,
		   "%s: START_SERVER_TCP -> 1, slot 0 listens", fw[i][0]);
		ok(start_server(8081, 1, 0) == 1 &&
		   cmd_u8(0x29, 1, (struct param[]){ P1(1) }) == 0,
		   "%s: port already listening -> still 1, GET_STATE_TCP 0", fw[i][0]);
		ok(get_socket() == 2, "%s: and the slot is taken (type TCP)", fw[i][0]);
		cmd_u8(0x2E, 1, (struct param[]){ P1(0) });
		ok(cmd_u8(0x29, 1, (struct param[]){ P1(0) }) == 1 && get_socket() == 0,
		   "%s: STOP_CLIENT_TCP frees the slot, its server still listens", fw[i][0]);
		stop();
	}
}

static void test_start_client_quirks(void)
{
	const char *bh[] = { "syn-timeout-ms 300", NULL };
	uint16_t port;
	int lfd = listener(&port);
	struct nina_stats a, b;
	uint64_t t0, acks;

	close(lfd);	/* nobody listens there now: refused */
	start(bh);
	ok(start_client(LO, port, 0, 0) == 0 && R.n == 0 && !R.error_frame &&
	   !memcmp(R.raw, B(0xE0, 0xAD, 0x00, 0xEE), 4),
	   "START_CLIENT_TCP failure: zero parameters (E0 AD 00 EE)");
	ok(get_socket() == 0 && open_sockets() == 0, "START_CLIENT_TCP failure: slot and socket free");
	ok(start_client_host("broken.example", 80, 0, 0) == 0 && R.n == 0,
	   "START_CLIENT_TCP: host name not resolved -> zero parameters");
	ok(start_client(LO, 80, 0, 2) == 0 && R.n == 0, "START_CLIENT_TCP type 2 (TLS, not modeled) -> zero parameters");
	/* a SYN nobody answers: the command loop is held for the whole connect */
	nina_model_stats(M, &a);
	t0 = now_ms();
	host_send(&H, 0x2D, 4, (struct param[]){ PB(10, 1, 2, 3), PORT(80), P1(0), P1(0) });
	acks = H.acks;
	msleep(100);
	ok(H.ready == 1, "START_CLIENT_TCP: READY high while the connect blocks");
	ok(H.acks == acks && !H.acks_not_high,
	   "START_CLIENT_TCP: no acknowledge armed for the bus while the connect blocks");
	host_recv(&H, 0x2D, &R);
	ok(H.acks > acks && !H.acks_not_high,
	   "START_CLIENT_TCP: the acknowledge armed with the reply, READY still high");
	nina_model_stats(M, &b);
	ok(R.n == 0 && now_ms() - t0 >= 280, "START_CLIENT_TCP: unanswered SYN fails after syn-timeout-ms");
	ok(b.processing_ns - a.processing_ns >= 280000000ull &&
	   b.modeled_ns - a.modeled_ns >= 280000000ull,
	   "timing: the blocked connect is charged to processing/modeled time (%llu ms)",
	   (unsigned long long)((b.processing_ns - a.processing_ns) / 1000000));
	/*
	 * A reachable peer that drops the SYNs (its accept queue full): lwIP's
	 * bound ends the connect, not the host's SYN retries (over 2 minutes).
	 */
	{
		int full = listener(&port), c[3], i, r;
		uint64_t dt;
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		listen(full, 0);
		for (i = 0; i < 3; i++) {
			c[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
			connect(c[i], (struct sockaddr *)&sa, sizeof(sa));
		}
		msleep(100);
		t0 = now_ms();
		r = start_client(LO, port, 0, 0);
		dt = now_ms() - t0;
		ok(r == 0 && R.n == 0 && dt >= 280 && dt < 3000,
		   "START_CLIENT_TCP: a peer dropping SYNs fails after syn-timeout-ms (%llu ms)",
		   (unsigned long long)dt);
		for (i = 0; i < 3; i++)
			close(c[i]);
		close(full);
	}
	/* type 1 before any START_SERVER type 1: no socket behind the slot */
	ok(start_client(LO, 9, 1, 1) == 1 && insert_databuf(1, "x", 1) == 1 && send_udp(1) == 0,
	   "START_CLIENT_TCP type 1 without a UDP socket: beginPacket 1, SEND_UDP_DATA 0");
	stop();
}

static void test_stop_client(void)
{
	uint16_t port;
	int lfd = listener(&port), pfd;

	start(NULL);
	start_server(8090, 0, 0);
	ok(stop_client(0) == 1 && get_socket() == 0, "STOP_CLIENT_TCP on a server slot frees the slot");
	ok(cmd_u8(0x29, 1, (struct param[]){ P1(0) }) == 1 && open_sockets() == 1,
	   "STOP_CLIENT_TCP does not stop the WiFiServer (still listening)");
	pfd = connect_radio(8090);
	ok(pfd >= 0, "STOP_CLIENT_TCP: the listener still takes connections");
	close(pfd);
	start_client(LO, port, 1, 0);
	ok(open_sockets() == 2 && stop_client(1) == 1 && open_sockets() == 1,
	   "STOP_CLIENT_TCP closes the client socket");
	stop();
	close(lfd);
}

static void test_client_state_frees(void)
{
	const char *af33[] = { "flavour adafruit", "version 3.3.0", NULL };

	start(NULL);
	start_server(9100, 0, 1);
	ok(client_state(0) == 0, "GET_CLIENT_STATE_TCP on a UDP slot -> 0");
	ok(get_socket() == 0 && open_sockets() == 1,
	   "GET_CLIENT_STATE_TCP frees the UDP slot, its socket left open");
	stop();

	start(af33);
	start_server(9100, 0, 1);
	ok(client_state(0) == 0 && get_socket() == 1,
	   "AF 3.3.0: GET_CLIENT_STATE_TCP keeps a never-connected slot (socketWasConnected)");
	stop();
}

static void test_avail_server(void)
{
	const char *old[] = { "version 1.4.8", NULL };
	const char *af17[] = { "flavour adafruit", "version 1.7.7", NULL };
	int pfd, c;

	/* the 1-param form: offset 6 is padding, 0xFF (WiFiNINA) accepts */
	start(NULL);
	start_server(8100, 0, 0);
	pfd = connect_radio(8100);
	msleep(30);
	ok(avail1_pad(0, 0x00) == 255,
	   "AVAIL_DATA server, 1 param, padding 00: available() path, no data -> 255");
	ok(avail1_pad(0, 0xFF) == 255,
	   "... (the connection went to available()'s spawned list, nothing left to accept)");
	close(pfd);
	pfd = connect_radio(8100);
	msleep(30);
	c = avail1_pad(0, 0xFF);
	ok(c == 1, "AVAIL_DATA server, 1 param, padding FF: the accept path (slot %d)", c);
	close(pfd);
	stop();

	/* available() path: a slot only once the client has data */
	start(NULL);
	start_server(8101, 0, 0);
	pfd = connect_radio(8101);
	msleep(30);
	ok(avail2(0, 0) == 255, "AVAIL_DATA server, accept 0: no data yet -> 255");
	send(pfd, "x", 1, 0);
	msleep(30);
	c = avail2(0, 0);
	ok(c == 1, "AVAIL_DATA server, accept 0: client with data -> booked slot 1");
	ok(avail2(0, 0) == 1, "AVAIL_DATA server: the same client -> its existing slot");
	close(pfd);
	stop();

	/*
	 * No accept flag before 1.6.0, nor on Adafruit's 1.x, though its
	 * version is past 1.6.0.
	 */
	for (c = 0; c < 2; c++) {
		const char *fw = c ? "AF 1.7.7" : "fw 1.4.8";

		start(c ? af17 : old);
		start_server(8102 + c, 0, 0);
		pfd = connect_radio(8102 + c);
		msleep(30);
		ok(avail2(0, 1) == 255, "%s: accept byte ignored, no data -> 255", fw);
		send(pfd, "x", 1, 0);
		msleep(30);
		ok(avail2(0, 1) == 1, "%s: available() semantics -> slot with data", fw);
		ok(avail2(0, 1) == 1, "%s: the same client -> its slot again", fw);
		close(pfd);
		stop();
	}
}

static void test_server_write_all(void)
{
	int p1, p2;
	char buf[16];

	start(NULL);
	start_server(8110, 0, 0);
	p1 = connect_radio(8110);
	p2 = connect_radio(8110);
	msleep(30);
	avail2(0, 0);	/* available(): accepts one per call into the spawned list */
	avail2(0, 0);
	ok(send_data(0, "all", 3) == 6, "SEND_DATA_TCP on a server slot: written to both clients (3+3)");
	ok(recv_tmo(p1, buf, sizeof(buf), 1000) == 3 && recv_tmo(p2, buf, sizeof(buf), 1000) == 3,
	   "SEND_DATA_TCP on a server slot: each client got the bytes");
	close(p1);
	close(p2);
	stop();
}

static void test_get_data_peek(void)
{
	uint16_t port;
	int lfd = listener(&port), pfd;

	start(NULL);
	start_client(LO, port, 0, 0);
	pfd = accept_tmo(lfd, 1000);
	send(pfd, "AB", 2, 0);
	msleep(30);
	ok(cmd_u8(0x2C, 2, (struct param[]){ P1(0), P1(1) }) == 'A' && avail2(0, 0) == 2,
	   "GET_DATA_TCP: peek byte at offset 6 = 1 -> peeked, not consumed");
	ok(cmd_u8(0x2C, 2, (struct param[]){ P1(0), PB(0, 1) }) == 'A' && avail2(0, 0) == 1,
	   "GET_DATA_TCP: WiFiNINA's 2-byte peek (offset 6 = 0) -> read, consumed");
	cmd_u8(0x2C, 2, (struct param[]){ P1(0), P1(0) });
	ok(cmd_u8(0x2C, 2, (struct param[]){ P1(0), P1(0) }) == 0xFF, "GET_DATA_TCP: nothing -> 0xFF");
	close(pfd);
	stop();
	close(lfd);
}

static void test_send_data_limits(void)
{
	const char *small[] = { "sock-buf 4096", NULL };
	static uint8_t big[4200];
	uint16_t port;
	int lfd = listener(&port), pfd, n, total = 0, partial = 0;

	start(small);
	start_client(LO, port, 0, 0);
	pfd = accept_tmo(lfd, 1000);
	ok(send_data(0, big, 4083) == 4083, "SEND_DATA_TCP: 4083 bytes (the frame's maximum)");
	send_data(0, big, 4100);
	ok(R.error_frame && violations() == 1,
	   "SEND_DATA_TCP: a length past the 4092-byte frame -> error frame, violation");
	for (int i = 0; i < 200; i++) {
		n = send_data(0, big, 4000);
		if (n < 4000 && n > 0)
			partial++;
		if (n == 0)
			break;
		total += n;
	}
	ok(n == 0 && partial >= 1,
	   "SEND_DATA_TCP: non-blocking, partial then 0 when the peer reads nothing (%d bytes)",
	   total);
	close(pfd);
	stop();
	close(lfd);
}

static void test_databuf(void)
{
	const char *bigbuf[] = { "sock-buf 65536", NULL };
	static uint8_t data[6000];
	uint16_t port;
	int lfd = listener(&port), pfd;
	size_t got = 0;
	bool same = true;

	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = i * 7 + 1;
	start(bigbuf);
	start_client(LO, port, 0, 0);
	pfd = accept_tmo(lfd, 1000);
	send(pfd, data, 32, 0);
	msleep(30);
	ok(get_databuf(0, 16) == 16 && !memcmp(R.p[0], data, 16),
	   "GET_DATABUF_TCP: length 16 sent LE (10 00) reads 16, not 4096");
	get_databuf(0, 16);
	send(pfd, data, sizeof(data), 0);
	msleep(50);
	ok(avail2(0, 0) == (int)sizeof(data), "GET_DATABUF_TCP: 6000 bytes waiting");
	get_databuf(0, 5000);
	ok(violations() == 1 && R.bad && !memcmp(R.raw + 5, data, 4087) &&
	   memcmp(R.raw + 4092, data + 4087, 64),
	   "GET_DATABUF_TCP len 5000: violation; the reply stops at the 4092-byte buffer (no END)");
	ok(R.raw[3] == 5000 >> 8 && R.raw[4] == (5000 & 0xff),
	   "GET_DATABUF_TCP len 5000: the length field says 5000 (read past the buffer)");
	while (got < 1000) {
		int n = get_databuf(0, 1000);

		if (n <= 0)
			break;
		same &= !memcmp(R.p[0], data + 5000 + got, n);
		got += n;
	}
	ok(got == 1000 && same,
	   "GET_DATABUF_TCP: the 5000 were consumed; the next read starts at byte 5000");
	close(pfd);
	stop();
	close(lfd);
}

static void test_udp_buffers(void)
{
	static uint8_t big[1472];
	uint16_t pport;
	int pfd = udp_sock(&pport);
	char buf[2048];
	uint64_t v;

	start(NULL);
	start_server(9200, 0, 1);
	start_client(LO, pport, 0, 1);
	ok(insert_databuf(0, big, 1000) == 1, "INSERT_DATABUF 1000 -> 1");
	v = violations();
	ok(insert_databuf(0, big, 1000) == 1 && violations() == v + 1,
	   "INSERT_DATABUF past 1500: truncated count (1), the overflow counted");
	ok(insert_databuf(0, big, 10) == 0, "INSERT_DATABUF into a full buffer -> 0");
	ok(send_udp(0) == 0, "SEND_UDP_DATA of 1500 bytes -> 0 (> 1472, no fragmentation)");
	start_client(LO, pport, 0, 1);
	insert_databuf(0, big, sizeof(big));
	ok(send_udp(0) == 1 && recv_tmo(pfd, buf, sizeof(buf), 1000) == 1472,
	   "SEND_UDP_DATA of 1472 bytes -> 1, delivered");

	/* receive: one datagram at a time, the next parsed on exhaustion */
	send_radio_udp(pfd, 9200, "0123456789", 10);
	send_radio_udp(pfd, 9200, "abcdefghijklmnopqrst", 20);
	msleep(30);
	get_socket();
	ok(avail2(0, 0) == 10, "UDP receive: AVAIL_DATA -> the first datagram (10)");
	ok(get_databuf(0, 100) == 10, "UDP receive: GET_DATABUF reads within the datagram (10 of 100)");
	ok(avail2(0, 0) == 20, "UDP receive: exhausted -> the next one parsed after a command (20)");
	get_databuf(0, 4);
	ok(avail2(0, 0) == 16, "UDP receive: AVAIL_DATA -> bytes left in the datagram (16)");
	stop();
	close(pfd);
}

static void test_pool(void)
{
	const char *af17[] = { "flavour adafruit", "version 1.7.7", NULL };
	const char *af33[] = { "flavour adafruit", "version 3.3.0", NULL };
	int n = 0, fd;

	start(NULL);
	start_server(9300, 0, 1);
	fd = cmd_u8(0x70, 2, (struct param[]){ P1(1), P1(0) });
	ok(fd == 55, "pool: a slot's socket holds lwIP fd 54, SOCKET_SOCKET gets 55");
	for (int i = 0; i < 9; i++)
		if (cmd_u8(0x70, 2, (struct param[]){ P1(2), P1(0) }) != 255)
			n++;
	ok(n == 8, "pool: 10 sockets shared by slots and BSD descriptors (%d more)", n);
	ok(start_server(9301, 1, 1) == 0, "pool: START_SERVER_TCP fails with the pool exhausted");
	stop();

	start(af17);
	cmd(0x70, 2, (struct param[]){ P1(1), P1(0) });
	ok(R.error_frame,
	   "AF 1.7.7: 0x70 -> error frame");
	for (n = 0; n < 12; n++)
		if (start_server(9400 + n, n, 1) != 1)
			break;
	ok(n == 10 && get_socket() == 255, "AF 1.7.7: 10 slots (%d)", n);
	stop();

	start(af33);
	for (n = 0; n < 8; n++)
		if (start_server(9400 + n, n, 1) != 1)
			break;
	ok(n == 6, "AF 3.3.0: 6 slots (%d)", n);
	stop();
}

/* the slot's socket is an lwIP socket: a link loss closes a connected one */
static void test_link_loss(void)
{
	uint16_t port;
	int lfd = listener(&port);

	start(NULL);
	start_client(LO, port, 0, 0);
	start_server(9500, 1, 1);
	nina_model_link_drop(M);
	ok(client_state(0) == 0, "link loss: the slot's TCP socket was closed (state 0)");
	ok(open_sockets() == 1, "link loss: the UDP slot's socket stays (INADDR_ANY)");
	stop();
	close(lfd);
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	test_wifinina_client();
	test_esp32spi_client();
	test_echo();
	test_server_accept();
	test_udp_flow();
	test_udp_af3();
	test_get_socket();
	test_start_server_forms();
	test_start_server_old();
	test_start_client_quirks();
	test_stop_client();
	test_client_state_frees();
	test_avail_server();
	test_server_write_all();
	test_get_data_peek();
	test_send_data_limits();
	test_databuf();
	test_udp_buffers();
	test_pool();
	test_link_loss();
	return tap_done();
}
