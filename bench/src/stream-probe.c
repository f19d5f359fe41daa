/*
 * A STREAM-like memory bandwidth probe for the Hymba Desk benchmark (bench/src/bandwidth.ts compiles it at
 * bench time with `cc -O3 -march=native -fopenmp`). Three arrays of N doubles, far larger than the caches;
 * each kernel runs REPS times over all threads and the best time counts. Bytes follow the STREAM
 * convention (no write-allocate traffic): copy 16 B/element, triad 24 B/element, read (sum) 8 B/element.
 * Prints one JSON object: {"threads":T,"arrayBytes":B,"copy":GBps,"triad":GBps,"read":GBps}.
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>

static double now(void) { return omp_get_wtime(); }

int main(int argc, char **argv) {
  long n = argc > 1 ? atol(argv[1]) : 40L * 1000 * 1000;
  int reps = argc > 2 ? atoi(argv[2]) : 6;
  double *a = malloc(sizeof(double) * n), *b = malloc(sizeof(double) * n), *c = malloc(sizeof(double) * n);
  if (!a || !b || !c) { fprintf(stderr, "out of memory\n"); return 1; }
#pragma omp parallel for schedule(static)
  for (long i = 0; i < n; i++) { a[i] = 1.0; b[i] = 2.0; c[i] = 0.0; }
  double best_copy = 1e30, best_triad = 1e30, best_read = 1e30, sink = 0.0;
  for (int r = 0; r < reps; r++) {
    double t = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) c[i] = a[i];
    t = now() - t; if (t < best_copy) best_copy = t;
    t = now();
#pragma omp parallel for schedule(static)
    for (long i = 0; i < n; i++) a[i] = b[i] + 3.0 * c[i];
    t = now() - t; if (t < best_triad) best_triad = t;
    double sum = 0.0;
    t = now();
#pragma omp parallel for schedule(static) reduction(+ : sum)
    for (long i = 0; i < n; i++) sum += b[i];
    t = now() - t; if (t < best_read) best_read = t;
    sink += sum;
  }
  printf("{\"threads\":%d,\"arrayBytes\":%ld,\"copy\":%.3f,\"triad\":%.3f,\"read\":%.3f,\"check\":%.1f}\n", omp_get_max_threads(),
         (long)(sizeof(double) * n), 16.0 * n / best_copy / 1e9, 24.0 * n / best_triad / 1e9, 8.0 * n / best_read / 1e9, sink > 0 ? 1.0 : 0.0);
  free(a); free(b); free(c);
  return 0;
}
