// SPDX-License-Identifier: GPL-2.0
/*
 * DGRAM over the loopback transport: each datagram is one skb queued on
 * the receiving socket (found in the core's datagram table), charged to
 * its sk_rcvbuf. A blocking sender waits on the receiver's dgram_wait
 * until the receiver frees room or goes away; the receiver's
 * sk_write_space() wakes it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/sched/signal.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "loopback.h"

/**
 * vl_dgram_allow() - may a loopback DGRAM socket send to @cid?
 * @cid: destination CID
 * @port: destination port
 *
 * Context: process.
 * Return: true for CID 1 and this machine's other CIDs.
 */
bool vl_dgram_allow(u32 cid, u32 port)
{
	return cid == VMADDR_CID_LOCAL || vsock_find_cid(cid);
}

/**
 * vl_dgram_write_space() - sk_write_space of loopback DGRAM sockets
 * @sk: receiver that just freed room
 *
 * Context: any.
 */
void vl_dgram_write_space(struct sock *sk)
{
	struct vl_sock *vl = vl_sk(sk);

	/* Poll always reports DGRAM writable: only senders need a wake. */
	if (vl && wq_has_sleeper(&vl->dgram_wait))
		wake_up_interruptible(&vl->dgram_wait);
}

/*
 * An empty receiver takes any datagram, as sock_queue_rcv_skb() does:
 * else one larger than sk_rcvbuf could never be delivered.
 */
static bool rx_full(struct sock *rx, struct sk_buff *skb)
{
	int used = atomic_read(&rx->sk_rmem_alloc);

	return used && used + skb->truesize > READ_ONCE(rx->sk_rcvbuf);
}

/* Try once. Return: 0 queued, -EAGAIN full, -ECONNREFUSED receiver gone. */
static int try_queue(struct sock *rx, struct sk_buff *skb)
{
	struct vl_sock *rvl = vl_sk(rx);
	int err = 0;

	spin_lock_bh(&rx->sk_receive_queue.lock);
	if (rvl->rx_closed || (READ_ONCE(rx->sk_shutdown) & RCV_SHUTDOWN)) {
		err = -ECONNREFUSED;
	} else if (rx_full(rx, skb)) {
		err = -EAGAIN;
	} else {
		skb_set_owner_r(skb, rx);
		__skb_queue_tail(&rx->sk_receive_queue, skb);
	}
	spin_unlock_bh(&rx->sk_receive_queue.lock);
	if (!err)
		rx->sk_data_ready(rx);
	return err;
}

static int queue_wait(struct sock *rx, struct sk_buff *skb, long timeo)
{
	struct vl_sock *rvl = vl_sk(rx);
	DEFINE_WAIT(wait);
	int err;

	for (;;) {
		prepare_to_wait(&rvl->dgram_wait, &wait, TASK_INTERRUPTIBLE);
		err = try_queue(rx, skb);
		if (err != -EAGAIN || !timeo)
			break;
		timeo = schedule_timeout(timeo);
		if (signal_pending(current)) {
			err = sock_intr_errno(timeo);
			break;
		}
	}
	finish_wait(&rvl->dgram_wait, &wait);
	return err;
}

/**
 * vl_dgram_enqueue() - send one datagram to a local DGRAM socket
 * @vsk: sender (socket lock held)
 * @dst: destination, allowed by vl_dgram_allow()
 * @msg: payload
 * @len: payload length
 *
 * Blocks while the receiver is full unless MSG_DONTWAIT or O_NONBLOCK.
 *
 * Context: process; sleeps.
 * Return: @len, -ECONNREFUSED when nobody is bound to @dst, -EAGAIN,
 * -ENOMEM, -EFAULT or -EINTR/-ERESTARTSYS.
 */
int vl_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
		     struct msghdr *msg, size_t len)
{
	struct sock *sk = sk_vsock(vsk);
	struct sk_buff *skb;
	struct sock *rx;
	int err;

	rx = vsock_find_dgram_socket(dst);
	if (!rx)
		return -ECONNREFUSED;
	/* Bound by another datagram transport: it has no vl_sock. */
	if (vsock_sk(rx)->transport != vsk->transport) {
		err = -ECONNREFUSED;
		goto out;
	}

	skb = vl_alloc_skb(msg, len, &err);
	if (!skb)
		goto out;
	vsock_addr_init(&VSOCK_DGRAM_CB(skb)->src, vsk->local_addr.svm_cid,
			vsk->local_addr.svm_port);
	if (VSOCK_DGRAM_CB(skb)->src.svm_cid == VMADDR_CID_ANY)
		VSOCK_DGRAM_CB(skb)->src.svm_cid = VMADDR_CID_LOCAL;

	/* The socket lock is not needed to wait: release it for recv(). */
	release_sock(sk);
	err = queue_wait(rx, skb,
			 sock_sndtimeo(sk, msg->msg_flags & MSG_DONTWAIT));
	lock_sock(sk);
	if (err)
		kfree_skb(skb);
out:
	sock_put(rx);
	return err ?: len;
}
