// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: loading this module must make tools/testing/vm/run fail. */
#include <linux/bug.h>
#include <linux/module.h>

static int __init vmtest_warn_init(void)
{
	WARN(1, "vmtest_warn: deliberate warning\n");
	return 0;
}

static void __exit vmtest_warn_exit(void)
{
}

module_init(vmtest_warn_init);
module_exit(vmtest_warn_exit);
MODULE_DESCRIPTION("spisock bench self-test: emits a WARN");
MODULE_LICENSE("GPL");
