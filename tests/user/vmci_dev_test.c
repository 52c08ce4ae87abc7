// SPDX-License-Identifier: GPL-2.0
/*
 * The VMCI device model (tests/qemu) driven from user space, with no guest
 * driver bound: its registers through sysfs (resource0, one inb/outb/inl/
 * outl per pread/pwrite), hypercalls and datagrams on the I/O-port path,
 * and a guest that misbehaves on purpose.  Every bad input must give the
 * VMCI error the host would give, and the device must keep working after
 * it (the next hypercall answers).  The model logs each refusal with
 * -d guest_errors (tests/run.sh keeps that log).
 *
 * Environment: VV_VMCI_CID, the CID the device was given.
 */
#include <dirent.h>
#include <fcntl.h>
#include <linux/types.h>
#include "ktap.h"

#define REG_CONTROL	0x04
#define REG_DATA_OUT	0x10
#define REG_DATA_IN	0x14
#define REG_CAPS	0x18
#define REG_RESULT_LOW	0x1c
#define REG_DATA_OUT_LOW 0x24
#define REG_DATA_OUT_HIGH 0x28
#define REG_GUEST_PAGE_SHIFT 0x34

#define CAPS_DATAGRAM	(1u << 2)
#define CAPS_NOTIFY	(1u << 3)
#define CAPS_PPN64	(1u << 4)
#define CAPS_DMA	(1u << 5)

#define ERR_INVALID_RESOURCE	(-1)
#define ERR_INVALID_ARGS	(-2)
#define ERR_NO_ACCESS		(-7)
#define ERR_DST_UNREACHABLE	(-10)
#define ERR_NO_RESOURCES	(-19)
#define ERR_NOT_FOUND		(-21)
#define ERR_ALREADY_EXISTS	(-22)

static int io_fd = -1;
static char dev_dir[300];
static __u32 cid = 3;
static __u32 caps;

static __u32 rd32(unsigned int off)
{
	__u32 v = 0;

	if (pread(io_fd, &v, 4, off) != 4)
		ktap_diag("pread of register 0x%x failed: %s", off, strerror(errno));
	return v;
}

static void wr32(unsigned int off, __u32 v)
{
	if (pwrite(io_fd, &v, 4, off) != 4)
		ktap_diag("pwrite of register 0x%x failed: %s", off, strerror(errno));
}

/* Write n bytes to DATA_OUT (the guest's rep outsb), then read RESULT. */
static __s32 send_raw(const void *buf, size_t n)
{
	const __u8 *p = buf;
	size_t i;

	for (i = 0; i < n; i++)
		if (pwrite(io_fd, p + i, 1, REG_DATA_OUT) != 1)
			return -1000;
	return (__s32)rd32(REG_RESULT_LOW);
}

struct dg {
	__u32 dst_ctx, dst_rid, src_ctx, src_rid;
	__u64 payload_size;
	__u8 payload[4096];
} __attribute__((packed));

static __s32 send_dg(__u32 dctx, __u32 drid, __u32 sctx, __u32 srid,
		     const void *payload, size_t len)
{
	struct dg d = { dctx, drid, sctx, srid, len, { 0 } };

	memcpy(d.payload, payload, len);
	return send_raw(&d, 24 + len);
}

static __s32 hypercall(__u32 resource, const void *payload, size_t len)
{
	return send_dg(0, resource, ~0u, ~0u, payload, len);
}

/* Read one 4 KiB batch of DATA_IN, as the guest driver does. */
static void read_batch(__u8 *buf)
{
	int i;

	for (i = 0; i < 4096; i++)
		if (pread(io_fd, buf + i, 1, REG_DATA_IN) != 1)
			buf[i] = 0;
}

/* Find a datagram from (sctx, srid) in the next batches; its offset or -1. */
static int find_dg(__u8 *buf, __u32 sctx, __u32 srid)
{
	int batch, off;

	for (batch = 0; batch < 16; batch++) {
		read_batch(buf);
		for (off = 0; off + 24 <= 4096;) {
			struct dg *d = (struct dg *)(buf + off);

			if (d->dst_rid == ~0u)
				break;
			if (d->src_ctx == sctx && d->src_rid == srid)
				return off;
			off += (24 + d->payload_size + 7) & ~7ull;
		}
	}
	return -1;
}

static void test_caps(void)
{
	CHECK(caps & CAPS_DATAGRAM, "CAPS 0x%x lacks DATAGRAM", caps);
}

static void test_resources_query(void)
{
	__u32 one[3] = { 1, 0, 1 };
	__u32 many[2 + 12] = { 12, 0, 0, 1, 2, 3, 4, 5, 8, 9, 10, 11, 13, 99 };
	__s32 want = (caps & CAPS_NOTIFY) ? 0x3ff : 0x3c3;

	CHECK_EQ(hypercall(0, one, sizeof(one)), 1);
	CHECK_EQ(hypercall(0, many, sizeof(many)), want);
}

static void test_resources_query_too_many(void)
{
	__u32 q[2] = { 100, 0 };

	CHECK_EQ(hypercall(0, q, sizeof(q)), ERR_INVALID_ARGS);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_get_context_id(void)
{
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_payload_too_large_resyncs(void)
{
	struct dg d = { 0, 1, ~0u, ~0u, 1ull << 40, { 0 } };

	CHECK_EQ(send_raw(&d, 24 + 16), ERR_INVALID_ARGS);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_truncated_datagram_resyncs(void)
{
	struct dg d = { 0, 1, ~0u, ~0u, 100, { 0 } };

	CHECK_EQ(send_raw(&d, 24 + 10), ERR_INVALID_ARGS);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_unknown_resource(void)
{
	CHECK_EQ(hypercall(13, NULL, 0), ERR_INVALID_RESOURCE);
	CHECK_EQ(hypercall(0x7fffffff, NULL, 0), ERR_INVALID_RESOURCE);
}

static void test_forged_source(void)
{
	CHECK_EQ(send_dg(2, 5000, 77, 1024, "x", 1), ERR_NO_ACCESS);
	/* A forged hypervisor event to ourselves is refused too. */
	CHECK_EQ(send_dg(cid, 0, 0, 0, "12345678", 8), ERR_NO_ACCESS);
}

static void test_other_vm_unreachable(void)
{
	CHECK_EQ(send_dg(77, 5, cid, 1024, "x", 1), ERR_DST_UNREACHABLE);
	CHECK_EQ(send_dg(~0u, 5, cid, 1024, "x", 1), ERR_INVALID_ARGS);
}

struct qp_alloc {
	__u32 ctx, rid, peer, flags;
	__u64 produce, consume, num;
	__u64 ppn[8];
} __attribute__((packed));

static __s32 qp_alloc(struct qp_alloc *m, unsigned int nppn)
{
	return hypercall(10, m, 40 + 8 * nppn);
}

static void test_qp_bad_ppn(void)
{
	struct qp_alloc m = { cid, 2000, 2, 0, 4096, 4096, 4,
			      { 0x7ffffffffull, 0x7ffffffffull, 0x7ffffffffull,
				0x7ffffffffull } };

	CHECK_EQ(qp_alloc(&m, 4), ERR_INVALID_ARGS);
	memset(m.ppn, 0, sizeof(m.ppn));
	CHECK_EQ(qp_alloc(&m, 4), ERR_INVALID_ARGS);
	CHECK_EQ(hypercall(11, &m, 8), ERR_NOT_FOUND);
}

static void test_qp_bad_sizes(void)
{
	struct qp_alloc m = { cid, 2001, 2, 0, 4096, 4096, 3, { 0 } };

	CHECK_EQ(qp_alloc(&m, 3), ERR_INVALID_ARGS);	/* 3 PPNs for 4 pages */
	m.num = 4;
	CHECK_EQ(qp_alloc(&m, 3), ERR_INVALID_ARGS);	/* list shorter than num */
	m.produce = 100ull << 20;
	m.consume = m.produce;
	CHECK_EQ(qp_alloc(&m, 4), ERR_NO_RESOURCES);	/* over 128 MiB */
	m.produce = 0;
	m.consume = 0;
	CHECK_EQ(qp_alloc(&m, 4), ERR_INVALID_ARGS);
	m.produce = ~0ull;
	m.consume = ~0ull;
	CHECK_EQ(qp_alloc(&m, 4), ERR_NO_RESOURCES);
	m.produce = 4096;
	m.consume = 4096;
	m.flags = 0xf0;
	CHECK_EQ(qp_alloc(&m, 4), ERR_INVALID_ARGS);	/* unknown flags */
	m.flags = 1;
	CHECK_EQ(qp_alloc(&m, 4), ERR_NOT_FOUND);	/* attach to nothing */
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_qp_detach_unknown(void)
{
	__u32 h[2] = { cid, 4242 };

	CHECK_EQ(hypercall(11, h, sizeof(h)), ERR_NOT_FOUND);
	CHECK_EQ(hypercall(11, h, 4), ERR_INVALID_ARGS);
}

static void test_notify_bitmap_bad_ppn(void)
{
	__u64 ppn = 0x7ffffffffull;

	if (!(caps & CAPS_NOTIFY))
		ktap_skip("device without notifications");
	CHECK_EQ(hypercall(2, &ppn, 8), ERR_INVALID_ARGS);
	ppn = 0;
	CHECK_EQ(hypercall(2, &ppn, 8), ERR_INVALID_ARGS);
}

static void test_doorbells(void)
{
	struct { __u32 ctx, rid; __u64 idx; } __attribute__((packed))
		link = { cid, 3000, 5000 };

	if (!(caps & CAPS_NOTIFY)) {
		CHECK_EQ(hypercall(3, &link, sizeof(link)), ERR_INVALID_RESOURCE);
		return;
	}
	CHECK_EQ(hypercall(3, &link, sizeof(link)), ERR_INVALID_ARGS);
	link.idx = 1;
	CHECK_EQ(hypercall(3, &link, sizeof(link)), 0);
	CHECK_EQ(hypercall(3, &link, sizeof(link)), ERR_ALREADY_EXISTS);
	link.ctx = 77;
	CHECK_EQ(hypercall(3, &link, sizeof(link)), ERR_INVALID_ARGS);
	link.ctx = cid;
	CHECK_EQ(hypercall(4, &link, 8), 0);
	CHECK_EQ(hypercall(4, &link, 8), ERR_NOT_FOUND);
	CHECK_EQ(hypercall(5, &link, 8), ERR_NOT_FOUND);
}

static void test_event_subscribe(void)
{
	__u32 ev[2] = { 99, 0 };

	CHECK_EQ(hypercall(8, ev, sizeof(ev)), ERR_INVALID_ARGS);
	ev[0] = 4;
	CHECK_EQ(hypercall(8, ev, sizeof(ev)), 0);
	CHECK_EQ(hypercall(9, ev, sizeof(ev)), 0);
}

static void test_loopback_datagram(void)
{
	static __u8 buf[4096];
	int off;

	CHECK_EQ(send_dg(cid, 1234, cid, 4321, "loop", 4), 28);
	off = find_dg(buf, cid, 4321);
	CHECK(off >= 0, "own datagram not read back from DATA_IN");
	CHECK(!memcmp(buf + off + 24, "loop", 4), "payload differs");
}

/* vmci_transport control packets the host side must survive. */
static void test_vsock_bad_control(void)
{
	static __u8 buf[4096];
	__u8 pkt[32] = { 1, 0xee };
	__u32 *u32 = (__u32 *)pkt;

	CHECK_EQ(send_dg(2, 1, cid, 1, pkt, sizeof(pkt)), 56);
	CHECK_EQ(send_dg(2, 1, cid, 1, pkt, 6), 30);	/* short: dropped */
	/* REQUEST2 with a zero size: the host answers RST. */
	pkt[1] = 11;
	pkt[2] = 1;		/* proto: PKT_ON_NOTIFY */
	u32[1] = 7777;		/* src_port */
	u32[2] = 1;		/* dst_port */
	CHECK_EQ(send_dg(2, 1, cid, 1, pkt, sizeof(pkt)), 56);
	off_t off = find_dg(buf, 2, 1);

	CHECK(off >= 0, "no answer from the host's control channel");
	if (buf[off + 25] == 0) {
		/* INVALID: a host that predates REQUEST2; so, REQUEST. */
		CHECK_EQ(*(__u32 *)(buf + off + 32), 7777);
		pkt[1] = 1;
		pkt[2] = 0;
		CHECK_EQ(send_dg(2, 1, cid, 1, pkt, sizeof(pkt)), 56);
		off = find_dg(buf, 2, 1);
		CHECK(off >= 0, "no answer to the REQUEST");
	}
	CHECK_EQ(buf[off + 25], 7);	/* RST */
	CHECK_EQ(*(__u32 *)(buf + off + 32), 7777);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

/* An old guest's REQUEST gets the old NEGOTIATE (and the old protocol). */
static void test_vsock_old_request_gets_negotiate(void)
{
	static __u8 buf[4096];
	__u8 pkt[32] = { 1, 1 };	/* version 1, REQUEST */
	__u32 *u32 = (__u32 *)pkt;
	__u64 *u64 = (__u64 *)(pkt + 16);
	int off;

	u32[1] = 7778;		/* src_port */
	u32[2] = 5000;		/* dst_port: host_peer.py's echo */
	u64[0] = 4096;		/* size */
	CHECK_EQ(send_dg(2, 1, cid, 1, pkt, sizeof(pkt)), 56);
	off = find_dg(buf, 2, 1);
	CHECK(off >= 0, "no answer from the host's control channel");
	CHECK_EQ(buf[off + 25], 2);				/* NEGOTIATE */
	CHECK_EQ(*(__u16 *)(buf + off + 26), 0);		/* no proto */
	CHECK_EQ(*(__u32 *)(buf + off + 32), 7778);
	CHECK_EQ(*(__u64 *)(buf + off + 40), 4096);
	/* Give up the connection: RST. */
	pkt[1] = 7;
	CHECK_EQ(send_dg(2, 1, cid, 1, pkt, sizeof(pkt)), 56);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_dma_bad_addresses(void)
{
	if (!(caps & CAPS_DMA))
		ktap_skip("device without DMA datagrams");
	wr32(REG_CAPS, caps & (CAPS_DATAGRAM | CAPS_DMA | CAPS_NOTIFY | CAPS_PPN64));
	wr32(REG_GUEST_PAGE_SHIFT, 12);
	/* A header outside RAM: refused, nothing written. */
	wr32(REG_DATA_OUT_HIGH, 0xfff);
	wr32(REG_DATA_OUT_LOW, 0xfffff000);
	CHECK_EQ((__s32)rd32(REG_RESULT_LOW), ERR_INVALID_ARGS);
	/* Back to the byte stream: the device still answers. */
	wr32(REG_CAPS, caps & ~CAPS_DMA);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static void test_reset_keeps_working(void)
{
	wr32(REG_CONTROL, 1);
	wr32(REG_CAPS, caps & ~CAPS_DMA);
	CHECK_EQ(hypercall(1, NULL, 0), cid);
}

static int open_device(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *e;
	char path[600], id[32];
	int fd, found = 0;

	while (d && (e = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/vendor", e->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		memset(id, 0, sizeof(id));
		if (read(fd, id, sizeof(id) - 1) > 0 && !strncmp(id, "0x15ad", 6)) {
			snprintf(dev_dir, sizeof(dev_dir), "/sys/bus/pci/devices/%s",
				 e->d_name);
			found = 1;
		}
		close(fd);
		if (found)
			break;
	}
	if (d)
		closedir(d);
	if (!found)
		return -1;
	snprintf(path, sizeof(path), "%s/enable", dev_dir);
	fd = open(path, O_WRONLY);
	if (fd >= 0) {
		if (write(fd, "1", 1) != 1)
			perror("enable");
		close(fd);
	}
	snprintf(path, sizeof(path), "%s/resource0", dev_dir);
	return open(path, O_RDWR);
}

static const struct ktap_case cases[] = {
	{ "caps", test_caps, 0 },
	{ "resources_query", test_resources_query, 0 },
	{ "resources_query_too_many", test_resources_query_too_many, 0 },
	{ "get_context_id", test_get_context_id, 0 },
	{ "payload_too_large_resyncs", test_payload_too_large_resyncs, 0 },
	{ "truncated_datagram_resyncs", test_truncated_datagram_resyncs, 0 },
	{ "unknown_resource", test_unknown_resource, 0 },
	{ "forged_source", test_forged_source, 0 },
	{ "other_vm_unreachable", test_other_vm_unreachable, 0 },
	{ "qp_bad_ppn", test_qp_bad_ppn, 0 },
	{ "qp_bad_sizes", test_qp_bad_sizes, 0 },
	{ "qp_detach_unknown", test_qp_detach_unknown, 0 },
	{ "notify_bitmap_bad_ppn", test_notify_bitmap_bad_ppn, 0 },
	{ "doorbells", test_doorbells, 0 },
	{ "event_subscribe", test_event_subscribe, 0 },
	{ "loopback_datagram", test_loopback_datagram, 0 },
	{ "vsock_bad_control", test_vsock_bad_control, 0 },
	{ "vsock_old_request_gets_negotiate", test_vsock_old_request_gets_negotiate, 0 },
	{ "dma_bad_addresses", test_dma_bad_addresses, 0 },
	{ "reset_keeps_working", test_reset_keeps_working, 0 },
};

int main(void)
{
	const char *env = getenv("VV_VMCI_CID");

	if (env)
		cid = strtoul(env, NULL, 0);
	io_fd = open_device();
	if (io_fd < 0) {
		printf("KTAP version 1\n1..1\nnot ok 1 open_device # %s\n",
		       strerror(errno));
		return 1;
	}
	caps = rd32(REG_CAPS);
	/* The caps every case starts from: no DMA, so DATA_OUT is live. */
	wr32(REG_CAPS, caps & (CAPS_DATAGRAM | CAPS_NOTIFY | CAPS_PPN64));
	return ktap_run(cases, ARRAY_SIZE(cases));
}
