// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/vsock: the local CID for user space, plus the VMware VMCI Sockets
 * ioctls that programs built against vmci_sockets.h use to find the
 * address family and the driver version.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/uaccess.h>
#include <vv_compat.h>
#include "vsock.h"

/* VMware vmci_sockets.h: _IO(7, 0xb4) and _IO(7, 0xb8). */
#define IOCTL_VMCI_SOCKETS_VERSION	_IO(7, 0xb4)
#define IOCTL_VMCI_SOCKETS_GET_AF_VALUE	_IO(7, 0xb8)
/* Reported version 1.0.0: epoch 1, major 0, minor 0. */
#define VSOCK_VMCI_SOCKETS_VERSION	BIT(24)

static long vsock_dev_ioctl(struct file *file, unsigned int cmd,
			    unsigned long arg)
{
	u32 __user *p = (u32 __user *)arg;

	switch (cmd) {
	case IOCTL_VM_SOCKETS_GET_LOCAL_CID:
		return put_user(vsock_local_cid(), p);
	case IOCTL_VMCI_SOCKETS_GET_AF_VALUE:
		return put_user(AF_VSOCK, p);
	case IOCTL_VMCI_SOCKETS_VERSION:
		return put_user(VSOCK_VMCI_SOCKETS_VERSION, p);
	default:
		return -ENOTTY;
	}
}

static long vsock_dev_compat_ioctl(struct file *file, unsigned int cmd,
				   unsigned long arg)
{
	return vsock_dev_ioctl(file, cmd, (unsigned long)compat_ptr(arg));
}

static const struct file_operations vsock_dev_fops = {
	.owner = THIS_MODULE,
	.unlocked_ioctl = vsock_dev_ioctl,
	.compat_ioctl = vsock_dev_compat_ioctl,
	.open = nonseekable_open,
};

static struct miscdevice vsock_dev = {
	.name = "vsock",
	.minor = MISC_DYNAMIC_MINOR,
	.fops = &vsock_dev_fops,
	.mode = 0666,
};

/**
 * vsock_dev_init() - create /dev/vsock
 *
 * Context: module init.
 * Return: 0 or -errno.
 */
int vsock_dev_init(void)
{
	return misc_register(&vsock_dev);
}

/**
 * vsock_dev_exit() - remove /dev/vsock
 *
 * Context: module exit.
 */
void vsock_dev_exit(void)
{
	misc_deregister(&vsock_dev);
}
