// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMCI device/hypervisor ABI (include/vmci/vmci_abi.h) and
 * the single VMCI-status-to-errno mapping.
 *
 * The static_asserts in the header already pin every layout at compile
 * time; the table here repeats them at run time so that a report shows
 * the layout that was tested, and checks the helpers around them.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <vmci/vmci_abi.h>
#include <vv_compat.h>

#include "../../vmci/vmci_core.h"

struct vmci_abi_layout {
	const char *name;
	size_t actual;
	size_t expected;
};

#define LAYOUT_SIZE(type, size) \
	{ "sizeof(" #type ")", sizeof(struct type), size }
#define LAYOUT_OFF(type, field, off) \
	{ #type "." #field, offsetof(struct type, field), off }

static const struct vmci_abi_layout vmci_abi_layouts[] = {
	LAYOUT_SIZE(vmci_handle, 8),
	LAYOUT_OFF(vmci_handle, context, 0),
	LAYOUT_OFF(vmci_handle, resource, 4),
	LAYOUT_SIZE(vmci_datagram, 24),
	LAYOUT_OFF(vmci_datagram, dst, 0),
	LAYOUT_OFF(vmci_datagram, src, 8),
	LAYOUT_OFF(vmci_datagram, payload_size, 16),
	LAYOUT_SIZE(vmci_data_in_out_header, 24),
	LAYOUT_OFF(vmci_data_in_out_header, busy, 0),
	LAYOUT_OFF(vmci_data_in_out_header, opcode, 4),
	LAYOUT_OFF(vmci_data_in_out_header, size, 8),
	LAYOUT_OFF(vmci_data_in_out_header, rsvd, 12),
	LAYOUT_OFF(vmci_data_in_out_header, result, 16),
	LAYOUT_SIZE(vmci_sg_elem, 16),
	LAYOUT_OFF(vmci_sg_elem, addr, 0),
	LAYOUT_OFF(vmci_sg_elem, size, 8),
	LAYOUT_SIZE(vmci_queue_header, 24),
	LAYOUT_OFF(vmci_queue_header, handle, 0),
	LAYOUT_OFF(vmci_queue_header, producer_tail, 8),
	LAYOUT_OFF(vmci_queue_header, consumer_head, 16),
	LAYOUT_SIZE(vmci_event_data, 8),
	LAYOUT_OFF(vmci_event_data, event, 0),
	LAYOUT_SIZE(vmci_event_payld_ctx, 8),
	LAYOUT_OFF(vmci_event_payld_ctx, context_id, 0),
	LAYOUT_SIZE(vmci_event_payld_qp, 16),
	LAYOUT_OFF(vmci_event_payld_qp, handle, 0),
	LAYOUT_OFF(vmci_event_payld_qp, peer_id, 8),
	LAYOUT_SIZE(vmci_event_msg, 32),
	LAYOUT_OFF(vmci_event_msg, event_data, 24),
	LAYOUT_SIZE(vmci_event_qp, 48),
	LAYOUT_OFF(vmci_event_qp, payload.handle, 32),
	LAYOUT_OFF(vmci_event_qp, payload.peer_id, 40),
	LAYOUT_SIZE(vmci_event_ctx, 40),
	LAYOUT_OFF(vmci_event_ctx, payload.context_id, 32),
	LAYOUT_SIZE(vmci_resource_query_hdr, 32),
	LAYOUT_OFF(vmci_resource_query_hdr, num_resources, 24),
	LAYOUT_SIZE(vmci_notify_bm_set_msg, 32),
	LAYOUT_OFF(vmci_notify_bm_set_msg, bitmap_ppn32, 24),
	LAYOUT_OFF(vmci_notify_bm_set_msg, bitmap_ppn64, 24),
	LAYOUT_SIZE(vmci_doorbell_link_msg, 40),
	LAYOUT_OFF(vmci_doorbell_link_msg, handle, 24),
	LAYOUT_OFF(vmci_doorbell_link_msg, notify_idx, 32),
	LAYOUT_SIZE(vmci_doorbell_unlink_msg, 32),
	LAYOUT_OFF(vmci_doorbell_unlink_msg, handle, 24),
	LAYOUT_SIZE(vmci_doorbell_notify_msg, 32),
	LAYOUT_OFF(vmci_doorbell_notify_msg, handle, 24),
	LAYOUT_SIZE(vmci_qp_alloc_msg, 64),
	LAYOUT_OFF(vmci_qp_alloc_msg, handle, 24),
	LAYOUT_OFF(vmci_qp_alloc_msg, peer, 32),
	LAYOUT_OFF(vmci_qp_alloc_msg, flags, 36),
	LAYOUT_OFF(vmci_qp_alloc_msg, produce_size, 40),
	LAYOUT_OFF(vmci_qp_alloc_msg, consume_size, 48),
	LAYOUT_OFF(vmci_qp_alloc_msg, num_ppns, 56),
	LAYOUT_SIZE(vmci_qp_detach_msg, 32),
	LAYOUT_OFF(vmci_qp_detach_msg, handle, 24),
};

static void vmci_abi_layout_desc(const struct vmci_abi_layout *l, char *desc)
{
	strscpy(desc, l->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmci_abi_layout, vmci_abi_layouts, vmci_abi_layout_desc);

static void vmci_abi_layout_matches_wire(struct kunit *test)
{
	const struct vmci_abi_layout *l = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, l->actual, l->expected, "%s", l->name);
}

/*
 * Every number the device or the hypervisor interprets, with the value
 * VMware's products use. A typo in vmci_abi.h fails exactly one row.
 */
struct vmci_abi_const {
	const char *name;
	s64 actual;
	s64 expected;
};

#define ABI_CONST(sym, val)	{ #sym, (s64)(sym), (s64)(val) }

static const struct vmci_abi_const vmci_abi_consts[] = {
	/* PCI identity and BAR layout */
	ABI_CONST(VMCI_PCI_VENDOR_ID, 0x15ad),
	ABI_CONST(VMCI_PCI_DEVICE_ID, 0x0740),
	ABI_CONST(VMCI_MMIO_BAR_SIZE, 0x40000),
	ABI_CONST(VMCI_MMIO_REGS_OFFSET, 0x20000),
	ABI_CONST(VMCI_MMIO_REGS_SIZE, 0x10000),
	/* registers */
	ABI_CONST(VMCI_STATUS_ADDR, 0x00),
	ABI_CONST(VMCI_CONTROL_ADDR, 0x04),
	ABI_CONST(VMCI_ICR_ADDR, 0x08),
	ABI_CONST(VMCI_IMR_ADDR, 0x0c),
	ABI_CONST(VMCI_DATA_OUT_ADDR, 0x10),
	ABI_CONST(VMCI_DATA_IN_ADDR, 0x14),
	ABI_CONST(VMCI_CAPS_ADDR, 0x18),
	ABI_CONST(VMCI_RESULT_LOW_ADDR, 0x1c),
	ABI_CONST(VMCI_RESULT_HIGH_ADDR, 0x20),
	ABI_CONST(VMCI_DATA_OUT_LOW_ADDR, 0x24),
	ABI_CONST(VMCI_DATA_OUT_HIGH_ADDR, 0x28),
	ABI_CONST(VMCI_DATA_IN_LOW_ADDR, 0x2c),
	ABI_CONST(VMCI_DATA_IN_HIGH_ADDR, 0x30),
	ABI_CONST(VMCI_GUEST_PAGE_SHIFT, 0x34),
	/* register bits */
	ABI_CONST(VMCI_STATUS_INT_ON, 0x1),
	ABI_CONST(VMCI_CONTROL_RESET, 0x1),
	ABI_CONST(VMCI_CONTROL_INT_ENABLE, 0x2),
	ABI_CONST(VMCI_CONTROL_INT_DISABLE, 0x4),
	ABI_CONST(VMCI_CAPS_HYPERCALL, 0x1),
	ABI_CONST(VMCI_CAPS_GUESTCALL, 0x2),
	ABI_CONST(VMCI_CAPS_DATAGRAM, 0x4),
	ABI_CONST(VMCI_CAPS_NOTIFICATIONS, 0x8),
	ABI_CONST(VMCI_CAPS_PPN64, 0x10),
	ABI_CONST(VMCI_CAPS_DMA_DATAGRAM, 0x20),
	ABI_CONST(VMCI_ICR_DATAGRAM, 0x1),
	ABI_CONST(VMCI_ICR_NOTIFICATION, 0x2),
	ABI_CONST(VMCI_ICR_DMA_DATAGRAM, 0x4),
	ABI_CONST(VMCI_IMR_DATAGRAM, 0x1),
	ABI_CONST(VMCI_IMR_NOTIFICATION, 0x2),
	ABI_CONST(VMCI_IMR_DMA_DATAGRAM, 0x4),
	ABI_CONST(VMCI_INTR_DATAGRAM, 0),
	ABI_CONST(VMCI_INTR_NOTIFICATION, 1),
	ABI_CONST(VMCI_INTR_DMA_DATAGRAM, 2),
	ABI_CONST(VMCI_MAX_INTRS, 3),
	/* hypervisor resource IDs (12 is retired) */
	ABI_CONST(VMCI_RESOURCES_QUERY, 0),
	ABI_CONST(VMCI_GET_CONTEXT_ID, 1),
	ABI_CONST(VMCI_SET_NOTIFY_BITMAP, 2),
	ABI_CONST(VMCI_DOORBELL_LINK, 3),
	ABI_CONST(VMCI_DOORBELL_UNLINK, 4),
	ABI_CONST(VMCI_DOORBELL_NOTIFY, 5),
	ABI_CONST(VMCI_DATAGRAM_REQUEST_MAP, 6),
	ABI_CONST(VMCI_DATAGRAM_REMOVE_MAP, 7),
	ABI_CONST(VMCI_EVENT_SUBSCRIBE, 8),
	ABI_CONST(VMCI_EVENT_UNSUBSCRIBE, 9),
	ABI_CONST(VMCI_QUEUEPAIR_ALLOC, 10),
	ABI_CONST(VMCI_QUEUEPAIR_DETACH, 11),
	ABI_CONST(VMCI_HGFS_TRANSPORT, 13),
	ABI_CONST(VMCI_UNITY_PBRPC_REGISTER, 14),
	ABI_CONST(VMCI_RPC_PRIVILEGED, 15),
	ABI_CONST(VMCI_RPC_UNPRIVILEGED, 16),
	ABI_CONST(VMCI_RESOURCE_MAX, 17),
	/* context and resource IDs */
	ABI_CONST(VMCI_INVALID_ID, 0xffffffff),
	ABI_CONST(VMCI_HYPERVISOR_CONTEXT_ID, 0),
	ABI_CONST(VMCI_WELL_KNOWN_CONTEXT_ID, 1),
	ABI_CONST(VMCI_HOST_CONTEXT_ID, 2),
	ABI_CONST(VMCI_RESERVED_CID_LIMIT, 16),
	ABI_CONST(VMCI_RESERVED_RESOURCE_ID_MAX, 1023),
	ABI_CONST(VMCI_CONTEXT_RESOURCE_ID, 0),
	ABI_CONST(VMCI_EVENT_HANDLER, 0),
	/* datagram sizes and flags */
	ABI_CONST(VMCI_DG_HEADERSIZE, 24),
	ABI_CONST(VMCI_MAX_DG_SIZE, 69632),
	ABI_CONST(VMCI_MAX_DG_PAYLOAD_SIZE, 69608),
	ABI_CONST(VMCI_MAX_DATAGRAM_QUEUE_SIZE, 139264),
	ABI_CONST(VMCI_MAX_DATAGRAM_AND_EVENT_QUEUE_SIZE, 188416),
	ABI_CONST(VMCI_EVENT_PAYLOAD_MAX, 16),
	ABI_CONST(VMCI_RESOURCE_QUERY_MAX_NUM, 31),
	ABI_CONST(VMCI_FLAG_DG_NONE, 0),
	ABI_CONST(VMCI_FLAG_WELLKNOWN_DG_HND, 0x1),
	ABI_CONST(VMCI_FLAG_ANYCID_DG_HND, 0x2),
	ABI_CONST(VMCI_FLAG_DG_DELAYED_CB, 0x4),
	ABI_CONST(VMCI_FLAG_DELAYED_CB, 0x1),
	/* privileges */
	ABI_CONST(VMCI_NO_PRIVILEGE_FLAGS, 0),
	ABI_CONST(VMCI_PRIVILEGE_FLAG_RESTRICTED, 0x1),
	ABI_CONST(VMCI_PRIVILEGE_FLAG_TRUSTED, 0x2),
	ABI_CONST(VMCI_PRIVILEGE_ALL_FLAGS, 0x3),
	ABI_CONST(VMCI_DEFAULT_PROC_PRIVILEGE_FLAGS, 0),
	ABI_CONST(VMCI_LEAST_PRIVILEGE_FLAGS, 0x1),
	/* status codes */
	ABI_CONST(VMCI_SUCCESS_QUEUEPAIR_ATTACH, 5),
	ABI_CONST(VMCI_SUCCESS_QUEUEPAIR_CREATE, 4),
	ABI_CONST(VMCI_SUCCESS_LAST_DETACH, 3),
	ABI_CONST(VMCI_SUCCESS_ACCESS_GRANTED, 2),
	ABI_CONST(VMCI_SUCCESS_ENTRY_DEAD, 1),
	ABI_CONST(VMCI_SUCCESS, 0),
	ABI_CONST(VMCI_ERROR_INVALID_RESOURCE, -1),
	ABI_CONST(VMCI_ERROR_INVALID_ARGS, -2),
	ABI_CONST(VMCI_ERROR_NO_MEM, -3),
	ABI_CONST(VMCI_ERROR_DATAGRAM_FAILED, -4),
	ABI_CONST(VMCI_ERROR_MORE_DATA, -5),
	ABI_CONST(VMCI_ERROR_NO_MORE_DATAGRAMS, -6),
	ABI_CONST(VMCI_ERROR_NO_ACCESS, -7),
	ABI_CONST(VMCI_ERROR_NO_HANDLE, -8),
	ABI_CONST(VMCI_ERROR_DUPLICATE_ENTRY, -9),
	ABI_CONST(VMCI_ERROR_DST_UNREACHABLE, -10),
	ABI_CONST(VMCI_ERROR_PAYLOAD_TOO_LARGE, -11),
	ABI_CONST(VMCI_ERROR_INVALID_PRIV, -12),
	ABI_CONST(VMCI_ERROR_GENERIC, -13),
	ABI_CONST(VMCI_ERROR_PAGE_ALREADY_SHARED, -14),
	ABI_CONST(VMCI_ERROR_CANNOT_SHARE_PAGE, -15),
	ABI_CONST(VMCI_ERROR_CANNOT_UNSHARE_PAGE, -16),
	ABI_CONST(VMCI_ERROR_NO_PROCESS, -17),
	ABI_CONST(VMCI_ERROR_NO_DATAGRAM, -18),
	ABI_CONST(VMCI_ERROR_NO_RESOURCES, -19),
	ABI_CONST(VMCI_ERROR_UNAVAILABLE, -20),
	ABI_CONST(VMCI_ERROR_NOT_FOUND, -21),
	ABI_CONST(VMCI_ERROR_ALREADY_EXISTS, -22),
	ABI_CONST(VMCI_ERROR_NOT_PAGE_ALIGNED, -23),
	ABI_CONST(VMCI_ERROR_INVALID_SIZE, -24),
	ABI_CONST(VMCI_ERROR_REGION_ALREADY_SHARED, -25),
	ABI_CONST(VMCI_ERROR_TIMEOUT, -26),
	ABI_CONST(VMCI_ERROR_DATAGRAM_INCOMPLETE, -27),
	ABI_CONST(VMCI_ERROR_INCORRECT_IRQL, -28),
	ABI_CONST(VMCI_ERROR_EVENT_UNKNOWN, -29),
	ABI_CONST(VMCI_ERROR_OBSOLETE, -30),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_MISMATCH, -31),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NOTSET, -32),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NOTOWNER, -33),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NOTATTACHED, -34),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NOSPACE, -35),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NODATA, -36),
	ABI_CONST(VMCI_ERROR_BUSMEM_INVALIDATION, -37),
	ABI_CONST(VMCI_ERROR_MODULE_NOT_LOADED, -38),
	ABI_CONST(VMCI_ERROR_DEVICE_NOT_FOUND, -39),
	ABI_CONST(VMCI_ERROR_QUEUEPAIR_NOT_READY, -40),
	ABI_CONST(VMCI_ERROR_WOULD_BLOCK, -41),
	ABI_CONST(VMCI_ERROR_CLIENT_MIN, -500),
	ABI_CONST(VMCI_ERROR_CLIENT_MAX, -550),
	ABI_CONST(VMCI_SHAREDMEM_ERROR_BAD_CONTEXT, -1000),
	/* events */
	ABI_CONST(VMCI_EVENT_CTX_ID_UPDATE, 0),
	ABI_CONST(VMCI_EVENT_CTX_REMOVED, 1),
	ABI_CONST(VMCI_EVENT_QP_RESUMED, 2),
	ABI_CONST(VMCI_EVENT_QP_PEER_ATTACH, 3),
	ABI_CONST(VMCI_EVENT_QP_PEER_DETACH, 4),
	ABI_CONST(VMCI_EVENT_MEM_ACCESS_ON, 5),
	ABI_CONST(VMCI_EVENT_MEM_ACCESS_OFF, 6),
	ABI_CONST(VMCI_EVENT_MAX, 7),
	/* queue pairs */
	ABI_CONST(VMCI_QPFLAG_ATTACH_ONLY, 0x1),
	ABI_CONST(VMCI_QPFLAG_LOCAL, 0x2),
	ABI_CONST(VMCI_QPFLAG_NONBLOCK, 0x4),
	ABI_CONST(VMCI_QPFLAG_PINNED, 0x8),
	ABI_CONST(VMCI_QP_ALL_FLAGS, 0xf),
	ABI_CONST(VMCI_QP_ASYMM, 0xc),
	ABI_CONST(VMCI_QP_ASYMM_PEER, 0xd),
	ABI_CONST(VMCI_MAX_GUEST_QP_MEMORY, 0x8000000),
	ABI_CONST(VMCI_MAX_GUEST_QP_COUNT, 0x8000000 / PAGE_SIZE / 2),
	ABI_CONST(VMCI_MAX_PINNED_QP_MEMORY, 0x8000),
	ABI_CONST(VMCI_MAX_GUEST_DOORBELL_COUNT, PAGE_SIZE),
	/* driver/VMX protocol versions */
	ABI_CONST(VMCI_VERSION, 0xb0000),
	ABI_CONST(VMCI_VERSION_NOVMVM, 0xb0000),
	ABI_CONST(VMCI_VERSION_NOTIFY, 0xa0000),
	ABI_CONST(VMCI_VERSION_HOSTQP, 0x90000),
	ABI_CONST(VMCI_VERSION_PREHOSTQP, 0x80000),
	ABI_CONST(VMCI_VERSION_PREVERS2, 0x10000),
	ABI_CONST(VMCI_VERSION_MAJOR(VMCI_VERSION_HOSTQP), 9),
	ABI_CONST(VMCI_MAKE_VERSION(1, 2), 0x10002),
};

static void vmci_abi_const_desc(const struct vmci_abi_const *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(vmci_abi_const, vmci_abi_consts, vmci_abi_const_desc);

static void vmci_abi_constant_matches_wire(struct kunit *test)
{
	const struct vmci_abi_const *c = test->param_value;

	KUNIT_EXPECT_EQ_MSG(test, c->actual, c->expected, "%s", c->name);
}

static void vmci_make_handle_roundtrips(struct kunit *test)
{
	struct vmci_handle h = vmci_make_handle(7, 1024);

	KUNIT_EXPECT_EQ(test, h.context, 7);
	KUNIT_EXPECT_EQ(test, h.resource, 1024);
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_equal(h, vmci_make_handle(7, 1024)));
	KUNIT_EXPECT_FALSE(test, vmci_handle_is_equal(h, vmci_make_handle(1024, 7)));
	KUNIT_EXPECT_FALSE(test, vmci_handle_is_invalid(h));
}

static void vmci_handle_is_invalid_needs_both_ids(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmci_handle_is_invalid(VMCI_INVALID_HANDLE));
	KUNIT_EXPECT_FALSE(test, vmci_handle_is_invalid(vmci_make_handle(VMCI_INVALID_ID, 0)));
	KUNIT_EXPECT_FALSE(test, vmci_handle_is_invalid(vmci_make_handle(0, VMCI_INVALID_ID)));
}

static void vmci_context_is_vm_excludes_reserved(struct kunit *test)
{
	KUNIT_EXPECT_FALSE(test, vmci_context_is_vm(VMCI_HYPERVISOR_CONTEXT_ID));
	KUNIT_EXPECT_FALSE(test, vmci_context_is_vm(VMCI_HOST_CONTEXT_ID));
	KUNIT_EXPECT_FALSE(test, vmci_context_is_vm(VMCI_INVALID_ID));
	KUNIT_EXPECT_TRUE(test, vmci_context_is_vm(3));
}

static void vmci_dg_size_counts_header(struct kunit *test)
{
	struct vmci_datagram dg = { .payload_size = 1 };

	KUNIT_EXPECT_EQ(test, vmci_dg_size(&dg), 25);
	KUNIT_EXPECT_EQ(test, vmci_dg_size_aligned(&dg), 32);
	dg.payload_size = 8;
	KUNIT_EXPECT_EQ(test, vmci_dg_size_aligned(&dg), 32);
	KUNIT_EXPECT_PTR_EQ(test, vmci_dg_payload(&dg), (void *)((u8 *)&dg + 24));
}

static void vmci_event_is_valid_rejects_vmx_events(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, vmci_event_is_valid(VMCI_EVENT_CTX_ID_UPDATE));
	KUNIT_EXPECT_TRUE(test, vmci_event_is_valid(VMCI_EVENT_QP_PEER_DETACH));
	KUNIT_EXPECT_FALSE(test, vmci_event_is_valid(VMCI_EVENT_MEM_ACCESS_ON));
	KUNIT_EXPECT_FALSE(test, vmci_event_is_valid(VMCI_EVENT_MEM_ACCESS_OFF));
	KUNIT_EXPECT_FALSE(test, vmci_event_is_valid(VMCI_EVENT_MAX));
	KUNIT_EXPECT_FALSE(test, vmci_event_is_valid(~0U));
}

struct vmci_abi_errno {
	int status;
	int err;
};

static const struct vmci_abi_errno vmci_abi_errnos[] = {
	{ VMCI_SUCCESS, 0 },
	{ VMCI_SUCCESS_QUEUEPAIR_ATTACH, 0 },
	{ VMCI_SUCCESS_LAST_DETACH, 0 },
	{ VMCI_ERROR_INVALID_ARGS, -EINVAL },
	{ VMCI_ERROR_NO_MEM, -ENOMEM },
	{ VMCI_ERROR_NO_ACCESS, -EPERM },
	{ VMCI_ERROR_DUPLICATE_ENTRY, -EADDRINUSE },
	{ VMCI_ERROR_ALREADY_EXISTS, -EADDRINUSE },
	{ VMCI_ERROR_NO_RESOURCES, -ENOBUFS },
	{ VMCI_ERROR_INVALID_RESOURCE, -EHOSTUNREACH },
	{ VMCI_ERROR_DST_UNREACHABLE, -EHOSTUNREACH },
	{ VMCI_ERROR_PAYLOAD_TOO_LARGE, -EMSGSIZE },
	{ VMCI_ERROR_NOT_FOUND, -ENOENT },
	{ VMCI_ERROR_DEVICE_NOT_FOUND, -ENODEV },
	{ VMCI_ERROR_QUEUEPAIR_NOSPACE, -EAGAIN },
	{ VMCI_ERROR_QUEUEPAIR_NODATA, -EAGAIN },
	{ VMCI_ERROR_WOULD_BLOCK, -EWOULDBLOCK },
	{ VMCI_ERROR_CLIENT_MIN, -EIO },
	{ VMCI_SHAREDMEM_ERROR_BAD_CONTEXT, -EIO },
	{ -42, -EIO },
	{ INT_MIN, -EIO },
};

static void vmci_abi_errno_desc(const struct vmci_abi_errno *e, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "status %d", e->status);
}

KUNIT_ARRAY_PARAM(vmci_abi_errno, vmci_abi_errnos, vmci_abi_errno_desc);

static void vmci_status_to_errno_maps_each_code(struct kunit *test)
{
	const struct vmci_abi_errno *e = test->param_value;

	KUNIT_EXPECT_EQ(test, vmci_status_to_errno(e->status), e->err);
}

static void vmci_status_to_errno_never_positive(struct kunit *test)
{
	int s;

	for (s = VMCI_SHAREDMEM_ERROR_BAD_CONTEXT; s <= VMCI_SUCCESS_QUEUEPAIR_ATTACH; s++)
		KUNIT_EXPECT_LE(test, vmci_status_to_errno(s), 0);
	for (s = VMCI_ERROR_WOULD_BLOCK; s < VMCI_SUCCESS; s++)
		KUNIT_EXPECT_LT(test, vmci_status_to_errno(s), 0);
}

static struct kunit_case vmci_abi_cases[] = {
	KUNIT_CASE_PARAM(vmci_abi_layout_matches_wire, vmci_abi_layout_gen_params),
	KUNIT_CASE_PARAM(vmci_abi_constant_matches_wire, vmci_abi_const_gen_params),
	KUNIT_CASE(vmci_make_handle_roundtrips),
	KUNIT_CASE(vmci_handle_is_invalid_needs_both_ids),
	KUNIT_CASE(vmci_context_is_vm_excludes_reserved),
	KUNIT_CASE(vmci_dg_size_counts_header),
	KUNIT_CASE(vmci_event_is_valid_rejects_vmx_events),
	KUNIT_CASE_PARAM(vmci_status_to_errno_maps_each_code, vmci_abi_errno_gen_params),
	KUNIT_CASE(vmci_status_to_errno_never_positive),
	{}
};

static struct kunit_suite vmci_abi_suite = {
	.name = "vmci_abi",
	.test_cases = vmci_abi_cases,
};

kunit_test_suite(vmci_abi_suite);

MODULE_DESCRIPTION("KUnit tests for the VMCI ABI definitions");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
