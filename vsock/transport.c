// SPDX-License-Identifier: GPL-2.0
/*
 * Transport registry and per-socket transport selection.
 *
 * At most one transport per role (local, guest->host, host->guest, dgram),
 * plus a datagram fallback (the loopback) used while no real datagram
 * transport is registered. A socket pins its transport with a module
 * reference, so the registry pointer may change (unregister) while sockets
 * keep using the transport they got.
 *
 * vsock_register_mutex protects vsock_registry. It nests inside the socket
 * lock.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/mutex.h>
#include <vv_compat.h>
#include "vsock.h"

static struct vsock_registry vsock_registry;
static DEFINE_MUTEX(vsock_register_mutex);

static bool use_local(const struct vsock_registry *reg, u32 cid)
{
	if (!reg->local)
		return false;
	if (cid == VMADDR_CID_LOCAL)
		return true;
	if (reg->g2h)
		return cid == reg->g2h->get_local_cid();
	return cid == VMADDR_CID_HOST;
}

/**
 * vsock_transport_pick() - the transport a socket of @type to @remote uses
 * @reg: registered transports
 * @type: socket type
 * @remote: peer address (only the CID and flags matter)
 *
 * DGRAM uses the datagram transport. STREAM/SEQPACKET use the local
 * transport for CID 1, for the guest's own CID, and for CID 2 when no
 * guest->host transport exists; else host->guest for CID 2 without a
 * guest->host transport (the host reaching itself); then guest->host for
 * CIDs 0..2, when no host->guest transport exists or with
 * VMADDR_FLAG_TO_HOST; else host->guest.
 *
 * Context: any; the caller keeps @reg stable.
 * Return: the transport, or NULL when the role is vacant.
 */
const struct vsock_transport *
vsock_transport_pick(const struct vsock_registry *reg, int type,
		     const struct sockaddr_vm *remote)
{
	u32 cid = remote->svm_cid;

	switch (type) {
	case SOCK_DGRAM:
		return reg->dgram ?: reg->dgram_fallback;
	case SOCK_STREAM:
	case SOCK_SEQPACKET:
		if (use_local(reg, cid))
			return reg->local;
		/* A host without a guest transport reaches itself on CID 2. */
		if (cid == VMADDR_CID_HOST && !reg->g2h)
			return reg->h2g;
		if (cid <= VMADDR_CID_HOST || !reg->h2g ||
		    (remote->svm_flags & VMADDR_FLAG_TO_HOST))
			return reg->g2h;
		return reg->h2g;
	default:
		return NULL;
	}
}
EXPORT_SYMBOL_IF_KUNIT(vsock_transport_pick);

/**
 * vsock_registry_has_cid() - is @cid one of this machine's CIDs?
 * @reg: registered transports
 * @cid: CID to test
 *
 * Context: any; the caller keeps @reg stable.
 * Return: true for the guest->host CID, for 2 with a host->guest transport
 * and for 1 with a local transport.
 */
bool vsock_registry_has_cid(const struct vsock_registry *reg, u32 cid)
{
	if (reg->g2h && cid == reg->g2h->get_local_cid())
		return true;
	if (reg->h2g && cid == VMADDR_CID_HOST)
		return true;
	return reg->local && cid == VMADDR_CID_LOCAL;
}
EXPORT_SYMBOL_IF_KUNIT(vsock_registry_has_cid);

/**
 * vsock_find_cid() - may a socket bind to @cid?
 * @cid: CID to test
 *
 * Context: process; takes vsock_register_mutex.
 * Return: true when @cid is a local CID (see vsock_registry_has_cid()).
 */
bool vsock_find_cid(u32 cid)
{
	bool found;

	mutex_lock(&vsock_register_mutex);
	found = vsock_registry_has_cid(&vsock_registry, cid);
	mutex_unlock(&vsock_register_mutex);
	return found;
}
EXPORT_SYMBOL_VV(vsock_find_cid);

/**
 * vsock_local_cid() - the CID /dev/vsock reports
 *
 * Context: process; takes vsock_register_mutex.
 * Return: the guest->host CID, else 2 with a host->guest transport, else 1
 * with a local transport, else VMADDR_CID_ANY.
 */
u32 vsock_local_cid(void)
{
	u32 cid = VMADDR_CID_ANY;

	mutex_lock(&vsock_register_mutex);
	if (vsock_registry.g2h)
		cid = vsock_registry.g2h->get_local_cid();
	else if (vsock_registry.h2g)
		cid = VMADDR_CID_HOST;
	else if (vsock_registry.local)
		cid = VMADDR_CID_LOCAL;
	mutex_unlock(&vsock_register_mutex);
	return cid;
}

/**
 * vsock_deassign_transport() - detach a socket from its transport
 * @vsk: the socket
 *
 * Context: socket lock held, or the socket is being destroyed.
 */
void vsock_deassign_transport(struct vsock_sock *vsk)
{
	const struct vsock_transport *t = vsk->transport;

	if (!t)
		return;
	t->destruct(vsk);
	WRITE_ONCE(vsk->transport, NULL);
	module_put(t->module);
}

static void reset_for_new_transport(struct vsock_sock *vsk)
{
	struct sock *sk = sk_vsock(vsk);

	vsk->transport->release(vsk);
	vsock_deassign_transport(vsk);
	sock_reset_flag(sk, SOCK_DONE);
	sk->sk_state = TCP_CLOSE;
	WRITE_ONCE(vsk->peer_shutdown, 0);
}

/**
 * vsock_assign_transport() - choose and attach the transport of a socket
 * @vsk: the socket; for STREAM/SEQPACKET its remote_addr is set
 * @psk: listener when @vsk is a child being created, else NULL
 *
 * A socket that already has another transport (connect() retried to a
 * different CID) is released from it first.
 *
 * Context: socket lock held (or @vsk not visible to anyone yet); sleeps.
 * Return: 0, -ENODEV when no transport serves the role,
 * -ESOCKTNOSUPPORT for SEQPACKET on a transport without it, or an error
 * of the transport's init().
 */
int vsock_assign_transport(struct vsock_sock *vsk, struct vsock_sock *psk)
{
	struct sock *sk = sk_vsock(vsk);
	const struct vsock_transport *t;
	int err;

	/* A child between two guests is reached through the host. */
	if (psk && vsk->local_addr.svm_cid > VMADDR_CID_HOST &&
	    vsk->remote_addr.svm_cid > VMADDR_CID_HOST)
		vsk->remote_addr.svm_flags |= VMADDR_FLAG_TO_HOST;

	mutex_lock(&vsock_register_mutex);
	t = vsock_transport_pick(&vsock_registry, sk->sk_type,
				 &vsk->remote_addr);
	if (t && t == vsk->transport) {
		mutex_unlock(&vsock_register_mutex);
		return 0;
	}
	if (!t || !try_module_get(t->module)) {
		mutex_unlock(&vsock_register_mutex);
		return -ENODEV;
	}
	/* The module reference keeps @t alive from here on. */
	mutex_unlock(&vsock_register_mutex);

	if (vsk->transport)
		reset_for_new_transport(vsk);

	if (sk->sk_type == SOCK_SEQPACKET &&
	    (!t->seqpacket_allow ||
	     !t->seqpacket_allow(vsk->remote_addr.svm_cid))) {
		module_put(t->module);
		return -ESOCKTNOSUPPORT;
	}

	err = t->init(vsk, psk);
	if (err) {
		module_put(t->module);
		return err;
	}
	WRITE_ONCE(vsk->transport, t);
	return 0;
}

static const struct vsock_transport **role_slot(u32 role)
{
	switch (role) {
	case VSOCK_TRANSPORT_F_H2G:
		return &vsock_registry.h2g;
	case VSOCK_TRANSPORT_F_G2H:
		return &vsock_registry.g2h;
	case VSOCK_TRANSPORT_F_DGRAM:
		return &vsock_registry.dgram;
	case VSOCK_TRANSPORT_F_LOCAL:
		return &vsock_registry.local;
	case VSOCK_TRANSPORT_F_DGRAM_FALLBACK:
		return &vsock_registry.dgram_fallback;
	}
	return NULL;
}

/*
 * The ops the core calls without checking for NULL, by the roles that
 * lead it there: every socket is initialised, released and destructed;
 * a G2H transport's CID is asked for when choosing a transport or a
 * bind address, a datagram transport's for a CID_ANY destination;
 * connect(), send(), recv(), poll() and shutdown() of STREAM/SEQPACKET
 * call the stream ops, sendto() and connect() of DGRAM the datagram ones.
 * Every other op is optional (the core tests it first).
 */
struct vsock_required_op {
	u32 roles;
	size_t offset;
	const char *name;
};

#define VSOCK_REQUIRED_OP(r, op)					\
	{ .roles = (r), .name = #op,					\
	  .offset = offsetof(struct vsock_transport, op) }

static const struct vsock_required_op vsock_required_ops[] = {
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_ALL, init),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_ALL, destruct),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_ALL, release),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_G2H | VSOCK_TRANSPORT_F_DGRAMS,
			  get_local_cid),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, stream_allow),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, connect),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, shutdown),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, enqueue),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, dequeue),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, has_data),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_STREAM, has_space),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_DGRAMS, dgram_allow),
	VSOCK_REQUIRED_OP(VSOCK_TRANSPORT_F_DGRAMS, dgram_enqueue),
};

/**
 * vsock_transport_missing_op() - the first op @roles need that @t lacks
 * @t: the transport
 * @roles: VSOCK_TRANSPORT_F_* bits it registers for
 *
 * Context: any.
 * Return: the op's name, or NULL when @t has every op @roles need.
 */
const char *vsock_transport_missing_op(const struct vsock_transport *t,
				       u32 roles)
{
	const struct vsock_required_op *op;

	for (op = vsock_required_ops;
	     op < vsock_required_ops + ARRAY_SIZE(vsock_required_ops); op++) {
		const void *const *fn = (const void *)t + op->offset;

		if ((roles & op->roles) && !*fn)
			return op->name;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vsock_transport_missing_op);

/**
 * vsock_core_register() - offer a transport for one or more roles
 * @t: the transport; must stay valid until vsock_core_unregister()
 * @roles: VSOCK_TRANSPORT_F_* bits
 *
 * Which ops each role needs is in the table above
 * vsock_transport_missing_op(); the others may be NULL.
 *
 * Context: process; sleeps.
 * Return: 0, -EINVAL for no or unknown roles or when @t lacks an op the
 * roles need, -EBUSY when one of the roles is taken (then none is
 * registered).
 */
int vsock_core_register(const struct vsock_transport *t, u32 roles)
{
	unsigned long bits = roles;
	const char *missing;
	unsigned int bit;
	int err = 0;

	if (!roles || (roles & ~VSOCK_TRANSPORT_F_ALL))
		return -EINVAL;
	missing = vsock_transport_missing_op(t, roles);
	if (missing) {
		pr_err("transport %s lacks %s() for roles 0x%x: refused\n",
		       t->name, missing, roles);
		return -EINVAL;
	}

	mutex_lock(&vsock_register_mutex);
	for_each_set_bit(bit, &bits, BITS_PER_LONG)
		if (*role_slot(BIT(bit)))
			err = -EBUSY;
	for_each_set_bit(bit, &bits, BITS_PER_LONG) {
		const struct vsock_transport **slot = role_slot(BIT(bit));

		if (!err)
			*slot = t;
	}
	mutex_unlock(&vsock_register_mutex);
	return err;
}
EXPORT_SYMBOL_VV(vsock_core_register);

/**
 * vsock_core_unregister() - withdraw a transport from every role it holds
 * @t: the transport
 *
 * Sockets already using @t keep it (they pin its module).
 *
 * Context: process; sleeps.
 */
void vsock_core_unregister(const struct vsock_transport *t)
{
	vsock_core_unregister_roles(t, VSOCK_TRANSPORT_F_ALL);
}
EXPORT_SYMBOL_VV(vsock_core_unregister);

/**
 * vsock_core_unregister_roles() - withdraw a transport from some roles
 * @t: the transport
 * @roles: VSOCK_TRANSPORT_F_* bits; roles @t does not hold are ignored
 *
 * For a transport whose roles follow the hardware (a VMCI device comes
 * and goes). Sockets already using @t keep it.
 *
 * Context: process; sleeps.
 */
void vsock_core_unregister_roles(const struct vsock_transport *t, u32 roles)
{
	u32 role;

	mutex_lock(&vsock_register_mutex);
	for (role = VSOCK_TRANSPORT_F_H2G; role & VSOCK_TRANSPORT_F_ALL;
	     role <<= 1) {
		const struct vsock_transport **slot = role_slot(role);

		if ((roles & role) && *slot == t)
			*slot = NULL;
	}
	mutex_unlock(&vsock_register_mutex);
}
EXPORT_SYMBOL_VV(vsock_core_unregister_roles);
