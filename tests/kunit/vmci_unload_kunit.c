// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: unloading vmw_vmci with live handles.
 *
 * This suite leaks, on purpose, one of everything a client can hold: a
 * datagram handle, a doorbell, an event subscription, and a local queue
 * pair with one endpoint still attached. Its callbacks are never called
 * (nothing sends to those handles), so the module can go. The checks
 * that matter run later, in the harness: when vmw_vmci unloads, each
 * part must free what is left (it logs "... leaked by clients, freed"),
 * its exit asserts that the resource table is empty, and kmemleak must
 * find nothing. Here we check that the handles were really registered
 * and live, so that the unload has something to clean.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

#include "../../vmci/vmci_core.h"

static int unload_recv(void *data, struct vmci_datagram *dg)
{
	return 0;
}

static void unload_ring(void *data)
{
}

static void unload_event(u32 sub, const struct vmci_event_data *ed, void *data)
{
}

static void vmci_unload_leaves_handles_for_exit(struct kunit *test)
{
	struct vmci_handle dg, db = VMCI_INVALID_HANDLE, qh = VMCI_INVALID_HANDLE;
	struct vmci_qp *a = NULL, *b = NULL;
	struct vmci_resource *r;
	u32 sub;

	if (!vmci_host_active() || vmci_guest_active())
		kunit_skip(test, "needs the host personality alone");
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle(VMCI_INVALID_ID,
							  VMCI_FLAG_DG_DELAYED_CB,
							  unload_recv, NULL, &dg), 0);
	KUNIT_ASSERT_EQ(test, vmci_doorbell_create(&db, 0, 0, unload_ring, NULL), 0);
	KUNIT_ASSERT_EQ(test, vmci_event_subscribe(VMCI_EVENT_CTX_REMOVED, unload_event,
						   NULL, &sub), 0);
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&a, &qh, PAGE_SIZE, PAGE_SIZE,
					       VMCI_INVALID_ID, VMCI_QPFLAG_LOCAL, 0), 0);
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&b, &qh, PAGE_SIZE, PAGE_SIZE,
					       VMCI_INVALID_ID,
					       VMCI_QPFLAG_LOCAL | VMCI_QPFLAG_ATTACH_ONLY, 0), 0);
	KUNIT_ASSERT_EQ(test, vmci_qpair_enqueue(a, "left", 4, 0), 4);
	KUNIT_ASSERT_EQ(test, vmci_qpair_detach(&b), 0);

	r = vmci_resource_by_handle(qh, VMCI_RESOURCE_TYPE_QPAIR);
	KUNIT_EXPECT_NOT_NULL(test, r);
	if (r)
		vmci_resource_put(r);
	KUNIT_EXPECT_FALSE(test, vmci_resource_table_empty());
	KUNIT_EXPECT_EQ(test, vmci_qpair_produce_buf_ready(a), 4);
}

static struct kunit_case vmci_unload_cases[] = {
	KUNIT_CASE(vmci_unload_leaves_handles_for_exit),
	{}
};

static struct kunit_suite vmci_unload_suite = {
	.name = "vmci_unload",
	.test_cases = vmci_unload_cases,
};

kunit_test_suite(vmci_unload_suite);

MODULE_DESCRIPTION("KUnit: leaves VMCI handles behind for the module's exit to free");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
