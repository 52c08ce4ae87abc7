/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCI kernel API, as used by the vsock VMCI transport and any other
 * kernel client of vmw_vmci.ko.
 *
 * Every function returns 0 (or a byte count) on success and a negative
 * errno on failure; VMCI status codes never reach a caller. The symbols
 * live in the VSOCK_VMCI_OOT namespace: importers call VV_IMPORT_NS().
 *
 * Names follow the in-kernel VMCI API so that a transport written for
 * one reads naturally against the other; the differences are errno
 * returns and the two-argument vsock callback.
 */
#ifndef _VMCI_API_H
#define _VMCI_API_H

#include <linux/types.h>
#include <linux/uidgid.h>
#include <vmci/vmci_abi.h>

struct msghdr;

/**
 * typedef vmci_datagram_recv_cb - receives a datagram sent to a handle
 * @client_data: the pointer given when the handle was created
 * @msg: the datagram; valid only during the call, the callee copies
 *	what it keeps. msg->payload_size was checked against the size of
 *	the buffer holding it.
 *
 * Context: bottom halves disabled (softirq rules) for datagrams from the
 * guest device. Process context, may sleep, for handles created with
 * VMCI_FLAG_DG_DELAYED_CB and for every datagram a host endpoint sends
 * to a host endpoint; such deferred callbacks of one handle run one at
 * a time and in order, beside those of other handles (each handle queues
 * at most 256; then its senders get -ENOBUFS). A deferred callback must
 * not destroy its own handle (destroying waits for the handle's queued
 * callbacks).
 * Return: 0 or a negative errno; ignored by the core except for
 * statistics.
 */
typedef int (*vmci_datagram_recv_cb)(void *client_data,
				     struct vmci_datagram *msg);

/**
 * typedef vmci_event_cb - receives an event a client subscribed to
 * @sub_id: the subscription ID vmci_event_subscribe() returned
 * @ed: the event type, followed by its payload
 *	(vmci_event_data_const_payload())
 * @client_data: the pointer given at subscription
 *
 * Context: RCU read-side critical section, possibly softirq: must not
 * sleep nor call back into vmci_event_*() or vmci_qpair_alloc/detach.
 */
typedef void (*vmci_event_cb)(u32 sub_id, const struct vmci_event_data *ed,
			      void *client_data);

/**
 * typedef vmci_callback - doorbell notification
 * @client_data: the pointer given to vmci_doorbell_create()
 *
 * Context: softirq, or process context with VMCI_FLAG_DELAYED_CB.
 */
typedef void (*vmci_callback)(void *client_data);

/**
 * typedef vmci_vsock_cb - a VMCI personality came up or went away
 * @is_host: true for the host personality (context 2), false for a guest
 *	device
 * @active: true when it came up, false when it is going away
 *
 * Context: process context, may sleep; called with the core's
 * personality mutex held, so it must not call
 * vmci_register_vsock_callback().
 */
typedef void (*vmci_vsock_cb)(bool is_host, bool active);

/* Opaque queue-pair endpoint. */
struct vmci_qp;

/**
 * vmci_datagram_create_handle_priv() - register a datagram endpoint
 * @resource_id: resource ID wanted, or VMCI_INVALID_ID for any free one
 *	above VMCI_RESERVED_RESOURCE_ID_MAX
 * @flags: VMCI_FLAG_ANYCID_DG_HND (match datagrams for any context ID,
 *	which survives a context ID change), VMCI_FLAG_DG_DELAYED_CB
 *	(call @recv_cb in process context)
 * @priv_flags: VMCI_PRIVILEGE_FLAG_RESTRICTED or _TRUSTED, or none
 * @recv_cb: called for each datagram sent to the handle
 * @client_data: passed to @recv_cb
 * @out_handle: the new handle
 *
 * Return: 0; -EINVAL for bad flags or arguments; -EADDRINUSE if the
 * handle exists; -ENOSPC if no resource ID is free; -ENODEV if no
 * personality is active; -ENOMEM.
 * Context: process context, may sleep.
 */
int vmci_datagram_create_handle_priv(u32 resource_id, u32 flags,
				     u32 priv_flags,
				     vmci_datagram_recv_cb recv_cb,
				     void *client_data,
				     struct vmci_handle *out_handle);

/**
 * vmci_datagram_create_handle() - register a datagram endpoint
 * @resource_id: as for vmci_datagram_create_handle_priv()
 * @flags: as for vmci_datagram_create_handle_priv()
 * @recv_cb: as for vmci_datagram_create_handle_priv()
 * @client_data: as for vmci_datagram_create_handle_priv()
 * @out_handle: as for vmci_datagram_create_handle_priv()
 *
 * Same as vmci_datagram_create_handle_priv() with the default privilege.
 *
 * Return: as vmci_datagram_create_handle_priv().
 * Context: process context, may sleep.
 */
int vmci_datagram_create_handle(u32 resource_id, u32 flags,
				vmci_datagram_recv_cb recv_cb,
				void *client_data,
				struct vmci_handle *out_handle);

/**
 * vmci_datagram_destroy_handle() - unregister a datagram endpoint
 * @handle: a handle from vmci_datagram_create_handle*()
 *
 * On return no callback for @handle runs any more, deferred ones
 * included.
 *
 * Return: 0; -ENOENT if @handle is not a registered datagram handle.
 * Context: process context, sleeps (waits for running callbacks).
 */
int vmci_datagram_destroy_handle(struct vmci_handle handle);

/**
 * vmci_datagram_send() - route and send a datagram
 * @msg: header followed by msg->payload_size bytes; the caller keeps
 *	ownership, the core copies what it queues
 *
 * Return: bytes sent (header included) on success; -EINVAL for a bad
 * header; -EMSGSIZE above VMCI_MAX_DG_SIZE; -EHOSTUNREACH if no such
 * destination; -EPERM if privileges forbid it; -ENOBUFS if the
 * receiver's deferred delivery queue is full; -ENODEV if no route exists.
 * Context: process or softirq context. The receiver's callback never
 * runs inside this call (a local receiver gets a deferred copy), so the
 * caller may hold locks that callback takes.
 */
int vmci_datagram_send(struct vmci_datagram *msg);

/**
 * vmci_datagram_send_unlocked() - vmci_datagram_send() that may deliver now
 * @msg: as for vmci_datagram_send()
 *
 * For a caller that holds no spinlock and is not inside a VMCI receive
 * callback: a local receiver's callback may run inside this call, in the
 * caller's context with bottom halves disabled, which saves a copy and a
 * work item per datagram. It is deferred as with vmci_datagram_send()
 * when the receiver still has deferred datagrams (they keep their order),
 * when called from a receive callback, or with interrupts off.
 *
 * Return: as vmci_datagram_send().
 * Context: process context; no spinlock held.
 */
int vmci_datagram_send_unlocked(struct vmci_datagram *msg);

/**
 * vmci_send_datagram() - send a datagram straight to the hypervisor
 * @dg: datagram for {VMCI_HYPERVISOR_CONTEXT_ID, rid}
 *
 * Return: the hypervisor's non-negative result, or a negative errno
 * (-ENODEV without a guest device).
 * Context: any context, does not sleep.
 */
int vmci_send_datagram(struct vmci_datagram *dg);

/**
 * vmci_doorbell_create() - register a doorbell
 * @handle: in: VMCI_INVALID_HANDLE for a new one, or a wanted handle in
 *	the local context; out: the doorbell's handle
 * @flags: VMCI_FLAG_DELAYED_CB to be notified in process context
 * @priv_flags: privilege of the doorbell
 * @notify_cb: called when the doorbell is rung
 * @client_data: passed to @notify_cb
 *
 * Return: 0; -EINVAL; -EADDRINUSE; -ENOSPC when all notification
 * bitmap slots are taken; -ENOMEM; -ENODEV.
 * Context: process context, may sleep.
 */
int vmci_doorbell_create(struct vmci_handle *handle, u32 flags,
			 u32 priv_flags, vmci_callback notify_cb,
			 void *client_data);

/**
 * vmci_doorbell_destroy() - unregister a doorbell
 * @handle: its handle
 *
 * On return @notify_cb no longer runs.
 *
 * Return: 0; -ENOENT if @handle is not a doorbell.
 * Context: process context, sleeps.
 */
int vmci_doorbell_destroy(struct vmci_handle handle);

/**
 * vmci_doorbell_notify() - ring a doorbell
 * @handle: the doorbell
 * @priv_flags: privilege of the caller
 *
 * Return: 0; -EINVAL for an invalid handle; -EHOSTUNREACH if no such
 * doorbell; -EPERM if privileges forbid it; -ENODEV.
 * Context: process or softirq context. A local non-delayed doorbell's
 * callback runs before this returns, with bottom halves disabled.
 */
int vmci_doorbell_notify(struct vmci_handle handle, u32 priv_flags);

/**
 * vmci_get_context_id() - the local context ID
 *
 * Return: the guest's context ID when a guest device is bound,
 * VMCI_HOST_CONTEXT_ID when only the host personality is active,
 * VMCI_INVALID_ID otherwise.
 * Context: any context.
 */
u32 vmci_get_context_id(void);

/**
 * vmci_is_context_owner() - whether a user owns a VM context
 * @context_id: a VM context
 * @uid: the user
 *
 * Return: true if @uid created @context_id through /dev/vmci. Always
 * false until /dev/vmci exists.
 * Context: any context.
 */
bool vmci_is_context_owner(u32 context_id, kuid_t uid);

/**
 * vmci_context_get_priv_flags() - privilege flags of a context
 * @context_id: any context ID
 *
 * Return: the flags of the host context or of a known VM context;
 * VMCI_LEAST_PRIVILEGE_FLAGS for unknown contexts, and VMCI_NO_PRIVILEGE_FLAGS
 * when the host personality is not active.
 * Context: any context.
 */
u32 vmci_context_get_priv_flags(u32 context_id);

/**
 * vmci_register_vsock_callback() - learn when personalities come and go
 * @callback: the function, or NULL to unregister
 *
 * @callback is called at once for each personality already active, then
 * on every later change, until it is unregistered.
 *
 * Return: 0; -EBUSY if another callback is registered.
 * Context: process context, may sleep.
 */
int vmci_register_vsock_callback(vmci_vsock_cb callback);

/**
 * vmci_event_subscribe() - subscribe to an event
 * @event: a VMCI_EVENT_* valid for kernel endpoints
 * @callback: called for each occurrence
 * @callback_data: passed to @callback
 * @subid: out: the subscription ID
 *
 * Return: 0; -EINVAL for an unknown or VMX-only event or NULL pointers;
 * -ENOMEM.
 * Context: process context, may sleep.
 */
int vmci_event_subscribe(u32 event, vmci_event_cb callback,
			 void *callback_data, u32 *subid);

/**
 * vmci_event_unsubscribe() - cancel a subscription
 * @subid: the ID from vmci_event_subscribe()
 *
 * On return the callback no longer runs.
 *
 * Return: 0; -ENOENT for an unknown ID.
 * Context: process context, sleeps (waits for an RCU grace period).
 */
int vmci_event_unsubscribe(u32 subid);

/**
 * vmci_qpair_alloc() - create or attach to a queue pair
 * @qpair: out: the endpoint
 * @handle: in: VMCI_INVALID_HANDLE to create a new queue pair, or the
 *	handle of one to attach to; out: the queue pair's handle
 * @produce_qsize: bytes this endpoint can have in flight towards its peer
 * @consume_qsize: bytes the peer can have in flight towards this endpoint
 * @peer: peer context ID, or VMCI_INVALID_ID for any
 * @flags: VMCI_QPFLAG_ATTACH_ONLY (fail unless it exists),
 *	VMCI_QPFLAG_LOCAL (both endpoints in this context); NONBLOCK and
 *	PINNED are refused
 * @priv_flags: privilege of the endpoint
 *
 * The attaching endpoint passes the creator's sizes swapped; its
 * produce queue is the creator's consume queue. The creator receives a
 * VMCI_EVENT_QP_PEER_ATTACH event, and each endpoint's detach sends
 * VMCI_EVENT_QP_PEER_DETACH to the other.
 *
 * Return: 0; -EINVAL for bad flags, sizes or a size mismatch on attach;
 * -ENOBUFS if produce + consume exceeds VMCI_MAX_GUEST_QP_MEMORY;
 * -ENOENT for ATTACH_ONLY when it does not exist; -EBUSY if already
 * attached by two endpoints; -EPERM; -ENOMEM; -ENODEV.
 * Context: process context, may sleep.
 */
int vmci_qpair_alloc(struct vmci_qp **qpair, struct vmci_handle *handle,
		     u64 produce_qsize, u64 consume_qsize, u32 peer,
		     u32 flags, u32 priv_flags);

/**
 * vmci_qpair_detach() - detach from a queue pair and free the endpoint
 * @qpair: in: the endpoint; out: NULL
 *
 * The queue memory is freed when the last endpoint detaches.
 *
 * Return: 0; -EINVAL for a NULL endpoint.
 * Context: process context, may sleep. No other call may use the
 * endpoint concurrently.
 */
int vmci_qpair_detach(struct vmci_qp **qpair);

/**
 * vmci_qpair_get_produce_indexes() - offsets in the produce queue
 * @qpair: the endpoint
 * @producer_tail: out (may be NULL): where this endpoint writes next
 * @consumer_head: out (may be NULL): where the peer reads next
 *
 * Return: 0; -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
int vmci_qpair_get_produce_indexes(const struct vmci_qp *qpair,
				   u64 *producer_tail, u64 *consumer_head);

/**
 * vmci_qpair_get_consume_indexes() - offsets in the consume queue
 * @qpair: the endpoint
 * @consumer_tail: out (may be NULL): where the peer writes next
 * @producer_head: out (may be NULL): where this endpoint reads next
 *
 * Return: 0; -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
int vmci_qpair_get_consume_indexes(const struct vmci_qp *qpair,
				   u64 *consumer_tail, u64 *producer_head);

/**
 * vmci_qpair_produce_free_space() - bytes that can be enqueued now
 * @qpair: the endpoint
 *
 * Return: free bytes, or -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
s64 vmci_qpair_produce_free_space(const struct vmci_qp *qpair);

/**
 * vmci_qpair_produce_buf_ready() - bytes enqueued, not yet dequeued by the peer
 * @qpair: the endpoint
 *
 * Return: bytes, or -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
s64 vmci_qpair_produce_buf_ready(const struct vmci_qp *qpair);

/**
 * vmci_qpair_consume_free_space() - bytes the peer can enqueue now
 * @qpair: the endpoint
 *
 * Return: bytes, or -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
s64 vmci_qpair_consume_free_space(const struct vmci_qp *qpair);

/**
 * vmci_qpair_consume_buf_ready() - bytes that can be dequeued now
 * @qpair: the endpoint
 *
 * Return: bytes, or -EINVAL for NULL @qpair or corrupt offsets.
 * Context: any context.
 */
s64 vmci_qpair_consume_buf_ready(const struct vmci_qp *qpair);

/**
 * vmci_qpair_enqueue() - copy bytes into the produce queue
 * @qpair: the endpoint
 * @buf: source
 * @buf_size: bytes wanted
 * @mode: reserved, 0
 *
 * Copies min(@buf_size, free space) bytes.
 *
 * Return: bytes copied; -EAGAIN if the queue is full; -EINVAL for bad
 * arguments or corrupt offsets.
 * Context: any context; one enqueuer per endpoint at a time (callers
 * serialize, e.g. with the socket lock).
 */
ssize_t vmci_qpair_enqueue(struct vmci_qp *qpair, const void *buf,
			   size_t buf_size, int mode);

/**
 * vmci_qpair_dequeue() - copy bytes out of the consume queue
 * @qpair: the endpoint
 * @buf: destination
 * @buf_size: room in @buf
 * @mode: reserved, 0
 *
 * Return: bytes copied; -EAGAIN if the queue is empty; -EINVAL.
 * Context: any context; one dequeuer per endpoint at a time.
 */
ssize_t vmci_qpair_dequeue(struct vmci_qp *qpair, void *buf,
			   size_t buf_size, int mode);

/**
 * vmci_qpair_peek() - copy bytes out of the consume queue, leaving them
 * @qpair: the endpoint
 * @buf: destination
 * @buf_size: room in @buf
 * @mode: reserved, 0
 *
 * Return: as vmci_qpair_dequeue().
 * Context: as vmci_qpair_dequeue().
 */
ssize_t vmci_qpair_peek(struct vmci_qp *qpair, void *buf, size_t buf_size,
			int mode);

/**
 * vmci_qpair_enquev() - vmci_qpair_enqueue() from msg->msg_iter
 * @qpair: the endpoint
 * @msg: source; its iterator advances by the bytes copied
 * @iov_size: bytes wanted
 * @mode: reserved, 0
 *
 * Return: bytes copied; -EAGAIN if full; -EINVAL for bad arguments,
 * corrupt offsets, or when nothing could be copied (a fault in user
 * memory).
 * Context: process context when the iterator holds user memory.
 */
ssize_t vmci_qpair_enquev(struct vmci_qp *qpair, struct msghdr *msg,
			  size_t iov_size, int mode);

/**
 * vmci_qpair_dequev() - vmci_qpair_dequeue() into msg->msg_iter
 * @qpair: the endpoint
 * @msg: destination; its iterator advances by the bytes copied
 * @iov_size: bytes wanted
 * @mode: reserved, 0
 *
 * Return: bytes copied; -EAGAIN if empty; -EINVAL as for
 * vmci_qpair_enquev().
 * Context: as vmci_qpair_enquev().
 */
ssize_t vmci_qpair_dequev(struct vmci_qp *qpair, struct msghdr *msg,
			  size_t iov_size, int mode);

/**
 * vmci_qpair_peekv() - vmci_qpair_peek() into msg->msg_iter
 * @qpair: the endpoint
 * @msg: destination; its iterator advances by the bytes copied
 * @iov_size: bytes wanted
 * @mode: reserved, 0
 *
 * Return: as vmci_qpair_dequev().
 * Context: as vmci_qpair_enquev().
 */
ssize_t vmci_qpair_peekv(struct vmci_qp *qpair, struct msghdr *msg,
			 size_t iov_size, int mode);

#endif /* _VMCI_API_H */
