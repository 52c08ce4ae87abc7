// SPDX-License-Identifier: GPL-2.0
/*
 * Datagram endpoints and delivery.
 *
 * An endpoint is a resource-table entry with a receive callback. A
 * datagram from the guest device is delivered by calling that callback
 * with bottom halves disabled (softirq semantics). It is deferred to
 * vmci_wq (process context, one at a time and in order) when the
 * endpoint asked for VMCI_FLAG_DG_DELAYED_CB, and always when a host
 * endpoint sends to a host endpoint: the sender may hold locks its own
 * callbacks take (vsock replies from a receive callback with the socket
 * spinlock held), so running the receiver's callback inside the send
 * would recurse into those locks.
 *
 * vmci_datagram_send_unlocked() is the exception: its caller holds no
 * lock, so a host endpoint's datagram to a host endpoint runs the
 * receiver's callback inside the send, unless the receiver still has
 * deferred datagrams (which must go first) or the send comes from inside
 * a callback (vmci_dg_depth: a callback may hold locks).
 *
 * Deferred datagrams are copied onto their endpoint's own queue, drained
 * in order by the endpoint's own work item: endpoints do not wait for
 * each other, so a receiver that blocks or falls behind stalls only
 * itself. Each endpoint holds at most VMCI_MAX_DELAYED_DG_QUEUE, beyond
 * which its senders get -ENOBUFS instead of growing the queue without
 * bound; other endpoints are not affected.
 *
 * A scheduled work item holds a reference to its endpoint, so
 * vmci_datagram_destroy_handle() (which waits for all references)
 * returns only once every queued callback has run.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <vv_compat.h>

#include "vmci_core.h"

#define VMCI_DG_CREATE_FLAGS	(VMCI_FLAG_ANYCID_DG_HND | VMCI_FLAG_DG_DELAYED_CB)

/* Deferred callbacks run this many at a time before yielding the worker. */
#define VMCI_DG_BATCH		32

/**
 * struct vmci_dg_entry - a datagram endpoint
 * @res: its handle in the resource table
 * @run_delayed: VMCI_FLAG_DG_DELAYED_CB
 * @priv_flags: its privilege
 * @recv_cb: the receive callback
 * @client_data: passed to @recv_cb
 * @lock: protects @pending, @npending and @scheduled
 * @pending: deferred datagrams (struct vmci_delayed_dg), oldest first
 * @npending: entries in @pending
 * @scheduled: @work is queued or running, with a reference on @res
 * @work: runs the callbacks of @pending
 */
struct vmci_dg_entry {
	struct vmci_resource res;
	bool run_delayed;
	u32 priv_flags;
	vmci_datagram_recv_cb recv_cb;
	void *client_data;
	spinlock_t lock;	/* protects pending, npending, scheduled */
	struct list_head pending;
	unsigned int npending;
	bool scheduled;
	struct work_struct work;
};

struct vmci_delayed_dg {
	struct list_head node;
	struct vmci_datagram dg;	/* payload follows */
};

struct workqueue_struct *vmci_wq;

static void dg_delayed_work(struct work_struct *work);

/*
 * Callbacks running on this CPU inside a send or a device receive (bottom
 * halves off, so the count stays on its CPU): an unlocked send from one
 * of them is deferred.
 */
static DEFINE_PER_CPU(unsigned int, vmci_dg_depth);

static void dg_call(struct vmci_dg_entry *entry, struct vmci_datagram *dg)
{
	local_bh_disable();
	this_cpu_inc(vmci_dg_depth);
	entry->recv_cb(entry->client_data, dg);
	this_cpu_dec(vmci_dg_depth);
	local_bh_enable();
}

static struct vmci_dg_entry *dg_entry_get(struct vmci_handle h)
{
	struct vmci_resource *r;

	r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_DATAGRAM);
	return r ? container_of(r, struct vmci_dg_entry, res) : NULL;
}

int vmci_datagram_create_handle_priv(u32 resource_id, u32 flags,
				     u32 priv_flags,
				     vmci_datagram_recv_cb recv_cb,
				     void *client_data,
				     struct vmci_handle *out_handle)
{
	struct vmci_dg_entry *entry;
	u32 cid;
	int ret;

	if (!out_handle || !recv_cb || (flags & ~VMCI_DG_CREATE_FLAGS) ||
	    (priv_flags & ~VMCI_PRIVILEGE_ALL_FLAGS))
		return -EINVAL;
	cid = vmci_get_context_id();
	if (cid == VMCI_INVALID_ID)
		return -ENODEV;
	if (flags & VMCI_FLAG_ANYCID_DG_HND)
		cid = VMCI_INVALID_ID;

	entry = kzalloc(sizeof(*entry), GFP_KERNEL);
	if (!entry)
		return -ENOMEM;
	entry->run_delayed = flags & VMCI_FLAG_DG_DELAYED_CB;
	entry->priv_flags = priv_flags;
	entry->recv_cb = recv_cb;
	entry->client_data = client_data;
	spin_lock_init(&entry->lock);
	INIT_LIST_HEAD(&entry->pending);
	INIT_WORK(&entry->work, dg_delayed_work);

	ret = vmci_resource_add(&entry->res, VMCI_RESOURCE_TYPE_DATAGRAM,
				vmci_make_handle(cid, resource_id));
	if (ret < VMCI_SUCCESS) {
		kfree(entry);
		return vmci_status_to_errno(ret);
	}
	*out_handle = entry->res.handle;
	return 0;
}
EXPORT_SYMBOL_VV(vmci_datagram_create_handle_priv);

int vmci_datagram_create_handle(u32 resource_id, u32 flags,
				vmci_datagram_recv_cb recv_cb,
				void *client_data,
				struct vmci_handle *out_handle)
{
	return vmci_datagram_create_handle_priv(resource_id, flags,
						VMCI_DEFAULT_PROC_PRIVILEGE_FLAGS,
						recv_cb, client_data,
						out_handle);
}
EXPORT_SYMBOL_VV(vmci_datagram_create_handle);

int vmci_datagram_destroy_handle(struct vmci_handle handle)
{
	struct vmci_dg_entry *entry = dg_entry_get(handle);

	if (!entry)
		return -ENOENT;
	if (vmci_resource_remove(&entry->res))
		kfree(entry);
	return 0;
}
EXPORT_SYMBOL_VV(vmci_datagram_destroy_handle);

/* Take the oldest deferred datagram; clears @scheduled when none is left. */
static struct vmci_delayed_dg *dg_pop(struct vmci_dg_entry *entry)
{
	struct vmci_delayed_dg *d;
	unsigned long flags;

	spin_lock_irqsave(&entry->lock, flags);
	d = list_first_entry_or_null(&entry->pending, struct vmci_delayed_dg,
				     node);
	if (d) {
		list_del(&d->node);
		entry->npending--;
	} else {
		entry->scheduled = false;
	}
	spin_unlock_irqrestore(&entry->lock, flags);
	return d;
}

static void dg_delayed_work(struct work_struct *work)
{
	struct vmci_dg_entry *entry = container_of(work, struct vmci_dg_entry,
						   work);
	struct vmci_delayed_dg *d;
	unsigned int n;

	for (n = 0; n < VMCI_DG_BATCH; n++) {
		d = dg_pop(entry);
		if (!d) {
			vmci_resource_put(&entry->res);	/* @scheduled's */
			return;
		}
		entry->recv_cb(entry->client_data, &d->dg);
		kfree(d);
	}
	/* More may be queued: let other work run, keep the reference. */
	queue_work(vmci_wq, &entry->work);
}

/* Copy @dg onto @entry's queue, and schedule its work if idle. */
static int dg_queue_delayed(struct vmci_dg_entry *entry,
			    const struct vmci_datagram *dg)
{
	struct vmci_delayed_dg *d;
	unsigned long flags;
	bool kick = false;
	int ret = VMCI_SUCCESS;

	d = kmalloc(sizeof(*d) + dg->payload_size, GFP_ATOMIC);
	if (!d)
		return VMCI_ERROR_NO_MEM;
	memcpy(&d->dg, dg, vmci_dg_size(dg));

	spin_lock_irqsave(&entry->lock, flags);
	if (entry->npending >= VMCI_MAX_DELAYED_DG_QUEUE) {
		ret = VMCI_ERROR_NO_RESOURCES;
	} else {
		list_add_tail(&d->node, &entry->pending);
		entry->npending++;
		if (!entry->scheduled) {
			entry->scheduled = true;
			vmci_resource_get(&entry->res);
			kick = true;
		}
	}
	spin_unlock_irqrestore(&entry->lock, flags);
	if (ret < VMCI_SUCCESS)
		kfree(d);
	if (kick)
		queue_work(vmci_wq, &entry->work);
	return ret;
}

/* Hand @dg to @entry's callback, now or (@defer) from vmci_wq. */
static int dg_deliver(struct vmci_dg_entry *entry, struct vmci_datagram *dg,
		      bool defer)
{
	/* A callback must not run with interrupts off: defer it. */
	if (defer || entry->run_delayed || in_hardirq() || irqs_disabled())
		return dg_queue_delayed(entry, dg);

	dg_call(entry, dg);
	return VMCI_SUCCESS;
}

/*
 * An unlocked sender's datagram may run now: nothing of @entry's is
 * deferred or running from its work (a stale read only defers), and no
 * callback is running here.
 */
static bool dg_may_run_now(struct vmci_dg_entry *entry)
{
	return !in_interrupt() && !this_cpu_read(vmci_dg_depth) &&
	       !READ_ONCE(entry->scheduled);
}

/* Privileges of the sender: its own endpoint's if it has one. */
static u32 dg_src_priv_flags(struct vmci_handle src)
{
	struct vmci_dg_entry *src_entry;
	u32 priv;

	if (src.context != vmci_get_context_id())
		return vmci_context_get_priv_flags(src.context);
	src_entry = dg_entry_get(src);
	if (!src_entry)
		return vmci_context_get_priv_flags(src.context);
	priv = src_entry->priv_flags;
	vmci_resource_put(&src_entry->res);
	return priv;
}

/*
 * A sender speaks for itself only: the hypervisor's events come from the
 * core (context 0), a VM's datagrams carry its own context, and a kernel
 * endpoint is this guest or the host personality. Else anyone could send
 * a queue-pair detach event "from the hypervisor".
 */
static bool dg_source_allowed(u32 context_id, const struct vmci_handle *src)
{
	if (context_id == VMCI_HYPERVISOR_CONTEXT_ID ||
	    src->context == VMCI_INVALID_ID)
		return true;
	if (context_id != VMCI_INVALID_ID)
		return src->context == context_id;
	if (src->context == VMCI_HOST_CONTEXT_ID)
		return vmci_host_active();
	return vmci_guest_active() && src->context == vmci_get_context_id();
}

static int dg_dispatch_as_host(struct vmci_datagram *dg, bool unlocked)
{
	struct vmci_dg_entry *entry;
	int ret;

	if (dg->dst.context != VMCI_HOST_CONTEXT_ID)
		return VMCI_ERROR_DST_UNREACHABLE;	/* no VM contexts yet */

	if (dg->src.context == VMCI_HYPERVISOR_CONTEXT_ID &&
	    dg->dst.resource == VMCI_EVENT_HANDLER)
		return vmci_event_dispatch(dg);

	entry = dg_entry_get(dg->dst);
	if (!entry)
		return VMCI_ERROR_INVALID_RESOURCE;
	if (vmci_deny_interaction(dg_src_priv_flags(dg->src), entry->priv_flags))
		ret = VMCI_ERROR_NO_ACCESS;
	else
		ret = dg_deliver(entry, dg,
				 dg->src.context == VMCI_HOST_CONTEXT_ID &&
				 !(unlocked && dg_may_run_now(entry)));
	vmci_resource_put(&entry->res);
	return ret;
}

static int dg_dispatch(u32 context_id, struct vmci_datagram *dg,
		       bool from_guest, bool unlocked)
{
	enum vmci_route route;
	int ret;

	if (dg->payload_size > VMCI_MAX_DG_PAYLOAD_SIZE)
		return VMCI_ERROR_PAYLOAD_TOO_LARGE;
	if (!dg_source_allowed(context_id, &dg->src)) {
		pr_warn_ratelimited("datagram from context %u claims source %u:%u\n",
				    context_id, dg->src.context, dg->src.resource);
		return VMCI_ERROR_NO_ACCESS;
	}
	ret = vmci_route(&dg->src, &dg->dst, from_guest, &route);
	if (ret < VMCI_SUCCESS)
		return ret;
	if (route == VMCI_ROUTE_AS_HOST)
		ret = dg_dispatch_as_host(dg, unlocked);
	else
		ret = vmci_guest_send(dg);
	return ret < VMCI_SUCCESS ? ret : (int)vmci_dg_size(dg);
}

/**
 * vmci_datagram_dispatch() - route a datagram and hand it on
 * @context_id: context the datagram comes from, or VMCI_INVALID_ID for
 *	a local kernel endpoint
 * @dg: the datagram, vmci_dg_size(@dg) readable bytes
 * @from_guest: it comes from a VM through /dev/vmci
 *
 * Return: vmci_dg_size(@dg) on success, else a VMCI error.
 * Context: process or softirq context.
 */
int vmci_datagram_dispatch(u32 context_id, struct vmci_datagram *dg,
			   bool from_guest)
{
	return dg_dispatch(context_id, dg, from_guest, false);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_datagram_dispatch);

/**
 * vmci_datagram_deliver_guest() - deliver a datagram from the device
 * @dg: the datagram, validated by the caller
 *
 * Return: VMCI_SUCCESS, VMCI_ERROR_INVALID_RESOURCE if nobody listens.
 * Context: softirq or process context.
 */
int vmci_datagram_deliver_guest(struct vmci_datagram *dg)
{
	struct vmci_dg_entry *entry = dg_entry_get(dg->dst);
	int ret;

	if (!entry)
		return VMCI_ERROR_INVALID_RESOURCE;
	ret = dg_deliver(entry, dg, false);
	vmci_resource_put(&entry->res);
	return ret;
}

static int dg_send(struct vmci_datagram *msg, bool unlocked)
{
	int ret;

	if (!msg)
		return -EINVAL;
	ret = dg_dispatch(VMCI_INVALID_ID, msg, false, unlocked);
	return ret < VMCI_SUCCESS ? vmci_status_to_errno(ret) : ret;
}

int vmci_datagram_send(struct vmci_datagram *msg)
{
	return dg_send(msg, false);
}
EXPORT_SYMBOL_VV(vmci_datagram_send);

int vmci_datagram_send_unlocked(struct vmci_datagram *msg)
{
	might_sleep();
	return dg_send(msg, true);
}
EXPORT_SYMBOL_VV(vmci_datagram_send_unlocked);

int vmci_datagram_init(void)
{
	/*
	 * Not ordered: each endpoint's one work item keeps its datagrams in
	 * sending order, and endpoints run side by side.
	 */
	vmci_wq = alloc_workqueue("vmci", 0, 0);
	return vmci_wq ? 0 : -ENOMEM;
}

static void dg_release_leaked(struct vmci_resource *res)
{
	kfree(container_of(res, struct vmci_dg_entry, res));
}

void vmci_datagram_exit(void)
{
	unsigned int n;

	/* Runs what is queued: each item holds an endpoint reference. */
	destroy_workqueue(vmci_wq);
	n = vmci_resource_drain(VMCI_RESOURCE_TYPE_DATAGRAM, dg_release_leaked);
	if (n)
		pr_warn("%u datagram handles leaked by clients, freed\n", n);
}
