// SPDX-License-Identifier: GPL-2.0
/*
 * The reference documentation's server example, in C on spisock: bind port
 * 80, listen (backlog 2, the reference's default), and answer every client
 * with "Hello!" before closing its connection.
 *
 *   hello_server [-n COUNT] [PORT]
 *   hello_server -h|--help
 *
 * -n stops after COUNT clients (the reference loops forever).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "spisock_example.h"

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET }, peer;
	int i = example_args(argc, argv,
			     "usage: hello_server [-n COUNT] [PORT]   (default: forever, port 80)\n", 1);
	int fam = spisock_family(), s, c, count = -1;
	socklen_t len;

	if (i == 3)
		count = atoi(argv[2]);
	sa.sin_port = htons(argc > i ? atoi(argv[i]) : 80);
	if (fam < 0) {
		perror("hello_server: " SPISOCK_FAMILY_PATH);
		return 1;
	}
	s = socket(fam, SOCK_STREAM, 0);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s, 2)) {
		perror("hello_server");
		return 1;
	}
	printf("hello_server: listening on port %d\n", ntohs(sa.sin_port));
	fflush(stdout);
	while (count) {
		len = sizeof(peer);
		c = accept(s, (struct sockaddr *)&peer, &len);
		if (c < 0) {
			if (errno == EINTR)
				continue;
			perror("hello_server: accept");
			return 1;
		}
		if (sendall(c, "Hello!", 6))
			perror("hello_server: send");
		printf("hello_server: answered %s:%d\n", inet_ntoa(peer.sin_addr),
		       ntohs(peer.sin_port));
		fflush(stdout);
		close(c);
		if (count > 0)
			count--;
	}
	close(s);
	return 0;
}
