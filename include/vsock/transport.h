/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The seam between the AF_VSOCK core (vsock.ko) and its transports.
 *
 * A transport is a separate module that registers one struct
 * vsock_transport for one or more roles. The core owns sockets, addresses,
 * tables, waiting, timeouts and errno; a transport only moves bytes and
 * connection events between two endpoints. The core calls every socket op
 * below with the socket lock (lock_sock) of @vsk held unless the op says
 * otherwise, and never calls into a transport whose module reference it
 * does not hold.
 */
#ifndef _VSOCK_TRANSPORT_H
#define _VSOCK_TRANSPORT_H

#include <linux/cred.h>
#include <linux/list.h>
#include <linux/socket.h>
#include <linux/workqueue.h>
#include <net/sock.h>
#include <vsock/addr.h>

/* Roles a transport registers for (same values as the in-kernel family). */
#define VSOCK_TRANSPORT_F_H2G		0x00000001
#define VSOCK_TRANSPORT_F_G2H		0x00000002
#define VSOCK_TRANSPORT_F_DGRAM		0x00000004
#define VSOCK_TRANSPORT_F_LOCAL		0x00000008
/*
 * Datagram role held only until a real datagram transport (VMCI)
 * registers F_DGRAM: new DGRAM sockets then go to the real one.
 */
#define VSOCK_TRANSPORT_F_DGRAM_FALLBACK 0x00000010

#define VSOCK_DEFAULT_BUFFER_SIZE	(256 * 1024ULL)
#define VSOCK_DEFAULT_BUFFER_MIN_SIZE	128ULL
#define VSOCK_DEFAULT_BUFFER_MAX_SIZE	(256 * 1024ULL)
#define VSOCK_DEFAULT_CONNECT_TIMEOUT	(2 * HZ)

struct vsock_transport;

/**
 * struct vsock_sock - an AF_VSOCK socket
 * @sk: the generic socket; must stay first (vsock_sk() casts).
 * @transport: transport carrying this socket, NULL until assigned.
 *	Protected by the socket lock; a module reference is held while set.
 *	Written with WRITE_ONCE(): a transport's packet handler may test it
 *	without the lock (READ_ONCE()).
 * @trans: transport-private state, owned by @transport from its init() to
 *	its destruct(), which publish and clear it as they see fit.
 * @local_addr: bound address. Written under the socket lock and, once the
 *	socket is hashed, also under the table lock.
 * @remote_addr: peer address. Protected by the socket lock.
 * @bound_node: link in the bound/unbound table. Protected by the table lock.
 * @connected_node: link in the connected table. Protected by the table lock.
 * @pending_node: child only: link in the table of children not yet
 *	established (what vsock_diag reports as half-open). Protected by the
 *	table lock.
 * @accept_queue: listener only: connected children not yet accepted.
 *	Protected by the listener's socket lock.
 * @accept_node: child only: link in its listener's @accept_queue.
 * @buffer_size: receive buffer size. The socket lock protects it and the
 *	three fields below; they are written with WRITE_ONCE(), as
 *	getsockopt() and transports (a loopback peer's sender) read them
 *	without that lock, with READ_ONCE().
 * @buffer_min_size: lower clamp of @buffer_size.
 * @buffer_max_size: upper clamp of @buffer_size.
 * @connect_timeout: connect() timeout in jiffies.
 * @connect_work: non-blocking connect() timeout; holds a socket reference
 *	while queued.
 * @peer_shutdown: RCV_SHUTDOWN/SEND_SHUTDOWN received from the peer. Set
 *	only through vsock_peer_shutdown(); read with READ_ONCE().
 * @trusted: created by a CAP_NET_ADMIN holder (transports may use it).
 * @owner: credentials of the creator.
 */
struct vsock_sock {
	struct sock sk;
	const struct vsock_transport *transport;
	void *trans;
	struct sockaddr_vm local_addr;
	struct sockaddr_vm remote_addr;
	struct list_head bound_node;
	struct list_head connected_node;
	struct list_head pending_node;
	struct list_head accept_queue;
	struct list_head accept_node;
	u64 buffer_size;
	u64 buffer_min_size;
	u64 buffer_max_size;
	long connect_timeout;
	struct delayed_work connect_work;
	u32 peer_shutdown;
	bool trusted;
	const struct cred *owner;
};

static inline struct vsock_sock *vsock_sk(const struct sock *sk)
{
	return (struct vsock_sock *)sk;
}

static inline struct sock *sk_vsock(struct vsock_sock *vsk)
{
	return &vsk->sk;
}

/**
 * struct vsock_dgram_cb - control block of a queued datagram
 * @src: sender address, reported as msg_name by recvmsg().
 *
 * A transport delivering a datagram fills this in skb->cb before queueing
 * the skb on the receiver's sk_receive_queue.
 */
struct vsock_dgram_cb {
	struct sockaddr_vm src;
};

#define VSOCK_DGRAM_CB(skb) ((struct vsock_dgram_cb *)((skb)->cb))

/**
 * struct vsock_transport - operations of one vsock transport
 * @module: owner; pinned while any socket uses the transport.
 * @name: short name for messages.
 * @zerocopy: @enqueue honours MSG_ZEROCOPY (SO_ZEROCOPY may be set, and
 *	completions go to the sender's error queue).
 * @init: attach transport state to a new socket (@psk: listener of a child
 *	being created, else NULL). Return: 0 or -errno.
 * @destruct: free transport state. Context: the socket is being freed; no
 *	lock held, may not sleep.
 * @release: the socket is closing (or changing transport): tell the peer,
 *	drop the peer link. Context: socket lock held.
 * @get_local_cid: CID of this end. Context: any.
 * @stream_allow: may a connectible socket reach @cid/@port?
 * @seqpacket_allow: optional; does SOCK_SEQPACKET to @remote_cid work?
 *	NULL: no.
 * @connect: start connecting to @vsk->remote_addr. Return 0 when started
 *	or done (the transport moves the socket to TCP_ESTABLISHED, or sets
 *	sk_err and TCP_CLOSE, and wakes it), or -errno.
 * @cancel_connect: optional; connect() gave up (timeout or signal).
 * @shutdown: send RCV_SHUTDOWN/SEND_SHUTDOWN @mode to the peer.
 * @enqueue: queue up to @len bytes from @msg for the peer; for
 *	SOCK_SEQPACKET the whole message or nothing. Return: bytes queued or
 *	-errno. Called only after @has_space allowed it.
 * @dequeue: copy received data to @msg. SOCK_STREAM: up to @len bytes,
 *	consumed unless MSG_PEEK; return bytes copied. SOCK_SEQPACKET: one
 *	whole message (the rest beyond @len is dropped), MSG_EOR/MSG_TRUNC set
 *	in msg_flags; return the full message length.
 * @has_data: SOCK_STREAM: readable bytes; SOCK_SEQPACKET: readable whole
 *	messages. Context: socket lock held, or lockless for poll (a snapshot).
 * @has_space: how much of @want may be queued now: 0 means wait; a
 *	negative errno is final (for example -EMSGSIZE).
 * @inq: optional; bytes readable for SIOCINQ (SEQPACKET/DGRAM: next message).
 * @unsent_bytes: optional; bytes queued but not yet given to the peer
 *	(SIOCOUTQ). NULL makes SIOCOUTQ fail with -EOPNOTSUPP. close() with
 *	SO_LINGER waits while it is above 0: a transport whose count drops
 *	later calls sk_write_space() then.
 * @rcvhiwat: optional; a receive target of this many bytes or more can
 *	never be met, recv() fails with -ENOMEM. NULL: no such limit.
 * @buffer_size_changed: optional; @vsk->buffer_size changed.
 * @notify_wait: optional; the caller is about to sleep (or poll found
 *	nothing) waiting for data (@send false) or for space (@send true).
 *	For transports whose peer must be told.
 * @dgram_allow: may a DGRAM socket send to @cid/@port?
 * @dgram_bind: optional; the core bound @vsk to @addr (already hashed).
 *	Return: 0 or -errno (the core then unbinds).
 * @dgram_enqueue: send one datagram of @len bytes to @dst. Return: @len or
 *	-errno. Context: socket lock held; may sleep unless MSG_DONTWAIT,
 *	and may drop and retake the socket lock while it waits.
 *
 * Every op except @get_local_cid and the allow ops gets a socket whose
 * @transport is this transport.
 *
 * The ops not marked optional are required by the roles that use them:
 * @init, @destruct and @release by every role; @get_local_cid by G2H and
 * the datagram roles; @stream_allow, @connect, @shutdown, @enqueue,
 * @dequeue, @has_data and @has_space by the stream roles (H2G, G2H,
 * LOCAL); @dgram_allow and @dgram_enqueue by the datagram roles.
 * vsock_core_register() refuses a transport that lacks one.
 */
struct vsock_transport {
	struct module *module;
	const char *name;
	bool zerocopy;

	int (*init)(struct vsock_sock *vsk, struct vsock_sock *psk);
	void (*destruct)(struct vsock_sock *vsk);
	void (*release)(struct vsock_sock *vsk);
	u32 (*get_local_cid)(void);

	bool (*stream_allow)(u32 cid, u32 port);
	bool (*seqpacket_allow)(u32 remote_cid);
	int (*connect)(struct vsock_sock *vsk);
	void (*cancel_connect)(struct vsock_sock *vsk);
	int (*shutdown)(struct vsock_sock *vsk, int mode);
	ssize_t (*enqueue)(struct vsock_sock *vsk, struct msghdr *msg,
			   size_t len);
	ssize_t (*dequeue)(struct vsock_sock *vsk, struct msghdr *msg,
			   size_t len, int flags);
	s64 (*has_data)(struct vsock_sock *vsk);
	s64 (*has_space)(struct vsock_sock *vsk, size_t want);
	s64 (*inq)(struct vsock_sock *vsk);
	s64 (*unsent_bytes)(struct vsock_sock *vsk);
	u64 (*rcvhiwat)(struct vsock_sock *vsk);
	void (*buffer_size_changed)(struct vsock_sock *vsk);
	void (*notify_wait)(struct vsock_sock *vsk, bool send);

	bool (*dgram_allow)(u32 cid, u32 port);
	int (*dgram_bind)(struct vsock_sock *vsk, struct sockaddr_vm *addr);
	int (*dgram_enqueue)(struct vsock_sock *vsk, struct sockaddr_vm *dst,
			     struct msghdr *msg, size_t len);
};

/* Registry (vsock/transport.c). */
int vsock_core_register(const struct vsock_transport *t, u32 roles);
void vsock_core_unregister(const struct vsock_transport *t);
void vsock_core_unregister_roles(const struct vsock_transport *t, u32 roles);
bool vsock_find_cid(u32 cid);

/* Tables (vsock/table.c). */
struct sock *vsock_find_bound_socket(const struct sockaddr_vm *addr);
struct sock *vsock_find_dgram_socket(const struct sockaddr_vm *addr);
struct sock *vsock_find_connected_socket(const struct sockaddr_vm *src,
					 const struct sockaddr_vm *dst);
void vsock_insert_connected(struct vsock_sock *vsk);
void vsock_remove_connected(struct vsock_sock *vsk);
void vsock_set_local_cid(struct vsock_sock *vsk, u32 cid);

/* Connection events (vsock/stream.c). */
struct sock *vsock_create_connected(struct sock *listener,
				    const struct sockaddr_vm *local,
				    const struct sockaddr_vm *remote);
void vsock_enqueue_accept(struct sock *listener, struct sock *child);
void vsock_set_established(struct vsock_sock *vsk);
void vsock_peer_shutdown(struct vsock_sock *vsk, u32 mode);

#endif /* _VSOCK_TRANSPORT_H */
