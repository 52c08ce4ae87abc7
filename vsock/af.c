// SPDX-License-Identifier: GPL-2.0
/*
 * AF_VSOCK family: socket creation and the operations shared by every
 * socket type (bind, getsockname/getpeername, shutdown, poll, ioctl,
 * release).
 *
 * Implementation notes
 *
 * Socket kinds. STREAM and SEQPACKET sockets ("connectible") get a
 * transport at connect() time, or when a listener creates a child for an
 * incoming connection; listeners have none. DGRAM sockets get the
 * datagram transport at socket() time (-ENODEV without one).
 *
 * Tables (table.c). A socket is on the unbound list from creation and
 * moves to the bound (or datagram) table when bound; children and
 * connected sockets are also in the connected table, children before
 * that on the pending list. Every table membership but the pending one
 * holds a socket reference, dropped in release.
 *
 * References. The file (struct socket) holds the sk_alloc() reference until
 * release. A listener's accept queue holds one per child. A pending
 * non-blocking connect timeout holds one. Transports hold references on
 * the sockets they deliver into (the loopback: each end holds its peer
 * from connect until its own release), so a peer is never freed while the
 * other side delivers into it.
 *
 * Waiting. Every wait loop (connect, accept, send, recv) sleeps on
 * sk_sleep() with the socket lock dropped and rechecks sk_err, the local
 * and peer shutdown state and the transport condition after waking.
 * Shutdown, peer events, release and errors wake all waiters through
 * sk_state_change()/sk_data_ready()/sk_write_space(). close() on a file
 * another thread is using (for example blocked in recv()) only drops a
 * file reference; release runs when the last user returns.
 *
 * Lock order (outer first):
 *   socket lock of a connecting socket
 *     -> socket lock of the listener it connects to (SINGLE_DEPTH_NESTING;
 *        only a socket in TCP_LISTEN, which never waits for the lock of a
 *        socket other than its children, so connects cannot deadlock)
 *   socket lock of a listener -> socket lock of a child (SINGLE_DEPTH_NESTING)
 *   any socket lock -> vsock_register_mutex (transport.c)
 *   any socket lock -> vsock_table_lock (table.c, BH-safe spinlock)
 *   any socket lock -> sk_receive_queue.lock of any socket (transports)
 * A transport never takes a socket lock while holding a spinlock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cred.h>
#include <linux/module.h>
#include <linux/net.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/security.h>
#include <linux/skbuff.h>
#include <linux/sockios.h>
#include <linux/termios.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vsock.h"

struct proto vsock_proto = {
	.name = "AF_VSOCK",
	.owner = THIS_MODULE,
	.obj_size = sizeof(struct vsock_sock),
};

static void vsock_sk_destruct(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);

	vsock_remove_pending(vsk);
	vsock_deassign_transport(vsk);
	skb_queue_purge(&sk->sk_receive_queue);
	skb_queue_purge(&sk->sk_error_queue);
	put_cred(vsk->owner);
}

static void vsock_init_params(struct vsock_sock *vsk, struct sock *parent)
{
	if (parent) {
		struct vsock_sock *psk = vsock_sk(parent);

		vsk->trusted = psk->trusted;
		vsk->owner = get_cred(psk->owner);
		vsk->connect_timeout = psk->connect_timeout;
		vsk->buffer_size = psk->buffer_size;
		vsk->buffer_min_size = psk->buffer_min_size;
		vsk->buffer_max_size = psk->buffer_max_size;
		security_sk_clone(parent, sk_vsock(vsk));
		return;
	}
	vsk->trusted = ns_capable_noaudit(&init_user_ns, CAP_NET_ADMIN);
	vsk->owner = get_current_cred();
	vsk->connect_timeout = VSOCK_DEFAULT_CONNECT_TIMEOUT;
	vsk->buffer_size = VSOCK_DEFAULT_BUFFER_SIZE;
	vsk->buffer_min_size = VSOCK_DEFAULT_BUFFER_MIN_SIZE;
	vsk->buffer_max_size = VSOCK_DEFAULT_BUFFER_MAX_SIZE;
}

/**
 * vsock_sk_alloc() - allocate and initialise an AF_VSOCK sock
 * @net: network namespace
 * @sock: socket to attach, or NULL for a child
 * @parent: listener whose settings a child inherits, or NULL
 * @type: socket type (used when @sock is NULL)
 * @kern: created by the kernel
 *
 * Context: process; sleeps.
 * Return: the sock with one reference, or NULL.
 */
struct sock *vsock_sk_alloc(struct net *net, struct socket *sock,
			    struct sock *parent, int type, int kern)
{
	struct vsock_sock *vsk;
	struct sock *sk;

	sk = sk_alloc(net, AF_VSOCK, GFP_KERNEL, &vsock_proto, kern);
	if (!sk)
		return NULL;

	sock_init_data(sock, sk);
	if (!sock)
		sk->sk_type = type;
	sk->sk_destruct = vsock_sk_destruct;
	sock_reset_flag(sk, SOCK_DONE);

	vsk = vsock_sk(sk);
	vsk->transport = NULL;
	vsk->trans = NULL;
	vsock_addr_init(&vsk->local_addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	vsock_addr_init(&vsk->remote_addr, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	INIT_LIST_HEAD(&vsk->bound_node);
	INIT_LIST_HEAD(&vsk->connected_node);
	INIT_LIST_HEAD(&vsk->pending_node);
	INIT_LIST_HEAD(&vsk->accept_queue);
	INIT_LIST_HEAD(&vsk->accept_node);
	INIT_DELAYED_WORK(&vsk->connect_work, vsock_connect_timeout);
	WRITE_ONCE(vsk->peer_shutdown, 0);
	vsock_init_params(vsk, parent);
	return sk;
}

/*
 * SO_LINGER: close() waits, up to the linger time, until what was written
 * has left the socket (SIOCOUTQ 0), not until the peer has read it. A
 * transport whose unsent bytes drain later wakes sk_sleep() then (its
 * sk_write_space()); without unsent_bytes there is nothing to wait for.
 */
static void vsock_linger(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;
	long timeout = sk->sk_lingertime;
	DEFINE_WAIT(wait);

	if (!t || !t->unsent_bytes || !sock_flag(sk, SOCK_LINGER) ||
	    (current->flags & PF_EXITING))
		return;
	while (timeout && !signal_pending(current) && t->unsent_bytes(vsk) > 0) {
		prepare_to_wait(sk_sleep(sk), &wait, TASK_INTERRUPTIBLE);
		if (t->unsent_bytes(vsk) > 0) {
			release_sock(sk);
			timeout = schedule_timeout(timeout);
			lock_sock(sk);
		}
		finish_wait(sk_sleep(sk), &wait);
	}
}

/**
 * vsock_release_sk() - close a socket (or a never-accepted child)
 * @sk: the socket; its owner reference is dropped
 * @depth: lockdep subclass (SINGLE_DEPTH_NESTING for children)
 *
 * Context: process; takes the socket lock.
 */
void vsock_release_sk(struct sock *sk, int depth)
{
	struct vsock_sock *vsk = vsock_sk(sk);

	lock_sock_nested(sk, depth);
	sock_set_flag(sk, SOCK_DEAD);
	if (cancel_delayed_work(&vsk->connect_work))
		sock_put(sk);
	/* Only a close() lingers, not the release of an unaccepted child. */
	if (sk->sk_socket)
		vsock_linger(sk);
	if (vsk->transport)
		vsk->transport->release(vsk);
	vsock_remove_bound(vsk);
	vsock_remove_connected(vsk);

	WRITE_ONCE(sk->sk_shutdown, SHUTDOWN_MASK);
	sk->sk_state_change(sk);
	sock_orphan(sk);
	skb_queue_purge(&sk->sk_receive_queue);
	vsock_release_children(sk);
	sk->sk_state = TCP_CLOSE;
	release_sock(sk);
	sock_put(sk);
}

int vsock_release(struct socket *sock)
{
	struct sock *sk = sock->sk;

	if (!sk)
		return 0;
	vsock_release_sk(sk, 0);
	sock->sk = NULL;
	sock->state = SS_FREE;
	return 0;
}

/**
 * vsock_bind_addr() - bind a socket to an address
 * @vsk: the socket, not bound yet
 * @addr: requested address (VMADDR_CID_ANY and VMADDR_PORT_ANY allowed)
 *
 * Context: socket lock held; sleeps.
 * Return: 0, -EINVAL when already bound, -EADDRNOTAVAIL for a CID that is
 * not ours, or an error of the table or the datagram transport.
 */
int vsock_bind_addr(struct vsock_sock *vsk, struct sockaddr_vm *addr)
{
	struct sock *sk = sk_vsock(vsk);
	const struct vsock_transport *t;
	int err;

	sock_owned_by_me(sk);
	if (vsock_addr_bound(&vsk->local_addr))
		return -EINVAL;
	if (addr->svm_cid != VMADDR_CID_ANY && !vsock_find_cid(addr->svm_cid))
		return -EADDRNOTAVAIL;

	if (vsock_type_connectible(sk->sk_type))
		return vsock_bind_connectible(vsk, addr);

	err = vsock_bind_dgram_table(vsk, addr);
	t = vsk->transport;
	if (err || !t->dgram_bind)
		return err;
	err = t->dgram_bind(vsk, &vsk->local_addr);
	if (err) {
		vsock_remove_bound(vsk);
		vsock_addr_init(&vsk->local_addr, VMADDR_CID_ANY,
				VMADDR_PORT_ANY);
		vsock_insert_unbound(vsk);
	}
	return err;
}

/**
 * vsock_auto_bind() - bind to (VMADDR_CID_ANY, a free port) if not bound
 * @vsk: the socket
 *
 * Context: socket lock held; sleeps.
 * Return: 0 or an error of vsock_bind_addr().
 */
int vsock_auto_bind(struct vsock_sock *vsk)
{
	struct sockaddr_vm any;

	if (vsock_addr_bound(&vsk->local_addr))
		return 0;
	vsock_addr_init(&any, VMADDR_CID_ANY, VMADDR_PORT_ANY);
	return vsock_bind_addr(vsk, &any);
}

int vsock_bind(struct socket *sock, struct sockaddr *addr, int addr_len)
{
	struct sockaddr_vm *vm_addr;
	struct sock *sk = sock->sk;
	int err;

	if (vsock_addr_cast(addr, addr_len, &vm_addr))
		return -EINVAL;

	lock_sock(sk);
	err = vsock_bind_addr(vsock_sk(sk), vm_addr);
	release_sock(sk);
	return err;
}

int vsock_getname(struct socket *sock, struct sockaddr *addr, int peer)
{
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	int err = sizeof(struct sockaddr_vm);

	lock_sock(sk);
	if (peer && sock->state != SS_CONNECTED)
		err = -ENOTCONN;
	else
		memcpy(addr, peer ? &vsk->remote_addr : &vsk->local_addr,
		       sizeof(struct sockaddr_vm));
	release_sock(sk);
	return err;
}

int vsock_shutdown(struct socket *sock, int how)
{
	/* SHUT_RD/WR/RDWR (0/1/2) become RCV/SEND/both (1/2/3). */
	int mode = how + 1;
	struct sock *sk = sock->sk;
	struct vsock_sock *vsk = vsock_sk(sk);
	int err = 0;

	if (how < SHUT_RD || how > SHUT_RDWR)
		return -EINVAL;

	lock_sock(sk);
	if (sock->state == SS_UNCONNECTED) {
		err = -ENOTCONN;
		/* A DGRAM socket still wakes its waiters, then fails. */
		if (vsock_type_connectible(sk->sk_type))
			goto out;
	} else {
		sock->state = SS_DISCONNECTING;
	}

	WRITE_ONCE(sk->sk_shutdown, sk->sk_shutdown | mode);
	sk->sk_state_change(sk);
	if (vsock_type_connectible(sk->sk_type)) {
		sock_reset_flag(sk, SOCK_DONE);
		if (vsk->transport)
			vsk->transport->shutdown(vsk, mode);
	}
out:
	release_sock(sk);
	return err;
}

__poll_t vsock_poll(struct file *file, struct socket *sock, poll_table *wait)
{
	struct sock *sk = sock->sk;
	__poll_t mask = 0;

	poll_wait(file, sk_sleep(sk), wait);

	if (READ_ONCE(sk->sk_err) ||
	    !skb_queue_empty_lockless(&sk->sk_error_queue))
		mask |= EPOLLERR;

	if (sk->sk_type == SOCK_DGRAM)
		return mask | vsock_dgram_poll(sk);
	return mask | vsock_connectible_poll(sk);
}

static int vsock_inq(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;
	struct sk_buff *skb;
	int n = 0;

	if (sk->sk_type == SOCK_DGRAM) {
		spin_lock_bh(&sk->sk_receive_queue.lock);
		skb = skb_peek(&sk->sk_receive_queue);
		if (skb)
			n = skb->len;
		spin_unlock_bh(&sk->sk_receive_queue.lock);
		return n;
	}
	if (sk->sk_state == TCP_LISTEN)
		return -EINVAL;
	if (!t)
		return 0;
	return min_t(s64, t->inq ? t->inq(vsk) : t->has_data(vsk), INT_MAX);
}

static int vsock_outq(struct sock *sk)
{
	struct vsock_sock *vsk = vsock_sk(sk);
	const struct vsock_transport *t = vsk->transport;

	if (!t || !t->unsent_bytes)
		return -EOPNOTSUPP;
	if (vsock_type_connectible(sk->sk_type) && sk->sk_state == TCP_LISTEN)
		return -EINVAL;
	return min_t(s64, t->unsent_bytes(vsk), INT_MAX);
}

int vsock_ioctl(struct socket *sock, unsigned int cmd, unsigned long arg)
{
	struct sock *sk = sock->sk;
	int n;

	switch (cmd) {
	case SIOCINQ:
	case SIOCOUTQ:
		lock_sock(sk);
		n = cmd == SIOCINQ ? vsock_inq(sk) : vsock_outq(sk);
		release_sock(sk);
		if (n < 0)
			return n;
		return put_user(n, (int __user *)arg);
	default:
		return -ENOIOCTLCMD;
	}
}

static int vsock_create(struct net *net, struct socket *sock, int protocol,
			int kern)
{
	const struct proto_ops *ops;
	struct sock *sk;
	int err;

	if (!sock)
		return -EINVAL;
	if (protocol && protocol != PF_VSOCK)
		return -EPROTONOSUPPORT;

	switch (sock->type) {
	case SOCK_DGRAM:
		ops = &vsock_dgram_ops;
		break;
	case SOCK_STREAM:
		ops = &vsock_stream_ops;
		break;
	case SOCK_SEQPACKET:
		ops = &vsock_seqpacket_ops;
		break;
	default:
		return -ESOCKTNOSUPPORT;
	}

	sock->ops = ops;
	sock->state = SS_UNCONNECTED;
	sk = vsock_sk_alloc(net, sock, NULL, sock->type, kern);
	if (!sk)
		return -ENOMEM;

	if (sock->type == SOCK_DGRAM) {
		err = vsock_assign_transport(vsock_sk(sk), NULL);
		if (err) {
			sock->sk = NULL;
			sock_put(sk);
			return err;
		}
	} else {
		vv_sock_set_custom_sockopt(sock);
	}
	vsock_insert_unbound(vsock_sk(sk));
	return 0;
}

static const struct net_proto_family vsock_family_ops = {
	.family = AF_VSOCK,
	.create = vsock_create,
	.owner = THIS_MODULE,
};

/**
 * vsock_family_init() - register the protocol and the address family
 *
 * Context: module init.
 * Return: 0 or -errno.
 */
int vsock_family_init(void)
{
	int err;

	err = proto_register(&vsock_proto, 1);
	if (err)
		return err;
	err = sock_register(&vsock_family_ops);
	if (err)
		goto err_proto;
	return 0;

err_proto:
	proto_unregister(&vsock_proto);
	return err;
}

/**
 * vsock_family_exit() - undo vsock_family_init()
 *
 * Context: module exit.
 */
void vsock_family_exit(void)
{
	sock_unregister(AF_VSOCK);
	proto_unregister(&vsock_proto);
}
