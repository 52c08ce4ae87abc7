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
	LAYOUT_OFF(vmci_handle, resource, 4),
	LAYOUT_SIZE(vmci_datagram, 24),
	LAYOUT_OFF(vmci_datagram, src, 8),
	LAYOUT_OFF(vmci_datagram, payload_size, 16),
	LAYOUT_SIZE(vmci_queue_header, 24),
	LAYOUT_OFF(vmci_queue_header, producer_tail, 8),
	LAYOUT_OFF(vmci_queue_header, consumer_head, 16),
	LAYOUT_SIZE(vmci_event_msg, 32),
	LAYOUT_SIZE(vmci_event_qp, 48),
	LAYOUT_OFF(vmci_event_qp, payload.peer_id, 40),
	LAYOUT_SIZE(vmci_event_ctx, 40),
	LAYOUT_OFF(vmci_event_ctx, payload.context_id, 32),
	LAYOUT_SIZE(vmci_qp_alloc_msg, 64),
	LAYOUT_OFF(vmci_qp_alloc_msg, peer, 32),
	LAYOUT_OFF(vmci_qp_alloc_msg, flags, 36),
	LAYOUT_OFF(vmci_qp_alloc_msg, num_ppns, 56),
	LAYOUT_SIZE(vmci_qp_detach_msg, 32),
	LAYOUT_SIZE(vmci_doorbell_link_msg, 40),
	LAYOUT_OFF(vmci_doorbell_link_msg, notify_idx, 32),
	LAYOUT_SIZE(vmci_doorbell_notify_msg, 32),
	LAYOUT_SIZE(vmci_notify_bm_set_msg, 32),
	LAYOUT_SIZE(vmci_resource_query_hdr, 32),
	LAYOUT_SIZE(vmci_data_in_out_header, 24),
	LAYOUT_OFF(vmci_data_in_out_header, result, 16),
	LAYOUT_SIZE(vmci_sg_elem, 16),
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

static void vmci_abi_constants_match_wire(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, VMCI_MAX_DG_SIZE, 69632);
	KUNIT_EXPECT_EQ(test, VMCI_MAX_DG_PAYLOAD_SIZE, 69608);
	KUNIT_EXPECT_EQ(test, VMCI_MAX_GUEST_QP_MEMORY, 128 * 1024 * 1024);
	KUNIT_EXPECT_EQ(test, VMCI_RPC_PRIVILEGED, 15);
	KUNIT_EXPECT_EQ(test, VMCI_RESOURCE_MAX, 17);
	KUNIT_EXPECT_EQ(test, VMCI_QP_ALL_FLAGS, 0xf);
	KUNIT_EXPECT_EQ(test, VMCI_FLAG_DG_DELAYED_CB, 4);
	KUNIT_EXPECT_EQ(test, VMCI_ERROR_WOULD_BLOCK, -41);
	KUNIT_EXPECT_EQ(test, VMCI_VERSION, 0xb0000);
	KUNIT_EXPECT_EQ(test, VMCI_VERSION_MAJOR(VMCI_VERSION_HOSTQP), 9);
	KUNIT_EXPECT_EQ(test, VMCI_CAPS_DMA_DATAGRAM, 0x20);
	KUNIT_EXPECT_EQ(test, VMCI_GUEST_PAGE_SHIFT, 0x34);
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
	KUNIT_CASE(vmci_abi_constants_match_wire),
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
