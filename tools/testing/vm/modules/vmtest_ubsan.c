// SPDX-License-Identifier: GPL-2.0
/* Bench self-test: an out-of-bounds array index that UBSAN must report. */
#include <linux/compiler.h>
#include <linux/module.h>

/* The index lands in pad[], so the memory is valid and only UBSAN objects. */
static struct {
	int arr[4];
	int pad[4];
} vmtest_ubsan_data;

static int vmtest_ubsan_index = 5;
module_param_named(index, vmtest_ubsan_index, int, 0444);

static int __init vmtest_ubsan_init(void)
{
	int i = READ_ONCE(vmtest_ubsan_index);

	pr_info("vmtest_ubsan: arr[%d] = %d\n", i, vmtest_ubsan_data.arr[i]);
	return 0;
}

static void __exit vmtest_ubsan_exit(void)
{
}

module_init(vmtest_ubsan_init);
module_exit(vmtest_ubsan_exit);
MODULE_DESCRIPTION("spisock bench self-test: array index out of bounds");
MODULE_LICENSE("GPL");
