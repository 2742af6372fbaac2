// libcups: submit jobs and ask cupsd about printers and jobs over IPP.
#include <cups/cups.h>
#include <cups/ipp.h>
