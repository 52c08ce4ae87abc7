// SPDX-License-Identifier: GPL-2.0
/*
 * Doorbells: notification endpoints without payload.
 *
 * Each doorbell owns one byte (its index) of a one-page notification
 * bitmap. Ringing sets the byte; a scan clears set bytes and calls the
 * doorbells' callbacks. A guest device has its own bitmap, written by
 * the hypervisor and scanned on the notification interrupt; host
 * endpoints ring through vmci_dbell_local_bitmap, scanned at once.
 *
 * vmci_dbell_slots maps an index to its doorbell. A slot is published
 * with RCU after the resource is added and cleared before it is
 * removed; scans read it under rcu_read_lock(). Non-delayed callbacks
 * run inside that read section with bottom halves disabled; delayed
 * ones run from vmci_wq with a resource reference, so destroy (which
 * waits for references) returns when no callback runs.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bottom_half.h>
#include <linux/idr.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <vv_compat.h>

#include "vmci_core.h"

struct vmci_doorbell {
	struct vmci_resource res;
	u32 idx;
	bool linked;		/* with the guest device; vmci_dbell_link_lock */
	bool run_delayed;
	u32 priv_flags;
	vmci_callback notify_cb;
	void *client_data;
	struct work_struct work;
};

static DEFINE_IDA(vmci_dbell_ida);
/*
 * Serializes linking with the hypervisor: a create (add, link, publish),
 * a destroy (unpublish, forget the link), linking every doorbell when a
 * device attaches and forgetting the links when it detaches. So a
 * doorbell created while a device attaches is linked exactly once, and a
 * destroy waits for a create of the same handle to finish. Inside
 * vmci_guest_lock; never held while waiting for callbacks.
 */
static DEFINE_MUTEX(vmci_dbell_link_lock);
static struct vmci_doorbell __rcu *vmci_dbell_slots[VMCI_MAX_GUEST_DOORBELL_COUNT];
static u8 *vmci_dbell_local_bitmap;

static struct vmci_doorbell *dbell_get(struct vmci_handle h)
{
	struct vmci_resource *r;

	r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_DOORBELL);
	return r ? container_of(r, struct vmci_doorbell, res) : NULL;
}

static int dbell_hypercall(u32 rid, struct vmci_handle h, u32 idx)
{
	struct vmci_doorbell_link_msg msg = {
		.hdr.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID, rid),
		.hdr.src = VMCI_ANON_SRC_HANDLE,
		.handle = h,
		.notify_idx = idx,
	};

	/* Unlink and notify messages are the link message minus the index. */
	msg.hdr.payload_size = sizeof(msg.handle);
	if (rid == VMCI_DOORBELL_LINK)
		msg.hdr.payload_size += sizeof(msg.notify_idx);
	return vmci_guest_send(&msg.hdr);
}

static void dbell_work(struct work_struct *work)
{
	struct vmci_doorbell *db = container_of(work, struct vmci_doorbell, work);

	db->notify_cb(db->client_data);
	vmci_resource_put(&db->res);
}

static void dbell_fire(struct vmci_doorbell *db)
{
	if (!db->run_delayed) {
		db->notify_cb(db->client_data);
		return;
	}
	if (!kref_get_unless_zero(&db->res.kref))
		return;
	/* Already queued: that run will see this ring too. */
	if (!queue_work(vmci_wq, &db->work))
		vmci_resource_put(&db->res);
}

/**
 * vmci_doorbell_scan() - ring every doorbell whose bitmap byte is set
 * @bitmap: a notification bitmap of VMCI_MAX_GUEST_DOORBELL_COUNT bytes
 *
 * Context: process or softirq context.
 */
void vmci_doorbell_scan(u8 *bitmap)
{
	const u64 *words = (const u64 *)bitmap;
	struct vmci_doorbell *db;
	u32 w, idx;

	local_bh_disable();
	rcu_read_lock();
	for (w = 0; w < VMCI_MAX_GUEST_DOORBELL_COUNT / sizeof(u64); w++) {
		if (!READ_ONCE(words[w]))
			continue;
		for (idx = w * sizeof(u64); idx < (w + 1) * sizeof(u64); idx++) {
			/* The hypervisor may set the byte again at any time. */
			if (!READ_ONCE(bitmap[idx]) || !xchg(&bitmap[idx], 0))
				continue;
			db = rcu_dereference(vmci_dbell_slots[idx]);
			if (db)
				dbell_fire(db);
		}
	}
	rcu_read_unlock();
	local_bh_enable();
}
EXPORT_SYMBOL_IF_KUNIT(vmci_doorbell_scan);

/**
 * vmci_doorbell_link_all() - link every doorbell with a new guest device
 *
 * Context: process context.
 */
void vmci_doorbell_link_all(void)
{
	struct vmci_doorbell *db;
	u32 idx;

	mutex_lock(&vmci_dbell_link_lock);
	for (idx = 0; idx < VMCI_MAX_GUEST_DOORBELL_COUNT; idx++) {
		db = rcu_dereference_protected(vmci_dbell_slots[idx],
					       lockdep_is_held(&vmci_dbell_link_lock));
		if (!db || db->linked)
			continue;
		if (dbell_hypercall(VMCI_DOORBELL_LINK, db->res.handle,
				    idx) < VMCI_SUCCESS)
			pr_warn_ratelimited("cannot link doorbell %u\n", idx);
		else
			db->linked = true;
	}
	mutex_unlock(&vmci_dbell_link_lock);
}

/**
 * vmci_doorbell_unlink_all() - forget the links with a departing device
 *
 * Context: process context.
 */
void vmci_doorbell_unlink_all(void)
{
	struct vmci_doorbell *db;
	u32 idx;

	mutex_lock(&vmci_dbell_link_lock);
	for (idx = 0; idx < VMCI_MAX_GUEST_DOORBELL_COUNT; idx++) {
		db = rcu_dereference_protected(vmci_dbell_slots[idx],
					       lockdep_is_held(&vmci_dbell_link_lock));
		if (db)
			db->linked = false;
	}
	mutex_unlock(&vmci_dbell_link_lock);
}

static struct vmci_doorbell *dbell_alloc(u32 flags, u32 priv_flags,
					 vmci_callback notify_cb, void *data)
{
	struct vmci_doorbell *db = kzalloc(sizeof(*db), GFP_KERNEL);
	int idx;

	if (!db)
		return ERR_PTR(-ENOMEM);
	idx = ida_alloc_max(&vmci_dbell_ida, VMCI_MAX_GUEST_DOORBELL_COUNT - 1,
			    GFP_KERNEL);
	if (idx < 0) {
		kfree(db);
		return ERR_PTR(idx);
	}
	db->idx = idx;
	db->run_delayed = flags & VMCI_FLAG_DELAYED_CB;
	db->priv_flags = priv_flags;
	db->notify_cb = notify_cb;
	db->client_data = data;
	INIT_WORK(&db->work, dbell_work);
	return db;
}

static void dbell_free(struct vmci_doorbell *db)
{
	ida_free(&vmci_dbell_ida, db->idx);
	kfree(db);
}

int vmci_doorbell_create(struct vmci_handle *handle, u32 flags,
			 u32 priv_flags, vmci_callback notify_cb,
			 void *client_data)
{
	u32 cid = vmci_get_context_id();
	struct vmci_doorbell *db;
	struct vmci_handle h;
	int ret;

	if (!handle || !notify_cb || (flags & ~VMCI_FLAG_DELAYED_CB) ||
	    (priv_flags & ~VMCI_PRIVILEGE_ALL_FLAGS))
		return -EINVAL;
	if (cid == VMCI_INVALID_ID)
		return -ENODEV;
	h = vmci_handle_is_invalid(*handle) ?
		vmci_make_handle(cid, VMCI_INVALID_ID) : *handle;
	if (h.context != cid)
		return -EINVAL;

	db = dbell_alloc(flags, priv_flags, notify_cb, client_data);
	if (IS_ERR(db))
		return PTR_ERR(db);
	mutex_lock(&vmci_dbell_link_lock);
	ret = vmci_resource_add(&db->res, VMCI_RESOURCE_TYPE_DOORBELL, h);
	if (ret < VMCI_SUCCESS)
		goto err_free;
	if (vmci_guest_active()) {
		ret = dbell_hypercall(VMCI_DOORBELL_LINK, db->res.handle, db->idx);
		if (ret < VMCI_SUCCESS)
			goto err_remove;
		db->linked = true;
	}
	rcu_assign_pointer(vmci_dbell_slots[db->idx], db);
	mutex_unlock(&vmci_dbell_link_lock);
	*handle = db->res.handle;
	return 0;

err_remove:
	vmci_resource_remove(vmci_resource_get(&db->res));
err_free:
	mutex_unlock(&vmci_dbell_link_lock);
	dbell_free(db);
	return vmci_status_to_errno(ret);
}
EXPORT_SYMBOL_VV(vmci_doorbell_create);

int vmci_doorbell_destroy(struct vmci_handle handle)
{
	struct vmci_doorbell *db = dbell_get(handle);
	bool linked;

	if (!db)
		return -ENOENT;
	/* A create of this handle still running finishes first. */
	mutex_lock(&vmci_dbell_link_lock);
	/* Scans find it no more; those running finish before remove returns. */
	if (rcu_access_pointer(vmci_dbell_slots[db->idx]) == db)
		RCU_INIT_POINTER(vmci_dbell_slots[db->idx], NULL);
	linked = db->linked;
	db->linked = false;
	mutex_unlock(&vmci_dbell_link_lock);
	if (!vmci_resource_remove(&db->res))
		return 0;
	if (linked && vmci_guest_active() &&
	    dbell_hypercall(VMCI_DOORBELL_UNLINK, handle, 0) < VMCI_SUCCESS)
		pr_warn_ratelimited("cannot unlink doorbell %u\n", db->idx);
	dbell_free(db);
	return 0;
}
EXPORT_SYMBOL_VV(vmci_doorbell_destroy);

static int dbell_notify_local(struct vmci_handle handle, u32 priv_flags)
{
	struct vmci_doorbell *db = dbell_get(handle);
	int ret = VMCI_SUCCESS;

	if (!db)
		return VMCI_ERROR_INVALID_RESOURCE;
	if (vmci_deny_interaction(priv_flags, db->priv_flags))
		ret = VMCI_ERROR_NO_ACCESS;
	else
		WRITE_ONCE(vmci_dbell_local_bitmap[db->idx], 1);
	vmci_resource_put(&db->res);
	if (ret == VMCI_SUCCESS)
		vmci_doorbell_scan(vmci_dbell_local_bitmap);
	return ret;
}

int vmci_doorbell_notify(struct vmci_handle handle, u32 priv_flags)
{
	struct vmci_handle src = VMCI_ANON_SRC_HANDLE;
	enum vmci_route route;
	int ret;

	if (vmci_handle_is_invalid(handle) ||
	    (priv_flags & ~VMCI_PRIVILEGE_ALL_FLAGS))
		return -EINVAL;
	ret = vmci_route(&src, &handle, false, &route);
	if (ret < VMCI_SUCCESS)
		return vmci_status_to_errno(ret);
	if (route == VMCI_ROUTE_AS_HOST)
		ret = dbell_notify_local(handle, priv_flags);
	else
		ret = dbell_hypercall(VMCI_DOORBELL_NOTIFY, handle, 0);
	return vmci_status_to_errno(ret);
}
EXPORT_SYMBOL_VV(vmci_doorbell_notify);

int vmci_doorbell_init(void)
{
	vmci_dbell_local_bitmap = kzalloc(VMCI_MAX_GUEST_DOORBELL_COUNT,
					  GFP_KERNEL);
	return vmci_dbell_local_bitmap ? 0 : -ENOMEM;
}

static void dbell_release_leaked(struct vmci_resource *res)
{
	struct vmci_doorbell *db = container_of(res, struct vmci_doorbell, res);

	RCU_INIT_POINTER(vmci_dbell_slots[db->idx], NULL);
	synchronize_rcu();
	cancel_work_sync(&db->work);
	dbell_free(db);
}

void vmci_doorbell_exit(void)
{
	unsigned int n;

	n = vmci_resource_drain(VMCI_RESOURCE_TYPE_DOORBELL, dbell_release_leaked);
	if (n)
		pr_warn("%u doorbells leaked by clients, freed\n", n);
	kfree(vmci_dbell_local_bitmap);
	ida_destroy(&vmci_dbell_ida);
}
