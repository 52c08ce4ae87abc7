/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Differences between the kernels we build against (6.1 .. current),
 * kept in one place so that no other file needs a version check.
 */
#ifndef _VV_COMPAT_H
#define _VV_COMPAT_H

#include <linux/version.h>
#include <linux/export.h>
#include <linux/module.h>

/*
 * Our exports live in our own symbol namespace, so an in-tree module
 * (which never imports it) cannot bind to them by accident. 6.13 turned
 * the namespace argument from an identifier into a string literal.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define VV_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, "VSOCK_VMCI_OOT")
#define VV_IMPORT_NS()	MODULE_IMPORT_NS("VSOCK_VMCI_OOT")
#else
#define VV_EXPORT(sym)	EXPORT_SYMBOL_NS_GPL(sym, VSOCK_VMCI_OOT)
#define VV_IMPORT_NS()	MODULE_IMPORT_NS(VSOCK_VMCI_OOT)
#endif

/* <kunit/visibility.h> appeared in 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <kunit/visibility.h>
#else
#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

#endif /* _VV_COMPAT_H */
