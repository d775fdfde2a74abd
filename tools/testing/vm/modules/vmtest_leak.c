// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: loading this module must make kmemleak fail the run. */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

static int __init vmtest_leak_init(void)
{
	char *p = kmalloc(333, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	/* Touch it so the allocation is not optimised out; then lose it. */
	memset(p, 0x5a, 333);
	p = NULL;
	return 0;
}

static void __exit vmtest_leak_exit(void)
{
}

module_init(vmtest_leak_init);
module_exit(vmtest_leak_exit);
MODULE_DESCRIPTION("spisock bench self-test: leaks one allocation");
MODULE_LICENSE("GPL");
