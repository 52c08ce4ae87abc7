// SPDX-License-Identifier: GPL-2.0
/*
 * DGRAM sockets: addressing, connect (default destination) and receive.
 * A transport queues each datagram as one skb on the receiver's
 * sk_receive_queue with the sender in VSOCK_DGRAM_CB(); sending is the
 * transport's dgram_enqueue().
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vsock.h"

/* Pick the destination of a send: msg_name, else the connected peer. */
static int dgram_dest(struct socket *sock, struct msghdr *msg,
		      struct sockaddr_vm *dst)
{
	struct vsock_sock *vsk = vsock_sk(sock->sk);
	struct sockaddr_vm *addr;

	if (msg->msg_name &&
	    !vsock_addr_cast(msg->msg_name, msg->msg_namelen, &addr))
		*dst = *addr;
	else if (sock->state == SS_CONNECTED)
		*dst = vsk->remote_addr;
	else
		return -EINVAL;

	if (dst->svm_cid == VMADDR_CID_ANY)
		dst->svm_cid = vsk->transport->get_local_cid();
	if (!vsock_addr_bound(dst))
		return -EINVAL;
	if (!vsk->transport->dgram_allow(dst->svm_cid, dst->svm_port))
		return -EINVAL;
	return 0;
}

static int vsock_dgram_sendmsg(struct socket *sock, struct msghdr *msg,
			       size_t len)
{
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	struct sockaddr_vm dst;
	int err;

	if (msg->msg_flags & MSG_OOB)
		return -EOPNOTSUPP;
	if (len > VSOCK_DGRAM_MAX_SIZE)
		return -EMSGSIZE;

	lock_sock(sk);
	err = vsock_auto_bind(vsk);
	if (!err)
		err = dgram_dest(sock, msg, &dst);
	if (!err && (sk->sk_shutdown & SEND_SHUTDOWN))
		err = -EPIPE;
	if (!err)
		err = vsk->transport->dgram_enqueue(vsk, &dst, msg, len);
	release_sock(sk);
	return err;
}

static int vsock_dgram_connect(struct socket *sock, struct sockaddr *addr,
			       int addr_len, int flags)
{
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	struct sockaddr_vm *remote;
	int err;

	err = vsock_addr_cast(addr, addr_len, &remote);
	if (err == -EAFNOSUPPORT && remote->svm_family == AF_UNSPEC) {
		/* AF_UNSPEC dissolves the association. */
		lock_sock(sk);
		vsock_addr_init(&vsk->remote_addr, VMADDR_CID_ANY,
				VMADDR_PORT_ANY);
		sock->state = SS_UNCONNECTED;
		sk->sk_state = TCP_CLOSE;
		release_sock(sk);
		return 0;
	}
	if (err)
		return -EINVAL;

	lock_sock(sk);
	err = vsock_auto_bind(vsk);
	if (!err && !vsk->transport->dgram_allow(remote->svm_cid,
						 remote->svm_port))
		err = -EINVAL;
	if (!err) {
		vsk->remote_addr = *remote;
		sock->state = SS_CONNECTED;
		sk->sk_state = TCP_ESTABLISHED;
	}
	release_sock(sk);
	return err;
}

static int vsock_dgram_recvmsg(struct socket *sock, struct msghdr *msg,
			       size_t len, int flags)
{
	struct sock *sk = sock->sk;
	struct sk_buff *skb;
	size_t copy;
	int err;

	if (flags & (MSG_OOB | MSG_ERRQUEUE))
		return -EOPNOTSUPP;

	skb = skb_recv_datagram(sk, flags, &err);
	if (!skb)
		return err;

	copy = min_t(size_t, skb->len, len);
	if (copy < skb->len)
		msg->msg_flags |= MSG_TRUNC;
	err = skb_copy_datagram_msg(skb, 0, msg, copy);
	if (!err) {
		if (msg->msg_name) {
			DECLARE_SOCKADDR(struct sockaddr_vm *, from,
					 msg->msg_name);

			*from = VSOCK_DGRAM_CB(skb)->src;
			msg->msg_namelen = sizeof(*from);
		}
		err = (flags & MSG_TRUNC) ? skb->len : copy;
	}
	skb_free_datagram(sk, skb);
	/* Room freed: wake senders blocked on this receiver. */
	if (!(flags & MSG_PEEK))
		sk->sk_write_space(sk);
	return err;
}

const struct proto_ops vsock_dgram_ops = {
	.family = PF_VSOCK,
	.owner = THIS_MODULE,
	.release = vsock_release,
	.bind = vsock_bind,
	.connect = vsock_dgram_connect,
	.socketpair = sock_no_socketpair,
	.accept = sock_no_accept,
	.getname = vsock_getname,
	.poll = vsock_poll,
	.ioctl = vsock_ioctl,
	.listen = sock_no_listen,
	.shutdown = vsock_shutdown,
	.sendmsg = vsock_dgram_sendmsg,
	.recvmsg = vsock_dgram_recvmsg,
	.mmap = sock_no_mmap,
};
