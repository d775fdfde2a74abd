// SPDX-License-Identifier: GPL-2.0
/*
 * spisock.conf(5): KEY = VALUE lines, '#' comments, for `spisockctl up`.
 *
 * Every message names the file and, for a line's error, its number: the
 * unit's journal is all a user sees of a failed boot-time join. The secret
 * is never in a message.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/spisock.h>

#include "conf.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

struct parse {
	const char *path;
	int line;
	char *err;
	size_t errlen;
	int seen_secret_file;
};

static int fail(struct parse *p, const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;

	if (p->line)
		n = snprintf(p->err, p->errlen, "%s:%d: ", p->path, p->line);
	else
		n = snprintf(p->err, p->errlen, "%s: ", p->path);
	if (n < p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * A file that holds a secret: root's or the caller's, no permission for
 * group or others. Checked on the open descriptor (no race with a rename).
 */
static int secret_mode_ok(struct parse *p, int fd, const char *path,
			  const char *what)
{
	struct stat st;
	int line = p->line;

	p->line = 0;
	if (fstat(fd, &st))
		return fail(p, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return fail(p, "not a regular file");
	if (st.st_uid != 0 && st.st_uid != geteuid())
		return fail(p, "holds %s but belongs to uid %u, not root or the caller",
			    what, (unsigned int)st.st_uid);
	if (st.st_mode & 077)
		return fail(p,
			    "holds %s but its mode %04o lets %s read or change it; run: chmod 600 %s",
			    what, (unsigned int)(st.st_mode & 07777),
			    st.st_mode & 07 ? "every user" : "its group", path);
	p->line = line;
	return 0;
}

/* The first line of the passphrase file, checked like the conf itself. */
static int read_secret(struct parse *p, const char *path, struct spisock_conf *c)
{
	struct parse fp = { .path = path, .err = p->err, .errlen = p->errlen };
	char buf[sizeof(c->secret) + 2];
	ssize_t n;
	size_t len;
	int fd;

	if (path[0] != '/')
		return fail(p, "passphrase-file must be an absolute path");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fail(&fp, "%s", strerror(errno));
	if (secret_mode_ok(&fp, fd, path, "a passphrase")) {
		close(fd);
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return fail(&fp, "%s", strerror(errno));
	buf[n] = 0;
	len = strcspn(buf, "\r\n");
	if (len >= sizeof(c->secret)) {
		explicit_bzero(buf, sizeof(buf));
		return fail(&fp, "the passphrase is longer than %zu bytes",
			    sizeof(c->secret) - 1);
	}
	memcpy(c->secret, buf, len);
	c->secret[len] = 0;
	explicit_bzero(buf, sizeof(buf));
	if (!len)
		return fail(&fp, "the first line is empty (it holds the passphrase)");
	c->has_secret = 1;
	return 0;
}

static int parse_bool(struct parse *p, const char *key, const char *v, int *out)
{
	if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = 1;
	else if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		*out = 0;
	else
		return fail(p, "%s: '%s' is not yes or no", key, v);
	return 0;
}

static int parse_ip(struct parse *p, const char *key, const char *v,
		    struct in_addr *a)
{
	if (inet_pton(AF_INET, v, a) != 1)
		return fail(p, "%s: '%s' is not an IPv4 address", key, v);
	return 0;
}

/* dhcp, or A.B.C.D/N with N in 1..32. */
static int parse_address(struct parse *p, const char *v, struct spisock_conf *c)
{
	char ip[INET_ADDRSTRLEN];
	const char *slash = strchr(v, '/');
	char *end;
	long n;

	if (!strcmp(v, "dhcp")) {
		c->static_addr = 0;
		return 0;
	}
	if (!slash || (size_t)(slash - v) >= sizeof(ip))
		return fail(p, "address: '%s' is neither dhcp nor A.B.C.D/PREFIX", v);
	memcpy(ip, v, slash - v);
	ip[slash - v] = 0;
	if (inet_pton(AF_INET, ip, &c->addr) != 1)
		return fail(p, "address: '%s' is not an IPv4 address", ip);
	errno = 0;
	n = strtol(slash + 1, &end, 10);
	if (errno || end == slash + 1 || *end || n < 1 || n > 32)
		return fail(p, "address: prefix '%s' is not 1..32", slash + 1);
	c->netmask.s_addr = htonl(n == 32 ? 0xffffffffu : ~(0xffffffffu >> n));
	c->static_addr = 1;
	return 0;
}

static const char *const security_words[] = {
	[SPISOCK_SECURITY_OPEN] = "open",
	[SPISOCK_SECURITY_WEP] = "wep",
	[SPISOCK_SECURITY_WPA] = "wpa",
	[SPISOCK_SECURITY_WPA2] = "wpa2",
};

enum key {
	K_SSID, K_PASSPHRASE, K_PASSPHRASE_FILE, K_SECURITY, K_ADDRESS,
	K_GATEWAY, K_DNS, K_HOSTNAME, K_AUTO_RELINK, K_TIMEOUT, K_MAX
};

static const char *const key_names[K_MAX] = {
	"ssid", "passphrase", "passphrase-file", "security", "address",
	"gateway", "dns", "hostname", "auto-relink", "timeout",
};

static int set_key(struct parse *p, enum key k, const char *v,
		   struct spisock_conf *c, int *gw_line)
{
	char *end;
	long n;
	size_t i;

	switch (k) {
	case K_SSID:
		c->ssid_len = strlen(v);
		if (c->ssid_len < 1 || c->ssid_len > 32)
			return fail(p, "ssid: must be 1..32 bytes, not %zu", c->ssid_len);
		memcpy(c->ssid, v, c->ssid_len);
		return 0;
	case K_PASSPHRASE:
		if (strlen(v) >= sizeof(c->secret))
			return fail(p, "passphrase: longer than %zu bytes", sizeof(c->secret) - 1);
		if (!*v)
			return fail(p, "passphrase: empty (leave the key out for an open network)");
		snprintf(c->secret, sizeof(c->secret), "%s", v);
		c->has_secret = 1;
		return 0;
	case K_PASSPHRASE_FILE:
		p->seen_secret_file = 1;
		return read_secret(p, v, c);
	case K_SECURITY:
		for (i = 0; i < ARRAY_SIZE(security_words); i++) {
			if (!strcmp(v, security_words[i])) {
				c->security = i;
				return 0;
			}
		}
		return fail(p, "security: '%s' is not open, wep, wpa or wpa2", v);
	case K_ADDRESS:
		return parse_address(p, v, c);
	case K_GATEWAY:
		*gw_line = p->line;
		return parse_ip(p, "gateway", v, &c->gateway);
	case K_DNS:
		*gw_line = *gw_line ? *gw_line : p->line;
		return parse_ip(p, "dns", v, &c->dns);
	case K_HOSTNAME:
		n = strlen(v);
		if (n < 1 || n > 32)
			return fail(p, "hostname: must be 1..32 characters");
		for (i = 0; v[i]; i++)
			if (!isalnum((unsigned char)v[i]) && v[i] != '-')
				return fail(p,
					    "hostname: '%s' has a character other than a letter, digit or '-'",
					    v);
		snprintf(c->hostname, sizeof(c->hostname), "%s", v);
		return 0;
	case K_AUTO_RELINK:
		return parse_bool(p, "auto-relink", v, &c->auto_relink);
	case K_TIMEOUT:
		errno = 0;
		n = strtol(v, &end, 10);
		if (errno || end == v || *end || n < 1 || n > 300)
			return fail(p, "timeout: '%s' is not 1..300 seconds", v);
		c->timeout_ms = n * 1000;
		return 0;
	default:
		return fail(p, "internal: key %d", k);
	}
}

/* Trim @s in place; a value in double quotes keeps its blanks. */
static char *trim(char *s, int *quoted)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		s[--n] = 0;
	*quoted = 0;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s[n - 1] = 0;
		s++;
		*quoted = 1;
	}
	return s;
}

/* Checks across keys, once every line is read. */
static int check_whole(struct parse *p, struct spisock_conf *c, const int *seen,
		       int gw_line)
{
	size_t len = strlen(c->secret);

	p->line = 0;
	if (!seen[K_SSID])
		return fail(p, "no ssid (ssid = NETWORK)");
	if (seen[K_PASSPHRASE] && seen[K_PASSPHRASE_FILE])
		return fail(p, "both passphrase and passphrase-file: give one");
	if (c->security == SPISOCK_SECURITY_OPEN && c->has_secret)
		return fail(p, "security open with a passphrase");
	if ((c->security == SPISOCK_SECURITY_WEP || c->security == SPISOCK_SECURITY_WPA ||
	     c->security == SPISOCK_SECURITY_WPA2) && !c->has_secret)
		return fail(p, "security %s needs passphrase or passphrase-file",
			    security_words[c->security]);
	if (c->security == SPISOCK_SECURITY_WEP && len != 5 && len != 13 &&
	    len != 10 && len != 26)
		return fail(p,
			    "a WEP key is 5 or 13 characters or 10 or 26 hex digits, not %zu",
			    len);
	if (c->security != SPISOCK_SECURITY_WEP && c->has_secret && (len < 8 || len > 64))
		return fail(p,
			    "a WPA passphrase is 8..63 characters or 64 hex digits, not %zu",
			    len);
	if (!c->static_addr && gw_line) {
		p->line = gw_line;
		return fail(p, "gateway and dns need a static address (address = A.B.C.D/PREFIX)");
	}
	return 0;
}

static void conf_init(struct spisock_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->security = -1;
	c->auto_relink = 1;
	c->timeout_ms = 30000;
}

static int parse_stream(struct parse *p, FILE *f, struct spisock_conf *c)
{
	int seen[K_MAX] = { 0 }, gw_line = 0, ret = 0, quoted, k;
	char line[512];

	while (!ret && fgets(line, sizeof(line), f)) {
		char *key, *val, *eq;

		p->line++;
		if (!strchr(line, '\n') && !feof(f)) {
			ret = fail(p, "line longer than %zu bytes", sizeof(line) - 2);
			break;
		}
		line[strcspn(line, "\n")] = 0;
		key = trim(line, &quoted);
		if (!*key || *key == '#')
			continue;
		eq = strchr(key, '=');
		if (!eq || quoted) {
			ret = fail(p, "expected KEY = VALUE");
			break;
		}
		*eq = 0;
		key = trim(key, &quoted);
		val = trim(eq + 1, &quoted);
		for (k = 0; k < K_MAX; k++)
			if (!strcmp(key, key_names[k]))
				break;
		if (k == K_MAX) {
			ret = fail(p, "unknown key '%s'", key);
			break;
		}
		if (seen[k]) {
			ret = fail(p, "%s given twice (first on line %d)", key, seen[k]);
			break;
		}
		seen[k] = p->line;
		if (!*val && !quoted) {
			ret = fail(p, "%s has no value", key);
			break;
		}
		ret = set_key(p, k, val, c, &gw_line);
	}
	explicit_bzero(line, sizeof(line));
	if (!ret && ferror(f))
		ret = fail(p, "%s", strerror(errno));
	if (!ret)
		ret = check_whole(p, c, seen, gw_line);
	return ret;
}

int spisock_conf_load(const char *path, struct spisock_conf *c, char *err,
		      size_t errlen)
{
	struct parse p = { .path = path, .err = err, .errlen = errlen };
	struct stat st;
	FILE *f;
	int fd, ret;

	conf_init(c);
	err[0] = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fail(&p, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(&p, "not a regular file");
	}
	/* Whoever may change it decides which passphrase file is read. */
	if (st.st_mode & 022) {
		close(fd);
		return fail(&p, "mode %04o lets other users change it; run: chmod go-w %s",
			    (unsigned int)(st.st_mode & 07777), path);
	}
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return fail(&p, "%s", strerror(errno));
	}
	ret = parse_stream(&p, f, c);
	/* A passphrase written in the file itself: the file must be private. */
	if (!ret && c->has_secret && !p.seen_secret_file)
		ret = secret_mode_ok(&p, fd, path, "a passphrase");
	fclose(f);
	if (ret)
		spisock_conf_wipe(c);
	return ret;
}

void spisock_conf_wipe(struct spisock_conf *c)
{
	explicit_bzero(c->secret, sizeof(c->secret));
	c->has_secret = 0;
}

int spisock_conf_name_ok(const char *radio)
{
	static const char ok[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
	size_t n = strlen(radio);

	return n >= 1 && n <= 15 && strspn(radio, ok) == n;
}
