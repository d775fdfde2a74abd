// SPDX-License-Identifier: GPL-2.0
/*
 * The reference's client example over libspisock, as README.md builds it
 * against the tree: connect to ADDR (default ("192.168.1.10",5555), any of
 * the reference's address forms) and send "Hello World!" whole. The radio
 * must be linked first (spisockctl link, or tools/testing/vm/run --radio).
 *
 *   client [ADDR]
 */
#include <errno.h>
#include <stdio.h>
#include <libspisock.h>

int main(int argc, char **argv)
{
	const char *addr = argc > 1 ? argv[1] : "(\"192.168.1.10\",5555)";
	int s = spisock_socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);

	if (s < 0 || spisock_connect(s, addr) ||
	    spisock_sendall(s, "Hello World!", 12, 0)) {
		fprintf(stderr, "client: %s\n", spisock_strerror(errno));
		return 1;
	}
	return spisock_close(s);
}
