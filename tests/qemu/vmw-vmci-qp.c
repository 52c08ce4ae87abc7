/*
 * VMware VMCI device model: the queue-pair broker.
 *
 * A pair is created by the guest (QUEUEPAIR_ALLOC with its page list) and
 * attached by the host, or created by the host (no memory) and attached
 * by the guest with ATTACH_ONLY.  The page list is always in the guest's
 * orientation: produce header, produce data pages, consume header,
 * consume data pages.  The host reads the guest's produce queue (P) and
 * writes the guest's consume queue (C), and owns the C header:
 * C.producer_tail is where it writes, C.consumer_head where it reads P.
 *
 * Everything the guest wrote is checked before use: sizes against the
 * 128 MiB limit and the page count, every page against guest RAM, every
 * ring offset against its queue size.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "hw/pci/pci.h"
#include "vmw-vmci.h"

#define VMCI_QP_MAX_GUEST_PAGES (256 * MiB / 4096)

static uint64_t vmci_pages(VMCIState *s, uint64_t size)
{
    return DIV_ROUND_UP(size, vmci_page_size(s));
}

/* A pair keeps the page size it was made with, whatever the guest says. */
static uint64_t vmci_qp_psize(VMCIQueuePair *qp)
{
    return 1ull << qp->page_shift;
}

VMCIQueuePair *vmci_qp_find(VMCIState *s, uint32_t ctx, uint32_t rid)
{
    VMCIQueuePair *qp;

    QTAILQ_FOREACH(qp, &s->qps, next) {
        if (qp->ctx == ctx && qp->rid == rid) {
            return qp;
        }
    }
    return NULL;
}

static uint64_t vmci_qp_page_addr(VMCIState *s, VMCIQueuePair *qp,
                                  uint64_t idx)
{
    assert(idx < qp->num_ppns);
    return qp->ppns[idx] << qp->page_shift;
}

static void vmci_qp_init_header(VMCIState *s, VMCIQueuePair *qp,
                                uint64_t idx)
{
    uint8_t h[VMCI_QH_SIZE] = { 0 };

    stl_le_p(h + VMCI_QH_HANDLE_CTX, qp->ctx);
    stl_le_p(h + VMCI_QH_HANDLE_RID, qp->rid);
    pci_dma_write(PCI_DEVICE(s), vmci_qp_page_addr(s, qp, idx), h, sizeof(h));
}

static void vmci_qp_drop_pages(VMCIState *s, VMCIQueuePair *qp)
{
    s->qp_pages -= qp->num_ppns;
    g_free(qp->ppns);
    qp->ppns = NULL;
    qp->num_ppns = 0;
    qp->guest_attached = false;
}

static void vmci_qp_free(VMCIState *s, VMCIQueuePair *qp)
{
    if (qp->ppns) {
        vmci_qp_drop_pages(s, qp);
    }
    QTAILQ_REMOVE(&s->qps, qp, next);
    g_free(qp);
}

/* Read and check the page list of an alloc message. */
static int vmci_qp_read_ppns(VMCIState *s, const uint8_t *dg, uint32_t len,
                             uint64_t num, uint64_t **out)
{
    unsigned ppn_size = s->caps_in_use & VMCI_CAPS_PPN64 ? 8 : 4;
    uint64_t i, *ppns;

    if (len - VMCI_DG_HDR_SIZE != VMCI_QPA_FIXED_PAYLOAD + num * ppn_size) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC payload %u "
                      "does not hold %" PRIu64 " PPNs of %u bytes\n",
                      len - VMCI_DG_HDR_SIZE, num, ppn_size);
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (s->qp_pages + num > VMCI_QP_MAX_GUEST_PAGES) {
        return VMCI_ERROR_NO_RESOURCES;
    }
    ppns = g_new(uint64_t, num);
    for (i = 0; i < num; i++) {
        const uint8_t *p = dg + VMCI_QPA_PPNS + i * ppn_size;

        ppns[i] = ppn_size == 8 ? ldq_le_p(p) : ldl_le_p(p);
        if (!vmci_guest_page_ok(s, ppns[i])) {
            qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC PPN "
                          "%" PRIu64 " (0x%" PRIx64 ") is not guest RAM\n",
                          i, ppns[i]);
            g_free(ppns);
            return VMCI_ERROR_INVALID_ARGS;
        }
    }
    *out = ppns;
    return VMCI_SUCCESS;
}

static int vmci_qp_take_pages(VMCIState *s, VMCIQueuePair *qp,
                              const uint8_t *dg, uint32_t len, uint64_t num)
{
    int ret = vmci_qp_read_ppns(s, dg, len, num, &qp->ppns);

    if (ret < 0) {
        return ret;
    }
    qp->num_ppns = num;
    qp->page_shift = s->page_shift;
    qp->produce_pages = vmci_pages(s, qp->produce_size) + 1;
    qp->guest_attached = true;
    s->qp_pages += num;
    /* The hypervisor initialises both headers of a non-local pair. */
    vmci_qp_init_header(s, qp, 0);
    vmci_qp_init_header(s, qp, qp->produce_pages);
    return VMCI_SUCCESS;
}

static int64_t vmci_qp_create(VMCIState *s, uint32_t ctx, uint32_t rid,
                              uint32_t peer, uint32_t flags, uint64_t psize,
                              uint64_t csize, const uint8_t *dg, uint32_t len,
                              uint64_t num)
{
    VMCIQueuePair *qp;
    int ret;

    if (flags & VMCI_QPFLAG_ATTACH_ONLY) {
        return VMCI_ERROR_NOT_FOUND;
    }
    if (ctx != s->cid && ctx != peer) {
        return VMCI_ERROR_NO_ACCESS;
    }
    if (peer != VMCI_HOST_CID && peer != VMCI_INVALID_ID) {
        /* Pairs between two VMs: there is no other VM here. */
        return VMCI_ERROR_DST_UNREACHABLE;
    }
    qp = g_new0(VMCIQueuePair, 1);
    qp->ctx = ctx;
    qp->rid = rid;
    qp->peer = peer;
    qp->flags = flags;
    qp->produce_size = psize;
    qp->consume_size = csize;
    qp->guest_created = true;
    ret = vmci_qp_take_pages(s, qp, dg, len, num);
    if (ret < 0) {
        g_free(qp);
        return ret;
    }
    QTAILQ_INSERT_TAIL(&s->qps, qp, next);
    return VMCI_SUCCESS;
}

static int64_t vmci_qp_guest_attach(VMCIState *s, VMCIQueuePair *qp,
                                    uint32_t flags, uint64_t psize,
                                    uint64_t csize, const uint8_t *dg,
                                    uint32_t len, uint64_t num)
{
    uint32_t ignore = VMCI_QPFLAG_ATTACH_ONLY | VMCI_QPFLAG_NONBLOCK |
                      VMCI_QPFLAG_PINNED;
    int ret;

    if (qp->guest_attached) {
        return VMCI_ERROR_ALREADY_EXISTS;
    }
    if (qp->guest_created || !qp->host_attached) {
        /* The guest left a pair it created, or the host left too. */
        return VMCI_ERROR_UNAVAILABLE;
    }
    if (qp->peer != VMCI_INVALID_ID && qp->peer != s->cid) {
        return VMCI_ERROR_NO_ACCESS;
    }
    if ((qp->flags & ~ignore) != (flags & ~ignore) ||
        qp->produce_size != psize || qp->consume_size != csize) {
        return VMCI_ERROR_QUEUEPAIR_MISMATCH;
    }
    ret = vmci_qp_take_pages(s, qp, dg, len, num);
    if (ret < 0) {
        return ret;
    }
    if (qp->host_event) {
        qp->host_event(qp->host_opaque, qp, VMCI_EVENT_QP_PEER_ATTACH);
    }
    return VMCI_SUCCESS;
}

int64_t vmci_qp_alloc(VMCIState *s, const uint8_t *dg, uint32_t len)
{
    uint32_t ctx, rid, peer, flags;
    uint64_t psize, csize, num;
    VMCIQueuePair *qp;

    if (len - VMCI_DG_HDR_SIZE < VMCI_QPA_FIXED_PAYLOAD) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC too short "
                      "(%u bytes)\n", len);
        return VMCI_ERROR_INVALID_ARGS;
    }
    ctx = ldl_le_p(dg + VMCI_QPA_HANDLE_CTX);
    rid = ldl_le_p(dg + VMCI_QPA_HANDLE_RID);
    peer = ldl_le_p(dg + VMCI_QPA_PEER);
    flags = ldl_le_p(dg + VMCI_QPA_FLAGS);
    psize = ldq_le_p(dg + VMCI_QPA_PRODUCE_SIZE);
    csize = ldq_le_p(dg + VMCI_QPA_CONSUME_SIZE);
    num = ldq_le_p(dg + VMCI_QPA_NUM_PPNS);

    if (ctx == VMCI_INVALID_ID || rid == VMCI_INVALID_ID ||
        (flags & ~VMCI_QP_ALL_FLAGS) || (flags & VMCI_QPFLAG_LOCAL) ||
        (psize == 0 && csize == 0)) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC (0x%x,%u) "
                      "flags 0x%x sizes %" PRIu64 "/%" PRIu64 " refused\n",
                      ctx, rid, flags, psize, csize);
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (psize > VMCI_MAX_GUEST_QP_MEMORY || csize > VMCI_MAX_GUEST_QP_MEMORY ||
        psize + csize > VMCI_MAX_GUEST_QP_MEMORY) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC sizes %"
                      PRIu64 "/%" PRIu64 " over 128 MiB\n", psize, csize);
        return VMCI_ERROR_NO_RESOURCES;
    }
    if (num != vmci_pages(s, psize) + vmci_pages(s, csize) + 2) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: QUEUEPAIR_ALLOC with %"
                      PRIu64 " PPNs for sizes %" PRIu64 "/%" PRIu64 "\n",
                      num, psize, csize);
        return VMCI_ERROR_INVALID_ARGS;
    }
    qp = vmci_qp_find(s, ctx, rid);
    if (!qp) {
        return vmci_qp_create(s, ctx, rid, peer, flags, psize, csize, dg, len,
                              num);
    }
    return vmci_qp_guest_attach(s, qp, flags, psize, csize, dg, len, num);
}

int64_t vmci_qp_detach(VMCIState *s, uint32_t ctx, uint32_t rid)
{
    VMCIQueuePair *qp = vmci_qp_find(s, ctx, rid);

    if (!qp || !qp->guest_attached) {
        return VMCI_ERROR_NOT_FOUND;
    }
    /* The host may still read what the guest left, then never again. */
    if (qp->host_attached && qp->host_event) {
        qp->host_event(qp->host_opaque, qp, VMCI_EVENT_QP_PEER_DETACH);
    }
    vmci_qp_drop_pages(s, qp);
    if (!qp->host_attached) {
        vmci_qp_free(s, qp);
    }
    return VMCI_SUCCESS;
}

VMCIQueuePair *vmci_qp_host_create(VMCIState *s, uint64_t produce_size,
                                   uint64_t consume_size, VMCIQPEventFn *fn,
                                   void *opaque)
{
    VMCIQueuePair *qp = g_new0(VMCIQueuePair, 1);

    do {
        qp->rid = s->next_host_rid++;
        if (s->next_host_rid == VMCI_INVALID_ID) {
            s->next_host_rid = VMCI_RESERVED_RESOURCE_MAX + 1;
        }
    } while (vmci_qp_find(s, VMCI_HOST_CID, qp->rid));
    qp->ctx = VMCI_HOST_CID;
    qp->peer = s->cid;
    qp->produce_size = produce_size;
    qp->consume_size = consume_size;
    qp->host_attached = true;
    qp->host_event = fn;
    qp->host_opaque = opaque;
    QTAILQ_INSERT_TAIL(&s->qps, qp, next);
    return qp;
}

int vmci_qp_host_attach(VMCIState *s, VMCIQueuePair *qp, VMCIQPEventFn *fn,
                        void *opaque)
{
    if (!qp->guest_attached || !qp->guest_created) {
        return VMCI_ERROR_UNAVAILABLE;
    }
    if (qp->host_attached) {
        return VMCI_ERROR_ALREADY_EXISTS;
    }
    if (qp->peer != VMCI_HOST_CID && qp->peer != VMCI_INVALID_ID) {
        return VMCI_ERROR_NO_ACCESS;
    }
    qp->host_attached = true;
    qp->host_event = fn;
    qp->host_opaque = opaque;
    vmci_send_qp_event(s, VMCI_EVENT_QP_PEER_ATTACH, qp->ctx, qp->rid,
                       VMCI_HOST_CID);
    return VMCI_SUCCESS;
}

void vmci_qp_host_detach(VMCIState *s, VMCIQueuePair *qp, bool notify)
{
    qp->host_attached = false;
    qp->host_event = NULL;
    qp->host_opaque = NULL;
    if (!qp->guest_attached) {
        vmci_qp_free(s, qp);
        return;
    }
    /* The entry stays until the guest detaches too. */
    if (notify) {
        vmci_send_qp_event(s, VMCI_EVENT_QP_PEER_DETACH, qp->ctx, qp->rid,
                           VMCI_HOST_CID);
    }
}

void vmci_qp_reset(VMCIState *s)
{
    VMCIQueuePair *qp, *tmp;

    QTAILQ_FOREACH_SAFE(qp, &s->qps, next, tmp) {
        vmci_qp_free(s, qp);
    }
    s->qp_pages = 0;
}

/* The host's side of the rings. */

static int vmci_qh_load(VMCIState *s, VMCIQueuePair *qp, uint64_t page,
                        unsigned field, uint64_t size, uint64_t *val)
{
    if (ldq_le_pci_dma(PCI_DEVICE(s), vmci_qp_page_addr(s, qp, page) + field,
                       val, MEMTXATTRS_UNSPECIFIED) != MEMTX_OK ||
        *val >= size) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: queue pair (0x%x,%u) has "
                      "a corrupt offset 0x%" PRIx64 " (queue size %" PRIu64
                      ")\n", qp->ctx, qp->rid, *val, size);
        return -1;
    }
    return 0;
}

static void vmci_qh_store(VMCIState *s, VMCIQueuePair *qp, uint64_t page,
                          unsigned field, uint64_t val)
{
    stq_le_pci_dma(PCI_DEVICE(s), vmci_qp_page_addr(s, qp, page) + field, val,
                   MEMTXATTRS_UNSPECIFIED);
}

/* Copy n bytes at queue offset off of the queue whose header is page hdr. */
static void vmci_qp_copy(VMCIState *s, VMCIQueuePair *qp, uint64_t hdr,
                         uint64_t qsize, uint64_t off, uint8_t *buf,
                         uint64_t n, bool to_queue)
{
    uint64_t psize = vmci_qp_psize(qp);

    while (n) {
        uint64_t page = off / psize, in = off % psize;
        uint64_t chunk = MIN(MIN(n, psize - in), qsize - off);
        uint64_t addr = vmci_qp_page_addr(s, qp, hdr + 1 + page) + in;

        pci_dma_rw(PCI_DEVICE(s), addr, buf, chunk,
                   to_queue ? DMA_DIRECTION_FROM_DEVICE :
                              DMA_DIRECTION_TO_DEVICE,
                   MEMTXATTRS_UNSPECIFIED);
        buf += chunk;
        n -= chunk;
        off += chunk;
        if (off == qsize) {
            off = 0;
        }
    }
}

static uint64_t vmci_ring_used(uint64_t tail, uint64_t head, uint64_t size)
{
    return tail >= head ? tail - head : size - head + tail;
}

/*
 * The host's view of one ring: the guest may change its own offset at any
 * time, so each is read once, checked, and only that value is used.
 */
static int vmci_qp_offsets(VMCIState *s, VMCIQueuePair *qp, bool produce,
                           uint64_t *tail, uint64_t *head)
{
    uint64_t size = produce ? qp->produce_size : qp->consume_size;

    if (produce) {
        return vmci_qh_load(s, qp, 0, VMCI_QH_PRODUCER_TAIL, size, tail) ||
               vmci_qh_load(s, qp, qp->produce_pages, VMCI_QH_CONSUMER_HEAD,
                            size, head) ? -1 : 0;
    }
    return vmci_qh_load(s, qp, qp->produce_pages, VMCI_QH_PRODUCER_TAIL, size,
                        tail) ||
           vmci_qh_load(s, qp, 0, VMCI_QH_CONSUMER_HEAD, size, head) ? -1 : 0;
}

/* Bytes the guest wrote that the host has not read; -1 if corrupt. */
int64_t vmci_qp_readable(VMCIState *s, VMCIQueuePair *qp)
{
    uint64_t tail, head;

    if (!qp->guest_attached) {
        return 0;
    }
    if (vmci_qp_offsets(s, qp, true, &tail, &head)) {
        return -1;
    }
    return vmci_ring_used(tail, head, qp->produce_size);
}

/* Room for the host to write into the guest's consume queue. */
int64_t vmci_qp_writable(VMCIState *s, VMCIQueuePair *qp)
{
    uint64_t tail, head;

    if (!qp->guest_attached) {
        return 0;
    }
    if (vmci_qp_offsets(s, qp, false, &tail, &head)) {
        return -1;
    }
    return qp->consume_size - 1 - vmci_ring_used(tail, head,
                                                 qp->consume_size);
}

int64_t vmci_qp_read(VMCIState *s, VMCIQueuePair *qp, void *buf,
                     uint64_t len)
{
    uint64_t tail, head, avail;

    if (!qp->guest_attached) {
        return 0;
    }
    if (vmci_qp_offsets(s, qp, true, &tail, &head)) {
        return -1;
    }
    avail = vmci_ring_used(tail, head, qp->produce_size);
    len = MIN(len, avail);
    if (!len) {
        return 0;
    }
    /* The tail was read before the data it covers. */
    smp_rmb();
    vmci_qp_copy(s, qp, 0, qp->produce_size, head, buf, len, false);
    /* The data is copied out before the guest may overwrite it. */
    smp_mb();
    vmci_qh_store(s, qp, qp->produce_pages, VMCI_QH_CONSUMER_HEAD,
                  (head + len) % qp->produce_size);
    return len;
}

int64_t vmci_qp_write(VMCIState *s, VMCIQueuePair *qp, const void *buf,
                      uint64_t len)
{
    uint64_t tail, head, room;

    if (!qp->guest_attached) {
        return 0;
    }
    if (vmci_qp_offsets(s, qp, false, &tail, &head)) {
        return -1;
    }
    room = qp->consume_size - 1 - vmci_ring_used(tail, head,
                                                 qp->consume_size);
    len = MIN(len, room);
    if (!len) {
        return 0;
    }
    vmci_qp_copy(s, qp, qp->produce_pages, qp->consume_size, tail,
                 (uint8_t *)buf, len, true);
    /* The data is in place before the guest can see the new tail. */
    smp_wmb();
    vmci_qh_store(s, qp, qp->produce_pages, VMCI_QH_PRODUCER_TAIL,
                  (tail + len) % qp->consume_size);
    return len;
}
