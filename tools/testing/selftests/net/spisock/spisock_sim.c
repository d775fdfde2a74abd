// SPDX-License-Identifier: GPL-2.0
/*
 * spisock_sim.ko: the simulated radio's SPI bus, GPIO lines and the
 * /dev/spisock-simN chip-model ABI.
 *
 * Loads the module itself from $SPISOCK_SIM_KO (default: spisock_sim.ko
 * next to this program); it must not be loaded when this starts. The host
 * side is spidev, bound to the radio through driver_override, and the GPIO
 * character device; the test itself plays the chip model.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/gpio.h>
#include <linux/spi/spidev.h>
#include <linux/spisock_sim.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"

#define SIM_GPIO_CONSUMER	"spisock_sim-test"
#include "spisock_sim_util.h"

#define SIM_REFCNT	"/sys/module/spisock_sim/refcnt"
#define EV_TIMEOUT_MS	10000
#define EV_MAX		(sizeof(struct spisock_sim_event) + SPISOCK_SIM_MAX_XFER)

/* A page no access is allowed to: copies to or from it fault. */
static void *bad_ptr(void)
{
	return mmap(NULL, 65536 + 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

/* The id of the next edge event of @lfd, or -1 after a timeout. */
static int gpio_edge(int lfd, int ms)
{
	struct pollfd p = { .fd = lfd, .events = POLLIN };
	struct gpio_v2_line_event e;

	if (poll(&p, 1, ms) != 1)
		return -1;
	if (read(lfd, &e, sizeof(e)) != sizeof(e))
		return -1;
	return e.id;
}

/* The chip model's side. */
static int model_open(void)
{
	return open(SIM_DEV, O_RDWR | O_CLOEXEC);
}

/* Next event into @ev (payload after it), or -1 on timeout/error. */
static int model_event(int fd, struct spisock_sim_event *ev, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (poll(&p, 1, ms) != 1)
		return -1;
	if (read(fd, ev, EV_MAX) < (ssize_t)sizeof(*ev))
		return -1;
	return 0;
}

static ssize_t model_reply_xfer(int fd, __u32 seq, const void *miso, __u32 len,
				__s32 status)
{
	char buf[sizeof(struct spisock_sim_reply) + 4096];
	struct spisock_sim_reply *re = (void *)buf;

	memset(re, 0, sizeof(*re));
	re->type = SPISOCK_SIM_RE_XFER;
	re->seq = seq;
	re->len = len;
	re->status = status;
	memcpy(re + 1, miso, len);
	return write(fd, buf, sizeof(*re) + len);
}

static ssize_t model_reply_line(int fd, __u16 line, __u32 value)
{
	struct spisock_sim_reply re = {
		.type = SPISOCK_SIM_RE_LINE, .line = line, .value = value,
	};

	return write(fd, &re, sizeof(re));
}

/* The host's side: one spidev message (up to 4 transfers) in a thread. */
struct host_job {
	int fd;
	int n;
	struct spi_ioc_transfer tr[4];
	int ret;
	int err;
	pthread_t thread;
};

static void *host_run(void *arg)
{
	struct host_job *j = arg;

	j->ret = ioctl(j->fd, SPI_IOC_MESSAGE(j->n), j->tr);
	j->err = errno;
	return NULL;
}

static void host_start(struct host_job *j)
{
	pthread_create(&j->thread, NULL, host_run, j);
}

static void host_wait(struct host_job *j)
{
	pthread_join(j->thread, NULL);
}

static void host_xfer(struct host_job *j, int i, const void *tx, void *rx,
		      __u32 len)
{
	memset(&j->tr[i], 0, sizeof(j->tr[i]));
	j->tr[i].tx_buf = (unsigned long)tx;
	j->tr[i].rx_buf = (unsigned long)rx;
	j->tr[i].len = len;
	if (i >= j->n)
		j->n = i + 1;
}

FIXTURE(sim) {
	struct spisock_sim_info info;
	char radio[NAME_MAX + 1];
	char spidev[64];
	int host;
	int chip;
	union {
		struct spisock_sim_event ev;
		char evbuf[EV_MAX];
	};
};

FIXTURE_SETUP(sim)
{
	char path[NAME_MAX + 64];
	int fd;

	self->host = -1;
	self->chip = -1;
	ASSERT_EQ(0, access(sim_ko(), R_OK))
		TH_LOG("set SPISOCK_SIM_KO to the spisock_sim.ko to test");
	/* A failed setup before leaves it loaded (teardown does not run). */
	sim_unload();
	ASSERT_NE(0, access("/sys/module/" SIM_MODULE, F_OK))
		TH_LOG(SIM_MODULE " is already loaded");
	ASSERT_EQ(0, sim_load()) TH_LOG("load: %s", strerror(errno));

	fd = model_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SPISOCK_SIM_IOC_INFO, &self->info));
	close(fd);

	/* Bind spidev to the radio, as a user would to poke the bus. */
	ASSERT_EQ(0, radio_dev_name(self->info.bus_num, self->radio, sizeof(self->radio)));
	snprintf(path, sizeof(path), "/sys/bus/spi/devices/%s/driver_override", self->radio);
	ASSERT_EQ(0, write_str(path, "spidev")) TH_LOG("%s: %s", path, strerror(errno));
	ASSERT_EQ(0, write_str("/sys/bus/spi/drivers/spidev/bind", self->radio))
		TH_LOG("bind spidev: %s", strerror(errno));
	snprintf(self->spidev, sizeof(self->spidev), "/dev/spidev%u.0", self->info.bus_num);
	ASSERT_EQ(0, wait_path(self->spidev, 5000));
	self->host = open(self->spidev, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->host);
	self->chip = open_gpiochip("spisock-sim0");
	ASSERT_LE(0, self->chip) TH_LOG("no GPIO chip labelled spisock-sim0");
}

FIXTURE_TEARDOWN(sim)
{
	int i;

	if (self->host >= 0)
		close(self->host);
	if (self->chip >= 0)
		close(self->chip);
	for (i = 0; i < 500 && !access("/sys/module/" SIM_MODULE, F_OK); i++)
		if (sim_unload())
			usleep(10000);
	EXPECT_NE(0, access("/sys/module/" SIM_MODULE, F_OK));
}

TEST_F(sim, info)
{
	char path[NAME_MAX + 64], buf[64] = "";
	int fd;

	EXPECT_EQ(0, self->info.index);
	EXPECT_EQ(0, self->info.chip_select);
	EXPECT_EQ(8000000, self->info.max_speed_hz);
	EXPECT_EQ(0, self->info.mode);
	EXPECT_EQ(SPISOCK_SIM_MAX_XFER, self->info.max_xfer);
	snprintf(path, sizeof(path), "/sys/bus/spi/devices/%s/modalias", self->radio);
	fd = open(path, O_RDONLY);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_EQ(0, strcmp(buf, "spi:nina-w102\n"));

	fd = model_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, ioctl(fd, _IO(SPISOCK_SIM_IOC_MAGIC, 9)));
	EXPECT_EQ(ENOTTY, errno);
	EXPECT_EQ(-1, ioctl(fd, SPISOCK_SIM_IOC_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	close(fd);
}

TEST_F(sim, second_open_busy)
{
	int fd, fd2;

	fd = model_open();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, model_open());
	EXPECT_EQ(EBUSY, errno);
	close(fd);
	fd2 = model_open();
	EXPECT_LE(0, fd2);
	close(fd2);
}

TEST_F(sim, transfers_and_cs)
{
	unsigned char tx1[4] = { 0xe0, 0x37, 0x00, 0xee }, rx1[4], tx2[2] = { 1, 2 };
	unsigned char rx2[2], miso1[4] = { 0xe0, 0xb7, 0x01, 0x05 }, miso2[2] = { 9, 8 };
	struct host_job j = { .fd = self->host };
	__u32 seq;
	int fd;

	fd = model_open();
	ASSERT_LE(0, fd);
	host_xfer(&j, 0, tx1, rx1, sizeof(tx1));
	j.tr[0].speed_hz = 4000000;
	j.tr[0].delay_usecs = 5;
	host_xfer(&j, 1, tx2, rx2, sizeof(tx2));
	host_start(&j);

	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
	EXPECT_EQ(1, self->ev.value);
	seq = self->ev.seq;

	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
	EXPECT_EQ(seq + 1, self->ev.seq);
	EXPECT_EQ(4, self->ev.len);
	EXPECT_EQ(4000000, self->ev.speed_hz);
	EXPECT_EQ(5000, self->ev.delay_ns);
	EXPECT_EQ(SPISOCK_SIM_XFER_TX | SPISOCK_SIM_XFER_RX, self->ev.value);
	EXPECT_EQ(0, memcmp(&self->ev + 1, tx1, sizeof(tx1)));
	EXPECT_EQ(sizeof(struct spisock_sim_reply) + 4,
		  model_reply_xfer(fd, self->ev.seq, miso1, 4, 0));

	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
	EXPECT_EQ(2, self->ev.len);
	/* No speed asked: the radio's spi-max-frequency. */
	EXPECT_EQ(8000000, self->ev.speed_hz);
	EXPECT_EQ(0, memcmp(&self->ev + 1, tx2, sizeof(tx2)));
	EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso2, 2, 0));

	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
	EXPECT_EQ(0, self->ev.value);

	host_wait(&j);
	EXPECT_EQ(6, j.ret) TH_LOG("spidev: %s", strerror(j.err));
	EXPECT_EQ(0, memcmp(rx1, miso1, 4));
	EXPECT_EQ(0, memcmp(rx2, miso2, 2));
	close(fd);
}

/* cs_change on a message's last transfer keeps CS asserted into the next. */
TEST_F(sim, cs_held_across_messages)
{
	unsigned char tx[3] = { 1, 2, 3 }, rx[3], miso[3] = { 4, 5, 6 };
	struct host_job j = { .fd = self->host }, j2 = { .fd = self->host };
	int fd;

	fd = model_open();
	ASSERT_LE(0, fd);
	host_xfer(&j, 0, tx, NULL, 3);
	j.tr[0].cs_change = 1;
	host_start(&j);
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
	EXPECT_EQ(1, self->ev.value);
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
	EXPECT_EQ(SPISOCK_SIM_XFER_TX, self->ev.value);
	EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso, 3, 0));
	host_wait(&j);
	EXPECT_EQ(3, j.ret);

	host_xfer(&j2, 0, NULL, rx, 3);
	host_start(&j2);
	/* Still selected: the next event is the transfer, not a CS edge. */
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
	EXPECT_EQ(SPISOCK_SIM_XFER_RX, self->ev.value);
	EXPECT_EQ(0, memcmp(&self->ev + 1, "\0\0\0", 3));
	EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso, 3, 0));
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
	EXPECT_EQ(0, self->ev.value);
	host_wait(&j2);
	EXPECT_EQ(3, j2.ret);
	EXPECT_EQ(0, memcmp(rx, miso, 3));
	close(fd);
}

TEST_F(sim, no_model_reads_ff)
{
	unsigned char tx[64], rx[64], ff[64];
	struct host_job j = { .fd = self->host };
	int fd;

	memset(tx, 0x5a, sizeof(tx));
	memset(ff, 0xff, sizeof(ff));
	host_xfer(&j, 0, tx, rx, sizeof(tx));
	host_run(&j);
	EXPECT_EQ(64, j.ret);
	EXPECT_EQ(0, memcmp(rx, ff, sizeof(ff)));

	/* Nothing was queued for a model that was not there. */
	fd = open(SIM_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_EQ(-1, read(fd, self->evbuf, sizeof(self->evbuf)));
	EXPECT_EQ(EAGAIN, errno);
	close(fd);

	/* And after a model detached, the same. */
	memset(rx, 0, sizeof(rx));
	host_run(&j);
	EXPECT_EQ(64, j.ret);
	EXPECT_EQ(0, memcmp(rx, ff, sizeof(ff)));
}

TEST_F(sim, eio_reply_fails_transfer)
{
	unsigned char tx[8] = { 0 }, rx[8], miso[8] = { 7 };
	struct host_job j = { .fd = self->host };
	int fd;

	fd = model_open();
	ASSERT_LE(0, fd);
	host_xfer(&j, 0, tx, rx, sizeof(tx));
	host_start(&j);
	do {
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	} while (self->ev.type != SPISOCK_SIM_EV_XFER);
	EXPECT_EQ(sizeof(struct spisock_sim_reply),
		  model_reply_xfer(fd, self->ev.seq, NULL, 0, -EIO));
	host_wait(&j);
	EXPECT_EQ(-1, j.ret);
	EXPECT_EQ(EIO, j.err);

	/* The bus works again afterwards. */
	host_start(&j);
	do {
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	} while (self->ev.type != SPISOCK_SIM_EV_XFER);
	EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso, 8, 0));
	host_wait(&j);
	EXPECT_EQ(8, j.ret);
	EXPECT_EQ(0, memcmp(rx, miso, 8));
	close(fd);
}

TEST_F(sim, bad_input)
{
	unsigned char tx[16] = { 0 }, rx[16], miso[16] = { 0 };
	struct host_job j = { .fd = self->host };
	struct spisock_sim_reply re;
	struct pollfd p;
	__u32 seq;
	int fd;

	fd = open(SIM_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	p.fd = fd;
	p.events = POLLIN;
	EXPECT_EQ(-1, read(fd, self->evbuf, sizeof(self->evbuf)));
	EXPECT_EQ(EAGAIN, errno);
	/* No transfer pending. */
	EXPECT_EQ(-1, model_reply_xfer(fd, 0, miso, 16, 0));
	EXPECT_EQ(EINVAL, errno);

	host_xfer(&j, 0, tx, rx, sizeof(tx));
	host_start(&j);
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
	/* Too small for the transfer event: EMSGSIZE, and it stays queued. */
	ASSERT_EQ(1, poll(&p, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(-1, read(fd, self->evbuf, sizeof(struct spisock_sim_event) + 15));
	EXPECT_EQ(EMSGSIZE, errno);
	EXPECT_EQ(-1, read(fd, bad_ptr(), EV_MAX));
	EXPECT_EQ(EFAULT, errno);
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
	seq = self->ev.seq;

	EXPECT_EQ(-1, model_reply_xfer(fd, seq + 1, miso, 16, 0));	/* seq */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, model_reply_xfer(fd, seq, miso, 15, 0));		/* len */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, model_reply_xfer(fd, seq, miso, 16, -EIO));	/* EIO + data */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, model_reply_xfer(fd, seq, NULL, 0, -EINVAL));	/* status */
	EXPECT_EQ(EINVAL, errno);

	memset(&re, 0, sizeof(re));
	re.type = SPISOCK_SIM_RE_XFER;
	re.seq = seq;
	re.len = 16;
	EXPECT_EQ(-1, write(fd, &re, sizeof(re)));			/* no payload */
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, &re, sizeof(re) - 1));			/* short */
	EXPECT_EQ(EINVAL, errno);
	re.reserved = 1;
	EXPECT_EQ(-1, write(fd, &re, sizeof(re)));
	EXPECT_EQ(EINVAL, errno);
	re.reserved = 0;
	re.type = 7;
	EXPECT_EQ(-1, write(fd, &re, sizeof(re)));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, write(fd, bad_ptr(), sizeof(re)));
	EXPECT_EQ(EFAULT, errno);

	EXPECT_EQ(-1, model_reply_line(fd, SPISOCK_SIM_LINE_RESET, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, model_reply_line(fd, 77, 0));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 2));
	EXPECT_EQ(EINVAL, errno);

	/* After all that, the right answer still completes the transfer. */
	EXPECT_LT(0, model_reply_xfer(fd, seq, miso, 16, 0));
	host_wait(&j);
	EXPECT_EQ(16, j.ret);
	close(fd);
}

/*
 * SPISOCK_SIM_RE_ACK: READY rises at the next CS assertion, before the
 * model has seen it (the chip's CS-edge acknowledge without a round trip);
 * the model's own READY high cancels it.
 */
TEST_F(sim, cs_ack)
{
	struct spisock_sim_reply ack = { .type = SPISOCK_SIM_RE_ACK };
	unsigned char tx[4] = { 0xe0, 0x37, 0x00, 0xee }, rx[4], miso[4] = { 0 };
	struct host_job j = { .fd = self->host };
	int fd, ready, round;

	fd = model_open();
	ASSERT_LE(0, fd);
	ready = gpio_request(self->chip, SPISOCK_SIM_LINE_READY,
			     GPIO_V2_LINE_FLAG_INPUT, 0);
	ASSERT_LE(0, ready);
	ack.value = 1;
	EXPECT_EQ(-1, write(fd, &ack, sizeof(ack)));
	EXPECT_EQ(EINVAL, errno);
	ack.value = 0;
	for (round = 0; round < 2; round++) {
		EXPECT_EQ(sizeof(ack), write(fd, &ack, sizeof(ack)));
		if (round)
			EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 1));
		EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
		EXPECT_EQ(0, gpio_get(ready));
		j.n = 0;
		host_xfer(&j, 0, tx, rx, sizeof(tx));
		host_start(&j);
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
		EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
		/* raised before the CS event was queued, or not at all */
		EXPECT_EQ(!round, gpio_get(ready)) TH_LOG("round %d", round);
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
		ASSERT_EQ(SPISOCK_SIM_EV_XFER, self->ev.type);
		EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso, 4, 0));
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
		EXPECT_EQ(SPISOCK_SIM_EV_CS, self->ev.type);
		host_wait(&j);
		EXPECT_EQ(4, j.ret) TH_LOG("spidev: %s", strerror(j.err));
	}
	close(ready);
	close(fd);
}

TEST_F(sim, chip_lines_and_interrupts)
{
	struct spisock_sim_reply two[2] = {
		{ .type = SPISOCK_SIM_RE_LINE, .line = SPISOCK_SIM_LINE_READY },
		{ .type = SPISOCK_SIM_RE_LINE, .line = SPISOCK_SIM_LINE_READY, .value = 1 },
	};
	int fd, ready, gpio0;

	fd = model_open();
	ASSERT_LE(0, fd);
	ready = gpio_request(self->chip, SPISOCK_SIM_LINE_READY,
			     GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
			     GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	ASSERT_LE(0, ready) TH_LOG("READY with edges: %s", strerror(errno));
	gpio0 = gpio_request(self->chip, SPISOCK_SIM_LINE_GPIO0,
			     GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	ASSERT_LE(0, gpio0);
	/* Boot levels: READY high (busy), GPIO0 high. */
	EXPECT_EQ(1, gpio_get(ready));
	EXPECT_EQ(1, gpio_get(gpio0));

	EXPECT_EQ(sizeof(struct spisock_sim_reply),
		  model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	EXPECT_EQ(GPIO_V2_LINE_EVENT_FALLING_EDGE, gpio_edge(ready, EV_TIMEOUT_MS));
	EXPECT_EQ(0, gpio_get(ready));
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 1));
	EXPECT_EQ(GPIO_V2_LINE_EVENT_RISING_EDGE, gpio_edge(ready, EV_TIMEOUT_MS));
	EXPECT_EQ(1, gpio_get(ready));
	/* Same level again: no edge. */
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 1));
	EXPECT_EQ(-1, gpio_edge(ready, 200));

	/* GPIO0 falling only: its rise is not an interrupt. */
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_GPIO0, 0));
	EXPECT_EQ(GPIO_V2_LINE_EVENT_FALLING_EDGE, gpio_edge(gpio0, EV_TIMEOUT_MS));
	EXPECT_EQ(0, gpio_get(gpio0));
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_GPIO0, 1));
	EXPECT_EQ(-1, gpio_edge(gpio0, 200));
	EXPECT_EQ(1, gpio_get(gpio0));

	/*
	 * Several replies in one write, applied in order: a pulse. Like a
	 * real controller's edge latch, edges closer together than the
	 * interrupt latency may be delivered as one interrupt.
	 */
	EXPECT_EQ(sizeof(two), write(fd, two, sizeof(two)));
	EXPECT_LT(0, gpio_edge(ready, EV_TIMEOUT_MS));
	EXPECT_EQ(1, gpio_get(ready));

	/* Three lines only. */
	EXPECT_EQ(-1, gpio_request(self->chip, SPISOCK_SIM_NR_LINES,
				   GPIO_V2_LINE_FLAG_INPUT, 0));
	/* READY is the chip's output: the host cannot drive it. */
	close(ready);
	EXPECT_EQ(-1, gpio_request(self->chip, SPISOCK_SIM_LINE_READY,
				   GPIO_V2_LINE_FLAG_OUTPUT, 0));
	close(gpio0);
	close(fd);
}

TEST_F(sim, host_lines_reach_model)
{
	int fd, reset, gpio0;

	fd = model_open();
	ASSERT_LE(0, fd);
	reset = gpio_request(self->chip, SPISOCK_SIM_LINE_RESET,
			     GPIO_V2_LINE_FLAG_OUTPUT, 1);
	ASSERT_LE(0, reset) TH_LOG("RESET: %s", strerror(errno));
	EXPECT_EQ(0, gpio_set(reset, 0));
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_LINE, self->ev.type);
	EXPECT_EQ(SPISOCK_SIM_LINE_RESET, self->ev.line);
	EXPECT_EQ(0, self->ev.value);

	/* The boot strap: the host drives GPIO0 during reset. */
	gpio0 = gpio_request(self->chip, SPISOCK_SIM_LINE_GPIO0,
			     GPIO_V2_LINE_FLAG_OUTPUT, 1);
	ASSERT_LE(0, gpio0);
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_EV_LINE, self->ev.type);
	EXPECT_EQ(SPISOCK_SIM_LINE_GPIO0, self->ev.line);
	EXPECT_EQ(1, self->ev.value);

	EXPECT_EQ(0, gpio_set(reset, 1));
	ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	EXPECT_EQ(SPISOCK_SIM_LINE_RESET, self->ev.line);
	EXPECT_EQ(1, self->ev.value);
	close(gpio0);
	close(reset);
	close(fd);
}

/*
 * A chip in reset drives nothing: READY reads high from the host's RESET
 * assert, and what the model writes counts again only once it has read the
 * release. A model late to read (a busy machine) must not show the host,
 * after its boot wait, the READY low it drove before the reset.
 */
TEST_F(sim, reset_holds_chip_lines)
{
	int fd, ready, reset, i;

	fd = model_open();
	ASSERT_LE(0, fd);
	ready = gpio_request(self->chip, SPISOCK_SIM_LINE_READY,
			     GPIO_V2_LINE_FLAG_INPUT, 0);
	ASSERT_LE(0, ready);
	reset = gpio_request(self->chip, SPISOCK_SIM_LINE_RESET,
			     GPIO_V2_LINE_FLAG_OUTPUT, 1);
	ASSERT_LE(0, reset);
	/* Armed for a command. */
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	EXPECT_EQ(0, gpio_get(ready));

	/* The host's pulse, the model reading nothing meanwhile. */
	EXPECT_EQ(0, gpio_set(reset, 0));
	EXPECT_EQ(1, gpio_get(ready));
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	EXPECT_EQ(1, gpio_get(ready));
	EXPECT_EQ(0, gpio_set(reset, 1));
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	EXPECT_EQ(1, gpio_get(ready));

	/* Held until the model has read the release too. */
	for (i = 0; i < 2; i++) {
		EXPECT_EQ(1, gpio_get(ready));
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
		EXPECT_EQ(SPISOCK_SIM_EV_LINE, self->ev.type);
		EXPECT_EQ(SPISOCK_SIM_LINE_RESET, self->ev.line);
		EXPECT_EQ(i, self->ev.value);
		if (!i)
			EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	}
	/* Booted and armed again. */
	EXPECT_LT(0, model_reply_line(fd, SPISOCK_SIM_LINE_READY, 0));
	EXPECT_EQ(0, gpio_get(ready));
	close(reset);
	close(ready);
	close(fd);
}

TEST_F(sim, poll_and_nonblock)
{
	unsigned char rx[4], miso[4] = { 1, 2, 3, 4 };
	struct host_job j = { .fd = self->host };
	struct pollfd p;
	int fd;

	fd = open(SIM_DEV, O_RDWR | O_NONBLOCK | O_CLOEXEC);
	ASSERT_LE(0, fd);
	p.fd = fd;
	p.events = POLLIN | POLLOUT;
	EXPECT_EQ(1, poll(&p, 1, 0));
	EXPECT_EQ(POLLOUT, p.revents);
	host_xfer(&j, 0, NULL, rx, 4);
	host_start(&j);
	p.events = POLLIN;
	EXPECT_EQ(1, poll(&p, 1, EV_TIMEOUT_MS));
	EXPECT_EQ(POLLIN, p.revents);
	do {
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	} while (self->ev.type != SPISOCK_SIM_EV_XFER);
	EXPECT_LT(0, model_reply_xfer(fd, self->ev.seq, miso, 4, 0));
	host_wait(&j);
	EXPECT_EQ(0, memcmp(rx, miso, 4));
	close(fd);
}

TEST_F(sim, detach_mid_transfer)
{
	unsigned char tx[256], rx[256], ff[256];
	struct host_job j = { .fd = self->host };
	int fd;

	memset(tx, 0x11, sizeof(tx));
	memset(rx, 0, sizeof(rx));
	memset(ff, 0xff, sizeof(ff));
	fd = model_open();
	ASSERT_LE(0, fd);
	host_xfer(&j, 0, tx, rx, sizeof(tx));
	host_start(&j);
	do {
		ASSERT_EQ(0, model_event(fd, &self->ev, EV_TIMEOUT_MS));
	} while (self->ev.type != SPISOCK_SIM_EV_XFER);
	/* The model goes away without answering. */
	close(fd);
	host_wait(&j);
	EXPECT_EQ(256, j.ret) TH_LOG("spidev: %s", strerror(j.err));
	EXPECT_EQ(0, memcmp(rx, ff, sizeof(ff)));

	/* A new model can attach and serve. */
	fd = model_open();
	ASSERT_LE(0, fd);
	close(fd);
}

TEST_F(sim, module_pinned_while_open)
{
	int fd, refs;

	fd = model_open();
	ASSERT_LE(0, fd);
	refs = read_int_file(SIM_REFCNT);
	EXPECT_LT(0, refs);
	EXPECT_EQ(-1, sim_unload());
	EXPECT_EQ(EWOULDBLOCK, errno);
	close(fd);
	EXPECT_EQ(refs - 1, read_int_file(SIM_REFCNT));
}

/* A model process that answers every transfer with MOSI ^ 0xa5 until killed. */
static void model_serve(int fd)
{
	char buf[EV_MAX];
	struct spisock_sim_event *ev = (void *)buf;
	unsigned char miso[4096];
	__u32 i;

	for (;;) {
		if (read(fd, buf, sizeof(buf)) < (ssize_t)sizeof(*ev))
			_exit(1);
		if (ev->type != SPISOCK_SIM_EV_XFER)
			continue;
		for (i = 0; i < ev->len && i < sizeof(miso); i++)
			miso[i] = ((unsigned char *)(ev + 1))[i] ^ 0xa5;
		if (model_reply_xfer(fd, ev->seq, miso, ev->len, 0) < 0)
			_exit(2);
	}
}

/* A host process that sends transfers until the bus goes away. */
static void host_load(int host)
{
	unsigned char tx[512], rx[512];
	struct spi_ioc_transfer tr = {
		.tx_buf = (unsigned long)tx, .rx_buf = (unsigned long)rx,
		.len = sizeof(tx),
	};
	int i;

	memset(tx, 0x3c, sizeof(tx));
	for (i = 0; i < 1000000; i++)
		if (ioctl(host, SPI_IOC_MESSAGE(1), &tr) < 0)
			_exit(0);
	_exit(1);
}

TEST_F(sim, kill_model_and_rmmod_under_load)
{
	pid_t model, host;
	int fd, status, i;

	fd = model_open();
	ASSERT_LE(0, fd);
	model = fork();
	ASSERT_LE(0, model);
	if (!model)
		model_serve(fd);
	close(fd);
	host = fork();
	ASSERT_LE(0, host);
	if (!host)
		host_load(self->host);

	usleep(500000);
	kill(model, SIGKILL);
	ASSERT_EQ(model, waitpid(model, &status, 0));
	/* The bus keeps running without a model (0xFF); now remove it. */
	usleep(200000);
	for (i = 0; i < 500 && sim_unload(); i++)
		usleep(10000);
	EXPECT_NE(0, access("/sys/module/" SIM_MODULE, F_OK))
		TH_LOG("rmmod: %s", strerror(errno));
	EXPECT_NE(0, access(SIM_DEV, F_OK));
	ASSERT_EQ(host, waitpid(host, &status, 0));
	EXPECT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status)) TH_LOG("the host never saw the bus go");
}

/*
 * The WINC1500 personality: spisock_sim.ko loaded with chip=winc1500 and
 * spisock-simd ($SPISOCK_SIMD) serving "chip winc1500" behind it. The test
 * is the host: raw SPI through spidev (the WINC command layer of
 * winc1500.md §2) and IRQN through the GPIO character device, whose edge
 * detection requests the line's interrupt from the simulator's irq chip.
 */
#define WINC_CONF	"/tmp/spisock-sim-winc.conf"
#define WINC_STATS	"/tmp/spisock-sim-winc.sock"
#define WINC_CHIPID	0x1002b0	/* the model's default, "1502B1" */

/* The test's host side: spidev, and whether CRC is still on (§2.3). */
struct winc_host {
	int host;
	bool crc;
};

FIXTURE(winc) {
	struct winc_host w;
	char radio[NAME_MAX + 1];
	int chip;
	int irqn;
	pid_t simd;
};

/* x^7 + x^3 + 1, MSB first, initial 0x7F, sent shifted left (§2.2) */
static __u8 winc_crc7(const __u8 *p, size_t n)
{
	__u8 crc = 0x7f;
	size_t i;
	int b;

	for (i = 0; i < n; i++)
		for (b = 7; b >= 0; b--) {
			int top = (crc >> 6) & 1;

			crc = (crc << 1) & 0x7f;
			if (((p[i] >> b) & 1) ^ top)
				crc ^= 0x09;
		}
	return crc << 1;
}

/* One transfer in a CS window of its own (ASF's split transfers, §2.7). */
static int winc_xfer(int host, const void *tx, void *rx, size_t n)
{
	struct spi_ioc_transfer t = {
		.tx_buf = (unsigned long)tx,
		.rx_buf = (unsigned long)rx,
		.len = n,
		.speed_hz = 12000000,
		.bits_per_word = 8,
	};

	return ioctl(host, SPI_IOC_MESSAGE(1), &t) == (int)n ? 0 : -1;
}

static int winc_rd1(int host)
{
	__u8 b;

	return winc_xfer(host, NULL, &b, 1) ? -1 : b;
}

/* A command (with its CRC7 while CRC is on), then [echo][state]: the state. */
static int winc_cmd(struct winc_host *self, const __u8 *c, size_t n)
{
	__u8 b[12];
	int i;

	memcpy(b, c, n);
	if (self->crc) {
		b[n] = winc_crc7(b, n);
		n++;
	}
	if (winc_xfer(self->host, b, NULL, n))
		return -1;
	for (i = 0; i < 10; i++)
		if (winc_rd1(self->host) == c[0])
			return winc_rd1(self->host);
	return -1;
}

/* Data packet in: the 0xFx token, @n bytes, CRC16 while CRC is on. */
static int winc_data_in(struct winc_host *self, __u8 *d, size_t n)
{
	__u8 k[2];
	int i;

	for (i = 0; i < 10; i++)
		if ((winc_rd1(self->host) & 0xf0) == 0xf0)
			break;
	if (i == 10 || winc_xfer(self->host, NULL, d, n))
		return -1;
	return self->crc ? winc_xfer(self->host, NULL, k, 2) : 0;
}

static int winc_reg_read(struct winc_host *self, __u32 a, __u32 *v)
{
	__u8 c[4] = { 0xca, a >> 16, a >> 8, a }, d[4];

	if (winc_cmd(self, c, 4) || winc_data_in(self, d, 4))
		return -1;
	*v = d[0] | d[1] << 8 | d[2] << 16 | (__u32)d[3] << 24;
	return 0;
}

static __u32 winc_rr(struct winc_host *self, __u32 a)
{
	__u32 v = 0xdeadbeef;

	winc_reg_read(self, a, &v);
	return v;
}

static int winc_reg_write(struct winc_host *self, __u32 a, __u32 v)
{
	__u8 c[8] = { 0xc9, a >> 16, a >> 8, a, v >> 24, v >> 16, v >> 8, v };

	return winc_cmd(self, c, 8);
}

/* DMA write with CRC off: token, data, then three bytes ending C3 00. */
static int winc_dma_write(struct winc_host *self, __u32 a, const void *buf, size_t n)
{
	__u8 c[7] = { 0xc7, a >> 16, a >> 8, a, n >> 16, n >> 8, n };
	__u8 t = 0xf3, k[3];

	if (winc_cmd(self, c, 7) || winc_xfer(self->host, &t, NULL, 1) ||
	    winc_xfer(self->host, buf, NULL, n) || winc_xfer(self->host, NULL, k, 3))
		return -1;
	return k[1] == 0xc3 ? k[2] : -1;
}

static int winc_wait_reg(struct winc_host *self, __u32 a, __u32 mask, __u32 want)
{
	long long end = now_ms() + 5000;

	do {
		if ((winc_rr(self, a) & mask) == want)
			return 0;
		usleep(1000);
	} while (now_ms() < end);
	return -1;
}

/* The boot handshake (§3.2): CRC off, efuse, boot ROM, start, interrupts on. */
static int winc_boot(struct winc_host *self)
{
	__u32 v;

	if (winc_reg_read(self, 0xe824, &v) ||
	    winc_reg_write(self, 0xe824, (v & ~0x7cu) | (5 << 4)))
		return -1;
	self->crc = false;
	if (winc_wait_reg(self, 0x1014, 0x80000000u, 0x80000000u))
		return -2;
	if (!(winc_rr(self, 0x207bc) & 1) &&
	    winc_wait_reg(self, 0xc000c, ~0u, 0x10add09e))
		return -3;
	winc_reg_write(self, 0x108c, 0x13521352);
	winc_reg_write(self, 0x14a0, 0x100);
	winc_reg_write(self, 0xc000c, 0xef522f61);
	if (winc_wait_reg(self, 0x108c, ~0u, 0x02532636))
		return -4;
	winc_reg_write(self, 0x108c, 0);
	winc_reg_write(self, 0x1408, winc_rr(self, 0x1408) | 1u << 8);
	winc_reg_write(self, 0x1a00, winc_rr(self, 0x1a00) | 1u << 16);
	return 0;
}

/* A HIF request of 4 zero control bytes (§3.4): gid 1 op 3 is RSSI. */
static int winc_hif_rssi(struct winc_host *self)
{
	__u8 hdr[8] = { 1, 3, 12, 0 }, z[4] = { 0 };
	__u32 addr;
	int i;

	winc_reg_write(self, 0x108c, 1 | 3 << 8 | 12u << 16);
	winc_reg_write(self, 0x1078, 2);
	for (i = 0; i < 1000 && (winc_rr(self, 0x1078) & 2); i++)
		;
	addr = winc_rr(self, 0x150400);
	if (i == 1000 || !addr || winc_dma_write(self, addr, hdr, 8) ||
	    winc_dma_write(self, addr + 8, z, 4))
		return -1;
	return winc_reg_write(self, 0x106c, addr << 2 | 2);
}

FIXTURE_SETUP(winc)
{
	char path[NAME_MAX + 64], buf[64] = "";
	struct spisock_sim_info info;
	int fd;

	self->w.host = -1;
	self->chip = -1;
	self->irqn = -1;
	self->simd = -1;
	self->w.crc = true;
	ASSERT_EQ(0, access(sim_ko(), R_OK))
		TH_LOG("set SPISOCK_SIM_KO to the spisock_sim.ko to test");
	ASSERT_EQ(0, access(simd_path(), X_OK))
		TH_LOG("set SPISOCK_SIMD to the spisock-simd to run");
	sim_unload();
	ASSERT_NE(0, access("/sys/module/" SIM_MODULE, F_OK))
		TH_LOG(SIM_MODULE " is already loaded");
	ASSERT_EQ(0, module_load(sim_ko(), "chip=winc1500"))
		TH_LOG("load chip=winc1500: %s", strerror(errno));
	fd = model_open();
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ioctl(fd, SPISOCK_SIM_IOC_INFO, &info));
	close(fd);
	ASSERT_EQ(0, write_file(WINC_CONF, "chip winc1500\nap ssid=Sim security=open\n"));
	self->simd = simd_start(WINC_CONF, WINC_STATS, "0");
	ASSERT_LT(0, self->simd) TH_LOG("spisock-simd did not start on chip winc1500");

	ASSERT_EQ(0, radio_dev_name(info.bus_num, self->radio, sizeof(self->radio)));
	snprintf(path, sizeof(path), "/sys/bus/spi/devices/%s/modalias", self->radio);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	EXPECT_LT(0, read(fd, buf, sizeof(buf) - 1));
	close(fd);
	EXPECT_EQ(0, strncmp(buf, "spi:atwinc1500", 14)) TH_LOG("modalias %s", buf);
	snprintf(path, sizeof(path), "/sys/bus/spi/devices/%s/driver_override", self->radio);
	ASSERT_EQ(0, write_str(path, "spidev"));
	ASSERT_EQ(0, write_str("/sys/bus/spi/drivers/spidev/bind", self->radio));
	snprintf(path, sizeof(path), "/dev/spidev%u.0", info.bus_num);
	ASSERT_EQ(0, wait_path(path, 5000));
	self->w.host = open(path, O_RDWR | O_CLOEXEC);
	ASSERT_LE(0, self->w.host);
	self->chip = open_gpiochip("spisock-sim0");
	ASSERT_LE(0, self->chip);
	self->irqn = gpio_request(self->chip, SPISOCK_SIM_LINE_IRQN,
				  GPIO_V2_LINE_FLAG_INPUT | GPIO_V2_LINE_FLAG_EDGE_RISING |
				  GPIO_V2_LINE_FLAG_EDGE_FALLING, 0);
	ASSERT_LE(0, self->irqn) TH_LOG("IRQN edges: %s", strerror(errno));
}

FIXTURE_TEARDOWN(winc)
{
	if (self->irqn >= 0)
		close(self->irqn);
	if (self->chip >= 0)
		close(self->chip);
	if (self->w.host >= 0)
		close(self->w.host);
	if (self->simd > 0)
		EXPECT_EQ(0, simd_stop(self->simd, SIGTERM));
	unlink(WINC_CONF);
	EXPECT_EQ(0, module_unload_wait(SIM_MODULE));
}

/* The chip id register with a CRC7-protected command, as a driver's probe. */
TEST_F(winc, chip_id)
{
	__u8 c[5] = { 0xca, 0x00, 0x10, 0x00, 0 };
	int i, good = 0;
	__u32 v = 0;

	ASSERT_EQ(0, winc_reg_read(&self->w, 0x1000, &v));
	EXPECT_EQ(WINC_CHIPID, v);
	/* A bad CRC7 is refused: no echo followed by state 0. */
	c[4] = winc_crc7(c, 4) ^ 0x02;
	ASSERT_EQ(0, winc_xfer(self->w.host, c, NULL, 5));
	for (i = 0; i < 10; i++) {
		if (winc_rd1(self->w.host) == 0xca && winc_rd1(self->w.host) == 0)
			good = 1;
	}
	EXPECT_EQ(0, good) TH_LOG("a bad CRC7 was answered as a good command");
	EXPECT_EQ(0, winc_reg_read(&self->w, 0x1000, &v));
	EXPECT_EQ(WINC_CHIPID, v);
	EXPECT_EQ(1, gpio_get(self->irqn)) TH_LOG("IRQN active before any event");
}

/* IRQN falls when the firmware posts an event and rises when it is taken. */
TEST_F(winc, irq_line)
{
	__u32 v;

	ASSERT_EQ(0, winc_boot(&self->w));
	EXPECT_EQ(1, gpio_get(self->irqn));
	ASSERT_EQ(0, winc_hif_rssi(&self->w));
	EXPECT_EQ(GPIO_V2_LINE_EVENT_FALLING_EDGE, gpio_edge(self->irqn, EV_TIMEOUT_MS))
		TH_LOG("no IRQN falling edge after the RSSI request");
	EXPECT_EQ(0, gpio_get(self->irqn));
	/* The host takes the event: clear bit 0 of WIFI_HOST_RCV_CTRL_0. */
	v = winc_rr(&self->w, 0x1070);
	EXPECT_EQ(1, v & 1);
	EXPECT_EQ(0, winc_reg_write(&self->w, 0x1070, v & ~1u));
	EXPECT_EQ(GPIO_V2_LINE_EVENT_RISING_EDGE, gpio_edge(self->irqn, EV_TIMEOUT_MS))
		TH_LOG("IRQN did not rise when the event was taken");
	EXPECT_EQ(1, gpio_get(self->irqn));
	/* RX done: the model may post the next event. */
	EXPECT_EQ(0, winc_reg_write(&self->w, 0x1070, winc_rr(&self->w, 0x1070) | 2));
}

TEST_HARNESS_MAIN
