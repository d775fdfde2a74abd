// SPDX-License-Identifier: GPL-2.0
/*
 * The radios' class: each registered radio is /sys/class/spisock/<name>,
 * a device with no device number whose only purpose is its uevents. Its
 * add event is what starts the radio's link at boot (the udev rule
 * 60-spisock.rules asks systemd for spisock-link@<name>.service); the
 * registry (dev.c) stays the only place sockets look radios up.
 */
#include <linux/device.h>

#include "af_spisock.h"

static struct class spisock_class = {
	.name = "spisock",
};

/**
 * spisock_class_add() - the radio's class device, for udev
 * @core: a radio being registered (its name is final)
 *
 * A radio without one still works; only the boot-time link waits for a
 * command then, so a failure is logged, not returned.
 * Context: process, may sleep.
 */
void spisock_class_add(struct spisock_dev_core *core)
{
	struct device *cdev;

	cdev = device_create(&spisock_class, core->dev.parent, MKDEV(0, 0),
			     NULL, "%s", core->dev.name);
	if (IS_ERR(cdev)) {
		pr_warn_ratelimited("spisock: %s: no class device (%ld): udev will not see it\n",
				    core->dev.name, PTR_ERR(cdev));
		cdev = NULL;
	}
	core->cdev = cdev;
}

/**
 * spisock_class_del() - undo spisock_class_add()
 * @core: a radio being unregistered
 *
 * Context: process, may sleep.
 */
void spisock_class_del(struct spisock_dev_core *core)
{
	if (core->cdev)
		device_unregister(core->cdev);
	core->cdev = NULL;
}

/**
 * spisock_class_init() - register the class
 *
 * Return: 0 or a negative errno.
 */
int __init spisock_class_init(void)
{
	return class_register(&spisock_class);
}

/**
 * spisock_class_exit() - undo spisock_class_init(); no radio is left
 */
void spisock_class_exit(void)
{
	class_unregister(&spisock_class);
}
