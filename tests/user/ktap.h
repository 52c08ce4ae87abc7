/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Minimal KTAP producer for the user-space vsock tests.
 *
 * A test program is a table of cases.  ktap_run() prints the KTAP header
 * and plan, then runs every case in its own forked child so that a crash,
 * a hang or a leaked descriptor in one case cannot hide the result of the
 * next.  A case passes by returning; it fails through one of the CHECK*
 * macros (which print a "# " diagnostic naming the file, line, the
 * expression, the value and errno seen) or by dying; it skips with
 * ktap_skip().  A case that outlives its timeout is killed and reported as
 * failed.
 *
 * Output:  KTAP version 1 / 1..N / ok N name / not ok N name /
 *          ok N name # SKIP reason
 */
#ifndef VV_KTAP_H
#define VV_KTAP_H

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define KTAP_SKIP_STATUS	77
#define KTAP_DEFAULT_TIMEOUT	30	/* seconds per case */
#define KTAP_REASON_LEN		200

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

struct ktap_case {
	const char *name;
	void (*run)(void);
	unsigned int timeout;	/* seconds; 0 means KTAP_DEFAULT_TIMEOUT */
};

#define KTAP_CASE(fn) { #fn, fn, 0 }
#define KTAP_CASE_TIMEOUT(fn, t) { #fn, fn, t }

/* Shared with the children so that ktap_skip() can hand back its reason. */
static char *ktap_reason;

static inline void ktap_diag(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static inline void ktap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

static inline void ktap_fail(void) __attribute__((noreturn));
static inline void ktap_fail(void)
{
	fflush(stdout);
	_exit(1);
}

static inline void ktap_skip(const char *fmt, ...)
	__attribute__((noreturn, format(printf, 1, 2)));
static inline void ktap_skip(const char *fmt, ...)
{
	va_list ap;

	if (ktap_reason) {
		va_start(ap, fmt);
		vsnprintf(ktap_reason, KTAP_REASON_LEN, fmt, ap);
		va_end(ap);
	}
	fflush(stdout);
	_exit(KTAP_SKIP_STATUS);
}

/* Assertions: each prints what it saw and ends the case as failed. */
#define CHECK(cond, fmt, ...)						\
	do {								\
		if (!(cond)) {						\
			ktap_diag("%s:%d: CHECK(%s) failed: " fmt,	\
				  __FILE__, __LINE__, #cond,		\
				  ##__VA_ARGS__);			\
			ktap_fail();					\
		}							\
	} while (0)

/* The call must succeed (return >= 0); evaluates to its result. */
#define CHECK_OK(call)							\
	({								\
		long __r = (long)(call);				\
		int __e = errno;					\
		if (__r < 0) {						\
			ktap_diag("%s:%d: %s = %ld, errno %d (%s), "	\
				  "expected success", __FILE__,		\
				  __LINE__, #call, __r, __e,		\
				  strerror(__e));			\
			ktap_fail();					\
		}							\
		__r;							\
	})

/* The call must fail with -1 and exactly errno @err. */
#define CHECK_ERRNO(call, err)						\
	do {								\
		long __r;						\
		int __e, __want = (err);				\
		errno = 0;						\
		__r = (long)(call);					\
		__e = errno;						\
		if (__r != -1 || __e != __want) {			\
			ktap_diag("%s:%d: %s = %ld, errno %d (%s), "	\
				  "expected -1 errno %d (%s)",		\
				  __FILE__, __LINE__, #call, __r, __e,	\
				  __r == -1 ? strerror(__e) : "-",	\
				  __want, strerror(__want));		\
			ktap_fail();					\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long __a = (long long)(a);				\
		long long __b = (long long)(b);				\
		if (__a != __b) {					\
			ktap_diag("%s:%d: %s == %s failed: %lld != %lld", \
				  __FILE__, __LINE__, #a, #b, __a, __b);	\
			ktap_fail();					\
		}							\
	} while (0)

/* Like CHECK_EQ but prints the values in hex (poll masks). */
#define CHECK_MASK(a, b)						\
	do {								\
		unsigned long __a = (unsigned long)(a);			\
		unsigned long __b = (unsigned long)(b);			\
		if (__a != __b) {					\
			ktap_diag("%s:%d: %s == %s failed: %#lx != %#lx", \
				  __FILE__, __LINE__, #a, #b, __a, __b);	\
			ktap_fail();					\
		}							\
	} while (0)

static inline double ktap_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static inline void ktap_msleep(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* Wait for @pid for at most @timeout seconds; kill it past that. */
static inline int ktap_wait(pid_t pid, unsigned int timeout, bool *timed_out)
{
	double deadline = ktap_now() + timeout;
	int status = 0;

	*timed_out = false;
	for (;;) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0 && errno != EINTR)
			return -1;
		if (ktap_now() > deadline) {
			*timed_out = true;
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return status;
		}
		ktap_msleep(2);
	}
}

static inline int ktap_run_one(unsigned int nr, const struct ktap_case *c)
{
	unsigned int timeout = c->timeout ? c->timeout : KTAP_DEFAULT_TIMEOUT;
	const char *min_timeout = getenv("VV_CASE_TIMEOUT");
	bool timed_out;
	int status;
	pid_t pid;

	/* A slower transport may give every case more time (seconds). */
	if (min_timeout && (unsigned int)atoi(min_timeout) > timeout)
		timeout = atoi(min_timeout);
	ktap_reason[0] = '\0';
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		printf("not ok %u %s # fork: %s\n", nr, c->name, strerror(errno));
		return 1;
	}
	if (pid == 0) {
		signal(SIGPIPE, SIG_DFL);
		c->run();
		fflush(stdout);
		_exit(0);
	}

	status = ktap_wait(pid, timeout, &timed_out);
	if (timed_out) {
		ktap_diag("%s: timed out after %u s", c->name, timeout);
	} else if (WIFEXITED(status) &&
		   WEXITSTATUS(status) == KTAP_SKIP_STATUS) {
		printf("ok %u %s # SKIP %s\n", nr, c->name, ktap_reason);
		return 0;
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		printf("ok %u %s\n", nr, c->name);
		return 0;
	} else if (WIFSIGNALED(status)) {
		ktap_diag("%s: killed by signal %d", c->name, WTERMSIG(status));
	}
	printf("not ok %u %s\n", nr, c->name);
	return 1;
}

/*
 * Run the cases whose name contains $KTAP_FILTER (all when unset).
 * Return: process exit status, 0 when every case passed or skipped.
 */
static inline int ktap_run(const struct ktap_case *cases, size_t n)
{
	const char *filter = getenv("KTAP_FILTER");
	unsigned int nr = 0, failed = 0;
	size_t i, planned = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap_reason = mmap(NULL, KTAP_REASON_LEN, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (ktap_reason == MAP_FAILED) {
		perror("mmap");
		return 1;
	}

	for (i = 0; i < n; i++)
		if (!filter || strstr(cases[i].name, filter))
			planned++;

	printf("KTAP version 1\n1..%zu\n", planned);
	for (i = 0; i < n; i++) {
		if (filter && !strstr(cases[i].name, filter))
			continue;
		failed += ktap_run_one(++nr, &cases[i]);
	}
	ktap_diag("pass:%zu fail:%u (skips count as pass)", planned - failed,
		  failed);
	return failed ? 1 : 0;
}

#endif /* VV_KTAP_H */
