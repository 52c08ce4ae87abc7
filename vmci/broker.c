// SPDX-License-Identifier: GPL-2.0
/*
 * The queue-pair broker: queue pairs whose memory this kernel owns.
 *
 * An entry is created by the first endpoint (the creator) and joined by
 * at most one more (the attacher), which sees the queues swapped: the
 * creator's produce queue is the attacher's consume queue. Both
 * endpoints may be in the local context (VMCI_QPFLAG_LOCAL: two host
 * endpoints, e.g. both sides of a vsock connection on this machine);
 * otherwise the attacher is another context, which /dev/vmci will bring
 * (VM contexts do not exist yet).
 *
 * Lifetime: the creator's attach makes the entry; an attach sends
 * QP_PEER_ATTACH to the creator; each detach sends QP_PEER_DETACH to
 * the endpoint still attached; the last detach unhashes the entry and
 * frees the queues. A queue pair whose first endpoint left cannot be
 * joined again.
 *
 * vmci_qp_broker_lock (a mutex) serializes all attach and detach
 * decisions; entries are found through the resource table. Events are
 * dispatched with the mutex held: subscribers run under RCU and cannot
 * call back in.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mutex.h>
#include <linux/slab.h>
#include <vv_compat.h>

#include "vmci_core.h"

struct vmci_qp_entry {
	struct vmci_resource res;
	u32 peer;
	u32 flags;
	u32 create_priv;
	u64 produce_size;		/* creator's view */
	u64 consume_size;
	u32 create_id;
	u32 attach_id;			/* VMCI_INVALID_ID until attached */
	bool creator_in;
	bool attacher_in;
	struct vmci_queue *q[2];	/* creator's produce, consume */
	struct vmci_qp_endpoint *ep[2];	/* creator, attacher; for unload */
	struct rcu_head rcu;
};

/* Protects every entry's endpoint state (ids, *_in flags). */
static DEFINE_MUTEX(vmci_qp_broker_lock);

/**
 * vmci_qp_sizes_valid() - whether queue sizes are acceptable
 * @produce_size: bytes
 * @consume_size: bytes
 *
 * Return: true if both are non-zero and their sum, without overflow,
 * is at most VMCI_MAX_GUEST_QP_MEMORY.
 * Context: any context.
 */
bool vmci_qp_sizes_valid(u64 produce_size, u64 consume_size)
{
	return produce_size && consume_size &&
	       produce_size <= VMCI_MAX_GUEST_QP_MEMORY &&
	       consume_size <= VMCI_MAX_GUEST_QP_MEMORY - produce_size;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_qp_sizes_valid);

/* Tell @peer_id that @my_id attached to or detached from @handle. */
static void broker_notify_peer(bool attach, struct vmci_handle handle,
			       u32 my_id, u32 peer_id)
{
	struct vmci_event_qp ev = {
		.msg.hdr.dst = vmci_make_handle(peer_id, VMCI_EVENT_HANDLER),
		.msg.hdr.src = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
						VMCI_CONTEXT_RESOURCE_ID),
		.msg.hdr.payload_size = sizeof(ev) - sizeof(ev.msg.hdr),
		.msg.event_data.event = attach ? VMCI_EVENT_QP_PEER_ATTACH :
						 VMCI_EVENT_QP_PEER_DETACH,
		.payload.handle = handle,
		.payload.peer_id = my_id,
	};
	int ret;

	lockdep_assert_held(&vmci_qp_broker_lock);
	/* Local endpoints get it directly, never through a device. */
	if (peer_id == vmci_get_context_id())
		ret = vmci_event_dispatch(&ev.msg.hdr);
	else
		ret = vmci_datagram_dispatch(VMCI_HYPERVISOR_CONTEXT_ID,
					     &ev.msg.hdr, false);
	if (ret < VMCI_SUCCESS)
		pr_warn_ratelimited("cannot send queue pair %s event to context %u\n",
				    attach ? "attach" : "detach", peer_id);
}

static struct vmci_qp_entry *broker_find(struct vmci_handle h)
{
	struct vmci_resource *r;

	r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_QPAIR);
	return r ? container_of(r, struct vmci_qp_entry, res) : NULL;
}

/* The entry itself after a grace period: see vmci_resource_unlink(). */
static void broker_free(struct vmci_qp_entry *e)
{
	vmci_queue_free(e->q[0]);
	vmci_queue_free(e->q[1]);
	kfree_rcu(e, rcu);
}

static int broker_create(struct vmci_handle *handle, u32 peer, u32 flags,
			 u32 priv_flags, u64 produce_size, u64 consume_size,
			 u32 context_id, struct vmci_qp_endpoint *ep)
{
	struct vmci_qp_entry *e;
	int ret;

	lockdep_assert_held(&vmci_qp_broker_lock);
	e = kzalloc(sizeof(*e), GFP_KERNEL);
	if (!e)
		return VMCI_ERROR_NO_MEM;
	e->peer = peer;
	e->flags = flags & ~VMCI_QPFLAG_ATTACH_ONLY;
	e->create_priv = priv_flags;
	e->produce_size = produce_size;
	e->consume_size = consume_size;
	e->create_id = context_id;
	e->attach_id = VMCI_INVALID_ID;
	e->creator_in = true;
	ret = vmci_resource_add(&e->res, VMCI_RESOURCE_TYPE_QPAIR, *handle);
	if (ret < VMCI_SUCCESS) {
		kfree(e);
		return ret;
	}
	/* Unreachable to attachers until the broker lock is dropped. */
	e->q[0] = vmci_queue_alloc(produce_size, e->res.handle);
	e->q[1] = vmci_queue_alloc(consume_size, e->res.handle);
	if (!e->q[0] || !e->q[1]) {
		vmci_resource_remove(vmci_resource_get(&e->res));
		broker_free(e);
		return VMCI_ERROR_NO_MEM;
	}
	*handle = e->res.handle;
	ep->entry = e;
	ep->produce_q = e->q[0];
	ep->consume_q = e->q[1];
	ep->creator = true;
	e->ep[0] = ep;
	return VMCI_SUCCESS_QUEUEPAIR_CREATE;
}

/* Whether @context_id may attach to @e with these parameters. */
static int broker_check_attach(struct vmci_qp_entry *e, u32 peer, u32 flags,
			       u32 priv_flags, u64 produce_size,
			       u64 consume_size, u32 context_id)
{
	bool local = flags & VMCI_QPFLAG_LOCAL;

	if (e->attach_id != VMCI_INVALID_ID || !e->creator_in)
		return VMCI_ERROR_UNAVAILABLE;
	if (local != !!(e->flags & VMCI_QPFLAG_LOCAL))
		return VMCI_ERROR_QUEUEPAIR_MISMATCH;
	/* Local: both ends here. Otherwise: a context cannot talk to itself. */
	if (local && context_id != e->create_id)
		return VMCI_ERROR_NO_ACCESS;
	if (!local && context_id == e->create_id)
		return VMCI_ERROR_ALREADY_EXISTS;
	if ((e->peer != VMCI_INVALID_ID && e->peer != context_id) ||
	    (peer != VMCI_INVALID_ID && peer != e->create_id))
		return VMCI_ERROR_NO_ACCESS;
	if (e->produce_size != consume_size || e->consume_size != produce_size)
		return VMCI_ERROR_QUEUEPAIR_MISMATCH;
	if (vmci_deny_interaction(priv_flags, e->create_priv))
		return VMCI_ERROR_NO_ACCESS;
	return VMCI_SUCCESS;
}

static int broker_attach(struct vmci_qp_entry *e, u32 peer, u32 flags,
			 u32 priv_flags, u64 produce_size, u64 consume_size,
			 u32 context_id, struct vmci_qp_endpoint *ep)
{
	int ret;

	lockdep_assert_held(&vmci_qp_broker_lock);
	ret = broker_check_attach(e, peer, flags, priv_flags, produce_size,
				  consume_size, context_id);
	if (ret < VMCI_SUCCESS)
		return ret;
	e->attach_id = context_id;
	e->attacher_in = true;
	ep->entry = e;
	ep->produce_q = e->q[1];
	ep->consume_q = e->q[0];
	ep->creator = false;
	e->ep[1] = ep;
	broker_notify_peer(true, e->res.handle, context_id, e->create_id);
	return VMCI_SUCCESS_QUEUEPAIR_ATTACH;
}

static int broker_check_args(struct vmci_handle h, u32 peer, u32 flags,
			     u32 priv_flags, u64 produce_size,
			     u64 consume_size, u32 context_id)
{
	if ((flags & ~VMCI_QP_ALL_FLAGS) || (flags & VMCI_QP_ASYMM) ||
	    (priv_flags & ~VMCI_PRIVILEGE_ALL_FLAGS) ||
	    context_id == VMCI_INVALID_ID)
		return VMCI_ERROR_INVALID_ARGS;
	if (!produce_size || !consume_size)
		return VMCI_ERROR_INVALID_ARGS;
	if (!vmci_qp_sizes_valid(produce_size, consume_size))
		return VMCI_ERROR_NO_RESOURCES;
	if ((flags & VMCI_QPFLAG_LOCAL) && peer != VMCI_INVALID_ID &&
	    peer != context_id)
		return VMCI_ERROR_INVALID_ARGS;
	/* A handle names the context that creates it; attachers find it. */
	if (vmci_handle_is_invalid(h))
		return flags & VMCI_QPFLAG_ATTACH_ONLY ?
			VMCI_ERROR_INVALID_ARGS : VMCI_SUCCESS;
	if (h.context == VMCI_INVALID_ID || h.resource == VMCI_INVALID_ID)
		return VMCI_ERROR_INVALID_ARGS;
	return VMCI_SUCCESS;
}

/**
 * vmci_qp_broker_alloc() - create or attach to a brokered queue pair
 * @handle: in: VMCI_INVALID_HANDLE or an existing handle; out: the handle
 * @peer: the other endpoint's context, or VMCI_INVALID_ID
 * @flags: VMCI_QPFLAG_ATTACH_ONLY and/or VMCI_QPFLAG_LOCAL
 * @priv_flags: privilege of the endpoint
 * @produce_size: bytes this endpoint writes
 * @consume_size: bytes this endpoint reads
 * @context_id: context of the endpoint
 * @ep: out: the endpoint
 *
 * Return: VMCI_SUCCESS_QUEUEPAIR_CREATE or _ATTACH, or a VMCI error.
 * Context: process context; takes vmci_qp_broker_lock.
 */
int vmci_qp_broker_alloc(struct vmci_handle *handle, u32 peer, u32 flags,
			 u32 priv_flags, u64 produce_size, u64 consume_size,
			 u32 context_id, struct vmci_qp_endpoint *ep)
{
	struct vmci_handle h = *handle;
	struct vmci_qp_entry *e = NULL;
	int ret;

	ret = broker_check_args(h, peer, flags, priv_flags, produce_size,
				consume_size, context_id);
	if (ret < VMCI_SUCCESS)
		return ret;
	if (vmci_handle_is_invalid(h))
		h = vmci_make_handle(context_id, VMCI_INVALID_ID);

	mutex_lock(&vmci_qp_broker_lock);
	if (h.resource != VMCI_INVALID_ID)
		e = broker_find(h);
	if (e)
		ret = broker_attach(e, peer, flags, priv_flags, produce_size,
				    consume_size, context_id, ep);
	else if (flags & VMCI_QPFLAG_ATTACH_ONLY)
		ret = VMCI_ERROR_NOT_FOUND;
	else if (h.context != context_id)
		ret = VMCI_ERROR_NO_ACCESS;
	else
		ret = broker_create(&h, peer, flags, priv_flags, produce_size,
				    consume_size, context_id, ep);
	mutex_unlock(&vmci_qp_broker_lock);
	if (e)
		vmci_resource_put(&e->res);
	if (ret >= VMCI_SUCCESS)
		*handle = h;
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_qp_broker_alloc);

static void broker_release_leaked(struct vmci_resource *res)
{
	struct vmci_qp_entry *e = container_of(res, struct vmci_qp_entry, res);
	int i;

	/* The endpoints' owners are gone: free what they left too. */
	for (i = 0; i < ARRAY_SIZE(e->ep); i++)
		if (e->ep[i] && e->ep[i]->release)
			e->ep[i]->release(e->ep[i]);
	broker_free(e);
}

/**
 * vmci_qp_broker_exit() - free the queue pairs clients leaked
 *
 * Context: module exit, process context.
 */
void vmci_qp_broker_exit(void)
{
	unsigned int n;

	n = vmci_resource_drain(VMCI_RESOURCE_TYPE_QPAIR, broker_release_leaked);
	if (n)
		pr_warn("%u queue pairs leaked by clients, freed\n", n);
}

/**
 * vmci_qp_broker_detach() - leave a brokered queue pair
 * @ep: an endpoint from vmci_qp_broker_alloc(); cleared on return
 *
 * Tells the other endpoint, if any; the last one frees the queues.
 *
 * Context: process context; takes vmci_qp_broker_lock, sleeps.
 */
void vmci_qp_broker_detach(struct vmci_qp_endpoint *ep)
{
	struct vmci_qp_entry *e = ep->entry;
	u32 me, other;
	bool last;

	mutex_lock(&vmci_qp_broker_lock);
	e->ep[!ep->creator] = NULL;
	if (ep->creator) {
		e->creator_in = false;
		me = e->create_id;
		other = e->attacher_in ? e->attach_id : VMCI_INVALID_ID;
	} else {
		e->attacher_in = false;
		me = e->attach_id;
		other = e->creator_in ? e->create_id : VMCI_INVALID_ID;
	}
	if (other != VMCI_INVALID_ID)
		broker_notify_peer(false, e->res.handle, me, other);
	last = !e->creator_in && !e->attacher_in;
	/* No grace period under the broker lock: broker_free() defers. */
	if (last)
		vmci_resource_unlink(vmci_resource_get(&e->res));
	mutex_unlock(&vmci_qp_broker_lock);

	if (last)
		broker_free(e);
	ep->entry = NULL;
	ep->produce_q = NULL;
	ep->consume_q = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_qp_broker_detach);
