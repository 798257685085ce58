/* SPDX-License-Identifier: MIT
 * notify.h: telling the service manager that `query --serve` is ready,
 * through libsystemd's sd_notify (systemd's Type=notify protocol: a
 * "READY=1" datagram on the socket named by $NOTIFY_SOCKET).  Outside
 * systemd, or under a unit of another Type=, NOTIFY_SOCKET is unset and
 * this does nothing.
 *
 * Ownership: nothing is allocated; the environment is only read.
 */
#ifndef FRS_NOTIFY_H
#define FRS_NOTIFY_H

#include "frs.h"

/* Send READY=1 to $NOTIFY_SOCKET, once the server accepts connections.
 * FRS_OK when sent or when NOTIFY_SOCKET is unset (nothing to do);
 * FRS_EIO when the socket is set but the message cannot be sent. */
frs_status_t frs_notify_ready(void);

#endif
