#ifndef BMS_CPCSCLITE_SHIM_H
#define BMS_CPCSCLITE_SHIM_H
#include <PCSC/winscard.h>
#include <PCSC/wintypes.h>
#include <PCSC/pcsclite.h>
#include <PCSC/reader.h>

// Macros that Swift cannot import as values.
static inline const SCARD_IO_REQUEST *bms_pci_t0(void) { return SCARD_PCI_T0; }
static inline const SCARD_IO_REQUEST *bms_pci_t1(void) { return SCARD_PCI_T1; }
static inline const char *bms_pnp_notification(void) { return "\\\\?PnP?\\Notification"; }
#endif
