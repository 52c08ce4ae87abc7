/*
 * VMware VMCI device model: the host, context 2, as a vsock peer.
 *
 * Speaks the vmci_transport protocol: control packets are datagrams
 * between resource 1 of both contexts, the data goes through a queue pair.
 *
 *   guest connects:  REQUEST2 (or REQUEST) ->, <- NEGOTIATE2 (NEGOTIATE),
 *                    the guest creates the pair, OFFER ->, the host
 *                    attaches, <- ATTACH
 *   host connects:   <- REQUEST2, NEGOTIATE2 ->, the host creates the
 *                    pair, <- OFFER, the guest attaches, ATTACH ->
 *
 * Data: after writing the guest's consume queue the host sends WROTE,
 * after reading its produce queue READ (both are always safe).  The guest
 * says WROTE only when its queue turned non-empty and READ only when ours
 * had been full, so the host never leaves its own work waiting on one:
 * it reads a host socket only while the guest's queue has room, and
 * stops reading the guest's queue only while its end cannot take more,
 * resuming when it can.  Old-protocol connections are polled instead.
 *
 * Each connection has one "end": a host socket (vmw-vmci-bridge.c), or
 * with hairpin=on a second connection into the same guest, so that a
 * guest connect() to CID 2 port P reaches the guest's own listener on P.
 * Datagrams to CID 2 go to the bridge, or with hairpin back to the guest
 * from (2, the sender's port).
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/units.h"
#include "qemu/bswap.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/sockets.h"
#include "qapi/error.h"
#include "hw/pci/pci.h"
#include "vmw-vmci.h"
#include "vmw-vmci-vsock.h"

#define VSOCK_DEFAULT_SIZE      (256 * KiB)
#define VSOCK_MAX_SIZE          (64 * MiB)
#define VSOCK_HANDSHAKE_MS      5000
#define VSOCK_POLL_MS           10
#define VSOCK_CHUNK             (64 * KiB)
#define VSOCK_FIRST_PORT        49152
#define VSOCK_MAX_CONNS         1024

/* Control packets. */

static const char *const vsock_pkt_names[VSOCK_PKT_MAX] = {
    "INVALID", "REQUEST", "NEGOTIATE", "OFFER", "ATTACH", "WROTE", "READ",
    "RST", "SHUTDOWN", "WAITING_WRITE", "WAITING_READ", "REQUEST2",
    "NEGOTIATE2",
};

static void vsock_send(VMCIVsock *v, uint8_t type, uint32_t host_port,
                       uint32_t guest_port, uint64_t u, uint64_t u2,
                       uint16_t proto)
{
    VMCIState *s = v->s;
    uint8_t p[VSOCK_PKT_SIZE] = { 0 };

    vmci_trace(s, "host %u -> guest %u: %s 0x%" PRIx64, host_port,
               guest_port, vsock_pkt_names[type], u);
    vmci_make_header(p, s->cid, VSOCK_PACKET_RID, VMCI_HOST_CID,
                     VSOCK_PACKET_RID, VSOCK_PKT_PAYLOAD);
    p[VSOCK_PKT_VERSION] = VSOCK_PACKET_VERSION;
    p[VSOCK_PKT_TYPE] = type;
    stw_le_p(p + VSOCK_PKT_PROTO, proto);
    stl_le_p(p + VSOCK_PKT_SRC_PORT, host_port);
    stl_le_p(p + VSOCK_PKT_DST_PORT, guest_port);
    stq_le_p(p + VSOCK_PKT_U, u);
    stq_le_p(p + VSOCK_PKT_U2, u2);
    vmci_guest_enqueue(s, p, sizeof(p), false);
}

static void conn_send(VMCIConn *c, uint8_t type, uint64_t u)
{
    vsock_send(c->v, type, c->host_port, c->guest_port, u, 0,
               type == VSOCK_PKT_REQUEST2 || type == VSOCK_PKT_NEGOTIATE2 ?
               c->proto : 0);
}

/* What the host connects with: a host that predates REQUEST2 has REQUEST. */
static uint8_t host_request_type(VMCIState *s)
{
    return s->request2 ? VSOCK_PKT_REQUEST2 : VSOCK_PKT_REQUEST;
}

/* Each queue of a SEQPACKET pair is larger, as our transport makes it. */
static uint64_t conn_pair_size(VMCIConn *c)
{
    return c->size + (c->seq ? VSOCK_SEQ_PAIR_EXTRA : 0);
}

static uint64_t vsock_handle(uint32_t ctx, uint32_t rid)
{
    return (uint64_t)rid << 32 | ctx;
}

/* Connections. */

static VMCIConn *conn_find(VMCIVsock *v, uint32_t host_port,
                           uint32_t guest_port)
{
    VMCIConn *c;

    QTAILQ_FOREACH(c, &v->conns, next) {
        if (c->host_port == host_port && c->guest_port == guest_port) {
            return c;
        }
    }
    return NULL;
}

static bool host_port_used(VMCIVsock *v, uint32_t port)
{
    VMCIConn *c;

    QTAILQ_FOREACH(c, &v->conns, next) {
        if (c->host_port == port) {
            return true;
        }
    }
    return false;
}

static uint32_t host_port_alloc(VMCIVsock *v)
{
    uint32_t wish;

    do {
        wish = v->next_port++;
        if (v->next_port == VMCI_INVALID_ID) {
            v->next_port = VSOCK_FIRST_PORT;
        }
    } while (host_port_used(v, wish));
    return wish;
}

static void conn_timeout(void *opaque);

/* Whether c is still a connection: a pump may have closed it. */
static bool conn_alive(VMCIVsock *v, VMCIConn *c)
{
    VMCIConn *it;

    QTAILQ_FOREACH(it, &v->conns, next) {
        if (it == c) {
            return true;
        }
    }
    return false;
}

static VMCIConn *conn_new(VMCIVsock *v, uint32_t host_port,
                          uint32_t guest_port, VMCIConnState state)
{
    VMCIConn *c = g_new0(VMCIConn, 1);

    c->v = v;
    c->host_port = host_port;
    c->guest_port = guest_port;
    c->state = state;
    c->proto = VSOCK_PROTO_PKT_ON_NOTIFY;
    c->fd = -1;
    c->outbuf = g_byte_array_new();
    c->timer = timer_new_ms(QEMU_CLOCK_VIRTUAL, conn_timeout, c);
    v->nconns++;
    timer_mod(c->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
              VSOCK_HANDSHAKE_MS);
    QTAILQ_INSERT_TAIL(&v->conns, c, next);
    return c;
}

static void conn_update_fd(VMCIConn *c);
static void conn_pump(VMCIConn *c);
static void conn_tell_shutdown(VMCIConn *p, uint32_t mode);

/*
 * Forget a connection.  rst: tell the guest (RST while connecting, else
 * SHUTDOWN and a peer-detach event through the pair).
 */
static void conn_close(VMCIConn *c, bool tell_guest)
{
    VMCIVsock *v = c->v;
    VMCIConn *pair = c->pair;

    if (c->closing) {
        return;
    }
    c->closing = true;
    vmci_trace(v->s, "close host %u guest %u (state %d, tell %d, pair %p)",
               c->host_port, c->guest_port, c->state, tell_guest, pair);
    if (tell_guest) {
        if (c->state == CONN_CONNECTED) {
            conn_send(c, VSOCK_PKT_SHUTDOWN, VSOCK_SHUT_RCV | VSOCK_SHUT_SEND);
        } else {
            conn_send(c, VSOCK_PKT_RST, 0);
        }
    }
    /*
     * No peer-detach event: SHUTDOWN said it all, and a 6.12 guest handles
     * events at once but packets from a work item, so the event could
     * overtake the ATTACH before it and fail connect().  The pair stays
     * until the guest leaves it.
     */
    if (c->qp) {
        vmci_qp_host_detach(v->s, c->qp, false);
        c->qp = NULL;
    }
    if (c->fd >= 0) {
        qemu_set_fd_handler(c->fd, NULL, NULL, NULL);
        close(c->fd);
        c->fd = -1;
    }
    if (pair) {
        if (pair->waiter == c) {
            pair->waiter = NULL;
        }
        pair->pair = NULL;
        c->pair = NULL;
        /*
         * The other half goes once it has passed on what it holds; from
         * the main loop, as this may run inside that half's own pump.
         */
        pair->end_closed = true;
        if (pair->state == CONN_CONNECTED || pair->state == CONN_WAIT_PAIR) {
            timer_mod(pair->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL));
        }
    }
    QTAILQ_REMOVE(&v->conns, c, next);
    v->nconns--;
    timer_free(c->timer);
    g_byte_array_free(c->outbuf, true);
    g_free(c);
}

/* The handshake limit, the old protocol's poll, a bounded pump's resume. */
static void conn_timer_fired(VMCIConn *c)
{
    if (c->end_closed) {
        conn_pump(c);
        return;
    }
    if (c->state == CONN_HELD) {
        /* The guest kept it longer than the limit: it gets RST. */
        vmci_trace(c->v->s, "held connection host %u guest %u released",
                   c->host_port, c->guest_port);
        conn_close(c, true);
        return;
    }
    if (c->state == CONN_CONNECTED) {
        /* The old protocol's poll, or a pump that stopped at its bound. */
        VMCIVsock *v = c->v;
        VMCIConn *pair = c->pair;

        if (c->old_proto) {
            timer_mod(c->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
                      VSOCK_POLL_MS);
        }
        conn_pump(c);
        if (pair && conn_alive(v, pair)) {
            conn_pump(pair);
        }
        return;
    }
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: vsock handshake host port %u "
                  "guest port %u timed out\n", c->host_port, c->guest_port);
    conn_close(c, true);
}

static void conn_timeout(void *opaque)
{
    VMCIConn *c = opaque;
    VMCIState *s = c->v->s;
    bool g = vmci_guard_enter(s);

    conn_timer_fired(c);
    vmci_guard_leave(s, g);
}

static void conn_established(VMCIConn *c)
{
    VMCIVsock *v = c->v;
    VMCIConn *pair;

    c->state = CONN_CONNECTED;
    if (c->old_proto) {
        timer_mod(c->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL) +
                  VSOCK_POLL_MS);
    } else {
        timer_del(c->timer);
    }
    if (c->fd >= 0 && c->reply_ok) {
        char line[32];
        int n = snprintf(line, sizeof(line), "OK %u\n", c->host_port);

        g_byte_array_prepend(c->outbuf, (uint8_t *)line, n);
    }
    if (c->waiter) {
        VMCIConn *w = c->waiter;

        /* Hairpin: the guest's listener took it; let the client in. */
        c->waiter = NULL;
        w->state = CONN_NEGOTIATING;
        /*
         * With what the listener chose; records must fit the listener's
         * queue, so a SEQPACKET client gets its size too.
         */
        w->proto = c->proto;
        w->seq = c->seq;
        if (w->seq) {
            w->size = c->size;
        }
        conn_send(w, w->old_proto ? VSOCK_PKT_NEGOTIATE :
                  VSOCK_PKT_NEGOTIATE2, w->size);
    }
    if (c->pending_shut) {
        conn_send(c, VSOCK_PKT_SHUTDOWN, c->pending_shut);
        c->pending_shut = 0;
    }
    conn_update_fd(c);
    pair = c->pair;
    conn_pump(c);
    /* What the partner holds for us could not go before. */
    if (pair && conn_alive(v, pair)) {
        conn_pump(pair);
    }
}

/* The end of a connection: a host socket, or its hairpin partner. */

/* Pass on what outbuf holds; returns true when it is empty. */
static bool conn_flush(VMCIConn *c)
{
    ssize_t n;

    while (c->outbuf->len) {
        if (c->pair) {
            VMCIConn *p = c->pair;

            if (p->state != CONN_CONNECTED || !p->qp) {
                return false;
            }
            n = vmci_qp_write(c->v->s, p->qp, c->outbuf->data,
                              c->outbuf->len);
            if (n < 0) {
                conn_close(p, true);
                return false;
            }
            if (n == 0) {
                return false;
            }
            conn_send(p, VSOCK_PKT_WROTE, 0);
        } else if (c->fd >= 0) {
            n = send(c->fd, c->outbuf->data, c->outbuf->len, MSG_NOSIGNAL);
            if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
                return false;
            }
            if (n <= 0) {
                /* The host side went away: nothing more can be sent. */
                g_byte_array_set_size(c->outbuf, 0);
                c->end_closed = true;
                return true;
            }
        } else {
            /* No end any more: what the guest sent has nowhere to go. */
            g_byte_array_set_size(c->outbuf, 0);
            return true;
        }
        g_byte_array_remove_range(c->outbuf, 0, n);
    }
    return true;
}

/*
 * Tell the hairpin partner's guest socket that its peer shut down: now, or
 * once it is connected (a SHUTDOWN while connecting would fail connect()).
 */
static void conn_tell_shutdown(VMCIConn *p, uint32_t mode)
{
    if (p->state == CONN_CONNECTED) {
        conn_send(p, VSOCK_PKT_SHUTDOWN, mode);
    } else {
        p->pending_shut |= mode;
    }
}

static void conn_end_eof(VMCIConn *c)
{
    if (c->eof_passed) {
        return;
    }
    c->eof_passed = true;
    if (c->pair) {
        conn_tell_shutdown(c->pair, VSOCK_SHUT_SEND);
        c->pair->peer_eof = true;
    } else if (c->fd >= 0) {
        shutdown(c->fd, SHUT_WR);
    }
}

/* Guest -> end; returns false if the connection was closed. */
static bool conn_pump_out(VMCIConn *c)
{
    VMCIState *s = c->v->s;
    uint64_t total = 0;
    bool read = false;
    int64_t n;

    while (conn_flush(c)) {
        if (!c->qp) {
            break;
        }
        if (total >= c->qp->produce_size) {
            /* A guest that keeps writing does not keep us here. */
            timer_mod(c->timer, qemu_clock_get_ms(QEMU_CLOCK_VIRTUAL));
            break;
        }
        g_byte_array_set_size(c->outbuf, VSOCK_CHUNK);
        n = vmci_qp_read(s, c->qp, c->outbuf->data, VSOCK_CHUNK);
        g_byte_array_set_size(c->outbuf, MAX(n, 0));
        if (n < 0) {
            conn_close(c, true);
            return false;
        }
        if (n == 0) {
            break;
        }
        total += n;
        read = true;
    }
    if (read && c->qp) {
        conn_send(c, VSOCK_PKT_READ, 0);
    }
    return true;
}

/* Host socket -> guest. */
static bool conn_pump_in(VMCIConn *c)
{
    VMCIState *s = c->v->s;
    uint8_t buf[VSOCK_CHUNK];
    bool wrote = false;
    int64_t room;
    ssize_t n;

    if (c->fd < 0 || c->pair || c->host_eof || !c->qp) {
        return true;
    }
    for (;;) {
        room = vmci_qp_writable(s, c->qp);
        if (room < 0) {
            conn_close(c, true);
            return false;
        }
        if (room == 0) {
            break;
        }
        n = recv(c->fd, buf, MIN(room, (int64_t)sizeof(buf)), 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            break;
        }
        if (n <= 0) {
            c->host_eof = true;
            conn_send(c, VSOCK_PKT_SHUTDOWN, VSOCK_SHUT_SEND);
            break;
        }
        vmci_qp_write(s, c->qp, buf, n);
        wrote = true;
    }
    if (wrote) {
        conn_send(c, VSOCK_PKT_WROTE, 0);
    }
    return true;
}

static void conn_pump(VMCIConn *c)
{
    bool drained;

    if (c->state != CONN_CONNECTED) {
        /*
         * A hairpin client whose listener refused gets RST; any other
         * connection waits for its handshake, then passes on the end.
         */
        if (c->end_closed && c->state == CONN_WAIT_PAIR) {
            conn_close(c, true);
        }
        return;
    }
    if (!conn_pump_out(c) || !conn_pump_in(c)) {
        return;
    }
    drained = !c->outbuf->len && (!c->qp || vmci_qp_readable(c->v->s,
                                                              c->qp) == 0);
    if ((c->guest_shut & VSOCK_SHUT_SEND) && drained) {
        conn_end_eof(c);
    }
    /* Done when neither side has anything more to say. */
    if (drained && (c->end_closed || !c->qp ||
                    ((c->guest_shut & VSOCK_SHUT_SEND) &&
                     (c->host_eof || c->peer_eof)))) {
        conn_close(c, c->qp || c->state != CONN_CONNECTED);
        return;
    }
    conn_update_fd(c);
}

static void conn_fd_ready(void *opaque)
{
    VMCIConn *c = opaque;
    VMCIState *s = c->v->s;
    bool g = vmci_guard_enter(s);

    conn_pump(c);
    vmci_guard_leave(s, g);
}

/* Watch the host socket only for what can make progress. */
static void conn_update_fd(VMCIConn *c)
{
    bool want_read, want_write;

    if (c->fd < 0) {
        return;
    }
    want_write = c->outbuf->len > 0;
    want_read = c->state == CONN_CONNECTED && c->qp && !c->host_eof &&
                vmci_qp_writable(c->v->s, c->qp) > 0;
    qemu_set_fd_handler(c->fd, want_read ? conn_fd_ready : NULL,
                        want_write ? conn_fd_ready : NULL, c);
}

/*
 * The guest's socket is gone (it left the pair, or reset a connected
 * socket): keep what it wrote, leave the pair, pass the rest on.
 */
static void conn_guest_gone(VMCIConn *c)
{
    VMCIState *s = c->v->s;
    VMCIQueuePair *qp = c->qp;
    int64_t n;

    if (!qp) {
        conn_pump(c);
        return;
    }
    /*
     * Keep what the guest left, one ring at most (the guest cannot have
     * more in it): its pages are gone after this.
     */
    n = vmci_qp_readable(s, qp);
    if (n > 0 && (uint64_t)n < qp->produce_size) {
        uint64_t old = c->outbuf->len;

        g_byte_array_set_size(c->outbuf, old + n);
        n = vmci_qp_read(s, qp, c->outbuf->data + old, n);
        g_byte_array_set_size(c->outbuf, old + MAX(n, 0));
    }
    vmci_qp_host_detach(s, qp, false);
    c->qp = NULL;
    c->guest_shut = VSOCK_SHUT_RCV | VSOCK_SHUT_SEND;
    /* The partner's sends fail now; its reads end after the data. */
    if (c->pair) {
        conn_tell_shutdown(c->pair, VSOCK_SHUT_RCV);
    }
    /*
     * The end (host socket or hairpin partner) still gets what the guest
     * left, then its EOF; then the connection goes.
     */
    c->state = CONN_CONNECTED;
    conn_pump(c);
}

/* The guest attached to or left a pair the host holds. */
static void conn_qp_event(void *opaque, VMCIQueuePair *qp, int event)
{
    VMCIConn *c = opaque;

    if (event == VMCI_EVENT_QP_PEER_DETACH) {
        conn_guest_gone(c);
    }
}

/* Packets from the guest. */

static void vsock_guest_request(VMCIVsock *v, uint8_t type, uint32_t gport,
                                uint32_t hport, uint64_t size, uint16_t proto)
{
    VMCIState *s = v->s;
    VMCIConn *c;
    int fd;

    /* A host that never answers: the guest's connect() must time out. */
    if (s->silent_port && hport == s->silent_port) {
        vmci_trace(s, "request to silent port %u ignored", hport);
        return;
    }
    if (type == VSOCK_PKT_REQUEST2 && !s->request2) {
        /*
         * A host that predates REQUEST2 answers a type it does not know
         * with INVALID; the guest is to ask again with REQUEST.  (The very
         * old ones, Workstation 6.5 and ESX 4.0, went on to send RST too,
         * which guests ignore once; not sent here: the in-kernel guest
         * handles each packet in a work item of its own, unordered, so it
         * may see the RST first.)
         */
        v->invalid_sent++;
        vsock_send(v, VSOCK_PKT_INVALID, hport, gport, 0, 0, 0);
        return;
    }
    if (type == VSOCK_PKT_REQUEST) {
        v->old_requests++;
    }
    if (type == VSOCK_PKT_REQUEST2 && !(proto & VSOCK_PROTO_PKT_ON_NOTIFY)) {
        vsock_send(v, VSOCK_PKT_RST, hport, gport, 0, 0, 0);
        return;
    }
    if (size == 0 || (!s->hairpin && !v->bridge) ||
        v->nconns + 2 > VSOCK_MAX_CONNS) {
        vsock_send(v, VSOCK_PKT_RST, hport, gport, 0, 0, 0);
        return;
    }
    size = MIN(size, VSOCK_MAX_SIZE);
    if (s->hairpin) {
        VMCIConn *in;

        c = conn_new(v, hport, gport, CONN_WAIT_PAIR);
        c->size = size;
        c->old_proto = type == VSOCK_PKT_REQUEST || s->old_protocol;
        /*
         * The second half, to the listener, from a fresh host port: the
         * guest may still hold the last connection of the client's port.
         */
        in = conn_new(v, host_port_alloc(v), hport, CONN_REQUESTING);
        in->size = size;
        if (s->seqpacket && type == VSOCK_PKT_REQUEST2) {
            /* Both ends are the guest's: it may ask itself for records. */
            in->proto |= proto & VSOCK_PROTO_SEQPACKET;
        }
        c->pair = in;
        in->pair = c;
        in->waiter = c;
        conn_send(in, host_request_type(s), size);
        return;
    }
    fd = vmci_bridge_connect(v->bridge, hport);
    if (fd < 0) {
        vsock_send(v, VSOCK_PKT_RST, hport, gport, 0, 0, 0);
        return;
    }
    c = conn_new(v, hport, gport, CONN_NEGOTIATING);
    c->fd = fd;
    c->size = size;
    c->old_proto = type == VSOCK_PKT_REQUEST || s->old_protocol;
    conn_send(c, c->old_proto ? VSOCK_PKT_NEGOTIATE : VSOCK_PKT_NEGOTIATE2,
              size);
}

static void vsock_guest_offer(VMCIConn *c, uint32_t ctx, uint32_t rid)
{
    VMCIState *s = c->v->s;
    VMCIQueuePair *qp = vmci_qp_find(s, ctx, rid);

    if (c->state != CONN_NEGOTIATING || !qp || ctx != s->cid ||
        qp->produce_size != conn_pair_size(c) ||
        qp->consume_size != conn_pair_size(c) ||
        vmci_qp_host_attach(s, qp, conn_qp_event, c) < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: vsock OFFER of (0x%x,%u) "
                      "refused\n", ctx, rid);
        conn_close(c, true);
        return;
    }
    c->qp = qp;
    conn_send(c, VSOCK_PKT_ATTACH, vsock_handle(ctx, rid));
    conn_established(c);
}

/* The guest's listener took a request that had no OFFER coming. */
static void conn_hold(VMCIConn *c)
{
    char line[32];
    int n = snprintf(line, sizeof(line), "PENDING %u\n", c->host_port);

    c->state = CONN_HELD;
    if (send(c->fd, line, n, MSG_NOSIGNAL) != n) {
        conn_close(c, true);
    }
}

static void vsock_guest_negotiate(VMCIConn *c, uint8_t type, uint64_t size,
                                  uint16_t proto)
{
    VMCIState *s = c->v->s;
    uint64_t pair_size;

    if (c->state != CONN_REQUESTING || size == 0 || size > VSOCK_MAX_SIZE ||
        (type == VSOCK_PKT_NEGOTIATE2 && (proto & ~c->proto))) {
        conn_close(c, true);
        return;
    }
    c->old_proto = type == VSOCK_PKT_NEGOTIATE;
    c->size = size;
    if (!c->old_proto) {
        c->proto = proto;
        c->seq = proto & VSOCK_PROTO_SEQPACKET;
    }
    if (c->no_offer) {
        conn_hold(c);
        return;
    }
    pair_size = conn_pair_size(c);
    c->qp = vmci_qp_host_create(s, pair_size, pair_size, conn_qp_event, c);
    c->state = CONN_OFFERED;
    conn_send(c, VSOCK_PKT_OFFER, vsock_handle(c->qp->ctx, c->qp->rid));
}

static void vsock_guest_attach(VMCIConn *c, uint32_t ctx, uint32_t rid)
{
    if (c->state != CONN_OFFERED || !c->qp || ctx != c->qp->ctx ||
        rid != c->qp->rid || !c->qp->guest_attached) {
        conn_close(c, true);
        return;
    }
    conn_established(c);
}

static void vsock_guest_packet(VMCIVsock *v, const uint8_t *p)
{
    uint8_t type = p[VSOCK_PKT_TYPE];
    uint32_t gport = ldl_le_p(p + VSOCK_PKT_SRC_PORT);
    uint32_t hport = ldl_le_p(p + VSOCK_PKT_DST_PORT);
    uint64_t u = ldq_le_p(p + VSOCK_PKT_U);
    uint32_t hctx = ldl_le_p(p + VSOCK_PKT_U);
    uint32_t hrid = ldl_le_p(p + VSOCK_PKT_U + 4);
    VMCIConn *c = conn_find(v, hport, gport), *pair;

    vmci_trace(v->s, "guest %u -> host %u: %s 0x%" PRIx64 " (%s)", gport,
               hport, vsock_pkt_names[type], u, c ? "known" : "new");

    if (type == VSOCK_PKT_REQUEST || type == VSOCK_PKT_REQUEST2) {
        if (c) {
            /* The guest has forgotten the old one (it lingers here). */
            if (c->qp) {
                vmci_qp_host_detach(v->s, c->qp, false);
                c->qp = NULL;
            }
            conn_close(c, false);
        }
        vsock_guest_request(v, type, gport, hport, u,
                            lduw_le_p(p + VSOCK_PKT_PROTO));
        return;
    }
    if (!c) {
        if (type != VSOCK_PKT_RST && type != VSOCK_PKT_INVALID) {
            vsock_send(v, VSOCK_PKT_RST, hport, gport, 0, 0, 0);
        }
        return;
    }
    switch (type) {
    case VSOCK_PKT_NEGOTIATE:
    case VSOCK_PKT_NEGOTIATE2:
        vsock_guest_negotiate(c, type, u, lduw_le_p(p + VSOCK_PKT_PROTO));
        break;
    case VSOCK_PKT_OFFER:
        vsock_guest_offer(c, hctx, hrid);
        break;
    case VSOCK_PKT_ATTACH:
        vsock_guest_attach(c, hctx, hrid);
        break;
    case VSOCK_PKT_WROTE:
    case VSOCK_PKT_READ:
    case VSOCK_PKT_WAITING_READ:
    case VSOCK_PKT_WAITING_WRITE:
        pair = c->pair;
        conn_pump(c);
        if (pair && conn_alive(v, pair)) {
            conn_pump(pair);
        }
        break;
    case VSOCK_PKT_SHUTDOWN:
        c->guest_shut |= u & (VSOCK_SHUT_RCV | VSOCK_SHUT_SEND);
        if ((u & VSOCK_SHUT_RCV) && c->pair) {
            conn_tell_shutdown(c->pair, VSOCK_SHUT_RCV);
        }
        conn_pump(c);
        break;
    case VSOCK_PKT_RST:
        /* A connected socket's reset ends it after what it sent. */
        if (c->state == CONN_CONNECTED) {
            conn_guest_gone(c);
        } else {
            conn_close(c, false);
        }
        break;
    default:
        conn_close(c, true);
        break;
    }
}

/* Datagrams from the guest to context 2. */
int64_t vmci_host_receive(VMCIState *s, const uint8_t *dg, uint32_t len)
{
    VMCIVsock *v = s->vsock;
    uint32_t dst = ldl_le_p(dg + VMCI_DG_DST_RID);
    uint32_t src = ldl_le_p(dg + VMCI_DG_SRC_RID);
    int ret;

    if (dst == VSOCK_PACKET_RID) {
        if (len < VSOCK_PKT_SIZE || src != VSOCK_PACKET_RID ||
            dg[VSOCK_PKT_TYPE] >= VSOCK_PKT_MAX) {
            qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: bad vsock control "
                          "packet (%u bytes, type %u) dropped\n", len,
                          len > VSOCK_PKT_TYPE ? dg[VSOCK_PKT_TYPE] : 0);
            return len;
        }
        vsock_guest_packet(v, dg);
        return len;
    }
    if (s->hairpin) {
        uint8_t *copy = g_memdup2(dg, len);

        /* Back to the guest, from (2, the sender's port). */
        vmci_make_header(copy, s->cid, dst, VMCI_HOST_CID, src,
                         len - VMCI_DG_HDR_SIZE);
        ret = vmci_guest_enqueue(s, copy, len, true);
        g_free(copy);
        return ret;
    }
    if (!v->bridge) {
        return VMCI_ERROR_INVALID_RESOURCE;
    }
    ret = vmci_bridge_dgram_out(v->bridge, src, dst, dg + VMCI_DG_HDR_SIZE,
                                len - VMCI_DG_HDR_SIZE);
    return ret < 0 ? ret : len;
}

int vmci_host_send_dgram(VMCIState *s, uint32_t src, uint32_t dst,
                         const void *buf, uint32_t len)
{
    g_autofree uint8_t *dg = NULL;

    if (len > VMCI_MAX_DG_PAYLOAD) {
        return VMCI_ERROR_PAYLOAD_TOO_LARGE;
    }
    dg = g_malloc(VMCI_DG_HDR_SIZE + len);
    vmci_make_header(dg, s->cid, dst, VMCI_HOST_CID, src, len);
    memcpy(dg + VMCI_DG_HDR_SIZE, buf, len);
    return vmci_guest_enqueue(s, dg, VMCI_DG_HDR_SIZE + len, true);
}

/*
 * A host program asked, through the bridge, for guest port P; without
 * offer, the host never offers a pair once the guest negotiated.
 */
void vmci_vsock_host_connect(VMCIState *s, int fd, uint32_t port,
                             bool offer)
{
    VMCIVsock *v = s->vsock;
    VMCIConn *c;

    if (v->nconns >= VSOCK_MAX_CONNS) {
        close(fd);
        return;
    }
    c = conn_new(v, host_port_alloc(v), port, CONN_REQUESTING);

    c->fd = fd;
    c->reply_ok = true;
    c->no_offer = !offer;
    c->size = VSOCK_DEFAULT_SIZE;
    conn_send(c, host_request_type(s), c->size);
}

/* The bridge's STATS line: what the host side did, for a test to check. */
char *vmci_vsock_stats(VMCIState *s)
{
    VMCIVsock *v = s->vsock;

    return g_strdup_printf("STATS request2=%d invalid=%" PRIu64 " request=%"
                           PRIu64 "\n", s->request2, v->invalid_sent,
                           v->old_requests);
}

void vmci_vsock_init(VMCIState *s, Error **errp)
{
    VMCIVsock *v = g_new0(VMCIVsock, 1);

    v->s = s;
    v->next_port = VSOCK_FIRST_PORT;
    QTAILQ_INIT(&v->conns);
    s->vsock = v;
    if (s->uds && !s->hairpin) {
        v->bridge = vmci_bridge_new(s, s->uds, errp);
    }
}

/* Drop every connection: the device was reset or the host "moved". */
void vmci_vsock_reset(VMCIState *s)
{
    VMCIVsock *v = s->vsock;
    VMCIConn *c;

    if (!v) {
        return;
    }
    while ((c = QTAILQ_FIRST(&v->conns))) {
        c->pair = NULL;
        if (c->qp) {
            vmci_qp_host_detach(s, c->qp, false);
            c->qp = NULL;
        }
        conn_close(c, false);
    }
    if (v->bridge) {
        vmci_bridge_reset(v->bridge);
    }
}

void vmci_vsock_exit(VMCIState *s)
{
    VMCIVsock *v = s->vsock;

    if (!v) {
        return;
    }
    vmci_vsock_reset(s);
    if (v->bridge) {
        vmci_bridge_free(v->bridge);
    }
    g_free(v);
    s->vsock = NULL;
}
