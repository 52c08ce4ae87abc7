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
 * bytes, but no more than the sender's own (vl_tx_window()), plus a
 * memory bound (twice buffer_size of skb truesize) so that many tiny
 * writes cannot pin unbounded memory.
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

static struct vsock_transport loopback_transport;

/*
 * The receive window of @vsk. SO_VM_SOCKETS_BUFFER_SIZE accepts any u64;
 * like the in-kernel transports, use at most U32_MAX of it, so that the
 * space and memory-bound arithmetic below cannot wrap.
 */
static u64 vl_buf(struct vsock_sock *vsk)
{
	return min_t(u64, READ_ONCE(vsk->buffer_size), U32_MAX);
}

/*
 * Has the receiver reached the memory bound (twice its buffer_size of skb
 * truesize)? Then its writer waits however few bytes are queued, so the
 * receiver must count as readable even below SO_RCVLOWAT.
 */
static bool vl_rx_mem_full(struct vsock_sock *rx)
{
	return READ_ONCE(vl_sk(sk_vsock(rx))->rx_truesize) >= 2 * vl_buf(rx);
}

/*
 * How much @tx may have queued on @peer: the peer's window, but no more
 * than @tx's own buffer size (as current Linux bounds a sender's credit),
 * so that a small socket cannot pin a large peer's memory.
 */
static u64 vl_tx_window(struct vsock_sock *tx, struct vsock_sock *peer)
{
	return min(vl_buf(peer), vl_buf(tx));
}

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
	WRITE_ONCE(vl->rx_closed, true);
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
	if (vsock_sk(child)->transport != &loopback_transport) {
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
	/*
	 * Lock listeners only (the state is rechecked under the lock): a
	 * listener never waits for another socket's lock, so sockets
	 * connecting to each other, or one to its own port, cannot deadlock.
	 */
	if (listener && READ_ONCE(listener->sk_state) == TCP_LISTEN) {
		lock_sock_nested(listener, SINGLE_DEPTH_NESTING);
		err = vl_accept_child(listener, vsk);
		release_sock(listener);
	}
	if (listener)
		sock_put(listener);
	if (err) {
		/* What a reset from the peer would report. */
		sk->sk_state = TCP_CLOSE;
		WRITE_ONCE(sk->sk_err, ECONNRESET);
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
	wake = eom || pvl->rx_bytes >= READ_ONCE(peer->sk_rcvlowat) ||
	       vl_rx_mem_full(vsock_sk(peer));
	spin_unlock_bh(&peer->sk_receive_queue.lock);

	if (wake)
		peer->sk_data_ready(peer);
	return 0;
}

/* An skb whose fragments are the user's pages (MSG_ZEROCOPY). */
static struct sk_buff *vl_alloc_zc_skb(struct sock *sk, struct msghdr *msg,
				       size_t size, int *err)
{
	struct sk_buff *skb = alloc_skb(0, GFP_KERNEL);

	if (!skb) {
		*err = -ENOMEM;
		return NULL;
	}
	/* The pinned pages are charged to the sender until consumed. */
	skb_set_owner_w(skb, sk);
	*err = __zerocopy_sg_from_iter(msg, NULL, skb, &msg->msg_iter, size);
	/* Out of fragment slots: the rest goes in the next skb. */
	if (*err == -EMSGSIZE && skb->len)
		*err = 0;
	if (*err) {
		kfree_skb(skb);
		return NULL;
	}
	memset(skb->cb, 0, sizeof(skb->cb));
	return skb;
}

/* Build skbs for up to @len bytes; *@built says how many were taken. */
static int vl_build(struct sock *sk, struct msghdr *msg, size_t len, bool zc,
		    struct sk_buff_head *list, size_t *built)
{
	struct sk_buff *skb;
	int err = 0;

	while (*built < len) {
		size_t n = min_t(size_t, len - *built, VL_CHUNK);

		skb = zc ? vl_alloc_zc_skb(sk, msg, n, &err) :
			   vl_alloc_skb(msg, n, &err);
		if (!skb)
			break;
		__skb_queue_tail(list, skb);
		*built += skb->len;
	}
	return err;
}

/*
 * Completion tracking of a MSG_ZEROCOPY send. Data that cannot reach the
 * peer in one go (larger than the send window) is copied instead, and the
 * completion says so (SO_EE_CODE_ZEROCOPY_COPIED).
 */
static struct ubuf_info *vl_zc_begin(struct sock *sk, struct sock *peer,
				     struct msghdr *msg, size_t len, bool *zc)
{
	struct ubuf_info *uarg;

	*zc = iov_iter_count(&msg->msg_iter) <=
	      vl_tx_window(vsock_sk(sk), vsock_sk(peer));
	if (msg->msg_ubuf) {
		net_zcopy_get(msg->msg_ubuf);
		return msg->msg_ubuf;
	}
	uarg = msg_zerocopy_realloc(sk, len, NULL);
	if (uarg && !*zc)
		uarg_to_msgzc(uarg)->zerocopy = 0;
	return uarg;
}

static ssize_t vl_enqueue(struct vsock_sock *vsk, struct msghdr *msg,
			  size_t len)
{
	struct sock *sk = sk_vsock(vsk);
	bool seqpacket = sk->sk_type == SOCK_SEQPACKET;
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;
	struct ubuf_info *uarg = NULL;
	struct sk_buff_head list;
	struct sk_buff *skb;
	size_t built = 0;
	bool zc = false;
	int err;

	sock_owned_by_me(sk);
	if (!peer)
		return -ENOTCONN;
	if (msg->msg_flags & MSG_ZEROCOPY) {
		uarg = vl_zc_begin(sk, peer, msg, len, &zc);
		/* Past the optmem limit: -ENOMEM, as the in-kernel family. */
		if (!uarg)
			return -ENOMEM;
	}

	__skb_queue_head_init(&list);
	err = vl_build(sk, msg, len, zc, &list, &built);
	/* A SEQPACKET message and a zerocopy send go whole or not at all. */
	if (err && (seqpacket || zc || !built)) {
		__skb_queue_purge(&list);
		net_zcopy_put_abort(uarg, true);
		/* Pinning the user's pages failed: reported as no memory. */
		return zc ? -ENOMEM : err;
	}
	if (uarg) {
		skb_queue_walk(&list, skb)
			skb_zcopy_set(skb, uarg, NULL);
		net_zcopy_put(uarg);
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

		if (skb_copy_datagram_msg(skb, off, msg, n)) {
			if (!copied)
				return -EFAULT;
			break;
		}
		copied += n;
		if (peek) {
			skb = vl_next(sk, skb);
			continue;
		}
		/* Not used up: the caller's buffer is full. */
		if (!vl_consume(sk, skb, n, false))
			break;
		consume_skb(skb);
		skb = vl_next(sk, NULL);
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
	/* Only the owner of the socket lock removes skbs from the queue. */
	sock_owned_by_me(sk_vsock(vsk));
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return vl_seqpacket_dequeue(vsk, msg, len, flags);
	return vl_stream_dequeue(vsk, msg, len, flags);
}

static s64 vl_has_data(struct vsock_sock *vsk)
{
	struct vl_sock *vl = vsk->trans;
	s64 n;

	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return READ_ONCE(vl->rx_msgs);
	n = READ_ONCE(vl->rx_bytes);
	/* Many tiny writes: readable now, or the writer never goes on. */
	if (n && vl_rx_mem_full(vsk))
		n = max_t(s64, n, READ_ONCE(sk_vsock(vsk)->sk_rcvlowat));
	return n;
}

static s64 vl_has_space(struct vsock_sock *vsk, size_t want)
{
	struct sock *peer = ((struct vl_sock *)vsk->trans)->peer;
	u64 window, used;

	if (!peer)
		return -ENOTCONN;
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET &&
	    want > vl_buf(vsock_sk(peer)))
		return -EMSGSIZE;
	if (vl_rx_mem_full(vsock_sk(peer)))
		return 0;
	window = vl_tx_window(vsk, vsock_sk(peer));
	used = READ_ONCE(vl_sk(peer)->rx_bytes);
	/*
	 * A message goes whole: one larger than our own buffer (not than the
	 * peer's) waits for an empty queue, else it could never go.
	 */
	if (sk_vsock(vsk)->sk_type == SOCK_SEQPACKET)
		return !used || used + want <= window ? want : 0;
	return used < window ? window - used : 0;
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

/* Parity with the in-kernel family: a receive target of a whole buffer or
 * more fails with -ENOMEM.
 */
static u64 vl_rcvhiwat(struct vsock_sock *vsk)
{
	return vl_buf(vsk);
}

/*
 * Data reaches the peer's queue during send: nothing is ever unsent, so
 * SIOCOUTQ is 0 and SO_LINGER never makes close() wait.
 */
static s64 vl_unsent_bytes(struct vsock_sock *vsk)
{
	return 0;
}

static void vl_buffer_size_changed(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);

	/* A larger buffer may let the peer's writer go on, and our own. */
	vl_wake_writer(vsk);
	sk->sk_write_space(sk);
}

static bool vl_stream_allow(u32 cid, u32 port)
{
	return true;
}

static bool vl_seqpacket_allow(u32 remote_cid)
{
	return true;
}

/*
 * Named and placed as in-kernel: the kernel's vsock tooling finds the
 * loaded transports by the data symbol "loopback_transport" in
 * /proc/kallsyms (type 'd', so not const: that would be 'r').
 */
static struct vsock_transport loopback_transport = {
	.module = THIS_MODULE,
	.name = "loopback",
	.zerocopy = true,
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
	.rcvhiwat = vl_rcvhiwat,
	.buffer_size_changed = vl_buffer_size_changed,
	.dgram_allow = vl_dgram_allow,
	.dgram_enqueue = vl_dgram_enqueue,
};

static int __init vl_module_init(void)
{
	return vsock_core_register(&loopback_transport, VSOCK_TRANSPORT_F_LOCAL |
				   VSOCK_TRANSPORT_F_DGRAM_FALLBACK);
}

static void __exit vl_module_exit(void)
{
	vsock_core_unregister(&loopback_transport);
}

module_init(vl_module_init);
module_exit(vl_module_exit);

MODULE_AUTHOR("vsock-vmci project");
MODULE_DESCRIPTION("AF_VSOCK loopback transport (out-of-tree replacement)");
MODULE_LICENSE("GPL");
MODULE_ALIAS_NETPROTO(PF_VSOCK);
VV_IMPORT_NS();
