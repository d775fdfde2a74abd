// SPDX-License-Identifier: GPL-2.0
/*
 * libc's name calls as an ordinary program makes them, for the VM test of
 * names through the radio's DNS: prints "call answer" a line.
 *
 *   preload_names NAME
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static void show_hostent(const char *call, const struct hostent *he, int err)
{
	char ip[INET_ADDRSTRLEN] = "-";

	if (he && he->h_addrtype == AF_INET && he->h_addr_list[0])
		inet_ntop(AF_INET, he->h_addr_list[0], ip, sizeof(ip));
	printf("%s %s%s%s\n", call, he ? ip : "error", he ? "" : " ",
	       he ? "" : hstrerror(err));
}

static void by_getaddrinfo(const char *name, int family)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_CANONNAME }, *res;
	char ip[INET_ADDRSTRLEN];
	int ret = getaddrinfo(name, "80", &hints, &res);

	if (ret) {
		printf("getaddrinfo%s %s\n", family == AF_INET6 ? "6" : "",
		       gai_strerror(ret));
		return;
	}
	inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, ip,
		  sizeof(ip));
	printf("getaddrinfo%s %s canon %s\n", family == AF_INET6 ? "6" : "", ip,
	       res->ai_canonname ? res->ai_canonname : "-");
	freeaddrinfo(res);
}

static void by_getnameinfo(const char *ip)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(80) };
	char host[256], serv[32];
	int ret;

	inet_pton(AF_INET, ip, &sa.sin_addr);
	ret = getnameinfo((struct sockaddr *)&sa, sizeof(sa), host, sizeof(host),
			  serv, sizeof(serv), 0);
	printf("getnameinfo %s\n", ret ? gai_strerror(ret) : host);
}

int main(int argc, char **argv)
{
	struct hostent he, *res = NULL;
	char buf[1024];
	int err = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: preload_names NAME\n");
		return 2;
	}
	res = gethostbyname(argv[1]);
	show_hostent("gethostbyname", res, h_errno);
	res = NULL;
	gethostbyname_r(argv[1], &he, buf, sizeof(buf), &res, &err);
	show_hostent("gethostbyname_r", res, err);
	by_getaddrinfo(argv[1], AF_UNSPEC);
	by_getaddrinfo(argv[1], AF_INET6);
	by_getnameinfo("192.168.1.10");
	return 0;
}
