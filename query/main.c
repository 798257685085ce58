/* SPDX-License-Identifier: MIT
 * main.c: the query binary (cli.h does everything).
 */
#include <stdio.h>

#include "cli.h"

int main(int argc, char **argv)
{
    return frs_query_main(argc, argv, stdin, stdout, stderr);
}
