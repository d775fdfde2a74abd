// SPDX-License-Identifier: GPL-2.0
/*
 * The reference documentation's client example, in C on spisock: connect to
 * 192.168.1.10 port 5555 and send "Hello World!" whole (sendall).
 *
 *   hello_client [ADDR [PORT]]
 *   hello_client -h|--help
 *
 * The radio must be linked first (spisockctl link RADIO SSID PASSPHRASE),
 * as the example calls wifi.link().
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
	int i = example_args(argc, argv,
			     "usage: hello_client [ADDR [PORT]]   (default 192.168.1.10 5555)\n", 2);
	const char *ip = argc > i ? argv[i] : "192.168.1.10";
	struct sockaddr_in sa = {
		.sin_family = AF_INET,
		.sin_port = htons(argc > i + 1 ? atoi(argv[i + 1]) : 5555),
	};
	const char *msg = "Hello World!";
	int fam = spisock_family(), s;

	if (fam < 0) {
		perror("hello_client: " SPISOCK_FAMILY_PATH);
		return 1;
	}
	if (inet_pton(AF_INET, ip, &sa.sin_addr) != 1) {
		fprintf(stderr, "hello_client: bad address %s\n", ip);
		return 2;
	}
	s = socket(fam, SOCK_STREAM, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) ||
	    sendall(s, msg, strlen(msg))) {
		perror("hello_client");
		return 1;
	}
	printf("hello_client: sent \"%s\" to %s:%d\n", msg, ip,
	       ntohs(sa.sin_port));
	close(s);
	return 0;
}
