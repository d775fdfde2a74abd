// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: an A->B then B->A lock order that lockdep must report. */
#include <linux/module.h>
#include <linux/mutex.h>

static DEFINE_MUTEX(vmtest_lock_a);
static DEFINE_MUTEX(vmtest_lock_b);

static int __init vmtest_lockorder_init(void)
{
	mutex_lock(&vmtest_lock_a);
	mutex_lock(&vmtest_lock_b);
	mutex_unlock(&vmtest_lock_b);
	mutex_unlock(&vmtest_lock_a);

	/* Never deadlocks (one thread), but the inverted order is recorded. */
	mutex_lock(&vmtest_lock_b);
	mutex_lock(&vmtest_lock_a);
	mutex_unlock(&vmtest_lock_a);
	mutex_unlock(&vmtest_lock_b);
	return 0;
}

static void __exit vmtest_lockorder_exit(void)
{
}

module_init(vmtest_lockorder_init);
module_exit(vmtest_lockorder_exit);
MODULE_DESCRIPTION("spisock bench self-test: inverted lock order");
MODULE_LICENSE("GPL");
