/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files of vsock_loopback.ko.
 */
#ifndef _VSOCK_LOOPBACK_H
#define _VSOCK_LOOPBACK_H

#include <linux/skbuff.h>
#include <linux/wait.h>
#include <vsock/transport.h>

/**
 * struct vl_sock - loopback state of one socket (vsock_sock.trans)
 * @peer: the other end of a connection, with a reference. Protected by
 *	this socket's lock; set at connect/accept, cleared at release.
 * @rx_bytes: bytes in sk_receive_queue.
 * @rx_truesize: memory those skbs use; bounds many tiny writes.
 * @rx_msgs: complete SEQPACKET messages in sk_receive_queue.
 * @rx_closed: the socket is released; nothing more may be queued.
 * @dgram_wait: DGRAM senders waiting for room in this receiver.
 *
 * sk_receive_queue.lock protects @rx_bytes, @rx_truesize, @rx_msgs,
 * @rx_closed and the queue itself (taken with BH disabled: the lock class
 * is shared with every socket family). Lockless readers use READ_ONCE().
 * This struct is freed in destruct, so a peer holding a socket reference
 * may always touch it.
 */
struct vl_sock {
	struct sock *peer;
	u64 rx_bytes;
	u64 rx_truesize;
	u32 rx_msgs;
	bool rx_closed;
	wait_queue_head_t dgram_wait;
};

/**
 * struct vl_cb - control block of a queued STREAM/SEQPACKET skb
 * @offset: bytes already consumed (STREAM); touched only by the receiver
 *	under its socket lock
 * @eom: last skb of a SEQPACKET message
 * @eor: the sender passed MSG_EOR with that message
 */
struct vl_cb {
	u32 offset;
	bool eom;
	bool eor;
};

#define VL_CB(skb) ((struct vl_cb *)((skb)->cb))

static inline struct vl_sock *vl_sk(const struct sock *sk)
{
	return vsock_sk(sk)->trans;
}

struct sk_buff *vl_alloc_skb(struct msghdr *msg, size_t size, int *err);
bool vl_dgram_allow(u32 cid, u32 port);
int vl_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
		     struct msghdr *msg, size_t len);
void vl_dgram_write_space(struct sock *sk);

#endif /* _VSOCK_LOOPBACK_H */
