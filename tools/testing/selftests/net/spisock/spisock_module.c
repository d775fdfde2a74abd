// SPDX-License-Identifier: GPL-2.0
/*
 * spisock.ko lifetime: load/unload cycles, sockets pin the module, the
 * family module parameter.
 *
 * Loads the module itself from $SPISOCK_KO (default: spisock.ko next to
 * this program); spisock.ko must not be loaded when it starts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "../../kselftest_harness.h"
#include "spisock_util.h"

/* $SPISOCK_CYCLES overrides the number of load/unload cycles. */
static int cycles(void)
{
	const char *env = getenv("SPISOCK_CYCLES");

	return env && atoi(env) > 0 ? atoi(env) : 20;
}

#define REFCNT_PATH "/sys/module/spisock/refcnt"

/* Module references: every open socket holds some. */
static int module_refs(void)
{
	return read_int_file(REFCNT_PATH);
}

FIXTURE(mod) {
	int unused;
};

FIXTURE_SETUP(mod)
{
	ASSERT_EQ(0, access(spisock_ko(), R_OK))
		TH_LOG("set SPISOCK_KO to the spisock.ko to test");
	ASSERT_EQ(-1, spisock_family()) TH_LOG("spisock.ko is already loaded");
}

FIXTURE_TEARDOWN(mod)
{
	if (spisock_family() >= 0)
		spisock_unload();
}

/*
 * A cycle takes about 1.2 s on the debug kernel (KASAN, kmemleak) and more
 * on a loaded machine: the harness's 30 s left 20 cycles 5 s of slack. The
 * full tier runs 200.
 */
TEST_F_TIMEOUT(mod, load_unload_cycles, 600)
{
	int i, fam, s, d, pinned;

	for (i = 0; i < cycles(); i++) {
		ASSERT_EQ(0, spisock_load(""))
			TH_LOG("cycle %d: load: %s", i, strerror(errno));
		fam = spisock_family();
		ASSERT_GT(fam, 0);
		ASSERT_LT(fam, 46);

		s = socket(fam, SOCK_STREAM, 0);
		d = socket(fam, SOCK_DGRAM, 0);
		ASSERT_LE(0, s);
		ASSERT_LE(0, d);
		/* Each socket holds the same number of module references. */
		pinned = module_refs();
		EXPECT_GT(pinned, 0);
		EXPECT_EQ(0, pinned % 2);

		/* Open sockets pin the module. */
		EXPECT_EQ(-1, spisock_unload());
		EXPECT_EQ(EWOULDBLOCK, errno);
		close(s);
		EXPECT_EQ(pinned / 2, module_refs());
		EXPECT_EQ(-1, spisock_unload());
		EXPECT_EQ(EWOULDBLOCK, errno);
		close(d);
		EXPECT_EQ(0, module_refs());

		ASSERT_EQ(0, spisock_unload())
			TH_LOG("cycle %d: unload: %s", i, strerror(errno));
		EXPECT_EQ(-1, spisock_family());
		/* The family is gone with the module. */
		EXPECT_EQ(-1, socket(fam, SOCK_STREAM, 0));
		EXPECT_EQ(EAFNOSUPPORT, errno);
	}
}

TEST_F(mod, family_parameter)
{
	int fam, s;

	/* Find out which number the default picks, then ask for another. */
	ASSERT_EQ(0, spisock_load(""));
	fam = spisock_family();
	ASSERT_EQ(0, spisock_unload());

	ASSERT_EQ(0, spisock_load(fam == 18 ? "family=22" : "family=18"));
	EXPECT_EQ(fam == 18 ? 22 : 18, spisock_family());
	s = socket(spisock_family(), SOCK_DGRAM, 0);
	EXPECT_LE(0, s);
	close(s);
	ASSERT_EQ(0, spisock_unload());
}

TEST_F(mod, family_parameter_rejected)
{
	/* AF_UNIX is taken: the load must fail, not fall back silently. */
	EXPECT_EQ(-1, spisock_load("family=1"));
	EXPECT_EQ(EEXIST, errno);
	EXPECT_EQ(-1, spisock_load("family=46"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, spisock_load("family=0"));
	EXPECT_EQ(EINVAL, errno);
	EXPECT_EQ(-1, spisock_family());
}

TEST_HARNESS_MAIN
