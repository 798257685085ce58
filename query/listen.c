/* SPDX-License-Identifier: MIT
 * listen.c: the listen address of `query --serve` (listen.h).
 */
#include "listen.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

/* A port: a decimal number from 0 to 65535, digits only. */
static int parse_port(const char *v, unsigned *out)
{
    size_t n = strlen(v);
    if (n == 0 || n > 5)
        return 0;
    unsigned x = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] < '0' || v[i] > '9')
            return 0;
        x = x * 10 + (unsigned)(v[i] - '0');
    }
    if (x > 65535)
        return 0;
    *out = x;
    return 1;
}

frs_status_t frs_server_parse_listen(const char *s,
                                     struct sockaddr_storage *out,
                                     socklen_t *len)
{
    memset(out, 0, sizeof *out);
    *len = 0;
    if (!s || !*s)
        return FRS_EINVAL;
    char host[64] = "127.0.0.1";
    const char *port = s;
    if (s[0] == '[') {
        const char *close = strchr(s, ']');
        if (!close || close[1] != ':' || (size_t)(close - s - 1) >= sizeof host)
            return FRS_EINVAL;
        memcpy(host, s + 1, (size_t)(close - s - 1));
        host[close - s - 1] = '\0';
        port = close + 2;
    } else {
        const char *colon = strrchr(s, ':');
        if (colon) {
            if ((size_t)(colon - s) >= sizeof host || colon == s)
                return FRS_EINVAL;
            memcpy(host, s, (size_t)(colon - s));
            host[colon - s] = '\0';
            port = colon + 1;
        }
    }
    unsigned pn;
    if (!parse_port(port, &pn))
        return FRS_EINVAL;
    if (!strcmp(host, "localhost"))
        strcpy(host, "127.0.0.1");
    struct sockaddr_in *v4 = (struct sockaddr_in *)out;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)out;
    if (s[0] != '[' && inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)pn);
        *len = sizeof *v4;
        return FRS_OK;
    }
    if (s[0] == '[' && inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)pn);
        *len = sizeof *v6;
        return FRS_OK;
    }
    return FRS_EINVAL;
}

