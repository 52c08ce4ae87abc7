// SPDX-License-Identifier: GPL-2.0
/*
 * sockbench - socket micro-benchmarks for AF_UNIX and AF_VSOCK.
 *
 *   sockbench [-r RUNS] [-t SECONDS] [-c CID] [-o FILE] [-v] FAMILY [METRIC...]
 *   sockbench -T TITLE=FILE TITLE=FILE...
 *
 * FAMILY is "unix" or "vsock"; which vsock implementation is measured is
 * whichever is loaded.  Every metric runs RUNS times (default 5) for
 * SECONDS each (default 1) between two processes over a fresh socket, and
 * the median is printed.  -o appends every sample as "<metric> <value>"
 * (or "<metric> n/a <reason>") to FILE; -T pools the samples of such files,
 * one per column (2 to 4), and prints the medians with the ratios of the
 * first column to each other one.
 * See Documentation/benchmarks.rst.
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <linux/vm_sockets.h>

#ifndef AF_VSOCK
#define AF_VSOCK 40
#endif

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define MAX_RUNS	32
#define DGRAM_SIZE	64
#define DGRAM_IDLE_MS	500
#define DGRAM_FIRST_S	5
#define BACKLOG		128

struct metric {
	const char *name;	/* command line and result file */
	const char *label;	/* table row */
	const char *unit;
	size_t size;		/* bytes per write */
	double (*run)(const struct metric *m);
};

static int opt_family = AF_UNIX;
static unsigned int opt_cid = VMADDR_CID_LOCAL;
static int opt_runs = 5;
static double opt_secs = 1.0;
static bool opt_verbose;

static volatile sig_atomic_t timed_out;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
}

/* Blocking calls return EINTR when a run overstays its watchdog. */
static void arm_watchdog(void)
{
	struct sigaction sa = { .sa_handler = on_alarm };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	timed_out = 0;
	alarm((unsigned int)(opt_secs * 4) + 10);
}

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/*
 * A bound socket (listening for STREAM) and the address a peer reaches it
 * at: an abstract AF_UNIX name, or the vsock port the kernel picked.
 */
static int server_socket(int type, struct addr *a)
{
	static unsigned int seq;
	int fd;

	memset(a, 0, sizeof(*a));
	fd = socket(opt_family, type, 0);
	if (fd < 0)
		return -errno;

	if (opt_family == AF_UNIX) {
		struct sockaddr_un *un = (struct sockaddr_un *)&a->ss;
		int n;

		un->sun_family = AF_UNIX;
		n = snprintf(un->sun_path + 1, sizeof(un->sun_path) - 1,
			     "sockbench.%d.%u", (int)getpid(), seq++);
		a->len = offsetof(struct sockaddr_un, sun_path) + 1 + n;
	} else {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)&a->ss;

		vm->svm_family = AF_VSOCK;
		vm->svm_cid = VMADDR_CID_ANY;
		vm->svm_port = VMADDR_PORT_ANY;
		a->len = sizeof(*vm);
	}
	if (bind(fd, (struct sockaddr *)&a->ss, a->len) < 0)
		goto err;
	if (opt_family == AF_VSOCK) {
		struct sockaddr_vm *vm = (struct sockaddr_vm *)&a->ss;

		if (getsockname(fd, (struct sockaddr *)&a->ss, &a->len) < 0)
			goto err;
		vm->svm_cid = opt_cid;
	}
	if (type == SOCK_STREAM && listen(fd, BACKLOG) < 0)
		goto err;
	return fd;
err:
	a->len = -errno;
	close(fd);
	return (int)a->len;
}

static int client_socket(int type, const struct addr *a)
{
	int fd, err;

	fd = socket(opt_family, type, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* 0 when all of @len arrived, 1 on EOF first, else -errno. */
static int read_all(int fd, char *buf, size_t len)
{
	while (len) {
		ssize_t n = read(fd, buf, len);

		if (n < 0)
			return -errno;
		if (n == 0)
			return 1;
		buf += n;
		len -= n;
	}
	return 0;
}

typedef int (*peer_fn)(const struct metric *m, int fd, const struct addr *a);

/*
 * Run @peer in a child process; returns its pid.  The child's exit status
 * is the errno it failed with, so the parent can report it.
 */
static pid_t spawn(peer_fn peer, const struct metric *m, int fd,
		   const struct addr *a)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGALRM, SIG_DFL);
		alarm((unsigned int)(opt_secs * 4) + 10);
		_exit(-peer(m, fd, a));
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* accept(), unless the child that should connect gave up first. */
static int accept_peer(int srv, pid_t pid)
{
	struct pollfd pfd = { .fd = srv, .events = POLLIN };
	int status, fd;

	for (;;) {
		if (poll(&pfd, 1, 100) < 0)
			return -errno;
		if (pfd.revents) {
			fd = accept(srv, NULL, NULL);
			return fd < 0 ? -errno : fd;
		}
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) && WEXITSTATUS(status) ?
			       -WEXITSTATUS(status) : -ECHILD;
	}
}

/* Stream throughput: the child writes for opt_secs, the parent reads. */
static int stream_sender(const struct metric *m, int srv, const struct addr *a)
{
	char *buf = calloc(1, m->size);
	double end = now() + opt_secs;
	int fd, err = 0;

	close(srv);
	if (!buf)
		return -ENOMEM;
	fd = client_socket(SOCK_STREAM, a);
	if (fd < 0)
		return fd;
	while (!err && now() < end)
		err = write_all(fd, buf, m->size);
	close(fd);
	return err;
}

static double run_stream(const struct metric *m)
{
	char *buf = malloc(m->size);
	double bytes = 0, t0 = 0, t1 = 0;
	struct addr a;
	int srv, fd;
	ssize_t n;
	pid_t pid;

	srv = server_socket(SOCK_STREAM, &a);
	if (srv < 0 || !buf) {
		free(buf);
		return srv < 0 ? srv : -ENOMEM;
	}
	pid = spawn(stream_sender, m, srv, &a);
	fd = accept_peer(srv, pid);
	if (fd < 0) {
		n = fd;
		goto out;
	}
	t0 = now();
	while ((n = read(fd, buf, m->size)) > 0)
		bytes += n;
	t1 = now();
	n = n < 0 ? -errno : 0;
	close(fd);
out:
	close(srv);
	reap(pid);
	free(buf);
	return n ? n : bytes / (t1 - t0) / 1e6;
}

/* Ping-pong: the child echoes, the parent times round trips. */
static int echo_peer(const struct metric *m, int srv, const struct addr *a)
{
	char *buf = malloc(m->size);
	int fd, err;

	close(srv);
	if (!buf)
		return -ENOMEM;
	fd = client_socket(SOCK_STREAM, a);
	if (fd < 0)
		return fd;
	while (!(err = read_all(fd, buf, m->size)))
		err = write_all(fd, buf, m->size);
	close(fd);
	return err < 0 ? err : 0;
}

static double run_rtt(const struct metric *m)
{
	char *buf = calloc(1, m->size);
	double t0 = 0, t1 = 0, end;
	long count = 0;
	struct addr a;
	int srv, fd, err = 0;
	pid_t pid;

	srv = server_socket(SOCK_STREAM, &a);
	if (srv < 0 || !buf) {
		free(buf);
		return srv < 0 ? srv : -ENOMEM;
	}
	pid = spawn(echo_peer, m, srv, &a);
	fd = accept_peer(srv, pid);
	if (fd < 0) {
		err = fd;
		goto out;
	}
	t0 = now();
	end = t0 + opt_secs;
	do {
		err = write_all(fd, buf, m->size);
		if (!err)
			err = read_all(fd, buf, m->size);
		if (err)
			break;
		count++;
		t1 = now();
	} while (t1 < end);
	if (err > 0)
		err = -ECONNRESET;
	close(fd);
out:
	close(srv);
	reap(pid);
	free(buf);
	return err ? err : (t1 - t0) / count * 1e6;
}

/* Connections: the child accepts and closes, the parent connects. */
static int acceptor(const struct metric *m, int srv, const struct addr *a)
{
	(void)m;
	(void)a;
	for (;;) {
		int fd = accept(srv, NULL, NULL);

		if (fd >= 0)
			close(fd);
		else if (errno != EINTR && errno != ECONNABORTED)
			return -errno;
	}
}

/*
 * One connection = socket, connect, wait for the acceptor's close (EOF),
 * close.  Waiting for EOF keeps the client in step with accept(), so the
 * backlog never overflows and every counted connection was accepted.
 */
static double run_connect(const struct metric *m)
{
	double t0 = 0, t1 = 0, end;
	long count = 0;
	struct addr a;
	int srv, fd, err = 0;
	pid_t pid;
	char b;

	srv = server_socket(SOCK_STREAM, &a);
	if (srv < 0)
		return srv;
	pid = spawn(acceptor, m, srv, &a);
	t0 = now();
	end = t0 + opt_secs;
	do {
		fd = client_socket(SOCK_STREAM, &a);
		if (fd < 0) {
			err = fd;
			break;
		}
		if (read(fd, &b, 1) < 0)
			err = -errno;
		close(fd);
		if (err)
			break;
		count++;
		t1 = now();
	} while (t1 < end);
	close(srv);
	reap(pid);
	return err ? err : count / (t1 - t0);
}

/* Datagrams: the child sends for opt_secs, the parent counts arrivals. */
static int dgram_pipe[2];

static int dgram_sender(const struct metric *m, int rcv, const struct addr *a)
{
	char buf[DGRAM_SIZE] = { 0 };
	double end = now() + opt_secs;
	long sent = 0;
	int fd, err = 0;

	close(rcv);
	fd = client_socket(SOCK_DGRAM, a);
	if (fd < 0)
		return fd;
	while (!err && now() < end) {
		if (send(fd, buf, m->size, 0) == (ssize_t)m->size)
			sent++;
		else if (errno != ENOBUFS && errno != EAGAIN)
			err = -errno;
	}
	if (write(dgram_pipe[1], &sent, sizeof(sent)) != sizeof(sent) && !err)
		err = -EPIPE;
	close(fd);
	return err;
}

static double run_dgram(const struct metric *m)
{
	struct timeval first = { DGRAM_FIRST_S, 0 };
	struct timeval idle = { 0, DGRAM_IDLE_MS * 1000 };
	char buf[DGRAM_SIZE];
	double t0 = 0, t1 = 0;
	long count = 0, sent = 0;
	struct addr a;
	int fd, err = 0;
	pid_t pid;

	fd = server_socket(SOCK_DGRAM, &a);
	if (fd < 0)
		return fd;
	if (pipe(dgram_pipe) < 0) {
		close(fd);
		return -errno;
	}
	pid = spawn(dgram_sender, m, fd, &a);
	close(dgram_pipe[1]);
	/* The first datagram starts the clock; a quiet spell ends the run. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &first, sizeof(first));
	if (recv(fd, buf, sizeof(buf), 0) < 0) {
		err = -errno;
		goto out;
	}
	t0 = now();
	t1 = t0;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &idle, sizeof(idle));
	while (recv(fd, buf, sizeof(buf), 0) >= 0) {
		count++;
		t1 = now();
	}
	if (errno != EAGAIN)
		err = -errno;
	else if (!count)
		err = -ENODATA;
	if (read(dgram_pipe[0], &sent, sizeof(sent)) == sizeof(sent) &&
	    opt_verbose)
		fprintf(stderr, "  dgram: %ld sent, %ld received\n", sent,
			count + 1);
out:
	close(dgram_pipe[0]);
	close(fd);
	reap(pid);
	return err ? err : count / (t1 - t0);
}

static const struct metric metrics[] = {
	{ "stream64k", "stream 64 KiB writes (MB/s)", "MB/s",
	  65536, run_stream },
	{ "stream4k", "stream 4 KiB writes (MB/s)", "MB/s",
	  4096, run_stream },
	{ "rtt1", "round trip 1 B (us, lower=better)", "us",
	  1, run_rtt },
	{ "rtt4k", "round trip 4 KiB (us, lower=better)", "us",
	  4096, run_rtt },
	{ "connect", "connections/s", "conn/s",
	  0, run_connect },
	{ "dgram", "datagrams/s (64 B)", "dgram/s",
	  DGRAM_SIZE, run_dgram },
};

#define NR_METRICS ARRAY_SIZE(metrics)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static const char *family_name(void)
{
	return opt_family == AF_UNIX ? "unix" : "vsock";
}

/* Sorts @v. */
static double median_of(double *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Runs @m opt_runs times and prints the median; every sample also goes to
 * @out, so that samples taken by several invocations (bench.sh alternates
 * the families run by run) can be pooled by -T.
 */
static int measure(const struct metric *m, FILE *out)
{
	double v[MAX_RUNS];
	int i, n, err = 0;

	printf("%-6s %-10s", family_name(), m->name);
	for (n = 0; n < opt_runs; n++) {
		arm_watchdog();
		v[n] = m->run(m);
		alarm(0);
		if (timed_out)
			err = -ETIMEDOUT;
		else if (v[n] < 0)
			err = (int)v[n];
		if (err)
			break;
		if (out)
			fprintf(out, "%s %.3f\n", m->name, v[n]);
	}
	if (err) {
		printf(" n/a (%s)\n", strerror(-err));
		if (out)
			fprintf(out, "%s n/a %s\n", m->name, strerror(-err));
		return 1;
	}
	printf(" (runs:");
	for (i = 0; i < n; i++)
		printf(" %.1f", v[i]);
	printf(") median %.1f %s\n", median_of(v, n), m->unit);
	return 0;
}

/* --- the comparison table (-T) --- */

#define MAX_COLS	4
#define MAX_SAMPLES	256

struct column {
	const char *title;
	char why[128];		/* set when the whole column is unavailable */
	double v[NR_METRICS][MAX_SAMPLES];
	int n[NR_METRICS];	/* samples of each metric */
	bool na[NR_METRICS];	/* the metric failed at least once */
	double med[NR_METRICS];	/* < 0 when there is no number */
	char val[NR_METRICS][24];
};

static void fmt(char *buf, size_t len, double v)
{
	snprintf(buf, len, v >= 1000 ? "%.0f" : "%.1f", v);
}

static void add_line(struct column *c, const char *name, const char *rest)
{
	size_t i;

	if (!strcmp(name, "unavailable")) {
		snprintf(c->why, sizeof(c->why), "%s", rest);
		return;
	}
	for (i = 0; i < NR_METRICS; i++) {
		if (strcmp(name, metrics[i].name))
			continue;
		if (!strncmp(rest, "n/a", 3))
			c->na[i] = true;
		else if (c->n[i] < MAX_SAMPLES)
			c->v[i][c->n[i]++] = atof(rest);
	}
}

static void load_column(struct column *c, const char *title, const char *path)
{
	char line[256], name[64], rest[160];
	FILE *f = fopen(path, "r");
	size_t i;

	memset(c, 0, sizeof(*c));
	c->title = title;
	if (!f) {
		snprintf(c->why, sizeof(c->why), "not measured");
	} else {
		while (fgets(line, sizeof(line), f)) {
			rest[0] = 0;
			if (sscanf(line, "%63s %159[^\n]", name, rest) >= 1)
				add_line(c, name, rest);
		}
		fclose(f);
	}
	for (i = 0; i < NR_METRICS; i++) {
		c->med[i] = -1;
		if (c->n[i]) {
			c->med[i] = median_of(c->v[i], c->n[i]);
			fmt(c->val[i], sizeof(c->val[i]), c->med[i]);
		} else {
			strcpy(c->val[i], c->na[i] ? "n/a" :
			       c->why[0] ? "unavail" : "-");
		}
	}
}

static void ratio(char *buf, size_t len, double ours, double other)
{
	if (ours < 0 || other <= 0)
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2fx", ours / other);
}

/* Sorted samples: their spread says how far to trust a median. */
static void spread(char *buf, size_t len, const struct column *c, size_t i)
{
	char lo[24], hi[24];

	if (!c->n[i]) {
		snprintf(buf, len, "-");
		return;
	}
	fmt(lo, sizeof(lo), c->v[i][0]);
	fmt(hi, sizeof(hi), c->v[i][c->n[i] - 1]);
	snprintf(buf, len, "%s..%s (%d)", lo, hi, c->n[i]);
}

static void print_usage(void);

/*
 * "TITLE=FILE" arguments, one column each: the first column is the one
 * being judged, and each other column gets a ratio column "first/other".
 */
static int print_table(char **args, int n)
{
	static struct column cols[MAX_COLS];
	char hdr[MAX_COLS][40], r[24], s[64];
	int i, j;
	size_t m;

	for (i = 0; i < n; i++) {
		char *eq = strchr(args[i], '=');

		if (!eq || eq == args[i])
			print_usage();
		*eq = 0;
		load_column(&cols[i], args[i], eq + 1);
	}

	printf("%-36s", "metric (median)");
	for (i = 0; i < n; i++)
		printf(" %12s", cols[i].title);
	for (i = 1; i < n; i++) {
		snprintf(hdr[i], sizeof(hdr[i]), "/%s", cols[i].title);
		printf(" %12s", hdr[i]);
	}
	printf("\n");
	for (m = 0; m < NR_METRICS; m++) {
		printf("%-36s", metrics[m].label);
		for (i = 0; i < n; i++)
			printf(" %12s", cols[i].val[m]);
		for (i = 1; i < n; i++) {
			ratio(r, sizeof(r), cols[0].med[m], cols[i].med[m]);
			printf(" %12s", r);
		}
		printf("\n");
	}
	printf("ratios: %s/other; higher is better except for round trips\n",
	       cols[0].title);
	for (i = 0; i < n; i++)
		if (cols[i].why[0])
			printf("%s: %s\n", cols[i].title, cols[i].why);

	printf("\n%-12s", "min..max (n)");
	for (i = 0; i < n; i++)
		printf(i + 1 < n ? " %-22s" : " %s\n", cols[i].title);
	for (m = 0; m < NR_METRICS; m++) {
		printf("%-12s", metrics[m].name);
		for (j = 0; j < n; j++) {
			spread(s, sizeof(s), &cols[j], m);
			printf(j + 1 < n ? " %-22s" : " %s", s);
		}
		printf("\n");
	}
	return 0;
}

static void print_usage(void)
{
	size_t i;

	fprintf(stderr,
		"usage: sockbench [-r RUNS] [-t SECONDS] [-c CID] [-o FILE] [-v] unix|vsock [METRIC...]\n"
		"       sockbench -T TITLE=FILE TITLE=FILE...  (2 to 4 columns)\n"
		"metrics:");
	for (i = 0; i < NR_METRICS; i++)
		fprintf(stderr, " %s", metrics[i].name);
	fprintf(stderr, "\n");
	exit(2);
}

int main(int argc, char **argv)
{
	FILE *out = NULL;
	bool table = false;
	int opt, failed = 0;
	size_t i;

	while ((opt = getopt(argc, argv, "r:t:c:o:vT")) != -1) {
		switch (opt) {
		case 'r':
			opt_runs = atoi(optarg);
			break;
		case 't':
			opt_secs = atof(optarg);
			break;
		case 'c':
			opt_cid = strtoul(optarg, NULL, 0);
			break;
		case 'o':
			out = fopen(optarg, "a");
			if (!out) {
				perror(optarg);
				return 1;
			}
			setvbuf(out, NULL, _IOLBF, 0);
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'T':
			table = true;
			break;
		default:
			print_usage();
		}
	}
	if (table) {
		if (argc - optind < 2 || argc - optind > MAX_COLS)
			print_usage();
		return print_table(argv + optind, argc - optind);
	}
	if (optind >= argc || opt_runs < 1 || opt_runs > MAX_RUNS ||
	    opt_secs <= 0)
		print_usage();
	if (!strcmp(argv[optind], "unix"))
		opt_family = AF_UNIX;
	else if (!strcmp(argv[optind], "vsock"))
		opt_family = AF_VSOCK;
	else
		print_usage();
	optind++;
	signal(SIGPIPE, SIG_IGN);
	setvbuf(stdout, NULL, _IOLBF, 0);

	for (opt = optind; opt < argc; opt++) {
		for (i = 0; i < NR_METRICS; i++)
			if (!strcmp(argv[opt], metrics[i].name))
				break;
		if (i == NR_METRICS)
			print_usage();
	}
	for (i = 0; i < NR_METRICS; i++) {
		int j, want = optind >= argc;

		for (j = optind; j < argc; j++)
			want |= !strcmp(argv[j], metrics[i].name);
		if (want)
			failed |= measure(&metrics[i], out);
	}
	if (out)
		fclose(out);
	return failed;
}
