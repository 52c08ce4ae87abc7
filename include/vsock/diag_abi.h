/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * What our vsock_diag adds to the AF_VSOCK sock_diag ABI of
 * <linux/vm_sockets_diag.h>. The request and the reply message keep
 * their layout; a request asks for more with bits in vdiag_show (which
 * the in-kernel module ignores), and each answer is a netlink attribute
 * after struct vsock_diag_msg, as with UNIX_DIAG_* for AF_UNIX. Without
 * those bits a reply is byte for byte the in-kernel one.
 *
 * Usable from user space: it needs only <linux/types.h>.
 */
#ifndef _VSOCK_DIAG_ABI_H
#define _VSOCK_DIAG_ABI_H

#include <linux/types.h>

/* vsock_diag_req.vdiag_show: which attributes to add to each reply. */
#define VSOCK_DIAG_SHOW_RQLEN	0x00000001	/* VSOCK_DIAG_RQLEN */
#define VSOCK_DIAG_SHOW_MEMINFO	0x00000002	/* VSOCK_DIAG_MEMINFO */

/* Attribute types after struct vsock_diag_msg. */
enum {
	VSOCK_DIAG_UNSPEC,
	VSOCK_DIAG_RQLEN,	/* struct vsock_diag_rqlen */
	VSOCK_DIAG_MEMINFO,	/* __u32[SK_MEMINFO_VARS], <linux/sock_diag.h> */
	__VSOCK_DIAG_MAX,
};

#define VSOCK_DIAG_MAX (__VSOCK_DIAG_MAX - 1)

/**
 * struct vsock_diag_rqlen - queue lengths, what ss shows as Recv-Q/Send-Q
 * @vdiag_rqueue: listener: children waiting for accept(); DGRAM: bytes of
 *	the queued datagrams; STREAM: bytes not read yet; SEQPACKET: bytes
 *	of the next message (SIOCINQ)
 * @vdiag_wqueue: listener: its backlog; else bytes written but not yet
 *	handed to the peer (SIOCOUTQ; 0 for the loopback and VMCI, which
 *	hand over at once)
 */
struct vsock_diag_rqlen {
	__u32	vdiag_rqueue;
	__u32	vdiag_wqueue;
};

#endif /* _VSOCK_DIAG_ABI_H */
