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
 * the namespace argument from an identifier into a string literal. The
 * name starts with EXPORT_SYMBOL so that checkpatch treats it as one.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 13, 0)
#define EXPORT_SYMBOL_VV(sym)	EXPORT_SYMBOL_NS_GPL(sym, "VSOCK_VMCI_OOT")
#define VV_IMPORT_NS()		MODULE_IMPORT_NS("VSOCK_VMCI_OOT")
#else
#define EXPORT_SYMBOL_VV(sym)	EXPORT_SYMBOL_NS_GPL(sym, VSOCK_VMCI_OOT)
#define VV_IMPORT_NS()		MODULE_IMPORT_NS(VSOCK_VMCI_OOT)
#endif

/* <kunit/visibility.h> appeared in 6.2. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 2, 0)
#include <kunit/visibility.h>
#else
#define VISIBLE_IF_KUNIT static
#define EXPORT_SYMBOL_IF_KUNIT(symbol)
#endif

/* ---- VMCI PCI driver ---- */
/* PCI_IRQ_LEGACY became PCI_IRQ_INTX in 6.8 (some stable trees have both). */
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 8, 0) && !defined(PCI_IRQ_INTX)
#define PCI_IRQ_INTX		PCI_IRQ_LEGACY
#endif

/* ---- vsock (block owned by the vsock helper) ---- */
/*
 * proto_ops.accept(): 6.10 moved the flags into struct proto_accept_arg.
 * VV_DEFINE_ACCEPT(name, impl) defines the op @name calling
 * int impl(struct socket *sock, struct socket *newsock, int flags).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 10, 0)
#define VV_DEFINE_ACCEPT(name, impl)					\
static int name(struct socket *sock, struct socket *newsock,		\
		struct proto_accept_arg *arg)				\
{									\
	return impl(sock, newsock, arg->flags);				\
}
#else
#define VV_DEFINE_ACCEPT(name, impl)					\
static int name(struct socket *sock, struct socket *newsock, int flags,	\
		bool kern)						\
{									\
	return impl(sock, newsock, flags);				\
}
#endif

/*
 * SOCK_CUSTOM_SOCKOPT (6.2+) routes SOL_SOCKET options through the family's
 * setsockopt; without it the generic code handles them all.
 */
#include <linux/net.h>
#ifdef SOCK_CUSTOM_SOCKOPT
#define vv_sock_set_custom_sockopt(sock)	\
	set_bit(SOCK_CUSTOM_SOCKOPT, &(sock)->flags)
#else
#define vv_sock_set_custom_sockopt(sock)	do { } while (0)
#endif
/* ---- end of vsock block ---- */

/* ---- vsock_diag ---- */
/*
 * struct sock_diag_handler gained .owner in 6.9 (sock_diag then calls a
 * handler without its mutex, pinning the module instead); 6.1.120 has it
 * too. Where it exists it must be set, or the module could go while its
 * handler runs.
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0) || \
	(LINUX_VERSION_CODE >= KERNEL_VERSION(6, 1, 120) && \
	 LINUX_VERSION_CODE < KERNEL_VERSION(6, 2, 0))
#define VV_DEFINE_SOCK_DIAG_HANDLER(name, fam, fn)			\
static const struct sock_diag_handler name = {				\
	.owner = THIS_MODULE,						\
	.family = (fam),						\
	.dump = (fn),							\
}
#else
#define VV_DEFINE_SOCK_DIAG_HANDLER(name, fam, fn)			\
static const struct sock_diag_handler name = {				\
	.family = (fam),						\
	.dump = (fn),							\
}
#endif
/* ---- end of vsock_diag block ---- */

#endif /* _VV_COMPAT_H */
