// SPDX-License-Identifier: GPL-2.0
/*
 * Queue pairs with the hypervisor: a guest's pairs whose peer is the host
 * or another VM.
 *
 * The guest owns the memory. Each queue is a header page and its data
 * pages, allocated one page at a time and made DMA-able for the device
 * (the seam's @dev); QUEUEPAIR_ALLOC hands the hypervisor their page
 * numbers, in the guest's orientation: produce header, produce pages,
 * consume header, consume pages. The hypervisor initialises both headers
 * and maps the pages to the peer; from then on the ring engine of queue.c
 * works on them as on any queue. QUEUEPAIR_DETACH gives them back, after
 * which the guest frees them.
 *
 * When the device goes away (remove, suspend) its pairs are orphaned:
 * given back to the hypervisor while the device still works (a device
 * reset does not end them), and each pair's subscribers get a
 * QP_PEER_DETACH event (a vsock socket sees a reset, not a hang); the
 * memory stays until the client detaches. Pages the hypervisor may still
 * use (a detach refused, an alloc timed out) are never freed.
 *
 * vmci_gqp_lock protects the list and the orphaned flags, and is held
 * across an alloc's hypercall so that a device cannot leave in between.
 * Inside vmci_guest_lock (detach orphans with both held).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <vv_compat.h>

#include "vmci_core.h"

/**
 * struct vmci_guest_qp - a queue pair with the hypervisor
 * @res: its handle in the resource table
 * @node: on vmci_gqp_list
 * @dev: the device the pages are DMA-able for (a reference), or NULL
 * @produce: the queue this guest writes
 * @consume: the queue this guest reads
 * @npages: pages in @va and @dma: both headers and all data pages
 * @va: kernel address of each page, in page-list order
 * @dma: bus address of each page
 * @peer: the peer's context
 * @orphaned: the device left; no hypercall at detach
 * @ep: the client's endpoint (freed through it if the client leaks it)
 * @leaked: the hypervisor may still use the pages: never freed
 * @rcu: frees the struct after lookups that raced with its removal
 */
struct vmci_guest_qp {
	struct vmci_resource res;
	struct list_head node;
	struct device *dev;
	struct vmci_queue produce;
	struct vmci_queue consume;
	size_t npages;
	void **va;
	dma_addr_t *dma;
	u32 peer;
	bool orphaned;
	struct vmci_qp_endpoint *ep;
	bool leaked;
	struct rcu_head rcu;
};

static DEFINE_MUTEX(vmci_gqp_lock);
static LIST_HEAD(vmci_gqp_list);

/* The ALLOC message's fixed part after the datagram header. */
#define GQP_FIXED_PAYLOAD						\
	(sizeof(struct vmci_qp_alloc_msg) - sizeof(struct vmci_datagram))

static void gqp_free_pages(struct vmci_guest_qp *q)
{
	size_t i;

	for (i = 0; q->va && i < q->npages && q->va[i]; i++) {
		if (q->dev)
			dma_free_coherent(q->dev, PAGE_SIZE, q->va[i], q->dma[i]);
		else
			free_page((unsigned long)q->va[i]);
	}
	kvfree(q->va);
	kvfree(q->dma);
	kvfree(q->produce.pages);
	kvfree(q->consume.pages);
	put_device(q->dev);
}

static int gqp_alloc_pages(struct vmci_guest_qp *q)
{
	size_t i;

	q->va = kvcalloc(q->npages, sizeof(*q->va), GFP_KERNEL);
	q->dma = kvcalloc(q->npages, sizeof(*q->dma), GFP_KERNEL);
	if (!q->va || !q->dma)
		return -ENOMEM;
	for (i = 0; i < q->npages; i++) {
		if (q->dev) {
			q->va[i] = dma_alloc_coherent(q->dev, PAGE_SIZE, &q->dma[i],
						      GFP_KERNEL);
		} else {
			/* A fake device (KUnit): the page's own address. */
			q->va[i] = (void *)get_zeroed_page(GFP_KERNEL);
			if (q->va[i])
				q->dma[i] = virt_to_phys(q->va[i]);
		}
		if (!q->va[i])
			return -ENOMEM;
	}
	return 0;
}

/* Point a queue at its header and data pages in the page list. */
static int gqp_init_queue(struct vmci_guest_qp *q, struct vmci_queue *queue,
			  u64 size, size_t first)
{
	size_t i, n = DIV_ROUND_UP(size, PAGE_SIZE);

	queue->pages = kvcalloc(n, sizeof(*queue->pages), GFP_KERNEL);
	if (!queue->pages)
		return -ENOMEM;
	queue->size = size;
	queue->num_pages = n;
	queue->q_header = q->va[first];
	for (i = 0; i < n; i++)
		queue->pages[i] = q->va[first + 1 + i];
	return 0;
}

static int gqp_hypercall_alloc(struct vmci_guest_qp *q, u32 flags, u32 caps)
{
	bool ppn64 = caps & VMCI_CAPS_PPN64;
	size_t ppn_size = ppn64 ? sizeof(u64) : sizeof(u32);
	size_t len = sizeof(struct vmci_qp_alloc_msg) + q->npages * ppn_size;
	struct vmci_qp_alloc_msg *msg = kzalloc(len, GFP_KERNEL);
	u8 *ppns;
	size_t i;
	int ret;

	if (!msg)
		return VMCI_ERROR_NO_MEM;
	msg->hdr.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					VMCI_QUEUEPAIR_ALLOC);
	msg->hdr.src = VMCI_ANON_SRC_HANDLE;
	msg->hdr.payload_size = len - sizeof(msg->hdr);
	msg->handle = q->res.handle;
	msg->peer = q->peer;
	msg->flags = flags;
	msg->produce_size = q->produce.size;
	msg->consume_size = q->consume.size;
	msg->num_ppns = q->npages;
	ppns = (u8 *)(msg + 1);
	for (i = 0; i < q->npages; i++) {
		u64 ppn = q->dma[i] >> PAGE_SHIFT;

		/* The DMA mask keeps 32-bit page numbers in range. */
		if (!ppn64 && ppn > U32_MAX) {
			kfree(msg);
			return VMCI_ERROR_NO_MEM;
		}
		if (ppn64)
			((u64 *)ppns)[i] = ppn;
		else
			((u32 *)ppns)[i] = ppn;
	}
	ret = vmci_guest_send(&msg->hdr);
	kfree(msg);
	return ret;
}

static bool gqp_handle_taken(struct vmci_handle h)
{
	struct vmci_resource *r = vmci_resource_by_handle(h, VMCI_RESOURCE_TYPE_QPAIR);

	if (r)
		vmci_resource_put(r);
	return r;
}

/**
 * vmci_guest_qp_alloc() - make a queue pair with the hypervisor
 * @handle: in: the handle to attach to, or an invalid one to create;
 *	out: the pair's handle
 * @produce_size: bytes this guest writes
 * @consume_size: bytes this guest reads
 * @peer: the peer's context, or VMCI_INVALID_ID for any
 * @flags: VMCI_QPFLAG_ATTACH_ONLY, or none
 * @ep: out: the endpoint's queues
 *
 * Return: 0; -EINVAL for bad sizes or flags; -ENOBUFS when the page list
 * would not fit one datagram; -ENODEV without a device; -ENOMEM; or the
 * hypervisor's refusal as an errno (-ENOENT: nothing to attach to).
 * Context: process context, may sleep.
 */
int vmci_guest_qp_alloc(struct vmci_handle *handle, u64 produce_size,
			u64 consume_size, u32 peer, u32 flags,
			struct vmci_qp_endpoint *ep)
{
	size_t np = DIV_ROUND_UP(produce_size, PAGE_SIZE) + 1;
	size_t nc = DIV_ROUND_UP(consume_size, PAGE_SIZE) + 1;
	struct vmci_guest_qp *q;
	struct vmci_handle h;
	u32 caps;
	int ret;

	if (!vmci_qp_sizes_valid(produce_size, consume_size) ||
	    (flags & ~VMCI_QPFLAG_ATTACH_ONLY) ||
	    ((flags & VMCI_QPFLAG_ATTACH_ONLY) && vmci_handle_is_invalid(*handle)))
		return -EINVAL;
	/* Checked before anything is allocated: the list must fit a datagram. */
	if (GQP_FIXED_PAYLOAD + (np + nc) * sizeof(u64) > VMCI_MAX_DG_PAYLOAD_SIZE)
		return -ENOBUFS;

	q = kzalloc(sizeof(*q), GFP_KERNEL);
	if (!q)
		return -ENOMEM;
	q->npages = np + nc;
	q->peer = peer;
	mutex_lock(&vmci_gqp_lock);
	/*
	 * A detach marks the personality down before it orphans the pairs
	 * under this lock: a pair made after that would never be orphaned.
	 */
	ret = -ENODEV;
	if (!vmci_guest_active() || !vmci_guest_dma_device(&q->dev, &caps))
		goto err_unlock;
	h = vmci_handle_is_invalid(*handle) ?
		vmci_make_handle(vmci_get_context_id(), VMCI_INVALID_ID) : *handle;
	/* One handle space with the broker's local pairs. */
	ret = -EADDRINUSE;
	if (!vmci_handle_is_invalid(*handle) && gqp_handle_taken(h))
		goto err_unlock;
	ret = vmci_status_to_errno(vmci_resource_add(&q->res,
						     VMCI_RESOURCE_TYPE_GUEST_QPAIR, h));
	if (ret)
		goto err_unlock;
	ret = gqp_alloc_pages(q);
	if (!ret)
		ret = gqp_init_queue(q, &q->produce, produce_size, 0);
	if (!ret)
		ret = gqp_init_queue(q, &q->consume, consume_size, np);
	if (ret)
		goto err_remove;
	ret = gqp_hypercall_alloc(q, flags, caps);
	if (ret == VMCI_ERROR_TIMEOUT) {
		/* The device may still take the pages: never give them back. */
		vmci_resource_remove(vmci_resource_get(&q->res));
		mutex_unlock(&vmci_gqp_lock);
		pr_err("queue pair alloc timed out: %zu pages leaked\n", q->npages);
		return -ETIMEDOUT;
	}
	if (ret < VMCI_SUCCESS) {
		ret = vmci_status_to_errno(ret);
		goto err_remove;
	}
	ep->produce_q = &q->produce;
	ep->consume_q = &q->consume;
	ep->creator = !(flags & VMCI_QPFLAG_ATTACH_ONLY);
	q->ep = ep;
	list_add(&q->node, &vmci_gqp_list);
	mutex_unlock(&vmci_gqp_lock);
	*handle = q->res.handle;
	return 0;

err_remove:
	vmci_resource_remove(vmci_resource_get(&q->res));
err_unlock:
	mutex_unlock(&vmci_gqp_lock);
	gqp_free_pages(q);
	kfree(q);
	return ret;
}

/* Give a pair back; false if the hypervisor may still use its pages. */
static bool gqp_hypercall_detach(struct vmci_guest_qp *q)
{
	struct vmci_qp_detach_msg msg = {
		.hdr.dst = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
					    VMCI_QUEUEPAIR_DETACH),
		.hdr.src = VMCI_ANON_SRC_HANDLE,
		.hdr.payload_size = sizeof(msg) - sizeof(msg.hdr),
		.handle = q->res.handle,
	};
	int ret = vmci_guest_send(&msg.hdr);

	if (ret >= VMCI_SUCCESS || ret == VMCI_ERROR_NOT_FOUND)
		return true;
	pr_err("hypervisor refused to detach queue pair %u:%u (%d): pages leaked\n",
	       q->res.handle.context, q->res.handle.resource, ret);
	return false;
}

static struct vmci_guest_qp *gqp_of(struct vmci_qp_endpoint *ep)
{
	return container_of(ep->produce_q, struct vmci_guest_qp, produce);
}

/**
 * vmci_guest_qp_detach() - give a pair back to the hypervisor and free it
 * @ep: an endpoint vmci_guest_qp_alloc() filled
 *
 * Context: process context, may sleep.
 */
void vmci_guest_qp_detach(struct vmci_qp_endpoint *ep)
{
	struct vmci_guest_qp *q = gqp_of(ep);
	bool free_pages = true;

	mutex_lock(&vmci_gqp_lock);
	list_del(&q->node);
	/* After this the hypervisor no longer touches the pages. */
	if (!q->orphaned)
		free_pages = gqp_hypercall_detach(q);
	free_pages = free_pages && !q->leaked;
	mutex_unlock(&vmci_gqp_lock);
	vmci_resource_unlink(vmci_resource_get(&q->res));
	if (free_pages) {
		gqp_free_pages(q);
		kfree_rcu(q, rcu);
	}
}

/**
 * vmci_guest_qp_orphan_all() - the device leaves: its pairs lose their peer
 *
 * Context: process context, with vmci_guest_lock held.
 */
void vmci_guest_qp_orphan_all(void)
{
	struct vmci_guest_qp *q;

	mutex_lock(&vmci_gqp_lock);
	list_for_each_entry(q, &vmci_gqp_list, node) {
		struct vmci_event_qp ev = {
			.msg.hdr.dst = vmci_make_handle(vmci_get_context_id(),
							VMCI_EVENT_HANDLER),
			.msg.hdr.src = vmci_make_handle(VMCI_HYPERVISOR_CONTEXT_ID,
							VMCI_CONTEXT_RESOURCE_ID),
			.msg.hdr.payload_size = sizeof(ev) - sizeof(ev.msg.hdr),
			.msg.event_data.event = VMCI_EVENT_QP_PEER_DETACH,
			.payload.handle = q->res.handle,
			.payload.peer_id = q->peer,
		};

		if (q->orphaned)
			continue;
		/*
		 * The device still works here: a reset does not end its pairs,
		 * so they are given back now, not when the client detaches.
		 */
		if (!gqp_hypercall_detach(q))
			q->leaked = true;
		q->orphaned = true;
		vmci_event_dispatch(&ev.msg.hdr);
	}
	mutex_unlock(&vmci_gqp_lock);
}

/**
 * vmci_guest_qp_exit() - free the pairs clients leaked, at unload
 *
 * The device is gone by then (the PCI driver exits first), so they are
 * all orphaned: no hypercall.
 *
 * Context: process context (module exit).
 */
void vmci_guest_qp_exit(void)
{
	struct vmci_guest_qp *q, *tmp;
	unsigned int n = 0;

	list_for_each_entry_safe(q, tmp, &vmci_gqp_list, node) {
		struct vmci_qp_endpoint *ep = q->ep;

		list_del(&q->node);
		vmci_resource_remove(vmci_resource_get(&q->res));
		if (!q->leaked) {
			gqp_free_pages(q);
			kfree(q);
		}
		if (ep->release)
			ep->release(ep);
		n++;
	}
	if (n)
		pr_warn("%u queue pairs with the hypervisor leaked by clients, freed\n",
			n);
}
