// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the control-packet checker of the VMCI vsock transport
 * (vsock/vmci/packet.c): a table of good and bad packets, a seeded
 * mutation fuzz against an independent model of the rules, and the
 * wire layout of struct vt_packet.
 */
#include <kunit/test.h>
#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <vv_compat.h>

#include "../../vsock/vmci/vmci_transport.h"

/* Wire values, spelled out here rather than taken from the header. */
#define W_PAYLOAD	32	/* dg.payload_size of every control packet */
#define W_VERSION	1
#define W_RID		1	/* control resource of every context ... */
#define W_HV_RID	15	/* ... but the hypervisor's (context 0) */
#define W_TYPES		13	/* types 0..12 are known */

#define CID_HV		0	/* VMADDR_CID_HYPERVISOR */
#define CID_LOCAL	1	/* VMADDR_CID_LOCAL: never a VMCI peer */
#define CID_PEER	2

/* A good packet from resource 1 of context 2; the table edits one field. */
static void good_packet(struct vt_packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->dg.dst = vmci_make_handle(3, W_RID);
	pkt->dg.src = vmci_make_handle(CID_PEER, W_RID);
	pkt->dg.payload_size = W_PAYLOAD;
	pkt->version = W_VERSION;
	pkt->type = VT_REQUEST;
	pkt->src_port = 1024;
	pkt->dst_port = 2048;
	pkt->u.size = 65536;
}

struct check_case {
	const char *name;
	u64 payload_size;
	u8 version;
	u8 type;
	u32 src_cid;
	u32 src_rid;
	int want;
};

#define GOOD_TYPE(t) \
	{ "valid_" #t, W_PAYLOAD, W_VERSION, t, CID_PEER, W_RID, 0 }

static const struct check_case check_cases[] = {
	GOOD_TYPE(VT_INVALID),
	GOOD_TYPE(VT_REQUEST),
	GOOD_TYPE(VT_NEGOTIATE),
	GOOD_TYPE(VT_OFFER),
	GOOD_TYPE(VT_ATTACH),
	GOOD_TYPE(VT_WROTE),
	GOOD_TYPE(VT_READ),
	GOOD_TYPE(VT_RST),
	GOOD_TYPE(VT_SHUTDOWN),
	GOOD_TYPE(VT_WAITING_WRITE),
	GOOD_TYPE(VT_WAITING_READ),
	GOOD_TYPE(VT_REQUEST2),
	GOOD_TYPE(VT_NEGOTIATE2),
	{ "payload_0", 0, W_VERSION, VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "payload_31", 31, W_VERSION, VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "payload_33", 33, W_VERSION, VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "payload_u64_max", U64_MAX, W_VERSION, VT_REQUEST, CID_PEER, W_RID,
	  -EBADMSG },
	{ "payload_32_plus_4g", W_PAYLOAD + (1ULL << 32), W_VERSION,
	  VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "version_0", W_PAYLOAD, 0, VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "version_2", W_PAYLOAD, 2, VT_REQUEST, CID_PEER, W_RID, -EBADMSG },
	{ "version_255", W_PAYLOAD, 255, VT_REQUEST, CID_PEER, W_RID,
	  -EBADMSG },
	{ "type_13", W_PAYLOAD, W_VERSION, 13, CID_PEER, W_RID, -EPROTO },
	{ "type_255", W_PAYLOAD, W_VERSION, 255, CID_PEER, W_RID, -EPROTO },
	{ "peer_rid_0", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_PEER, 0, -EPERM },
	{ "peer_rid_2", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_PEER, 2, -EPERM },
	{ "peer_rid_15", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_PEER, W_HV_RID,
	  -EPERM },
	{ "hv_rid_1", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_HV, W_RID, -EPERM },
	{ "hv_rid_15", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_HV, W_HV_RID, 0 },
	{ "hv_rid_15_type_13", W_PAYLOAD, W_VERSION, 13, CID_HV, W_HV_RID,
	  -EPROTO },
	{ "local_rid_1", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_LOCAL, W_RID,
	  -EPERM },
	{ "local_rid_15", W_PAYLOAD, W_VERSION, VT_REQUEST, CID_LOCAL,
	  W_HV_RID, -EPERM },
	/* Several faults: the size comes first, then the source. */
	{ "size_before_source", 33, W_VERSION, VT_REQUEST, CID_LOCAL, W_RID,
	  -EBADMSG },
	{ "source_before_version", W_PAYLOAD, 2, VT_REQUEST, CID_PEER, 2,
	  -EPERM },
	{ "source_before_type", W_PAYLOAD, W_VERSION, 13, CID_LOCAL, W_RID,
	  -EPERM },
	{ "version_before_type", W_PAYLOAD, 0, 255, CID_PEER, W_RID,
	  -EBADMSG },
};

static void check_case_desc(const struct check_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(check, check_cases, check_case_desc);

static void vt_packet_check_table(struct kunit *test)
{
	const struct check_case *c = test->param_value;
	struct vt_packet pkt, copy;

	good_packet(&pkt);
	pkt.dg.payload_size = c->payload_size;
	pkt.version = c->version;
	pkt.type = c->type;
	pkt.dg.src = vmci_make_handle(c->src_cid, c->src_rid);
	copy = pkt;

	KUNIT_EXPECT_EQ(test, vt_packet_check(&pkt.dg), c->want);
	/* The checker only reads. */
	KUNIT_EXPECT_EQ(test, memcmp(&pkt, &copy, sizeof(pkt)), 0);
}

/* The rules, written independently of packet.c, in the order it checks. */
static int model_verdict(const struct vt_packet *pkt)
{
	u32 cid = pkt->dg.src.context;
	u32 rid = cid == CID_HV ? W_HV_RID : W_RID;

	if (pkt->dg.payload_size != W_PAYLOAD)
		return -EBADMSG;
	if (cid == CID_LOCAL || pkt->dg.src.resource != rid)
		return -EPERM;
	if (pkt->version != W_VERSION)
		return -EBADMSG;
	if (pkt->type >= W_TYPES)
		return -EPROTO;
	return 0;
}

#define FUZZ_SEED	0x76736f636b766d63ULL	/* "vsockvmc" */
#define FUZZ_ITERS	20000
#define FUZZ_MAX_MUTATIONS 3

static u64 rnd_u64(struct rnd_state *rnd)
{
	u64 hi = prandom_u32_state(rnd);

	return hi << 32 | prandom_u32_state(rnd);
}

/* A good packet with random ports, argument and destination. */
static void fuzz_good_packet(struct rnd_state *rnd, struct vt_packet *pkt)
{
	u32 cid;

	prandom_bytes_state(rnd, pkt, sizeof(*pkt));
	pkt->dg.payload_size = W_PAYLOAD;
	pkt->version = W_VERSION;
	pkt->type = prandom_u32_state(rnd) % W_TYPES;
	if (prandom_u32_state(rnd) % 4 == 0) {
		pkt->dg.src = vmci_make_handle(CID_HV, W_HV_RID);
	} else {
		cid = prandom_u32_state(rnd);
		if (cid == CID_HV || cid == CID_LOCAL)
			cid = CID_PEER;
		pkt->dg.src = vmci_make_handle(cid, W_RID);
	}
}

static const u64 fuzz_sizes[] = { 0, 1, 31, 32, 33, 56, U32_MAX, U64_MAX };
static const u32 fuzz_cids[] = { CID_HV, CID_LOCAL, CID_PEER, U32_MAX };
static const u32 fuzz_rids[] = { 0, W_RID, 2, W_HV_RID, U32_MAX };

static void fuzz_mutate(struct rnd_state *rnd, struct vt_packet *pkt)
{
	u8 *bytes = (u8 *)pkt;
	u32 pick = prandom_u32_state(rnd);
	u32 r = prandom_u32_state(rnd);

	switch (pick % 8) {
	case 0:		/* any byte, any value */
		bytes[r % sizeof(*pkt)] = prandom_u32_state(rnd);
		break;
	case 1:		/* any bit */
		bytes[r % sizeof(*pkt)] ^= BIT(prandom_u32_state(rnd) % 8);
		break;
	case 2:		/* a byte of dg.src, payload_size, version or type */
		bytes[offsetof(struct vmci_datagram, src) +
		      r % (offsetof(struct vt_packet, proto) -
			   offsetof(struct vmci_datagram, src))] =
			prandom_u32_state(rnd);
		break;
	case 3:
		pkt->dg.payload_size = r % 2 ? rnd_u64(rnd) :
			fuzz_sizes[prandom_u32_state(rnd) %
				   ARRAY_SIZE(fuzz_sizes)];
		break;
	case 4:
		pkt->version = r % 2 ? prandom_u32_state(rnd) : r % 4;
		break;
	case 5:
		pkt->type = r % 2 ? prandom_u32_state(rnd) :
			W_TYPES - 2 + prandom_u32_state(rnd) % 4;
		break;
	case 6:
		pkt->dg.src.context = r % 2 ? prandom_u32_state(rnd) :
			fuzz_cids[prandom_u32_state(rnd) %
				  ARRAY_SIZE(fuzz_cids)];
		break;
	default:
		pkt->dg.src.resource = r % 2 ? prandom_u32_state(rnd) :
			fuzz_rids[prandom_u32_state(rnd) %
				  ARRAY_SIZE(fuzz_rids)];
		break;
	}
}

enum { V_OK, V_BADMSG, V_PERM, V_PROTO, V_COUNT };

static int verdict_index(int verdict)
{
	switch (verdict) {
	case 0:
		return V_OK;
	case -EBADMSG:
		return V_BADMSG;
	case -EPERM:
		return V_PERM;
	case -EPROTO:
		return V_PROTO;
	default:
		return V_COUNT;
	}
}

static void vt_packet_check_fuzz(struct kunit *test)
{
	unsigned int seen[V_COUNT] = {};
	struct rnd_state rnd;
	struct vt_packet pkt;
	int i, n, nmut, got, want;

	prandom_seed_state(&rnd, FUZZ_SEED);
	for (i = 0; i < FUZZ_ITERS; i++) {
		fuzz_good_packet(&rnd, &pkt);
		KUNIT_ASSERT_EQ_MSG(test, vt_packet_check(&pkt.dg), 0,
				    "iteration %d: unmutated packet refused",
				    i);

		nmut = 1 + prandom_u32_state(&rnd) % FUZZ_MAX_MUTATIONS;
		for (n = 0; n < nmut; n++)
			fuzz_mutate(&rnd, &pkt);

		want = model_verdict(&pkt);
		got = vt_packet_check(&pkt.dg);
		KUNIT_ASSERT_EQ_MSG(test, got, want,
				    "iteration %d: size %llu src %u:%u version %u type %u",
				    i, pkt.dg.payload_size, pkt.dg.src.context,
				    pkt.dg.src.resource, pkt.version, pkt.type);
		KUNIT_ASSERT_LT(test, verdict_index(got), V_COUNT);
		seen[verdict_index(got)]++;
	}

	kunit_info(test, "ok %u, -EBADMSG %u, -EPERM %u, -EPROTO %u\n",
		   seen[V_OK], seen[V_BADMSG], seen[V_PERM], seen[V_PROTO]);
	KUNIT_EXPECT_GT(test, seen[V_OK], 0);
	KUNIT_EXPECT_GT(test, seen[V_BADMSG], 0);
	KUNIT_EXPECT_GT(test, seen[V_PERM], 0);
	KUNIT_EXPECT_GT(test, seen[V_PROTO], 0);
}

static void vt_packet_layout(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct vmci_datagram), 24);
	KUNIT_EXPECT_EQ(test, sizeof(struct vt_packet), 56);
	KUNIT_EXPECT_EQ(test, VT_PAYLOAD_SIZE, W_PAYLOAD);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, version), 24);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, type), 25);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, proto), 26);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, src_port), 28);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, dst_port), 32);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, _reserved), 36);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, u), 40);
	KUNIT_EXPECT_EQ(test, offsetof(struct vt_packet, u.wait.offset), 48);
	KUNIT_EXPECT_EQ(test, VT_HYPERVISOR_PACKET_RID, W_HV_RID);
	KUNIT_EXPECT_EQ(test, VT_PACKET_RID, W_RID);
	KUNIT_EXPECT_EQ(test, VT_PACKET_VERSION, W_VERSION);
	KUNIT_EXPECT_EQ(test, VT_TYPE_MAX, W_TYPES);
}

static struct kunit_case vsock_vmci_packet_cases[] = {
	KUNIT_CASE_PARAM(vt_packet_check_table, check_gen_params),
	KUNIT_CASE(vt_packet_check_fuzz),
	KUNIT_CASE(vt_packet_layout),
	{}
};

static struct kunit_suite vsock_vmci_packet_suite = {
	.name = "vsock_vmci_packet",
	.test_cases = vsock_vmci_packet_cases,
};

kunit_test_suite(vsock_vmci_packet_suite);

MODULE_DESCRIPTION("KUnit tests for VMCI vsock control packet checks");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
VV_IMPORT_NS();
