// SPDX-License-Identifier: GPL-2.0
/*
 * DGRAM over VMCI datagrams, bit-compatible with VMware's: a socket's
 * port is the resource ID of its own VMCI datagram handle, and the
 * payload is the user's bytes with no header of ours.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/skbuff.h>
#include <linux/slab.h>
#include <net/sock.h>
#include <vv_compat.h>
#include "vmci_transport.h"

/**
 * vt_dgram_allow() - may a DGRAM socket send to @cid/@port?
 * @cid: destination context
 * @port: destination port
 *
 * Of the hypervisor's resources only the PBRPC registration is open.
 *
 * Context: any.
 * Return: true if allowed.
 */
bool vt_dgram_allow(u32 cid, u32 port)
{
	if (cid == VMADDR_CID_HYPERVISOR)
		return port == VMCI_UNITY_PBRPC_REGISTER;
	return true;
}

/* Context: softirq (guest device) or process (host endpoints). */
static int vt_dgram_recv(void *data, struct vmci_datagram *dg)
{
	struct sock *sk = data;
	struct sk_buff *skb;
	int err;

	if (!vt_allow_peer(vsock_sk(sk), dg->src.context))
		return -EPERM;
	skb = alloc_skb(dg->payload_size, GFP_ATOMIC);
	if (!skb)
		return -ENOMEM;
	skb_put_data(skb, dg + 1, dg->payload_size);
	vsock_addr_init(&VSOCK_DGRAM_CB(skb)->src, dg->src.context,
			dg->src.resource);
	err = sock_queue_rcv_skb(sk, skb);
	if (err)
		kfree_skb(skb);
	return err;
}

/**
 * vt_dgram_bind() - open the VMCI datagram handle of a bound socket
 * @vsk: the socket; socket lock held
 * @addr: its address, the port already taken in the core's table
 *
 * Context: process; sleeps.
 * Return: 0; -EADDRINUSE when the resource ID is taken by another VMCI
 * endpoint; -ENODEV without a VMCI personality; -ENOMEM.
 */
int vt_dgram_bind(struct vsock_sock *vsk, struct sockaddr_vm *addr)
{
	struct vt_sock *vt = vsk->trans;
	u32 flags = addr->svm_cid == VMADDR_CID_ANY ?
		    VMCI_FLAG_ANYCID_DG_HND : 0;
	int err;

	err = vmci_datagram_create_handle_priv(addr->svm_port, flags,
					       vsk->trusted ?
					       VMCI_PRIVILEGE_FLAG_TRUSTED :
					       VMCI_NO_PRIVILEGE_FLAGS,
					       vt_dgram_recv, sk_vsock(vsk),
					       &vt->dg_handle);
	if (err)
		vt->dg_handle = VMCI_INVALID_HANDLE;
	return err;
}

/**
 * vt_dgram_enqueue() - send one datagram
 * @vsk: the sender, bound; socket lock held
 * @dst: destination, allowed by vt_dgram_allow()
 * @msg: payload
 * @len: payload length, at most VMCI_MAX_DG_PAYLOAD_SIZE
 *
 * Context: process; sleeps (allocation).
 * Return: @len; -EMSGSIZE; -EPERM when privileges forbid it;
 * -EHOSTUNREACH when nobody has that address; -ENODEV; -ENOBUFS; -EFAULT;
 * -ENOMEM.
 */
int vt_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
		     struct msghdr *msg, size_t len)
{
	struct vmci_datagram *dg;
	int err;

	if (len > VMCI_MAX_DG_PAYLOAD_SIZE)
		return -EMSGSIZE;
	if (!vt_allow_peer(vsk, dst->svm_cid))
		return -EPERM;
	dg = kmalloc(sizeof(*dg) + len, GFP_KERNEL);
	if (!dg)
		return -ENOMEM;
	if (memcpy_from_msg(dg + 1, msg, len)) {
		kfree(dg);
		return -EFAULT;
	}
	dg->dst = vmci_make_handle(dst->svm_cid, dst->svm_port);
	/* VMADDR_CID_ANY is VMCI_INVALID_ID: the core puts our context. */
	dg->src = vmci_make_handle(vsk->local_addr.svm_cid,
				   vsk->local_addr.svm_port);
	dg->payload_size = len;
	/* Process context, no spinlock: a local receiver takes it now. */
	err = vmci_datagram_send_unlocked(dg);
	kfree(dg);
	return err < 0 ? err : len;
}

/**
 * vt_dgram_release() - close the socket's VMCI datagram handle
 * @vsk: the socket; socket lock held
 *
 * On return no datagram is queued to the socket any more.
 *
 * Context: process; sleeps.
 */
void vt_dgram_release(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	if (vmci_handle_is_invalid(vt->dg_handle))
		return;
	vmci_datagram_destroy_handle(vt->dg_handle);
	vt->dg_handle = VMCI_INVALID_HANDLE;
}
