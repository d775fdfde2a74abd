// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite for the spisock family core: argument checks, the choice of
 * the family number, and real kernel sockets of the registered family.
 */

#include <kunit/test.h>
#include <linux/in.h>
#include <linux/module.h>
#include <linux/net.h>
#include <net/net_namespace.h>
#include <net/sock.h>
#include <net/spisock.h>

#include "af_spisock.h"

struct type_case {
	const char *name;
	int type;
	int protocol;
	int err;
};

static const struct type_case type_cases[] = {
	{ "stream/0", SOCK_STREAM, 0, 0 },
	{ "stream/tcp", SOCK_STREAM, IPPROTO_TCP, 0 },
	{ "stream/udp", SOCK_STREAM, IPPROTO_UDP, -EPROTONOSUPPORT },
	{ "stream/sctp", SOCK_STREAM, IPPROTO_SCTP, -EPROTONOSUPPORT },
	{ "dgram/0", SOCK_DGRAM, 0, 0 },
	{ "dgram/udp", SOCK_DGRAM, IPPROTO_UDP, 0 },
	{ "dgram/tcp", SOCK_DGRAM, IPPROTO_TCP, -EPROTONOSUPPORT },
	{ "dgram/-1", SOCK_DGRAM, -1, -EINVAL },
	{ "dgram/max", SOCK_DGRAM, IPPROTO_MAX, -EINVAL },
	{ "raw/0", SOCK_RAW, 0, -ESOCKTNOSUPPORT },
	{ "seqpacket/0", SOCK_SEQPACKET, 0, -ESOCKTNOSUPPORT },
	{ "rdm/0", SOCK_RDM, 0, -ESOCKTNOSUPPORT },
	{ "packet/0", SOCK_PACKET, 0, -ESOCKTNOSUPPORT },
	{ "type-99/0", 99, 0, -ESOCKTNOSUPPORT },
};

static void type_case_desc(const struct type_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(type, type_cases, type_case_desc);

static void spisock_test_check_type(struct kunit *test)
{
	const struct type_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, spisock_check_type(c->type, c->protocol), c->err);
}

static void spisock_test_check_sockaddr(struct kunit *test)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr *sa = (struct sockaddr *)&sin;

	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, sizeof(sin)), 0);
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, sizeof(sin) + 4), 0);
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, sizeof(sin) - 1),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, -1), -EINVAL);
	sin.sin_family = AF_INET6;
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, sizeof(sin)),
			-EAFNOSUPPORT);
	sin.sin_family = AF_UNSPEC;
	KUNIT_EXPECT_EQ(test, spisock_check_sockaddr(sa, sizeof(sin)),
			-EAFNOSUPPORT);
}

/* A fake sock_register(): numbers set in ctx->taken are in use. */
struct fake_registry {
	unsigned long taken;
	int fail_with;
	int calls;
};

static int fake_register(int nr, void *ctx)
{
	struct fake_registry *reg = ctx;

	reg->calls++;
	if (reg->fail_with)
		return reg->fail_with;
	if (test_bit(nr, &reg->taken))
		return -EEXIST;
	__set_bit(nr, &reg->taken);
	return 0;
}

static void spisock_test_pick_family(struct kunit *test)
{
	static const int prefs[] = { 13, 18, 22 };
	struct fake_registry reg = { };

	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 3, fake_register, &reg),
			13);
	KUNIT_EXPECT_EQ(test, reg.calls, 1);

	/* 13 is now taken: the next load gets 18, then 22, then nothing. */
	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 3, fake_register, &reg),
			18);
	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 3, fake_register, &reg),
			22);
	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 3, fake_register, &reg),
			-EEXIST);

	/* Any error other than "taken" stops the search. */
	reg = (struct fake_registry){ .fail_with = -ENOBUFS };
	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 3, fake_register, &reg),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, reg.calls, 1);

	KUNIT_EXPECT_EQ(test, spisock_pick_family(prefs, 0, fake_register, &reg),
			-EEXIST);
}

static void spisock_test_family_registered(struct kunit *test)
{
	int nr = spisock_family();

	KUNIT_EXPECT_GT(test, nr, 0);
	KUNIT_EXPECT_LT(test, nr, AF_MAX);
}

static void spisock_test_kernel_socket(struct kunit *test, int type)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_port = htons(7),
		.sin_addr.s_addr = htonl(INADDR_LOOPBACK),
	};
	struct sockaddr_in name;
	struct socket *sock;
	int err;

	err = sock_create_kern(&init_net, spisock_family(), type, 0, &sock);
	KUNIT_ASSERT_EQ(test, err, 0);
	KUNIT_EXPECT_EQ(test, sock->sk->sk_family, spisock_family());

	/* Addresses are checked before the radio is needed. */
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, (struct sockaddr *)&sin, 4),
			-EINVAL);
	sin.sin_family = AF_INET6;
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, (struct sockaddr *)&sin,
					  sizeof(sin)), -EAFNOSUPPORT);
	sin.sin_family = AF_INET;
	KUNIT_EXPECT_EQ(test, kernel_bind(sock, (struct sockaddr *)&sin,
					  sizeof(sin)), -ENODEV);
	KUNIT_EXPECT_EQ(test, kernel_connect(sock, (struct sockaddr *)&sin,
					     sizeof(sin), 0), -ENODEV);

	KUNIT_EXPECT_EQ(test, kernel_getsockname(sock, (struct sockaddr *)&name),
			(int)sizeof(name));
	KUNIT_EXPECT_EQ(test, name.sin_family, AF_INET);
	KUNIT_EXPECT_EQ(test, name.sin_port, 0);
	KUNIT_EXPECT_EQ(test, name.sin_addr.s_addr, htonl(INADDR_ANY));
	KUNIT_EXPECT_EQ(test, kernel_getpeername(sock, (struct sockaddr *)&name),
			-ENOTCONN);

	KUNIT_EXPECT_EQ(test, kernel_listen(sock, 1),
			type == SOCK_STREAM ? -ENODEV : -EOPNOTSUPP);
	sock_release(sock);
}

static void spisock_test_stream_socket(struct kunit *test)
{
	spisock_test_kernel_socket(test, SOCK_STREAM);
}

static void spisock_test_dgram_socket(struct kunit *test)
{
	spisock_test_kernel_socket(test, SOCK_DGRAM);
}

static void spisock_test_bad_kernel_socket(struct kunit *test)
{
	struct socket *sock = NULL;

	KUNIT_EXPECT_EQ(test, sock_create_kern(&init_net, spisock_family(),
					       SOCK_RAW, 0, &sock),
			-ESOCKTNOSUPPORT);
	KUNIT_EXPECT_NULL(test, sock);
	KUNIT_EXPECT_EQ(test, sock_create_kern(&init_net, spisock_family(),
					       SOCK_STREAM, IPPROTO_UDP, &sock),
			-EPROTONOSUPPORT);
	KUNIT_EXPECT_NULL(test, sock);
}

static struct kunit_case spisock_core_cases[] = {
	KUNIT_CASE_PARAM(spisock_test_check_type, type_gen_params),
	KUNIT_CASE(spisock_test_check_sockaddr),
	KUNIT_CASE(spisock_test_pick_family),
	KUNIT_CASE(spisock_test_family_registered),
	KUNIT_CASE(spisock_test_stream_socket),
	KUNIT_CASE(spisock_test_dgram_socket),
	KUNIT_CASE(spisock_test_bad_kernel_socket),
	{}
};

static struct kunit_suite spisock_core_suite = {
	.name = "spisock-core",
	.test_cases = spisock_core_cases,
};

kunit_test_suite(spisock_core_suite);

MODULE_DESCRIPTION("KUnit tests for the spisock family core");
MODULE_LICENSE("GPL");
#ifdef HAVE_MODULE_IMPORT_NS_BARE
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
#else
MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
#endif
