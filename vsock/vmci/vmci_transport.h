/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared by the files of vmw_vsock_vmci_transport.ko: the control packet
 * of the vsock-over-VMCI protocol and the per-socket state.
 */
#ifndef _VSOCK_VMCI_TRANSPORT_H
#define _VSOCK_VMCI_TRANSPORT_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <vmci/vmci_api.h>
#include <vsock/transport.h>

/* Control packets go between these resources of both contexts. */
#define VT_PACKET_RID			1
/* ... except that the hypervisor's end is its privileged RPC resource. */
#define VT_HYPERVISOR_PACKET_RID	VMCI_RPC_PRIVILEGED
#define VT_PACKET_VERSION		1

/* Packet types (the wire values). */
enum vt_type {
	VT_INVALID = 0,
	VT_REQUEST = 1,
	VT_NEGOTIATE = 2,
	VT_OFFER = 3,
	VT_ATTACH = 4,
	VT_WROTE = 5,
	VT_READ = 6,
	VT_RST = 7,
	VT_SHUTDOWN = 8,
	VT_WAITING_WRITE = 9,
	VT_WAITING_READ = 10,
	VT_REQUEST2 = 11,
	VT_NEGOTIATE2 = 12,
	VT_TYPE_MAX = 13,
};

/* Notify protocols offered in REQUEST2/NEGOTIATE2 (bit mask). */
#define VT_PROTO_PKT_ON_NOTIFY		BIT(0)
/*
 * Ours: the connection is SOCK_SEQPACKET, its queues carry records
 * (struct vt_seq_hdr + payload). A peer that does not know the bit
 * (VMware, the in-kernel transport) negotiates without it, and the
 * connect fails with EPROTOTYPE; STREAM never sets it. A high bit, to
 * stay clear of the notify protocols VMware may add.
 */
#define VT_PROTO_SEQPACKET		BIT(15)

/**
 * struct vt_seq_hdr - head of a SOCK_SEQPACKET record in a queue
 * @len: payload bytes that follow
 * @flags: VT_SEQ_EOR when the sender passed MSG_EOR
 */
struct vt_seq_hdr {
	u32 len;
	u32 flags;
};

#define VT_SEQ_EOR			BIT(0)

/* SHUTDOWN modes on the wire are the kernel's RCV_SHUTDOWN/SEND_SHUTDOWN. */

/**
 * struct vt_packet - a control packet, 56 bytes on the wire
 * @dg: datagram header, payload_size = 32
 * @version: VT_PACKET_VERSION
 * @type: &enum vt_type
 * @proto: REQUEST2/NEGOTIATE2 only: notify protocol bit mask
 * @src_port: sender's vsock port
 * @dst_port: receiver's vsock port
 * @_reserved: zero
 * @u: type-specific: a queue size (REQUEST*, NEGOTIATE*), a shutdown mode,
 *	a queue-pair handle (OFFER, ATTACH) or wait info (WAITING_*)
 */
struct vt_packet {
	struct vmci_datagram dg;
	u8 version;
	u8 type;
	u16 proto;
	u32 src_port;
	u32 dst_port;
	u32 _reserved;
	union {
		u64 size;
		u64 mode;
		struct vmci_handle handle;
		struct {
			u64 generation;
			u64 offset;
		} wait;
	} u;
};

#define VT_PAYLOAD_SIZE	(sizeof(struct vt_packet) - sizeof(struct vmci_datagram))

/* struct vt_sock.flags bits, set from any context. */
enum {
	VT_PEER_WAITING_READ,	/* old protocol: peer wants a WROTE */
	VT_PEER_WAITING_WRITE,	/* old protocol: peer wants a READ */
	VT_SENT_WAITING_READ,	/* old protocol: we asked for a WROTE */
	VT_SENT_WAITING_WRITE,	/* old protocol: we asked for a READ */
	VT_EV_DETACH,		/* peer detached the pair: rx_work handles */
	/* Packets for an established socket someone owns, for rx_work. */
	VT_EV_WROTE,
	VT_EV_READ,
	VT_EV_WAITING_READ,	/* its byte count in peer_want */
	VT_EV_WAITING_WRITE,	/* its byte count in ev_want_space */
	VT_EV_SHUTDOWN,		/* the modes in ev_shutdown */
};

/**
 * struct vt_sock - VMCI state of one socket (vsock_sock.trans)
 * @vsk: the socket
 * @qp: queue pair of a connection; set and cleared under the socket lock
 * @qp_handle: its handle (VMCI_INVALID_HANDLE without one)
 * @qp_node: entry in the transport's queue-pair table (peer detach events)
 * @qsize: negotiated size of each queue
 * @old_proto: the connection uses the WAITING_READ/WRITE notify protocol
 * @sent_request: client: REQUEST(2) sent, waiting for NEGOTIATE(2)
 * @old_request: client: the request was the old REQUEST
 * @ignore_rst: client: the peer refused REQUEST2 with INVALID; very old
 *	peers also send an RST, which must not end the retry
 * @seqpacket: the connection carries records (VT_PROTO_SEQPACKET)
 * @peer_detached: client: the peer detached the pair before its ATTACH
 *	arrived; the connection ends as soon as it is established
 * @want_space: SEQPACKET: free bytes the writer last waited for
 * @peer_want_space: SEQPACKET: free bytes the peer's writer waits for
 *	(its WAITING_WRITE); READ_ONCE/WRITE_ONCE
 * @flags: VT_* bits
 * @peer_want: bytes the peer's reader waits for (its WAITING_READ); read
 *	and written with READ_ONCE/WRITE_ONCE
 * @ref: the socket's reference (dropped at destruct) and one per queued
 *	@rx_work. The core may destruct this state while the socket lives on
 *	(a connect() that changes transport), so packet handlers find it
 *	under RCU, check @dead, and the memory is freed after a grace period.
 * @rcu: for that free
 * @rx_lock: protects @inbox, @inbox_len and @dead
 * @dead: destructed; nothing may be queued any more
 * @inbox: control packets waiting for @rx_work
 * @inbox_len: entries in @inbox (bounded: a flood is dropped)
 * @ev_shutdown: SHUTDOWN/RST modes noted for @rx_work (under @rx_lock)
 * @ev_want_read: byte count of a noted WAITING_READ (under @rx_lock)
 * @ev_want_space: byte count of a noted WAITING_WRITE (under @rx_lock)
 * @rx_work: processes @inbox under the socket lock; holds a socket
 *	reference and a @ref while queued
 * @listener: child: its listener, with a reference, until destruct
 * @pending_node: child: entry in the transport's list of children in
 *	handshake (empty once out of it); protected by vt_pending_lock
 * @reap_work: child: ends a handshake that stalls; holds a reference
 * @dg_handle: DGRAM: the socket's VMCI datagram handle
 */
struct vt_sock {
	struct vsock_sock *vsk;
	struct vmci_qp *qp;
	struct vmci_handle qp_handle;
	struct hlist_node qp_node;
	u64 qsize;
	bool old_proto;
	bool sent_request;
	bool old_request;
	bool ignore_rst;
	bool seqpacket;
	bool peer_detached;
	u64 want_space;
	u64 peer_want_space;
	unsigned long flags;
	u64 peer_want;
	struct kref ref;
	struct rcu_head rcu;

	spinlock_t rx_lock;	/* protects inbox, inbox_len, dead */
	bool dead;
	struct list_head inbox;
	unsigned int inbox_len;
	u32 ev_shutdown;
	u64 ev_want_read;
	u64 ev_want_space;
	struct work_struct rx_work;

	struct sock *listener;
	struct list_head pending_node;
	struct delayed_work reap_work;

	struct vmci_handle dg_handle;
};

static inline struct vt_sock *vt_sk(const struct sock *sk)
{
	return vsock_sk(sk)->trans;
}

extern struct vsock_transport vmci_transport;

/* packet.c */
int vt_packet_check(const struct vmci_datagram *dg);
int vt_send(u8 type, const struct sockaddr_vm *src,
	    const struct sockaddr_vm *dst, u64 u, u16 proto);
int vt_send_handle(u8 type, const struct sockaddr_vm *src,
		   const struct sockaddr_vm *dst, struct vmci_handle h);
int vt_reply(const struct vt_packet *pkt, u8 type);
int vt_sock_send(struct vsock_sock *vsk, u8 type, u64 u);
int vt_sock_send_unlocked(struct vsock_sock *vsk, u8 type);
int vt_sock_send_wait(struct vsock_sock *vsk, u8 type, u64 offset);
u32 vt_peer_rid(u32 cid);

/* control.c */
int vt_control_init(void);
void vt_control_exit(void);
int vt_control_start(void);
void vt_control_stop(void);
void vt_sock_init_control(struct vt_sock *vt);
void vt_sock_kill(struct vt_sock *vt);
int vt_connect(struct vsock_sock *vsk);
void vt_cancel_connect(struct vsock_sock *vsk);
void vt_release_stream(struct vsock_sock *vsk);
void vt_qp_forget(struct vt_sock *vt);
bool vt_allow_peer(struct vsock_sock *vsk, u32 peer_cid);

/* data.c */
ssize_t vt_enqueue(struct vsock_sock *vsk, struct msghdr *msg, size_t len);
ssize_t vt_dequeue(struct vsock_sock *vsk, struct msghdr *msg, size_t len,
		   int flags);
s64 vt_has_data(struct vsock_sock *vsk);
s64 vt_inq(struct vsock_sock *vsk);
s64 vt_has_space(struct vsock_sock *vsk, size_t want);
void vt_notify_wait(struct vsock_sock *vsk, bool send);
void vt_notify_packet(struct sock *sk, const struct vt_packet *pkt);

/* dgram.c */
bool vt_dgram_allow(u32 cid, u32 port);
int vt_dgram_bind(struct vsock_sock *vsk, struct sockaddr_vm *addr);
int vt_dgram_enqueue(struct vsock_sock *vsk, struct sockaddr_vm *dst,
		     struct msghdr *msg, size_t len);
void vt_dgram_release(struct vsock_sock *vsk);

#endif /* _VSOCK_VMCI_TRANSPORT_H */
