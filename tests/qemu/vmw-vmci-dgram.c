/*
 * VMware VMCI device model: datagrams in both directions.
 *
 * Guest -> device: on the I/O flavour a datagram is written to DATA_OUT
 * a byte at a time and its header says how long it is; on the MMIO
 * flavour the guest writes the address of an in/out header to
 * DATA_OUT_LOW and the device reads the datagram by DMA.  Either way it is
 * routed synchronously and RESULT_LOW (and the DMA header) carry the
 * result before the guest's next access.
 *
 * Device -> guest: datagrams wait in rxq.  DATA_IN streams them with the
 * framing the guest's page-wise reader needs: a datagram starts only where
 * it fits in the rest of the current 4 KiB page, or on a page boundary;
 * elsewhere the stream carries 0xff filler (a header whose dst.resource is
 * invalid), and once a page carries filler it carries only filler.  The
 * DMA receive copies whole datagrams and ends them with a filler header.
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

#define VMCI_STREAM_PAGE    4096
/* Control packets and events never wait on the guest's reading forever. */
#define VMCI_RXQ_HARD_LIMIT (16 * MiB)

void vmci_make_header(uint8_t *dg, uint32_t dst_ctx, uint32_t dst_rid,
                      uint32_t src_ctx, uint32_t src_rid, uint64_t payload)
{
    stl_le_p(dg + VMCI_DG_DST_CTX, dst_ctx);
    stl_le_p(dg + VMCI_DG_DST_RID, dst_rid);
    stl_le_p(dg + VMCI_DG_SRC_CTX, src_ctx);
    stl_le_p(dg + VMCI_DG_SRC_RID, src_rid);
    stq_le_p(dg + VMCI_DG_PAYLOAD_SIZE, payload);
}

static uint32_t vmci_aligned(uint32_t len)
{
    return ROUND_UP(len, 8);
}

/*
 * Queue a datagram for the guest.  Data datagrams count against the
 * queue limit the real host applies per context; control packets and
 * events only against a hard limit.  Returns the datagram size or a VMCI
 * error.
 */
int vmci_guest_enqueue(VMCIState *s, const uint8_t *dg, uint32_t len,
                       bool data)
{
    VMCIDgram *d;

    assert(len >= VMCI_DG_HDR_SIZE && len <= VMCI_MAX_DG_SIZE);
    if (data && s->rxq_bytes + len > s->queue_limit) {
        return VMCI_ERROR_NO_RESOURCES;
    }
    if (s->rxq_all + len > VMCI_RXQ_HARD_LIMIT) {
        qemu_log_mask(LOG_GUEST_ERROR,
                      "vmw-vmci: guest is not reading datagrams, dropped one "
                      "to (0x%x,%u)\n", ldl_le_p(dg + VMCI_DG_DST_CTX),
                      ldl_le_p(dg + VMCI_DG_DST_RID));
        return VMCI_ERROR_NO_RESOURCES;
    }
    d = g_malloc(sizeof(*d) + len);
    d->len = len;
    d->counted = data;
    memcpy(d->data, dg, len);
    QSIMPLEQ_INSERT_TAIL(&s->rxq, d, next);
    s->rxq_all += len;
    if (data) {
        s->rxq_bytes += len;
    }
    vmci_raise(s, VMCI_ICR_DATAGRAM);
    return len;
}

static void vmci_rxq_pop(VMCIState *s)
{
    VMCIDgram *d = QSIMPLEQ_FIRST(&s->rxq);

    QSIMPLEQ_REMOVE_HEAD(&s->rxq, next);
    s->rxq_all -= d->len;
    if (d->counted) {
        s->rxq_bytes -= d->len;
    }
    g_free(d);
}

void vmci_dgram_reset(VMCIState *s)
{
    while (!QSIMPLEQ_EMPTY(&s->rxq)) {
        vmci_rxq_pop(s);
    }
    g_free(s->in_cur);
    s->in_cur = NULL;
    s->in_off = 0;
    s->in_pos = 0;
    s->in_filler = false;
    s->out_len = 0;
    s->out_discard = false;
}

/* Route one datagram from the guest; returns what RESULT_LOW says. */
static int64_t vmci_route(VMCIState *s, const uint8_t *dg, uint32_t len)
{
    uint32_t dst_ctx = ldl_le_p(dg + VMCI_DG_DST_CTX);
    uint32_t src_ctx = ldl_le_p(dg + VMCI_DG_SRC_CTX);
    uint64_t payload = ldq_le_p(dg + VMCI_DG_PAYLOAD_SIZE);

    if (payload != len - VMCI_DG_HDR_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: datagram of %u bytes "
                      "says payload %" PRIu64 "\n", len, payload);
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (dst_ctx == VMCI_HYPERVISOR_CID) {
        return vmci_hypercall(s, dg, len);
    }
    if (len > VMCI_MAX_DG_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: datagram of %u bytes "
                      "to context 0x%x is too large\n", len, dst_ctx);
        return VMCI_ERROR_INVALID_ARGS;
    }
    if (src_ctx != s->cid) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: datagram from context "
                      "0x%x, the guest is 0x%x\n", src_ctx, s->cid);
        return VMCI_ERROR_NO_ACCESS;
    }
    if (dst_ctx == VMCI_HOST_CID) {
        return vmci_host_receive(s, dg, len);
    }
    if (dst_ctx == s->cid) {
        return vmci_guest_enqueue(s, dg, len, true);
    }
    if (dst_ctx == VMCI_INVALID_ID) {
        return VMCI_ERROR_INVALID_ARGS;
    }
    return VMCI_ERROR_DST_UNREACHABLE;
}

/* I/O flavour: DATA_OUT. */

static void vmci_out_complete(VMCIState *s)
{
    s->result = vmci_route(s, s->out_buf, s->out_len);
    s->out_len = 0;
}

void vmci_data_out_byte(VMCIState *s, uint8_t byte)
{
    uint64_t payload;

    if (s->out_discard) {
        return;
    }
    s->out_buf[s->out_len++] = byte;
    if (s->out_len < VMCI_DG_HDR_SIZE) {
        return;
    }
    if (s->out_len == VMCI_DG_HDR_SIZE) {
        payload = ldq_le_p(s->out_buf + VMCI_DG_PAYLOAD_SIZE);
        if (payload > VMCI_MAX_HYPERCALL_SIZE - VMCI_DG_HDR_SIZE) {
            qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DATA_OUT datagram "
                          "payload %" PRIu64 " too large, dropped until the "
                          "next RESULT read\n", payload);
            s->result = VMCI_ERROR_INVALID_ARGS;
            s->out_discard = true;
            s->out_len = 0;
            return;
        }
        s->out_want = VMCI_DG_HDR_SIZE + payload;
    }
    if (s->out_len == s->out_want) {
        vmci_out_complete(s);
    }
}

/*
 * The guest reads RESULT_LOW after each datagram: a datagram still
 * incomplete then was cut short, and the stream starts afresh.
 */
void vmci_data_out_sync(VMCIState *s)
{
    if (s->out_len) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: incomplete datagram "
                      "(%u bytes) on DATA_OUT dropped\n", s->out_len);
        s->result = VMCI_ERROR_INVALID_ARGS;
    }
    s->out_len = 0;
    s->out_discard = false;
}

/* I/O flavour: DATA_IN. */

uint8_t vmci_data_in_byte(VMCIState *s)
{
    VMCIDgram *d;
    uint8_t byte = 0xff;

    if (s->in_pos == 0) {
        s->in_filler = false;
    }
    if (!s->in_cur && !s->in_filler) {
        d = QSIMPLEQ_FIRST(&s->rxq);
        if (d && (s->in_pos == 0 ||
                  s->in_pos + vmci_aligned(d->len) <= VMCI_STREAM_PAGE)) {
            /* Take it off the queue: it is the guest's now. */
            QSIMPLEQ_REMOVE_HEAD(&s->rxq, next);
            s->rxq_all -= d->len;
            if (d->counted) {
                s->rxq_bytes -= d->len;
            }
            s->in_cur = d;
            s->in_off = 0;
        } else {
            s->in_filler = true;
        }
    }
    if (s->in_cur) {
        d = s->in_cur;
        byte = s->in_off < d->len ? d->data[s->in_off] : 0;
        if (++s->in_off == vmci_aligned(d->len)) {
            g_free(d);
            s->in_cur = NULL;
        }
    }
    s->in_pos = (s->in_pos + 1) % VMCI_STREAM_PAGE;
    /* The guest may have left its loop: tell it there is more. */
    if (s->in_pos == 0 && !QSIMPLEQ_EMPTY(&s->rxq)) {
        vmci_raise(s, VMCI_ICR_DATAGRAM);
    }
    return byte;
}

/* MMIO flavour: DMA. */

static uint64_t vmci_addr(uint32_t hi, uint32_t lo)
{
    return (uint64_t)hi << 32 | lo;
}

/*
 * A receive's result goes to its header only: RESULT_LOW belongs to the
 * sends, which another vCPU may be in the middle of.
 */
static void vmci_dma_finish(VMCIState *s, uint64_t hdr, uint32_t busy,
                            int64_t result)
{
    PCIDevice *pdev = PCI_DEVICE(s);

    stq_le_pci_dma(pdev, hdr + VMCI_DMA_RESULT, result,
                   MEMTXATTRS_UNSPECIFIED);
    /* The guest polls busy: it goes last, after the result. */
    smp_wmb();
    stl_le_pci_dma(pdev, hdr + VMCI_DMA_BUSY, busy, MEMTXATTRS_UNSPECIFIED);
}

void vmci_dma_send(VMCIState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t hdr = vmci_addr(s->out_addr_hi, s->out_addr_lo);
    uint8_t h[VMCI_DMA_HDR_SIZE];
    uint32_t opcode, size;

    if (pci_dma_read(pdev, hdr, h, sizeof(h)) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA send header at 0x%"
                      PRIx64 " unreadable\n", hdr);
        s->result = VMCI_ERROR_INVALID_ARGS;
        return;
    }
    opcode = ldl_le_p(h + VMCI_DMA_OPCODE);
    size = ldl_le_p(h + VMCI_DMA_SIZE);
    if (opcode != VMCI_DMA_OP_SEND || size < VMCI_DG_HDR_SIZE ||
        size > VMCI_MAX_DG_SIZE) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA send with opcode %u "
                      "size %u refused\n", opcode, size);
        s->result = VMCI_ERROR_INVALID_ARGS;
    } else if (pci_dma_read(pdev, hdr + VMCI_DMA_HDR_SIZE, s->out_buf,
                            size) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA send datagram at 0x%"
                      PRIx64 " unreadable\n", hdr + VMCI_DMA_HDR_SIZE);
        s->result = VMCI_ERROR_INVALID_ARGS;
    } else {
        s->result = vmci_route(s, s->out_buf, size);
    }
    vmci_dma_finish(s, hdr, 0, s->result);
}

void vmci_dma_receive(VMCIState *s)
{
    PCIDevice *pdev = PCI_DEVICE(s);
    uint64_t hdr = vmci_addr(s->in_addr_hi, s->in_addr_lo);
    uint8_t h[VMCI_DMA_HDR_SIZE + VMCI_DMA_SG_ELEM_SIZE];
    uint8_t filler[VMCI_DG_HDR_SIZE];
    uint64_t addr, room, off = 0;
    VMCIDgram *d;

    if (pci_dma_read(pdev, hdr, h, sizeof(h)) != MEMTX_OK) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA receive header at 0x%"
                      PRIx64 " unreadable\n", hdr);
        return;
    }
    addr = ldq_le_p(h + VMCI_DMA_HDR_SIZE + VMCI_DMA_SG_ADDR);
    room = ldq_le_p(h + VMCI_DMA_HDR_SIZE + VMCI_DMA_SG_SIZE);
    if (ldl_le_p(h + VMCI_DMA_OPCODE) != VMCI_DMA_OP_RECV ||
        ldl_le_p(h + VMCI_DMA_SIZE) != 1 || room > 2 * MiB) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA receive with opcode "
                      "%u, %u s/g elements of %" PRIu64 " bytes refused\n",
                      ldl_le_p(h + VMCI_DMA_OPCODE),
                      ldl_le_p(h + VMCI_DMA_SIZE), room);
        vmci_dma_finish(s, hdr, 1, VMCI_ERROR_INVALID_ARGS);
        return;
    }
    while ((d = QSIMPLEQ_FIRST(&s->rxq))) {
        uint32_t alen = vmci_aligned(d->len);

        if (alen > room - off) {
            if (off == 0) {
                qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA receive "
                              "buffer of %" PRIu64 " bytes cannot take a "
                              "%u-byte datagram: dropped\n", room, d->len);
                vmci_rxq_pop(s);
                continue;
            }
            break;
        }
        if (pci_dma_write(pdev, addr + off, d->data, d->len) != MEMTX_OK) {
            qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: DMA receive buffer "
                          "at 0x%" PRIx64 " unwritable\n", addr + off);
            break;
        }
        off += alen;
        vmci_rxq_pop(s);
    }
    /* The buffer is reused: end the batch with an invalid header. */
    memset(filler, 0xff, sizeof(filler));
    pci_dma_write(pdev, addr + off, filler, MIN(room - off, sizeof(filler)));
    vmci_dma_finish(s, hdr, 1, off);
    vmci_raise(s, VMCI_ICR_DMA_DATAGRAM);
    if (!QSIMPLEQ_EMPTY(&s->rxq)) {
        vmci_raise(s, VMCI_ICR_DATAGRAM);
    }
}
