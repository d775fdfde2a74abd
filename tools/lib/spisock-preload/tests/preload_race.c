// SPDX-License-Identifier: GPL-2.0
/*
 * libspisock-preload's thread and fork safety, as an ordinary AF_INET
 * program (run it preloaded against a TCP echo server):
 *  - connect on one thread while another closes the socket and reuses the
 *    fd number for /dev/null: the swap must never land on the reused fd;
 *  - fork after a swap: the child uses the inherited socket, connects a new
 *    one (the library's lock is usable in the child), the parent goes on.
 * Prints "name value" lines; exit 0 when every check passed.
 *
 *   preload_race IP PORT [ROUNDS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct sockaddr_in peer = { .sin_family = AF_INET };
static int failed;

static void check(const char *what, long got, long want)
{
	printf("%s %ld%s\n", what, got, got == want ? "" : " (FAILED)");
	if (got != want)
		failed = 1;
}

struct job {
	int fd;
	int ret, err;
};

static void *connector(void *arg)
{
	struct job *j = arg;

	j->ret = connect(j->fd, (struct sockaddr *)&peer, sizeof(peer));
	j->err = errno;
	return NULL;
}

static int is_devnull(int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat("/dev/null", &b) && S_ISCHR(a.st_mode) &&
	       a.st_rdev == b.st_rdev;
}

/* One round: connect vs close after delay_us; the number is reused at once. */
static int race_round(int delay_us, int *clobbered)
{
	struct job j = { .fd = socket(AF_INET, SOCK_STREAM, 0) };
	pthread_t t;
	int nul;

	if (j.fd < 0)
		return -1;
	pthread_create(&t, NULL, connector, &j);
	if (delay_us)
		usleep(delay_us);
	close(j.fd);
	nul = open("/dev/null", O_RDONLY | O_CLOEXEC);
	pthread_join(t, NULL);
	if (nul == j.fd && !is_devnull(nul))
		(*clobbered)++;
	close(nul);
	return j.ret == 0;
}

static int echo(int fd, const char *msg)
{
	char buf[64];
	int n = strlen(msg), got = 0, r;

	if (send(fd, msg, n, MSG_NOSIGNAL) != n)
		return -1;
	while (got < n && (r = recv(fd, buf + got, sizeof(buf) - got, 0)) > 0)
		got += r;
	return got == n && !memcmp(buf, msg, n) ? 0 : -1;
}

static int connected(void)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&peer, sizeof(peer))) {
		close(fd);
		return -1;
	}
	return fd;
}

static int child(int fd)
{
	int dom = -1, fd2;
	socklen_t l = sizeof(dom);

	getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &l);
	if (dom != AF_INET || echo(fd, "child\n"))
		return 1;
	fd2 = connected();
	if (fd2 < 0 || echo(fd2, "child-new\n"))
		return 2;
	close(fd2);
	return 0;
}

static void fork_after_swap(void)
{
	int fd = connected(), st = -1;
	pid_t pid;

	check("fork_parent_connect", fd >= 0, 1);
	if (fd < 0)
		return;
	check("fork_parent_echo_before", echo(fd, "before\n"), 0);
	pid = fork();
	if (pid == 0)
		_exit(child(fd));
	waitpid(pid, &st, 0);
	check("fork_child_status", WIFEXITED(st) ? WEXITSTATUS(st) : 99, 0);
	check("fork_parent_echo_after", echo(fd, "after\n"), 0);
	close(fd);
}

int main(int argc, char **argv)
{
	int rounds = argc > 3 ? atoi(argv[3]) : 200, clobbered = 0, ok = 0;

	if (argc < 3 || inet_pton(AF_INET, argv[1], &peer.sin_addr) != 1) {
		fprintf(stderr, "usage: preload_race IP PORT [ROUNDS]\n");
		return 2;
	}
	peer.sin_port = htons(atoi(argv[2]));
	for (int i = 0; i < rounds; i++) {
		int r = race_round((i % 10) * 200, &clobbered);

		if (r > 0)
			ok++;
	}
	printf("race_rounds %d connected_before_close %d\n", rounds, ok);
	check("race_reused_fd_clobbered", clobbered, 0);
	fork_after_swap();
	return failed;
}
