// SPDX-License-Identifier: GPL-2.0
/* Host-side unit test of libspisock's address forms (TAP). */
#include <errno.h>
#include <string.h>

#include "internal.h"
#include "tap.h"

struct good {
	const char *text;
	uint8_t ip[4];
	int port;
};

static const struct good goods[] = {
	{ "192.168.1.10", { 192, 168, 1, 10 }, 0 },
	{ "192.168.1.10:8080", { 192, 168, 1, 10 }, 8080 },
	{ "(192,168,1,10)", { 192, 168, 1, 10 }, 0 },
	{ "(192, 168, 1, 10)", { 192, 168, 1, 10 }, 0 },
	{ "(\"192.168.1.10\",8080)", { 192, 168, 1, 10 }, 8080 },
	{ "('192.168.1.10', 8080)", { 192, 168, 1, 10 }, 8080 },
	{ "(192,168,1,10,8080)", { 192, 168, 1, 10 }, 8080 },
	{ " ( 0 , 0 , 0 , 0 , 65535 ) ", { 0, 0, 0, 0 }, 65535 },
	{ "255.255.255.255:0", { 255, 255, 255, 255 }, 0 },
};

static const char *const bads[] = {
	"", " ", "192.168.1", "192.168.1.10.1", "256.1.1.1", "1.2.3.-4",
	"192.168.1.10:", "192.168.1.10:65536", "192.168.1.10:80x",
	"192.168.1.10 junk", "(192,168,1)", "(192,168,1,10,80,1)",
	"(192,168,1,256)", "(192,168,1,10,65536)", "(\"192.168.1.10\")",
	"(\"192.168.1.10\",)", "(\"192.168.1.10',80)", "(192,168,1,10",
	"192,168,1,10)", "localhost", "0x7f.0.0.1", "(1,2,3,4))",
	"(\"1.2.3.4\",80,1)", "80", "1.2.3.4:0080000",
};

int main(void)
{
	struct spisock_addr a;
	uint8_t t[4];
	char buf[SPISOCK_ADDRSTRLEN];
	size_t i;

	tap_plan(sizeof(goods) / sizeof(goods[0]) +
		 sizeof(bads) / sizeof(bads[0]) + 9);
	for (i = 0; i < sizeof(goods) / sizeof(goods[0]); i++) {
		memset(&a, 0xaa, sizeof(a));
		ok(!spisock_addr_parse(goods[i].text, &a) &&
		   !memcmp(a.ip, goods[i].ip, 4) && a.port == goods[i].port,
		   "parse %s", goods[i].text);
	}
	for (i = 0; i < sizeof(bads) / sizeof(bads[0]); i++) {
		memset(&a, 0xaa, sizeof(a));
		errno = 0;
		ok(spisock_addr_parse(bads[i], &a) == -1 && errno == EINVAL &&
		   a.port == 0xaaaa, "reject \"%s\" with EINVAL, address untouched",
		   bads[i]);
	}
	errno = 0;
	ok(spisock_addr_parse(NULL, &a) == -1 && errno == EINVAL, "NULL text: EINVAL");
	ok(!spisock_ip_to_tuple("10.0.0.255", t) && t[0] == 10 && t[3] == 255,
	   "ip_to_tuple 10.0.0.255");
	errno = 0;
	ok(spisock_ip_to_tuple("10.0.0.255:80", t) == -1 && errno == EINVAL,
	   "ip_to_tuple rejects a port");
	errno = 0;
	ok(spisock_ip_to_tuple("(10,0,0,1)", t) == -1 && errno == EINVAL,
	   "ip_to_tuple takes x.y.z.w only");
	a = (struct spisock_addr){ { 192, 168, 1, 10 }, 5555 };
	ok(spisock_addr_format(&a, buf, sizeof(buf)) &&
	   !strcmp(buf, "192.168.1.10:5555"), "format 192.168.1.10:5555");
	a = (struct spisock_addr){ { 255, 255, 255, 255 }, 65535 };
	ok(spisock_addr_format(&a, buf, sizeof(buf)) &&
	   strlen(buf) == SPISOCK_ADDRSTRLEN - 1, "longest form fits SPISOCK_ADDRSTRLEN");
	errno = 0;
	ok(!spisock_addr_format(&a, buf, 8) && errno == ENOSPC, "short buffer: ENOSPC");
	ok(spisock_parse_port("80") == 80 && spisock_parse_port(" 0 ") == 0,
	   "bare port 80 (bind's form)");
	ok(spisock_parse_port("65536") == -1 && spisock_parse_port("1.2.3.4") == -1 &&
	   spisock_parse_port("") == -1, "bare port rejects 65536, addresses, empty");
	return tap_done();
}
