// SPDX-License-Identifier: GPL-2.0
/*
 * vmw_vsock_vmci_transport.ko: AF_VSOCK over VMCI. The datagram role is
 * taken at load; the stream roles follow the VMCI personalities that
 * vmw_vmci.ko reports: guest->host while a guest device is bound, and
 * host->guest (CID 2, local queue pairs) while only the host personality
 * is up.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <vv_compat.h>
#include "vmci_transport.h"

/* Protects vt_roles, vt_host_up, vt_guest_up. */
static DEFINE_MUTEX(vt_roles_lock);
static u32 vt_roles;
static bool vt_host_up, vt_guest_up;

static int vt_init(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	struct vt_sock *vt = kzalloc(sizeof(*vt), GFP_KERNEL);

	if (!vt)
		return -ENOMEM;
	vt->vsk = vsk;
	vt_sock_init_control(vt);
	/*
	 * Packet handlers find @vt without the socket lock (vt_sock_queue()):
	 * publish it initialised. Pairs with the READ_ONCE() there, whose
	 * address dependency orders the reads through the pointer.
	 */
	smp_store_release(&vsk->trans, vt);
	return 0;
}

static void vt_destruct(struct vsock_sock *vsk)
{
	struct vt_sock *vt = vsk->trans;

	WARN_ON_ONCE(vt->qp);
	if (vt->listener)
		sock_put(vt->listener);
	vt->listener = NULL;
	WRITE_ONCE(vsk->trans, NULL);
	vt_sock_kill(vt);
}

static void vt_release(struct vsock_sock *vsk)
{
	if (sk_vsock(vsk)->sk_type == SOCK_DGRAM)
		vt_dgram_release(vsk);
	else
		vt_release_stream(vsk);
}

static u32 vt_get_local_cid(void)
{
	return vmci_get_context_id();
}

static bool vt_stream_allow(u32 cid, u32 port)
{
	/* CID 1 is the loopback's, never a VMCI context. */
	return cid != VMADDR_CID_LOCAL;
}

/* Whether the peer speaks it is learnt at the handshake (EPROTOTYPE). */
static bool vt_seqpacket_allow(u32 remote_cid)
{
	return true;
}

static int vt_shutdown(struct vsock_sock *vsk, int mode)
{
	if (sk_vsock(vsk)->sk_state != TCP_ESTABLISHED)
		return 0;
	return vt_sock_send(vsk, VT_SHUTDOWN, mode & SHUTDOWN_MASK);
}

/* Nothing waits in a send queue: what was written is in the peer's ring. */
static s64 vt_unsent_bytes(struct vsock_sock *vsk)
{
	return 0;
}

/* A receive target of a whole queue or more can never be met. */
static u64 vt_rcvhiwat(struct vsock_sock *vsk)
{
	return ((struct vt_sock *)vsk->trans)->qsize;
}

/*
 * Named as in-kernel, and not const: the kernel's vsock tooling finds the
 * loaded transports by the data symbol "vmci_transport" in /proc/kallsyms
 * (type 'd'; a const table would be 'r').
 */
struct vsock_transport vmci_transport = {
	.module = THIS_MODULE,
	.name = "vmci",
	.init = vt_init,
	.destruct = vt_destruct,
	.release = vt_release,
	.get_local_cid = vt_get_local_cid,
	.stream_allow = vt_stream_allow,
	.seqpacket_allow = vt_seqpacket_allow,
	.connect = vt_connect,
	.cancel_connect = vt_cancel_connect,
	.shutdown = vt_shutdown,
	.enqueue = vt_enqueue,
	.dequeue = vt_dequeue,
	.has_data = vt_has_data,
	.has_space = vt_has_space,
	.inq = vt_inq,
	.unsent_bytes = vt_unsent_bytes,
	.rcvhiwat = vt_rcvhiwat,
	.notify_wait = vt_notify_wait,
	.dgram_allow = vt_dgram_allow,
	.dgram_bind = vt_dgram_bind,
	.dgram_enqueue = vt_dgram_enqueue,
};

/* Take the stream roles the personalities call for. */
static void vt_update_roles(void)
{
	u32 want = VSOCK_TRANSPORT_F_DGRAM;
	u32 drop, add;

	lockdep_assert_held(&vt_roles_lock);
	if (vt_guest_up)
		want |= VSOCK_TRANSPORT_F_G2H;
	else if (vt_host_up)
		want |= VSOCK_TRANSPORT_F_H2G;
	drop = vt_roles & ~want;
	add = want & ~vt_roles;
	if (drop)
		vsock_core_unregister_roles(&vmci_transport, drop);
	vt_roles &= ~drop;
	if (add && !vsock_core_register(&vmci_transport, add))
		vt_roles |= add;
	else if (add)
		pr_err("another transport holds role 0x%x\n", add);
	if (vt_guest_up || vt_host_up)
		vt_control_start();
	else
		vt_control_stop();
}

static void vt_personality(bool is_host, bool active)
{
	mutex_lock(&vt_roles_lock);
	if (is_host)
		vt_host_up = active;
	else
		vt_guest_up = active;
	vt_update_roles();
	mutex_unlock(&vt_roles_lock);
}

static int __init vt_module_init(void)
{
	int err;

	err = vt_control_init();
	if (err)
		return err;
	mutex_lock(&vt_roles_lock);
	err = vsock_core_register(&vmci_transport, VSOCK_TRANSPORT_F_DGRAM);
	if (!err)
		vt_roles = VSOCK_TRANSPORT_F_DGRAM;
	mutex_unlock(&vt_roles_lock);
	if (!err)
		err = vmci_register_vsock_callback(vt_personality);
	if (err) {
		vsock_core_unregister(&vmci_transport);
		vt_control_exit();
	}
	return err;
}

static void __exit vt_module_exit(void)
{
	vmci_register_vsock_callback(NULL);
	vsock_core_unregister(&vmci_transport);
	vt_control_exit();
}

module_init(vt_module_init);
module_exit(vt_module_exit);

MODULE_AUTHOR("vsock-vmci project");
MODULE_DESCRIPTION("AF_VSOCK over VMCI (out-of-tree replacement)");
MODULE_LICENSE("GPL");
MODULE_ALIAS("vmware_vsock");
MODULE_ALIAS_NETPROTO(PF_VSOCK);
VV_IMPORT_NS();
