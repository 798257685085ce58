/* SPDX-License-Identifier: MIT
 * notify.c: readiness notification for systemd (Type=notify).
 */
#include "notify.h"

#include <systemd/sd-daemon.h>

frs_status_t frs_notify_ready(void)
{
    /* 0: NOTIFY_SOCKET unset; > 0: sent; < 0: -errno */
    return sd_notify(0, "READY=1") < 0 ? FRS_EIO : FRS_OK;
}
