/* SPDX-License-Identifier: MIT
 * cli.h: query's command line: options, usage, messages, the searches of
 * the shell (one query, --batch), --stats, --check and --serve, and the
 * exit code (exitcodes.h).  main() is a call to frs_query_main.
 */
#ifndef FRS_QUERY_CLI_H
#define FRS_QUERY_CLI_H

#include <stdio.h>

/* Run `query` with argv[0..argc) (messages and --help name the program
 * by the last component of argv[0]), --batch reading from in, results and
 * --help written to out, messages to err.  Returns the exit code. */
int frs_query_main(int argc, char **argv, FILE *in, FILE *out, FILE *err);

#endif
