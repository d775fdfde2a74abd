// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: a use-after-free that KASAN must report. */
#include <linux/compiler.h>
#include <linux/module.h>
#include <linux/slab.h>

static int __init vmtest_kasan_init(void)
{
	char *p = kmalloc(32, GFP_KERNEL);

	if (!p)
		return -ENOMEM;
	kfree(p);
	/* Keep the compiler from seeing (and rejecting) the use after free. */
	OPTIMIZER_HIDE_VAR(p);
	pr_info("vmtest_kasan: read %d after free\n", READ_ONCE(p[3]));
	return 0;
}

static void __exit vmtest_kasan_exit(void)
{
}

module_init(vmtest_kasan_init);
module_exit(vmtest_kasan_exit);
MODULE_DESCRIPTION("spisock bench self-test: use after free");
MODULE_LICENSE("GPL");
