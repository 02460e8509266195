/*
 * writer.c - atomic file replacement and exclusive creation.
 *
 * The sequence is the classic one (git's lockfile.c and tempfile.c, and the
 * rename(2) guarantee in POSIX): write a temporary file in the target's own
 * directory (mkstemp), fsync it, give it the final mode, rename it over the
 * target, fsync the directory. rename(2) replaces the directory entry
 * itself, so a symbolic link put at the target meanwhile is replaced, not
 * followed. Exclusive creation publishes the temporary file with link(2),
 * which fails when the name exists (renameat2 RENAME_NOREPLACE where hard
 * links are not supported), so an existing file is never overwritten.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

#include "dockfix/writer.h"

/* Room left in a file name for "." + ".dockfix-XXXXXX" (NAME_MAX is 255). */
#define TEMP_BASE_MAX 200

struct target {
	const char *path;
	char *dir;         /* "." when path has no '/' */
	const char *base;  /* last component of path */
	char **created;    /* directories this call created, outermost first */
	size_t ncreated, cap;
	char *tmp;         /* temporary file, while it exists */
};

static int split_path(struct target *t, const char *path, struct dfx_error *err)
{
	const char *slash = strrchr(path, '/');

	memset(t, 0, sizeof(*t));
	t->path = path;
	if (!*path || (slash && !slash[1])) {
		dfx_error_set(err, path, 0, 0, "cannot write: not a file name");
		return -1;
	}
	if (!slash) {
		t->dir = dfx_xstrdup(".");
		t->base = path;
	} else {
		t->dir = slash == path ? dfx_xstrdup("/")
				       : dfx_xstrndup(path, (size_t)(slash - path));
		t->base = slash + 1;
	}
	return 0;
}

/* Removes what this call created: the temporary file, then new directories. */
static void rollback(struct target *t)
{
	if (t->tmp)
		unlink(t->tmp);
	for (size_t i = t->ncreated; i-- > 0;)
		rmdir(t->created[i]);
}

static void target_release(struct target *t)
{
	for (size_t i = 0; i < t->ncreated; i++)
		free(t->created[i]);
	free(t->created);
	free(t->tmp);
	free(t->dir);
}

/* mkdir -p of t->dir, remembering each directory it had to create. */
static int make_dirs(struct target *t, struct dfx_error *err)
{
	struct stat st;
	char *p;

	if (stat(t->dir, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 0;
		dfx_error_set(err, t->path, 0, 0, "cannot write: '%s' is not a directory", t->dir);
		return -1;
	}
	if (errno != ENOENT) {
		dfx_error_set(err, t->path, 0, 0, "cannot write: '%s': %s", t->dir,
			      strerror(errno));
		return -1;
	}
	p = dfx_xstrdup(t->dir);
	for (char *s = p + 1;; s++) {
		char c = *s;

		if (c != '/' && c != '\0')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) == 0) {
			DFX_GROW(t->created, t->ncreated + 1, t->cap);
			t->created[t->ncreated++] = dfx_xstrdup(p);
		} else if (errno != EEXIST || stat(p, &st) != 0 || !S_ISDIR(st.st_mode)) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			dfx_error_set(err, t->path, 0, 0, "cannot create directory '%s': %s", p,
				      strerror(errno));
			free(p);
			return -1;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return 0;
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Fills, chmods, syncs and closes the open temporary file `fd` (closed also
   on error, with errno kept). Keeping the owner is best effort: only root
   may give a file away. */
static int fill_temp(int fd, const char *data, size_t len, mode_t mode, const struct stat *owner)
{
	int e;

	if (write_all(fd, data, len) < 0)
		goto fail;
	if (owner && (owner->st_uid != geteuid() || owner->st_gid != getegid()) &&
	    fchown(fd, owner->st_uid, owner->st_gid) < 0)
		errno = 0;
	if (fchmod(fd, mode) < 0 || fsync(fd) < 0)
		goto fail;
	return close(fd);
fail:
	e = errno;
	close(fd);
	errno = e;
	return -1;
}

/* Best effort: a directory fsync that fails leaves the rename done anyway. */
static void sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return;
	fsync(fd);
	close(fd);
}

static void sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir;

	if (!slash) {
		sync_dir(".");
		return;
	}
	dir = slash == path ? dfx_xstrdup("/") : dfx_xstrndup(path, (size_t)(slash - path));
	sync_dir(dir);
	free(dir);
}

/*
 * Writes the data to a new temporary file beside the target, with the
 * final mode (and owner, when `owner` is given and differs), synced to disk.
 */
static int write_temp(struct target *t, const char *data, size_t len, mode_t mode,
		      const struct stat *owner, struct dfx_error *err)
{
	size_t blen = strlen(t->base);
	int fd;

	if (blen > TEMP_BASE_MAX)
		blen = TEMP_BASE_MAX;
	t->tmp = dfx_xasprintf("%s/.%.*s.dockfix-XXXXXX", t->dir, (int)blen, t->base);
	fd = mkstemp(t->tmp);
	if (fd < 0) {
		dfx_error_set(err, t->path, 0, 0, "cannot create a temporary file in '%s': %s",
			      t->dir, strerror(errno));
		free(t->tmp);
		t->tmp = NULL;
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (fill_temp(fd, data, len, mode, owner) < 0) {
		dfx_error_set(err, t->path, 0, 0, "cannot write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Links the temporary file under the final name only if that name is free. */
static int publish_exclusive(struct target *t)
{
	if (link(t->tmp, t->path) == 0) {
		unlink(t->tmp);
		return 0;
	}
#if defined(__linux__) && defined(SYS_renameat2)
	if (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS || errno == EMLINK) {
		/* No hard links here: rename without replacing (RENAME_NOREPLACE). */
		if (syscall(SYS_renameat2, AT_FDCWD, t->tmp, AT_FDCWD, t->path, 1u) == 0)
			return 0;
		if (errno == EINVAL || errno == ENOSYS)
			errno = EOPNOTSUPP;
	}
#endif
	return -1;
}

static int write_file(const char *path, const char *data, size_t len, unsigned create_mode,
		      bool exclusive, struct dfx_error *err)
{
	struct target t;
	struct stat st;
	bool exists = false;
	mode_t mode = (mode_t)(create_mode & 07777);

	if (split_path(&t, path, err) < 0)
		return -1;
	if (lstat(path, &st) == 0) {
		if (S_ISLNK(st.st_mode))
			dfx_error_set(err, path, 0, 0, "is a symbolic link; not following it");
		else if (exclusive)
			dfx_error_set(err, path, 0, 0, "already exists; not overwriting it");
		else if (S_ISDIR(st.st_mode))
			dfx_error_set(err, path, 0, 0, "cannot write: is a directory");
		else if (!S_ISREG(st.st_mode))
			dfx_error_set(err, path, 0, 0, "cannot write: not a regular file");
		else
			exists = true;
		if (!exists)
			goto fail;
		mode = st.st_mode & 07777;
	} else if (errno != ENOENT) {
		dfx_error_set(err, path, 0, 0, "cannot write: %s", strerror(errno));
		goto fail;
	}

	if (!exists && make_dirs(&t, err) < 0)
		goto fail;
	if (write_temp(&t, data, len, mode, exists ? &st : NULL, err) < 0)
		goto fail;
	if (exclusive) {
		if (publish_exclusive(&t) < 0) {
			int e = errno;

			if (e == EEXIST)
				dfx_error_set(err, path, 0, 0, "already exists; not overwriting it");
			else
				dfx_error_set(err, path, 0, 0, "cannot create: %s", strerror(e));
			goto fail;
		}
	} else if (rename(t.tmp, path) < 0) {
		dfx_error_set(err, path, 0, 0, "cannot replace: %s", strerror(errno));
		goto fail;
	}
	free(t.tmp);
	t.tmp = NULL;

	sync_dir(t.dir);
	for (size_t i = 0; i < t.ncreated; i++)
		sync_parent(t.created[i]);
	target_release(&t);
	return 0;
fail:
	rollback(&t);
	target_release(&t);
	return -1;
}

int dfx_write_atomic(const char *path, const char *data, size_t len, unsigned create_mode,
		     struct dfx_error *err)
{
	return write_file(path, data, len, create_mode, false, err);
}

int dfx_write_exclusive(const char *path, const char *data, size_t len, unsigned create_mode,
			struct dfx_error *err)
{
	return write_file(path, data, len, create_mode, true, err);
}

/* ------------------------------------------------------------------------
 * Transaction primitives: everything relative to an open directory.
 */

#define TEMP_TAG ".dockfix-"
#define TEMP_RAND 6

int dfx_writer_open_dir(int rootfd, const char *rel, const char *display, char ***made, size_t *nmade,
			struct dfx_error *err)
{
	char *p = dfx_xstrdup(rel ? rel : ""), *s = p;
	int fd = dup(rootfd);
	size_t cap = made ? *nmade : 0;

	if (fd < 0) {
		dfx_error_set(err, display, 0, 0, "cannot write: %s", strerror(errno));
		free(p);
		return -1;
	}
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	while (*s) {
		char *e = strchr(s, '/');
		int next;

		if (e)
			*e = '\0';
		if (!*s || strcmp(s, ".") == 0)
			goto advance;
		if (strcmp(s, "..") == 0) {
			dfx_error_set(err, display, 0, 0, "cannot write: '..' in the path");
			goto fail;
		}
		next = openat(fd, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (next < 0 && errno == ENOENT && made) {
			if (mkdirat(fd, s, 0755) == 0) {
				char *done = dfx_xstrndup(p, (size_t)(s - p) + strlen(s));

				DFX_GROW(*made, *nmade + 1, cap);
				(*made)[(*nmade)++] = done;
			} else if (errno != EEXIST) {
				dfx_error_set(err, display, 0, 0, "cannot create directory '%.*s': %s",
					      (int)((size_t)(s - p) + strlen(s)), p, strerror(errno));
				goto fail;
			}
			next = openat(fd, s, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		}
		if (next < 0) {
			struct stat st;
			int e0 = errno;

			if (fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode))
				dfx_error_set(err, display, 0, 0,
					      "'%.*s' is a symbolic link; not writing through it",
					      (int)((size_t)(s - p) + strlen(s)), p);
			else if (e0 == ENOTDIR || (e0 == EEXIST))
				dfx_error_set(err, display, 0, 0, "cannot write: '%.*s' is not a directory",
					      (int)((size_t)(s - p) + strlen(s)), p);
			else
				dfx_error_set(err, display, 0, 0, "cannot write: '%.*s': %s",
					      (int)((size_t)(s - p) + strlen(s)), p, strerror(e0));
			goto fail;
		}
		close(fd);
		fd = next;
	advance:
		if (!e)
			break;
		*e = '/';
		s = e + 1;
	}
	free(p);
	return fd;
fail:
	close(fd);
	free(p);
	return -1;
}

int dfx_writer_read_at(int dirfd, const char *name, struct stat *st, char **data, size_t *len)
{
	int fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	size_t n = 0, cap;
	char *buf;

	*data = NULL;
	*len = 0;
	if (fd < 0) {
		if (errno == ELOOP || errno == EMLINK)
			errno = ELOOP;
		else if (errno == ENXIO || errno == ENODEV)
			errno = EINVAL;
		return -1;
	}
	{
		int e = 0;

		if (fstat(fd, st) < 0)
			e = errno;
		else if (!S_ISREG(st->st_mode))
			e = EINVAL;
		else if ((uintmax_t)st->st_size > DFX_MAX_FILE_SIZE)
			e = EFBIG;
		if (e) {
			close(fd);
			errno = e;
			return -1;
		}
	}
	cap = (size_t)st->st_size + 1;
	buf = dfx_xmalloc(cap + 1);
	for (;;) {
		ssize_t r;

		if (n == cap) {
			if (cap > DFX_MAX_FILE_SIZE) {
				free(buf);
				close(fd);
				errno = EFBIG;
				return -1;
			}
			cap *= 2;
			buf = dfx_xrealloc(buf, cap + 1);
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(buf);
			close(fd);
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

/* Six letters or digits, fresh for each name (not a secret: a name). */
static void random_tag(char out[TEMP_RAND + 1])
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	static unsigned long long state;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	state = (state * 6364136223846793005ULL + 1442695040888963407ULL) ^
		((unsigned long long)ts.tv_nsec << 16) ^ (unsigned long long)getpid();
	for (int i = 0; i < TEMP_RAND; i++) {
		state = state * 6364136223846793005ULL + 1442695040888963407ULL;
		out[i] = set[(state >> 33) % (sizeof(set) - 1)];
	}
	out[TEMP_RAND] = '\0';
}

/* Creates a fresh temporary name in dirfd with O_EXCL. */
static int create_temp(int dirfd, const char *name, char **tmp)
{
	size_t blen = strlen(name);

	if (blen > TEMP_BASE_MAX)
		blen = TEMP_BASE_MAX;
	for (int tries = 0; tries < 100; tries++) {
		char tag[TEMP_RAND + 1];
		int fd;

		random_tag(tag);
		*tmp = dfx_xasprintf(".%.*s" TEMP_TAG "%s", (int)blen, name, tag);
		fd = openat(dirfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0)
			return fd;
		free(*tmp);
		*tmp = NULL;
		if (errno != EEXIST)
			return -1;
	}
	errno = EEXIST;
	return -1;
}

int dfx_writer_stage(int dirfd, const char *name, const char *data, size_t len, unsigned mode,
		     const struct stat *owner, const char *display, char **tmp, struct dfx_error *err)
{
	int fd = create_temp(dirfd, name, tmp);

	if (fd < 0) {
		dfx_error_set(err, display, 0, 0, "cannot create a temporary file: %s", strerror(errno));
		return -1;
	}
	if (fill_temp(fd, data, len, (mode_t)(mode & 07777), owner) == 0)
		return 0;
	dfx_error_set(err, display, 0, 0, "cannot write: %s", strerror(errno));
	unlinkat(dirfd, *tmp, 0);
	free(*tmp);
	*tmp = NULL;
	return -1;
}

int dfx_writer_publish_new(int dirfd, const char *tmp, const char *name)
{
#if defined(__linux__) && defined(SYS_renameat2)
	if (syscall(SYS_renameat2, dirfd, tmp, dirfd, name, 1u) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (linkat(dirfd, tmp, dirfd, name, 0) < 0)
		return -1;
	unlinkat(dirfd, tmp, 0);
	return 0;
}

void dfx_writer_sync_dir(int dirfd)
{
	fsync(dirfd);
}

bool dfx_writer_is_temp(const char *name)
{
	size_t n = strlen(name), t = strlen(TEMP_TAG);

	if (n < 1 + 1 + t + TEMP_RAND || name[0] != '.')
		return false;
	if (memcmp(name + n - TEMP_RAND - t, TEMP_TAG, t) != 0)
		return false;
	for (size_t i = n - TEMP_RAND; i < n; i++) {
		char c = name[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

void dfx_writer_now(struct timespec *t)
{
#ifdef CLOCK_REALTIME_COARSE
	if (clock_gettime(CLOCK_REALTIME_COARSE, t) == 0)
		return;
#endif
	if (clock_gettime(CLOCK_REALTIME, t) != 0) {
		t->tv_sec = time(NULL);
		t->tv_nsec = 0;
	}
}

size_t dfx_writer_sweep(int dirfd, const struct timespec *before)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d;
	struct dirent *de;
	size_t removed = 0;

	if (fd < 0)
		return 0;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return 0;
	}
	while ((de = readdir(d)) != NULL) {
		struct stat st;

		if (!dfx_writer_is_temp(de->d_name))
			continue;
		if (fstatat(dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode) ||
		    st.st_mtim.tv_sec > before->tv_sec ||
		    (st.st_mtim.tv_sec == before->tv_sec && st.st_mtim.tv_nsec >= before->tv_nsec))
			continue; /* written since this run began: another run's, not a killed one's */
		if (unlinkat(dirfd, de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	return removed;
}
