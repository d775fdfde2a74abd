// SPDX-License-Identifier: GPL-2.0
/*
 * Host test (TAP) of spisock.conf(5)'s parser (conf.c), which `spisockctl
 * up` uses: good files give the request's fields; bad lines, modes, owners
 * and missing keys give the message that names file, line and fault; no
 * message carries the passphrase.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/spisock.h>

#include "conf.h"

static int n, failed;
static char dir[] = "/tmp/test_conf.XXXXXX";
static const char *secret = "s3cret-pass-123";

static void ok(int cond, const char *what)
{
	n++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, what);
	failed |= !cond;
}

/* Write @text to DIR/@name with @mode; its path. */
static const char *put(const char *name, const char *text, mode_t mode)
{
	static char path[4][256];
	static int k;
	FILE *f;

	k = (k + 1) % 4;
	snprintf(path[k], sizeof(path[k]), "%s/%s", dir, name);
	f = fopen(path[k], "w");
	if (!f || fputs(text, f) < 0 || fclose(f)) {
		perror(path[k]);
		exit(1);
	}
	chmod(path[k], mode);
	return path[k];
}

/* A bad file: the load fails and the message contains @want. */
static void bad(const char *text, mode_t mode, const char *want, const char *what)
{
	struct spisock_conf c;
	char err[640], line[700];
	const char *p = put("bad.conf", text, mode);
	int ret = spisock_conf_load(p, &c, err, sizeof(err));

	snprintf(line, sizeof(line), "%s: \"%s\"", what, err);
	ok(ret == -1 && strstr(err, want) && strstr(err, p) && !strstr(err, secret),
	   line);
}

int main(void)
{
	struct spisock_conf c;
	char err[640], text[512];
	const char *p, *psk;

	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	printf("TAP version 13\n");

	p = put("open.conf", "# a comment\n\nssid = Cafe Free\n", 0644);
	ok(!spisock_conf_load(p, &c, err, sizeof(err)) && c.ssid_len == 9 &&
	   !memcmp(c.ssid, "Cafe Free", 9) && !c.has_secret && c.security == -1 &&
	   !c.static_addr && c.auto_relink == 1 && c.timeout_ms == 30000,
	   "an open network, world-readable: defaults (DHCP, auto-relink, 30 s)");

	snprintf(text, sizeof(text),
		 "ssid = \"  Home  \"\npassphrase = %s\nsecurity = wpa2\naddress = 192.168.4.20/24\n"
		 "gateway = 192.168.4.1\ndns = 192.168.4.1\nhostname = garden-pi\n"
		 "auto-relink = no\ntimeout = 12\n", secret);
	p = put("full.conf", text, 0600);
	ok(!spisock_conf_load(p, &c, err, sizeof(err)) && c.ssid_len == 8 &&
	   !memcmp(c.ssid, "  Home  ", 8) && !strcmp(c.secret, secret) &&
	   c.security == SPISOCK_SECURITY_WPA2 && c.static_addr &&
	   c.addr.s_addr == inet_addr("192.168.4.20") &&
	   c.netmask.s_addr == inet_addr("255.255.255.0") &&
	   c.gateway.s_addr == inet_addr("192.168.4.1") &&
	   c.dns.s_addr == inet_addr("192.168.4.1") && !strcmp(c.hostname, "garden-pi") &&
	   !c.auto_relink && c.timeout_ms == 12000,
	   "every key, 0600, quoted SSID keeps its blanks");
	spisock_conf_wipe(&c);
	ok(!c.has_secret && !c.secret[0], "wipe clears the secret");

	snprintf(text, sizeof(text), "%s\nsecond line ignored\n", secret);
	psk = put("home.psk", text, 0600);
	snprintf(text, sizeof(text), "ssid = Home\npassphrase-file = %s\n", psk);
	p = put("file.conf", text, 0644);
	ok(!spisock_conf_load(p, &c, err, sizeof(err)) && !strcmp(c.secret, secret),
	   "passphrase-file (0600): its first line; the conf may be 0644");

	chmod(psk, 0644);
	snprintf(text, sizeof(text), "ssid = Home\npassphrase-file = %s\n", psk);
	p = put("file.conf", text, 0644);
	ok(spisock_conf_load(p, &c, err, sizeof(err)) == -1 &&
	   strstr(err, psk) && strstr(err, "0644") && strstr(err, "every user") &&
	   strstr(err, "chmod 600"), "a world-readable passphrase-file is refused");
	chmod(psk, 0640);
	ok(spisock_conf_load(p, &c, err, sizeof(err)) == -1 && strstr(err, "its group"),
	   "a group-readable passphrase-file is refused");

	/* Another user's private file: root can make one, nobody else. */
	chmod(psk, 0600);
	if (geteuid() == 0) {
		ok(!chown(psk, 65534, 65534) &&
		   spisock_conf_load(p, &c, err, sizeof(err)) == -1 &&
		   strstr(err, "belongs to uid 65534, not root or the caller"),
		   "a passphrase-file of another user is refused");
		if (chown(psk, 0, 0))
			perror(psk);
	} else {
		n++;
		printf("ok %d - a passphrase-file of another user # SKIP needs root to chown\n", n);
	}

	snprintf(text, sizeof(text), "ssid = Home\npassphrase = %s\n", secret);
	bad(text, 0644, "mode 0644 lets every user read", "a world-readable conf with a passphrase");
	bad(text, 0604, "mode 0604", "a conf readable by others only");
	bad("ssid = Home\n", 0646, "lets other users change it", "a world-writable conf");
	bad("ssid = Home\nfoo = bar\n", 0644, ":2: unknown key 'foo'", "an unknown key, with its line");
	bad("ssid = Home\njust words\n", 0644, ":2: expected KEY = VALUE", "a line without '='");
	bad("ssid = A\nssid = B\n", 0644, ":2: ssid given twice (first on line 1)", "a key twice");
	bad("ssid =\n", 0644, ":1: ssid has no value", "an empty value");
	bad("# nothing\nhostname = x\n", 0644, "no ssid", "no ssid");
	bad("ssid = 123456789012345678901234567890123\n", 0644, ":1: ssid: must be 1..32 bytes",
	    "an SSID of 33 bytes");
	bad("ssid = A\nsecurity = wpa3\n", 0644, ":2: security: 'wpa3' is not", "an unknown security");
	bad("ssid = A\nsecurity = wpa2\n", 0644, "security wpa2 needs passphrase",
	    "wpa2 without a passphrase");
	snprintf(text, sizeof(text), "ssid = A\nsecurity = open\npassphrase = %s\n", secret);
	bad(text, 0600, "security open with a passphrase", "open with a passphrase");
	bad("ssid = A\npassphrase = short\n", 0600, "8..63 characters", "a WPA passphrase of 5");
	bad("ssid = A\nsecurity = wep\npassphrase = 1234567\n", 0600, "WEP key",
	    "a WEP key of 7");
	snprintf(text, sizeof(text), "ssid = A\npassphrase = %s\npassphrase-file = %s\n", secret, psk);
	chmod(psk, 0600);
	bad(text, 0600, "both passphrase and passphrase-file", "both secrets");
	bad("ssid = A\npassphrase-file = relative.psk\n", 0644, ":2: passphrase-file must be an absolute",
	    "a relative passphrase-file");
	snprintf(text, sizeof(text), "ssid = A\npassphrase-file = %s/none.psk\n", dir);
	p = put("missing.conf", text, 0644);
	ok(spisock_conf_load(p, &c, err, sizeof(err)) == -1 && strstr(err, "none.psk: No such file"),
	   "a missing passphrase-file is named");
	bad("ssid = A\naddress = 10.0.0.300/24\n", 0644, ":2: address: '10.0.0.300' is not",
	    "a bad address");
	bad("ssid = A\naddress = 10.0.0.3\n", 0644, "neither dhcp nor A.B.C.D/PREFIX",
	    "an address without a prefix");
	bad("ssid = A\naddress = 10.0.0.3/33\n", 0644, "prefix '33' is not 1..32", "a prefix of 33");
	bad("ssid = A\ngateway = 10.0.0.1\n", 0644, ":2: gateway and dns need a static address",
	    "a gateway with DHCP");
	bad("ssid = A\nhostname = my_host\n", 0644, ":2: hostname:", "a host name with '_'");
	bad("ssid = A\nauto-relink = maybe\n", 0644, ":2: auto-relink: 'maybe' is not yes or no",
	    "a bad boolean");
	bad("ssid = A\ntimeout = 0\n", 0644, ":2: timeout: '0' is not 1..300", "a zero timeout");
	p = put("gone.conf", "", 0644);
	unlink(p);
	ok(spisock_conf_load(p, &c, err, sizeof(err)) == -1 && strstr(err, "No such file"),
	   "a missing conf is named");

	ok(spisock_conf_name_ok("nina0") && !spisock_conf_name_ok("../etc/x") &&
	   !spisock_conf_name_ok("") && !spisock_conf_name_ok("a234567890123456"),
	   "radio names: no path, 1..15 characters");

	printf("1..%d\n", n);
	snprintf(text, sizeof(text), "rm -rf %s", dir);
	if (system(text))
		return 1;
	return failed;
}
