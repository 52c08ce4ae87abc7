// SPDX-License-Identifier: GPL-2.0
/*
 * Connection life of STREAM and SEQPACKET sockets: connect, listen,
 * accept, the events transports report (child created, established, peer
 * shutdown) and poll. The data path is in stream_data.c, options in
 * sockopt.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vsock.h"

/**
 * vsock_connect_timeout() - non-blocking connect() ran out of time
 * @work: &vsock_sock.connect_work; owns one socket reference
 *
 * Context: workqueue; takes the socket lock.
 */
void vsock_connect_timeout(struct work_struct *work)
{
	struct vsock_sock *vsk = container_of(to_delayed_work(work),
					      struct vsock_sock, connect_work);
	struct sock *sk = sk_vsock(vsk);

	lock_sock(sk);
	if (sk->sk_state == TCP_SYN_SENT &&
	    sk->sk_shutdown != SHUTDOWN_MASK) {
		sk->sk_state = TCP_CLOSE;
		sk->sk_socket->state = SS_UNCONNECTED;
		WRITE_ONCE(sk->sk_err, ETIMEDOUT);
		sk_error_report(sk);
		if (vsk->transport && vsk->transport->cancel_connect)
			vsk->transport->cancel_connect(vsk);
	}
	release_sock(sk);
	sock_put(sk);
}

static int connect_start(struct socket *sock, struct sockaddr *addr,
			 int addr_len)
{
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	struct sockaddr_vm *remote;
	const struct vsock_transport *t;
	int err;

	if (sk->sk_state == TCP_LISTEN ||
	    vsock_addr_cast(addr, addr_len, &remote))
		return -EINVAL;

	vsk->remote_addr = *remote;
	err = vsock_assign_transport(vsk, NULL);
	if (err)
		return err;

	t = vsk->transport;
	if (!t->stream_allow(remote->svm_cid, remote->svm_port))
		return -ENETUNREACH;
	/* SO_ZEROCOPY set before connect() needs a transport that can. */
	if (sock_flag(sk, SOCK_ZEROCOPY) && !t->zerocopy)
		return -EOPNOTSUPP;

	err = vsock_auto_bind(vsk);
	if (err)
		return err;

	/* A previous failed attempt may have left an error behind. */
	WRITE_ONCE(sk->sk_err, 0);
	sk->sk_state = TCP_SYN_SENT;
	err = t->connect(vsk);
	if (err < 0) {
		sk->sk_state = TCP_CLOSE;
		return err;
	}
	/* Already up (the transport connected synchronously) or pending. */
	if (sk->sk_state != TCP_ESTABLISHED)
		sock->state = SS_CONNECTING;
	return -EINPROGRESS;
}

static bool connect_done(const struct sock *sk)
{
	return sk->sk_state == TCP_ESTABLISHED ||
	       sk->sk_state == TCP_CLOSING || sk->sk_err;
}

static void connect_fail(struct sock *sk)
{
	sk->sk_state = TCP_CLOSE;
	sk->sk_socket->state = SS_UNCONNECTED;
}

/* Wait for the transport to finish what connect_start() began. */
static int connect_wait(struct sock *sk, int flags, int err)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	long timeout = vsk->connect_timeout;
	DEFINE_WAIT(wait);

	/*
	 * Non-blocking: -EINPROGRESS even when the transport finished at
	 * once, as with the in-kernel family; the result is reported through
	 * poll() and SO_ERROR.
	 */
	if (flags & O_NONBLOCK) {
		if (!connect_done(sk)) {
			/* The timeout work owns a reference while queued. */
			sock_hold(sk);
			if (mod_delayed_work(system_wq, &vsk->connect_work,
					     timeout))
				sock_put(sk);
		}
		return err;
	}

	while (!connect_done(sk)) {
		prepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		if (!connect_done(sk)) {
			release_sock(sk);
			timeout = schedule_timeout(timeout);
			lock_sock(sk);
		}
		finish_wait(sk_sleep(sk), &wait);
		if (sk->sk_state == TCP_ESTABLISHED ||
		    sk->sk_state == TCP_CLOSING)
			return 0;
		if (signal_pending(current) || !timeout) {
			err = timeout ? sock_intr_errno(timeout) : -ETIMEDOUT;
			connect_fail(sk);
			if (vsk->transport->cancel_connect)
				vsk->transport->cancel_connect(vsk);
			return err;
		}
	}

	err = sock_error(sk);
	if (err)
		connect_fail(sk);
	else if (sk->sk_state == TCP_ESTABLISHED)
		sk->sk_socket->state = SS_CONNECTED;
	return err;
}

static int vsock_connect(struct socket *sock, struct sockaddr *addr,
			 int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	int err;

	lock_sock(sk);
	switch (sock->state) {
	case SS_CONNECTED:
		err = -EISCONN;
		break;
	case SS_DISCONNECTING:
		err = -EINVAL;
		break;
	case SS_CONNECTING:
		err = -EALREADY;
		if (!(flags & O_NONBLOCK))
			err = connect_wait(sk, flags, err);
		break;
	default:
		err = connect_start(sock, addr, addr_len);
		if (err == -EINPROGRESS)
			err = connect_wait(sk, flags, err);
		break;
	}
	release_sock(sk);
	return err;
}

static int vsock_listen(struct socket *sock, int backlog)
{
	struct sock *sk = sock->sk;
	int err = 0;

	lock_sock(sk);
	if (sock->state != SS_UNCONNECTED ||
	    !vsock_addr_bound(&vsock_sk(sk)->local_addr)) {
		err = -EINVAL;
	} else {
		WRITE_ONCE(sk->sk_max_ack_backlog, backlog);
		sk->sk_state = TCP_LISTEN;
	}
	release_sock(sk);
	return err;
}

/* Take the oldest child; the queue's reference passes to the caller. */
static struct sock *dequeue_accept(struct sock *listener)
{
	struct vsock_sock *child;

	sock_owned_by_me(listener);
	child = list_first_entry_or_null(&vsock_sk(listener)->accept_queue,
					 struct vsock_sock, accept_node);
	if (!child)
		return NULL;
	list_del_init(&child->accept_node);
	sk_acceptq_removed(listener);
	return sk_vsock(child);
}

static struct sock *accept_wait(struct sock *listener, long timeout,
				int *err)
{
	struct sock *child;
	DEFINE_WAIT(wait);

	while (!(child = dequeue_accept(listener))) {
		if (!timeout) {
			*err = -EAGAIN;
			break;
		}
		prepare_to_wait(sk_sleep(listener), &wait, TASK_INTERRUPTIBLE);
		if (list_empty(&vsock_sk(listener)->accept_queue)) {
			release_sock(listener);
			timeout = schedule_timeout(timeout);
			lock_sock(listener);
		}
		finish_wait(sk_sleep(listener), &wait);
		if (signal_pending(current)) {
			*err = sock_intr_errno(timeout);
			break;
		}
		if (listener->sk_state != TCP_LISTEN) {
			*err = -EINVAL;
			break;
		}
	}
	return child;
}

static int vsock_accept_flags(struct socket *sock, struct socket *newsock,
			      int flags)
{
	struct sock *listener = sock->sk;
	struct sock *child;
	int err = 0;

	lock_sock(listener);
	if (listener->sk_state != TCP_LISTEN) {
		err = -EINVAL;
		goto out;
	}
	child = accept_wait(listener,
			    sock_rcvtimeo(listener, flags & O_NONBLOCK), &err);
	if (child) {
		lock_sock_nested(child, SINGLE_DEPTH_NESTING);
		newsock->state = SS_CONNECTED;
		sock_graft(child, newsock);
		vv_sock_set_custom_sockopt(newsock);
		release_sock(child);
		sock_put(child);
	}
out:
	release_sock(listener);
	return err;
}

VV_DEFINE_ACCEPT(vsock_accept, vsock_accept_flags)

/**
 * vsock_release_children() - close every child a listener never accepted
 * @listener: the listener being released
 *
 * Context: the listener's socket lock held.
 */
void vsock_release_children(struct sock *listener)
{
	struct sock *child;

	while ((child = dequeue_accept(listener))) {
		vsock_release_sk(child, SINGLE_DEPTH_NESTING);
		sock_put(child);
	}
}

/**
 * vsock_create_connected() - create the child of a listener
 * @listener: listening socket; its socket lock is held
 * @local: the child's local address (what the peer connected to)
 * @remote: the peer's address
 *
 * The child inherits the listener's options and gets a transport chosen
 * for @remote. Until vsock_set_established() only vsock_walk() sees it
 * (as pending), and nothing finds it before vsock_enqueue_accept().
 *
 * Context: process, the listener's socket lock held; sleeps.
 * Return: the child with one reference (dropped by release, or by
 * sock_put() on failure paths), or an ERR_PTR.
 */
struct sock *vsock_create_connected(struct sock *listener,
				    const struct sockaddr_vm *local,
				    const struct sockaddr_vm *remote)
{
	struct vsock_sock *vchild;
	struct sock *child;
	int err;

	sock_owned_by_me(listener);
	child = vsock_sk_alloc(sock_net(listener), NULL, listener,
			       listener->sk_type, 0);
	if (!child)
		return ERR_PTR(-ENOMEM);

	vchild = vsock_sk(child);
	vchild->local_addr = *local;
	vchild->remote_addr = *remote;
	err = vsock_assign_transport(vchild, vsock_sk(listener));
	if (err) {
		sock_put(child);
		return ERR_PTR(err);
	}
	vsock_insert_pending(vchild);
	return child;
}
EXPORT_SYMBOL_VV(vsock_create_connected);

/**
 * vsock_enqueue_accept() - offer a connected child to accept()
 * @listener: listening socket; its socket lock is held
 * @child: the child, already established; the queue takes a reference
 *
 * Context: the listener's socket lock held.
 */
void vsock_enqueue_accept(struct sock *listener, struct sock *child)
{
	sock_owned_by_me(listener);
	sock_hold(child);
	list_add_tail(&vsock_sk(child)->accept_node,
		      &vsock_sk(listener)->accept_queue);
	sk_acceptq_added(listener);
	listener->sk_data_ready(listener);
}
EXPORT_SYMBOL_VV(vsock_enqueue_accept);

/**
 * vsock_set_established() - a connection is up
 * @vsk: connecting socket or new child; its socket lock is held (a child
 *	not yet enqueued needs none)
 *
 * Enters @vsk in the connected table and wakes connect().
 *
 * Context: process or softirq.
 */
void vsock_set_established(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);

	sk->sk_state = TCP_ESTABLISHED;
	if (sk->sk_socket)
		sk->sk_socket->state = SS_CONNECTED;
	vsock_remove_pending(vsk);
	vsock_insert_connected(vsk);
	sk->sk_state_change(sk);
}
EXPORT_SYMBOL_VV(vsock_set_established);

/**
 * vsock_peer_shutdown() - record a shutdown sent by the peer and wake
 * @vsk: local socket; the caller holds a reference
 * @mode: RCV_SHUTDOWN and/or SEND_SHUTDOWN as the peer reported them
 *
 * The caller serialises calls for one socket (a transport has one peer
 * context per connection). A full peer shutdown also sets SOCK_DONE, so
 * that recv() reports end of stream.
 *
 * Context: any; does not take the socket lock.
 */
void vsock_peer_shutdown(struct vsock_sock *vsk, u32 mode)
{
	struct sock *sk = sk_vsock(vsk);
	u32 now = READ_ONCE(vsk->peer_shutdown) | (mode & SHUTDOWN_MASK);

	/* Data queued before this shutdown is visible to whoever sees it. */
	smp_wmb();
	WRITE_ONCE(vsk->peer_shutdown, now);
	if (now == SHUTDOWN_MASK)
		sock_set_flag(sk, SOCK_DONE);
	sk->sk_state_change(sk);
}
EXPORT_SYMBOL_VV(vsock_peer_shutdown);

static __poll_t shutdown_bits(const struct sock *sk, u32 peer_shutdown)
{
	__poll_t mask = 0;
	u32 local = READ_ONCE(sk->sk_shutdown);

	if (local == SHUTDOWN_MASK ||
	    ((local & SEND_SHUTDOWN) && (peer_shutdown & SEND_SHUTDOWN)))
		mask |= EPOLLHUP;
	if ((local & RCV_SHUTDOWN) || (peer_shutdown & SEND_SHUTDOWN))
		mask |= EPOLLRDHUP | EPOLLIN | EPOLLRDNORM;
	return mask;
}

static __poll_t data_bits(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;
	__poll_t mask = 0;
	s64 n;

	if (!t)
		return 0;
	if (!(sk->sk_shutdown & RCV_SHUTDOWN)) {
		n = t->has_data(vsk);
		if (n < 0)
			mask |= EPOLLERR;
		else if (sk->sk_type == SOCK_SEQPACKET ? n > 0 :
			 n >= sock_rcvlowat(sk, 0, INT_MAX))
			mask |= EPOLLIN | EPOLLRDNORM;
		else if (t->notify_wait && sk->sk_state == TCP_ESTABLISHED)
			t->notify_wait(vsk, false);
	}
	if (sk->sk_state == TCP_ESTABLISHED &&
	    !(sk->sk_shutdown & SEND_SHUTDOWN)) {
		n = t->has_space(vsk, 1);
		if (n < 0 && n != -EMSGSIZE)
			mask |= EPOLLERR;
		else if (n > 0 || (READ_ONCE(vsk->peer_shutdown) & RCV_SHUTDOWN))
			mask |= EPOLLOUT | EPOLLWRNORM;
		else if (t->notify_wait)
			t->notify_wait(vsk, true);
	}
	return mask;
}

/**
 * vsock_connectible_poll() - poll bits of a STREAM/SEQPACKET socket
 * @sk: the socket
 *
 * Same bits as the in-kernel family: accept queue, data at SO_RCVLOWAT,
 * space, shutdown (RDHUP/HUP) and INET's OUT on a closed socket.
 *
 * Context: process; takes the socket lock.
 * Return: the mask (without EPOLLERR for sk_err, added by the caller).
 */
__poll_t vsock_connectible_poll(struct sock *sk)
{
	__poll_t mask;

	lock_sock(sk);
	mask = data_bits(sk);
	if (sk->sk_state == TCP_LISTEN &&
	    !list_empty(&vsock_sk(sk)->accept_queue))
		mask |= EPOLLIN | EPOLLRDNORM;
	mask |= shutdown_bits(sk, READ_ONCE(vsock_sk(sk)->peer_shutdown));
	if ((sk->sk_state == TCP_CLOSE || sk->sk_state == TCP_CLOSING) &&
	    !(sk->sk_shutdown & SEND_SHUTDOWN))
		mask |= EPOLLOUT | EPOLLWRNORM;
	release_sock(sk);
	return mask;
}

/**
 * vsock_dgram_poll() - poll bits of a DGRAM socket
 * @sk: the socket
 *
 * Context: any; lockless snapshot.
 * Return: the mask (without EPOLLERR for sk_err).
 */
__poll_t vsock_dgram_poll(struct sock *sk)
{
	__poll_t mask = shutdown_bits(sk, READ_ONCE(vsock_sk(sk)->peer_shutdown));
	u32 local = READ_ONCE(sk->sk_shutdown);

	if (!skb_queue_empty_lockless(&sk->sk_receive_queue) ||
	    (local & RCV_SHUTDOWN))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (!(local & SEND_SHUTDOWN))
		mask |= EPOLLOUT | EPOLLWRNORM | EPOLLWRBAND;
	return mask;
}

const struct proto_ops vsock_stream_ops = {
	.family = PF_VSOCK,
	.owner = THIS_MODULE,
	.release = vsock_release,
	.bind = vsock_bind,
	.connect = vsock_connect,
	.socketpair = sock_no_socketpair,
	.accept = vsock_accept,
	.getname = vsock_getname,
	.poll = vsock_poll,
	.ioctl = vsock_ioctl,
	.listen = vsock_listen,
	.shutdown = vsock_shutdown,
	.setsockopt = vsock_connectible_setsockopt,
	.getsockopt = vsock_connectible_getsockopt,
	.sendmsg = vsock_connectible_sendmsg,
	.recvmsg = vsock_connectible_recvmsg,
	.mmap = sock_no_mmap,
	.set_rcvlowat = vsock_set_rcvlowat,
};

const struct proto_ops vsock_seqpacket_ops = {
	.family = PF_VSOCK,
	.owner = THIS_MODULE,
	.release = vsock_release,
	.bind = vsock_bind,
	.connect = vsock_connect,
	.socketpair = sock_no_socketpair,
	.accept = vsock_accept,
	.getname = vsock_getname,
	.poll = vsock_poll,
	.ioctl = vsock_ioctl,
	.listen = vsock_listen,
	.shutdown = vsock_shutdown,
	.setsockopt = vsock_connectible_setsockopt,
	.getsockopt = vsock_connectible_getsockopt,
	.sendmsg = vsock_connectible_sendmsg,
	.recvmsg = vsock_connectible_recvmsg,
	.mmap = sock_no_mmap,
};
