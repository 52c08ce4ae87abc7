// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: parsing what the VMCI device delivers (vmci/pci/rx.c), with
 * batches a correct device sends and batches a hostile one could: sizes
 * over the limit, datagrams that overrun the batch, broken framing.
 * Table-driven: each case places datagram headers in a batch otherwise
 * filled with the 0xff of an end header.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/vmalloc.h>
#include <vv_compat.h>

#include "../../vmci/pci/vmci_pci.h"

#define MAX_RECS 4

struct rec {
	u32 off;
	u64 payload;
	u32 dst_rid;
};

struct rx_case {
	const char *name;
	u32 len;
	bool framed;
	struct rec recs[MAX_RECS];
	int nrecs;
	int delivered;
	size_t partial;
};

static const struct rx_case rx_cases[] = {
	{ "empty_dma", 69632, false, {}, 0, 0, SIZE_MAX },
	{ "empty_io_page", 4096, true, {}, 0, 0, SIZE_MAX },
	{ "one", 4096, true, { { 0, 4, 7 } }, 1, 1, SIZE_MAX },
	{ "two_padded", 4096, true, { { 0, 5, 7 }, { 32, 0, 8 } }, 2, 2, SIZE_MAX },
	{ "second_page_after_end", 8192, true,
	  { { 0, 4, 7 }, { 4096, 4, 9 } }, 2, 2, SIZE_MAX },
	{ "dma_stops_at_end", 8192, false,
	  { { 0, 4, 7 }, { 4096, 4, 9 } }, 2, 1, SIZE_MAX },
	{ "spans_pages_partial", 4096, true, { { 0, 5000, 7 } }, 1, 0, 0 },
	{ "spans_from_second_page", 8192, true,
	  { { 0, 4, 7 }, { 4096, 8000, 9 } }, 2, 1, 4096 },
	{ "overrun_not_on_page", 4096, true,
	  { { 0, 4, 7 }, { 32, 8000, 9 } }, 2, 1, SIZE_MAX },
	{ "overrun_dma", 4096, false, { { 0, 8000, 7 } }, 1, 0, SIZE_MAX },
	{ "payload_too_large", 4096, true, { { 0, 1ull << 40, 7 } }, 1, 0, SIZE_MAX },
	{ "payload_just_too_large", 69632, false,
	  { { 0, VMCI_MAX_DG_PAYLOAD_SIZE + 1, 7 } }, 1, 0, SIZE_MAX },
	{ "largest_fits", 69632, false,
	  { { 0, VMCI_MAX_DG_PAYLOAD_SIZE, 7 } }, 1, 1, SIZE_MAX },
	{ "header_cut_at_end", 4096, true, { { 4080, 0, 7 } }, 1, 0, SIZE_MAX },
};

static void rx_case_desc(const struct rx_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(rx, rx_cases, rx_case_desc);

static int rx_delivered;
static size_t rx_bytes;

static int rx_count(struct vmci_datagram *dg, size_t len)
{
	rx_delivered++;
	rx_bytes += len;
	return 0;
}

/* A header as @r says, cut where the batch of @len bytes ends. */
static void rx_put(u8 *buf, u32 len, const struct rec *r)
{
	struct vmci_datagram dg = {
		.dst = vmci_make_handle(3, r->dst_rid),
		.src = vmci_make_handle(2, 5),
		.payload_size = r->payload,
	};

	memcpy(buf + r->off, &dg, min_t(size_t, len - r->off, sizeof(dg)));
}

static void vmci_pci_parse_table(struct kunit *test)
{
	const struct rx_case *c = test->param_value;
	size_t partial;
	u8 *buf;
	int i, n;

	buf = vmalloc(c->len);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xff, c->len);
	for (i = 0; i < c->nrecs; i++)
		rx_put(buf, c->len, &c->recs[i]);
	rx_delivered = 0;
	rx_bytes = 0;
	n = vmci_pci_parse(buf, c->len, c->framed, rx_count, &partial);
	KUNIT_EXPECT_EQ(test, n, c->delivered);
	KUNIT_EXPECT_EQ(test, rx_delivered, c->delivered);
	KUNIT_EXPECT_EQ(test, partial, c->partial);
	vfree(buf);
}

/*
 * The DMA path parses a snapshot: for every batch of the table, parsing
 * the snapshot delivers what parsing the whole buffer does, and the
 * snapshot stops where the datagrams do.
 */
static void vmci_pci_snapshot_table(struct kunit *test)
{
	const struct rx_case *c = test->param_value;
	size_t partial, n, full_bytes;
	u8 *buf, *copy;
	int i, full;

	if (c->framed)
		kunit_skip(test, "the I/O path parses its own buffer");
	buf = vmalloc(c->len);
	copy = vmalloc(c->len);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memset(buf, 0xff, c->len);
	memset(copy, 0x5a, c->len);
	for (i = 0; i < c->nrecs; i++)
		rx_put(buf, c->len, &c->recs[i]);
	rx_delivered = 0;
	rx_bytes = 0;
	full = vmci_pci_parse(buf, c->len, false, rx_count, &partial);
	full_bytes = rx_bytes;
	n = vmci_pci_snapshot(copy, buf, c->len);
	KUNIT_EXPECT_LE(test, n, (size_t)c->len);
	rx_delivered = 0;
	rx_bytes = 0;
	KUNIT_EXPECT_EQ(test, vmci_pci_parse(copy, n, false, rx_count, &partial),
			full);
	KUNIT_EXPECT_EQ(test, rx_bytes, full_bytes);
	vfree(copy);
	vfree(buf);
}

/* One control packet in a 64 KiB buffer: its 80 bytes are copied. */
static void vmci_pci_snapshot_copies_only_datagrams(struct kunit *test)
{
	struct vmci_datagram dg = {
		.dst = vmci_make_handle(3, 1),
		.payload_size = 32,
	};
	u8 *buf = vmalloc(VMCI_PCI_RX_SIZE), *copy = vzalloc(VMCI_PCI_RX_SIZE);
	size_t n;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memset(buf, 0xff, VMCI_PCI_RX_SIZE);
	memcpy(buf, &dg, sizeof(dg));
	n = vmci_pci_snapshot(copy, buf, VMCI_PCI_RX_SIZE);
	KUNIT_EXPECT_EQ(test, n, (size_t)VMCI_DG_HEADERSIZE + 32 + VMCI_DG_HEADERSIZE);
	KUNIT_EXPECT_EQ(test, copy[n], 0);
	vfree(copy);
	vfree(buf);
}

/* Every delivered length is the unpadded size and lies inside the batch. */
static void vmci_pci_parse_lengths_unpadded(struct kunit *test)
{
	struct vmci_datagram dg = {
		.dst = vmci_make_handle(3, 7),
		.payload_size = 5,
	};
	size_t partial;
	u8 *buf = kunit_kmalloc(test, 4096, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, 0xff, 4096);
	memcpy(buf, &dg, sizeof(dg));
	rx_delivered = 0;
	rx_bytes = 0;
	KUNIT_EXPECT_EQ(test, vmci_pci_parse(buf, 4096, true, rx_count, &partial), 1);
	KUNIT_EXPECT_EQ(test, rx_bytes, (size_t)VMCI_DG_HEADERSIZE + 5);
}

static struct kunit_case vmci_pci_rx_cases[] = {
	KUNIT_CASE_PARAM(vmci_pci_parse_table, rx_gen_params),
	KUNIT_CASE(vmci_pci_parse_lengths_unpadded),
	KUNIT_CASE_PARAM(vmci_pci_snapshot_table, rx_gen_params),
	KUNIT_CASE(vmci_pci_snapshot_copies_only_datagrams),
	{}
};

static struct kunit_suite vmci_pci_rx_suite = {
	.name = "vmw_vmci_pci_rx",
	.test_cases = vmci_pci_rx_cases,
};

kunit_test_suite(vmci_pci_rx_suite);

MODULE_DESCRIPTION("KUnit: VMCI PCI receive parsing");
MODULE_LICENSE("GPL");
VV_IMPORT_NS();
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
