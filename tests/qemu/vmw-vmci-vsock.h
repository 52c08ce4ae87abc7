/*
 * VMware VMCI device model: the host's vsock connections and the bridge
 * to host sockets they are carried over.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_VMW_VMCI_VSOCK_H
#define HW_MISC_VMW_VMCI_VSOCK_H

#include "qemu/timer.h"
#include "vmw-vmci.h"

typedef enum VMCIConnState {
    CONN_NEGOTIATING,   /* guest connects: NEGOTIATE sent, awaiting OFFER */
    CONN_WAIT_PAIR,     /* hairpin: awaiting the guest's listener */
    CONN_REQUESTING,    /* host connects: REQUEST2 sent */
    CONN_OFFERED,       /* host connects: OFFER sent, awaiting ATTACH */
    CONN_CONNECTED,
    CONN_HELD,          /* host connects, never offers: NEGOTIATE seen */
} VMCIConnState;

typedef struct VMCIConn VMCIConn;

struct VMCIConn {
    QTAILQ_ENTRY(VMCIConn) next;
    VMCIVsock *v;
    VMCIConnState state;
    uint32_t host_port;
    uint32_t guest_port;
    uint64_t size;              /* of each queue, as negotiated */
    uint16_t proto;             /* bits of our REQUEST2/NEGOTIATE2 */
    bool seq;                   /* SEQPACKET: larger pairs, records */
    bool old_proto;             /* REQUEST/NEGOTIATE: polled */
    bool no_offer;              /* bridge CONNECT-NOOFFER: never offer */
    VMCIQueuePair *qp;          /* NULL once either side left it */
    uint32_t guest_shut;        /* SHUTDOWN modes from the guest */
    uint32_t pending_shut;      /* to send once connected (hairpin) */
    bool host_eof;              /* the host socket will send no more */
    bool peer_eof;              /* the hairpin partner will send no more */
    bool eof_passed;            /* the end was told the guest's EOF */
    bool end_closed;            /* the end is gone */
    bool closing;
    bool reply_ok;              /* bridge client: say "OK <port>" */
    int fd;                     /* host socket, or -1 */
    VMCIConn *pair;             /* hairpin partner, or NULL */
    VMCIConn *waiter;           /* hairpin client waiting for this one */
    GByteArray *outbuf;         /* guest data read, not yet passed on */
    QEMUTimer *timer;           /* handshake limit, old-protocol poll */
};

struct VMCIVsock {
    VMCIState *s;
    QTAILQ_HEAD(, VMCIConn) conns;
    uint32_t next_port;
    unsigned nconns;
    VMCIBridge *bridge;
    uint64_t invalid_sent;      /* REQUEST2s answered with INVALID */
    uint64_t old_requests;      /* REQUESTs from the guest */
};

void vmci_vsock_host_connect(VMCIState *s, int fd, uint32_t port,
                             bool offer);
char *vmci_vsock_stats(VMCIState *s);

int vmci_bridge_connect(VMCIBridge *b, uint32_t port);
int vmci_bridge_dgram_out(VMCIBridge *b, uint32_t guest_port,
                          uint32_t host_port, const uint8_t *buf,
                          uint32_t len);
void vmci_bridge_reset(VMCIBridge *b);

#endif
