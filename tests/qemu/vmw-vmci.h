/*
 * VMware VMCI device model: state shared by the model's files.
 *
 * The model plays three parts, one file each:
 *   vmw-vmci.c        the PCI device: BARs, registers, interrupts
 *   vmw-vmci-dgram.c  datagram transport both ways (I/O stream, DMA) and
 *                     routing of what the guest sends
 *   vmw-vmci-hyp.c    the hypervisor, context 0: hypercalls and events
 *   vmw-vmci-qp.c     the queue-pair broker and the host's view of a pair
 *   vmw-vmci-vsock.c  the host, context 2: the vmci_transport protocol
 *   vmw-vmci-bridge.c host sockets the host side is bridged to
 *
 * Everything runs with the BQL held: register accesses on vCPU threads,
 * socket handlers and timers in the main loop.  No thread of our own.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_VMW_VMCI_H
#define HW_MISC_VMW_VMCI_H

#include "qemu/queue.h"
#include "hw/pci/pci.h"
#include "vmw-vmci-abi.h"

#define TYPE_VMW_VMCI "vmw-vmci"
OBJECT_DECLARE_SIMPLE_TYPE(VMCIState, VMW_VMCI)

/* A datagram queued for the guest. */
typedef struct VMCIDgram {
    QSIMPLEQ_ENTRY(VMCIDgram) next;
    uint32_t len;               /* header + payload */
    bool counted;               /* counts against the data limit */
    uint8_t data[];
} VMCIDgram;

typedef struct VMCIQueuePair VMCIQueuePair;
typedef struct VMCIVsock VMCIVsock;

/* Called when the guest attaches to or detaches from a host-held pair. */
typedef void VMCIQPEventFn(void *opaque, VMCIQueuePair *qp, int event);

struct VMCIQueuePair {
    QTAILQ_ENTRY(VMCIQueuePair) next;
    uint32_t ctx, rid;          /* handle */
    uint32_t peer;              /* peer the creator named */
    uint32_t flags;
    uint64_t produce_size;      /* guest orientation: guest -> host */
    uint64_t consume_size;      /* guest orientation: host -> guest */
    bool guest_attached;
    bool host_attached;
    bool guest_created;
    uint64_t *ppns;             /* the guest's page list while attached */
    uint64_t num_ppns;
    uint64_t produce_pages;     /* header + data pages of the produce queue */
    uint32_t page_shift;        /* GUEST_PAGE_SHIFT when the pages came */
    VMCIQPEventFn *host_event;
    void *host_opaque;
};

typedef struct VMCIDoorbell {
    QTAILQ_ENTRY(VMCIDoorbell) next;
    uint32_t ctx, rid;
    uint32_t idx;
} VMCIDoorbell;

struct VMCIState {
    PCIDevice parent_obj;

    MemoryRegion io_bar;
    MemoryRegion mmio_bar;      /* BAR1 container: MSI-X (+ registers) */
    MemoryRegion mmio_regs;

    /* Properties. */
    uint32_t cid;
    bool mmio;
    bool dma_datagram;
    bool notifications;
    bool ppn64;
    bool use_msix;
    bool use_msi;
    bool hairpin;
    bool trace;
    bool old_protocol;
    bool request2;              /* off: a host that predates REQUEST2 */
    bool seqpacket;             /* hairpin: relay VSOCK_PROTO_SEQPACKET */
    uint32_t silent_port;       /* host port whose requests get no answer */
    char *uds;
    uint32_t queue_limit;       /* bytes of data datagrams for the guest */

    /* Registers. */
    uint32_t caps;              /* offered */
    uint32_t caps_in_use;       /* written by the guest */
    uint32_t icr;
    uint32_t imr;
    bool int_enabled;
    int64_t result;
    uint32_t out_addr_lo, out_addr_hi;
    uint32_t in_addr_lo, in_addr_hi;
    uint32_t page_shift;
    unsigned msix_vectors;

    /* DATA_OUT: the datagram being written byte by byte. */
    uint8_t *out_buf;
    uint32_t out_len;
    bool out_discard;           /* bad header: swallow up to out_want */
    uint32_t out_want;

    /* Datagrams for the guest and the DATA_IN stream position. */
    QSIMPLEQ_HEAD(, VMCIDgram) rxq;
    uint64_t rxq_bytes;         /* counted (data) bytes queued */
    uint64_t rxq_all;           /* all bytes queued */
    uint32_t in_pos;            /* bytes read from DATA_IN, mod 4096 */
    VMCIDgram *in_cur;          /* being streamed out */
    uint32_t in_off;
    bool in_filler;             /* this page carries only filler now */

    /* Hypervisor. */
    bool bitmap_set;
    uint64_t bitmap_ppn;
    uint32_t bitmap_shift;
    QTAILQ_HEAD(, VMCIDoorbell) doorbells;
    unsigned ndoorbells;
    uint32_t event_subs;
    uint64_t host_doorbell_rings;

    /* Queue pairs. */
    QTAILQ_HEAD(, VMCIQueuePair) qps;
    uint64_t qp_pages;          /* guest pages in attached pairs */
    uint32_t next_host_rid;

    /* Host, context 2. */
    VMCIVsock *vsock;
};

/* trace=on: one line per host-side event in QEMU's log (-D file). */
#define vmci_trace(s, fmt, ...)                                 \
    do {                                                        \
        if ((s)->trace) {                                       \
            qemu_log("vmw-vmci: " fmt "\n", ## __VA_ARGS__);     \
        }                                                       \
    } while (0)

/*
 * Main-loop entry points (socket handlers, timers) hold QEMU's re-entrancy
 * guard as an MMIO handler does, so that DMA a guest aimed at our own BARs
 * is refused rather than run into the register handlers mid-pump.
 */
static inline bool vmci_guard_enter(VMCIState *s)
{
    MemReentrancyGuard *g = &DEVICE(s)->mem_reentrancy_guard;

    if (g->engaged_in_io) {
        return false;
    }
    g->engaged_in_io = true;
    return true;
}

static inline void vmci_guard_leave(VMCIState *s, bool entered)
{
    if (entered) {
        DEVICE(s)->mem_reentrancy_guard.engaged_in_io = false;
    }
}

/* vmw-vmci.c */
void vmci_raise(VMCIState *s, uint32_t cause);
uint32_t vmci_page_size(VMCIState *s);
bool vmci_guest_page_ok(VMCIState *s, uint64_t ppn);

/* vmw-vmci-dgram.c */
void vmci_dgram_reset(VMCIState *s);
void vmci_data_out_byte(VMCIState *s, uint8_t byte);
void vmci_data_out_sync(VMCIState *s);
uint8_t vmci_data_in_byte(VMCIState *s);
void vmci_dma_send(VMCIState *s);
void vmci_dma_receive(VMCIState *s);
int vmci_guest_enqueue(VMCIState *s, const uint8_t *dg, uint32_t len,
                       bool data);
void vmci_make_header(uint8_t *dg, uint32_t dst_ctx, uint32_t dst_rid,
                      uint32_t src_ctx, uint32_t src_rid, uint64_t payload);

/* vmw-vmci-hyp.c */
int64_t vmci_hypercall(VMCIState *s, const uint8_t *dg, uint32_t len);
void vmci_hyp_reset(VMCIState *s);
void vmci_send_ctx_event(VMCIState *s, uint32_t event, uint32_t cid);
void vmci_send_qp_event(VMCIState *s, uint32_t event, uint32_t ctx,
                        uint32_t rid, uint32_t peer);
int vmci_ring_guest_doorbell_rid(VMCIState *s, uint32_t rid);

/* vmw-vmci-qp.c */
int64_t vmci_qp_alloc(VMCIState *s, const uint8_t *dg, uint32_t len);
int64_t vmci_qp_detach(VMCIState *s, uint32_t ctx, uint32_t rid);
VMCIQueuePair *vmci_qp_find(VMCIState *s, uint32_t ctx, uint32_t rid);
VMCIQueuePair *vmci_qp_host_create(VMCIState *s, uint64_t produce_size,
                                   uint64_t consume_size, VMCIQPEventFn *fn,
                                   void *opaque);
int vmci_qp_host_attach(VMCIState *s, VMCIQueuePair *qp, VMCIQPEventFn *fn,
                        void *opaque);
void vmci_qp_host_detach(VMCIState *s, VMCIQueuePair *qp, bool notify);
void vmci_qp_reset(VMCIState *s);
int64_t vmci_qp_readable(VMCIState *s, VMCIQueuePair *qp);
int64_t vmci_qp_writable(VMCIState *s, VMCIQueuePair *qp);
int64_t vmci_qp_read(VMCIState *s, VMCIQueuePair *qp, void *buf, uint64_t len);
int64_t vmci_qp_write(VMCIState *s, VMCIQueuePair *qp, const void *buf,
                      uint64_t len);

/* vmw-vmci-vsock.c */
void vmci_vsock_init(VMCIState *s, Error **errp);
void vmci_vsock_exit(VMCIState *s);
void vmci_vsock_reset(VMCIState *s);
int64_t vmci_host_receive(VMCIState *s, const uint8_t *dg, uint32_t len);
/* Host -> guest: send a datagram from host port src to guest port dst. */
int vmci_host_send_dgram(VMCIState *s, uint32_t src, uint32_t dst,
                         const void *buf, uint32_t len);

/* vmw-vmci-bridge.c (opaque connection ends, used by the vsock side) */
typedef struct VMCIBridge VMCIBridge;
typedef struct VMCIBridgeEnd VMCIBridgeEnd;
VMCIBridge *vmci_bridge_new(VMCIState *s, const char *uds, Error **errp);
void vmci_bridge_free(VMCIBridge *b);

#endif
