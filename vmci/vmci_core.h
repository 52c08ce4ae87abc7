/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interfaces between the files of the VMCI core. Nothing here
 * crosses the module boundary except through EXPORT_SYMBOL_IF_KUNIT,
 * which makes a few internals reachable from the KUnit suites.
 *
 * Internal functions that mirror hypervisor semantics (routing, the
 * queue-pair broker, resource table) return VMCI status codes; the
 * exported API converts them with vmci_status_to_errno().
 *
 * Lock order, outermost first (each lock is documented where declared):
 *
 *   vmci_guest_lock       (guest.c, mutex)
 *   vmci_personality_lock (context.c, mutex)
 *   vmci_dbell_link_lock  (doorbell.c, mutex)
 *   vmci_gqp_lock         (guest_qp.c, mutex; events dispatched inside)
 *   vmci_qp_broker_lock   (broker.c, mutex)
 *   vmci_event_lock       (event.c, mutex; never held while delivering)
 *   vmci_resource_lock    (resource.c, spinlock, innermost)
 *
 * Datagram and doorbell callbacks run under rcu_read_lock() or with a
 * resource reference and hold none of the locks above, so delayed
 * callbacks may create and destroy other handles, never their own.
 * Event subscribers run under rcu_read_lock(), and for queue-pair
 * events with vmci_qp_broker_lock held: they must not sleep.
 */
#ifndef _VMCI_CORE_H
#define _VMCI_CORE_H

#include <linux/completion.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>
#include <vmci/vmci_abi.h>
#include <vmci/vmci_api.h>

struct device;
struct iov_iter;
struct workqueue_struct;

/* status.c */
int vmci_status_to_errno(int status);

/* context.c: personalities, context IDs and privileges */
bool vmci_host_active(void);
bool vmci_guest_active(void);
void vmci_personality_set(bool is_host, bool active);
u32 vmci_guest_context_id(void);
void vmci_guest_set_context_id(u32 cid);
bool vmci_deny_interaction(u32 priv_a, u32 priv_b);

/* host.c: the host personality */
int vmci_host_init(void);
void vmci_host_exit(void);
bool vmci_host_context_exists(u32 cid);

/* guest.c: the hardware seam (vmci_hw.h) */
int vmci_guest_init(void);
void vmci_guest_exit(void);
int vmci_guest_send(struct vmci_datagram *dg);
bool vmci_guest_dma_device(struct device **dev, u32 *caps);

/* guest_qp.c: queue pairs with the hypervisor */
struct vmci_qp_endpoint;
int vmci_guest_qp_alloc(struct vmci_handle *handle, u64 produce_size,
			u64 consume_size, u32 peer, u32 flags,
			struct vmci_qp_endpoint *ep);
void vmci_guest_qp_detach(struct vmci_qp_endpoint *ep);
void vmci_guest_qp_orphan_all(void);
void vmci_guest_qp_exit(void);

/* resource.c */
enum vmci_resource_type {
	VMCI_RESOURCE_TYPE_ANY,
	VMCI_RESOURCE_TYPE_DATAGRAM,
	VMCI_RESOURCE_TYPE_DOORBELL,
	VMCI_RESOURCE_TYPE_QPAIR,
	VMCI_RESOURCE_TYPE_GUEST_QPAIR,	/* guest_qp.c: pairs with the hypervisor */
};

/**
 * struct vmci_resource - an entry of the resource table
 * @node: bucket link; written under vmci_resource_lock, read under RCU
 * @handle: the handle; a context of VMCI_INVALID_ID matches any context
 * @type: what the entry is embedded in
 * @kref: references; the table holds one until vmci_resource_remove()
 * @done: completed when the last reference is dropped
 */
struct vmci_resource {
	struct hlist_node node;
	struct vmci_handle handle;
	enum vmci_resource_type type;
	struct kref kref;
	struct completion done;
};

int vmci_resource_add(struct vmci_resource *res, enum vmci_resource_type type,
		      struct vmci_handle handle);
bool vmci_resource_remove(struct vmci_resource *res);
bool vmci_resource_unlink(struct vmci_resource *res);
struct vmci_resource *vmci_resource_by_handle(struct vmci_handle handle,
					      enum vmci_resource_type type);
struct vmci_resource *vmci_resource_get(struct vmci_resource *res);
void vmci_resource_put(struct vmci_resource *res);
bool vmci_resource_table_empty(void);
unsigned int vmci_resource_drain(enum vmci_resource_type type,
				 void (*release)(struct vmci_resource *res));

/* route.c */
enum vmci_route {
	VMCI_ROUTE_NONE,
	VMCI_ROUTE_AS_HOST,
	VMCI_ROUTE_AS_GUEST,
};

int vmci_route(struct vmci_handle *src, const struct vmci_handle *dst,
	       bool from_guest, enum vmci_route *route);

/* datagram.c */
#define VMCI_MAX_DELAYED_DG_QUEUE	256

int vmci_datagram_init(void);
void vmci_datagram_exit(void);
int vmci_datagram_dispatch(u32 context_id, struct vmci_datagram *dg,
			   bool from_guest);
int vmci_datagram_deliver_guest(struct vmci_datagram *dg);
extern struct workqueue_struct *vmci_wq;

/* event.c */
int vmci_event_dispatch(struct vmci_datagram *msg);
void vmci_event_init(void);
void vmci_event_exit(void);

/* doorbell.c */
int vmci_doorbell_init(void);
void vmci_doorbell_exit(void);
void vmci_doorbell_scan(u8 *bitmap);
void vmci_doorbell_link_all(void);
void vmci_doorbell_unlink_all(void);

/* queue.c: one queue of a queue pair and the ring math */

/**
 * struct vmci_queue - one direction of a queue pair
 * @q_header: the header page, shared with the peer
 * @size: data bytes (the ring size)
 * @num_pages: data pages
 * @pages: kernel address of each data page
 * @mem: backing allocation of header and data pages
 */
struct vmci_queue {
	struct vmci_queue_header *q_header;
	u64 size;
	size_t num_pages;
	void **pages;
	void *mem;
};

struct vmci_queue *vmci_queue_alloc(u64 size, struct vmci_handle handle);
void vmci_queue_free(struct vmci_queue *q);
s64 vmci_ring_free_space(u64 tail, u64 head, u64 size);
s64 vmci_ring_buf_ready(u64 tail, u64 head, u64 size);
u64 vmci_ring_advance(u64 pos, u64 add, u64 size);
s64 vmci_queue_free_space(const struct vmci_queue *produce_q,
			  const struct vmci_queue *consume_q);
s64 vmci_queue_buf_ready(const struct vmci_queue *consume_q,
			 const struct vmci_queue *produce_q);
ssize_t vmci_queue_enqueue(struct vmci_queue *produce_q,
			   const struct vmci_queue *consume_q,
			   struct iov_iter *from, size_t len);
ssize_t vmci_queue_dequeue(struct vmci_queue *produce_q,
			   const struct vmci_queue *consume_q,
			   struct iov_iter *to, size_t len, bool consume);

/* broker.c: queue pairs as the host side sees them */
struct vmci_qp_entry;

/**
 * struct vmci_qp_endpoint - one attachment to a brokered queue pair
 * @entry: the broker's entry
 * @produce_q: queue this endpoint writes
 * @consume_q: queue this endpoint reads
 * @creator: this endpoint created the queue pair
 * @release: set by the endpoint's owner: frees the structure holding
 *	the endpoint if the owner leaked it (called only at module unload)
 */
struct vmci_qp_endpoint {
	struct vmci_qp_entry *entry;
	struct vmci_queue *produce_q;
	struct vmci_queue *consume_q;
	bool creator;
	void (*release)(struct vmci_qp_endpoint *ep);
};

void vmci_qp_broker_exit(void);
bool vmci_qp_sizes_valid(u64 produce_size, u64 consume_size);
int vmci_qp_broker_alloc(struct vmci_handle *handle, u32 peer, u32 flags,
			 u32 priv_flags, u64 produce_size, u64 consume_size,
			 u32 context_id, struct vmci_qp_endpoint *ep);
void vmci_qp_broker_detach(struct vmci_qp_endpoint *ep);

#endif /* _VMCI_CORE_H */
