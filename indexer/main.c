/* SPDX-License-Identifier: MIT
 * main.c: the indexer binary (cli.h does everything).
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return frs_indexer_main(argc, argv, stdin, stdout, stderr);
}
