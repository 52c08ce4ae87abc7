/*
 * VMware VMCI device model: the hypervisor, context 0.
 *
 * Datagrams to context 0 are hypercalls, dispatched on dst.resource:
 * resource query, context ID, the notification bitmap, doorbells, event
 * subscriptions and queue pairs (vmw-vmci-qp.c).  The hypervisor also
 * sends events to the guest: datagrams from (0, 0) to (cid, 0).
 *
 * Doorbells: a guest doorbell linked at index i is rung by setting bit 0
 * of byte i of the guest's bitmap page and raising NOTIFICATION.  The
 * host side has one doorbell per resource ID that echoes: notifying
 * (2, r) rings the guest's own doorbell with resource r, so a guest can
 * test both directions alone.
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

static bool vmci_payload_is(const uint8_t *dg, uint32_t len, uint32_t want,
                            const char *what)
{
    if (len - VMCI_DG_HDR_SIZE >= want) {
        return true;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: %s with %u-byte payload, "
                  "needs %u\n", what, len - VMCI_DG_HDR_SIZE, want);
    return false;
}

/* Events to the guest. */

void vmci_send_ctx_event(VMCIState *s, uint32_t event, uint32_t cid)
{
    uint8_t dg[VMCI_DG_HDR_SIZE + VMCI_EV_CTX_PAYLOAD] = { 0 };

    vmci_make_header(dg, s->cid, VMCI_EVENT_HANDLER, VMCI_HYPERVISOR_CID,
                     VMCI_CONTEXT_RESOURCE_ID, VMCI_EV_CTX_PAYLOAD);
    stl_le_p(dg + VMCI_EV_EVENT, event);
    stl_le_p(dg + VMCI_EV_CTX_ID, cid);
    vmci_guest_enqueue(s, dg, sizeof(dg), false);
}

void vmci_send_qp_event(VMCIState *s, uint32_t event, uint32_t ctx,
                        uint32_t rid, uint32_t peer)
{
    uint8_t dg[VMCI_DG_HDR_SIZE + VMCI_EV_QP_PAYLOAD] = { 0 };

    vmci_make_header(dg, s->cid, VMCI_EVENT_HANDLER, VMCI_HYPERVISOR_CID,
                     VMCI_CONTEXT_RESOURCE_ID, VMCI_EV_QP_PAYLOAD);
    stl_le_p(dg + VMCI_EV_EVENT, event);
    stl_le_p(dg + VMCI_EV_QP_HANDLE_CTX, ctx);
    stl_le_p(dg + VMCI_EV_QP_HANDLE_RID, rid);
    stl_le_p(dg + VMCI_EV_QP_PEER, peer);
    vmci_trace(s, "event %u for pair (0x%x,%u) peer %u", event, ctx, rid,
               peer);
    vmci_guest_enqueue(s, dg, sizeof(dg), false);
}

/* Resources and context. */

static bool vmci_serves(VMCIState *s, uint32_t resource)
{
    switch (resource) {
    case VMCI_RESOURCES_QUERY:
    case VMCI_GET_CONTEXT_ID:
    case VMCI_EVENT_SUBSCRIBE:
    case VMCI_EVENT_UNSUBSCRIBE:
    case VMCI_QUEUEPAIR_ALLOC:
    case VMCI_QUEUEPAIR_DETACH:
        return true;
    case VMCI_SET_NOTIFY_BITMAP:
    case VMCI_DOORBELL_LINK:
    case VMCI_DOORBELL_UNLINK:
    case VMCI_DOORBELL_NOTIFY:
        return s->notifications;
    }
    return false;
}

static int64_t vmci_resources_query(VMCIState *s, const uint8_t *dg,
                                    uint32_t len)
{
    uint32_t num, i;
    int64_t mask = 0;

    if (!vmci_payload_is(dg, len, 8, "RESOURCES_QUERY")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    num = ldl_le_p(dg + VMCI_RQ_NUM);
    if (num > VMCI_RESOURCES_QUERY_MAX ||
        !vmci_payload_is(dg, len, 8 + 4 * num, "RESOURCES_QUERY list")) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: RESOURCES_QUERY of %u "
                      "resources refused\n", num);
        return VMCI_ERROR_INVALID_ARGS;
    }
    for (i = 0; i < num; i++) {
        if (vmci_serves(s, ldl_le_p(dg + VMCI_RQ_LIST + 4 * i))) {
            mask |= 1u << i;
        }
    }
    return mask;
}

static int64_t vmci_set_notify_bitmap(VMCIState *s, const uint8_t *dg,
                                      uint32_t len)
{
    uint64_t ppn;

    if (!vmci_payload_is(dg, len, VMCI_NB_PAYLOAD, "SET_NOTIFY_BITMAP")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (s->caps_in_use & VMCI_CAPS_PPN64) {
        ppn = ldq_le_p(dg + VMCI_NB_PPN);
    } else {
        ppn = ldl_le_p(dg + VMCI_NB_PPN);
    }
    if (!vmci_guest_page_ok(s, ppn)) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: notify bitmap PPN 0x%"
                      PRIx64 " is not guest RAM\n", ppn);
        return VMCI_ERROR_INVALID_ARGS;
    }
    s->bitmap_ppn = ppn;
    s->bitmap_shift = s->page_shift;
    s->bitmap_set = true;
    return VMCI_SUCCESS;
}

/* Doorbells. */

static VMCIDoorbell *vmci_doorbell_find(VMCIState *s, uint32_t ctx,
                                        uint32_t rid)
{
    VMCIDoorbell *db;

    QTAILQ_FOREACH(db, &s->doorbells, next) {
        if (db->ctx == ctx && db->rid == rid) {
            return db;
        }
    }
    return NULL;
}

static int vmci_ring(VMCIState *s, VMCIDoorbell *db)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t addr = (s->bitmap_ppn << s->bitmap_shift) + db->idx;
    uint8_t byte;

    if (!s->bitmap_set) {
        return VMCI_ERROR_UNAVAILABLE;
    }
    if (pci_dma_read(pdev, addr, &byte, 1) != MEMTX_OK) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    byte |= 1;
    pci_dma_write(pdev, addr, &byte, 1);
    vmci_raise(s, VMCI_ICR_NOTIFICATION);
    return VMCI_SUCCESS;
}

/* The host's echo: ring the guest doorbell with this resource ID. */
int vmci_ring_guest_doorbell_rid(VMCIState *s, uint32_t rid)
{
    VMCIDoorbell *db;

    QTAILQ_FOREACH(db, &s->doorbells, next) {
        if (db->rid == rid) {
            return vmci_ring(s, db);
        }
    }
    return VMCI_ERROR_NOT_FOUND;
}

static int64_t vmci_doorbell_link(VMCIState *s, const uint8_t *dg,
                                  uint32_t len)
{
    uint32_t ctx, rid;
    uint64_t idx;
    VMCIDoorbell *db;

    if (!vmci_payload_is(dg, len, VMCI_DB_LINK_PAYLOAD, "DOORBELL_LINK")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    ctx = ldl_le_p(dg + VMCI_DB_HANDLE_CTX);
    rid = ldl_le_p(dg + VMCI_DB_HANDLE_RID);
    idx = ldq_le_p(dg + VMCI_DB_NOTIFY_IDX);
    if ((ctx != s->cid && ctx != VMCI_HOST_CID) || rid == VMCI_INVALID_ID ||
        idx >= MIN(VMCI_MAX_DOORBELLS, vmci_page_size(s))) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DOORBELL_LINK (0x%x,%u) "
                      "index %" PRIu64 " refused\n", ctx, rid, idx);
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (vmci_doorbell_find(s, ctx, rid)) {
        return VMCI_ERROR_ALREADY_EXISTS;
    }
    if (s->ndoorbells >= VMCI_MAX_DOORBELLS) {
        return VMCI_ERROR_NO_RESOURCES;
    }
    s->ndoorbells++;
    db = g_new0(VMCIDoorbell, 1);
    db->ctx = ctx;
    db->rid = rid;
    db->idx = idx;
    QTAILQ_INSERT_TAIL(&s->doorbells, db, next);
    return VMCI_SUCCESS;
}

static int64_t vmci_doorbell_unlink(VMCIState *s, const uint8_t *dg,
                                    uint32_t len)
{
    VMCIDoorbell *db;

    if (!vmci_payload_is(dg, len, VMCI_DB_HANDLE_PAYLOAD,
                         "DOORBELL_UNLINK")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    db = vmci_doorbell_find(s, ldl_le_p(dg + VMCI_DB_HANDLE_CTX),
                            ldl_le_p(dg + VMCI_DB_HANDLE_RID));
    if (!db) {
        return VMCI_ERROR_NOT_FOUND;
    }
    QTAILQ_REMOVE(&s->doorbells, db, next);
    g_free(db);
    s->ndoorbells--;
    return VMCI_SUCCESS;
}

static int64_t vmci_doorbell_notify(VMCIState *s, const uint8_t *dg,
                                    uint32_t len)
{
    uint32_t ctx, rid;
    VMCIDoorbell *db;

    if (!vmci_payload_is(dg, len, VMCI_DB_HANDLE_PAYLOAD,
                         "DOORBELL_NOTIFY")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    ctx = ldl_le_p(dg + VMCI_DB_HANDLE_CTX);
    rid = ldl_le_p(dg + VMCI_DB_HANDLE_RID);
    if (ctx == VMCI_INVALID_ID || rid == VMCI_INVALID_ID) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (ctx == VMCI_HOST_CID) {
        s->host_doorbell_rings++;
        return vmci_ring_guest_doorbell_rid(s, rid);
    }
    if (ctx != s->cid) {
        return VMCI_ERROR_DST_UNREACHABLE;
    }
    db = vmci_doorbell_find(s, ctx, rid);
    return db ? vmci_ring(s, db) : VMCI_ERROR_NOT_FOUND;
}

static int64_t vmci_event_subscription(VMCIState *s, const uint8_t *dg,
                                       uint32_t len, bool on)
{
    uint32_t event;

    if (!vmci_payload_is(dg, len, 4, "EVENT_SUBSCRIBE")) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    event = ldl_le_p(dg + VMCI_EV_SUB_EVENT);
    if (event >= VMCI_EVENT_MAX) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (on) {
        s->event_subs |= 1u << event;
    } else {
        s->event_subs &= ~(1u << event);
    }
    return VMCI_SUCCESS;
}

int64_t vmci_hypercall(VMCIState *s, const uint8_t *dg, uint32_t len)
{
    uint32_t resource = ldl_le_p(dg + VMCI_DG_DST_RID);

    switch (resource) {
    case VMCI_RESOURCES_QUERY:
        return vmci_resources_query(s, dg, len);
    case VMCI_GET_CONTEXT_ID:
        return s->cid;
    case VMCI_EVENT_SUBSCRIBE:
        return vmci_event_subscription(s, dg, len, true);
    case VMCI_EVENT_UNSUBSCRIBE:
        return vmci_event_subscription(s, dg, len, false);
    case VMCI_QUEUEPAIR_ALLOC: {
        int64_t ret = vmci_qp_alloc(s, dg, len);

        vmci_trace(s, "QUEUEPAIR_ALLOC (0x%x,%u) flags 0x%x: %" PRId64,
                   ldl_le_p(dg + VMCI_QPA_HANDLE_CTX),
                   ldl_le_p(dg + VMCI_QPA_HANDLE_RID),
                   ldl_le_p(dg + VMCI_QPA_FLAGS), ret);
        return ret;
    }
    case VMCI_QUEUEPAIR_DETACH:
        if (!vmci_payload_is(dg, len, VMCI_QPD_PAYLOAD, "QUEUEPAIR_DETACH")) {
            return VMCI_ERROR_INVALID_ARGS;
        }
        vmci_trace(s, "QUEUEPAIR_DETACH (0x%x,%u)",
                   ldl_le_p(dg + VMCI_QPD_HANDLE_CTX),
                   ldl_le_p(dg + VMCI_QPD_HANDLE_RID));
        return vmci_qp_detach(s, ldl_le_p(dg + VMCI_QPD_HANDLE_CTX),
                              ldl_le_p(dg + VMCI_QPD_HANDLE_RID));
    }
    if (!s->notifications || !(s->caps_in_use & VMCI_CAPS_NOTIFICATIONS)) {
        goto unknown;
    }
    switch (resource) {
    case VMCI_SET_NOTIFY_BITMAP:
        return vmci_set_notify_bitmap(s, dg, len);
    case VMCI_DOORBELL_LINK:
        return vmci_doorbell_link(s, dg, len);
    case VMCI_DOORBELL_UNLINK:
        return vmci_doorbell_unlink(s, dg, len);
    case VMCI_DOORBELL_NOTIFY:
        return vmci_doorbell_notify(s, dg, len);
    }
unknown:
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: hypercall to resource %u "
                  "not served\n", resource);
    return VMCI_ERROR_INVALID_RESOURCE;
}

void vmci_hyp_reset(VMCIState *s)
{
    VMCIDoorbell *db, *tmp;

    QTAILQ_FOREACH_SAFE(db, &s->doorbells, next, tmp) {
        QTAILQ_REMOVE(&s->doorbells, db, next);
        g_free(db);
    }
    s->ndoorbells = 0;
    s->bitmap_set = false;
    s->bitmap_ppn = 0;
    s->event_subs = 0;
}
