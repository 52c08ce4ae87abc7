// SPDX-License-Identifier: GPL-2.0
/*
 * Socket options of STREAM and SEQPACKET sockets: the AF_VSOCK level
 * (buffer sizes, connect timeout), SO_ZEROCOPY and SO_RCVLOWAT.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sockptr.h>
#include <linux/time.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vsock.h"

/**
 * vsock_buffer_clamp() - clamp a buffer size to [@min, @max]
 * @val: requested size
 * @min: lower bound
 * @max: upper bound; wins over @min when @min > @max (as in-kernel)
 *
 * Context: any.
 * Return: the clamped size.
 */
u64 vsock_buffer_clamp(u64 val, u64 min, u64 max)
{
	if (val < min)
		val = min;
	if (val > max)
		val = max;
	return val;
}
EXPORT_SYMBOL_IF_KUNIT(vsock_buffer_clamp);

/*
 * The option fields are written under the socket lock, which every other
 * writer holds too, so they are read plainly here; getsockopt() and a
 * loopback peer's sender read them without it, hence WRITE_ONCE().
 */
static void update_buffer_size(struct vsock_sock *vsk, u64 val)
{
	val = vsock_buffer_clamp(val, vsk->buffer_min_size,
				 vsk->buffer_max_size);
	if (val == vsk->buffer_size)
		return;
	WRITE_ONCE(vsk->buffer_size, val);
	if (vsk->transport && vsk->transport->buffer_size_changed)
		vsk->transport->buffer_size_changed(vsk);
}

static int set_connect_timeout(struct vsock_sock *vsk, int optname,
			       sockptr_t optval, unsigned int optlen)
{
	struct __kernel_sock_timeval tv;
	long timeout;
	int err;

	err = sock_copy_user_timeval(&tv, optval, optlen,
				     optname == SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD);
	if (err)
		return err;
	if (tv.tv_sec < 0 || tv.tv_usec < 0 || tv.tv_usec >= USEC_PER_SEC ||
	    tv.tv_sec >= MAX_SCHEDULE_TIMEOUT / HZ - 1)
		return -ERANGE;

	timeout = tv.tv_sec * HZ +
		DIV_ROUND_UP((unsigned long)tv.tv_usec, USEC_PER_SEC / HZ);
	/* One store: a lockless getsockopt() must never see the 0. */
	WRITE_ONCE(vsk->connect_timeout,
		   timeout ?: VSOCK_DEFAULT_CONNECT_TIMEOUT);
	return 0;
}

static int set_zerocopy(struct sock *sk, sockptr_t optval,
			unsigned int optlen)
{
	int on;

	if (optlen < sizeof(on))
		return -EINVAL;
	if (copy_from_sockptr(&on, optval, sizeof(on)))
		return -EFAULT;
	if (on < 0 || on > 1)
		return -EINVAL;
	/* Before connect() the transport is unknown: connect() checks. */
	if (vsock_sk(sk)->transport && !vsock_sk(sk)->transport->zerocopy)
		return -EOPNOTSUPP;
	sock_valbool_flag(sk, SOCK_ZEROCOPY, on);
	return 0;
}

static int set_vsock_opt(struct vsock_sock *vsk, int optname,
			 sockptr_t optval, unsigned int optlen)
{
	u64 val;

	switch (optname) {
	case SO_VM_SOCKETS_BUFFER_SIZE:
	case SO_VM_SOCKETS_BUFFER_MAX_SIZE:
	case SO_VM_SOCKETS_BUFFER_MIN_SIZE:
		if (optlen < sizeof(val))
			return -EINVAL;
		if (copy_from_sockptr(&val, optval, sizeof(val)))
			return -EFAULT;
		if (optname == SO_VM_SOCKETS_BUFFER_MAX_SIZE)
			WRITE_ONCE(vsk->buffer_max_size, val);
		else if (optname == SO_VM_SOCKETS_BUFFER_MIN_SIZE)
			WRITE_ONCE(vsk->buffer_min_size, val);
		update_buffer_size(vsk, optname == SO_VM_SOCKETS_BUFFER_SIZE ?
				   val : vsk->buffer_size);
		return 0;
	case SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD:
	case SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW:
		return set_connect_timeout(vsk, optname, optval, optlen);
	default:
		return -ENOPROTOOPT;
	}
}

int vsock_connectible_setsockopt(struct socket *sock, int level, int optname,
				 sockptr_t optval, unsigned int optlen)
{
	struct sock *sk = sock->sk;
	int err;

	if (level != AF_VSOCK && level != SOL_SOCKET)
		return -ENOPROTOOPT;
	if (level == SOL_SOCKET && optname != SO_ZEROCOPY)
		return sock_setsockopt(sock, level, optname, optval, optlen);

	lock_sock(sk);
	if (level == SOL_SOCKET)
		err = set_zerocopy(sk, optval, optlen);
	else
		err = set_vsock_opt(vsock_sk(sk), optname, optval, optlen);
	release_sock(sk);
	return err;
}

int vsock_connectible_getsockopt(struct socket *sock, int level, int optname,
				 char __user *optval, int __user *optlen)
{
	struct vsock_sock *vsk = vsock_sk(sock->sk);
	union {
		u64 val64;
		struct old_timeval32 tm32;
		struct __kernel_old_timeval tm;
		struct __kernel_sock_timeval stm;
	} v;
	int lv = sizeof(v.val64);
	int len;

	if (level != AF_VSOCK)
		return -ENOPROTOOPT;
	if (get_user(len, optlen))
		return -EFAULT;

	memset(&v, 0, sizeof(v));
	switch (optname) {
	case SO_VM_SOCKETS_BUFFER_SIZE:
		v.val64 = READ_ONCE(vsk->buffer_size);
		break;
	case SO_VM_SOCKETS_BUFFER_MAX_SIZE:
		v.val64 = READ_ONCE(vsk->buffer_max_size);
		break;
	case SO_VM_SOCKETS_BUFFER_MIN_SIZE:
		v.val64 = READ_ONCE(vsk->buffer_min_size);
		break;
	case SO_VM_SOCKETS_CONNECT_TIMEOUT_NEW:
	case SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD:
		lv = sock_get_timeout(READ_ONCE(vsk->connect_timeout), &v,
				      optname == SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD);
		break;
	default:
		return -ENOPROTOOPT;
	}

	if (len < lv)
		return -EINVAL;
	len = lv;
	if (copy_to_user(optval, &v, len) || put_user(len, optlen))
		return -EFAULT;
	return 0;
}

/* Called by sk_setsockopt() with the socket lock held. */
int vsock_set_rcvlowat(struct sock *sk, int val)
{
	if (val > vsock_sk(sk)->buffer_size)
		return -EINVAL;
	WRITE_ONCE(sk->sk_rcvlowat, val ? : 1);
	return 0;
}
