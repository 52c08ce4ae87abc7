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
 * SOCK_SEQPACKET (ours only, VT_PROTO_SEQPACKET): each message is one
 * record, a struct vt_seq_hdr and the payload, enqueued whole; a reader
 * takes whole records. A writer waiting for room for a record (not just
 * a non-full queue) says how much with WAITING_WRITE, answered by READ
 * once that much is free.
 *
 * Every function runs with the socket lock owned, except
 * vt_notify_packet(), which also runs from the packet fast path under
 * bh_lock_sock() while no one owns the socket: either way the queue pair
 * cannot go away underneath.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/uio.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vmci_transport.h"

/*
 * After moving @n bytes (written: @wrote, else read), tell the peer when
 * it may be waiting for that: WROTE/READ. Only the socket's own enqueue
 * and dequeue call this, with the socket owned and no spinlock held.
 */
static void vt_moved(struct vsock_sock *vsk, bool wrote, ssize_t n)
{
	int bit = wrote ? VT_PEER_WAITING_READ : VT_PEER_WAITING_WRITE;
	u8 type = wrote ? VT_WROTE : VT_READ;
	struct vt_sock *vt = vsk->trans;
	s64 level;
	u64 want;

	if (vt->old_proto) {
		if (test_and_clear_bit(bit, &vt->flags))
			vt_sock_send_unlocked(vsk, type);
		return;
	}
	/* Our index before the peer's: pairs with the same in the peer. */
	smp_mb();
	level = wrote ? vmci_qpair_produce_buf_ready(vt->qp) :
			vmci_qpair_consume_free_space(vt->qp);
	want = wrote ? READ_ONCE(vt->peer_want) : READ_ONCE(vt->peer_want_space);
	/* Empty before (full before), or what its waiter asked for is there. */
	if (level <= n ||
	    (test_bit(bit, &vt->flags) && level >= want &&
	     test_and_clear_bit(bit, &vt->flags)))
		vt_sock_send_unlocked(vsk, type);
}

#define VT_SEQ_HDR	sizeof(struct vt_seq_hdr)

/*
 * The next SEQPACKET record's header. Return: 1 when the whole record
 * is queued, 0 when not yet, -EPROTO for a record that can never fit
 * (a peer writing garbage).
 */
static int vt_seq_next(struct vt_sock *vt, struct vt_seq_hdr *hdr)
{
	s64 ready = vmci_qpair_consume_buf_ready(vt->qp);

	if (ready < 0)
		return ready;
	if (ready < VT_SEQ_HDR ||
	    vmci_qpair_peek(vt->qp, hdr, VT_SEQ_HDR, 0) != VT_SEQ_HDR)
		return 0;
	if (hdr->len > vt->qsize) {
		pr_err_ratelimited("peer %u:%u sent a %u-byte record in a %llu-byte queue\n",
				   vt->vsk->remote_addr.svm_cid,
				   vt->vsk->remote_addr.svm_port, hdr->len,
				   (unsigned long long)vt->qsize);
		return -EPROTO;
	}
	return ready >= VT_SEQ_HDR + hdr->len;
}

/*
 * One record: header and payload go in with one enqueue, so that the
 * reader sees all of it or nothing. The payload is copied in first: a
 * fault must not leave half a record behind.
 */
static ssize_t vt_seq_enqueue(struct vsock_sock *vsk, struct msghdr *msg,
			      size_t len)
{
	struct vt_sock *vt = vsk->trans;
	size_t total = VT_SEQ_HDR + len;
	struct vt_seq_hdr *hdr;
	ssize_t n;

	hdr = kvmalloc(total, GFP_KERNEL);
	if (!hdr)
		return -ENOMEM;
	hdr->len = len;
	hdr->flags = msg->msg_flags & MSG_EOR ? VT_SEQ_EOR : 0;
	if (!copy_from_iter_full(hdr + 1, len, &msg->msg_iter)) {
		kvfree(hdr);
		return -EFAULT;
	}
	/* has_space() saw room for all of it, and only we fill the queue. */
	n = vmci_qpair_enqueue(vt->qp, hdr, total, 0);
	kvfree(hdr);
	if (n < 0)
		return n;
	if (WARN_ON_ONCE(n != total))
		return -EIO;
	vt_moved(vsk, true, n);
	return len;
}

/* Drop @n bytes of the record being read. */
static void vt_seq_skip(struct vt_sock *vt, size_t n)
{
	char buf[256];

	while (n) {
		ssize_t got = vmci_qpair_dequeue(vt->qp, buf,
						 min(n, sizeof(buf)), 0);

		if (got <= 0)
			break;
		n -= got;
	}
}

static ssize_t vt_seq_peek(struct vt_sock *vt, struct msghdr *msg,
			   size_t copy)
{
	void *buf = kvmalloc(VT_SEQ_HDR + copy, GFP_KERNEL);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	n = vmci_qpair_peek(vt->qp, buf, VT_SEQ_HDR + copy, 0);
	if (n == VT_SEQ_HDR + copy &&
	    copy_to_iter(buf + VT_SEQ_HDR, copy, &msg->msg_iter) == copy)
		n = 0;
	else
		n = -EFAULT;
	kvfree(buf);
	return n;
}

/*
 * One whole record into @msg, the part beyond @len dropped. A fault in
 * the user's buffer consumes the record too, so that the next receive
 * gets the next one (as on the other transports). Return: the record's
 * full length, or -errno.
 */
static ssize_t vt_seq_dequeue(struct vsock_sock *vsk, struct msghdr *msg,
			      size_t len, int flags)
{
	struct vt_sock *vt = vsk->trans;
	struct vt_seq_hdr hdr;
	ssize_t n, err = 0;
	size_t copy;
	int ret;

	ret = vt_seq_next(vt, &hdr);
	if (ret <= 0)
		return ret ?: -EAGAIN;
	copy = min_t(size_t, len, hdr.len);
	if (flags & MSG_PEEK) {
		err = vt_seq_peek(vt, msg, copy);
	} else {
		vmci_qpair_dequeue(vt->qp, &hdr, VT_SEQ_HDR, 0);
		n = copy ? vmci_qpair_dequev(vt->qp, msg, copy, 0) : 0;
		if (n != copy)
			err = -EFAULT;
		vt_seq_skip(vt, hdr.len - max_t(ssize_t, n, 0));
		vt_moved(vsk, false, VT_SEQ_HDR + hdr.len);
	}
	if (hdr.flags & VT_SEQ_EOR)
		msg->msg_flags |= MSG_EOR;
	return err ?: hdr.len;
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
	if (vt->seqpacket)
		return vt_seq_enqueue(vsk, msg, len);
	n = vmci_qpair_enquev(vt->qp, msg, len, 0);
	if (n == -EAGAIN)
		return 0;
	if (n == -EINVAL && vmci_qpair_produce_free_space(vt->qp) > 0)
		return -EFAULT;
	if (n > 0)
		vt_moved(vsk, true, n);
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
	if (vt->seqpacket)
		return vt_seq_dequeue(vsk, msg, len, flags);
	if (flags & MSG_PEEK)
		n = vmci_qpair_peekv(vt->qp, msg, len, 0);
	else
		n = vmci_qpair_dequev(vt->qp, msg, len, 0);
	if (n == -EAGAIN)
		return 0;
	if (n == -EINVAL && vmci_qpair_consume_buf_ready(vt->qp) > 0)
		return -EFAULT;
	if (n > 0 && !(flags & MSG_PEEK))
		vt_moved(vsk, false, n);
	return n;
}

/**
 * vt_has_data() - bytes readable now; SEQPACKET: whether a record is
 * @vsk: the socket; socket lock held
 *
 * Context: any.
 * Return: bytes (SEQPACKET: 1 or 0), 0 without a queue pair, -EINVAL
 * for corrupt offsets, -EPROTO for a record larger than the queue.
 */
s64 vt_has_data(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;
	struct vt_seq_hdr hdr;

	if (!vt->qp)
		return 0;
	if (vt->seqpacket)
		return vt_seq_next(vt, &hdr);
	return vmci_qpair_consume_buf_ready(vt->qp);
}

/**
 * vt_inq() - SIOCINQ: bytes readable; SEQPACKET: the next record's
 * @vsk: the socket; socket lock held
 *
 * Context: process.
 * Return: bytes, or -errno for corrupt offsets.
 */
s64 vt_inq(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;
	struct vt_seq_hdr hdr;
	int ret;

	if (!vt->qp || !vt->seqpacket)
		return vt_has_data(vsk);
	ret = vt_seq_next(vt, &hdr);
	return ret > 0 ? hdr.len : ret;
}

/**
 * vt_has_space() - bytes writable now
 * @vsk: the socket; socket lock held
 * @want: SEQPACKET: the message's length (a stream takes partial writes)
 *
 * Context: any.
 * Return: bytes (SEQPACKET: @want or 0), -EMSGSIZE for a message larger
 * than the queue, -ENOTCONN without a queue pair, -EINVAL for corrupt
 * offsets.
 */
s64 vt_has_space(struct vsock_sock *vsk, size_t want)
{
	struct vt_sock *vt = vsk->trans;
	s64 space;

	if (!vt->qp)
		return -ENOTCONN;
	space = vmci_qpair_produce_free_space(vt->qp);
	if (!vt->seqpacket || space < 0)
		return space;
	if (want > vt->qsize)
		return -EMSGSIZE;
	if (space >= VT_SEQ_HDR + want)
		return want;
	/* What a WAITING_WRITE asks the peer for (vt_notify_wait()). */
	vt->want_space = VT_SEQ_HDR + want;
	return 0;
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
		/* A stream waits for a full queue's READ; a record for room. */
		if ((vt->old_proto || vt->seqpacket) &&
		    !test_and_set_bit(VT_SENT_WAITING_WRITE, &vt->flags))
			vt_sock_send_wait(vsk, VT_WAITING_WRITE,
					  vt->seqpacket ? vt->want_space : 0);
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
		/* The flag before the queue: pairs with smp_mb() in vt_moved(). */
		smp_mb__after_atomic();
		if (vmci_qpair_produce_buf_ready(vt->qp) >= want &&
		    test_and_clear_bit(VT_PEER_WAITING_READ, &vt->flags))
			vt_sock_send(vsock_sk(sk), VT_WROTE, 0);
		break;
	case VT_WAITING_WRITE:
		want = vt->old_proto ? 1 : max_t(u64, pkt->u.wait.offset, 1);
		WRITE_ONCE(vt->peer_want_space, want);
		set_bit(VT_PEER_WAITING_WRITE, &vt->flags);
		/* The flag before the queue: pairs with smp_mb() in vt_moved(). */
		smp_mb__after_atomic();
		if (vmci_qpair_consume_free_space(vt->qp) >= want &&
		    test_and_clear_bit(VT_PEER_WAITING_WRITE, &vt->flags))
			vt_sock_send(vsock_sk(sk), VT_READ, 0);
		break;
	}
}
