// SPDX-License-Identifier: GPL-2.0
/*
 * Races between close() and every blocking call on the same AF_VSOCK
 * socket.  VMware's VMCI Sockets release notes warn that a thread blocked
 * in recv() while another thread closes the socket can crash the VM; here
 * each pattern runs for as many iterations as fit in its time budget (a
 * few hundred to a few thousand, depending on the implementation and on
 * TCG), every call must come back with one of the results listed for it,
 * and the harness fails the run on any KASAN/lockdep splat the kernel
 * prints.  Each case prints its iteration count and how the calls ended.
 * options_vs_io and poll_vs_errors race stores with the lockless readers
 * of options, sk_err and sk_shutdown instead.
 *
 * Tunables: VV_RACE_SECONDS (per case, default 4; close_vs_recv, the
 * seed's bug, gets six times that and close_vs_recv_timeout twice),
 * VV_RACE_ITERS (per case, default 3000, scaled the same way).  A case
 * that cannot complete VV_RACE_MIN_ITERS (default 10) iterations in its
 * time is reported as failed; close_vs_recv must complete
 * VV_RACE_MIN_SEED_ITERS (default 1000; about 3500 fit on an idle TCG host).
 * VV_PEER_CID (default 1) is the CID both ends use: 2 for the VMCI
 * transport on a host (local queue pairs) or through the device model's
 * hairpin. VV_NO_SEQPACKET makes the cases that alternate STREAM and
 * SEQPACKET use STREAM only, for a transport without SEQPACKET;
 * VV_RACE_RELAY says a relay with buffers of its own sits between the
 * ends (a send blocked on a full queue may then complete).
 * VV_CASE_TIMEOUT (ktap.h) must cover six times VV_RACE_SECONDS.
 */
#include <semaphore.h>

#include "vsock_util.h"

static double race_seconds = 4;
static unsigned int race_iters = 3000, race_min_iters = 10;
static unsigned int race_min_seed_iters = 1000;
/* The CID the sockets connect to (vt_peer_cid()). */
static unsigned int race_cid = VMADDR_CID_LOCAL;
/* The cases that alternate types: SOCK_STREAM only with VV_NO_SEQPACKET. */
static int seq_type = SOCK_SEQPACKET;

static void race_config(void)
{
	const char *v;

	race_cid = vt_peer_cid();
	if (getenv("VV_NO_SEQPACKET"))
		seq_type = SOCK_STREAM;
	v = getenv("VV_RACE_SECONDS");
	if (v)
		race_seconds = atof(v);
	v = getenv("VV_RACE_ITERS");
	if (v)
		race_iters = atoi(v);
	v = getenv("VV_RACE_MIN_ITERS");
	if (v)
		race_min_iters = atoi(v);
	v = getenv("VV_RACE_MIN_SEED_ITERS");
	if (v)
		race_min_seed_iters = atoi(v);
}

static unsigned int rnd(void)
{
	static __thread unsigned int seed;

	if (!seed)
		seed = (unsigned int)(getpid() ^ (long)&seed ^ time(NULL));
	return rand_r(&seed);
}

/* Busy-wait 0..max_us microseconds: sleeps are too coarse under TCG. */
static void jitter(unsigned int max_us)
{
	double end = ktap_now() + (rnd() % (max_us + 1)) / 1e6;

	while (ktap_now() < end)
		;
}

/* Result of one blocking call in the racing thread. */
struct call {
	int fd;
	unsigned int port;
	long ret;
	int err;
};

/*
 * One long-lived racing thread per case: creating a thread per iteration
 * would cost more than the iteration itself under TCG + KASAN.
 */
static struct {
	pthread_t th;
	sem_t go, ready, done;
	void *(*fn)(void *arg);
	struct call *call;
} worker;

static void *worker_main(void *arg)
{
	(void)arg;
	for (;;) {
		while (sem_wait(&worker.go))
			;
		sem_post(&worker.ready);
		worker.fn(worker.call);
		sem_post(&worker.done);
	}
	return NULL;
}

static void start(struct call *c, void *(*fn)(void *))
{
	if (!worker.th) {
		CHECK_OK(sem_init(&worker.go, 0, 0));
		CHECK_OK(sem_init(&worker.ready, 0, 0));
		CHECK_OK(sem_init(&worker.done, 0, 0));
		CHECK_EQ(pthread_create(&worker.th, NULL, worker_main, NULL), 0);
	}
	c->ret = -2;
	c->err = 0;
	worker.fn = fn;
	worker.call = c;
	sem_post(&worker.go);
	/* Return when the worker is about to make the call. */
	while (sem_wait(&worker.ready))
		;
}

/* How the racing calls ended: [0] returned >= 0, [e] failed with errno e. */
static unsigned int outcomes[256];

static void finish(struct call *c)
{
	while (sem_wait(&worker.done))
		;
	outcomes[c->ret >= 0 ? 0 : c->err & 255]++;
}

/* Connected pairs from one long-lived listener per socket type. */
static void rpair(int type, int *cfd, int *sfd)
{
	static int lfd[2] = { -1, -1 };
	static unsigned int port[2];
	int i = type == SOCK_SEQPACKET;

	if (lfd[i] < 0)
		lfd[i] = vt_listener(type, &port[i], 16);
	*cfd = vt_connected(type, port[i]);
	*sfd = CHECK_OK(accept(lfd[i], NULL, NULL));
}

static bool err_in(int err, const int *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (err == list[i])
			return true;
	return false;
}

#define CHECK_RESULT(c, okret, ...)					\
	do {								\
		static const int __ok[] = { __VA_ARGS__ };		\
		const struct call *__c = (c);				\
		CHECK((okret) ||					\
		      (__c->ret == -1 &&				\
		       err_in(__c->err, __ok, ARRAY_SIZE(__ok))),	\
		      "iteration %u: ret %ld errno %d (%s)", iter,	\
		      __c->ret, __c->err, strerror(__c->err));		\
	} while (0)

static double race_t0, race_end;
static unsigned int race_max;

/* A case's loop runs race_seconds * @weight, at most race_iters * @weight. */
static void race_begin(unsigned int weight)
{
	race_t0 = ktap_now();
	race_end = race_t0 + race_seconds * weight;
	race_max = race_iters * weight;
}

static bool race_more(unsigned int iter)
{
	return iter < race_max && ktap_now() < race_end;
}

static void race_done(unsigned int iter)
{
	char buf[256];
	size_t n = 0;
	int e;

	for (e = 0; e < 256; e++)
		if (outcomes[e] && n < sizeof(buf) - 40)
			n += snprintf(buf + n, sizeof(buf) - n, " %s:%u",
				      e ? strerrorname_np(e) : "ret>=0",
				      outcomes[e]);
	buf[n] = '\0';
	ktap_diag("%u iterations, %.2f ms each; outcomes%s", iter,
		  iter ? (ktap_now() - race_t0) * 1000 / iter : 0, buf);
	CHECK(iter >= race_min_iters, "only %u iterations in %.0f s", iter,
	      race_seconds);
}

static void *recv_fn(void *arg)
{
	struct call *c = arg;
	char buf[16];

	c->ret = recv(c->fd, buf, sizeof(buf), 0);
	c->err = errno;
	return NULL;
}

/* recv() blocked while its socket is closed; the peer's close ends it. */
static void close_vs_recv(void)
{
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(6); race_more(iter); iter++) {
		rpair(SOCK_STREAM, &call.fd, &s);
		vt_set_timeo(call.fd, SO_RCVTIMEO, 5000);
		start(&call, recv_fn);
		jitter(300);
		close(call.fd);
		jitter(100);
		close(s);
		finish(&call);
		/* 0: peer's shutdown; EBADF: closed before recv() began. */
		CHECK_RESULT(&call, call.ret == 0, EBADF);
	}
	race_done(iter);
	CHECK(outcomes[0] > 0, "close() never found recv() blocked");
	/* The seed's bug gets thousands of tries when the time allows it. */
	CHECK(iter >= race_min_seed_iters, "only %u iterations", iter);
}

/*
 * The peer sends one byte and closes while recv() is starting: the byte
 * must come before the end of stream, never an EOF that drops it.
 */
static void send_close_vs_recv(void)
{
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(2); race_more(iter); iter++) {
		rpair(SOCK_STREAM, &call.fd, &s);
		start(&call, recv_fn);
		jitter(200);
		CHECK_EQ(send(s, "x", 1, 0), 1);
		close(s);
		finish(&call);
		CHECK(call.ret == 1, "iteration %u: recv %ld errno %d, not the byte",
		      iter, call.ret, call.err);
		close(call.fd);
	}
	race_done(iter);
}

static void *recv_loop_fn(void *arg)
{
	struct call *c = arg;
	char buf[16];

	do {
		c->ret = recv(c->fd, buf, sizeof(buf), 0);
		c->err = errno;
	} while (c->ret < 0 && c->err == EAGAIN);
	return NULL;
}

/*
 * recv() with a 1 ms timeout in a loop while another thread closes the
 * socket: the final release runs either in close() or when the recv()
 * in flight returns, racing the receive path either way.
 */
static void close_vs_recv_timeout(void)
{
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(2); race_more(iter); iter++) {
		rpair(iter & 1 ? seq_type : SOCK_STREAM, &call.fd, &s);
		vt_set_timeo(call.fd, SO_RCVTIMEO, 1);
		start(&call, recv_loop_fn);
		jitter(2000);
		if (iter & 2)
			CHECK_EQ(send(s, "x", 1, 0), 1);
		close(call.fd);
		finish(&call);
		CHECK_RESULT(&call, call.ret == 1, EBADF);
		close(s);
	}
	race_done(iter);
}

#define SEND_FN_LEN	65536

static void *send_fn(void *arg)
{
	static char buf[SEND_FN_LEN];
	struct call *c = arg;

	c->ret = send(c->fd, buf, sizeof(buf), MSG_NOSIGNAL);
	c->err = errno;
	return NULL;
}

/*
 * Send until the peer takes no more. With VV_RACE_RELAY set, a relay
 * between the ends (the device model's hairpin) drains the first queue
 * into a second one: fill again after a pause until it stays full.
 */
static void fill(int fd, const char *buf, size_t len)
{
	bool relay = getenv("VV_RACE_RELAY");
	ssize_t n;

	do {
		while ((n = send(fd, buf, len, MSG_DONTWAIT)) > 0)
			;
		CHECK(errno == EAGAIN, "filling: errno %d", errno);
		if (relay)
			usleep(50000);
	} while (relay && (n = send(fd, buf, len, MSG_DONTWAIT)) > 0);
}

/* send() blocked on a full peer while its socket is closed. */
static void close_vs_send(void)
{
	static char buf[VT_BUF_DEFAULT];
	bool relay = getenv("VV_RACE_RELAY");
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(1); race_more(iter); iter++) {
		rpair(SOCK_STREAM, &call.fd, &s);
		fill(call.fd, buf, sizeof(buf));
		vt_set_timeo(call.fd, SO_SNDTIMEO, 5000);
		start(&call, send_fn);
		jitter(300);
		close(call.fd);
		jitter(100);
		close(s);
		finish(&call);
		/* A relay may still take it all: its buffers are not ours. */
		CHECK_RESULT(&call, relay && call.ret == SEND_FN_LEN,
			     EPIPE, EBADF, ECONNRESET);
	}
	race_done(iter);
}

static void *poll_fn(void *arg)
{
	struct call *c = arg;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };

	for (;;) {
		c->ret = poll(&pfd, 1, 1);
		c->err = errno;
		if (c->ret != 0)
			break;
	}
	if (c->ret == 1)
		c->ret = pfd.revents;
	return NULL;
}

/* poll() in a loop while the socket is closed: POLLNVAL, never a crash. */
static void close_vs_poll(void)
{
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(1); race_more(iter); iter++) {
		rpair(SOCK_STREAM, &call.fd, &s);
		start(&call, poll_fn);
		jitter(2000);
		if (iter & 1)
			close(s);
		close(call.fd);
		finish(&call);
		CHECK(call.ret == POLLNVAL ||
		      (call.ret > 0 && (call.ret & POLLIN) && (iter & 1)),
		      "iteration %u: revents %#lx", iter, call.ret);
		if (!(iter & 1))
			close(s);
	}
	race_done(iter);
}

static void *accept_fn(void *arg)
{
	struct call *c = arg;

	c->ret = accept(c->fd, NULL, NULL);
	c->err = errno;
	if (c->ret >= 0)
		close(c->ret);
	return NULL;
}

/* accept() blocked while the listener is closed; a connect ends it. */
static void close_vs_accept(void)
{
	unsigned int iter = 0;
	struct call call;
	int c;

	for (race_begin(1); race_more(iter); iter++) {
		call.fd = vt_listener(SOCK_STREAM, &call.port, 4);
		vt_set_timeo(call.fd, SO_RCVTIMEO, 5000);
		start(&call, accept_fn);
		jitter(300);
		close(call.fd);
		c = vt_socket(SOCK_STREAM);
		if (vt_connect(c, race_cid, call.port))
			CHECK(errno == ECONNRESET, "iteration %u: connect %d",
			      iter, errno);
		finish(&call);
		/* EINVAL: accept() ran on the new socket reusing the fd. */
		CHECK_RESULT(&call, call.ret >= 0, EBADF, EINVAL);
		close(c);
	}
	race_done(iter);
}

/*
 * The peer accepts and closes at once: connect() succeeds, then reads the
 * close. Host-local VMCI once delivered the pair's detach event ahead of
 * the ATTACH packet it follows, and the connect failed with ECONNRESET.
 */
static void accept_close_vs_connect(void)
{
	unsigned int iter = 0;
	struct call call;
	ssize_t n;
	int c;
	char b;

	call.fd = vt_listener(SOCK_STREAM, &call.port, 16);
	for (race_begin(1); race_more(iter); iter++) {
		start(&call, accept_fn);
		c = vt_socket(SOCK_STREAM);
		vt_set_timeo(c, SO_RCVTIMEO, 5000);
		CHECK(!vt_connect(c, race_cid, call.port),
		      "iteration %u: connect: %s", iter, strerror(errno));
		n = read(c, &b, 1);
		CHECK(n == 0 || (n < 0 && errno == ECONNRESET),
		      "iteration %u: read %zd: %s", iter, n, strerror(errno));
		close(c);
		finish(&call);
		CHECK(call.ret >= 0, "iteration %u: accept: %s", iter,
		      strerror(call.err));
	}
	close(call.fd);
	race_done(iter);
}

static void *connect_fn(void *arg)
{
	struct call *c = arg;

	c->ret = vt_connect(c->fd, race_cid, c->port);
	c->err = errno;
	return NULL;
}

/* connect() in flight while its socket is closed. */
static void close_vs_connect(void)
{
	unsigned int iter = 0, ports[2];
	int l[2], a, i;
	struct call call;

	l[0] = vt_listener(SOCK_STREAM, &ports[0], 64);
	l[1] = vt_listener(seq_type, &ports[1], 64);
	vt_set_nonblock(l[0], true);
	vt_set_nonblock(l[1], true);
	for (race_begin(1); race_more(iter); iter++) {
		i = iter & 1;
		call.fd = vt_socket(i ? seq_type : SOCK_STREAM);
		call.port = ports[i];
		start(&call, connect_fn);
		jitter(300);
		close(call.fd);
		finish(&call);
		CHECK_RESULT(&call, call.ret == 0, EBADF, ECONNRESET);
		while ((a = accept(l[i], NULL, NULL)) >= 0)
			close(a);
	}
	close(l[0]);
	close(l[1]);
	race_done(iter);
}

static void *connect_many_fn(void *arg)
{
	struct call *c = arg;
	int fds[8], i;

	c->ret = 0;
	for (i = 0; i < 8; i++) {
		fds[i] = socket(AF_VSOCK, SOCK_STREAM, 0);
		if (vt_connect(fds[i], race_cid, c->port) == 0)
			c->ret++;
		else if (errno != ECONNRESET)
			c->err = errno;
	}
	for (i = 0; i < 8; i++)
		close(fds[i]);
	return NULL;
}

/* Connections arriving while the listener closes with a full queue. */
static void listener_close_vs_incoming(void)
{
	unsigned int iter = 0;
	struct call call;

	for (race_begin(1); race_more(iter); iter++) {
		int l = vt_listener(SOCK_STREAM, &call.port, 16);

		vt_set_timeo(l, SO_RCVTIMEO, 5000);
		start(&call, connect_many_fn);
		jitter(1000);
		if (iter & 1)
			close(CHECK_OK(accept(l, NULL, NULL)));
		close(l);
		finish(&call);
		CHECK(call.err == 0, "iteration %u: connect errno %d (%s)",
		      iter, call.err, strerror(call.err));
	}
	race_done(iter);
}

/* SHUT_RDWR wakes a blocked recv() with 0 on both socket types. */
static void shutdown_vs_recv(void)
{
	unsigned int iter = 0;
	struct call call;
	int s;

	for (race_begin(1); race_more(iter); iter++) {
		rpair(iter & 1 ? seq_type : SOCK_STREAM, &call.fd, &s);
		vt_set_timeo(call.fd, SO_RCVTIMEO, 5000);
		start(&call, recv_fn);
		jitter(300);
		CHECK_OK(shutdown(call.fd, SHUT_RDWR));
		finish(&call);
		CHECK_RESULT(&call, call.ret == 0);
		close(call.fd);
		close(s);
	}
	race_done(iter);
}

static void *flood_fn(void *arg)
{
	struct call *c = arg;
	char buf[4096];

	memset(buf, 'f', sizeof(buf));
	do
		c->ret = send(c->fd, buf, sizeof(buf), MSG_NOSIGNAL);
	while (c->ret > 0);
	c->err = errno;
	return NULL;
}

/* A sender flooding while the receiver reads a while, then closes. */
static void peer_close_vs_flood(void)
{
	unsigned int iter = 0;
	struct call call;
	char buf[8192];
	int s, n;

	for (race_begin(1); race_more(iter); iter++) {
		rpair(SOCK_STREAM, &call.fd, &s);
		vt_set_timeo(call.fd, SO_SNDTIMEO, 5000);
		vt_set_timeo(s, SO_RCVTIMEO, 5000);
		start(&call, flood_fn);
		for (n = rnd() % 8; n > 0; n--)
			CHECK(recv(s, buf, sizeof(buf), 0) > 0, "recv");
		close(s);
		finish(&call);
		CHECK_RESULT(&call, false, EPIPE, ECONNRESET);
		close(call.fd);
	}
	race_done(iter);
}

/*
 * DGRAM (ours only): recv() with a 1 ms timeout in a loop while datagrams
 * keep arriving and the socket is closed under it.
 */
static void close_vs_dgram_recv(void)
{
	unsigned int iter = 0, k;
	struct sockaddr_vm dst;
	struct call call;
	int tx = vt_dgram_socket_or_skip();

	for (race_begin(1); race_more(iter); iter++) {
		call.fd = vt_socket(SOCK_DGRAM);
		CHECK_OK(vt_bind(call.fd, VMADDR_CID_ANY, VMADDR_PORT_ANY));
		dst = vt_addr(race_cid, vt_sockname(call.fd).svm_port);
		vt_set_timeo(call.fd, SO_RCVTIMEO, 1);
		start(&call, recv_loop_fn);
		for (k = rnd() % 8; k > 0; k--)
			sendto(tx, "d", 1, MSG_DONTWAIT, (struct sockaddr *)&dst,
			       sizeof(dst));
		jitter(300);
		close(call.fd);
		/* Racing the release: may or may not find the socket. */
		sendto(tx, "d", 1, MSG_DONTWAIT, (struct sockaddr *)&dst,
		       sizeof(dst));
		finish(&call);
		CHECK_RESULT(&call, call.ret == 1, EBADF);
	}
	close(tx);
	race_done(iter);
}

static bool opts_stop;

/* Flip the receiver's buffer size and connect timeout until told to stop. */
static void *setopt_fn(void *arg)
{
	const struct timeval tv[2] = { { 0, 0 }, { 5, 0 } };
	struct call *c = arg;
	unsigned long long size;
	long i;

	for (i = 0; !__atomic_load_n(&opts_stop, __ATOMIC_RELAXED); i++) {
		size = i & 1 ? 65536 : 4096;
		if (setsockopt(c->fd, AF_VSOCK, SO_VM_SOCKETS_BUFFER_SIZE,
			       &size, sizeof(size)) ||
		    setsockopt(c->fd, AF_VSOCK,
			       SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD, &tv[i & 1],
			       sizeof(tv[0])))
			break;
	}
	c->ret = i;
	c->err = errno;
	return NULL;
}

/*
 * The options are written under the socket lock and read without it:
 * by getsockopt() and, on the loopback, by the peer's sender sizing its
 * write. Every value read must be one that was set (a connect timeout of
 * 0 is never set: 0 means the 2 s default). A KCSAN kernel also checks
 * that each of these accesses is marked.
 */
static void options_vs_io(void)
{
	static char buf[8192];
	unsigned long long size;
	unsigned int iter = 0;
	struct timeval tv;
	struct call call;
	socklen_t len;
	int c;

	rpair(SOCK_STREAM, &c, &call.fd);
	__atomic_store_n(&opts_stop, false, __ATOMIC_RELAXED);
	start(&call, setopt_fn);
	for (race_begin(1); race_more(iter); iter++) {
		send(c, buf, sizeof(buf), MSG_DONTWAIT);
		recv(call.fd, buf, sizeof(buf), MSG_DONTWAIT);
		len = sizeof(size);
		CHECK_OK(getsockopt(call.fd, AF_VSOCK,
				    SO_VM_SOCKETS_BUFFER_SIZE, &size, &len));
		CHECK(size == 4096 || size == 65536 || size == VT_BUF_DEFAULT,
		      "iteration %u: buffer size %llu", iter, size);
		len = sizeof(tv);
		CHECK_OK(getsockopt(call.fd, AF_VSOCK,
				    SO_VM_SOCKETS_CONNECT_TIMEOUT_OLD, &tv,
				    &len));
		CHECK((tv.tv_sec == 2 || tv.tv_sec == 5) && !tv.tv_usec,
		      "iteration %u: connect timeout %ld.%06ld s", iter,
		      (long)tv.tv_sec, (long)tv.tv_usec);
	}
	__atomic_store_n(&opts_stop, true, __ATOMIC_RELAXED);
	finish(&call);
	CHECK(call.ret > 0, "setsockopt failed: errno %d (%s)", call.err,
	      strerror(call.err));
	close(c);
	close(call.fd);
	race_done(iter);
}

static void *poll_until_fn(void *arg)
{
	struct call *c = arg;
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN | POLLOUT };
	short want = c->port;	/* the bits that end the wait */

	do {
		c->ret = poll(&pfd, 1, 1);
		c->err = errno;
	} while (c->ret >= 0 && !(pfd.revents & want));
	if (c->ret > 0)
		c->ret = pfd.revents;
	return NULL;
}

/*
 * poll() reads sk_err and sk_shutdown without the socket lock while a
 * failing connect() sets the one (the port is bound, nobody listens:
 * a reset) and shutdown() the other; poll must see each. A KCSAN kernel
 * also checks that the stores are marked.
 */
static void poll_vs_errors(void)
{
	bool dgram = !vt_impl_kernel();
	unsigned int iter = 0, port;
	struct call call;
	int b = vt_socket(SOCK_STREAM);

	CHECK_OK(vt_bind(b, VMADDR_CID_ANY, VMADDR_PORT_ANY));
	port = vt_sockname(b).svm_port;
	for (race_begin(1); race_more(iter); iter++) {
		call.fd = vt_socket(iter & 1 && dgram ? SOCK_DGRAM : SOCK_STREAM);
		call.port = iter & 1 && dgram ? POLLHUP : POLLERR;
		start(&call, poll_until_fn);
		jitter(300);
		if (call.port == POLLHUP) {
			/* Unconnected DGRAM: ENOTCONN, but both shut. */
			shutdown(call.fd, SHUT_RDWR);
		} else {
			vt_set_nonblock(call.fd, true);
			CHECK(vt_connect(call.fd, race_cid, port) < 0,
			      "connect to a port nobody listens on");
		}
		finish(&call);
		CHECK(call.ret > 0 && (call.ret & call.port),
		      "iteration %u: poll %ld revents, errno %d", iter,
		      call.ret, call.err);
		close(call.fd);
	}
	close(b);
	race_done(iter);
}

static const struct ktap_case cases[] = {
	KTAP_CASE(close_vs_recv),
	KTAP_CASE(close_vs_recv_timeout),
	KTAP_CASE(close_vs_send),
	KTAP_CASE(close_vs_poll),
	KTAP_CASE(close_vs_accept),
	KTAP_CASE(close_vs_connect),
	KTAP_CASE(accept_close_vs_connect),
	KTAP_CASE(listener_close_vs_incoming),
	KTAP_CASE(shutdown_vs_recv),
	KTAP_CASE(send_close_vs_recv),
	KTAP_CASE(peer_close_vs_flood),
	KTAP_CASE(close_vs_dgram_recv),
	KTAP_CASE(options_vs_io),
	KTAP_CASE(poll_vs_errors),
};

int main(void)
{
	race_config();
	return ktap_run(cases, ARRAY_SIZE(cases));
}
