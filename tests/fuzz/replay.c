/* replay.c: runs a fuzz target over its corpus, without libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Feed one file to the target; 0 or -1 when it cannot be read. */
static int
replay_file(const char *path)
{
	FILE *fp;
	uint8_t *p = NULL, *q;
	size_t n = 0, cap = 0, r;

	if ((fp = fopen(path, "rb")) == NULL) {
		fprintf(stderr, "replay: '%s': %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (n == cap) {
			cap = cap ? cap * 2 : 4096;
			if ((q = realloc(p, cap)) == NULL) {
				fprintf(stderr, "replay: out of memory\n");
				free(p);
				fclose(fp);
				return -1;
			}
			p = q;
		}
		r = fread(p + n, 1, cap - n, fp);
		n += r;
		if (r == 0)
			break;
	}
	if (ferror(fp)) {
		fprintf(stderr, "replay: '%s': read error\n", path);
		free(p);
		fclose(fp);
		return -1;
	}
	fclose(fp);
	/* An exact-size copy so that reads past the end are caught. */
	q = malloc(n ? n : 1);
	if (q == NULL) {
		free(p);
		return -1;
	}
	memcpy(q, p, n);
	free(p);
	LLVMFuzzerTestOneInput(q, n);
	free(q);
	return 0;
}

static int
replay_dir(const char *dir, size_t *count)
{
	struct dirent **ent;
	char path[4096];
	int i, n, rc = 0;

	if ((n = scandir(dir, &ent, NULL, alphasort)) < 0) {
		fprintf(stderr, "replay: '%s': %s\n", dir, strerror(errno));
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, ent[i]->d_name);
		if (ent[i]->d_name[0] != '.' && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				rc = -1;
			else
				(*count)++;
		}
		free(ent[i]);
	}
	free(ent);
	return rc;
}

int
main(int argc, char **argv)
{
	struct stat st;
	size_t count = 0;
	int i, rc = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s corpus-dir|file ...\n", argv[0]);
		return 2;
	}
	for (i = 1; i < argc; i++) {
		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: '%s': %s\n", argv[i],
			    strerror(errno));
			rc = 1;
		} else if (S_ISDIR(st.st_mode)) {
			if (replay_dir(argv[i], &count) < 0)
				rc = 1;
		} else if (replay_file(argv[i]) < 0) {
			rc = 1;
		} else {
			count++;
		}
	}
	printf("replayed %zu inputs\n", count);
	if (count == 0)
		rc = 1;
	return rc;
}
