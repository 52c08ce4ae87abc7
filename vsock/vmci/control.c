// SPDX-License-Identifier: GPL-2.0
/*
 * The connection state machine of vsock over VMCI: control packets in,
 * the handshake on both sides, peer detach events, teardown.
 *
 * Handshake (client -> server):
 *   REQUEST2(size, protocols) ->  <- NEGOTIATE2(size, protocol)
 *   client allocates the queue pair, OFFER(handle) ->
 *   server attaches, <- ATTACH(handle): both established.
 * REQUEST/NEGOTIATE instead select the old notify protocol; a peer that
 * answers REQUEST2 with INVALID is asked again with REQUEST.
 *
 * Where packets are handled. The VMCI core calls vt_recv() for every
 * packet, in softirq context (guest device) or process context (host
 * endpoints), never with a socket lock held. vt_recv() only looks the
 * socket up and then
 *  - handles data notifications, SHUTDOWN and RST of an established
 *    socket at once, under bh_lock_sock, when no process owns the socket
 *    and nothing is queued before them (none of these sleeps);
 *  - queues everything else on the socket's inbox, drained by one work
 *    item per socket under lock_sock (a batch per run, not one work item
 *    per packet);
 *  - queues packets for listeners (requests, and the OFFER or RST of a
 *    child still in handshake) on one transport-wide inbox: a listener
 *    may have no transport state of its own, as its transport is chosen
 *    per child.
 *
 * Pending children (handshake not finished) are on vt_pending, each with
 * a reference to its listener, and are reaped VT_PENDING_TIMEOUT after
 * the request if the client never offers a queue pair.
 *
 * Lock order: listener socket lock -> child socket lock (nested) ->
 * vt_pending_lock, vt_qp_lock, vt_sock.rx_lock (leaves, BH-safe).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hashtable.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vmci_transport.h"

/* A child whose client has not offered a queue pair by then is reset. */
#define VT_PENDING_TIMEOUT	(2 * HZ)
/* Children in handshake, all listeners together (a flood bound). */
#define VT_PENDING_MAX		4096
/* Packets waiting for listeners, all together; beyond, they are dropped. */
#define VT_LISTEN_INBOX_MAX	4096
/* Packets waiting in one socket's inbox; beyond, they are dropped. */
#define VT_INBOX_MAX		256

/**
 * struct vt_rx - a queued control packet
 * @node: entry in an inbox
 * @sk: listener-inbox entries only: the listener, with a reference
 * @pkt: the packet
 */
struct vt_rx {
	struct list_head node;
	struct sock *sk;
	struct vt_packet pkt;
};

static struct workqueue_struct *vt_wq;
static struct vmci_handle vt_packet_handle = {
	.context = VMCI_INVALID_ID,
	.resource = VMCI_INVALID_ID,
};

static u32 vt_detach_sub = VMCI_INVALID_ID;
static u32 vt_resumed_sub = VMCI_INVALID_ID;

/* Protects vt_listen_inbox and vt_listen_len. */
static DEFINE_SPINLOCK(vt_listen_lock);
static LIST_HEAD(vt_listen_inbox);
static unsigned int vt_listen_len;
static void vt_listen_work_fn(struct work_struct *work);
static DECLARE_WORK(vt_listen_work, vt_listen_work_fn);

/* Protects vt_pending, vt_npending and every vt_sock.pending_node. */
static DEFINE_SPINLOCK(vt_pending_lock);
static LIST_HEAD(vt_pending);
static unsigned int vt_npending;

/* Protects vt_qp_table: connections with a queue pair, by its handle. */
static DEFINE_SPINLOCK(vt_qp_lock);
static DEFINE_HASHTABLE(vt_qp_table, 8);

static u32 vt_qp_key(struct vmci_handle h)
{
	return h.context ^ h.resource;
}

/**
 * vt_allow_peer() - may @peer_cid reach this socket, or be reached by it?
 * @vsk: the socket
 * @peer_cid: the other context
 *
 * A restricted VM context may talk only to trusted sockets (created with
 * CAP_NET_ADMIN) and to sockets of the user owning it.
 *
 * Context: any.
 * Return: true if allowed.
 */
bool vt_allow_peer(struct vsock_sock *vsk, u32 peer_cid)
{
	if (peer_cid == VMADDR_CID_HYPERVISOR || vsk->trusted)
		return true;
	if (vsk->owner && vmci_is_context_owner(peer_cid, vsk->owner->uid))
		return true;
	return !(vmci_context_get_priv_flags(peer_cid) &
		 VMCI_PRIVILEGE_FLAG_RESTRICTED);
}

/* Queue pairs. */

static int vt_qp_alloc(struct vt_sock *vt, struct vmci_handle h, u64 size,
		       u32 flags)
{
	struct vsock_sock *vsk = vt->vsk;
	u32 peer = vsk->remote_addr.svm_cid;
	int err = -EPERM;

	if (peer == vmci_get_context_id())
		flags |= VMCI_QPFLAG_LOCAL;
	if (vsk->trusted)
		err = vmci_qpair_alloc(&vt->qp, &h, size, size, peer, flags,
				       VMCI_PRIVILEGE_FLAG_TRUSTED);
	if (err == -EPERM)
		err = vmci_qpair_alloc(&vt->qp, &h, size, size, peer, flags,
				       VMCI_NO_PRIVILEGE_FLAGS);
	if (err) {
		vt->qp = NULL;
		return err;
	}
	vt->qp_handle = h;
	clear_bit(VT_EV_DETACH, &vt->flags);
	spin_lock_bh(&vt_qp_lock);
	hash_add(vt_qp_table, &vt->qp_node, vt_qp_key(h));
	spin_unlock_bh(&vt_qp_lock);
	return 0;
}

/**
 * vt_qp_forget() - detach from the connection's queue pair, if any
 * @vt: the socket's state; its socket lock is held
 *
 * The peer sees a QP_PEER_DETACH event, which is how a close reaches it.
 *
 * Context: process; sleeps.
 */
void vt_qp_forget(struct vt_sock *vt)
{
	if (!vt->qp)
		return;
	spin_lock_bh(&vt_qp_lock);
	hash_del(&vt->qp_node);
	spin_unlock_bh(&vt_qp_lock);
	vmci_qpair_detach(&vt->qp);
	vt->qp_handle = VMCI_INVALID_HANDLE;
}

static void vt_free(struct kref *ref)
{
	struct vt_sock *vt = container_of(ref, struct vt_sock, ref);

	kfree_rcu(vt, rcu);
}

/* Queue @vt's work, with its references. Context: any; @vt not dead. */
static void vt_schedule(struct vt_sock *vt)
{
	struct sock *sk = sk_vsock(vt->vsk);

	sock_hold(sk);
	kref_get(&vt->ref);
	if (!queue_work(vt_wq, &vt->rx_work)) {
		kref_put(&vt->ref, vt_free);
		sock_put(sk);
	}
}

/* Kick @vt's work for event @bit. Context: any; @vt is in vt_qp_table. */
static void vt_kick(struct vt_sock *vt, int bit)
{
	set_bit(bit, &vt->flags);
	vt_schedule(vt);
}

static void vt_peer_detach_cb(u32 sub_id, const struct vmci_event_data *ed,
			      void *data)
{
	const struct vmci_event_payld_qp *e = vmci_event_data_const_payload(ed);
	struct vt_sock *vt;

	/* A socket stays in the table until its release, under this lock. */
	spin_lock_bh(&vt_qp_lock);
	hash_for_each_possible(vt_qp_table, vt, qp_node, vt_qp_key(e->handle))
		if (vmci_handle_is_equal(vt->qp_handle, e->handle))
			vt_kick(vt, VT_EV_DETACH);
	spin_unlock_bh(&vt_qp_lock);
}

/* The VM was resumed: every queue pair with the hypervisor is gone. */
static void vt_qp_resumed_cb(u32 sub_id, const struct vmci_event_data *ed,
			     void *data)
{
	struct vt_sock *vt;
	unsigned int bkt;

	spin_lock_bh(&vt_qp_lock);
	hash_for_each(vt_qp_table, bkt, vt, qp_node)
		if (vt->vsk->remote_addr.svm_cid != vmci_get_context_id())
			vt_kick(vt, VT_EV_DETACH);
	spin_unlock_bh(&vt_qp_lock);
}

/* Client side. */

static void vt_client_fail(struct sock *sk, int err)
{
	struct vt_sock *vt = vt_sk(sk);

	vt_qp_forget(vt);
	vt->sent_request = false;
	vt->ignore_rst = false;
	sk->sk_state = TCP_CLOSE;
	WRITE_ONCE(sk->sk_err, err);
	sk_error_report(sk);
}

/* The protocol bits a socket of @type offers, or a child accepts. */
static u16 vt_proto_bits(int type)
{
	return VT_PROTO_PKT_ON_NOTIFY |
	       (type == SOCK_SEQPACKET ? VT_PROTO_SEQPACKET : 0);
}

/*
 * A record of @size bytes needs room for its header too, and a VMCI queue
 * holds one byte less than its size (a full ring would look empty): the
 * pair of a SEQPACKET connection is that much larger.
 */
static u64 vt_pair_size(const struct vt_sock *vt, u64 size)
{
	return size + (vt->seqpacket ? sizeof(struct vt_seq_hdr) + 1 : 0);
}

static int vt_send_request(struct vsock_sock *vsk, bool old)
{
	struct vt_sock *vt = vsk->trans;
	int err;

	err = vt_send(old ? VT_REQUEST : VT_REQUEST2, &vsk->local_addr,
		      &vsk->remote_addr, vsk->buffer_size,
		      old ? 0 : vt_proto_bits(sk_vsock(vsk)->sk_type));
	if (!err) {
		vt->sent_request = true;
		vt->old_request = old;
	}
	return err;
}

/**
 * vt_connect() - start a connection: send REQUEST2
 * @vsk: the socket, bound, in TCP_SYN_SENT; socket lock held
 *
 * Context: process.
 * Return: 0 (the rest happens in the packet handlers) or the errno of
 * the send, e.g. -EHOSTUNREACH.
 */
int vt_connect(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	/* A connect() after a failed one starts afresh. */
	vt_qp_forget(vt);
	vt->ignore_rst = false;
	vt->peer_detached = false;
	return vt_send_request(vsk, false);
}

/**
 * vt_cancel_connect() - connect() gave up: tell the peer, drop the pair
 * @vsk: the socket; socket lock held
 *
 * Context: process; sleeps.
 */
void vt_cancel_connect(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	if (vt->sent_request || vt->qp)
		vt_sock_send(vsk, VT_RST, 0);
	vt_qp_forget(vt);
	vt->sent_request = false;
	vt->ignore_rst = false;
}

static int vt_client_negotiate(struct sock *sk, const struct vt_packet *pkt)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	u16 want = vt_proto_bits(sk->sk_type);
	bool seq = sk->sk_type == SOCK_SEQPACKET;
	struct vt_sock *vt = vsk->trans;
	u64 size = pkt->u.size;
	int err;

	/* A peer without SEQPACKET answers as for a stream: refuse that. */
	if (seq && (pkt->type == VT_NEGOTIATE ||
		    pkt->proto == VT_PROTO_PKT_ON_NOTIFY))
		return -EPROTOTYPE;
	if (pkt->type == VT_NEGOTIATE2 && pkt->proto != want)
		return -EPROTO;
	if (!size || size < vsk->buffer_min_size ||
	    size > vsk->buffer_max_size)
		return -EINVAL;
	vt->old_proto = pkt->type == VT_NEGOTIATE;
	vt->seqpacket = seq;
	/* Our context ID as the peer sees it (it changes on migration). */
	vsock_set_local_cid(vsk, pkt->dg.dst.context);
	err = vt_qp_alloc(vt, VMCI_INVALID_HANDLE, vt_pair_size(vt, size), 0);
	if (err)
		return err;
	vt->qsize = size;
	err = vt_send_handle(VT_OFFER, &vsk->local_addr, &vsk->remote_addr,
			     vt->qp_handle);
	if (err)
		vt_qp_forget(vt);
	return err;
}

static void vt_client_packet(struct sock *sk, const struct vt_packet *pkt)
{
	struct vt_sock *vt = vt_sk(sk);
	int err;

	switch (pkt->type) {
	case VT_NEGOTIATE:
	case VT_NEGOTIATE2:
		if (!vt->sent_request || vt->qp)
			break;
		err = vt_client_negotiate(sk, pkt);
		if (err) {
			vt_sock_send(vsock_sk(sk), VT_RST, 0);
			vt_client_fail(sk, -err);
		}
		return;
	case VT_INVALID:
		/* An old peer: ask again the old way (no SEQPACKET there). */
		if (!vt->sent_request || vt->qp || vt->old_request)
			break;
		if (sk->sk_type == SOCK_SEQPACKET) {
			vt_client_fail(sk, EPROTOTYPE);
			return;
		}
		vt->ignore_rst = true;
		err = vt_send_request(vsock_sk(sk), true);
		if (err)
			vt_client_fail(sk, -err);
		return;
	case VT_RST:
		if (vt->ignore_rst && !vt->qp) {
			vt->ignore_rst = false;
			return;
		}
		vt_client_fail(sk, ECONNRESET);
		return;
	case VT_ATTACH:
		if (!vt->qp || !vmci_handle_is_equal(pkt->u.handle,
						     vt->qp_handle))
			break;
		vt->sent_request = false;
		vsock_set_established(vsock_sk(sk));
		if (vt->peer_detached)
			vsock_peer_shutdown(vsock_sk(sk), SHUTDOWN_MASK);
		return;
	}
	vt_reply(pkt, VT_RST);
	vt_client_fail(sk, EPROTO);
}

/* Connected sockets: what may run without the socket lock owned. */
static bool vt_fast_type(u8 type)
{
	return type == VT_WROTE || type == VT_READ || type == VT_SHUTDOWN ||
	       type == VT_RST || type == VT_WAITING_READ ||
	       type == VT_WAITING_WRITE;
}

static void vt_connected_packet(struct sock *sk, const struct vt_packet *pkt)
{
	switch (pkt->type) {
	case VT_SHUTDOWN:
		vsock_peer_shutdown(vsock_sk(sk), pkt->u.mode & SHUTDOWN_MASK);
		break;
	case VT_RST:
		/* What the peer wrote can still be read. */
		vsock_peer_shutdown(vsock_sk(sk), SHUTDOWN_MASK);
		break;
	case VT_WROTE:
	case VT_READ:
	case VT_WAITING_READ:
	case VT_WAITING_WRITE:
		vt_notify_packet(sk, pkt);
		break;
	default:
		/* A late or repeated handshake packet: nothing to do. */
		break;
	}
}

static void vt_sock_packet(struct sock *sk, const struct vt_packet *pkt)
{
	switch (sk->sk_state) {
	case TCP_SYN_SENT:
		vt_client_packet(sk, pkt);
		break;
	case TCP_ESTABLISHED:
		vt_connected_packet(sk, pkt);
		break;
	default:
		vt_reply(pkt, VT_RST);
		break;
	}
}

static void vt_handle_detach(struct sock *sk)
{
	struct vt_sock *vt = vt_sk(sk);

	if (!vt->qp)
		return;
	/*
	 * Only a peer that attached can detach: in SYN_SENT its ATTACH is on
	 * its way (an event can overtake a packet: host-local, they are
	 * deferred separately), or an RST if it gave up. The connection is
	 * then established and shut down at once, as if they came in order.
	 */
	if (sk->sk_state == TCP_SYN_SENT)
		vt->peer_detached = true;
	else if (sk->sk_state == TCP_ESTABLISHED)
		vsock_peer_shutdown(vsock_sk(sk), SHUTDOWN_MASK);
}

/* A packet noted as an event, rebuilt for the handlers. */
static void vt_event_packet(struct sock *sk, u8 type, u64 u, u64 offset)
{
	struct vt_packet pkt = {
		.type = type, .u.wait.generation = u, .u.wait.offset = offset,
	};

	if (sk->sk_state == TCP_ESTABLISHED)
		vt_connected_packet(sk, &pkt);
}

/* What vt_note() recorded, after the inbox (handshake packets) went. */
static void vt_handle_events(struct sock *sk)
{
	struct vt_sock *vt = vt_sk(sk);
	u64 want_read, want_space;
	u32 mode;

	spin_lock_bh(&vt->rx_lock);
	mode = vt->ev_shutdown;
	vt->ev_shutdown = 0;
	want_read = vt->ev_want_read;
	want_space = vt->ev_want_space;
	spin_unlock_bh(&vt->rx_lock);

	if (test_and_clear_bit(VT_EV_SHUTDOWN, &vt->flags) && mode)
		vt_event_packet(sk, VT_SHUTDOWN, mode, 0);
	if (test_and_clear_bit(VT_EV_WROTE, &vt->flags))
		vt_event_packet(sk, VT_WROTE, 0, 0);
	if (test_and_clear_bit(VT_EV_READ, &vt->flags))
		vt_event_packet(sk, VT_READ, 0, 0);
	if (test_and_clear_bit(VT_EV_WAITING_READ, &vt->flags))
		vt_event_packet(sk, VT_WAITING_READ, 0, want_read);
	if (test_and_clear_bit(VT_EV_WAITING_WRITE, &vt->flags))
		vt_event_packet(sk, VT_WAITING_WRITE, 0, want_space);
	if (test_and_clear_bit(VT_EV_DETACH, &vt->flags))
		vt_handle_detach(sk);
}

/*
 * A notification, SHUTDOWN or RST for an established socket that someone
 * owns: noted in flags and fields, no allocation, nothing to drop; the
 * same packet twice is the same as once. Context: any; rx_lock held.
 */
static void vt_note(struct vt_sock *vt, const struct vt_packet *pkt)
{
	lockdep_assert_held(&vt->rx_lock);
	switch (pkt->type) {
	case VT_WROTE:
		set_bit(VT_EV_WROTE, &vt->flags);
		break;
	case VT_READ:
		set_bit(VT_EV_READ, &vt->flags);
		break;
	case VT_WAITING_READ:
		vt->ev_want_read = pkt->u.wait.offset;
		set_bit(VT_EV_WAITING_READ, &vt->flags);
		break;
	case VT_WAITING_WRITE:
		vt->ev_want_space = pkt->u.wait.offset;
		set_bit(VT_EV_WAITING_WRITE, &vt->flags);
		break;
	case VT_SHUTDOWN:
		vt->ev_shutdown |= pkt->u.mode & SHUTDOWN_MASK;
		set_bit(VT_EV_SHUTDOWN, &vt->flags);
		break;
	case VT_RST:
		vt->ev_shutdown |= SHUTDOWN_MASK;
		set_bit(VT_EV_SHUTDOWN, &vt->flags);
		break;
	}
}

static void vt_rx_work_fn(struct work_struct *work)
{
	struct vt_sock *vt = container_of(work, struct vt_sock, rx_work);
	struct sock *sk = sk_vsock(vt->vsk);
	struct vt_rx *rx;

	lock_sock(sk);
	/* Destructed (the socket changed transport): dead, inbox empty. */
	for (;;) {
		spin_lock_bh(&vt->rx_lock);
		rx = list_first_entry_or_null(&vt->inbox, struct vt_rx, node);
		if (rx) {
			list_del(&rx->node);
			vt->inbox_len--;
		}
		spin_unlock_bh(&vt->rx_lock);
		if (!rx)
			break;
		vt_sock_packet(sk, &rx->pkt);
		kfree(rx);
	}
	if (!vt->dead)
		vt_handle_events(sk);
	release_sock(sk);
	kref_put(&vt->ref, vt_free);
	sock_put(sk);
}

static struct vt_rx *vt_rx_new(const struct vt_packet *pkt)
{
	struct vt_rx *rx = kmalloc(sizeof(*rx), GFP_ATOMIC);

	if (rx) {
		rx->pkt = *pkt;
		rx->sk = NULL;
	}
	return rx;
}

/*
 * Queue @pkt for @sk's own work: noted (vt_note()) for an established
 * socket, else on the inbox. Return: 0, -ENOMEM, -ENOBUFS (inbox full),
 * or -ESRCH when @sk is not (or no longer) ours. Context: any.
 */
static int vt_sock_queue(struct sock *sk, const struct vt_packet *pkt)
{
	bool note = vt_fast_type(pkt->type) &&
		    READ_ONCE(sk->sk_state) == TCP_ESTABLISHED;
	struct vt_rx *rx = NULL;
	struct vt_sock *vt;
	int err = -ESRCH;

	/* A noted packet that finds the socket closed is ignored there. */
	if (!note) {
		rx = vt_rx_new(pkt);
		if (!rx)
			return -ENOMEM;
	}
	rcu_read_lock();
	vt = READ_ONCE(vsock_sk(sk)->trans);
	if (READ_ONCE(vsock_sk(sk)->transport) == &vmci_transport && vt) {
		spin_lock_bh(&vt->rx_lock);
		if (vt->dead) {
			err = -ESRCH;
		} else if (note) {
			vt_note(vt, pkt);
			vt_schedule(vt);
			err = 0;
		} else if (vt->inbox_len >= VT_INBOX_MAX) {
			err = -ENOBUFS;
		} else {
			list_add_tail(&rx->node, &vt->inbox);
			vt->inbox_len++;
			rx = NULL;
			vt_schedule(vt);
			err = 0;
		}
		spin_unlock_bh(&vt->rx_lock);
	}
	rcu_read_unlock();
	kfree(rx);
	if (err == -ENOBUFS)
		pr_warn_ratelimited("control packets flood a socket: dropped\n");
	return err;
}

/*
 * A packet for a socket that is not listening. Without an owner, the
 * transport cannot change under bh_lock_sock(), so the state is ours.
 */
static int vt_sock_recv(struct sock *sk, const struct vt_packet *pkt)
{
	bool done = false;
	int err;

	if (vt_fast_type(pkt->type)) {
		local_bh_disable();
		bh_lock_sock(sk);
		if (!sock_owned_by_user(sk) &&
		    vsock_sk(sk)->transport == &vmci_transport &&
		    sk->sk_state == TCP_ESTABLISHED &&
		    list_empty_careful(&vt_sk(sk)->inbox)) {
			vt_connected_packet(sk, pkt);
			done = true;
		}
		bh_unlock_sock(sk);
		local_bh_enable();
	}
	if (done)
		return 0;
	err = vt_sock_queue(sk, pkt);
	if (err == -ESRCH)
		vt_reply(pkt, VT_RST);
	return err;
}

/* Server side: listeners and their pending children. */

static int vt_listen_queue(struct sock *listener, const struct vt_packet *pkt)
{
	struct vt_rx *rx = vt_rx_new(pkt);
	bool full;

	if (!rx)
		return -ENOMEM;
	sock_hold(listener);
	rx->sk = listener;
	spin_lock_bh(&vt_listen_lock);
	full = vt_listen_len >= VT_LISTEN_INBOX_MAX;
	if (!full) {
		list_add_tail(&rx->node, &vt_listen_inbox);
		vt_listen_len++;
	}
	spin_unlock_bh(&vt_listen_lock);
	if (full) {
		pr_warn_ratelimited("listener packets flood: dropped\n");
		sock_put(listener);
		kfree(rx);
		return -ENOBUFS;
	}
	queue_work(vt_wq, &vt_listen_work);
	return 0;
}

/* The pending child of @listener for @pkt's sender, with a reference. */
static struct sock *vt_pending_find(struct sock *listener,
				    const struct vt_packet *pkt)
{
	struct vt_sock *vt;
	struct sock *child = NULL;

	spin_lock_bh(&vt_pending_lock);
	list_for_each_entry(vt, &vt_pending, pending_node) {
		struct vsock_sock *vsk = vt->vsk;

		if (vt->listener == listener &&
		    vsk->remote_addr.svm_cid == pkt->dg.src.context &&
		    vsk->remote_addr.svm_port == pkt->src_port &&
		    vsk->local_addr.svm_port == pkt->dst_port) {
			child = sk_vsock(vsk);
			sock_hold(child);
			break;
		}
	}
	spin_unlock_bh(&vt_pending_lock);
	return child;
}

static unsigned int vt_pending_count(struct sock *listener)
{
	unsigned int n = 0;
	struct vt_sock *vt;

	spin_lock_bh(&vt_pending_lock);
	list_for_each_entry(vt, &vt_pending, pending_node)
		n += vt->listener == listener;
	spin_unlock_bh(&vt_pending_lock);
	return n;
}

/*
 * Take @child off the pending list. Return: true if this call did, and
 * so owns the child's creation reference (dropped by the caller once it
 * has unlocked the child).
 */
static bool vt_pending_remove(struct sock *child)
{
	struct vt_sock *vt = vt_sk(child);
	bool was;

	spin_lock_bh(&vt_pending_lock);
	was = !list_empty(&vt->pending_node);
	if (was) {
		list_del_init(&vt->pending_node);
		WRITE_ONCE(vt_npending, vt_npending - 1);
	}
	spin_unlock_bh(&vt_pending_lock);
	if (was && cancel_delayed_work(&vt->reap_work))
		sock_put(child);
	return was;
}

/* End a child's handshake: both sockets locked. Return: as above. */
static bool vt_pending_kill(struct sock *child, bool tell_peer)
{
	struct vt_sock *vt = vt_sk(child);

	if (!vt_pending_remove(child))
		return false;
	if (tell_peer)
		vt_sock_send(vsock_sk(child), VT_RST, 0);
	vt_qp_forget(vt);
	sock_set_flag(child, SOCK_DEAD);
	child->sk_state = TCP_CLOSE;
	return true;
}

static void vt_reap_work_fn(struct work_struct *work)
{
	struct vt_sock *vt = container_of(to_delayed_work(work),
					  struct vt_sock, reap_work);
	struct sock *child = sk_vsock(vt->vsk);
	struct sock *listener = vt->listener;
	bool put;

	lock_sock(listener);
	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	put = vt_pending_kill(child, true);
	release_sock(child);
	release_sock(listener);
	if (put)
		sock_put(child);
	sock_put(child);	/* the work's reference */
}

static bool vt_listener_ok(struct sock *listener)
{
	return listener->sk_state == TCP_LISTEN &&
	       !sock_flag(listener, SOCK_DEAD);
}

static u64 vt_child_qsize(struct vsock_sock *child, u64 proposed)
{
	if (proposed >= child->buffer_min_size &&
	    proposed <= child->buffer_max_size)
		return proposed;
	return child->buffer_size;
}

static int vt_listen_request(struct sock *listener,
			     const struct vt_packet *pkt)
{
	struct sockaddr_vm local, remote;
	struct vt_sock *cvt;
	struct sock *child;
	bool old = pkt->type == VT_REQUEST;
	bool seq = listener->sk_type == SOCK_SEQPACKET;
	int err;

	/* Types must match: SEQPACKET is a bit only our peers send. */
	if (!old && !!(pkt->proto & VT_PROTO_SEQPACKET) != seq)
		return -EPROTOTYPE;
	if (!vt_listener_ok(listener) || !pkt->u.size || (old && seq) ||
	    (!old && !(pkt->proto & VT_PROTO_PKT_ON_NOTIFY)) ||
	    !vt_allow_peer(vsock_sk(listener), pkt->dg.src.context))
		return -ECONNREFUSED;
	if (READ_ONCE(listener->sk_ack_backlog) + vt_pending_count(listener) >
	    READ_ONCE(listener->sk_max_ack_backlog) ||
	    READ_ONCE(vt_npending) >= VT_PENDING_MAX)
		return -ECONNREFUSED;

	vsock_addr_init(&local, pkt->dg.dst.context, pkt->dst_port);
	vsock_addr_init(&remote, pkt->dg.src.context, pkt->src_port);
	child = vsock_create_connected(listener, &local, &remote);
	if (IS_ERR(child))
		return PTR_ERR(child);
	if (vsock_sk(child)->transport != &vmci_transport) {
		sock_put(child);
		return -ECONNREFUSED;
	}

	cvt = vt_sk(child);
	cvt->qsize = vt_child_qsize(vsock_sk(child), pkt->u.size);
	cvt->old_proto = old;
	cvt->seqpacket = seq;
	child->sk_state = TCP_SYN_SENT;
	sock_hold(listener);
	cvt->listener = listener;

	err = vt_send(old ? VT_NEGOTIATE : VT_NEGOTIATE2, &local, &remote,
		      cvt->qsize, old ? 0 : vt_proto_bits(child->sk_type));
	if (err) {
		sock_put(child);
		return err;
	}
	spin_lock_bh(&vt_pending_lock);
	list_add_tail(&cvt->pending_node, &vt_pending);
	WRITE_ONCE(vt_npending, vt_npending + 1);
	spin_unlock_bh(&vt_pending_lock);
	sock_hold(child);
	if (!queue_delayed_work(vt_wq, &cvt->reap_work, VT_PENDING_TIMEOUT))
		sock_put(child);
	return 0;
}

/* OFFER to a pending child: attach and hand it to accept(). */
static int vt_child_offer(struct sock *listener, struct sock *child,
			  const struct vt_packet *pkt)
{
	struct vsock_sock *vsk = vsock_sk(child);
	struct vt_sock *vt = vsk->trans;
	int err;

	if (!vt_listener_ok(listener))
		return -ECONNRESET;
	err = vt_qp_alloc(vt, pkt->u.handle, vt_pair_size(vt, vt->qsize),
			  VMCI_QPFLAG_ATTACH_ONLY);
	if (err)
		return err;
	err = vt_send_handle(VT_ATTACH, &vsk->local_addr, &vsk->remote_addr,
			     vt->qp_handle);
	if (err)
		return err;
	/* Ours now: the pending list's reference becomes the accept owner's. */
	if (!vt_pending_remove(child))
		return -ECONNRESET;
	vsock_set_established(vsk);
	vsock_enqueue_accept(listener, child);
	return 0;
}

static void vt_listen_packet(struct sock *listener, const struct vt_packet *pkt)
{
	struct sock *child = vt_pending_find(listener, pkt);
	bool put = false;
	int err;

	if (!child) {
		if (pkt->type != VT_REQUEST && pkt->type != VT_REQUEST2) {
			vt_reply(pkt, VT_RST);
			return;
		}
		if (vt_listen_request(listener, pkt))
			vt_reply(pkt, VT_RST);
		return;
	}

	lock_sock_nested(child, SINGLE_DEPTH_NESTING);
	switch (pkt->type) {
	case VT_OFFER:
		err = vt_child_offer(listener, child, pkt);
		if (err)
			put = vt_pending_kill(child, true);
		break;
	case VT_RST:
		put = vt_pending_kill(child, false);
		break;
	case VT_REQUEST:
	case VT_REQUEST2:
		/* A new request from the same port restarts the handshake. */
		put = vt_pending_kill(child, false);
		break;
	default:
		put = vt_pending_kill(child, true);
		break;
	}
	release_sock(child);
	if (put)
		sock_put(child);
	if (pkt->type == VT_REQUEST || pkt->type == VT_REQUEST2) {
		if (vt_listen_request(listener, pkt))
			vt_reply(pkt, VT_RST);
	}
	sock_put(child);
}

static void vt_listen_work_fn(struct work_struct *work)
{
	struct vt_rx *rx;

	for (;;) {
		spin_lock_bh(&vt_listen_lock);
		rx = list_first_entry_or_null(&vt_listen_inbox, struct vt_rx,
					      node);
		if (rx) {
			list_del(&rx->node);
			vt_listen_len--;
		}
		spin_unlock_bh(&vt_listen_lock);
		if (!rx)
			break;
		lock_sock(rx->sk);
		vt_listen_packet(rx->sk, &rx->pkt);
		release_sock(rx->sk);
		sock_put(rx->sk);
		kfree(rx);
		cond_resched();
	}
}

/* Packets from the VMCI core. */

static int vt_recv(void *data, struct vmci_datagram *dg)
{
	const struct vt_packet *pkt = (const struct vt_packet *)dg;
	struct sockaddr_vm src, dst;
	struct sock *sk;
	int err;

	err = vt_packet_check(dg);
	if (err == -EBADMSG || err == -EPERM) {
		pr_err_ratelimited("bad control packet from %u:%u (%llu bytes) dropped\n",
				   dg->src.context, dg->src.resource,
				   (unsigned long long)dg->payload_size);
		return err;
	}

	vsock_addr_init(&src, dg->src.context, pkt->src_port);
	vsock_addr_init(&dst, dg->dst.context, pkt->dst_port);
	/*
	 * A request, and the offer that follows it, are for a listener even
	 * when we still hold a connection from that port: the peer has left
	 * it (it cannot bind the port twice), we may not have closed it yet.
	 */
	sk = NULL;
	if (pkt->type != VT_REQUEST && pkt->type != VT_REQUEST2 &&
	    pkt->type != VT_OFFER)
		sk = vsock_find_connected_socket(&src, &dst);
	if (!sk)
		sk = vsock_find_bound_socket(&dst);
	if (!sk) {
		if (!err)
			vt_reply(pkt, VT_RST);
		return -ENOENT;
	}

	if (err == -EPROTO)
		vt_reply(pkt, VT_INVALID);
	else if (READ_ONCE(sk->sk_state) == TCP_LISTEN)
		err = vt_listen_queue(sk, pkt);
	else
		err = vt_sock_recv(sk, pkt);
	sock_put(sk);
	return err;
}

/**
 * vt_release_stream() - a STREAM socket closes
 * @vsk: the socket; socket lock held
 *
 * Detaching the queue pair is what tells the peer; a connect still in
 * flight is reset.
 *
 * Context: process; sleeps.
 */
void vt_release_stream(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	if (sk_vsock(vsk)->sk_state == TCP_SYN_SENT && !vt->listener)
		vt_cancel_connect(vsk);
	vt_qp_forget(vt);
}

/**
 * vt_sock_init_control() - initialise the control state of a new socket
 * @vt: the state, zeroed
 *
 * Context: any.
 */
void vt_sock_init_control(struct vt_sock *vt)
{
	kref_init(&vt->ref);
	vt->qp_handle = VMCI_INVALID_HANDLE;
	vt->dg_handle = VMCI_INVALID_HANDLE;
	INIT_HLIST_NODE(&vt->qp_node);
	spin_lock_init(&vt->rx_lock);
	INIT_LIST_HEAD(&vt->inbox);
	INIT_WORK(&vt->rx_work, vt_rx_work_fn);
	INIT_LIST_HEAD(&vt->pending_node);
	INIT_DELAYED_WORK(&vt->reap_work, vt_reap_work_fn);
}

/**
 * vt_sock_kill() - the socket's state is destructed
 * @vt: the state; released already (no queue pair, not pending)
 *
 * Unhandled packets are dropped and no more are queued; the memory goes
 * when the last queued work has run, after an RCU grace period.
 *
 * Context: any; does not sleep.
 */
void vt_sock_kill(struct vt_sock *vt)
{
	struct vt_rx *rx, *tmp;
	LIST_HEAD(drop);

	spin_lock_bh(&vt->rx_lock);
	vt->dead = true;
	list_splice_init(&vt->inbox, &drop);
	vt->inbox_len = 0;
	spin_unlock_bh(&vt->rx_lock);
	list_for_each_entry_safe(rx, tmp, &drop, node)
		kfree(rx);
	kref_put(&vt->ref, vt_free);
}

/**
 * vt_control_start() - open resource 1 once a personality is up
 *
 * Context: process; sleeps.
 * Return: 0 or the errno of vmci_datagram_create_handle_priv().
 */
int vt_control_start(void)
{
	int err;

	if (!vmci_handle_is_invalid(vt_packet_handle))
		return 0;
	err = vmci_datagram_create_handle_priv(VT_PACKET_RID,
					       VMCI_FLAG_ANYCID_DG_HND,
					       VMCI_PRIVILEGE_FLAG_TRUSTED,
					       vt_recv, NULL, &vt_packet_handle);
	if (err) {
		vt_packet_handle = VMCI_INVALID_HANDLE;
		pr_err("cannot open the control resource: %d\n", err);
	}
	return err;
}

/**
 * vt_control_stop() - close resource 1
 *
 * On return no packet handler runs any more.
 *
 * Context: process; sleeps.
 */
void vt_control_stop(void)
{
	if (vmci_handle_is_invalid(vt_packet_handle))
		return;
	vmci_datagram_destroy_handle(vt_packet_handle);
	vt_packet_handle = VMCI_INVALID_HANDLE;
}

/**
 * vt_control_init() - the work queue and the queue-pair event subscriptions
 *
 * Context: module init.
 * Return: 0 or -errno.
 */
int vt_control_init(void)
{
	int err;

	vt_wq = alloc_workqueue("vsock_vmci", 0, 0);
	if (!vt_wq)
		return -ENOMEM;
	err = vmci_event_subscribe(VMCI_EVENT_QP_PEER_DETACH,
				   vt_peer_detach_cb, NULL, &vt_detach_sub);
	if (!err)
		err = vmci_event_subscribe(VMCI_EVENT_QP_RESUMED,
					   vt_qp_resumed_cb, NULL,
					   &vt_resumed_sub);
	if (err)
		vt_control_exit();
	return err;
}

/**
 * vt_control_exit() - undo vt_control_init() and vt_control_start()
 *
 * Context: module exit; no socket of ours exists.
 */
void vt_control_exit(void)
{
	vt_control_stop();
	if (vt_resumed_sub != VMCI_INVALID_ID)
		vmci_event_unsubscribe(vt_resumed_sub);
	if (vt_detach_sub != VMCI_INVALID_ID)
		vmci_event_unsubscribe(vt_detach_sub);
	vt_resumed_sub = VMCI_INVALID_ID;
	vt_detach_sub = VMCI_INVALID_ID;
	if (vt_wq)
		destroy_workqueue(vt_wq);
	vt_wq = NULL;
}
