// SPDX-License-Identifier: GPL-2.0
/*
 * vsock_loopback.ko: the local transport (CID 1, and the machine's own
 * CID), for STREAM, SEQPACKET and, while no real datagram transport is
 * loaded, DGRAM.
 *
 * No packets and no worker: connect() creates the listener's child and
 * links both ends in the caller's context, and a send copies the user's
 * data into skbs and queues them straight on the peer's sk_receive_queue,
 * then wakes the peer. A receive consumes from its own queue and wakes
 * the peer's writers. Flow control is the receiver's buffer_size in
 * bytes, plus a memory bound (twice buffer_size of skb truesize) so that
 * many tiny writes cannot pin unbounded memory.
 *
 * Lifetime: each end holds a reference on its peer from connect until its
 * own release (struct vl_sock.peer), so a peer's sock and vl_sock stay
 * valid while the other side delivers into it; a released receiver marks
 * itself rx_closed under its queue lock and later deliveries fail with
 * -EPIPE.
 *
 * Locks: a sender holds its own socket lock and takes the peer's
 * sk_receive_queue.lock (BH off), never the peer's socket lock. connect()
 * takes the listener's socket lock inside the connecting socket's lock
 * (order documented in vsock/af.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/module.h>
#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "loopback.h"

/* Largest skb a STREAM send builds; bigger sends use several. */
#define VL_CHUNK	(64 * 1024)

static const struct vsock_transport vl_transport;

static u32 vl_get_local_cid(void)
{
	return VMADDR_CID_LOCAL;
}

static int vl_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	struct vl_sock *vl = kzalloc(sizeof(*vl), GFP_KERNEL);

	if (!vl)
		return -ENOMEM;
	init_waitqueue_head(&vl->dgram_wait);
	vsk->trans = vl;
	if (sk_vsock(vsk)->sk_type == SOCK_DGRAM)
		sk_vsock(vsk)->sk_write_space = vl_dgram_write_space;
	return 0;
}

static void vl_destruct(struct vsock_sock *vsk)
{
	struct vl_sock *vl = vsk->trans;

	/* release() dropped the peer; a never-linked socket has none. */
	WARN_ON_ONCE(vl->peer);
	vsk->trans = NULL;
	kfree(vl);
}

/* Stop receiving: drop what is queued and refuse further deliveries. */
static void vl_close_rx(struct sock *sk)
{
	struct vl_sock *vl = vl_sk(sk);
	struct sk_buff_head purge;

	__skb_queue_head_init(&purge);
	spin_lock_bh(&sk->sk_receive_queue.lock);
	vl->rx_closed = true;
	skb_queue_splice_init(&sk->sk_receive_queue, &purge);
	WRITE_ONCE(vl->rx_bytes, 0);
	WRITE_ONCE(vl->rx_truesize, 0);
	WRITE_ONCE(vl->rx_msgs, 0);
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	__skb_queue_purge(&purge);
	wake_up_all(&vl->dgram_wait);
}

static void vl_release(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);
	struct vl_sock *vl = vsk->trans;
	struct sock *peer = vl->peer;

	sock_owned_by_me(sk);
	vl_close_rx(sk);
	if (!peer)
		return;
	vl->peer = NULL;
	vsock_peer_shutdown(vsock_sk(peer), SHUTDOWN_MASK);
	/* Wake writers of the peer blocked on our (now gone) space. */
	peer->sk_write_space(peer);
	sock_put(peer);
}

static void vl_link(struct vsock_sock *a, struct vsock_sock *b)
{
	sock_hold(sk_vsock(b));
	((struct vl_sock *)a->trans)->peer = sk_vsock(b);
	sock_hold(sk_vsock(a));
	((struct vl_sock *)b->trans)->peer = sk_vsock(a);
}

/* Listener locked: create, link and queue the child for @vsk. */
static int vl_accept_child(struct sock *listener, struct vsock_sock *vsk)
{
	struct sockaddr_vm local, remote;
	struct sock *child;

	if (listener->sk_state != TCP_LISTEN ||
	    listener->sk_type != sk_vsock(vsk)->sk_type ||
	    sock_flag(listener, SOCK_DEAD) || sk_acceptq_is_full(listener))
		return -ECONNRESET;

	vsock_addr_init(&local, vsk->remote_addr.svm_cid,
			vsk->remote_addr.svm_port);
	vsock_addr_init(&remote, VMADDR_CID_LOCAL, vsk->local_addr.svm_port);
	child = vsock_create_connected(listener, &local, &remote);
	if (IS_ERR(child))
		return PTR_ERR(child);
	if (vsock_sk(child)->transport != &vl_transport) {
		sock_put(child);
		return -ECONNRESET;
	}

	vl_link(vsk, vsock_sk(child));
	vsock_set_established(vsock_sk(child));
	vsock_set_established(vsk);
	vsock_enqueue_accept(listener, child);
	return 0;
}

static int vl_connect(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);
	struct sock *listener;
	int err = -ECONNRESET;

	listener = vsock_find_bound_socket(&vsk->remote_addr);
	if (listener) {
		lock_sock_nested(listener, SINGLE_DEPTH_NESTING);
		err = vl_accept_child(listener, vsk);
		release_sock(listener);
		sock_put(listener);
	}
	if (err) {
		/* What a reset from the peer would report. */
		sk->sk_state = TCP_CLOSE;
		sk->sk_err = ECONNRESET;
		sk_error_report(sk);
	}
	return 0;
}

static int vl_shutdown(struct vsock_sock *vsk, int mode)
{
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;

	if (peer)
		vsock_peer_shutdown(vsock_sk(peer), mode);
	return 0;
}

/**
 * vl_alloc_skb() - copy @size bytes of @msg into a new skb
 * @msg: source
 * @size: bytes to copy
 * @err: set on failure
 *
 * Small sends are linear; larger ones go into page fragments.
 *
 * Context: process; sleeps.
 * Return: the skb (cb zeroed) or NULL.
 */
struct sk_buff *vl_alloc_skb(struct msghdr *msg, size_t size, int *err)
{
	size_t data_len = 0;
	struct sk_buff *skb;

	if (size > SKB_MAX_HEAD(0))
		data_len = min_t(size_t, size,
				 PAGE_ALIGN(size - SKB_MAX_HEAD(0)));
	skb = alloc_skb_with_frags(size - data_len, data_len,
				   PAGE_ALLOC_COSTLY_ORDER, err, GFP_KERNEL);
	if (!skb)
		return NULL;
	skb_put(skb, size - data_len);
	skb->data_len = data_len;
	skb->len = size;
	*err = skb_copy_datagram_from_iter(skb, 0, &msg->msg_iter, size);
	if (*err) {
		kfree_skb(skb);
		return NULL;
	}
	memset(skb->cb, 0, sizeof(skb->cb));
	return skb;
}

/* Queue @list (@len bytes) on @peer. Return: 0, or -EPIPE if it left. */
static int vl_deliver(struct sock *peer, struct sk_buff_head *list,
		      size_t len, bool eom)
{
	struct vl_sock *pvl = vl_sk(peer);
	struct sk_buff *skb;
	bool wake;
	u64 truesize = 0;

	skb_queue_walk(list, skb)
		truesize += skb->truesize;

	spin_lock_bh(&peer->sk_receive_queue.lock);
	if (pvl->rx_closed) {
		spin_unlock_bh(&peer->sk_receive_queue.lock);
		__skb_queue_purge(list);
		return -EPIPE;
	}
	skb_queue_splice_tail_init(list, &peer->sk_receive_queue);
	WRITE_ONCE(pvl->rx_bytes, pvl->rx_bytes + len);
	WRITE_ONCE(pvl->rx_truesize, pvl->rx_truesize + truesize);
	if (eom)
		WRITE_ONCE(pvl->rx_msgs, pvl->rx_msgs + 1);
	wake = eom || pvl->rx_bytes >= READ_ONCE(peer->sk_rcvlowat);
	spin_unlock_bh(&peer->sk_receive_queue.lock);

	if (wake)
		peer->sk_data_ready(peer);
	return 0;
}

static ssize_t vl_enqueue(struct vsock_sock *vsk, struct msghdr *msg,
			  size_t len)
{
	bool seqpacket = sk_vsock(vsk)->sk_type == SOCK_SEQPACKET;
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;
	struct sk_buff_head list;
	struct sk_buff *skb;
	size_t built = 0;
	int err = 0;

	if (!peer)
		return -ENOTCONN;

	__skb_queue_head_init(&list);
	while (built < len) {
		size_t n = min_t(size_t, len - built, VL_CHUNK);

		skb = vl_alloc_skb(msg, n, &err);
		if (!skb)
			break;
		__skb_queue_tail(&list, skb);
		built += n;
	}
	/* A SEQPACKET message goes whole or not at all. */
	if (err && (seqpacket || !built)) {
		__skb_queue_purge(&list);
		return err;
	}
	if (seqpacket) {
		skb = skb_peek_tail(&list);
		VL_CB(skb)->eom = true;
		VL_CB(skb)->eor = !!(msg->msg_flags & MSG_EOR);
	}
	err = vl_deliver(peer, &list, built, seqpacket);
	return err ?: built;
}

/* Unlink @skb after consuming @n more bytes of it (receiver side). */
static bool vl_consume(struct sock *sk, struct sk_buff *skb, size_t n,
		       bool whole)
{
	struct vl_sock *vl = vl_sk(sk);
	bool done;

	VL_CB(skb)->offset += n;
	done = whole || VL_CB(skb)->offset >= skb->len;
	spin_lock_bh(&sk->sk_receive_queue.lock);
	WRITE_ONCE(vl->rx_bytes, vl->rx_bytes - n);
	if (done) {
		__skb_unlink(skb, &sk->sk_receive_queue);
		WRITE_ONCE(vl->rx_truesize, vl->rx_truesize - skb->truesize);
		if (VL_CB(skb)->eom)
			WRITE_ONCE(vl->rx_msgs, vl->rx_msgs - 1);
	}
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	return done;
}

static struct sk_buff *vl_next(struct sock *sk, struct sk_buff *skb)
{
	struct sk_buff_head *q = &sk->sk_receive_queue;
	struct sk_buff *next;

	spin_lock_bh(&q->lock);
	next = skb ? skb_peek_next(skb, q) : skb_peek(q);
	spin_unlock_bh(&q->lock);
	return next;
}

static void vl_wake_writer(struct vsock_sock *vsk)
{
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;

	if (peer)
		peer->sk_write_space(peer);
}

static ssize_t vl_stream_dequeue(struct vsock_sock *vsk, struct msghdr *msg,
				 size_t len, int flags)
{
	struct sock *sk = sk_vsock(vsk);
	bool peek = flags & MSG_PEEK;
	struct sk_buff *skb = vl_next(sk, NULL);
	size_t copied = 0;

	while (skb && copied < len) {
		u32 off = VL_CB(skb)->offset;
		size_t n = min_t(size_t, len - copied, skb->len - off);
		struct sk_buff *cur = skb;

		if (skb_copy_datagram_msg(skb, off, msg, n)) {
			if (!copied)
				return -EFAULT;
			break;
		}
		copied += n;
		skb = vl_next(sk, skb);
		if (!peek && vl_consume(sk, cur, n, false)) {
			consume_skb(cur);
			skb = vl_next(sk, NULL);
		}
	}
	if (!peek && copied)
		vl_wake_writer(vsk);
	return copied;
}

static ssize_t vl_seqpacket_dequeue(struct vsock_sock *vsk,
				    struct msghdr *msg, size_t len, int flags)
{
	struct sock *sk = sk_vsock(vsk);
	bool peek = flags & MSG_PEEK;
	struct sk_buff *skb = vl_next(sk, NULL);
	size_t total = 0;
	int err = 0;
	bool eom;

	/* has_data() said a whole message is queued. */
	do {
		size_t n = min_t(size_t, len - min(len, total), skb->len);
		struct sk_buff *cur = skb;

		if (n && !err)
			err = skb_copy_datagram_msg(skb, 0, msg, n);
		total += skb->len;
		eom = VL_CB(skb)->eom;
		if (eom && VL_CB(skb)->eor)
			msg->msg_flags |= MSG_EOR;
		skb = eom ? NULL : vl_next(sk, skb);
		if (!peek) {
			vl_consume(sk, cur, cur->len, true);
			consume_skb(cur);
		}
	} while (!eom && skb);

	if (!peek)
		vl_wake_writer(vsk);
	return err ? -EFAULT : total;
}

static ssize_t vl_dequeue(struct vsock_sock *vsk, struct msghdr *msg,
			  size_t len, int flags)
{
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return vl_seqpacket_dequeue(vsk, msg, len, flags);
	return vl_stream_dequeue(vsk, msg, len, flags);
}

static s64 vl_has_data(struct vsock_sock *vsk)
{
	struct vl_sock *vl = vsk->trans;

	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return READ_ONCE(vl->rx_msgs);
	return READ_ONCE(vl->rx_bytes);
}

static s64 vl_has_space(struct vsock_sock *vsk, size_t want)
{
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;
	struct vl_sock *pvl;
	u64 buf, used;

	if (!peer)
		return -ENOTCONN;
	pvl = vl_sk(peer);
	buf = READ_ONCE(vsock_sk(peer)->buffer_size);
	used = READ_ONCE(pvl->rx_bytes);
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET && want > buf)
		return -EMSGSIZE;
	if (used >= buf || READ_ONCE(pvl->rx_truesize) >= 2 * buf)
		return 0;
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return buf - used >= want ? want : 0;
	return buf - used;
}

static s64 vl_inq(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);
	struct sk_buff *skb;
	s64 n = 0;

	if (sk->sk_type != SOCK_SEQPACKET)
		return READ_ONCE(vl_sk(sk)->rx_bytes);

	/* The next message, once it is complete. */
	spin_lock_bh(&sk->sk_receive_queue.lock);
	skb_queue_walk(&sk->sk_receive_queue, skb) {
		n += skb->len;
		if (VL_CB(skb)->eom)
			break;
	}
	if (!vl_sk(sk)->rx_msgs)
		n = 0;
	spin_unlock_bh(&sk->sk_receive_queue.lock);
	return n;
}

/* Data reaches the peer's queue during send: nothing is ever unsent. */
static s64 vl_unsent_bytes(struct vsock_sock *vsk)
{
	return 0;
}

static void vl_buffer_size_changed(struct vsock_sock *vsk)
{
	/* A larger buffer may let the peer's writer go on. */
	vl_wake_writer(vsk);
}

static bool vl_stream_allow(u32 cid, u32 port)
{
	return true;
}

static bool vl_seqpacket_allow(u32 remote_cid)
{
	return true;
}

static const struct vsock_transport vl_transport = {
	.module = THIS_MODULE,
	.name = "loopback",
	.init = vl_init,
	.destruct = vl_destruct,
	.release = vl_release,
	.get_local_cid = vl_get_local_cid,
	.stream_allow = vl_stream_allow,
	.seqpacket_allow = vl_seqpacket_allow,
	.connect = vl_connect,
	.shutdown = vl_shutdown,
	.enqueue = vl_enqueue,
	.dequeue = vl_dequeue,
	.has_data = vl_has_data,
	.has_space = vl_has_space,
	.inq = vl_inq,
	.unsent_bytes = vl_unsent_bytes,
	.buffer_size_changed = vl_buffer_size_changed,
	.dgram_allow = vl_dgram_allow,
	.dgram_enqueue = vl_dgram_enqueue,
};

static int __init vl_module_init(void)
{
	return vsock_core_register(&vl_transport, VSOCK_TRANSPORT_F_LOCAL |
				   VSOCK_TRANSPORT_F_DGRAM_FALLBACK);
}

static void __exit vl_module_exit(void)
{
	vsock_core_unregister(&vl_transport);
}

module_init(vl_module_init);
module_exit(vl_module_exit);

MODULE_AUTHOR("vsock-vmci project");
MODULE_DESCRIPTION("AF_VSOCK loopback transport (out-of-tree replacement)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_NETPROTO(PF_VSOCK);
VV_IMPORT_NS();
