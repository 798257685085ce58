/* SPDX-License-Identifier: MIT
 * cli.h: the indexer's command line: options, usage, messages (stderr,
 * --log, the progress line), the summary, and the exit code
 * (exitcodes.h).  main() is a call to frs_indexer_main.
 */
#ifndef FRS_INDEXER_CLI_H
#define FRS_INDEXER_CLI_H

#include <stdio.h>

/* Run `indexer` with argv[0..argc) (argv[0] is not used), reading standard
 * input from in (--delete-from -; "-" inputs are read from the process's
 * standard input), writing the summary and --help to out, messages to err.
 * Returns the exit code. */
int frs_indexer_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);

#endif
