// SPDX-License-Identifier: GPL-2.0
/*
 * Host-side test (TAP): without spisock.ko every entry point fails with
 * EAFNOSUPPORT and spisock_strerror() names the module. Skipped where the
 * module is loaded (the VM tests cover that side).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/spisock.h>

#include "libspisock.h"
#include "tap.h"

static int names_module(int err)
{
	return err == EAFNOSUPPORT &&
	       strstr(spisock_strerror(err), "spisock module (spisock.ko) is not loaded");
}

int main(void)
{
	tap_plan(4);
	if (!access(SPISOCK_FAMILY_PATH, F_OK)) {
		for (int i = 0; i < 4; i++)
			skip("spisock.ko is loaded here");
		return 0;
	}
	errno = 0;
	ok(spisock_family() == -1 && names_module(errno), "family: %s",
	   spisock_strerror(errno));
	errno = 0;
	ok(spisock_socket(0, 0, 0) == -1 && names_module(errno), "socket: %s",
	   spisock_strerror(errno));
	errno = 0;
	ok(spisock_wifi_is_linked() == -1 && names_module(errno), "wifi_is_linked: %s",
	   spisock_strerror(errno));
	ok(names_module(EAFNOSUPPORT), "strerror(EAFNOSUPPORT) alone says so too");
	return tap_done();
}
