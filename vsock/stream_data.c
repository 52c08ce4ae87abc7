// SPDX-License-Identifier: GPL-2.0
/*
 * Data path of STREAM and SEQPACKET sockets: the waiting, timeouts and
 * errno of send and receive. The transport moves the bytes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <linux/vm_sockets.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vsock.h"

static bool send_shut(struct vsock_sock *vsk)
{
	return (sk_vsock(vsk)->sk_shutdown & SEND_SHUTDOWN) ||
	       (READ_ONCE(vsk->peer_shutdown) & RCV_SHUTDOWN);
}

/*
 * Wait until the transport accepts (part of) @want bytes.
 * Return: bytes that may be queued, or -errno.
 */
static s64 space_now(struct vsock_sock *vsk, size_t want)
{
	struct sock *sk = sk_vsock(vsk);

	if (sk->sk_err)
		return -sk->sk_err;
	if (send_shut(vsk))
		return -EPIPE;
	return vsk->transport->has_space(vsk, want);
}

static s64 wait_space(struct sock *sk, size_t want, long *timeout)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	DEFINE_WAIT(wait);
	s64 space;

	/* Fast path: no wait queue round trip when there is room. */
	space = space_now(vsk, want);
	if (space)
		return space;

	for (;;) {
		prepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		space = space_now(vsk, want);
		if (space)
			break;
		if (!*timeout) {
			space = -EAGAIN;
			break;
		}
		if (vsk->transport->notify_wait)
			vsk->transport->notify_wait(vsk, true);
		release_sock(sk);
		*timeout = schedule_timeout(*timeout);
		lock_sock(sk);
		if (signal_pending(current)) {
			space = sock_intr_errno(*timeout);
			break;
		}
	}
	finish_wait(sk_sleep(sk), &wait);
	return space;
}

static int send_check(struct sock *sk, struct msghdr *msg)
{
	struct vsock_sock *vsk = vsock_sk(sk);

	/* A connected socket takes no destination. */
	if (msg->msg_namelen)
		return sk->sk_state == TCP_ESTABLISHED ? -EISCONN : -EOPNOTSUPP;
	if (send_shut(vsk))
		return -EPIPE;
	if (!vsk->transport || sk->sk_state != TCP_ESTABLISHED ||
	    !vsock_addr_bound(&vsk->local_addr))
		return -ENOTCONN;
	if (!vsock_addr_bound(&vsk->remote_addr))
		return -EDESTADDRREQ;
	/* Without SO_ZEROCOPY, MSG_ZEROCOPY is ignored (as for TCP). */
	if (!sock_flag(sk, SOCK_ZEROCOPY))
		msg->msg_flags &= ~MSG_ZEROCOPY;
	else if ((msg->msg_flags & MSG_ZEROCOPY) && !vsk->transport->zerocopy)
		return -EOPNOTSUPP;
	return 0;
}

static int send_loop(struct sock *sk, struct msghdr *msg, size_t len,
		     ssize_t *written)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	long timeout = sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT);
	bool seqpacket = sk->sk_type == SOCK_SEQPACKET;

	while (*written < len) {
		size_t want = len - *written;
		ssize_t n;
		s64 space;

		space = wait_space(sk, want, &timeout);
		if (space < 0)
			return space;
		n = vsk->transport->enqueue(vsk, msg,
					    seqpacket ? want : min_t(s64, want, space));
		if (n < 0)
			return n;
		*written += n;
	}
	return 0;
}

int vsock_connectible_sendmsg(struct socket *sock, struct msghdr *msg,
			      size_t len)
{
	struct sock *sk = sock->sk;
	ssize_t written = 0;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;

	lock_sock(sk);
	err = send_check(sk, msg);
	if (!err)
		err = send_loop(sk, msg, len, &written);
	/* Partial STREAM sends count; SEQPACKET is all or nothing. */
	if (written > 0 && (sk->sk_type == SOCK_STREAM || written == len))
		err = written;
	else if (!err)
		err = written;
	if (sk->sk_type == SOCK_STREAM)
		err = sk_stream_error(sk, msg->msg_flags, err);
	release_sock(sk);
	return err;
}

static bool recv_shut(struct vsock_sock *vsk)
{
	return sk_vsock(vsk)->sk_err ||
	       (sk_vsock(vsk)->sk_shutdown & RCV_SHUTDOWN) ||
	       (READ_ONCE(vsk->peer_shutdown) & SEND_SHUTDOWN);
}

/*
 * Wait for received data.
 * Return: has_data() (> 0), 0 at end of stream or error, or -errno.
 */
static s64 wait_data(struct sock *sk, long *timeout)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	DEFINE_WAIT(wait);
	s64 data;

	/* Fast path: data already queued. */
	data = vsk->transport->has_data(vsk);
	if (data)
		return data;

	for (;;) {
		prepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		data = vsk->transport->has_data(vsk);
		if (data)
			break;
		if (recv_shut(vsk)) {
			/*
			 * Data the peer queued before its shutdown is still
			 * read: pairs with smp_wmb() in vsock_peer_shutdown().
			 */
			smp_rmb();
			data = vsk->transport->has_data(vsk);
			break;
		}
		if (!*timeout) {
			data = -EAGAIN;
			break;
		}
		if (vsk->transport->notify_wait)
			vsk->transport->notify_wait(vsk, false);
		release_sock(sk);
		*timeout = schedule_timeout(*timeout);
		lock_sock(sk);
		if (signal_pending(current)) {
			data = sock_intr_errno(*timeout);
			break;
		}
	}
	finish_wait(sk_sleep(sk), &wait);
	return data;
}

static int stream_recv(struct sock *sk, struct msghdr *msg, size_t len,
		       int flags)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;
	size_t target = sock_rcvlowat(sk, flags & MSG_WAITALL, len);
	long timeout = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	ssize_t copied = 0;
	s64 err;

	/* Only a transport with a fixed receive window has this limit. */
	if (t->rcvhiwat && target >= t->rcvhiwat(vsk))
		return -ENOMEM;

	for (;;) {
		ssize_t n;

		err = wait_data(sk, &timeout);
		if (err <= 0)
			break;
		n = t->dequeue(vsk, msg, len - copied, flags);
		if (n < 0) {
			err = n;
			break;
		}
		copied += n;
		if (n >= target || (flags & MSG_PEEK))
			break;
		target -= n;
	}

	if (sk->sk_err)
		err = -sk->sk_err;
	else if (sk->sk_shutdown & RCV_SHUTDOWN)
		err = 0;
	return copied > 0 ? copied : err;
}

static int seqpacket_recv(struct sock *sk, struct msghdr *msg, size_t len,
			  int flags)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	long timeout = sock_rcvtimeo(sk, flags & MSG_DONTWAIT);
	ssize_t msg_len;
	s64 data;

	data = wait_data(sk, &timeout);
	if (data <= 0)
		return data;

	msg_len = vsk->transport->dequeue(vsk, msg, len, flags);
	if (msg_len < 0)
		return msg_len;
	if (sk->sk_err)
		return -sk->sk_err;
	if (sk->sk_shutdown & RCV_SHUTDOWN)
		return 0;
	if (msg_len > len)
		msg->msg_flags |= MSG_TRUNC;
	return (flags & MSG_TRUNC) ? msg_len : min_t(size_t, msg_len, len);
}

int vsock_connectible_recvmsg(struct socket *sock, struct msghdr *msg,
			      size_t len, int flags)
{
	struct sock *sk = sock->sk;
	int err;

	if (unlikely(flags & MSG_ERRQUEUE))
		return sock_recv_errqueue(sk, msg, len, SOL_VSOCK,
					  VSOCK_RECVERR);

	lock_sock(sk);
	if (!vsock_sk(sk)->transport || sk->sk_state != TCP_ESTABLISHED)
		/* Orderly end of a finished connection, else never connected. */
		err = sock_flag(sk, SOCK_DONE) ? 0 : -ENOTCONN;
	else if (flags & MSG_OOB)
		err = -EOPNOTSUPP;
	else if ((sk->sk_shutdown & RCV_SHUTDOWN) || !len)
		err = 0;
	else if (sk->sk_type == SOCK_STREAM)
		err = stream_recv(sk, msg, len, flags);
	else
		err = seqpacket_recv(sk, msg, len, flags);
	release_sock(sk);
	return err;
}
