// SPDX-License-Identifier: GPL-2.0
/*
 * The resource table: every datagram handle, doorbell and queue pair
 * of the core, hashed by resource ID.
 *
 * Lookups run under RCU and take a reference. Removal unhashes under
 * vmci_resource_lock, waits for an RCU grace period so no new lookup can
 * find the entry, drops the table's reference and waits for the others:
 * when vmci_resource_remove() returns, nothing uses the entry and its
 * container may be freed.
 *
 * A handle whose context is VMCI_INVALID_ID ("any context") matches any
 * context ID, in lookups and in collision checks alike, so an any-CID
 * endpoint and a per-context endpoint can never share a resource ID.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/rculist.h>
#include <linux/spinlock.h>
#include <vv_compat.h>

#include "vmci_core.h"

#define VMCI_RESOURCE_HASH_BITS	7

/* Protects the buckets and vmci_resource_next_id; innermost lock. */
static DEFINE_SPINLOCK(vmci_resource_lock);
static struct hlist_head vmci_resource_table[1 << VMCI_RESOURCE_HASH_BITS];
static u32 vmci_resource_next_id = VMCI_RESERVED_RESOURCE_ID_MAX + 1;

static struct hlist_head *resource_bucket(u32 rid)
{
	return &vmci_resource_table[hash_32(rid, VMCI_RESOURCE_HASH_BITS)];
}

static bool resource_matches(const struct vmci_resource *r,
			     struct vmci_handle h, enum vmci_resource_type type)
{
	if (r->handle.resource != h.resource)
		return false;
	if (type != VMCI_RESOURCE_TYPE_ANY && r->type != type)
		return false;
	return r->handle.context == h.context ||
	       r->handle.context == VMCI_INVALID_ID ||
	       h.context == VMCI_INVALID_ID;
}

/* Caller holds vmci_resource_lock or rcu_read_lock(). */
static struct vmci_resource *resource_find(struct vmci_handle h,
					   enum vmci_resource_type type)
{
	struct vmci_resource *r;

	hlist_for_each_entry_rcu(r, resource_bucket(h.resource), node,
				 lockdep_is_held(&vmci_resource_lock)) {
		if (resource_matches(r, h, type))
			return r;
	}
	return NULL;
}

/* A free resource ID for @cid above the reserved range, or VMCI_INVALID_ID. */
static u32 resource_find_free_id(u32 cid, enum vmci_resource_type type)
{
	u32 start = vmci_resource_next_id;
	u32 rid;

	lockdep_assert_held(&vmci_resource_lock);
	do {
		rid = vmci_resource_next_id++;
		if (vmci_resource_next_id == VMCI_INVALID_ID)
			vmci_resource_next_id = VMCI_RESERVED_RESOURCE_ID_MAX + 1;
		if (!resource_find(vmci_make_handle(cid, rid), type))
			return rid;
	} while (vmci_resource_next_id != start);
	return VMCI_INVALID_ID;
}

/**
 * vmci_resource_add() - insert a resource into the table
 * @res: the entry, embedded in its owner
 * @type: the owner's kind
 * @handle: wanted handle; a resource ID of VMCI_INVALID_ID asks for a
 *	free one
 *
 * Resource IDs up to VMCI_RESERVED_RESOURCE_ID_MAX are never handed out
 * but may be asked for: well-known endpoints (vsock's control handle is
 * resource 1) live there.
 *
 * Return: VMCI_SUCCESS, with res->handle set; VMCI_ERROR_ALREADY_EXISTS
 * if @handle collides; VMCI_ERROR_NO_HANDLE if no ID is free;
 * VMCI_ERROR_INVALID_ARGS for VMCI_RESOURCE_TYPE_ANY.
 * Context: any context.
 */
int vmci_resource_add(struct vmci_resource *res, enum vmci_resource_type type,
		      struct vmci_handle handle)
{
	unsigned long flags;
	int ret = VMCI_SUCCESS;

	if (type == VMCI_RESOURCE_TYPE_ANY)
		return VMCI_ERROR_INVALID_ARGS;
	spin_lock_irqsave(&vmci_resource_lock, flags);
	if (handle.resource == VMCI_INVALID_ID) {
		handle.resource = resource_find_free_id(handle.context, type);
		if (handle.resource == VMCI_INVALID_ID)
			ret = VMCI_ERROR_NO_HANDLE;
	} else if (resource_find(handle, type)) {
		ret = VMCI_ERROR_ALREADY_EXISTS;
	}
	if (ret == VMCI_SUCCESS) {
		res->handle = handle;
		res->type = type;
		kref_init(&res->kref);
		init_completion(&res->done);
		hlist_add_head_rcu(&res->node, resource_bucket(handle.resource));
	}
	spin_unlock_irqrestore(&vmci_resource_lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_add);

static void resource_release(struct kref *kref)
{
	struct vmci_resource *res = container_of(kref, struct vmci_resource, kref);

	complete(&res->done);
}

static bool resource_unhash(struct vmci_resource *res)
{
	unsigned long flags;
	bool hashed;

	might_sleep();
	spin_lock_irqsave(&vmci_resource_lock, flags);
	hashed = !hlist_unhashed(&res->node);
	if (hashed)
		hlist_del_init_rcu(&res->node);
	spin_unlock_irqrestore(&vmci_resource_lock, flags);
	if (!hashed)
		vmci_resource_put(res);
	return hashed;
}

/* Drop the caller's and the table's references, wait for the others. */
static void resource_unuse(struct vmci_resource *res)
{
	vmci_resource_put(res);		/* the caller's */
	vmci_resource_put(res);		/* the table's */
	wait_for_completion(&res->done);
}

/**
 * vmci_resource_remove() - unhash a resource and wait until it is unused
 * @res: an entry added with vmci_resource_add()
 *
 * The caller passes in one reference (from a lookup or
 * vmci_resource_get()), which this consumes. Of concurrent removers of
 * the same entry exactly one succeeds; the others return at once.
 *
 * Return: true if this call removed @res: no one uses it any more and
 * its container may be freed. False if another caller is removing it:
 * @res must not be touched again.
 * Context: process context, sleeps. The caller must hold no other
 * reference to @res, or this never returns.
 */
bool vmci_resource_remove(struct vmci_resource *res)
{
	if (!resource_unhash(res))
		return false;
	/* No lookup that started before the unhash is still running. */
	synchronize_rcu();
	resource_unuse(res);
	return true;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_remove);

/**
 * vmci_resource_unlink() - vmci_resource_remove() without a grace period
 * @res: an entry added with vmci_resource_add()
 *
 * As vmci_resource_remove(), except that a lookup that found @res just
 * before the unhash may still be looking at it (and will fail to take a
 * reference) when this returns: the caller frees the container after an
 * RCU grace period (kfree_rcu()). For paths that run once per
 * connection, where a synchronous grace period is the whole cost.
 *
 * Return: as vmci_resource_remove().
 * Context: process context, sleeps (for references still held).
 */
bool vmci_resource_unlink(struct vmci_resource *res)
{
	if (!resource_unhash(res))
		return false;
	resource_unuse(res);
	return true;
}

/**
 * vmci_resource_by_handle() - find a resource and take a reference
 * @handle: handle to look for (any-context rules apply)
 * @type: kind wanted, or VMCI_RESOURCE_TYPE_ANY
 *
 * Return: the entry with a reference the caller drops with
 * vmci_resource_put(), or NULL.
 * Context: any context.
 */
struct vmci_resource *vmci_resource_by_handle(struct vmci_handle handle,
					      enum vmci_resource_type type)
{
	struct vmci_resource *r;

	rcu_read_lock();
	r = resource_find(handle, type);
	/* A removed entry is unhashed before its count can reach zero. */
	if (r && !kref_get_unless_zero(&r->kref))
		r = NULL;
	rcu_read_unlock();
	return r;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_by_handle);

/**
 * vmci_resource_get() - take another reference
 * @res: an entry the caller holds a reference to
 *
 * Return: @res.
 * Context: any context.
 */
struct vmci_resource *vmci_resource_get(struct vmci_resource *res)
{
	kref_get(&res->kref);
	return res;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_get);

/**
 * vmci_resource_put() - drop a reference
 * @res: the entry
 *
 * Context: any context.
 */
void vmci_resource_put(struct vmci_resource *res)
{
	kref_put(&res->kref, resource_release);
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_put);

static struct vmci_resource *resource_unhash_first(enum vmci_resource_type type)
{
	struct vmci_resource *r;
	unsigned long flags;
	int i;

	spin_lock_irqsave(&vmci_resource_lock, flags);
	for (i = 0; i < ARRAY_SIZE(vmci_resource_table); i++) {
		hlist_for_each_entry(r, &vmci_resource_table[i], node) {
			if (r->type == type) {
				hlist_del_init_rcu(&r->node);
				goto out;
			}
		}
	}
	r = NULL;
out:
	spin_unlock_irqrestore(&vmci_resource_lock, flags);
	return r;
}

/**
 * vmci_resource_drain() - release the entries of a type left at unload
 * @type: the kind of entry
 * @release: frees one entry's container
 *
 * Only for module exit: a client that unloaded without destroying its
 * handles leaked them. Their references are ignored.
 *
 * Return: the number of entries released.
 * Context: process context, sleeps.
 */
unsigned int vmci_resource_drain(enum vmci_resource_type type,
				 void (*release)(struct vmci_resource *res))
{
	struct vmci_resource *r;
	unsigned int n = 0;

	while ((r = resource_unhash_first(type))) {
		synchronize_rcu();
		release(r);
		n++;
	}
	return n;
}

/**
 * vmci_resource_table_empty() - whether no resource is registered
 *
 * Return: true if the table is empty (used on module exit to report leaks).
 * Context: any context.
 */
bool vmci_resource_table_empty(void)
{
	unsigned long flags;
	bool empty = true;
	int i;

	spin_lock_irqsave(&vmci_resource_lock, flags);
	for (i = 0; i < ARRAY_SIZE(vmci_resource_table); i++)
		empty &= hlist_empty(&vmci_resource_table[i]);
	spin_unlock_irqrestore(&vmci_resource_lock, flags);
	return empty;
}
EXPORT_SYMBOL_IF_KUNIT(vmci_resource_table_empty);
