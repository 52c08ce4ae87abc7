// SPDX-License-Identifier: GPL-2.0
/*
 * Control packets of the vsock-over-VMCI protocol: building, sending and
 * checking what arrives. A packet is one VMCI datagram from resource 1 of
 * the sender to resource 1 of the receiver (the hypervisor's end is its
 * privileged RPC resource); the core fills in our context ID as the
 * source, so a packet survives a context ID change.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/build_bug.h>
#include <linux/string.h>
#include <vv_compat.h>
#include "vmci_transport.h"

static_assert(sizeof(struct vt_packet) == 56);
static_assert(offsetof(struct vt_packet, version) == 24);
static_assert(offsetof(struct vt_packet, src_port) == 28);
static_assert(offsetof(struct vt_packet, u) == 40);

/**
 * vt_peer_rid() - resource receiving control packets in context @cid
 * @cid: the peer's context
 *
 * Return: VT_HYPERVISOR_PACKET_RID for the hypervisor, else VT_PACKET_RID.
 */
u32 vt_peer_rid(u32 cid)
{
	return cid == VMADDR_CID_HYPERVISOR ? VT_HYPERVISOR_PACKET_RID :
					      VT_PACKET_RID;
}

/**
 * vt_packet_check() - is @dg a control packet this transport can parse?
 * @dg: a datagram delivered to resource 1; vmci_dg_size(@dg) bytes
 *
 * Only the shape is checked; whether the type makes sense for the
 * socket is for the state machine.
 *
 * Context: any.
 * Return: 0; -EBADMSG for a wrong size or version; -EPERM when the source
 * is not a vsock endpoint; -EPROTO for an unknown type (answered with
 * INVALID by the caller).
 */
int vt_packet_check(const struct vmci_datagram *dg)
{
	const struct vt_packet *pkt = (const struct vt_packet *)dg;

	if (dg->payload_size != VT_PAYLOAD_SIZE)
		return -EBADMSG;
	if (dg->src.resource != vt_peer_rid(dg->src.context) ||
	    dg->src.context == VMADDR_CID_LOCAL)
		return -EPERM;
	if (pkt->version != VT_PACKET_VERSION)
		return -EBADMSG;
	if (pkt->type >= VT_TYPE_MAX)
		return -EPROTO;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(vt_packet_check);

static int vt_send_packet(struct vt_packet *pkt, const struct sockaddr_vm *src,
			  const struct sockaddr_vm *dst, u8 type, bool unlocked)
{
	int ret;

	pkt->dg.dst = vmci_make_handle(dst->svm_cid, vt_peer_rid(dst->svm_cid));
	pkt->dg.src = vmci_make_handle(VMCI_INVALID_ID, VT_PACKET_RID);
	pkt->dg.payload_size = VT_PAYLOAD_SIZE;
	pkt->version = VT_PACKET_VERSION;
	pkt->type = type;
	pkt->src_port = src->svm_port;
	pkt->dst_port = dst->svm_port;
	ret = unlocked ? vmci_datagram_send_unlocked(&pkt->dg) :
			 vmci_datagram_send(&pkt->dg);
	if (ret < 0)
		pr_debug("type %u to %u:%u: %d\n", type, dst->svm_cid,
			 dst->svm_port, ret);
	return ret < 0 ? ret : 0;
}

/**
 * vt_send() - send a control packet
 * @type: &enum vt_type
 * @src: our end (only the port is used)
 * @dst: the peer
 * @u: the type's 64-bit argument (size or mode), 0 if none
 * @proto: REQUEST2/NEGOTIATE2 protocol bits, else 0
 *
 * Context: any (the VMCI core never calls a receiver from here).
 * Return: 0 or the errno of vmci_datagram_send().
 */
int vt_send(u8 type, const struct sockaddr_vm *src,
	    const struct sockaddr_vm *dst, u64 u, u16 proto)
{
	struct vt_packet pkt = { .proto = proto, .u.size = u };

	return vt_send_packet(&pkt, src, dst, type, false);
}

/**
 * vt_send_handle() - send OFFER or ATTACH with a queue-pair handle
 * @type: VT_OFFER or VT_ATTACH
 * @src: our end
 * @dst: the peer
 * @h: the queue pair
 *
 * Context: any.
 * Return: as vt_send().
 */
int vt_send_handle(u8 type, const struct sockaddr_vm *src,
		   const struct sockaddr_vm *dst, struct vmci_handle h)
{
	struct vt_packet pkt = { .u.handle = h };

	return vt_send_packet(&pkt, src, dst, type, false);
}

/**
 * vt_reply() - answer a received packet (RST or INVALID)
 * @pkt: what arrived
 * @type: the answer
 *
 * Never answers an RST with an RST, or an INVALID with an INVALID, so
 * that two endpoints cannot bounce refusals forever.
 *
 * Context: any.
 * Return: as vt_send(), 0 when nothing is sent.
 */
int vt_reply(const struct vt_packet *pkt, u8 type)
{
	struct sockaddr_vm src, dst;

	if (pkt->type == VT_RST || pkt->type == VT_INVALID)
		return 0;
	vsock_addr_init(&src, pkt->dg.dst.context, pkt->dst_port);
	vsock_addr_init(&dst, pkt->dg.src.context, pkt->src_port);
	return vt_send(type, &src, &dst, 0, 0);
}

/**
 * vt_sock_send() - send a control packet on a socket's connection
 * @vsk: the socket; its addresses are stable (socket lock held, or a
 *	connected socket seen from its own fast path)
 * @type: &enum vt_type
 * @u: the type's argument
 *
 * Context: any.
 * Return: as vt_send().
 */
int vt_sock_send(struct vsock_sock *vsk, u8 type, u64 u)
{
	return vt_send(type, &vsk->local_addr, &vsk->remote_addr, u, 0);
}

/**
 * vt_sock_send_unlocked() - vt_sock_send() from the socket's own data path
 * @vsk: the socket; socket lock held (owned), no spinlock held
 * @type: &enum vt_type
 *
 * A local peer handles the packet inside the call
 * (vmci_datagram_send_unlocked()): a host-local WROTE or READ wakes the
 * peer without a work item in between.
 *
 * Context: process, not inside a VMCI callback.
 * Return: as vt_send().
 */
int vt_sock_send_unlocked(struct vsock_sock *vsk, u8 type)
{
	struct vt_packet pkt = {};

	return vt_send_packet(&pkt, &vsk->local_addr, &vsk->remote_addr, type,
			      true);
}

/**
 * vt_sock_send_wait() - send WAITING_READ or WAITING_WRITE
 * @vsk: as for vt_sock_send()
 * @type: VT_WAITING_READ or VT_WAITING_WRITE
 * @offset: the wait info's offset (generation 0). Old-protocol peers,
 *	ours included, ignore it; with the new protocol our WAITING_READ
 *	says how many bytes the reader needs readable before it wakes.
 *
 * Context: any.
 * Return: as vt_send().
 */
int vt_sock_send_wait(struct vsock_sock *vsk, u8 type, u64 offset)
{
	struct vt_packet pkt = { .u.wait.offset = offset };

	return vt_send_packet(&pkt, &vsk->local_addr, &vsk->remote_addr, type,
			      false);
}
