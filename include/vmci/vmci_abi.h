/* SPDX-License-Identifier: GPL-2.0 */
/*
 * VMCI device and hypervisor ABI.
 *
 * Everything in this file is fixed by VMware's virtual hardware and
 * hypervisor: register offsets, capability bits, the datagram header,
 * hypervisor resource IDs, status codes, event and queue-pair message
 * layouts. None of it may change. Wire structs carry static_asserts on
 * their size and on every field offset, so a layout change cannot
 * compile. All fields are host-endian: the device is only ever found on
 * little-endian x86 and arm64 guests, and the hypervisor reads them
 * natively.
 */
#ifndef _VMCI_ABI_H
#define _VMCI_ABI_H

#include <linux/align.h>
#include <linux/bits.h>
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <asm/page.h>

/* PCI identity and BAR layout. */
#define VMCI_PCI_VENDOR_ID		0x15ad
#define VMCI_PCI_DEVICE_ID		0x0740
#define VMCI_MMIO_BAR_SIZE		((size_t)256 * 1024)
#define VMCI_MMIO_REGS_OFFSET		((size_t)128 * 1024)
#define VMCI_MMIO_REGS_SIZE		((size_t)64 * 1024)

/* Register offsets (I/O BAR0 or MMIO BAR1 + VMCI_MMIO_REGS_OFFSET). */
#define VMCI_STATUS_ADDR		0x00
#define VMCI_CONTROL_ADDR		0x04
#define VMCI_ICR_ADDR			0x08
#define VMCI_IMR_ADDR			0x0c
#define VMCI_DATA_OUT_ADDR		0x10
#define VMCI_DATA_IN_ADDR		0x14
#define VMCI_CAPS_ADDR			0x18
#define VMCI_RESULT_LOW_ADDR		0x1c
#define VMCI_RESULT_HIGH_ADDR		0x20
#define VMCI_DATA_OUT_LOW_ADDR		0x24
#define VMCI_DATA_OUT_HIGH_ADDR		0x28
#define VMCI_DATA_IN_LOW_ADDR		0x2c
#define VMCI_DATA_IN_HIGH_ADDR		0x30
#define VMCI_GUEST_PAGE_SHIFT		0x34

#define VMCI_STATUS_INT_ON		BIT(0)

#define VMCI_CONTROL_RESET		BIT(0)
#define VMCI_CONTROL_INT_ENABLE		BIT(1)
#define VMCI_CONTROL_INT_DISABLE	BIT(2)

/* CAPS: read = offered by the device, write = used by the driver. */
#define VMCI_CAPS_HYPERCALL		BIT(0)
#define VMCI_CAPS_GUESTCALL		BIT(1)
#define VMCI_CAPS_DATAGRAM		BIT(2)
#define VMCI_CAPS_NOTIFICATIONS		BIT(3)
#define VMCI_CAPS_PPN64			BIT(4)
#define VMCI_CAPS_DMA_DATAGRAM		BIT(5)

/* ICR (cause) and IMR (mask) share their bit numbers. */
#define VMCI_ICR_DATAGRAM		BIT(0)
#define VMCI_ICR_NOTIFICATION		BIT(1)
#define VMCI_ICR_DMA_DATAGRAM		BIT(2)
#define VMCI_IMR_DATAGRAM		VMCI_ICR_DATAGRAM
#define VMCI_IMR_NOTIFICATION		VMCI_ICR_NOTIFICATION
#define VMCI_IMR_DMA_DATAGRAM		VMCI_ICR_DMA_DATAGRAM

/* Exclusive MSI-X vectors, in message order. */
enum vmci_intr {
	VMCI_INTR_DATAGRAM = 0,
	VMCI_INTR_NOTIFICATION = 1,
	VMCI_INTR_DMA_DATAGRAM = 2,
	VMCI_MAX_INTRS = 3,
};

/**
 * struct vmci_data_in_out_header - DMA datagram buffer header
 * @busy: set by the driver before a send (cleared by the device when done);
 *	cleared before a receive (set by the device when data is in)
 * @opcode: operation, 0 for datagrams
 * @size: bytes of datagram data following the header
 * @rsvd: reserved, zero
 * @result: VMCI status of a send, written by the device
 */
struct vmci_data_in_out_header {
	u32 busy;
	u32 opcode;
	u32 size;
	u32 rsvd;
	u64 result;
};

/**
 * struct vmci_sg_elem - scatter-gather element of a DMA datagram buffer
 * @addr: bus address
 * @size: length in bytes
 */
struct vmci_sg_elem {
	u64 addr;
	u64 size;
};

/* Hypervisor resource IDs: datagram destination {VMCI_HYPERVISOR_CONTEXT_ID, rid}. */
enum vmci_hv_resource {
	VMCI_RESOURCES_QUERY = 0,
	VMCI_GET_CONTEXT_ID = 1,
	VMCI_SET_NOTIFY_BITMAP = 2,
	VMCI_DOORBELL_LINK = 3,
	VMCI_DOORBELL_UNLINK = 4,
	VMCI_DOORBELL_NOTIFY = 5,
	VMCI_DATAGRAM_REQUEST_MAP = 6,	/* obsolete (VM to VM) */
	VMCI_DATAGRAM_REMOVE_MAP = 7,	/* obsolete (VM to VM) */
	VMCI_EVENT_SUBSCRIBE = 8,
	VMCI_EVENT_UNSUBSCRIBE = 9,
	VMCI_QUEUEPAIR_ALLOC = 10,
	VMCI_QUEUEPAIR_DETACH = 11,
	/* 12 was a vsock VMX lookup in old products: never reuse. */
	VMCI_HGFS_TRANSPORT = 13,
	VMCI_UNITY_PBRPC_REGISTER = 14,
	VMCI_RPC_PRIVILEGED = 15,
	VMCI_RPC_UNPRIVILEGED = 16,
	VMCI_RESOURCE_MAX = 17,
};

/**
 * struct vmci_handle - a VMCI endpoint: context (VM) and resource in it
 * @context: context ID
 * @resource: resource ID within the context
 */
struct vmci_handle {
	u32 context;
	u32 resource;
};

#define VMCI_INVALID_ID			((u32)~0U)

/* Context IDs below 16 are reserved; these three have a meaning. */
#define VMCI_HYPERVISOR_CONTEXT_ID	0U
#define VMCI_WELL_KNOWN_CONTEXT_ID	1U	/* obsolete */
#define VMCI_HOST_CONTEXT_ID		2U
#define VMCI_RESERVED_CID_LIMIT		16U

/* Resource IDs up to this one are reserved; allocation starts above. */
#define VMCI_RESERVED_RESOURCE_ID_MAX	1023U
/* The resource ID that names a context itself. */
#define VMCI_CONTEXT_RESOURCE_ID	0U
/* The guest resource that receives events from the hypervisor. */
#define VMCI_EVENT_HANDLER		0U

static inline struct vmci_handle vmci_make_handle(u32 cid, u32 rid)
{
	return (struct vmci_handle){ .context = cid, .resource = rid };
}

#define VMCI_INVALID_HANDLE vmci_make_handle(VMCI_INVALID_ID, VMCI_INVALID_ID)
/* Source of a datagram that expects no reply. */
#define VMCI_ANON_SRC_HANDLE VMCI_INVALID_HANDLE

static inline bool vmci_handle_is_equal(struct vmci_handle a,
					struct vmci_handle b)
{
	return a.context == b.context && a.resource == b.resource;
}

static inline bool vmci_handle_is_invalid(struct vmci_handle h)
{
	return vmci_handle_is_equal(h, VMCI_INVALID_HANDLE);
}

static inline bool vmci_context_is_vm(u32 cid)
{
	return cid != VMCI_INVALID_ID && cid > VMCI_HOST_CONTEXT_ID;
}

/**
 * struct vmci_datagram - header of every VMCI datagram
 * @dst: destination handle
 * @src: source handle
 * @payload_size: bytes of payload following the header
 */
struct vmci_datagram {
	struct vmci_handle dst;
	struct vmci_handle src;
	u64 payload_size;
};

#define VMCI_DG_HEADERSIZE		sizeof(struct vmci_datagram)
/* Largest routable datagram; datagrams to the hypervisor may be larger. */
#define VMCI_MAX_DG_SIZE		(17 * 4096)
#define VMCI_MAX_DG_PAYLOAD_SIZE	(VMCI_MAX_DG_SIZE - VMCI_DG_HEADERSIZE)
#define VMCI_MAX_DATAGRAM_QUEUE_SIZE	(VMCI_MAX_DG_SIZE * 2)

static inline void *vmci_dg_payload(struct vmci_datagram *dg)
{
	return dg + 1;
}

/* Header plus payload; only meaningful once payload_size was validated. */
static inline size_t vmci_dg_size(const struct vmci_datagram *dg)
{
	return VMCI_DG_HEADERSIZE + (size_t)dg->payload_size;
}

/* Datagrams are streamed to the device 8-byte aligned. */
static inline size_t vmci_dg_size_aligned(const struct vmci_datagram *dg)
{
	return ALIGN(vmci_dg_size(dg), 8);
}

/* Datagram handle flags. */
#define VMCI_FLAG_DG_NONE		0U
#define VMCI_FLAG_WELLKNOWN_DG_HND	BIT(0)	/* obsolete, rejected */
#define VMCI_FLAG_ANYCID_DG_HND		BIT(1)
#define VMCI_FLAG_DG_DELAYED_CB		BIT(2)

/* Doorbell flags. */
#define VMCI_FLAG_DELAYED_CB		BIT(0)

/* Coarse privileges of a context or endpoint. */
#define VMCI_NO_PRIVILEGE_FLAGS			0U
#define VMCI_PRIVILEGE_FLAG_RESTRICTED		BIT(0)
#define VMCI_PRIVILEGE_FLAG_TRUSTED		BIT(1)
#define VMCI_PRIVILEGE_ALL_FLAGS		(VMCI_PRIVILEGE_FLAG_RESTRICTED | \
						 VMCI_PRIVILEGE_FLAG_TRUSTED)
#define VMCI_DEFAULT_PROC_PRIVILEGE_FLAGS	VMCI_NO_PRIVILEGE_FLAGS
#define VMCI_LEAST_PRIVILEGE_FLAGS		VMCI_PRIVILEGE_FLAG_RESTRICTED

/* VMCI status codes, as the hypervisor returns them. */
enum vmci_status {
	VMCI_SUCCESS_QUEUEPAIR_ATTACH = 5,
	VMCI_SUCCESS_QUEUEPAIR_CREATE = 4,
	VMCI_SUCCESS_LAST_DETACH = 3,
	VMCI_SUCCESS_ACCESS_GRANTED = 2,
	VMCI_SUCCESS_ENTRY_DEAD = 1,
	VMCI_SUCCESS = 0,
	VMCI_ERROR_INVALID_RESOURCE = -1,
	VMCI_ERROR_INVALID_ARGS = -2,
	VMCI_ERROR_NO_MEM = -3,
	VMCI_ERROR_DATAGRAM_FAILED = -4,
	VMCI_ERROR_MORE_DATA = -5,
	VMCI_ERROR_NO_MORE_DATAGRAMS = -6,
	VMCI_ERROR_NO_ACCESS = -7,
	VMCI_ERROR_NO_HANDLE = -8,
	VMCI_ERROR_DUPLICATE_ENTRY = -9,
	VMCI_ERROR_DST_UNREACHABLE = -10,
	VMCI_ERROR_PAYLOAD_TOO_LARGE = -11,
	VMCI_ERROR_INVALID_PRIV = -12,
	VMCI_ERROR_GENERIC = -13,
	VMCI_ERROR_PAGE_ALREADY_SHARED = -14,
	VMCI_ERROR_CANNOT_SHARE_PAGE = -15,
	VMCI_ERROR_CANNOT_UNSHARE_PAGE = -16,
	VMCI_ERROR_NO_PROCESS = -17,
	VMCI_ERROR_NO_DATAGRAM = -18,
	VMCI_ERROR_NO_RESOURCES = -19,
	VMCI_ERROR_UNAVAILABLE = -20,
	VMCI_ERROR_NOT_FOUND = -21,
	VMCI_ERROR_ALREADY_EXISTS = -22,
	VMCI_ERROR_NOT_PAGE_ALIGNED = -23,
	VMCI_ERROR_INVALID_SIZE = -24,
	VMCI_ERROR_REGION_ALREADY_SHARED = -25,
	VMCI_ERROR_TIMEOUT = -26,
	VMCI_ERROR_DATAGRAM_INCOMPLETE = -27,
	VMCI_ERROR_INCORRECT_IRQL = -28,
	VMCI_ERROR_EVENT_UNKNOWN = -29,
	VMCI_ERROR_OBSOLETE = -30,
	VMCI_ERROR_QUEUEPAIR_MISMATCH = -31,
	VMCI_ERROR_QUEUEPAIR_NOTSET = -32,
	VMCI_ERROR_QUEUEPAIR_NOTOWNER = -33,
	VMCI_ERROR_QUEUEPAIR_NOTATTACHED = -34,
	VMCI_ERROR_QUEUEPAIR_NOSPACE = -35,
	VMCI_ERROR_QUEUEPAIR_NODATA = -36,
	VMCI_ERROR_BUSMEM_INVALIDATION = -37,
	VMCI_ERROR_MODULE_NOT_LOADED = -38,
	VMCI_ERROR_DEVICE_NOT_FOUND = -39,
	VMCI_ERROR_QUEUEPAIR_NOT_READY = -40,
	VMCI_ERROR_WOULD_BLOCK = -41,
	VMCI_ERROR_CLIENT_MIN = -500,
	VMCI_ERROR_CLIENT_MAX = -550,
	VMCI_SHAREDMEM_ERROR_BAD_CONTEXT = -1000,
};

/* Event types. */
enum vmci_event_type {
	VMCI_EVENT_CTX_ID_UPDATE = 0,	/* guest only */
	VMCI_EVENT_CTX_REMOVED = 1,
	VMCI_EVENT_QP_RESUMED = 2,	/* guest only */
	VMCI_EVENT_QP_PEER_ATTACH = 3,
	VMCI_EVENT_QP_PEER_DETACH = 4,
	VMCI_EVENT_MEM_ACCESS_ON = 5,	/* VMX only */
	VMCI_EVENT_MEM_ACCESS_OFF = 6,	/* VMX only */
	VMCI_EVENT_MAX = 7,
};

/* Events a kernel endpoint (guest or host) may subscribe to. */
static inline bool vmci_event_is_valid(u32 event)
{
	return event < VMCI_EVENT_MAX &&
	       event != VMCI_EVENT_MEM_ACCESS_ON &&
	       event != VMCI_EVENT_MEM_ACCESS_OFF;
}

/**
 * struct vmci_event_data - event type, followed by its payload
 * @event: one of &enum vmci_event_type
 * @_pad: zero
 */
struct vmci_event_data {
	u32 event;
	u32 _pad;
};

/**
 * struct vmci_event_payld_ctx - payload of CTX_ID_UPDATE and CTX_REMOVED
 * @context_id: the context concerned
 * @_pad: zero
 */
struct vmci_event_payld_ctx {
	u32 context_id;
	u32 _pad;
};

/**
 * struct vmci_event_payld_qp - payload of QP_PEER_ATTACH and QP_PEER_DETACH
 * @handle: the queue pair
 * @peer_id: context that attached or detached
 * @_pad: zero
 */
struct vmci_event_payld_qp {
	struct vmci_handle handle;
	u32 peer_id;
	u32 _pad;
};

/**
 * struct vmci_event_msg - datagram carrying an event
 * @hdr: datagram header; src is {hypervisor, VMCI_CONTEXT_RESOURCE_ID},
 *	dst is {receiver, VMCI_EVENT_HANDLER}
 * @event_data: event type; the payload follows
 */
struct vmci_event_msg {
	struct vmci_datagram hdr;
	struct vmci_event_data event_data;
};

/**
 * struct vmci_event_ctx - event message with a context payload
 * @msg: header and event type
 * @payload: the context
 */
struct vmci_event_ctx {
	struct vmci_event_msg msg;
	struct vmci_event_payld_ctx payload;
};

/**
 * struct vmci_event_qp - event message with a queue-pair payload
 * @msg: header and event type
 * @payload: the queue pair and its peer
 */
struct vmci_event_qp {
	struct vmci_event_msg msg;
	struct vmci_event_payld_qp payload;
};

/* Largest event payload, bounding what the hypervisor may send. */
#define VMCI_EVENT_PAYLOAD_MAX		sizeof(struct vmci_event_payld_qp)
/* Per-context queue bound including 1024 extra event datagrams. */
#define VMCI_MAX_DATAGRAM_AND_EVENT_QUEUE_SIZE \
	(VMCI_MAX_DATAGRAM_QUEUE_SIZE + \
	 1024 * (sizeof(struct vmci_event_msg) + VMCI_EVENT_PAYLOAD_MAX))

static inline void *vmci_event_data_payload(struct vmci_event_data *ed)
{
	return ed + 1;
}

static inline const void *
vmci_event_data_const_payload(const struct vmci_event_data *ed)
{
	return ed + 1;
}

/**
 * struct vmci_resource_query_hdr - VMCI_RESOURCES_QUERY request header
 * @hdr: datagram header
 * @num_resources: number of u32 resource IDs that follow (at most 31)
 * @_padding: zero
 *
 * The reply is a bitmask in the low 31 bits of the result: bit i set
 * means resource i of the request is available.
 */
struct vmci_resource_query_hdr {
	struct vmci_datagram hdr;
	u32 num_resources;
	u32 _padding;
};

#define VMCI_RESOURCE_QUERY_MAX_NUM	31

/**
 * struct vmci_notify_bm_set_msg - VMCI_SET_NOTIFY_BITMAP request
 * @hdr: datagram header
 * @bitmap_ppn32: page number of the bitmap, without VMCI_CAPS_PPN64
 * @bitmap_ppn64: page number of the bitmap, with VMCI_CAPS_PPN64
 */
struct vmci_notify_bm_set_msg {
	struct vmci_datagram hdr;
	union {
		u32 bitmap_ppn32;
		u64 bitmap_ppn64;
	};
};

/**
 * struct vmci_doorbell_link_msg - VMCI_DOORBELL_LINK request
 * @hdr: datagram header
 * @handle: the doorbell
 * @notify_idx: its byte in the notification bitmap
 */
struct vmci_doorbell_link_msg {
	struct vmci_datagram hdr;
	struct vmci_handle handle;
	u64 notify_idx;
};

/**
 * struct vmci_doorbell_unlink_msg - VMCI_DOORBELL_UNLINK request
 * @hdr: datagram header
 * @handle: the doorbell
 */
struct vmci_doorbell_unlink_msg {
	struct vmci_datagram hdr;
	struct vmci_handle handle;
};

/**
 * struct vmci_doorbell_notify_msg - VMCI_DOORBELL_NOTIFY request
 * @hdr: datagram header
 * @handle: the doorbell to ring
 */
struct vmci_doorbell_notify_msg {
	struct vmci_datagram hdr;
	struct vmci_handle handle;
};

/* Queue-pair allocation flags. */
#define VMCI_QPFLAG_ATTACH_ONLY		BIT(0)	/* fail unless the peer created it */
#define VMCI_QPFLAG_LOCAL		BIT(1)	/* both ends in the local context */
#define VMCI_QPFLAG_NONBLOCK		BIT(2)	/* host must not block (ESX) */
#define VMCI_QPFLAG_PINNED		BIT(3)	/* pinned data pages, with NONBLOCK */
#define VMCI_QP_ALL_FLAGS		(VMCI_QPFLAG_ATTACH_ONLY | VMCI_QPFLAG_LOCAL | \
					 VMCI_QPFLAG_NONBLOCK | VMCI_QPFLAG_PINNED)
#define VMCI_QP_ASYMM			(VMCI_QPFLAG_NONBLOCK | VMCI_QPFLAG_PINNED)
#define VMCI_QP_ASYMM_PEER		(VMCI_QPFLAG_ATTACH_ONLY | VMCI_QP_ASYMM)

/* Queue-pair memory limits. */
#define VMCI_MAX_GUEST_QP_MEMORY	((size_t)128 * 1024 * 1024)
#define VMCI_MAX_GUEST_QP_COUNT		(VMCI_MAX_GUEST_QP_MEMORY / PAGE_SIZE / 2)
#define VMCI_MAX_PINNED_QP_MEMORY	((size_t)32 * 1024)
/* One byte per doorbell in the one-page notification bitmap. */
#define VMCI_MAX_GUEST_DOORBELL_COUNT	PAGE_SIZE

/**
 * struct vmci_queue_header - first page of every queue of a queue pair
 * @handle: the queue pair
 * @producer_tail: next byte the producer writes in this queue
 * @consumer_head: next byte the consumer reads in the *peer's* queue
 *
 * Each endpoint produces into its produce queue and consumes from its
 * consume queue. An endpoint only writes its own two offsets: the
 * producer_tail of its produce queue and the consumer_head stored in
 * that same header, which refers to its consume queue. Both offsets
 * stay in [0, size). tail == head means empty; one byte is always kept
 * free so that a full queue is distinguishable.
 */
struct vmci_queue_header {
	struct vmci_handle handle;
	u64 producer_tail;
	u64 consumer_head;
};

/**
 * struct vmci_qp_alloc_msg - VMCI_QUEUEPAIR_ALLOC request
 * @hdr: datagram header
 * @handle: the queue pair
 * @peer: peer context, or VMCI_INVALID_ID for any
 * @flags: VMCI_QPFLAG_*
 * @produce_size: produce queue bytes (without the header page)
 * @consume_size: consume queue bytes (without the header page)
 * @num_ppns: number of page numbers that follow (u32 or u64 each,
 *	depending on VMCI_CAPS_PPN64): produce queue pages then consume
 *	queue pages, each starting with its header page
 */
struct vmci_qp_alloc_msg {
	struct vmci_datagram hdr;
	struct vmci_handle handle;
	u32 peer;
	u32 flags;
	u64 produce_size;
	u64 consume_size;
	u64 num_ppns;
};

/**
 * struct vmci_qp_detach_msg - VMCI_QUEUEPAIR_DETACH request
 * @hdr: datagram header
 * @handle: the queue pair
 */
struct vmci_qp_detach_msg {
	struct vmci_datagram hdr;
	struct vmci_handle handle;
};

/* Driver/VMX protocol versions, major << 16 | minor. */
#define VMCI_MAKE_VERSION(major, minor)	((u32)(major) << 16 | (u16)(minor))
#define VMCI_VERSION_MAJOR(v)		((u32)(v) >> 16)
#define VMCI_VERSION_MINOR(v)		((u16)(v))
#define VMCI_VERSION_NOVMVM		VMCI_MAKE_VERSION(11, 0)
#define VMCI_VERSION_NOTIFY		VMCI_MAKE_VERSION(10, 0)
#define VMCI_VERSION_HOSTQP		VMCI_MAKE_VERSION(9, 0)
#define VMCI_VERSION_PREHOSTQP		VMCI_MAKE_VERSION(8, 0)
#define VMCI_VERSION_PREVERS2		VMCI_MAKE_VERSION(1, 0)
#define VMCI_VERSION			VMCI_VERSION_NOVMVM

/*
 * Layout checks: size and every field offset of each wire struct. The
 * offsets are the ones VMware's device and hypervisor use.
 */
#define VMCI_ABI_OFF(type, field, off) \
	static_assert(offsetof(struct type, field) == (off))

static_assert(sizeof(struct vmci_data_in_out_header) == 24);
VMCI_ABI_OFF(vmci_data_in_out_header, busy, 0);
VMCI_ABI_OFF(vmci_data_in_out_header, opcode, 4);
VMCI_ABI_OFF(vmci_data_in_out_header, size, 8);
VMCI_ABI_OFF(vmci_data_in_out_header, rsvd, 12);
VMCI_ABI_OFF(vmci_data_in_out_header, result, 16);

static_assert(sizeof(struct vmci_sg_elem) == 16);
VMCI_ABI_OFF(vmci_sg_elem, addr, 0);
VMCI_ABI_OFF(vmci_sg_elem, size, 8);

static_assert(sizeof(struct vmci_handle) == 8);
VMCI_ABI_OFF(vmci_handle, context, 0);
VMCI_ABI_OFF(vmci_handle, resource, 4);

static_assert(sizeof(struct vmci_datagram) == 24);
VMCI_ABI_OFF(vmci_datagram, dst, 0);
VMCI_ABI_OFF(vmci_datagram, src, 8);
VMCI_ABI_OFF(vmci_datagram, payload_size, 16);

static_assert(sizeof(struct vmci_event_data) == 8);
VMCI_ABI_OFF(vmci_event_data, event, 0);
VMCI_ABI_OFF(vmci_event_data, _pad, 4);

static_assert(sizeof(struct vmci_event_payld_ctx) == 8);
VMCI_ABI_OFF(vmci_event_payld_ctx, context_id, 0);
VMCI_ABI_OFF(vmci_event_payld_ctx, _pad, 4);

static_assert(sizeof(struct vmci_event_payld_qp) == 16);
VMCI_ABI_OFF(vmci_event_payld_qp, handle, 0);
VMCI_ABI_OFF(vmci_event_payld_qp, peer_id, 8);
VMCI_ABI_OFF(vmci_event_payld_qp, _pad, 12);

static_assert(sizeof(struct vmci_event_msg) == 32);
VMCI_ABI_OFF(vmci_event_msg, hdr, 0);
VMCI_ABI_OFF(vmci_event_msg, event_data, 24);

static_assert(sizeof(struct vmci_event_ctx) == 40);
VMCI_ABI_OFF(vmci_event_ctx, msg, 0);
VMCI_ABI_OFF(vmci_event_ctx, payload, 32);

static_assert(sizeof(struct vmci_event_qp) == 48);
VMCI_ABI_OFF(vmci_event_qp, msg, 0);
VMCI_ABI_OFF(vmci_event_qp, payload, 32);

static_assert(sizeof(struct vmci_resource_query_hdr) == 32);
VMCI_ABI_OFF(vmci_resource_query_hdr, hdr, 0);
VMCI_ABI_OFF(vmci_resource_query_hdr, num_resources, 24);
VMCI_ABI_OFF(vmci_resource_query_hdr, _padding, 28);

static_assert(sizeof(struct vmci_notify_bm_set_msg) == 32);
VMCI_ABI_OFF(vmci_notify_bm_set_msg, hdr, 0);
VMCI_ABI_OFF(vmci_notify_bm_set_msg, bitmap_ppn32, 24);
VMCI_ABI_OFF(vmci_notify_bm_set_msg, bitmap_ppn64, 24);

static_assert(sizeof(struct vmci_doorbell_link_msg) == 40);
VMCI_ABI_OFF(vmci_doorbell_link_msg, hdr, 0);
VMCI_ABI_OFF(vmci_doorbell_link_msg, handle, 24);
VMCI_ABI_OFF(vmci_doorbell_link_msg, notify_idx, 32);

static_assert(sizeof(struct vmci_doorbell_unlink_msg) == 32);
VMCI_ABI_OFF(vmci_doorbell_unlink_msg, hdr, 0);
VMCI_ABI_OFF(vmci_doorbell_unlink_msg, handle, 24);

static_assert(sizeof(struct vmci_doorbell_notify_msg) == 32);
VMCI_ABI_OFF(vmci_doorbell_notify_msg, hdr, 0);
VMCI_ABI_OFF(vmci_doorbell_notify_msg, handle, 24);

static_assert(sizeof(struct vmci_queue_header) == 24);
VMCI_ABI_OFF(vmci_queue_header, handle, 0);
VMCI_ABI_OFF(vmci_queue_header, producer_tail, 8);
VMCI_ABI_OFF(vmci_queue_header, consumer_head, 16);

static_assert(sizeof(struct vmci_qp_alloc_msg) == 64);
VMCI_ABI_OFF(vmci_qp_alloc_msg, hdr, 0);
VMCI_ABI_OFF(vmci_qp_alloc_msg, handle, 24);
VMCI_ABI_OFF(vmci_qp_alloc_msg, peer, 32);
VMCI_ABI_OFF(vmci_qp_alloc_msg, flags, 36);
VMCI_ABI_OFF(vmci_qp_alloc_msg, produce_size, 40);
VMCI_ABI_OFF(vmci_qp_alloc_msg, consume_size, 48);
VMCI_ABI_OFF(vmci_qp_alloc_msg, num_ppns, 56);

static_assert(sizeof(struct vmci_qp_detach_msg) == 32);
VMCI_ABI_OFF(vmci_qp_detach_msg, hdr, 0);
VMCI_ABI_OFF(vmci_qp_detach_msg, handle, 24);

static_assert(VMCI_MAX_DG_SIZE == 69632);
static_assert(VMCI_MAX_DG_PAYLOAD_SIZE == 69608);

#undef VMCI_ABI_OFF

#endif /* _VMCI_ABI_H */
