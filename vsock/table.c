// SPDX-License-Identifier: GPL-2.0
/*
 * Socket tables of the AF_VSOCK core.
 *
 * - bound: connectible sockets by local port (VSOCK_HASH_SIZE buckets),
 *   plus one extra list of sockets of every type not bound yet;
 * - dgram: bound DGRAM sockets by local port (their own port space, as
 *   with VMCI where a DGRAM port is a VMCI resource ID);
 * - connected: connectible sockets by (remote CID, remote port, local port);
 * - pending: children of listeners from their creation until established,
 *   for vsock_walk() only (a VMCI child spends its handshake there).
 *
 * Every table membership holds one socket reference, except on the
 * pending list: a child dropped in its handshake is freed by its
 * transport's last sock_put(), and its destructor takes it off the list.
 * The tables are global (no network namespace key), as in the in-kernel
 * family.
 *
 * vsock_table_lock protects all lists above, the bound_node/connected_node/
 * pending_node links and local_addr of a hashed socket. It nests inside
 * the socket lock and is BH-safe because transports may look sockets up
 * from softirq.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/capability.h>
#include <linux/random.h>
#include <linux/spinlock.h>
#include <vsock/walk.h>
#include <vv_compat.h>
#include "vsock.h"

static struct list_head vsock_bound[VSOCK_HASH_SIZE + 1];
static struct list_head vsock_dgram_bound[VSOCK_HASH_SIZE];
static struct list_head vsock_connected[VSOCK_HASH_SIZE];
static LIST_HEAD(vsock_pending);
static DEFINE_SPINLOCK(vsock_table_lock);
/* Next autobind candidate; protected by vsock_table_lock. */
static u32 vsock_port_cursor;

#define vsock_unbound (&vsock_bound[VSOCK_HASH_SIZE])

static struct list_head *bound_bucket(struct list_head *table, u32 port)
{
	return &table[port % VSOCK_HASH_SIZE];
}

static struct list_head *connected_bucket(const struct sockaddr_vm *remote,
					  u32 local_port)
{
	u32 h = remote->svm_cid ^ remote->svm_port ^ (local_port << 7);

	return &vsock_connected[h % VSOCK_HASH_SIZE];
}

/**
 * vsock_port_pick() - choose an ephemeral port
 * @cursor: where the search starts; advanced past the ports tried
 * @in_use: tells whether a port is taken
 * @arg: passed to @in_use
 * @port: the chosen port
 *
 * Tries VSOCK_PORT_RETRIES consecutive ports above
 * VSOCK_LAST_RESERVED_PORT, wrapping before VMADDR_PORT_ANY.
 *
 * Context: any; @in_use decides.
 * Return: 0 or -EADDRNOTAVAIL.
 */
int vsock_port_pick(u32 *cursor,
		    bool (*in_use)(u32 port, void *arg),
		    void *arg, u32 *port)
{
	unsigned int i;

	for (i = 0; i < VSOCK_PORT_RETRIES; i++) {
		u32 p = *cursor;

		if (p == VMADDR_PORT_ANY || p <= VSOCK_LAST_RESERVED_PORT)
			p = VSOCK_LAST_RESERVED_PORT + 1;
		*cursor = p + 1;
		if (!in_use(p, arg)) {
			*port = p;
			return 0;
		}
	}
	return -EADDRNOTAVAIL;
}
EXPORT_SYMBOL_IF_KUNIT(vsock_port_pick);

static struct sock *find_bound(struct list_head *table,
			       const struct sockaddr_vm *addr)
{
	struct vsock_sock *vsk;

	lockdep_assert_held(&vsock_table_lock);

	list_for_each_entry(vsk, bound_bucket(table, addr->svm_port),
			    bound_node) {
		const struct sockaddr_vm *la = &vsk->local_addr;

		if (la->svm_port != addr->svm_port)
			continue;
		if (la->svm_cid == addr->svm_cid ||
		    la->svm_cid == VMADDR_CID_ANY ||
		    addr->svm_cid == VMADDR_CID_ANY)
			return sk_vsock(vsk);
	}
	return NULL;
}

struct port_probe {
	struct list_head *table;
	u32 cid;
};

static bool port_in_use(u32 port, void *arg)
{
	struct port_probe *probe = arg;
	struct sockaddr_vm addr;

	vsock_addr_init(&addr, probe->cid, port);
	return find_bound(probe->table, &addr);
}

/* Bind @vsk into @table, moving it off the list it is on (if any). */
static int bind_into(struct list_head *table, struct vsock_sock *vsk,
		     struct sockaddr_vm *addr)
{
	struct port_probe probe = { .table = table, .cid = addr->svm_cid };
	u32 port = addr->svm_port;
	bool was_listed;
	int err = 0;

	if (port != VMADDR_PORT_ANY && port <= VSOCK_LAST_RESERVED_PORT &&
	    !capable(CAP_NET_BIND_SERVICE))
		return -EACCES;

	spin_lock_bh(&vsock_table_lock);
	if (port == VMADDR_PORT_ANY) {
		if (!vsock_port_cursor)
			vsock_port_cursor = get_random_u32();
		err = vsock_port_pick(&vsock_port_cursor, port_in_use, &probe,
				      &port);
	} else if (port_in_use(port, &probe)) {
		err = -EADDRINUSE;
	}
	if (!err) {
		was_listed = !list_empty(&vsk->bound_node);
		list_del_init(&vsk->bound_node);
		vsock_addr_init(&vsk->local_addr, addr->svm_cid, port);
		list_add(&vsk->bound_node, bound_bucket(table, port));
		if (!was_listed)
			sock_hold(sk_vsock(vsk));
	}
	spin_unlock_bh(&vsock_table_lock);
	return err;
}

/**
 * vsock_bind_connectible() - bind a STREAM/SEQPACKET socket
 * @vsk: the socket, not bound yet
 * @addr: requested address; VMADDR_PORT_ANY picks a free port above 1023
 *
 * Context: socket lock held.
 * Return: 0, -EACCES (port below 1024 without CAP_NET_BIND_SERVICE),
 * -EADDRINUSE or -EADDRNOTAVAIL.
 */
int vsock_bind_connectible(struct vsock_sock *vsk, struct sockaddr_vm *addr)
{
	return bind_into(vsock_bound, vsk, addr);
}

/**
 * vsock_bind_dgram_table() - bind a DGRAM socket in the datagram port space
 * @vsk: the socket, not bound yet
 * @addr: requested address
 *
 * Context: socket lock held.
 * Return: as vsock_bind_connectible().
 */
int vsock_bind_dgram_table(struct vsock_sock *vsk, struct sockaddr_vm *addr)
{
	return bind_into(vsock_dgram_bound, vsk, addr);
}

/**
 * vsock_insert_unbound() - list a new connectible socket as unbound
 * @vsk: the socket
 *
 * Context: any; takes vsock_table_lock.
 */
void vsock_insert_unbound(struct vsock_sock *vsk)
{
	sock_hold(sk_vsock(vsk));
	spin_lock_bh(&vsock_table_lock);
	list_add(&vsk->bound_node, vsock_unbound);
	spin_unlock_bh(&vsock_table_lock);
}

/**
 * vsock_remove_bound() - take a socket off the bound/unbound/dgram tables
 * @vsk: the socket; the caller holds a reference of its own
 *
 * Context: any; takes vsock_table_lock.
 */
void vsock_remove_bound(struct vsock_sock *vsk)
{
	bool listed;

	spin_lock_bh(&vsock_table_lock);
	listed = !list_empty(&vsk->bound_node);
	list_del_init(&vsk->bound_node);
	spin_unlock_bh(&vsock_table_lock);
	if (listed)
		sock_put(sk_vsock(vsk));
}

static struct sock *find_hold(struct list_head *table,
			      const struct sockaddr_vm *addr)
{
	struct sock *sk;

	spin_lock_bh(&vsock_table_lock);
	sk = find_bound(table, addr);
	if (sk)
		sock_hold(sk);
	spin_unlock_bh(&vsock_table_lock);
	return sk;
}

/**
 * vsock_find_bound_socket() - look up a bound STREAM/SEQPACKET socket
 * @addr: local address to match; a socket bound to VMADDR_CID_ANY matches
 *	any CID
 *
 * Context: any; takes vsock_table_lock.
 * Return: the socket with a reference the caller must sock_put(), or NULL.
 */
struct sock *vsock_find_bound_socket(const struct sockaddr_vm *addr)
{
	return find_hold(vsock_bound, addr);
}
EXPORT_SYMBOL_VV(vsock_find_bound_socket);

/**
 * vsock_find_dgram_socket() - look up a bound DGRAM socket
 * @addr: local address to match, as for vsock_find_bound_socket()
 *
 * Context: any; takes vsock_table_lock.
 * Return: the socket with a reference the caller must sock_put(), or NULL.
 */
struct sock *vsock_find_dgram_socket(const struct sockaddr_vm *addr)
{
	return find_hold(vsock_dgram_bound, addr);
}
EXPORT_SYMBOL_VV(vsock_find_dgram_socket);

/**
 * vsock_find_connected_socket() - look up a connection
 * @src: the remote end (source of an incoming packet)
 * @dst: the local end
 *
 * Context: any; takes vsock_table_lock.
 * Return: the socket with a reference the caller must sock_put(), or NULL.
 */
struct sock *vsock_find_connected_socket(const struct sockaddr_vm *src,
					 const struct sockaddr_vm *dst)
{
	struct vsock_sock *vsk;
	struct sock *sk = NULL;

	spin_lock_bh(&vsock_table_lock);
	list_for_each_entry(vsk, connected_bucket(src, dst->svm_port),
			    connected_node) {
		if (vsock_addr_equals(src, &vsk->remote_addr) &&
		    dst->svm_port == vsk->local_addr.svm_port) {
			sk = sk_vsock(vsk);
			sock_hold(sk);
			break;
		}
	}
	spin_unlock_bh(&vsock_table_lock);
	return sk;
}
EXPORT_SYMBOL_VV(vsock_find_connected_socket);

/**
 * vsock_insert_connected() - enter a socket in the connected table
 * @vsk: the socket; its addresses must not change while it is listed
 *
 * Context: any; takes vsock_table_lock.
 */
void vsock_insert_connected(struct vsock_sock *vsk)
{
	struct list_head *bucket;

	bucket = connected_bucket(&vsk->remote_addr, vsk->local_addr.svm_port);
	sock_hold(sk_vsock(vsk));
	spin_lock_bh(&vsock_table_lock);
	list_add(&vsk->connected_node, bucket);
	spin_unlock_bh(&vsock_table_lock);
}
EXPORT_SYMBOL_VV(vsock_insert_connected);

/**
 * vsock_remove_connected() - take a socket off the connected table
 * @vsk: the socket; the caller holds a reference of its own. Not listed
 *	is fine.
 *
 * Context: any; takes vsock_table_lock.
 */
void vsock_remove_connected(struct vsock_sock *vsk)
{
	bool listed;

	spin_lock_bh(&vsock_table_lock);
	listed = !list_empty(&vsk->connected_node);
	list_del_init(&vsk->connected_node);
	spin_unlock_bh(&vsock_table_lock);
	if (listed)
		sock_put(sk_vsock(vsk));
}
EXPORT_SYMBOL_VV(vsock_remove_connected);

/**
 * vsock_set_local_cid() - change the CID of a socket's local address
 * @vsk: the socket; its socket lock is held
 * @cid: the new CID
 *
 * For a transport that learns this end's CID from the peer while the
 * socket is hashed (VMCI: the CID the peer sent to, which changes when
 * the VM migrates). The address is what table lookups match, under the
 * table lock, so it changes under that lock too.
 *
 * Context: process; takes vsock_table_lock.
 */
void vsock_set_local_cid(struct vsock_sock *vsk, u32 cid)
{
	sock_owned_by_me(sk_vsock(vsk));
	spin_lock_bh(&vsock_table_lock);
	vsk->local_addr.svm_cid = cid;
	spin_unlock_bh(&vsock_table_lock);
}
EXPORT_SYMBOL_VV(vsock_set_local_cid);

/**
 * vsock_insert_pending() - list a new child until it is established
 * @vsk: the child; the list holds no reference (see the file comment)
 *
 * Context: any; takes vsock_table_lock.
 */
void vsock_insert_pending(struct vsock_sock *vsk)
{
	spin_lock_bh(&vsock_table_lock);
	list_add_tail(&vsk->pending_node, &vsock_pending);
	spin_unlock_bh(&vsock_table_lock);
}

/**
 * vsock_remove_pending() - take a socket off the pending list
 * @vsk: the socket; listed or not
 *
 * Only the child's creation, its establishment and its destructor touch
 * its link, and never two of them at once, so an unlisted socket is told
 * without the lock.
 *
 * Context: any; takes vsock_table_lock if @vsk is listed.
 */
void vsock_remove_pending(struct vsock_sock *vsk)
{
	if (list_empty(&vsk->pending_node))
		return;
	spin_lock_bh(&vsock_table_lock);
	list_del_init(&vsk->pending_node);
	spin_unlock_bh(&vsock_table_lock);
}

/* The lists a walk passes, in this order. */
enum walk_table {
	WALK_UNBOUND,
	WALK_BOUND,
	WALK_DGRAM,
	WALK_CONNECTED,
	WALK_PENDING,
	WALK_END,
};

static struct list_head *walk_buckets(unsigned int table, unsigned int *nr)
{
	*nr = VSOCK_HASH_SIZE;
	switch (table) {
	case WALK_UNBOUND:
		*nr = 1;
		return vsock_unbound;
	case WALK_BOUND:
		return vsock_bound;
	case WALK_DGRAM:
		return vsock_dgram_bound;
	case WALK_CONNECTED:
		return vsock_connected;
	case WALK_PENDING:
		*nr = 1;
		return &vsock_pending;
	}
	*nr = 0;
	return NULL;
}

static struct vsock_sock *walk_entry(unsigned int table,
				     struct list_head *node)
{
	if (table == WALK_CONNECTED)
		return list_entry(node, struct vsock_sock, connected_node);
	if (table == WALK_PENDING)
		return list_entry(node, struct vsock_sock, pending_node);
	return list_entry(node, struct vsock_sock, bound_node);
}

/*
 * Pass the rest of @pos's bucket, filling @items from *@got up to @n.
 * Return: true if the bucket is done, false if @items filled up first.
 */
static bool walk_bucket(const struct net *net, struct list_head *head,
			struct vsock_walk_pos *pos,
			struct vsock_walk_item *items, unsigned int n,
			unsigned int *got)
{
	struct list_head *node;
	unsigned int i = 0;

	lockdep_assert_held(&vsock_table_lock);
	list_for_each(node, head) {
		struct vsock_sock *vsk = walk_entry(pos->table, node);
		struct sock *sk = sk_vsock(vsk);

		if (i++ < pos->index)
			continue;
		if (*got == n)
			return false;
		pos->index = i;
		if (!net_eq(sock_net(sk), net))
			continue;
		/* A bound connected socket: reported from the bound table. */
		if (pos->table == WALK_CONNECTED &&
		    !list_empty(&vsk->bound_node))
			continue;
		/* The pending list holds no reference: it may be dying. */
		if (!refcount_inc_not_zero(&sk->sk_refcnt))
			continue;
		items[*got] = (struct vsock_walk_item) {
			.sk = sk,
			.pos = { pos->table, pos->bucket, i - 1 },
			.pending = pos->table == WALK_PENDING,
		};
		(*got)++;
	}
	return true;
}

/**
 * vsock_walk() - the next sockets of a walk over every AF_VSOCK socket
 * @net: only sockets of this network namespace
 * @pos: where to go on (all zero: from the start); advanced past the
 *	sockets returned
 * @items: room for @n sockets
 * @n: at most this many
 *
 * A walk passes each socket once: unbound sockets of every type, bound
 * STREAM/SEQPACKET, bound DGRAM, connected sockets that are not bound
 * (accepted children), then children still in their handshake. It is not
 * a snapshot: the table lock is dropped between calls, so a socket that
 * is created, closed or moves on in between may be missed or seen twice,
 * as in any netlink dump. Resuming costs a pass over the bucket up to
 * @pos.
 *
 * Context: process or softirq; takes vsock_table_lock (BH), so the
 * caller must not hold it. A socket lock may be held.
 * Return: the number of @items filled, each holding a socket reference;
 * 0 when the walk is over.
 */
unsigned int vsock_walk(const struct net *net, struct vsock_walk_pos *pos,
			struct vsock_walk_item *items, unsigned int n)
{
	struct list_head *buckets;
	unsigned int got = 0;
	unsigned int nr;

	lockdep_assert_not_held(&vsock_table_lock);
	spin_lock_bh(&vsock_table_lock);
	while (pos->table < WALK_END && got < n) {
		buckets = walk_buckets(pos->table, &nr);
		while (pos->bucket < nr &&
		       walk_bucket(net, &buckets[pos->bucket], pos, items, n,
				   &got)) {
			pos->bucket++;
			pos->index = 0;
		}
		if (pos->bucket < nr)
			break;
		pos->table++;
		pos->bucket = 0;
		pos->index = 0;
	}
	spin_unlock_bh(&vsock_table_lock);
	return got;
}
EXPORT_SYMBOL_VV(vsock_walk);

/**
 * vsock_table_init() - empty all tables
 *
 * Context: module init.
 */
void vsock_table_init(void)
{
	unsigned int i;

	for (i = 0; i < VSOCK_HASH_SIZE; i++) {
		INIT_LIST_HEAD(&vsock_bound[i]);
		INIT_LIST_HEAD(&vsock_dgram_bound[i]);
		INIT_LIST_HEAD(&vsock_connected[i]);
	}
	INIT_LIST_HEAD(vsock_unbound);
}
