// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the VMCI guest PCI driver end to end, against the QEMU device
 * model (tests/qemu) and the host programs of tests/qemu/host_peer.py:
 * the context ID, datagrams to a host program and back, datagrams a host
 * program sends on its own, datagrams to ourselves through the device,
 * doorbells rung by the host (its echo doorbell) and by ourselves, queue
 * pairs with the host made of our pages.
 *
 * Every case skips without a bound device, so the suite is harmless in a
 * boot without one. expected_cid= is the CID the device was given,
 * doorbells=0 says it offers no notifications (so no doorbells).
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/pci.h>
#include <vv_compat.h>
#include <vmci/vmci_api.h>

static unsigned int expected_cid;
module_param(expected_cid, uint, 0444);
MODULE_PARM_DESC(expected_cid, "The CID the VMCI device was given");

static bool doorbells = true;
module_param(doorbells, bool, 0444);
MODULE_PARM_DESC(doorbells, "The device offers notifications (default: true)");

#define HOST_ECHO_PORT		5001	/* host_peer.py: datagram echo */
#define HOST_SENDER_PORT	5003	/* host_peer.py: sends to guest 6001 */
#define GUEST_INGRESS_PORT	6001

struct sink {
	struct completion done;
	struct vmci_handle src;
	u8 data[64];
	size_t len;
	atomic_t count;
};

static int sink_recv(void *data, struct vmci_datagram *dg)
{
	struct sink *s = data;

	if (atomic_inc_return(&s->count) == 1) {
		s->src = dg->src;
		s->len = min_t(size_t, dg->payload_size, sizeof(s->data));
		memcpy(s->data, dg + 1, s->len);
		complete(&s->done);
	}
	return 0;
}

static void sink_ring(void *data)
{
	struct sink *s = data;

	if (atomic_inc_return(&s->count) == 1)
		complete(&s->done);
}

static void need_device(struct kunit *test)
{
	u32 cid = vmci_get_context_id();

	if (cid == VMCI_HOST_CONTEXT_ID || cid == VMCI_INVALID_ID)
		kunit_skip(test, "no VMCI device bound (context %u)", cid);
}

static struct sink *sink_new(struct kunit *test)
{
	struct sink *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	init_completion(&s->done);
	return s;
}

static void destroy_handle(void *data)
{
	vmci_datagram_destroy_handle(*(struct vmci_handle *)data);
}

static struct vmci_handle *dg_handle(struct kunit *test, u32 rid,
				     struct sink *s)
{
	struct vmci_handle *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_ASSERT_EQ(test, vmci_datagram_create_handle(rid, 0, sink_recv, s, h), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_handle, h), 0);
	return h;
}

static struct vmci_handle host(u32 port)
{
	return vmci_make_handle(VMCI_HOST_CONTEXT_ID, port);
}

static int send_payload(struct vmci_handle src, struct vmci_handle dst,
			const char *text)
{
	struct {
		struct vmci_datagram hdr;
		char payload[32];
	} msg = { .hdr.src = src, .hdr.dst = dst };

	msg.hdr.payload_size = strscpy(msg.payload, text, sizeof(msg.payload));
	return vmci_datagram_send(&msg.hdr);
}

static void vmci_pci_context_id_is_the_devices(struct kunit *test)
{
	need_device(test);
	if (!expected_cid)
		kunit_skip(test, "expected_cid= not given");
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), expected_cid);
}

static void vmci_pci_datagram_echo_from_host(struct kunit *test)
{
	struct sink *s;
	struct vmci_handle *h;

	need_device(test);
	s = sink_new(test);
	h = dg_handle(test, 7100, s);
	/* The host's answer is the datagram's size. */
	KUNIT_EXPECT_EQ(test, send_payload(*h, host(HOST_ECHO_PORT), "ping"),
			(int)VMCI_DG_HEADERSIZE + 4);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&s->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, s->src.context, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, s->src.resource, HOST_ECHO_PORT);
	KUNIT_EXPECT_EQ(test, s->len, (size_t)4);
	KUNIT_EXPECT_MEMEQ(test, s->data, "ping", 4);
}

static void vmci_pci_datagram_large_echo(struct kunit *test)
{
	size_t n = 60000;
	struct vmci_datagram *dg;
	struct sink *s;
	struct vmci_handle *h;

	need_device(test);
	s = sink_new(test);
	h = dg_handle(test, 7101, s);
	dg = kunit_kzalloc(test, sizeof(*dg) + n, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dg);
	dg->src = *h;
	dg->dst = vmci_make_handle(VMCI_HOST_CONTEXT_ID, HOST_ECHO_PORT);
	dg->payload_size = n;
	memset(dg + 1, 0x5a, n);
	KUNIT_EXPECT_EQ(test, vmci_datagram_send(dg), (int)(sizeof(*dg) + n));
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&s->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, s->data[0], 0x5a);
}

static void vmci_pci_datagram_no_host_endpoint(struct kunit *test)
{
	struct vmci_handle *h;

	need_device(test);
	h = dg_handle(test, 7102, sink_new(test));
	KUNIT_EXPECT_LT(test, send_payload(*h, host(5998), "x"), 0);
}

static void vmci_pci_datagram_sent_by_host(struct kunit *test)
{
	struct sink *s;

	need_device(test);
	s = sink_new(test);
	dg_handle(test, GUEST_INGRESS_PORT, s);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&s->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, s->src.context, VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_EQ(test, s->src.resource, HOST_SENDER_PORT);
	KUNIT_EXPECT_MEMEQ(test, s->data, "hi-from-host", 12);
}

static void vmci_pci_datagram_to_self(struct kunit *test)
{
	struct vmci_handle *a, *b, self;
	struct sink *rx, *tx;

	need_device(test);
	rx = sink_new(test);
	tx = sink_new(test);
	a = dg_handle(test, 7103, rx);
	b = dg_handle(test, 7104, tx);
	self = vmci_make_handle(vmci_get_context_id(), a->resource);
	KUNIT_EXPECT_GT(test, send_payload(*b, self, "self"), 0);
	KUNIT_ASSERT_TRUE(test, wait_for_completion_timeout(&rx->done, 10 * HZ));
	KUNIT_EXPECT_EQ(test, rx->src.resource, b->resource);
	KUNIT_EXPECT_MEMEQ(test, rx->data, "self", 4);
}

static void destroy_doorbell(void *data)
{
	vmci_doorbell_destroy(*(struct vmci_handle *)data);
}

static struct vmci_handle *doorbell(struct kunit *test, struct sink *s)
{
	struct vmci_handle *h = kunit_kzalloc(test, sizeof(*h), GFP_KERNEL);

	if (!doorbells) {
		/* Linking fails: the hypervisor serves no doorbells. */
		struct vmci_handle x = VMCI_INVALID_HANDLE;

		KUNIT_EXPECT_LT(test, vmci_doorbell_create(&x, 0, VMCI_NO_PRIVILEGE_FLAGS,
							   sink_ring, s), 0);
		kunit_skip(test, "device without notifications");
	}
	KUNIT_ASSERT_NOT_NULL(test, h);
	*h = VMCI_INVALID_HANDLE;
	KUNIT_ASSERT_EQ(test, vmci_doorbell_create(h, 0, VMCI_NO_PRIVILEGE_FLAGS,
						   sink_ring, s), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, destroy_doorbell, h), 0);
	return h;
}

/* The model's host rings our doorbell of the same resource back. */
static void vmci_pci_doorbell_rung_by_host(struct kunit *test)
{
	struct sink *s;
	struct vmci_handle *h;

	need_device(test);
	s = sink_new(test);
	h = doorbell(test, s);
	KUNIT_ASSERT_EQ(test, vmci_doorbell_notify(host(h->resource),
						   VMCI_NO_PRIVILEGE_FLAGS), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&s->done, 10 * HZ));
}

static void vmci_pci_doorbell_rung_by_self(struct kunit *test)
{
	struct sink *s;
	struct vmci_handle *h;

	need_device(test);
	s = sink_new(test);
	h = doorbell(test, s);
	KUNIT_ASSERT_EQ(test, vmci_doorbell_notify(*h, VMCI_NO_PRIVILEGE_FLAGS), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&s->done, 10 * HZ));
}

/* A pair with the host: the hypervisor takes our pages (it checks them). */
static void vmci_pci_qpair_with_host(struct kunit *test)
{
	static const u64 sizes[] = { 4096, 100000, 1 << 20 };
	struct vmci_handle h;
	struct vmci_qp *qp;
	u8 buf[100];
	int i;

	need_device(test);
	memset(buf, 0x42, sizeof(buf));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		h = VMCI_INVALID_HANDLE;
		qp = NULL;
		KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &h, sizes[i], sizes[i],
						       VMCI_HOST_CONTEXT_ID, 0, 0), 0);
		KUNIT_EXPECT_EQ(test, h.context, vmci_get_context_id());
		KUNIT_EXPECT_EQ(test, vmci_qpair_produce_free_space(qp), sizes[i] - 1);
		KUNIT_EXPECT_EQ(test, vmci_qpair_consume_buf_ready(qp), 0);
		KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(qp, buf, sizeof(buf), 0),
				sizeof(buf));
		KUNIT_EXPECT_EQ(test, vmci_qpair_produce_buf_ready(qp), sizeof(buf));
		KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);
	}
}

static void vmci_pci_qpair_attach_to_nothing_is_enoent(struct kunit *test)
{
	struct vmci_handle h = host(9999);
	struct vmci_qp *qp = NULL;

	need_device(test);
	KUNIT_EXPECT_EQ(test, vmci_qpair_alloc(&qp, &h, 4096, 4096, VMCI_HOST_CONTEXT_ID,
					       VMCI_QPFLAG_ATTACH_ONLY, 0), -ENOENT);
	KUNIT_EXPECT_NULL(test, qp);
}

/*
 * Unbind the driver with live users, then bind it again: users get
 * errors, not crashes; a pair loses its peer; a doorbell that lived
 * through it is linked again and rings.
 */
static void vmci_pci_rebind_with_live_users(struct kunit *test)
{
	struct sink *dgs, *dbs;
	struct vmci_handle *dgh, *dbh = NULL, qh = VMCI_INVALID_HANDLE;
	struct vmci_qp *qp = NULL;
	struct pci_dev *pdev;
	u8 byte = 1;

	need_device(test);
	pdev = pci_get_device(PCI_VENDOR_ID_VMWARE, 0x0740, NULL);
	KUNIT_ASSERT_NOT_NULL(test, pdev);
	dgs = sink_new(test);
	dbs = sink_new(test);
	dgh = dg_handle(test, 7106, dgs);
	if (doorbells)
		dbh = doorbell(test, dbs);
	KUNIT_ASSERT_EQ(test, vmci_qpair_alloc(&qp, &qh, 4096, 4096,
					       VMCI_HOST_CONTEXT_ID, 0, 0), 0);

	device_release_driver(&pdev->dev);
	KUNIT_EXPECT_EQ(test, vmci_get_context_id(), VMCI_HOST_CONTEXT_ID);
	KUNIT_EXPECT_LT(test, send_payload(*dgh, host(HOST_ECHO_PORT), "gone"), 0);
	/* The pair's memory is still ours; its peer is gone. */
	KUNIT_EXPECT_EQ(test, vmci_qpair_enqueue(qp, &byte, 1, 0), 1);
	KUNIT_EXPECT_EQ(test, vmci_qpair_detach(&qp), 0);

	KUNIT_EXPECT_EQ(test, device_attach(&pdev->dev), 1);
	pci_dev_put(pdev);
	if (expected_cid)
		KUNIT_EXPECT_EQ(test, vmci_get_context_id(), expected_cid);
	KUNIT_EXPECT_GT(test, send_payload(*dgh, host(HOST_ECHO_PORT), "back"), 0);
	KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&dgs->done, 10 * HZ));
	if (doorbells) {
		KUNIT_ASSERT_EQ(test, vmci_doorbell_notify(host(dbh->resource),
							   VMCI_NO_PRIVILEGE_FLAGS), 0);
		KUNIT_EXPECT_TRUE(test, wait_for_completion_timeout(&dbs->done, 10 * HZ));
	}
}

static struct kunit_case vmci_pci_device_cases[] = {
	KUNIT_CASE(vmci_pci_context_id_is_the_devices),
	KUNIT_CASE(vmci_pci_datagram_echo_from_host),
	KUNIT_CASE(vmci_pci_datagram_large_echo),
	KUNIT_CASE(vmci_pci_datagram_no_host_endpoint),
	KUNIT_CASE(vmci_pci_datagram_sent_by_host),
	KUNIT_CASE(vmci_pci_datagram_to_self),
	KUNIT_CASE(vmci_pci_doorbell_rung_by_host),
	KUNIT_CASE(vmci_pci_doorbell_rung_by_self),
	KUNIT_CASE(vmci_pci_qpair_with_host),
	KUNIT_CASE(vmci_pci_qpair_attach_to_nothing_is_enoent),
	KUNIT_CASE(vmci_pci_rebind_with_live_users),
	{}
};

static struct kunit_suite vmci_pci_device_suite = {
	.name = "vmw_vmci_pci_device",
	.test_cases = vmci_pci_device_cases,
};

kunit_test_suite(vmci_pci_device_suite);

MODULE_DESCRIPTION("KUnit: the VMCI PCI driver against the QEMU device model");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
