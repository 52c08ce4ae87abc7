// SPDX-License-Identifier: GPL-2.0
/*
 * The data path of a VMCI stream: bytes go through the queue pair, and
 * a control packet wakes the peer only when it may be waiting.
 *
 * New protocol (PKT_ON_NOTIFY): WROTE when our enqueue made the peer's
 * queue non-empty, READ when our dequeue made a full queue non-full. A
 * reader here sleeps only on an empty queue and a writer only on a full
 * one, so those are the only transitions anyone waits for.
 *
 * A reader polling with SO_RCVLOWAT sleeps on a non-empty queue, which
 * the in-kernel transport leaves waiting until its poll times out. Ours
 * then sends WAITING_READ with the byte count it needs (new protocol
 * peers that are not ours ignore it), and our writer answers with WROTE
 * once that much is queued.
 *
 * Old protocol: the peer announces WAITING_READ/WAITING_WRITE before it
 * sleeps, and gets WROTE/READ once we have written/read; we announce the
 * same before we sleep (vt_notify_wait()).
 *
 * Every function runs with the socket lock owned, except
 * vt_notify_packet(), which also runs from the packet fast path under
 * bh_lock_sock() while no one owns the socket: either way the queue pair
 * cannot go away underneath.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <net/sock.h>
#include <vv_compat.h>
#include "vmci_transport.h"

static void vt_wrote(struct vsock_sock *vsk, ssize_t n)
{
	struct vt_sock *vt = vsk->trans;
	s64 ready;

	if (vt->old_proto) {
		if (test_and_clear_bit(VT_PEER_WAITING_READ, &vt->flags))
			vt_sock_send(vsk, VT_WROTE, 0);
		return;
	}
	/* Our tail before the peer's head: pairs with the same in the peer. */
	smp_mb();
	ready = vmci_qpair_produce_buf_ready(vt->qp);
	if (ready <= n ||
	    (test_bit(VT_PEER_WAITING_READ, &vt->flags) &&
	     ready >= READ_ONCE(vt->peer_want) &&
	     test_and_clear_bit(VT_PEER_WAITING_READ, &vt->flags)))
		vt_sock_send(vsk, VT_WROTE, 0);
}

static void vt_read(struct vsock_sock *vsk, ssize_t n)
{
	struct vt_sock *vt = vsk->trans;

	if (vt->old_proto) {
		if (test_and_clear_bit(VT_PEER_WAITING_WRITE, &vt->flags))
			vt_sock_send(vsk, VT_READ, 0);
		return;
	}
	/* Our head before the peer's tail: pairs with the same in the peer. */
	smp_mb();
	if (vmci_qpair_consume_free_space(vt->qp) <= n)
		vt_sock_send(vsk, VT_READ, 0);
}

/**
 * vt_enqueue() - write up to @len bytes of @msg into the produce queue
 * @vsk: a connected socket; socket lock held
 * @msg: source
 * @len: bytes wanted (the core checked the space)
 *
 * Context: process.
 * Return: bytes written, or -EFAULT, -ENOTCONN.
 */
ssize_t vt_enqueue(struct vsock_sock *vsk, struct msghdr *msg, size_t len)
{
	struct vt_sock *vt = vsk->trans;
	ssize_t n;

	if (!vt->qp)
		return -ENOTCONN;
	n = vmci_qpair_enquev(vt->qp, msg, len, 0);
	if (n == -EAGAIN)
		return 0;
	if (n == -EINVAL && vmci_qpair_produce_free_space(vt->qp) > 0)
		return -EFAULT;
	if (n > 0)
		vt_wrote(vsk, n);
	return n;
}

/**
 * vt_dequeue() - read from the consume queue
 * @vsk: a connected socket; socket lock held
 * @msg: destination
 * @len: room
 * @flags: MSG_PEEK leaves the bytes
 *
 * Context: process.
 * Return: bytes copied, or -EFAULT, -ENOTCONN.
 */
ssize_t vt_dequeue(struct vsock_sock *vsk, struct msghdr *msg, size_t len,
		   int flags)
{
	struct vt_sock *vt = vsk->trans;
	ssize_t n;

	if (!vt->qp)
		return -ENOTCONN;
	if (flags & MSG_PEEK)
		n = vmci_qpair_peekv(vt->qp, msg, len, 0);
	else
		n = vmci_qpair_dequev(vt->qp, msg, len, 0);
	if (n == -EAGAIN)
		return 0;
	if (n == -EINVAL && vmci_qpair_consume_buf_ready(vt->qp) > 0)
		return -EFAULT;
	if (n > 0 && !(flags & MSG_PEEK))
		vt_read(vsk, n);
	return n;
}

/**
 * vt_has_data() - bytes readable now
 * @vsk: the socket; socket lock held
 *
 * Context: any.
 * Return: bytes, 0 without a queue pair, -EINVAL for corrupt offsets.
 */
s64 vt_has_data(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	return vt->qp ? vmci_qpair_consume_buf_ready(vt->qp) : 0;
}

/**
 * vt_has_space() - bytes writable now
 * @vsk: the socket; socket lock held
 * @want: unused: a stream takes partial writes
 *
 * Context: any.
 * Return: bytes, -ENOTCONN without a queue pair, -EINVAL for corrupt
 * offsets.
 */
s64 vt_has_space(struct vsock_sock *vsk, size_t want)
{
	struct vt_sock *vt = vsk->trans;

	return vt->qp ? vmci_qpair_produce_free_space(vt->qp) : -ENOTCONN;
}

/**
 * vt_notify_wait() - the socket is about to wait for data or space
 * @vsk: the socket; socket lock held
 * @send: waiting for space (true) or data (false)
 *
 * Only the old protocol says so to the peer, once until it answers.
 *
 * Context: process.
 */
void vt_notify_wait(struct vsock_sock *vsk, bool send)
{
	struct sock *sk = sk_vsock(vsk);
	struct vt_sock *vt = vsk->trans;
	u64 want;

	if (!vt->qp || sk->sk_state != TCP_ESTABLISHED)
		return;
	if (send) {
		if (vt->old_proto &&
		    !test_and_set_bit(VT_SENT_WAITING_WRITE, &vt->flags))
			vt_sock_send_wait(vsk, VT_WAITING_WRITE, 0);
		return;
	}
	/* New protocol: an empty queue gets its WROTE anyway. */
	if (!vt->old_proto && vt_has_data(vsk) <= 0)
		return;
	want = min_t(u64, sock_rcvlowat(sk, 0, INT_MAX), vt->qsize);
	if (!test_and_set_bit(VT_SENT_WAITING_READ, &vt->flags))
		vt_sock_send_wait(vsk, VT_WAITING_READ, want);
}

/**
 * vt_notify_packet() - WROTE, READ or WAITING_* from the peer
 * @sk: an established socket, owned by the caller or by nobody (see the
 *	top of this file)
 * @pkt: the packet
 *
 * Context: any.
 */
void vt_notify_packet(struct sock *sk, const struct vt_packet *pkt)
{
	struct vt_sock *vt = vt_sk(sk);
	u64 want;

	if (!vt->qp)
		return;
	switch (pkt->type) {
	case VT_WROTE:
		clear_bit(VT_SENT_WAITING_READ, &vt->flags);
		sk->sk_data_ready(sk);
		break;
	case VT_READ:
		clear_bit(VT_SENT_WAITING_WRITE, &vt->flags);
		sk->sk_write_space(sk);
		break;
	case VT_WAITING_READ:
		want = vt->old_proto ? 1 : max_t(u64, pkt->u.wait.offset, 1);
		WRITE_ONCE(vt->peer_want, want);
		set_bit(VT_PEER_WAITING_READ, &vt->flags);
		/* The flag before the queue: pairs with smp_mb() in vt_wrote(). */
		smp_mb__after_atomic();
		if (vmci_qpair_produce_buf_ready(vt->qp) >= want &&
		    test_and_clear_bit(VT_PEER_WAITING_READ, &vt->flags))
			vt_sock_send(vsock_sk(sk), VT_WROTE, 0);
		break;
	case VT_WAITING_WRITE:
		set_bit(VT_PEER_WAITING_WRITE, &vt->flags);
		/* The flag before the queue: pairs with smp_mb() in vt_read(). */
		smp_mb__after_atomic();
		if (vmci_qpair_consume_free_space(vt->qp) > 0 &&
		    test_and_clear_bit(VT_PEER_WAITING_WRITE, &vt->flags))
			vt_sock_send(vsock_sk(sk), VT_READ, 0);
		break;
	}
}
