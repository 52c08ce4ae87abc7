/*
 * VMware VMCI device model: host sockets for context 2 (uds=PATH).
 *
 * Firecracker's conventions, so that its users feel at home:
 *   - a guest connect() to CID 2 port P connects to the unix stream
 *     socket PATH_P (the guest sees a reset if nothing listens there);
 *   - a host program connects to PATH, writes "CONNECT P\n" and, once the
 *     guest's listener on port P took the connection, reads "OK <port>\n"
 *     (<port> is the host port the guest sees); then the socket carries
 *     the stream.  The socket is closed if the guest refuses;
 *   - "CONNECT-NOOFFER P\n" starts the same connection but never offers
 *     the guest a queue pair: the guest's listener keeps a pending child
 *     until it gives up.  The socket reads "PENDING <port>\n" once the
 *     guest negotiated, and is closed when the guest resets the
 *     connection (or refused it), or after the host's handshake limit;
 *   - "STATS\n" reads one line, "STATS request2=<0|1> invalid=<REQUEST2s
 *     answered with INVALID> request=<REQUESTs from the guest>\n", and
 *     the socket is closed.
 * Datagrams:
 *   - a guest datagram from port G to CID 2 port P is sent to the unix
 *     datagram socket PATH_P.dgram from PATH.guest_G.dgram, which the
 *     model binds for G, so a reply sent there reaches guest port G from
 *     host port P (the model takes P from the sender's address,
 *     PATH_P.dgram, which the host program must be bound to);
 *   - to reach any guest port G, send "G\n" followed by the payload to
 *     PATH.dgram from a socket bound to PATH_P.dgram.
 *
 * Copyright (c) 2026 The vsock-vmci authors
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/main-loop.h"
#include "qemu/error-report.h"
#include "qemu/cutils.h"
#include "qapi/error.h"
#include <sys/un.h>
#include "vmw-vmci.h"
#include "vmw-vmci-vsock.h"

#define BRIDGE_MAX_LINE         32
#define BRIDGE_MAX_DGRAM_SOCKS  1024

typedef struct VMCIBridgeClient {
    QTAILQ_ENTRY(VMCIBridgeClient) next;
    VMCIBridge *b;
    int fd;
    unsigned len;
    char line[BRIDGE_MAX_LINE];
} VMCIBridgeClient;

typedef struct VMCIBridgeDgram {
    VMCIBridge *b;
    uint32_t guest_port;
    int fd;
    char *path;
} VMCIBridgeDgram;

struct VMCIBridge {
    VMCIState *s;
    char *path;
    int listen_fd;
    int dgram_fd;
    char *dgram_path;
    QTAILQ_HEAD(, VMCIBridgeClient) clients;
    GHashTable *guest_socks;    /* guest port -> VMCIBridgeDgram */
    uint8_t *buf;
};

static int bridge_addr(struct sockaddr_un *sa, const char *path)
{
    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(sa->sun_path)) {
        return -1;
    }
    strcpy(sa->sun_path, path);
    return 0;
}

static int bridge_socket(int type, const char *bind_path, Error **errp)
{
    struct sockaddr_un sa;
    int fd;

    if (bridge_addr(&sa, bind_path)) {
        error_setg(errp, "vmw-vmci: socket path %s too long", bind_path);
        return -1;
    }
    fd = socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error_setg_errno(errp, errno, "vmw-vmci: socket");
        return -1;
    }
    unlink(bind_path);
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        error_setg_errno(errp, errno, "vmw-vmci: bind %s", bind_path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Host port P from a sender bound to PATH_P.dgram; -1 if not that. */
static int64_t bridge_sender_port(VMCIBridge *b, struct sockaddr_un *sa,
                                  socklen_t len)
{
    size_t plen = strlen(b->path);
    const char *p = sa->sun_path;
    const char *end;
    unsigned long port;

    if (len <= offsetof(struct sockaddr_un, sun_path) ||
        strncmp(p, b->path, plen) || p[plen] != '_') {
        return -1;
    }
    if (qemu_strtoul(p + plen + 1, &end, 10, &port) ||
        end == p + plen + 1 || strcmp(end, ".dgram") ||
        port >= VMCI_INVALID_ID) {
        return -1;
    }
    return port;
}

static ssize_t bridge_recv(VMCIBridge *b, int fd, int64_t *port)
{
    struct sockaddr_un sa;
    socklen_t alen = sizeof(sa);
    ssize_t n;

    memset(&sa, 0, sizeof(sa));
    n = recvfrom(fd, b->buf, VMCI_MAX_DG_PAYLOAD + BRIDGE_MAX_LINE,
                 MSG_TRUNC, (struct sockaddr *)&sa, &alen);
    if (n < 0) {
        return n;
    }
    *port = bridge_sender_port(b, &sa, alen);
    if (*port < 0) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: datagram from %s, not "
                      "from %s_<port>.dgram: dropped\n",
                      alen > offsetof(struct sockaddr_un, sun_path) ?
                      sa.sun_path : "an unnamed socket", b->path);
        return -1;
    }
    if (n > VMCI_MAX_DG_PAYLOAD + BRIDGE_MAX_LINE) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: %zd-byte host datagram "
                      "too large: dropped\n", n);
        return -1;
    }
    return n;
}

/*
 * One datagram per call: the main loop polls level-triggered, so it calls
 * again while more are queued.
 */

/* A reply to guest port G, sent to PATH.guest_G.dgram. */
static void bridge_guest_sock_read(void *opaque)
{
    VMCIBridgeDgram *d = opaque;
    int64_t port;
    ssize_t n = bridge_recv(d->b, d->fd, &port);
    bool g;

    if (n >= 0) {
        g = vmci_guard_enter(d->b->s);
        vmci_host_send_dgram(d->b->s, port, d->guest_port, d->b->buf, n);
        vmci_guard_leave(d->b->s, g);
    }
}

/* "G\n" + payload sent to PATH.dgram. */
static void bridge_ingress_read(void *opaque)
{
    VMCIBridge *b = opaque;
    int64_t port;
    ssize_t n = bridge_recv(b, b->dgram_fd, &port);
    unsigned long g;
    uint8_t *nl;
    bool guard;

    if (n < 0) {
        return;
    }
    nl = memchr(b->buf, '\n', MIN(n, BRIDGE_MAX_LINE));
    if (!nl) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: datagram to %s without "
                      "a '<guest port>\\n' line\n", b->dgram_path);
        return;
    }
    *nl = 0;
    if (qemu_strtoul((char *)b->buf, NULL, 10, &g) || g >= VMCI_INVALID_ID) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: bad guest port line in a "
                      "datagram to %s\n", b->dgram_path);
        return;
    }
    guard = vmci_guard_enter(b->s);
    vmci_host_send_dgram(b->s, port, g, nl + 1, n - (nl + 1 - b->buf));
    vmci_guard_leave(b->s, guard);
}

static void bridge_dgram_free(gpointer data)
{
    VMCIBridgeDgram *d = data;

    qemu_set_fd_handler(d->fd, NULL, NULL, NULL);
    close(d->fd);
    unlink(d->path);
    g_free(d->path);
    g_free(d);
}

static VMCIBridgeDgram *bridge_guest_sock(VMCIBridge *b, uint32_t port)
{
    VMCIBridgeDgram *d = g_hash_table_lookup(b->guest_socks,
                                             GUINT_TO_POINTER(port));
    Error *err = NULL;

    if (d) {
        return d;
    }
    if (g_hash_table_size(b->guest_socks) >= BRIDGE_MAX_DGRAM_SOCKS) {
        return NULL;
    }
    d = g_new0(VMCIBridgeDgram, 1);
    d->b = b;
    d->guest_port = port;
    d->path = g_strdup_printf("%s.guest_%u.dgram", b->path, port);
    d->fd = bridge_socket(SOCK_DGRAM, d->path, &err);
    if (d->fd < 0) {
        warn_report_err(err);
        g_free(d->path);
        g_free(d);
        return NULL;
    }
    qemu_set_fd_handler(d->fd, bridge_guest_sock_read, NULL, d);
    g_hash_table_insert(b->guest_socks, GUINT_TO_POINTER(port), d);
    return d;
}

int vmci_bridge_dgram_out(VMCIBridge *b, uint32_t guest_port,
                          uint32_t host_port, const uint8_t *buf,
                          uint32_t len)
{
    VMCIBridgeDgram *d = bridge_guest_sock(b, guest_port);
    g_autofree char *to = g_strdup_printf("%s_%u.dgram", b->path, host_port);
    struct sockaddr_un sa;

    if (!d || bridge_addr(&sa, to)) {
        return VMCI_ERROR_NO_RESOURCES;
    }
    if (sendto(d->fd, buf, len, 0, (struct sockaddr *)&sa, sizeof(sa)) >= 0) {
        return VMCI_SUCCESS;
    }
    switch (errno) {
    case ENOENT:
    case ECONNREFUSED:
        return VMCI_ERROR_INVALID_RESOURCE;
    case EAGAIN:
    case ENOBUFS:
        return VMCI_ERROR_NO_RESOURCES;
    case EMSGSIZE:
        return VMCI_ERROR_INVALID_ARGS;
    }
    return VMCI_ERROR_DST_UNREACHABLE;
}

/* Streams. */

int vmci_bridge_connect(VMCIBridge *b, uint32_t port)
{
    g_autofree char *path = g_strdup_printf("%s_%u", b->path, port);
    struct sockaddr_un sa;
    int fd;

    if (bridge_addr(&sa, path)) {
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    /* A listening unix socket completes the connect at once. */
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void bridge_client_free(VMCIBridgeClient *c, bool close_fd)
{
    qemu_set_fd_handler(c->fd, NULL, NULL, NULL);
    if (close_fd) {
        close(c->fd);
    }
    QTAILQ_REMOVE(&c->b->clients, c, next);
    g_free(c);
}

static void bridge_client_stats(VMCIBridgeClient *c)
{
    g_autofree char *line = vmci_vsock_stats(c->b->s);
    size_t len = strlen(line);

    if (send(c->fd, line, len, MSG_NOSIGNAL) != (ssize_t)len) {
        qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: STATS reply on %s "
                      "not sent\n", c->b->path);
    }
    bridge_client_free(c, true);
}

/* Read the line a byte at a time: what follows belongs to the guest. */
static void bridge_client_read(void *opaque)
{
    VMCIBridgeClient *c = opaque;
    unsigned long port;
    const char *arg;
    bool guard, offer;
    ssize_t n;

    for (;;) {
        n = recv(c->fd, c->line + c->len, 1, 0);
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            bridge_client_free(c, true);
            return;
        }
        if (c->line[c->len] == '\n') {
            break;
        }
        if (++c->len == sizeof(c->line) - 1) {
            goto bad;
        }
    }
    c->line[c->len] = 0;
    if (c->len && c->line[c->len - 1] == '\r') {
        c->line[c->len - 1] = 0;
    }
    if (!strcmp(c->line, "STATS")) {
        bridge_client_stats(c);
        return;
    }
    offer = strstart(c->line, "CONNECT ", &arg);
    if ((!offer && !strstart(c->line, "CONNECT-NOOFFER ", &arg)) ||
        qemu_strtoul(arg, NULL, 10, &port) || port >= VMCI_INVALID_ID) {
        goto bad;
    }
    guard = vmci_guard_enter(c->b->s);
    vmci_vsock_host_connect(c->b->s, c->fd, port, offer);
    vmci_guard_leave(c->b->s, guard);
    bridge_client_free(c, false);
    return;
bad:
    qemu_log_mask(LOG_GUEST_ERROR, "vmw-vmci: host client on %s sent no "
                  "'CONNECT <port>', 'CONNECT-NOOFFER <port>' or 'STATS' "
                  "line\n", c->b->path);
    bridge_client_free(c, true);
}

static void bridge_accept(void *opaque)
{
    VMCIBridge *b = opaque;
    VMCIBridgeClient *c;
    int fd;

    while ((fd = accept4(b->listen_fd, NULL, NULL,
                         SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        c = g_new0(VMCIBridgeClient, 1);
        c->b = b;
        c->fd = fd;
        QTAILQ_INSERT_TAIL(&b->clients, c, next);
        qemu_set_fd_handler(fd, bridge_client_read, NULL, c);
    }
}

VMCIBridge *vmci_bridge_new(VMCIState *s, const char *uds, Error **errp)
{
    VMCIBridge *b = g_new0(VMCIBridge, 1);

    b->s = s;
    b->path = g_strdup(uds);
    b->dgram_path = g_strdup_printf("%s.dgram", uds);
    b->buf = g_malloc(VMCI_MAX_DG_PAYLOAD + BRIDGE_MAX_LINE + 1);
    b->dgram_fd = -1;
    QTAILQ_INIT(&b->clients);
    b->guest_socks = g_hash_table_new_full(NULL, NULL, NULL,
                                           bridge_dgram_free);
    b->listen_fd = bridge_socket(SOCK_STREAM, uds, errp);
    if (b->listen_fd < 0) {
        goto fail;
    }
    if (listen(b->listen_fd, 64) < 0) {
        error_setg_errno(errp, errno, "vmw-vmci: listen %s", uds);
        goto fail;
    }
    b->dgram_fd = bridge_socket(SOCK_DGRAM, b->dgram_path, errp);
    if (b->dgram_fd < 0) {
        goto fail;
    }
    qemu_set_fd_handler(b->listen_fd, bridge_accept, NULL, b);
    qemu_set_fd_handler(b->dgram_fd, bridge_ingress_read, NULL, b);
    return b;
fail:
    vmci_bridge_free(b);
    return NULL;
}

void vmci_bridge_reset(VMCIBridge *b)
{
    VMCIBridgeClient *c;

    while ((c = QTAILQ_FIRST(&b->clients))) {
        bridge_client_free(c, true);
    }
}

void vmci_bridge_free(VMCIBridge *b)
{
    vmci_bridge_reset(b);
    g_hash_table_destroy(b->guest_socks);
    if (b->listen_fd >= 0) {
        qemu_set_fd_handler(b->listen_fd, NULL, NULL, NULL);
        close(b->listen_fd);
        unlink(b->path);
    }
    if (b->dgram_fd >= 0) {
        qemu_set_fd_handler(b->dgram_fd, NULL, NULL, NULL);
        close(b->dgram_fd);
        unlink(b->dgram_path);
    }
    g_free(b->buf);
    g_free(b->dgram_path);
    g_free(b->path);
    g_free(b);
}
