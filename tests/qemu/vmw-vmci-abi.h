/*
 * VMware VMCI device model: the device and hypervisor ABI.
 *
 * Register offsets, capability and interrupt bits, hypercall resource
 * numbers, status codes and the byte offsets of every message the guest
 * and the model exchange.  Messages are handled as little-endian byte
 * buffers with QEMU's ld*_le_p/st*_le_p, so no structure packing is relied
 * on: each offset below is the wire offset.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_VMW_VMCI_ABI_H
#define HW_MISC_VMW_VMCI_ABI_H

#define VMCI_PCI_DEVICE_ID          0x0740
#define VMCI_PCI_REVISION           0x10

/* BARs: BAR0 I/O registers; BAR1 MSI-X (+ registers at +128 KiB). */
#define VMCI_IO_BAR_SIZE            64
#define VMCI_MSIX_BAR_SIZE          (8 * KiB)
#define VMCI_MMIO_BAR_SIZE          (256 * KiB)
#define VMCI_MMIO_REGS_OFFSET       (128 * KiB)
#define VMCI_MMIO_REGS_SIZE         (64 * KiB)
#define VMCI_MSIX_PBA_SMALL         0x1000
#define VMCI_MSIX_PBA_MMIO          0x10000
#define VMCI_MSI_CAP_OFFSET         0x40
#define VMCI_MSIX_CAP_OFFSET        0x58

/* Registers. */
#define VMCI_REG_STATUS             0x00
#define VMCI_REG_CONTROL            0x04
#define VMCI_REG_ICR                0x08
#define VMCI_REG_IMR                0x0c
#define VMCI_REG_DATA_OUT           0x10
#define VMCI_REG_DATA_IN            0x14
#define VMCI_REG_CAPS               0x18
#define VMCI_REG_RESULT_LOW         0x1c
#define VMCI_REG_RESULT_HIGH        0x20
#define VMCI_REG_DATA_OUT_LOW       0x24
#define VMCI_REG_DATA_OUT_HIGH      0x28
#define VMCI_REG_DATA_IN_LOW        0x2c
#define VMCI_REG_DATA_IN_HIGH       0x30
#define VMCI_REG_GUEST_PAGE_SHIFT   0x34

#define VMCI_STATUS_INT_ON          (1u << 0)
#define VMCI_CONTROL_RESET          (1u << 0)
#define VMCI_CONTROL_INT_ENABLE     (1u << 1)
#define VMCI_CONTROL_INT_DISABLE    (1u << 2)

#define VMCI_CAPS_HYPERCALL         (1u << 0)
#define VMCI_CAPS_GUESTCALL         (1u << 1)
#define VMCI_CAPS_DATAGRAM          (1u << 2)
#define VMCI_CAPS_NOTIFICATIONS     (1u << 3)
#define VMCI_CAPS_PPN64             (1u << 4)
#define VMCI_CAPS_DMA_DATAGRAM      (1u << 5)

/* ICR and IMR bits; also the MSI-X vector of each cause. */
#define VMCI_ICR_DATAGRAM           (1u << 0)
#define VMCI_ICR_NOTIFICATION       (1u << 1)
#define VMCI_ICR_DMA_DATAGRAM       (1u << 2)
#define VMCI_VECTOR_DATAGRAM        0
#define VMCI_VECTOR_NOTIFICATION    1
#define VMCI_VECTOR_DMA_DATAGRAM    2

/* Datagram header: dst, src handles and payload size. */
#define VMCI_DG_DST_CTX             0
#define VMCI_DG_DST_RID             4
#define VMCI_DG_SRC_CTX             8
#define VMCI_DG_SRC_RID             12
#define VMCI_DG_PAYLOAD_SIZE        16
#define VMCI_DG_HDR_SIZE            24
#define VMCI_MAX_DG_SIZE            (17 * 4096)
#define VMCI_MAX_DG_PAYLOAD         (VMCI_MAX_DG_SIZE - VMCI_DG_HDR_SIZE)
/* Hypercalls may be larger than routed datagrams (queue-pair page lists). */
#define VMCI_MAX_HYPERCALL_SIZE     (2 * MiB)

/* DMA datagram in/out header, then the datagram or an s/g list. */
#define VMCI_DMA_BUSY               0
#define VMCI_DMA_OPCODE             4
#define VMCI_DMA_SIZE               8
#define VMCI_DMA_RESULT             16
#define VMCI_DMA_HDR_SIZE           24
#define VMCI_DMA_SG_ADDR            0
#define VMCI_DMA_SG_SIZE            8
#define VMCI_DMA_SG_ELEM_SIZE       16
#define VMCI_DMA_OP_SEND            0
#define VMCI_DMA_OP_RECV            1

/* Context IDs and resources. */
#define VMCI_INVALID_ID             0xffffffffu
#define VMCI_HYPERVISOR_CID         0
#define VMCI_WELL_KNOWN_CID         1
#define VMCI_HOST_CID               2
#define VMCI_EVENT_HANDLER          0
#define VMCI_CONTEXT_RESOURCE_ID    0
#define VMCI_RESERVED_RESOURCE_MAX  1023

/* Hypervisor resources (dst.resource of a datagram to context 0). */
enum {
    VMCI_RESOURCES_QUERY = 0,
    VMCI_GET_CONTEXT_ID = 1,
    VMCI_SET_NOTIFY_BITMAP = 2,
    VMCI_DOORBELL_LINK = 3,
    VMCI_DOORBELL_UNLINK = 4,
    VMCI_DOORBELL_NOTIFY = 5,
    VMCI_DATAGRAM_REQUEST_MAP = 6,
    VMCI_DATAGRAM_REMOVE_MAP = 7,
    VMCI_EVENT_SUBSCRIBE = 8,
    VMCI_EVENT_UNSUBSCRIBE = 9,
    VMCI_QUEUEPAIR_ALLOC = 10,
    VMCI_QUEUEPAIR_DETACH = 11,
    VMCI_RESOURCE_MAX = 17,
};

#define VMCI_RESOURCES_QUERY_MAX    31

/* Status codes (a signed 32-bit result in RESULT_LOW). */
enum {
    VMCI_SUCCESS_QUEUEPAIR_ATTACH = 5,
    VMCI_SUCCESS_QUEUEPAIR_CREATE = 4,
    VMCI_SUCCESS = 0,
    VMCI_ERROR_INVALID_RESOURCE = -1,
    VMCI_ERROR_INVALID_ARGS = -2,
    VMCI_ERROR_NO_MEM = -3,
    VMCI_ERROR_NO_ACCESS = -7,
    VMCI_ERROR_DST_UNREACHABLE = -10,
    VMCI_ERROR_PAYLOAD_TOO_LARGE = -11,
    VMCI_ERROR_NO_RESOURCES = -19,
    VMCI_ERROR_UNAVAILABLE = -20,
    VMCI_ERROR_NOT_FOUND = -21,
    VMCI_ERROR_ALREADY_EXISTS = -22,
    VMCI_ERROR_INVALID_SIZE = -24,
    VMCI_ERROR_QUEUEPAIR_MISMATCH = -31,
};

/* Events. */
enum {
    VMCI_EVENT_CTX_ID_UPDATE = 0,
    VMCI_EVENT_CTX_REMOVED = 1,
    VMCI_EVENT_QP_RESUMED = 2,
    VMCI_EVENT_QP_PEER_ATTACH = 3,
    VMCI_EVENT_QP_PEER_DETACH = 4,
    VMCI_EVENT_MAX = 7,
};

/* Payload offsets (from the start of the datagram). */
#define VMCI_EV_EVENT               24
#define VMCI_EV_CTX_ID              32
#define VMCI_EV_CTX_PAYLOAD         16
#define VMCI_EV_QP_HANDLE_CTX       32
#define VMCI_EV_QP_HANDLE_RID       36
#define VMCI_EV_QP_PEER             40
#define VMCI_EV_QP_PAYLOAD          24
#define VMCI_EV_SUB_EVENT           24  /* EVENT_(UN)SUBSCRIBE: u32 event */

#define VMCI_RQ_NUM                 24
#define VMCI_RQ_LIST                32

#define VMCI_NB_PPN                 24
#define VMCI_NB_PAYLOAD             8

#define VMCI_DB_HANDLE_CTX          24
#define VMCI_DB_HANDLE_RID          28
#define VMCI_DB_NOTIFY_IDX          32
#define VMCI_DB_LINK_PAYLOAD        16
#define VMCI_DB_HANDLE_PAYLOAD      8
#define VMCI_MAX_DOORBELLS          4096

/* Queue pairs. */
#define VMCI_QPFLAG_ATTACH_ONLY     (1u << 0)
#define VMCI_QPFLAG_LOCAL           (1u << 1)
#define VMCI_QPFLAG_NONBLOCK        (1u << 2)
#define VMCI_QPFLAG_PINNED          (1u << 3)
#define VMCI_QP_ALL_FLAGS           0xfu
#define VMCI_MAX_GUEST_QP_MEMORY    (128 * MiB)

#define VMCI_QPA_HANDLE_CTX         24
#define VMCI_QPA_HANDLE_RID         28
#define VMCI_QPA_PEER               32
#define VMCI_QPA_FLAGS              36
#define VMCI_QPA_PRODUCE_SIZE       40
#define VMCI_QPA_CONSUME_SIZE       48
#define VMCI_QPA_NUM_PPNS           56
#define VMCI_QPA_PPNS               64
#define VMCI_QPA_FIXED_PAYLOAD      40
#define VMCI_QPD_HANDLE_CTX         24
#define VMCI_QPD_HANDLE_RID         28
#define VMCI_QPD_PAYLOAD            8

/* Queue header page. */
#define VMCI_QH_HANDLE_CTX          0
#define VMCI_QH_HANDLE_RID          4
#define VMCI_QH_PRODUCER_TAIL       8
#define VMCI_QH_CONSUMER_HEAD       16
#define VMCI_QH_SIZE                24

/* vmci_transport control packets (datagrams between resources 1). */
#define VSOCK_PACKET_RID            1
#define VSOCK_PACKET_VERSION        1
#define VSOCK_PKT_VERSION           24
#define VSOCK_PKT_TYPE              25
#define VSOCK_PKT_PROTO             26
#define VSOCK_PKT_SRC_PORT          28
#define VSOCK_PKT_DST_PORT          32
#define VSOCK_PKT_U                 40
#define VSOCK_PKT_U2                48
#define VSOCK_PKT_SIZE              56
#define VSOCK_PKT_PAYLOAD           (VSOCK_PKT_SIZE - VMCI_DG_HDR_SIZE)
#define VSOCK_PROTO_PKT_ON_NOTIFY   (1u << 0)
/*
 * Not VMware's: vsock-vmci's transport negotiates SOCK_SEQPACKET with this
 * bit, frames each message as {u32 len, u32 flags} + payload in the queue
 * and makes each queue of such a pair VSOCK_SEQ_PAIR_EXTRA bytes larger
 * than the size negotiated (a header, and the byte a ring never fills),
 * so that a message of that size fits.
 */
#define VSOCK_PROTO_SEQPACKET       (1u << 15)
#define VSOCK_SEQ_PAIR_EXTRA        9

enum {
    VSOCK_PKT_INVALID = 0,
    VSOCK_PKT_REQUEST,
    VSOCK_PKT_NEGOTIATE,
    VSOCK_PKT_OFFER,
    VSOCK_PKT_ATTACH,
    VSOCK_PKT_WROTE,
    VSOCK_PKT_READ,
    VSOCK_PKT_RST,
    VSOCK_PKT_SHUTDOWN,
    VSOCK_PKT_WAITING_WRITE,
    VSOCK_PKT_WAITING_READ,
    VSOCK_PKT_REQUEST2,
    VSOCK_PKT_NEGOTIATE2,
    VSOCK_PKT_MAX,
};

#define VSOCK_SHUT_RCV              1u  /* the sender will not receive */
#define VSOCK_SHUT_SEND             2u  /* the sender will not send */

#endif
